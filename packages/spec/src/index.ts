export { AssayError, type AssayErrorOptions } from './errors.ts';
export { ConfigError, type ConfigErrorOptions } from './config-error.ts';
export { ProviderError, type ProviderErrorOptions } from './provider-error.ts';
export {
  AssertionSchema,
  assertionTypes,
  modelGradedTypes,
  type Assertion,
  type AssertionResult,
  type AssertionType,
  type JudgeRecord,
} from './assertion.ts';
export {
  PromptMetadataSchema,
  ResponseContractSchema,
  RiskTierSchema,
  type PromptMetadata,
  type ResponseContract,
} from './prompt-metadata.ts';
export {
  GateSchema,
  ProviderConfigSchema,
  ProviderLimitsSchema,
  PromptRefSchema,
  RunOptionsSchema,
  SuiteSchema,
  TestCaseSchema,
  defineConfig,
  type Gate,
  type ProviderConfig,
  type Suite,
  type SuiteInput,
  type TestCase,
} from './suite.ts';
export type {
  CaseResult,
  ChatMessage,
  JudgeMetricSummary,
  MetricSummary,
  RunEvent,
  RunRecord,
  RunStatus,
  RunSummary,
  SummaryCell,
  TokenUsage,
  ToolCallRecord,
} from './result.ts';
export { suiteJsonSchema } from './suite-json-schema.ts';
export type {
  CellComparison,
  ComparedRun,
  ComparisonTestName,
  Estimate,
  GateResult,
  RepeatSummary,
  RunComparison,
  Verdict,
} from './comparison.ts';
export { AgreementLabelRowSchema, JudgeCalibrationFileSchema, JudgeFileSchema, JudgeLabelRowSchema, judgeFileTypes, parsePassLabel, type AgreementLabelRow, type JudgeCalibrationFile, type JudgeCallRecord, type JudgeFile, type JudgeLabelRow } from './judge.ts';
