export type { AssertionContext, GradeFunction, ToolDefinition } from './assertion-context.ts';
export { compileAssertion, scoreCase, type CompiledAssertion } from './assertions/index.ts';
export { detectRefusal } from './detectors/refusal.ts';
export { detectPii } from './detectors/pii.ts';
export { computeCost, defaultPrices } from './pricing.ts';
export { compilePromptTemplate, type PromptTemplate } from './prompt-template.ts';
export { templateVariables } from './template-variables.ts';
export { wilsonInterval } from './statistics/wilson.ts';
export { formatFieldPath, parseYamlSource, type SourcePosition, type YamlSource } from './yaml-source.ts';
