import { z } from 'zod';
import { AssayError, type AssayErrorOptions } from './errors.ts';
import { PromptMetadataSchema, RiskTierSchema } from './prompt-metadata.ts';

// Shapes of the prompt registry, auth and audit log: what `RegistryStore` (packages/store) takes
// and returns and what the server sends on the wire. Inputs are zod schemas that the store parses
// (validation at the edge); the entity schemas describe responses (the server's OpenAPI).

// ---------------------------------------------------------------------------------------------
// Names and roles

/** Per-project roles, weakest first. Each role can do everything the ones before it can. */
export const roles = ['viewer', 'editor', 'approver', 'admin'] as const;
export const RoleSchema = z.enum(roles);
export type Role = z.infer<typeof RoleSchema>;

/** `role` is `minimum` or stronger (`viewer < editor < approver < admin`). */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return roles.indexOf(role) >= roles.indexOf(minimum);
}

/** Organization and project names: lowercase, URL-safe, e.g. `acme`, `support-bot`. */
export const SlugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lowercase letters, digits and inner hyphens, e.g. "support-bot"');

/**
 * Prompt names: letters, digits, `.`, `_`, `-`, each part starting with a letter or digit; `/`
 * separates folders (`support/triage`). A leading `_` marks a Dotprompt partial, which is not a
 * prompt of its own but travels with the prompts that use it.
 */
export const PromptNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/,
    'letters, digits, ".", "_" and "-", each part starting with a letter or digit, with "/" between folders (e.g. "support/triage"; a file starting with "_" is a partial)',
  );

/** A Dotprompt partial as a prompt version records it (`_knowledge-base.prompt` used as `{{> knowledge-base}}`). */
export const PromptPartialSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit (the file _knowledge-base.prompt is the partial "knowledge-base")'),
    /** The partial's file, exactly as read. */
    source: z.string().max(1_000_000),
    /** SHA-256 (hex) of `source` with line endings normalised to `\n`. */
    contentHash: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits (SHA-256)'),
  })
  .strict();
export type PromptPartial = z.infer<typeof PromptPartialSchema>;

/** Label names, e.g. `production`, `staging`, `eu-canary`. */
export const LabelNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_", "-", e.g. "production"');

/** Emails are compared case-insensitively, so they are stored lowercased. */
export const EmailSchema = z.string().trim().toLowerCase().pipe(z.email());

/** Long enough to matter, short enough that hashing it cannot be used to burn CPU. */
export const PasswordSchema = z.string().min(10, 'at least 10 characters').max(1024);

const IsoTimestampSchema = z.iso.datetime({ offset: true });
const DateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2025-01-31');
/** A day of the calendar: `2026-13-45` and `2026-02-30` are not. */
const CalendarDateSchema = z.iso.date({ error: 'a date of the calendar like 2025-01-31' });
const JsonObjectSchema = z.record(z.string(), z.unknown());

// ---------------------------------------------------------------------------------------------
// Who did it

/** Who performed a change: a dashboard user, an API key (CI, the CLI) or Assay itself. */
export const ActorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user'), id: z.string().min(1) }).strict(),
  z.object({ type: z.literal('api-key'), id: z.string().min(1) }).strict(),
  z.object({ type: z.literal('system'), id: z.string().min(1).optional() }).strict(),
]);
export type Actor = z.infer<typeof ActorSchema>;

/** Passed to every method that changes something; becomes the audit event's who and from where. */
export const AuditContextSchema = z
  .object({
    actor: ActorSchema,
    ip: z.string().max(100).optional(),
    userAgent: z.string().max(1000).optional(),
  })
  .strict();
export type AuditContext = z.infer<typeof AuditContextSchema>;

// ---------------------------------------------------------------------------------------------
// Organizations, projects, users, memberships

export const OrganizationSchema = z.object({
  id: z.string(),
  name: SlugSchema,
  displayName: z.string(),
  createdAt: IsoTimestampSchema,
});
export type Organization = z.infer<typeof OrganizationSchema>;

