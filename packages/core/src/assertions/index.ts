export { compileAssertion, type AssertionLocation, type CompiledAssertion } from './compile-assertion.ts';
export { scoreCase } from './score-case.ts';
export { stopSandbox } from './javascript-sandbox.ts';
