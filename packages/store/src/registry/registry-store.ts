import type {
  ApiKey,
  ApprovalRequirement,
  AuditContext,
  AuditEvent,
  ChangeRequest,
  ConsumeSetupTokenInput,
  CreateApiKeyInput,
  CreateChangeRequestInput,
  CreateOrganizationInput,
  CreateProjectInput,
  CreateSessionInput,
  CreateUserInput,
  Label,
  LabelHistoryEntry,
  ListAuditEventsOptions,
  ListChangeRequestsOptions,
  ListPromptsOptions,
  Membership,
  Organization,
  Page,
  PageOptions,
  Project,
  ProjectSettingsInput,
  PromptSummary,
  PromptVersion,
  PushPromptVersionInput,
  RecordAuditEventInput,
  ReviewChangeRequestInput,
  Role,
  Session,
  SetLabelInput,
  User,
} from '@assay/spec';
import type pg from 'pg';

/**
 * Storage for the prompt registry, auth and the audit log. One implementation over SQLite and
 * PostgreSQL (`openRegistryStore`); every behaviour is pinned by `registry-conformance.ts`.
 * It is made of one interface per aggregate (below), each implemented by one file of `sql/`.
 *
 * Rules every method keeps:
 * - **Project isolation.** Methods that take a `projectId` read and write only that project's
 *   rows; an id of another project's row is answered as if it did not exist (`NotFoundError`).
 * - **Audit in the same transaction.** Every method that takes an `AuditContext` writes its audit
 *   event in the transaction of the change; either both are stored or neither.
 * - **Validation at the edge.** Inputs are parsed with the zod schemas of `@assay/spec`; a bad one
 *   is an `InvalidInputError` (422) naming the fields.
 * - **Typed errors.** `NotFoundError` (404), `ConflictError` (409: stale revision, taken name,
 *   request no longer pending), `ForbiddenError` (403: self-approval, approval required, bad setup
 *   token). Anything else is a database fault (the server answers 503).
 * - **Secrets are never stored.** API keys, session and setup tokens are stored as SHA-256 hashes,
 *   passwords as salted scrypt hashes; a secret is returned once, by the method that creates it.
 *
 * Roles are checked by the server on every route; the store checks only what belongs to the data:
 * a reviewer of a change request must be a user with the `approver` role (or an instance admin)
 * in the project, and must not be the requester.
 */
export interface RegistryStore
  extends RegistryProjects,
    RegistryUsers,
    RegistryApiKeys,
    RegistrySessions,
    RegistryPrompts,
    RegistryLabels,
    RegistryChangeRequests,
    RegistryAuditLog {
  readonly specificationVersion: 'v1';
  readonly dialect: 'sqlite' | 'postgres';

  close(): Promise<void>;
}

/** Organizations and projects. */
export interface RegistryProjects {
  /** `ConflictError` when the name is taken. */
  createOrganization(input: CreateOrganizationInput, context: AuditContext): Promise<Organization>;
  getOrganization(organizationId: string): Promise<Organization | undefined>;
  getOrganizationByName(name: string): Promise<Organization | undefined>;
  listOrganizations(): Promise<Organization[]>;
  /** `ConflictError` when the organization already has a project of that name. */
  createProject(organizationId: string, input: CreateProjectInput, context: AuditContext): Promise<Project>;
  /**
   * Finds a project by organization and project name, creating either when missing (what
   * `assay admin create-key --project <name>` needs). Safe when two processes race.
   */
  ensureProject(names: { organization: string; project: string }, context: AuditContext): Promise<{ project: Project; created: boolean }>;
  getProject(projectId: string): Promise<Project | undefined>;
  getProjectByName(organizationId: string, name: string): Promise<Project | undefined>;
  /** Every project, or with `userId` those the user is a member of (an instance admin still gets only their memberships). */
  listProjects(options?: { organizationId?: string; userId?: string }): Promise<Project[]>;
  /** Replaces the settings (fields left out take their defaults). */
  updateProjectSettings(projectId: string, settings: ProjectSettingsInput, context: AuditContext): Promise<Project>;
}