/**
 * How many approvals by people other than the requester a move of a protected label needs, by
 * the highest risk tier among the versions involved (the label's current targets and the new ones,
 * so a version cannot lower its own tier to skip review).
 */
export const ApprovalPolicySchema = z
  .object({
    low: z.number().int().min(0).max(10).default(0),
    medium: z.number().int().min(0).max(10).default(0),
    high: z.number().int().min(0).max(10).default(1),
    critical: z.number().int().min(0).max(10).default(2),
  })
  .strict();
export type ApprovalPolicy = z.infer<typeof ApprovalPolicySchema>;

export const ProjectSettingsSchema = z
  .object({
    approvals: ApprovalPolicySchema.default({ low: 0, medium: 0, high: 1, critical: 2 }),
    /** Labels whose moves follow `approvals`; other labels move freely. */
    protectedLabels: z.array(LabelNameSchema).max(100).default(['production']),
  })
  .strict();
/** As stored (defaults filled in). */
export type ProjectSettings = z.infer<typeof ProjectSettingsSchema>;
/** As given (any field may be left out). */
export type ProjectSettingsInput = z.input<typeof ProjectSettingsSchema>;

export const ProjectSchema = z.object({
  id: z.string(),
  organizationId: z.string(),
  name: SlugSchema,
  displayName: z.string(),
  settings: ProjectSettingsSchema,
  createdAt: IsoTimestampSchema,
});
export type Project = z.infer<typeof ProjectSchema>;

export const CreateOrganizationInputSchema = z
  .object({ name: SlugSchema, displayName: z.string().min(1).max(200).optional() })
  .strict();
export type CreateOrganizationInput = z.input<typeof CreateOrganizationInputSchema>;

export const CreateProjectInputSchema = z
  .object({
    name: SlugSchema,
    displayName: z.string().min(1).max(200).optional(),
    settings: ProjectSettingsSchema.optional(),
  })
  .strict();
export type CreateProjectInput = z.input<typeof CreateProjectInputSchema>;

/** A user never carries the password hash. */
export const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  /** Instance administrator: may create organizations and projects and manage every project. */
  isAdmin: z.boolean(),
  createdAt: IsoTimestampSchema,
});
export type User = z.infer<typeof UserSchema>;

export const CreateUserInputSchema = z
  .object({
    email: EmailSchema,
    name: z.string().trim().min(1).max(200),
    password: PasswordSchema,
    isAdmin: z.boolean().default(false),
  })
  .strict();
export type CreateUserInput = z.input<typeof CreateUserInputSchema>;

export const MembershipSchema = z.object({
  projectId: z.string(),
  user: UserSchema,
  role: RoleSchema,
  createdAt: IsoTimestampSchema,
  updatedAt: IsoTimestampSchema,
});
export type Membership = z.infer<typeof MembershipSchema>;

// ---------------------------------------------------------------------------------------------
// API keys, sessions, setup tokens

/** A project-scoped API key as stored: its secret is shown once at creation and never again. */
export const ApiKeySchema = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  role: RoleSchema,
  /** The first characters of the secret (`assay_k7Hq…`), to tell keys apart in a list. */
  prefix: z.string(),
  createdBy: ActorSchema,
  createdAt: IsoTimestampSchema,
  expiresAt: IsoTimestampSchema.nullable(),
  lastUsedAt: IsoTimestampSchema.nullable(),
  revokedAt: IsoTimestampSchema.nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const CreateApiKeyInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: RoleSchema,
    expiresAt: IsoTimestampSchema.optional(),
  })
  .strict();
export type CreateApiKeyInput = z.input<typeof CreateApiKeyInputSchema>;

