// The statistics procedures, written once and tested against reference values (see each file).
// Distributions come from jstat; what is here is the procedures built on them.
export * from './wilson.ts';
export * from './normal.ts';
export * from './random.ts';
export * from './bootstrap.ts';
export * from './cluster.ts';
export * from './paired-tests.ts';
export * from './difference.ts';
export * from './multiple-comparisons.ts';
export * from './interval-agreeing-with-test.ts';
export * from './power.ts';
export * from './exact-power.ts';
export * from './agreement.ts';
export * from './calibration.ts';
