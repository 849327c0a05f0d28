import { ConfigError } from '@assay/spec';
import type { LatencyOption } from './faults.ts';
import { startMockServer, type MockServerHandle, type MockServerOptions } from './mock-server.ts';
import { loadRulesFile } from './rules.ts';

/** Flags of `assay mock-server`, as commander hands them over (numbers may still be strings). */
export interface MockServerCommandArgs {
  port?: number | string;
  host?: string;
  mode?: string;
  /** Path of a YAML or JSON rules file. */
  rules?: string;
  /** Path of a JSONL cassette. */
  cassette?: string;
  /** `200`, `50-400`, or `p50=200,p99=2000`. */
  latency?: string;
  rate429?: number | string;
  rate5xx?: number | string;
  rateMalformed?: number | string;
  rateCutStream?: number | string;
  retryAfter?: number | string;
  seed?: number | string;
  apiKey?: string;
  /** Where the banner and request lines go; default `console.log`. */
  print?: (line: string) => void;
  /** Also print one line per request. */
  verbose?: boolean;
}

/**
 * Starts the mock server for the CLI and prints where it listens. Never exits the process; the
 * caller keeps it alive and calls `close()` on SIGINT.
 *
 * @example
 * const server = await runMockServerCommand({ port: '8787', rate429: '0.1', seed: '7' });
 */
export async function runMockServerCommand(args: MockServerCommandArgs = {}): Promise<MockServerHandle> {
  const print = args.print ?? ((line: string) => console.log(line));
  const mode = parseMode(args.mode, args);
  const options: MockServerOptions = {
    port: parseNumber(args.port, '--port', { min: 0, max: 65535, integer: true }) ?? 0,
    host: args.host ?? '127.0.0.1',
    mode,
    cassettePath: args.cassette,
    seed: parseNumber(args.seed, '--seed', { integer: true }),
    apiKey: args.apiKey,
    log: args.verbose ? print : undefined,
    faults: {
      latencyMs: parseLatency(args.latency),
      rate429: parseRate(args.rate429, '--rate-429'),
      rate5xx: parseRate(args.rate5xx, '--rate-5xx'),
      rateMalformed: parseRate(args.rateMalformed, '--rate-malformed'),
      rateCutStream: parseRate(args.rateCutStream, '--rate-cut-stream'),
      retryAfterSeconds: parseNumber(args.retryAfter, '--retry-after', { min: 0 }),
    },
  };
  const faults = options.faults!;
  if ((faults.rate429 ?? 0) + (faults.rate5xx ?? 0) + (faults.rateMalformed ?? 0) > 1) {
    throw new ConfigError('--rate-429, --rate-5xx and --rate-malformed add up to more than 1.', {
      hint: 'Each is a share of all requests; together they must be at most 1.',
      docs: 'mock-server.md',
    });
  }
  if (args.rules) options.rules = await loadRulesFile(args.rules);
  const server = await startMockServer(options);
  print(`Mock server listening on ${server.url} (OpenAI: /v1/chat/completions, Anthropic: /v1/messages)`);
  return server;
}

function parseMode(mode: string | undefined, args: MockServerCommandArgs): MockServerOptions['mode'] {
  if (mode === undefined) return args.cassette ? 'cassette' : args.rules ? 'rules' : 'echo';
  if (mode === 'echo' || mode === 'rules' || mode === 'cassette') return mode;
  throw new ConfigError(`Unknown --mode "${mode}".`, { field: '--mode', hint: 'Use echo, rules or cassette.', docs: 'mock-server.md' });
}

function parseNumber(
  value: number | string | undefined,
  flag: string,
  limits: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  const valid =
    Number.isFinite(number) &&
    (!limits.integer || Number.isInteger(number)) &&
    (limits.min === undefined || number >= limits.min) &&
    (limits.max === undefined || number <= limits.max);
  if (!valid) {
    const range = limits.min !== undefined && limits.max !== undefined ? ` between ${limits.min} and ${limits.max}` : limits.min !== undefined ? ` of at least ${limits.min}` : '';
    throw new ConfigError(`${flag} must be ${limits.integer ? 'an integer' : 'a number'}${range}, got "${value}".`, { field: flag, docs: 'mock-server.md' });
  }
  return number;
}

function parseRate(value: number | string | undefined, flag: string): number | undefined {
  return parseNumber(value, flag, { min: 0, max: 1 });
}

/** `200` (fixed), `50-400` (uniform), `p50=200,p99=2000` (lognormal; `min=`/`max=` clamp). */
export function parseLatency(value: string | undefined): LatencyOption | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  const fail = () =>
    new ConfigError(`--latency "${value}" is not a latency.`, {
      field: '--latency',
      hint: 'Use milliseconds (200), a range (50-400), or percentiles (p50=200,p99=2000).',
      docs: 'mock-server.md',
    });
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const range = /^(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)$/.exec(text);
  if (range) {
    const min = Number(range[1]);
    const max = Number(range[2]);
    if (max < min) throw fail();
    return { min, max };
  }
  const distribution: { min?: number; max?: number; p50?: number; p99?: number } = {};
  for (const part of text.split(',')) {
    const pair = /^\s*(p50|p99|min|max)\s*[=:]\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!pair) throw fail();
    distribution[pair[1] as 'p50' | 'p99' | 'min' | 'max'] = Number(pair[2]);
  }
  if (distribution.p50 === undefined && distribution.min === undefined && distribution.max === undefined) throw fail();
  return distribution;
}
