export type { AssertionContext, GradeFunction, ToolDefinition } from './assertion-context.ts';
export { compileAssertion, scoreCase, type AssertionLocation, type CompiledAssertion } from './assertions/index.ts';
export { detectPii, detectRefusal, findCanaries, piiKinds } from './detectors/index.ts';
export { computeCost, defaultPrices, findPrice, type ModelPrice } from './pricing.ts';
export { compilePromptTemplate, type PromptTemplate } from './prompt-template.ts';
export { templateVariables } from './template-variables.ts';
export * from './statistics/index.ts';
export { formatFieldPath, parseYamlSource, type SourcePosition, type YamlSource } from './yaml-source.ts';
