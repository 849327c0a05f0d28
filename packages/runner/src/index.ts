export { loadSuite, findConfigFile, defaultConfigFiles } from './config/load-suite.ts';
export type { JudgeInfo, ResolvedSuite, ResolvedCase, ResolvedProvider } from './config/resolved-suite.ts';
export { runEval, type EvalOptions, type EvalOutcome, type ProviderResolver } from './run-eval.ts';
export { expandPlan, planHash, planSize, callKey } from './plan.ts';
export { runBounded } from './scheduler.ts';
export { SummaryAccumulator } from './summary.ts';