/** Users and their project memberships. */
export interface RegistryUsers {
  /** `ConflictError` when the email is taken (emails compare case-insensitively). */
  createUser(input: CreateUserInput, context: AuditContext): Promise<User>;
  getUser(userId: string): Promise<User | undefined>;
  getUserByEmail(email: string): Promise<User | undefined>;
  /** The user when the password matches; undefined otherwise, in about the same time either way. */
  authenticateUser(email: string, password: string): Promise<User | undefined>;
  /** Also ends every session of the user. */
  setUserPassword(userId: string, password: string, context: AuditContext): Promise<void>;
  countUsers(): Promise<number>;
  /** Every user, by email (an instance admin's user list). */
  listUsers(): Promise<User[]>;
  /** Adds a member or changes their role. */
  setMember(projectId: string, userId: string, role: Role, context: AuditContext): Promise<Membership>;
  /** `NotFoundError` when the user is not a member. */
  removeMember(projectId: string, userId: string, context: AuditContext): Promise<void>;
  getMember(projectId: string, userId: string): Promise<Membership | undefined>;
  /** Ordered by email. */
  listMembers(projectId: string): Promise<Membership[]>;
}

/** API keys of a project. */
export interface RegistryApiKeys {
  /** `secret` is returned here and never again; only its SHA-256 hash and a short prefix are stored. */
  createApiKey(projectId: string, input: CreateApiKeyInput, context: AuditContext): Promise<{ apiKey: ApiKey; secret: string }>;
  /** Newest first, revoked keys included. */
  listApiKeys(projectId: string): Promise<ApiKey[]>;
  /** Idempotent: revoking a revoked key returns it unchanged (and records nothing). */
  revokeApiKey(projectId: string, apiKeyId: string, context: AuditContext): Promise<ApiKey>;
  /**
   * The live (not revoked, not expired) key whose hash matches the secret, found by hash alone.
   * Notes the time of use (at most once a minute per key, so reads do not turn into writes).
   */
  authenticateApiKey(secret: string): Promise<ApiKey | undefined>;
}

/** Login sessions and the one-time setup of the first admin. */
export interface RegistrySessions {
  /** `token` goes into the cookie; only its hash is stored. */
  createSession(userId: string, input?: CreateSessionInput): Promise<{ session: Session; token: string }>;
  /** The session and its user, or undefined when the token is unknown or expired. */
  getSession(token: string): Promise<{ session: Session; user: User } | undefined>;
  /** Logout. Deleting an unknown token is not an error. */
  deleteSession(token: string): Promise<void>;
  /** Returns how many expired sessions were removed. */
  deleteExpiredSessions(): Promise<number>;
  /**
   * A one-time token for creating the first admin (`assay serve` prints it as a link). Replaces
   * any earlier unused token. `ConflictError` once a user exists.
   */
  createSetupToken(options?: { ttlSeconds?: number }): Promise<{ token: string; expiresAt: string }>;
  /**
   * Creates the first admin user and uses the token up, in one transaction. `ForbiddenError`
   * (`setup-token-invalid`) when the token is unknown, used, expired, or a user already exists.
   */
  consumeSetupToken(token: string, input: ConsumeSetupTokenInput, context?: Omit<AuditContext, 'actor'>): Promise<User>;
}

/** Prompts and their immutable versions. */
export interface RegistryPrompts {
  /**
   * Stores a new immutable version (number = previous + 1, no gaps, safe under concurrent pushes)
   * or, when a version with the same `contentHash` exists, returns it with `created: false`.
   */
  pushPromptVersion(projectId: string, input: PushPromptVersionInput, context: AuditContext): Promise<{ version: PromptVersion; created: boolean }>;
  getPrompt(projectId: string, name: string): Promise<PromptSummary | undefined>;
  /** By name; filters by the latest version's governance metadata. */
  listPrompts(projectId: string, options?: ListPromptsOptions): Promise<Page<PromptSummary>>;
  /** Newest first. `NotFoundError` when the prompt does not exist. */
  listPromptVersions(projectId: string, name: string, options?: PageOptions): Promise<Page<PromptVersion>>;
  getPromptVersion(projectId: string, name: string, version: number): Promise<PromptVersion | undefined>;
  /**
   * Every version of the project's prompts whose `contentHash` is one of these (at most 1,000), by
   * prompt name, then version: how a run finds the registry versions it tested. Malformed hashes match nothing.
   */
  findPromptVersionsByContentHash(projectId: string, contentHashes: readonly string[]): Promise<PromptVersion[]>;
}

