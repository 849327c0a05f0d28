export { AssayError, type AssayErrorOptions } from './errors.ts';
export { ConfigError, type ConfigErrorOptions } from './config-error.ts';
export { ProviderError, type ProviderErrorOptions } from './provider-error.ts';
export { RunLeaseError, type RunLeaseErrorOptions } from './run-lease-error.ts';
export {
  AssertionSchema,
  assertionTypes,
  embeddingTypes,
  modelGradedTypes,
  type Assertion,
  type EmbeddingType,
  type AssertionResult,
  type AssertionType,
  type ModelGradedType,
  type JudgeRecord,
} from './assertion.ts';
export { EmbeddingProviderRefSchema, EmbeddingProviderSchema, type EmbeddingProviderConfig, type EmbeddingProviderRef } from './embedding-provider.ts';
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
  outputFormats,
  type Gate,
  type OutputFormat,
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
export { AssertionResultSchema, CaseResultSchema, RunIdSchema, RunRecordSchema, RunStatusSchema, RunSummarySchema, RunUploadSchema } from './result-schema.ts';
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
export { ActorSchema, ApiKeySchema, ApprovalPolicySchema, AuditContextSchema, AuditEventSchema, ChangeRequestSchema, ChangeRequestStatusSchema, ConflictError, ConsumeSetupTokenInputSchema, CreateApiKeyInputSchema, CreateChangeRequestInputSchema, CreateOrganizationInputSchema, CreateProjectInputSchema, CreateSessionInputSchema, CreateUserInputSchema, EmailSchema, ForbiddenError, InvalidInputError, LabelHistoryEntrySchema, LabelNameSchema, LabelSchema, LabelTargetSchema, LabelTargetsSchema, ListAuditEventsOptionsSchema, ListChangeRequestsOptionsSchema, ListPromptsOptionsSchema, MembershipSchema, NotFoundError, OrganizationSchema, PageOptionsSchema, PasswordSchema, ProjectSchema, ProjectSettingsSchema, PromptNameSchema, PromptPartialSchema, PromptSummarySchema, PromptVersionSchema, PushPromptVersionInputSchema, RecordAuditEventInputSchema, ReviewChangeRequestInputSchema, ReviewSchema, RoleSchema, SessionSchema, SetLabelInputSchema, SlugSchema, StoredPromptMetadataSchema, UserSchema, auditActions, changeRequestStatuses, labelChangeKinds, roleAtLeast, roles, type Actor, type ApiKey, type ApprovalPolicy, type ApprovalRequirement, type AuditAction, type AuditContext, type AuditEvent, type ChangeRequest, type ChangeRequestStatus, type ConflictErrorOptions, type ConsumeSetupTokenInput, type CreateApiKeyInput, type CreateChangeRequestInput, type CreateOrganizationInput, type CreateProjectInput, type CreateSessionInput, type CreateUserInput, type ForbiddenErrorOptions, type InvalidInputErrorOptions, type Label, type LabelHistoryEntry, type LabelTarget, type LabelTargets, type ListAuditEventsOptions, type ListChangeRequestsOptions, type ListPromptsOptions, type Membership, type NotFoundErrorOptions, type Organization, type Page, type PageOptions, type Project, type PromptPartial, type ProjectSettings, type ProjectSettingsInput, type PromptSummary, type PromptVersion, type PushPromptVersionInput, type RecordAuditEventInput, type Review, type ReviewChangeRequestInput, type Role, type Session, type SetLabelInput, type StoredPromptMetadata, type User } from './registry.ts';
