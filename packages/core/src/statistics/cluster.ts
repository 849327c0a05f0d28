import { assertConfidence, assertInteger } from './_validate.ts';
import { zForConfidence } from './normal.ts';
import { wilsonIntervalFromRate } from './wilson.ts';

/** One case run `trials` times, of which `successes` passed. */
export interface ClusterCount {
  successes: number;
  trials: number;
}

/** A pass rate over repeated runs, with the interval widened for the correlation between repeats. */
export interface ClusteredProportion {
  /** Wilson interval on the effective sample size; null when there are no trials. */
  interval: [number, number] | null;
  /** Pooled pass rate Σ successes / Σ trials; null when there are no trials. */
  estimate: number | null;
  /**
   * ANOVA estimate of the intra-class correlation, clamped to [0, 1]; null when it cannot be
   * estimated (fewer than two clusters, every cluster of size 1, or no variation at all).
   */
  icc: number | null;
  /** Design effect 1 + (m̄ − 1)·ICC with m̄ = Σ mᵢ² / Σ mᵢ; 1 when the ICC is null. */
  designEffect: number;
  /** Σ trials / designEffect. */
  effectiveN: number;
  /** Total trials Σ mᵢ. */
  trials: number;
  /** Clusters with at least one trial. */
  clusters: number;
}

/**
 * Interval for a pass rate when each case is run several times: the repeats of one case are not
 * independent, so n·k runs carry less information than n·k independent cases.
 *
 * 1. ICC by the one-way ANOVA estimator for binary data (Fleiss 1981; Ridout, Demétrio & Firth
 *    1999, "Estimating intraclass correlation for binary data", Biometrics 55:137–148):
 *    ρ = (MSB − MSW) / (MSB + (n₀ − 1)·MSW), n₀ = (N − Σ mᵢ²/N) / (k − 1), clamped at 0.
 * 2. Kish design effect 1 + (m̄ − 1)·ρ with the size-weighted mean cluster size m̄ = Σ mᵢ²/N:
 *    under exchangeable correlation Var(Σ yᵢ) = p(1−p)·Σ mᵢ(1 + (mᵢ − 1)ρ), which is exactly
 *    N·p(1−p)·(1 + (Σmᵢ²/N − 1)ρ); with equal sizes m̄ is the cluster size.
 * 3. Wilson interval with the pooled p̂ on the effective sample size N / deff.
 *
 * With every cluster of size 1 the ICC is null, deff = 1 and the result is the plain Wilson interval.
 * @example clusteredProportionInterval([{ successes: 5, trials: 5 }, { successes: 0, trials: 5 }]).designEffect // 5
 */
export function clusteredProportionInterval(clusters: readonly ClusterCount[], confidence = 0.95): ClusteredProportion {
  assertConfidence(confidence);
  let clusterCount = 0;
  let trials = 0;
  let successes = 0;
  let sumSquaredSizes = 0;
  let sumSquaredSuccessesOverSize = 0;
  for (const [index, cluster] of clusters.entries()) {
    assertInteger(`clusters[${index}].trials`, cluster.trials);
    if (!(cluster.successes >= 0 && cluster.successes <= cluster.trials)) {
      throw new RangeError(`clusters[${index}].successes must be in [0, trials], got ${cluster.successes} of ${cluster.trials}`);
    }
    if (cluster.trials === 0) continue;
    clusterCount++;
    trials += cluster.trials;
    successes += cluster.successes;
    sumSquaredSizes += cluster.trials * cluster.trials;
    sumSquaredSuccessesOverSize += (cluster.successes * cluster.successes) / cluster.trials;
  }
  if (trials === 0) return { interval: null, estimate: null, icc: null, designEffect: 1, effectiveN: 0, trials: 0, clusters: 0 };

  const estimate = successes / trials;
  const icc = anovaIcc(clusterCount, trials, successes, sumSquaredSizes, sumSquaredSuccessesOverSize);
  const meanClusterSize = sumSquaredSizes / trials;
  const designEffect = icc === null ? 1 : 1 + (meanClusterSize - 1) * icc;
  const effectiveN = trials / designEffect;
  return {
    interval: wilsonIntervalFromRate(estimate, effectiveN, zForConfidence(confidence)),
    estimate,
    icc,
    designEffect,
    effectiveN,
    trials,
    clusters: clusterCount,
  };
}

function anovaIcc(k: number, total: number, successes: number, sumSquaredSizes: number, sumSquaredSuccessesOverSize: number): number | null {
  if (k < 2 || total === k) return null;
  // Sums of squares of the 0/1 outcomes: between = Σ yᵢ²/mᵢ − Y²/N, within = Y − Σ yᵢ²/mᵢ.
  const between = Math.max(0, sumSquaredSuccessesOverSize - (successes * successes) / total);
  const within = Math.max(0, successes - sumSquaredSuccessesOverSize);
  const msb = between / (k - 1);
  const msw = within / (total - k);
  const n0 = (total - sumSquaredSizes / total) / (k - 1);
  const denominator = msb + (n0 - 1) * msw;
  if (!(denominator > 0)) return null;
  return Math.min(1, Math.max(0, (msb - msw) / denominator));
}

/**
 * pass@k: the chance that at least one of k runs drawn without replacement from n runs (c of them
 * passing) passes. The unbiased estimator of Chen et al. 2021 ("Evaluating Large Language Models
 * Trained on Code", the Codex paper), 1 − C(n−c, k)/C(n, k), in their stable product form
 * 1 − Π_{i=n−c+1..n} (1 − k/i).
 * @example passAtK(10, 3, 1) // 0.3
 */
export function passAtK(n: number, c: number, k: number): number {
  assertCounts('passAtK', n, c, k);
  if (n - c < k) return 1;
  let allFail = 1;
  for (let i = n - c + 1; i <= n; i++) allFail *= 1 - k / i;
  return 1 - allFail;
}

/**
 * pass^k (τ-bench, Yao et al. 2024): the chance that all k runs drawn without replacement from n
 * runs (c passing) pass, C(c, k)/C(n, k) = Π_{i=0..k−1} (c − i)/(n − i).
 * @example passAllK(10, 5, 2) // 2/9
 */
export function passAllK(n: number, c: number, k: number): number {
  assertCounts('passAllK', n, c, k);
  if (c < k) return 0;
  let allPass = 1;
  for (let i = 0; i < k; i++) allPass *= (c - i) / (n - i);
  return allPass;
}

function assertCounts(name: string, n: number, c: number, k: number): void {
  assertInteger(`${name}: n`, n, 1);
  assertInteger(`${name}: c`, c);
  assertInteger(`${name}: k`, k, 1);
  if (c > n) throw new RangeError(`${name}: c must be ≤ n, got c = ${c}, n = ${n}`);
  if (k > n) throw new RangeError(`${name}: k must be ≤ n, got k = ${k}, n = ${n}`);
}
