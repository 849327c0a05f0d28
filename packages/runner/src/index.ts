export { loadSuite, findConfigFile, defaultConfigFiles } from './config/load-suite.ts';
export type { JudgeInfo, ResolvedSuite, ResolvedCase, ResolvedProvider } from './config/resolved-suite.ts';
export { runEval, type EvalOptions, type EvalOutcome, type ProviderResolver } from './run-eval.ts';
export { expandPlan, planHash, planSize, callKey } from './plan.ts';
export { runBounded } from './scheduler.ts';
export { SummaryAccumulator } from './summary.ts';
export { compareRuns, type CompareOptions } from './compare/compare-runs.ts';
export { promptRunSource, resolveRunSource, storeRunSource, type RunSource } from './compare/run-source.ts';
export { evaluateGates, regressionGate, formatP, type CellIntervals } from './gates.ts';