/** A dashboard login. The session token itself is only ever held by the browser (a cookie). */
export const SessionSchema = z.object({
  id: z.string(),
  userId: z.string(),
  /** Sent back by the dashboard in a header on every state-changing request. */
  csrfToken: z.string(),
  createdAt: IsoTimestampSchema,
  expiresAt: IsoTimestampSchema,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type Session = z.infer<typeof SessionSchema>;

export const CreateSessionInputSchema = z
  .object({
    /** Default 7 days. */
    ttlSeconds: z.number().int().min(1).max(366 * 24 * 3600).default(7 * 24 * 3600),
    ip: z.string().max(100).optional(),
    userAgent: z.string().max(1000).optional(),
  })
  .strict();
export type CreateSessionInput = z.input<typeof CreateSessionInputSchema>;

export const ConsumeSetupTokenInputSchema = z
  .object({ email: EmailSchema, name: z.string().trim().min(1).max(200), password: PasswordSchema })
  .strict();
export type ConsumeSetupTokenInput = z.input<typeof ConsumeSetupTokenInputSchema>;

// ---------------------------------------------------------------------------------------------
// Prompts and versions

/** Governance metadata as stored: `lastReviewed` is always a `YYYY-MM-DD` string. */
export const StoredPromptMetadataSchema = PromptMetadataSchema.extend({ lastReviewed: DateSchema.optional() });
export type StoredPromptMetadata = z.infer<typeof StoredPromptMetadataSchema>;

/**
 * One push of one prompt file. The caller parses the `.prompt` file (so a malformed file is a
 * `ConfigError` with a line before it reaches the registry) and hashes its content; the registry
 * dedupes on `contentHash`.
 */
export const PushPromptVersionInputSchema = z
  .object({
    name: PromptNameSchema,
    /** The whole `.prompt` file. */
    source: z.string().max(1_000_000),
    /** SHA-256 (hex) of the content as the pusher defines it; identical hashes are one version. */
    contentHash: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits (SHA-256)'),
    /** The Handlebars body. */
    template: z.string().max(1_000_000),
    /** Frontmatter `model` and `config` (and anything else that configures the call, e.g. `tools`). */
    modelConfig: z.object({ model: z.string().optional() }).catchall(z.unknown()).default({}),
    /** Frontmatter `input.schema` / `output.schema` (Picoschema or JSON Schema), when given. */
    inputSchema: z.unknown().optional(),
    outputSchema: z.unknown().optional(),
    /** The partials the template uses (directly or through other partials); their hashes are part of `contentHash`. */
    partials: z.array(PromptPartialSchema).max(100).default([]),
    /** Frontmatter `metadata`: owner, riskTier, lastReviewed, contract… */
    metadata: PromptMetadataSchema.default({}).transform((metadata) => ({
      ...metadata,
      lastReviewed: metadata.lastReviewed instanceof Date ? metadata.lastReviewed.toISOString().slice(0, 10) : metadata.lastReviewed,
    })),
    /** Who wrote this content (e.g. the git author); who pushed it is the audit actor. */
    author: z.string().trim().min(1).max(200),
    message: z.string().max(10_000).optional(),
  })
  .strict();
export type PushPromptVersionInput = z.input<typeof PushPromptVersionInputSchema>;

export const PromptVersionSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  promptName: z.string(),
  /** 1, 2, 3… per prompt, without gaps. */
  version: z.number().int().min(1),
  contentHash: z.string(),
  source: z.string(),
  template: z.string(),
  modelConfig: z.record(z.string(), z.unknown()),
  inputSchema: z.unknown().nullable(),
  outputSchema: z.unknown().nullable(),
  metadata: StoredPromptMetadataSchema,
  /**
   * The partials `source` uses, to register before rendering it (Dotprompt's `definePartial`,
   * Handlebars' `registerPartial`); empty for a prompt without partials.
   */
  partials: z.array(PromptPartialSchema),
  author: z.string(),
  message: z.string().nullable(),
  createdBy: ActorSchema,
  createdAt: IsoTimestampSchema,
});
export type PromptVersion = z.infer<typeof PromptVersionSchema>;

