export { startMockServer, type MockServerHandle, type MockServerOptions, type MockStats } from './mock-server.ts';
export { loadRulesFile, compileRules, type MockRule } from './rules.ts';
export { loadCassette, type Cassette } from './cassette.ts';
export { mulberry32, type FaultKind, type FaultOptions, type LatencyOption } from './faults.ts';
export { runMockServerCommand, parseLatency, type MockServerCommandArgs } from './run-mock-server-command.ts';