/** Labels: named pointers at one version or several weighted ones (canaries). */
export interface RegistryLabels {
  /** By name. `NotFoundError` when the prompt does not exist. */
  listLabels(projectId: string, promptName: string): Promise<Label[]>;
  getLabel(projectId: string, promptName: string, label: string): Promise<Label | undefined>;
  /** The label with the versions it points at (what `GET /api/prompts/:name?label=` serves), in one read. */
  resolveLabel(projectId: string, promptName: string, label: string): Promise<{ label: Label; versions: PromptVersion[] } | undefined>;
  /** What moving `label` to `targets` needs under the project's approval policy. */
  getApprovalRequirement(projectId: string, promptName: string, label: string, targets: SetLabelInput['targets']): Promise<ApprovalRequirement>;
  /**
   * Compare-and-set: moves the label when its revision is still `expectedRevision` (0 = creates
   * it), else `ConflictError` with the current revision. `NotFoundError` when a target version
   * does not exist; `ForbiddenError` (`approval-required`) when the policy asks for approvals (go
   * through a change request). Pending change requests for the label become `superseded`.
   */
  setLabel(projectId: string, promptName: string, label: string, input: SetLabelInput, context: AuditContext): Promise<Label>;
  /**
   * Points the label back at what it pointed at before its latest move (compare-and-set like
   * `setLabel`). Needs no approval: it only restores a state the label already had. `ConflictError`
   * when there is nothing to go back to.
   */
  rollbackLabel(projectId: string, promptName: string, label: string, input: { expectedRevision: number; message?: string }, context: AuditContext): Promise<Label>;
  /** Newest first. */
  listLabelHistory(projectId: string, promptName: string, label: string, options?: PageOptions): Promise<Page<LabelHistoryEntry>>;
}

/** Change requests: label moves that wait for approvals (the two-person rule). */
export interface RegistryChangeRequests {
  /**
   * Asks to move a label; records the label's current revision as the base and how many
   * approvals the policy asks for then (a request needing none is created `approved`).
   */
  createChangeRequest(projectId: string, input: CreateChangeRequestInput, context: AuditContext): Promise<ChangeRequest>;
  getChangeRequest(projectId: string, changeRequestId: string): Promise<ChangeRequest | undefined>;
  /** Newest first. */
  listChangeRequests(projectId: string, options?: ListChangeRequestsOptions): Promise<Page<ChangeRequest>>;
  /**
   * Approves or rejects as `context.actor`, which must be a user with the approver role (or an
   * instance admin) other than the requester (`ForbiddenError` `self-approval`). One review per
   * user. Enough approvals make the request `approved`; one rejection makes it `rejected`.
   * `ConflictError` when the request is not pending.
   */
  reviewChangeRequest(projectId: string, changeRequestId: string, input: ReviewChangeRequestInput, context: AuditContext): Promise<ChangeRequest>;
  /**
   * Moves the label of an `approved` request. `ConflictError` when the request is not approved or
   * the label moved since the request was made (the request is then `superseded`).
   */
  applyChangeRequest(projectId: string, changeRequestId: string, context: AuditContext): Promise<{ changeRequest: ChangeRequest; label: Label }>;
  /** Withdraws a pending or approved request. */
  cancelChangeRequest(projectId: string, changeRequestId: string, context: AuditContext): Promise<ChangeRequest>;
}

/** The append-only audit log. */
export interface RegistryAuditLog {
  /** Newest first. `projectId` null lists instance-level events (users, organizations). */
  listAuditEvents(projectId: string | null, options?: ListAuditEventsOptions): Promise<Page<AuditEvent>>;
  /** For events the server observes itself (a failed login, an export). */
  recordAuditEvent(projectId: string | null, input: RecordAuditEventInput, context: AuditContext): Promise<AuditEvent>;
}

/** Where the registry lives: the same database as the runs. */
export type RegistryDatabase =
  /** A SQLite file (usually `.assay/assay.db`, beside the runs); its directory is created. */
  | { sqlite: { file: string } }
  /** PostgreSQL by URL (the store owns and ends its pool) or a pool shared with others (left open on close). */
  | { postgres: { url: string } | { pool: pg.Pool } };

export interface RegistryStoreOptions {
  /** The clock (tests move it to expire sessions and tokens). */
  now?: () => Date;
  /** For tests only. */
  testing?: {
    /** Runs inside every write transaction after its audit events are written; throwing rolls it back. */
    onBeforeCommit?: () => void | Promise<void>;
    /** scrypt cost (log2 N) for new password hashes; tests lower it for speed. */
    scryptLogN?: number;
  };
}