/** A prompt in a list: its governance fields are those of its latest version. */
export const PromptSummarySchema = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  latestVersion: z.number().int().min(1),
  owner: z.string().nullable(),
  riskTier: RiskTierSchema.nullable(),
  lastReviewed: DateSchema.nullable(),
  createdAt: IsoTimestampSchema,
  updatedAt: IsoTimestampSchema,
});
export type PromptSummary = z.infer<typeof PromptSummarySchema>;

export const ListPromptsOptionsSchema = z
  .object({
    limit: z.number().int().min(1).max(500).default(50),
    cursor: z.string().optional(),
    owner: z.string().optional(),
    riskTier: RiskTierSchema.optional(),
    /** Overdue for review: last reviewed before this date, or never. */
    lastReviewedBefore: CalendarDateSchema.optional(),
  })
  .strict();
export type ListPromptsOptions = z.input<typeof ListPromptsOptionsSchema>;

export const PageOptionsSchema = z
  .object({ limit: z.number().int().min(1).max(500).default(50), cursor: z.string().optional() })
  .strict();
export type PageOptions = z.input<typeof PageOptionsSchema>;

/** A page of a list; pass `nextCursor` back as `cursor` for the next one (null: this was the last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// ---------------------------------------------------------------------------------------------
// Labels

export const LabelTargetSchema = z.object({
  version: z.number().int().min(1),
  /** Percent of traffic, 1–100. */
  weight: z.number().int().min(1).max(100),
});
export type LabelTarget = z.infer<typeof LabelTargetSchema>;

/**
 * One version at 100, or a canary across two distinct versions whose weights sum to 100.
 * Ordered by version so equal targets compare equal.
 */
export const LabelTargetsSchema = z
  .array(LabelTargetSchema)
  .min(1)
  .max(2)
  .superRefine((targets, context) => {
    const sum = targets.reduce((total, target) => total + target.weight, 0);
    if (sum !== 100) context.addIssue({ code: 'custom', message: `weights must sum to 100, got ${sum}` });
    if (targets.length === 2 && targets[0]!.version === targets[1]!.version) {
      context.addIssue({ code: 'custom', message: 'a canary needs two different versions' });
    }
  })
  .transform((targets) => [...targets].sort((a, b) => a.version - b.version));
export type LabelTargets = z.infer<typeof LabelTargetsSchema>;

export const LabelSchema = z.object({
  promptName: z.string(),
  name: z.string(),
  targets: z.array(LabelTargetSchema),
  /** Starts at 1 and grows by one with every move; what `expectedRevision` is compared with. */
  revision: z.number().int().min(1),
  updatedAt: IsoTimestampSchema,
  updatedBy: ActorSchema,
});
export type Label = z.infer<typeof LabelSchema>;

export const SetLabelInputSchema = z
  .object({
    targets: LabelTargetsSchema,
    /** The revision the caller last saw; 0 when the label must not exist yet. */
    expectedRevision: z.number().int().min(0),
    message: z.string().max(10_000).optional(),
  })
  .strict();
export type SetLabelInput = z.input<typeof SetLabelInputSchema>;

export const labelChangeKinds = ['set', 'rollback', 'change-request'] as const;

export const LabelHistoryEntrySchema = z.object({
  promptName: z.string(),
  label: z.string(),
  revision: z.number().int().min(1),
  targets: z.array(LabelTargetSchema),
  /** What the label pointed at before this move (null for its creation): the rollback target. */
  previousTargets: z.array(LabelTargetSchema).nullable(),
  kind: z.enum(labelChangeKinds),
  changeRequestId: z.string().nullable(),
  message: z.string().nullable(),
  actor: ActorSchema,
  createdAt: IsoTimestampSchema,
});
export type LabelHistoryEntry = z.infer<typeof LabelHistoryEntrySchema>;

/** What moving a label to some targets takes under the project's policy. */
export interface ApprovalRequirement {
  protected: boolean;
  /** Highest tier among the current and the new targets' versions (null: none declared). */
  riskTier: z.infer<typeof RiskTierSchema> | null;
  /** Approvals by people other than the requester; 0 = the label may be set directly. */
  requiredApprovals: number;
}

