export type { AssertionContext, EmbedFunction, GradeFunction, ToolDefinition } from './assertion-context.ts';
export { compileAssertion, scoreCase, stopSandbox, type AssertionLocation, type CompiledAssertion } from './assertions/index.ts';
export { compileSandboxed, type SandboxedFunction } from './assertions/javascript-sandbox.ts';
export { javascriptModuleBody } from './assertions/javascript-module.ts';
export { detectPii, detectRefusal, findCanaries, headerSecrets, piiKinds, redactionMarker, redactSecrets, urlSecrets } from './detectors/index.ts';
export { computeCost, defaultPrices, findPrice, type ModelPrice } from './pricing.ts';
export { compilePromptTemplate, type PromptTemplate } from './prompt-template.ts';
export { compilePromptfooPrompt, type PromptfooPromptFormat } from './promptfoo-prompt.ts';
export {
  promptChangelog,
  type PromptChangelog,
  type PromptChangelogEntry,
  type PromptChangelogLabel,
  type PromptChangelogVersion,
} from './registry/changelog.ts';
export { canonicalJson, partialContentHash, promptContentHash, promptVersionFromTemplate, promptVersionInput, reservedPromptNameSegments, type PromptContent, type PromptVersionContent } from './registry/prompt-version-input.ts';
export {
  diffPromptVersions,
  formatPromptVersionDiff,
  promptVersionFields,
  type PromptVersionDiff,
  type PromptVersionField,
  type PromptVersionFieldChange,
  type PromptVersionLike,
} from './registry/version-diff.ts';
export { templateVariables } from './template-variables.ts';
export * from './statistics/index.ts';
export { formatFieldPath, parseYamlSource, type SourcePosition, type YamlSource } from './yaml-source.ts';
