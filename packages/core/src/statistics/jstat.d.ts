// jstat ships no types; this declares only the parts the statistics procedures use.
// Under Node ESM the CommonJS module is reachable as the default export only
// (`import { jStat } from 'jstat'` resolves to undefined), so import it as `import jStat from 'jstat'`.
declare module 'jstat' {
  interface JStatStatic {
    normal: {
      cdf(x: number, mean: number, sd: number): number;
      inv(p: number, mean: number, sd: number): number;
    };
    beta: {
      inv(p: number, alpha: number, beta: number): number;
      cdf(x: number, alpha: number, beta: number): number;
    };
    binomial: {
      pdf(k: number, n: number, p: number): number;
    };
    chisquare: {
      cdf(x: number, degreesOfFreedom: number): number;
    };
    gammaln(x: number): number;
  }
  const jStat: JStatStatic;
  export default jStat;
}