// ---------------------------------------------------------------------------------------------
// Change requests (approvals)

export const changeRequestStatuses = ['pending', 'approved', 'rejected', 'applied', 'superseded', 'cancelled'] as const;
export const ChangeRequestStatusSchema = z.enum(changeRequestStatuses);
export type ChangeRequestStatus = z.infer<typeof ChangeRequestStatusSchema>;

export const ReviewSchema = z.object({
  userId: z.string(),
  decision: z.enum(['approve', 'reject']),
  comment: z.string().nullable(),
  createdAt: IsoTimestampSchema,
});
export type Review = z.infer<typeof ReviewSchema>;

export const ChangeRequestSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  promptName: z.string(),
  label: z.string(),
  targets: z.array(LabelTargetSchema),
  /** The label revision the request was made against (0: the label did not exist). */
  baseRevision: z.number().int().min(0),
  status: ChangeRequestStatusSchema,
  requestedBy: ActorSchema,
  /** The person behind the request (the key's creator when an API key asked); may not approve it. */
  requesterUserId: z.string().nullable(),
  message: z.string().nullable(),
  riskTier: RiskTierSchema.nullable(),
  requiredApprovals: z.number().int().min(0),
  reviews: z.array(ReviewSchema),
  /** The label revision the request produced when applied. */
  appliedRevision: z.number().int().nullable(),
  createdAt: IsoTimestampSchema,
  updatedAt: IsoTimestampSchema,
});
export type ChangeRequest = z.infer<typeof ChangeRequestSchema>;

export const CreateChangeRequestInputSchema = z
  .object({
    promptName: PromptNameSchema,
    label: LabelNameSchema,
    targets: LabelTargetsSchema,
    message: z.string().max(10_000).optional(),
  })
  .strict();
export type CreateChangeRequestInput = z.input<typeof CreateChangeRequestInputSchema>;

export const ReviewChangeRequestInputSchema = z
  .object({ decision: z.enum(['approve', 'reject']), comment: z.string().max(10_000).optional() })
  .strict();
export type ReviewChangeRequestInput = z.input<typeof ReviewChangeRequestInputSchema>;

export const ListChangeRequestsOptionsSchema = PageOptionsSchema.extend({
  status: ChangeRequestStatusSchema.optional(),
  promptName: PromptNameSchema.optional(),
}).strict();
export type ListChangeRequestsOptions = z.input<typeof ListChangeRequestsOptionsSchema>;

// ---------------------------------------------------------------------------------------------
// Audit log

/** Actions the store records itself; `recordAuditEvent` may add others (e.g. `user.login-failed`). */
export const auditActions = [
  'organization.create',
  'project.create',
  'project.update-settings',
  'user.create',
  'user.setup',
  'user.set-password',
  'member.set',
  'member.remove',
  'api-key.create',
  'api-key.revoke',
  'prompt.push',
  'label.set',
  'label.rollback',
  'change-request.create',
  'change-request.approve',
  'change-request.reject',
  'change-request.apply',
  'change-request.cancel',
] as const;
export type AuditAction = (typeof auditActions)[number];

