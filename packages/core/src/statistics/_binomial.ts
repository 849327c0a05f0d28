// Binomial probabilities shared by the exact tests and their power (internal: not exported from the barrel).
// Summed here rather than taken from jstat: its `binomial.cdf` rounds to 1e-10, its `binomial.pdf`
// overflows past n ≈ 1000 (C(n, k)·pᵏ in doubles), and its `ibeta` stops its continued fraction at a
// relative change of 3e-7 or 100 iterations, which is short of converging for parameters in the thousands.
import jStat from 'jstat';

/** log P(X = k) for X ~ Binomial(n, p), 0 < p < 1, from jStat.gammaln (relative error ~1e-10 in P at n in the thousands). */
export function logBinomialPmf(k: number, n: number, p: number): number {
  return jStat.gammaln(n + 1) - jStat.gammaln(k + 1) - jStat.gammaln(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/**
 * P(X ≤ k) for X ~ Binomial(n, p). The tail away from the mean is summed term by term from the
 * term nearest the mean outward (each term a ratio of the one before, so nothing overflows), until
 * the terms no longer change the sum; above the mean it is one minus the upper tail, summed the same way.
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n || p === 0) return 1;
  if (p === 1) return 0;
  const odds = p / (1 - p);
  if (k <= n * p) {
    // P(X = i − 1) / P(X = i) = i / ((n − i + 1)·odds), below 1 for i ≤ np.
    let term = 1;
    let sum = 1;
    for (let i = k; i > 0; i--) {
      term *= i / ((n - i + 1) * odds);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return Math.min(1, Math.exp(logBinomialPmf(k, n, p)) * sum);
  }
  // P(X = i + 1) / P(X = i) = (n − i)/(i + 1)·odds, below 1 for i ≥ np.
  let term = 1;
  let sum = 1;
  for (let i = k + 1; i < n; i++) {
    term *= ((n - i) / (i + 1)) * odds;
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return Math.max(0, 1 - Math.exp(logBinomialPmf(k + 1, n, p)) * sum);
}

/**
 * P(X = x) for X ~ Binomial(n, p) over the x where it is at least `negligible` times its largest
 * value (what is left out adds up to far less than 1e-12 for negligible = 1e-18): built outward
 * from the mode by the ratio of consecutive terms.
 */
export function binomialMass(n: number, p: number, negligible: number): { low: number; mass: Float64Array } {
  if (p === 0 || p === 1) return { low: p === 0 ? 0 : n, mass: Float64Array.of(1) };
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const odds = p / (1 - p);
  const down = (x: number) => x / ((n - x + 1) * odds); // P(x − 1)/P(x)
  const up = (x: number) => ((n - x) / (x + 1)) * odds; // P(x + 1)/P(x)
  let low = mode;
  let high = mode;
  for (let term = 1; low > 0 && (term *= down(low)) >= negligible; ) low--;
  for (let term = 1; high < n && (term *= up(high)) >= negligible; ) high++;
  const mass = new Float64Array(high - low + 1);
  mass[mode - low] = Math.exp(logBinomialPmf(mode, n, p));
  for (let x = mode; x > low; x--) mass[x - 1 - low] = mass[x - low] * down(x);
  for (let x = mode; x < high; x++) mass[x + 1 - low] = mass[x - low] * up(x);
  return { low, mass };
}
