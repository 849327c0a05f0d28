// The wire shapes the dashboard reads, copied from packages/spec/src (registry.ts, result.ts,
// comparison.ts, assertion.ts) as plain interfaces so the browser bundle never pulls in zod.
// Keep them in step with the spec; only the fields the dashboard uses are required here.

// Result and comparison shapes are the engine's own (type-only: nothing of spec reaches the bundle).
export type {
  AssertionResult,
  CaseResult,
  CellComparison,
  ComparedRun,
  ComparisonTestName,
  Estimate,
  GateResult,
  MetricSummary,
  RepeatSummary,
  RunComparison,
  RunRecord,
  RunSummary,
  SummaryCell,
  TokenUsage,
  Verdict,
} from '../../spec/src/index.ts';

export type Role = 'viewer' | 'editor' | 'approver' | 'admin';
export const roles: readonly Role[] = ['viewer', 'editor', 'approver', 'admin'];

export type RiskTier = 'low' | 'medium' | 'high' | 'critical';
export const riskTiers: readonly RiskTier[] = ['low', 'medium', 'high', 'critical'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Actor = { type: 'user'; id: string } | { type: 'api-key'; id: string } | { type: 'system'; id?: string };

/** Who is behind an actor: a user's name and email, or an API key's name. */
export interface ActorName {
  name: string;
  email?: string;
}

/**
 * `user:<id>` and `api-key:<id>` → who that is. The server sends it with every list that mentions
 * people or keys (packages/server/src/actor-names.ts); an id missing from it is shown as an id.
 */
export type ActorNames = Readonly<Record<string, ActorName>>;

export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt: string;
}

export interface ApprovalPolicy {
  low: number;
  medium: number;
  high: number;
  critical: number;
}

export interface ProjectSettings {
  approvals: ApprovalPolicy;
  protectedLabels: string[];
}

export interface Project {
  id: string;
  organizationId: string;
  name: string;
  displayName: string;
  settings: ProjectSettings;
  createdAt: string;
}

export interface ProjectAccess {
  project: Project;
  role: Role;
}

export interface Membership {
  projectId: string;
  user: User;
  role: Role;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKey {
  id: string;
  projectId: string;
  name: string;
  role: Role;
  prefix: string;
  createdBy: Actor;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface SessionInfo {
  user: User | null;
  apiKey: ApiKey | null;
  csrfToken: string | null;
  projects: ProjectAccess[];
}

export interface PromptMetadata {
  owner?: string;
  riskTier?: RiskTier;
  lastReviewed?: string;
  [key: string]: unknown;
}

export interface PromptVersion {
  id: string;
  projectId: string;
  promptName: string;
  version: number;
  contentHash: string;
  source: string;
  template: string;
  modelConfig: Record<string, unknown>;
  inputSchema: unknown;
  outputSchema: unknown;
  metadata: PromptMetadata;
  author: string;
  message: string | null;
  createdBy: Actor;
  createdAt: string;
}

export interface PromptSummary {
  id: string;
  projectId: string;
  name: string;
  latestVersion: number;
  owner: string | null;
  riskTier: RiskTier | null;
  lastReviewed: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LabelTarget {
  version: number;
  /** Percent of traffic, 1–100. */
  weight: number;
}

export interface Label {
  promptName: string;
  name: string;
  targets: LabelTarget[];
  revision: number;
  updatedAt: string;
  updatedBy: Actor;
}

export interface LabelHistoryEntry {
  promptName: string;
  label: string;
  revision: number;
  targets: LabelTarget[];
  previousTargets: LabelTarget[] | null;
  kind: 'set' | 'rollback' | 'change-request';
  changeRequestId: string | null;
  message: string | null;
  actor: Actor;
  createdAt: string;
}

export type DiffField = 'template' | 'modelConfig' | 'inputSchema' | 'outputSchema' | 'metadata';

export interface PromptDiff {
  from: number;
  to: number;
  changes: { field: DiffField; unified: string }[];
}

export interface Changelog {
  markdown: string;
  entries: { version: number; author: string; message: string | null; createdAt: string; changedFields: string[] }[];
}

export type ChangeRequestStatus = 'pending' | 'approved' | 'rejected' | 'applied' | 'superseded' | 'cancelled';

export interface Review {
  userId: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  createdAt: string;
}

export interface ChangeRequest {
  id: string;
  projectId: string;
  promptName: string;
  label: string;
  targets: LabelTarget[];
  baseRevision: number;
  status: ChangeRequestStatus;
  requestedBy: Actor;
  requesterUserId: string | null;
  message: string | null;
  riskTier: RiskTier | null;
  requiredApprovals: number;
  reviews: Review[];
  appliedRevision: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface AuditEvent {
  id: string;
  projectId: string | null;
  actor: Actor;
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
}

// ---------------------------------------------------------------------------------------------
// Runs and results (packages/spec/src/result.ts, comparison.ts)

export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';

export interface RunListItem {
  id: string;
  createdAt: string;
  finishedAt: string | null;
  status: RunStatus;
  label: string | null;
  total: number;
  passRate: number | null;
  /** Null while the run has no summary. */
  passed: number | null;
  failed: number | null;
  errors: number | null;
  cost: number | null;
}










export type CaseOutcome = 'pass' | 'fail' | 'error';







/** `role` is `minimum` or stronger (`viewer < editor < approver < admin`). */
export function roleAtLeast(role: Role | null, minimum: Role): boolean {
  return role !== null && roles.indexOf(role) >= roles.indexOf(minimum);
}