export const AuditEventSchema = z.object({
  id: z.string(),
  /** Null for instance-level events (users, organizations). */
  projectId: z.string().nullable(),
  actor: ActorSchema,
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  details: JsonObjectSchema,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: IsoTimestampSchema,
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const RecordAuditEventInputSchema = z
  .object({
    action: z.string().min(1).max(100),
    targetType: z.string().min(1).max(100),
    targetId: z.string().max(500),
    details: JsonObjectSchema.default({}),
  })
  .strict();
export type RecordAuditEventInput = z.input<typeof RecordAuditEventInputSchema>;

export const ListAuditEventsOptionsSchema = PageOptionsSchema.extend({
  action: z.string().optional(),
  targetType: z.string().optional(),
  targetId: z.string().optional(),
}).strict();
export type ListAuditEventsOptions = z.input<typeof ListAuditEventsOptionsSchema>;

// ---------------------------------------------------------------------------------------------
// Errors the registry raises; each carries the HTTP status the server answers with.
// (Kept in this one file, unlike the one-class-per-file habit, because they are one family.)

const notFoundMarker = Symbol.for('assay.error.not-found');
const conflictMarker = Symbol.for('assay.error.conflict');
const forbiddenMarker = Symbol.for('assay.error.forbidden');
const invalidInputMarker = Symbol.for('assay.error.invalid-input');

function hasMarker(error: unknown, marker: symbol): boolean {
  return AssayError.isInstance(error) && (error as unknown as Record<symbol, unknown>)[marker] === true;
}

export interface NotFoundErrorOptions extends AssayErrorOptions {
  /** What was looked for: `project`, `prompt`, `version`, `label`, `change-request`, `api-key`, `user`… */
  resource: string;
  id: string;
}

/** Something named in a request does not exist (in this project). HTTP 404. */
export class NotFoundError extends AssayError {
  readonly [notFoundMarker] = true;
  readonly statusCode = 404;
  readonly resource: string;
  readonly id: string;

  constructor(message: string, options: NotFoundErrorOptions) {
    super(message, options);
    this.name = 'NotFoundError';
    this.resource = options.resource;
    this.id = options.id;
  }

  static override isInstance(error: unknown): error is NotFoundError {
    return hasMarker(error, notFoundMarker);
  }
}

export interface ConflictErrorOptions extends AssayErrorOptions {
  /** For compare-and-set failures: the revision the caller expected and the one stored now. */
  expectedRevision?: number;
  currentRevision?: number;
}

/**
 * The change collides with the current state: a stale `expectedRevision`, a name that is taken,
 * a change request that is no longer pending. HTTP 409; re-read and retry.
 */
export class ConflictError extends AssayError {
  readonly [conflictMarker] = true;
  readonly statusCode = 409;
  readonly expectedRevision?: number;
  readonly currentRevision?: number;

  constructor(message: string, options: ConflictErrorOptions = {}) {
    super(message, options);
    this.name = 'ConflictError';
    this.expectedRevision = options.expectedRevision;
    this.currentRevision = options.currentRevision;
  }

  static override isInstance(error: unknown): error is ConflictError {
    return hasMarker(error, conflictMarker);
  }
}

export interface ForbiddenErrorOptions extends AssayErrorOptions {
  /** Machine-readable reason, e.g. `self-approval`, `approval-required`, `setup-token-invalid`. */
  reason: string;
  /** For `approval-required`: how many approvals the move needs. */
  requiredApprovals?: number;
}

/** The rules forbid it whoever asks: approving one's own change, moving a protected label without approval. HTTP 403. */
export class ForbiddenError extends AssayError {
  readonly [forbiddenMarker] = true;
  readonly statusCode = 403;
  readonly reason: string;
  readonly requiredApprovals?: number;

  constructor(message: string, options: ForbiddenErrorOptions) {
    super(message, options);
    this.name = 'ForbiddenError';
    this.reason = options.reason;
    this.requiredApprovals = options.requiredApprovals;
  }

  static override isInstance(error: unknown): error is ForbiddenError {
    return hasMarker(error, forbiddenMarker);
  }
}

export interface InvalidInputErrorOptions extends AssayErrorOptions {
  /** One entry per problem: dotted field path and message. */
  issues: { field: string; message: string }[];
}

/** A registry call's input failed validation (bad weights, a malformed name…). HTTP 422. */
export class InvalidInputError extends AssayError {
  readonly [invalidInputMarker] = true;
  readonly statusCode = 422;
  readonly issues: { field: string; message: string }[];

  constructor(message: string, options: InvalidInputErrorOptions) {
    super(message, options);
    this.name = 'InvalidInputError';
    this.issues = options.issues;
  }

  static override isInstance(error: unknown): error is InvalidInputError {
    return hasMarker(error, invalidInputMarker);
  }
}
