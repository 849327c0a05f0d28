// Reference computations for the statistics tests, independent of jstat and of the code under test
// (internal: not exported from the barrel, imported by tests only).

/** P(X = x) for X ~ Binomial(n, p), x = 0..n, by a log-space product. */
export function binomialPmf(n: number, p: number): Float64Array {
  const pmf = new Float64Array(n + 1);
  if (p === 0 || p === 1) {
    pmf[p === 0 ? 0 : n] = 1;
    return pmf;
  }
  let logCoefficient = 0;
  for (let x = 0; x <= n; x++) {
    if (x > 0) logCoefficient += Math.log((n - x + 1) / x);
    pmf[x] = Math.exp(logCoefficient + x * Math.log(p) + (n - x) * Math.log1p(-p));
  }
  return pmf;
}
