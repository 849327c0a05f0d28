/** Latency distribution: a fixed number of milliseconds, uniform `min..max`, or lognormal from `p50`/`p99`. */
export type LatencyOption = number | { min?: number; max?: number; p50?: number; p99?: number };

export interface FaultOptions {
  /** Delay before the response starts (time to first byte for streams). */
  latencyMs?: LatencyOption;
  /** Share 0..1 of requests answered 429 with a `Retry-After` header (seconds). */
  rate429?: number;
  /** Seconds put in `Retry-After` on injected 429s. Default 1. */
  retryAfterSeconds?: number;
  /** Share 0..1 answered 500, 502 or 503. */
  rate5xx?: number;
  /** Share 0..1 answered 200 with a malformed JSON body (a broken SSE chunk for streams). */
  rateMalformed?: number;
  /** Share 0..1 of streaming responses cut mid-way: the socket is destroyed after some chunks. */
  rateCutStream?: number;
}

export type FaultKind = 'rate429' | 'rate5xx' | 'malformed' | 'cutStream';

/** What the fault sampler decided for one request. */
export interface FaultDecision {
  kind: FaultKind | undefined;
  /** Status code for `rate5xx`. */
  status?: number;
  latencyMs: number;
}

/** mulberry32: tiny, fast, good enough for sampling faults; the same seed gives the same sequence. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// z-score of the 99th percentile of the standard normal distribution.
const Z99 = 2.3263478740408408;

/** Builds a latency sampler; returns undefined when no latency is configured (the common, fast case). */
export function createLatencySampler(option: LatencyOption | undefined, random: () => number): (() => number) | undefined {
  if (option === undefined) return undefined;
  if (typeof option === 'number') {
    const fixed = Math.max(0, option);
    return fixed === 0 ? undefined : () => fixed;
  }
  const { min, max, p50, p99 } = option;
  if (p50 !== undefined && p50 > 0) {
    // Lognormal: median p50, and p99 at mu + Z99 * sigma. Without p99 assume a modest tail (p99 = 3 × p50).
    const mu = Math.log(p50);
    const sigma = Math.max(0, (Math.log(p99 !== undefined && p99 > p50 ? p99 : p50 * 3) - mu) / Z99);
    return () => clamp(Math.exp(mu + sigma * standardNormal(random)), min, max);
  }
  const low = Math.max(0, min ?? 0);
  const high = Math.max(low, max ?? low);
  if (high === 0) return undefined;
  return () => low + (high - low) * random();
}

function clamp(value: number, min: number | undefined, max: number | undefined): number {
  let result = value;
  if (min !== undefined && result < min) result = min;
  if (max !== undefined && result > max) result = max;
  return Math.max(0, result);
}

// Box-Muller transform; 1 - random() keeps the logarithm's argument in (0, 1].
function standardNormal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const SERVER_ERROR_STATUSES = [500, 502, 503] as const;

/**
 * Samples faults with a seeded PRNG. One uniform draw per request picks at most one of
 * 429 / 5xx / malformed (their rates stack, so they must sum to ≤ 1); cut streams are drawn
 * separately and only for streaming requests that got no other fault.
 */
export function createFaultSampler(faults: FaultOptions | undefined, seed: number): (streaming: boolean) => FaultDecision {
  const random = mulberry32(seed);
  const latency = createLatencySampler(faults?.latencyMs, random);
  const rate429 = clampRate(faults?.rate429);
  const rate5xx = clampRate(faults?.rate5xx);
  const rateMalformed = clampRate(faults?.rateMalformed);
  const rateCutStream = clampRate(faults?.rateCutStream);
  const anyFault = rate429 + rate5xx + rateMalformed + rateCutStream > 0;

  return (streaming) => {
    const latencyMs = latency ? latency() : 0;
    if (!anyFault) return { kind: undefined, latencyMs };
    const draw = random();
    if (draw < rate429) return { kind: 'rate429', latencyMs };
    if (draw < rate429 + rate5xx) {
      const status = SERVER_ERROR_STATUSES[Math.floor(random() * SERVER_ERROR_STATUSES.length)] ?? 500;
      return { kind: 'rate5xx', status, latencyMs };
    }
    if (draw < rate429 + rate5xx + rateMalformed) return { kind: 'malformed', latencyMs };
    if (streaming && rateCutStream > 0 && random() < rateCutStream) return { kind: 'cutStream', latencyMs };
    return { kind: undefined, latencyMs };
  };
}

function clampRate(rate: number | undefined): number {
  if (rate === undefined || !Number.isFinite(rate) || rate <= 0) return 0;
  return Math.min(1, rate);
}
