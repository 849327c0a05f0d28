import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  AssayError,
  AuditContextSchema,
  ConflictError,
  ConsumeSetupTokenInputSchema,
  CreateApiKeyInputSchema,
  CreateChangeRequestInputSchema,
  CreateOrganizationInputSchema,
  CreateProjectInputSchema,
  CreateSessionInputSchema,
  CreateUserInputSchema,
  EmailSchema,
  ForbiddenError,
  InvalidInputError,
  LabelNameSchema,
  LabelTargetsSchema,
  ListAuditEventsOptionsSchema,
  ListChangeRequestsOptionsSchema,
  ListPromptsOptionsSchema,
  NotFoundError,
  PageOptionsSchema,
  PasswordSchema,
  ProjectSettingsSchema,
  PushPromptVersionInputSchema,
  RecordAuditEventInputSchema,
  ReviewChangeRequestInputSchema,
  RoleSchema,
  SetLabelInputSchema,
  SlugSchema,
  roleAtLeast,
  type Actor,
  type ApiKey,
  type ApprovalRequirement,
  type AuditContext,
  type AuditEvent,
  type ChangeRequest,
  type ChangeRequestStatus,
  type ConsumeSetupTokenInput,
  type CreateApiKeyInput,
  type CreateChangeRequestInput,
  type CreateOrganizationInput,
  type CreateProjectInput,
  type CreateSessionInput,
  type CreateUserInput,
  type Label,
  type LabelHistoryEntry,
  type LabelTarget,
  type ListAuditEventsOptions,
  type ListChangeRequestsOptions,
  type ListPromptsOptions,
  type Membership,
  type Organization,
  type Page,
  type PageOptions,
  type Project,
  type ProjectSettingsInput,
  type PromptSummary,
  type PromptVersion,
  type PushPromptVersionInput,
  type RecordAuditEventInput,
  type ReviewChangeRequestInput,
  type Role,
  type Session,
  type SetLabelInput,
  type StoredPromptMetadata,
  type User,
} from '@assay/spec';
import { Kysely, PostgresDialect, sql, type Selectable, type Transaction } from 'kysely';
import type { z } from 'zod';
import { migrateRegistry, type RegistryDialect } from '../registry-migrations.ts';
import { defaultScryptLogN, hashPassword, newApiKeySecret, randomToken, sha256, verifyPassword } from '../registry-secrets.ts';
import { NodeSqliteDialect } from '../registry-sqlite-dialect.ts';
import type { RegistryDatabase, RegistryStore, RegistryStoreOptions } from '../registry-store.ts';
import type { RegistryTables } from '../registry-tables.ts';

/**
 * Opens the Kysely-backed registry store; use `openRegistryStore` (registry-store.ts), which loads
 * this module on first use.
 */
export async function openSqlRegistryStore(options: RegistryDatabase & RegistryStoreOptions): Promise<RegistryStore> {
  let db: Kysely<RegistryTables>;
  let dialect: RegistryDialect;
  let destroy: () => Promise<void>;
  if ('sqlite' in options) {
    const file = options.sqlite.file;
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    const database = new DatabaseSync(file);
    try {
      configureSqlite(database);
    } catch (error) {
      database.close();
      throw error;
    }
    db = new Kysely<RegistryTables>({ dialect: new NodeSqliteDialect(database) });
    dialect = 'sqlite';
    destroy = () => db.destroy();
  } else {
    const ownsPool = 'url' in options.postgres;
    // Loaded here, so the SQLite path does not pay for it.
    const pool = 'url' in options.postgres ? new (await import('pg')).default.Pool({ connectionString: options.postgres.url }) : options.postgres.pool;
    if ('url' in options.postgres) {
      // A dropped connection emits 'error' on its client; unhandled, it would end the process.
      // The query in flight still rejects, and the pool replaces the client.
      pool.on('error', () => {});
      pool.on('connect', (client) => client.on('error', () => {}));
    }
    db = new Kysely<RegistryTables>({ dialect: new PostgresDialect({ pool }) });
    dialect = 'postgres';
    // Kysely's destroy() ends the pool; a shared pool belongs to whoever made it.
    destroy = ownsPool ? () => db.destroy() : async () => {};
  }
  try {
    await migrateRegistry(db, dialect);
  } catch (error) {
    await destroy();
    if (AssayError.isInstance(error)) throw error;
    throw new AssayError(`Could not prepare the registry tables in the ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database: ${(error as Error).message}`, {
      hint: dialect === 'postgres' ? 'Check that PostgreSQL is running and that ASSAY_DATABASE_URL is right.' : 'Check that the data directory is writable.',
      cause: error,
    });
  }
  return new SqlRegistryStore(db, dialect, destroy, options);
}

/** The same pragmas as the runs store (sqlite-store.ts): several processes share the file. */
function configureSqlite(database: DatabaseSync): void {
  database.exec('PRAGMA busy_timeout = 5000');
  database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA synchronous = FULL');
  database.exec('PRAGMA foreign_keys = ON');
}

type Db = Kysely<RegistryTables> | Transaction<RegistryTables>;
type Row<Table extends keyof RegistryTables> = Selectable<RegistryTables[Table]>;
type RiskTier = NonNullable<ApprovalRequirement['riskTier']>;

const riskTiers: readonly RiskTier[] = ['low', 'medium', 'high', 'critical'];
/** authenticateApiKey writes last_used_at at most this often per key. */
const lastUsedResolutionMs = 60_000;
const defaultSetupTokenTtlSeconds = 24 * 3600;
/** Keys made by keys: a chain of creators longer than this has no accountable person. */
const maxKeyChain = 32;
/** PostgreSQL advisory lock key for first-run setup (registry-migrations.ts uses 7_400_001). */
const setupLock = 7_400_002;
/** Checked against when a login names an unknown email, so that answer takes as long as a wrong password. */
let dummyPasswordHash: Promise<string> | undefined;

class SqlRegistryStore implements RegistryStore {
  readonly specificationVersion = 'v1';
  readonly dialect: RegistryDialect;
  readonly #db: Kysely<RegistryTables>;
  readonly #destroy: () => Promise<void>;
  readonly #now: () => Date;
  readonly #testing: RegistryStoreOptions['testing'];
  readonly #scryptLogN: number;
  #closed = false;

  constructor(db: Kysely<RegistryTables>, dialect: RegistryDialect, destroy: () => Promise<void>, options: RegistryStoreOptions) {
    this.#db = db;
    this.dialect = dialect;
    this.#destroy = destroy;
    this.#now = options.now ?? (() => new Date());
    this.#testing = options.testing;
    this.#scryptLogN = options.testing?.scryptLogN ?? defaultScryptLogN;
  }

  // --- organizations and projects ---------------------------------------------------------------

  async createOrganization(input: CreateOrganizationInput, context: AuditContext): Promise<Organization> {
    const parsed = parse(CreateOrganizationInputSchema, input);
    const audit = parseContext(context);
    return this.#write(async (trx) => {
      const row = { id: randomUUID(), name: parsed.name, display_name: parsed.displayName ?? parsed.name, created_at: this.#timestamp() };
      await insertUnique(trx.insertInto('organizations').values(row), `An organization named "${parsed.name}" already exists.`);
      await this.#audit(trx, null, audit, 'organization.create', 'organization', row.id, { name: row.name });
      return toOrganization(row);
    });
  }

  async getOrganization(organizationId: string): Promise<Organization | undefined> {
    const row = await this.#db.selectFrom('organizations').selectAll().where('id', '=', organizationId).executeTakeFirst();
    return row && toOrganization(row);
  }

  async getOrganizationByName(name: string): Promise<Organization | undefined> {
    const row = await this.#db.selectFrom('organizations').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toOrganization(row);
  }

  async listOrganizations(): Promise<Organization[]> {
    return (await this.#db.selectFrom('organizations').selectAll().orderBy('name').execute()).map(toOrganization);
  }

  async createProject(organizationId: string, input: CreateProjectInput, context: AuditContext): Promise<Project> {
    const parsed = parse(CreateProjectInputSchema, input);
    const audit = parseContext(context);
    return this.#write(async (trx) => {
      const organization = await trx.selectFrom('organizations').select('id').where('id', '=', organizationId).executeTakeFirst();
      if (!organization) throw notFound('organization', organizationId);
      const settings = parsed.settings ?? ProjectSettingsSchema.parse({});
      const row = {
        id: randomUUID(),
        organization_id: organizationId,
        name: parsed.name,
        display_name: parsed.displayName ?? parsed.name,
        settings_json: JSON.stringify(settings),
        created_at: this.#timestamp(),
      };
      await insertUnique(trx.insertInto('projects').values(row), `The organization already has a project named "${parsed.name}".`);
      await this.#audit(trx, row.id, audit, 'project.create', 'project', row.id, { name: row.name, organizationId });
      return this.#toProject(row);
    });
  }

  async ensureProject(names: { organization: string; project: string }, context: AuditContext): Promise<{ project: Project; created: boolean }> {
    const organizationName = parse(SlugSchema, names.organization, 'organization');
    const projectName = parse(SlugSchema, names.project, 'project');
    const audit = parseContext(context);
    return this.#write(async (trx) => {
      const now = this.#timestamp();
      const newOrganization = await trx
        .insertInto('organizations')
        .values({ id: randomUUID(), name: organizationName, display_name: organizationName, created_at: now })
        .onConflict((conflict) => conflict.column('name').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (newOrganization) await this.#audit(trx, null, audit, 'organization.create', 'organization', newOrganization.id, { name: organizationName });
      const organization = await trx.selectFrom('organizations').select('id').where('name', '=', organizationName).executeTakeFirstOrThrow();
      const settings = ProjectSettingsSchema.parse({});
      const newProject = await trx
        .insertInto('projects')
        .values({
          id: randomUUID(),
          organization_id: organization.id,
          name: projectName,
          display_name: projectName,
          settings_json: JSON.stringify(settings),
          created_at: now,
        })
        .onConflict((conflict) => conflict.columns(['organization_id', 'name']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (newProject) await this.#audit(trx, newProject.id, audit, 'project.create', 'project', newProject.id, { name: projectName, organizationId: organization.id });
      const row = await trx
        .selectFrom('projects')
        .selectAll()
        .where('organization_id', '=', organization.id)
        .where('name', '=', projectName)
        .executeTakeFirstOrThrow();
      return { project: this.#toProject(row), created: newProject !== undefined };
    });
  }

  async getProject(projectId: string): Promise<Project | undefined> {
    const row = await this.#db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();
    return row && this.#toProject(row);
  }

  async getProjectByName(organizationId: string, name: string): Promise<Project | undefined> {
    const row = await this.#db
      .selectFrom('projects')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row && this.#toProject(row);
  }

  async listProjects(options: { organizationId?: string; userId?: string } = {}): Promise<Project[]> {
    let query = this.#db.selectFrom('projects').selectAll('projects');
    if (options.organizationId !== undefined) query = query.where('projects.organization_id', '=', options.organizationId);
    if (options.userId !== undefined) {
      query = query
        .innerJoin('project_members', 'project_members.project_id', 'projects.id')
        .where('project_members.user_id', '=', options.userId);
    }
    const rows = await query.orderBy('projects.organization_id').orderBy('projects.name').execute();
    return rows.map((row) => this.#toProject(row));
  }

  async updateProjectSettings(projectId: string, settings: ProjectSettingsInput, context: AuditContext): Promise<Project> {
    const parsed = parse(ProjectSettingsSchema, settings, 'settings');
    const audit = parseContext(context);
    return this.#write(async (trx) => {
      const before = await this.#requireProject(trx, projectId);
      await trx.updateTable('projects').set({ settings_json: JSON.stringify(parsed) }).where('id', '=', projectId).execute();
      await this.#audit(trx, projectId, audit, 'project.update-settings', 'project', projectId, {
        before: this.#toProject(before).settings,
        after: parsed,
      });
      return { ...this.#toProject(before), settings: parsed };
    });
  }

  // --- users and memberships --------------------------------------------------------------------

  async createUser(input: CreateUserInput, context: AuditContext): Promise<User> {
    const parsed = parse(CreateUserInputSchema, input);
    const audit = parseContext(context);
    const passwordHash = await hashPassword(parsed.password, this.#scryptLogN);
    return this.#write(async (trx) => {
      const user = await this.#insertUser(trx, { ...parsed, passwordHash });
      await this.#audit(trx, null, audit, 'user.create', 'user', user.id, { email: user.email, isAdmin: user.isAdmin });
      return user;
    });
  }

  async getUser(userId: string): Promise<User | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    return row && this.#toUser(row);
  }

  async getUserByEmail(email: string): Promise<User | undefined> {
    const normalized = EmailSchema.safeParse(email);
    if (!normalized.success) return undefined;
    const row = await this.#db.selectFrom('users').selectAll().where('email', '=', normalized.data).executeTakeFirst();
    return row && this.#toUser(row);
  }

  async authenticateUser(email: string, password: string): Promise<User | undefined> {
    if (typeof password !== 'string' || password.length > 1024) return undefined;
    const normalized = EmailSchema.safeParse(email);
    const row = normalized.success
      ? await this.#db.selectFrom('users').selectAll().where('email', '=', normalized.data).executeTakeFirst()
      : undefined;
    if (!row) {
      dummyPasswordHash ??= hashPassword(randomToken(), defaultScryptLogN);
      await verifyPassword(password, await dummyPasswordHash);
      return undefined;
    }
    return (await verifyPassword(password, row.password_hash)) ? this.#toUser(row) : undefined;
  }

  async setUserPassword(userId: string, password: string, context: AuditContext): Promise<void> {
    const parsed = parse(PasswordSchema, password, 'password');
    const audit = parseContext(context);
    const passwordHash = await hashPassword(parsed, this.#scryptLogN);
    await this.#write(async (trx) => {
      const result = await trx
        .updateTable('users')
        .set({ password_hash: passwordHash, updated_at: this.#timestamp() })
        .where('id', '=', userId)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound('user', userId);
      const sessions = await trx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
      await this.#audit(trx, null, audit, 'user.set-password', 'user', userId, { sessionsEnded: Number(sessions.numDeletedRows) });
    });
  }

  async countUsers(): Promise<number> {
    const row = await this.#db.selectFrom('users').select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async listUsers(): Promise<User[]> {
    return (await this.#db.selectFrom('users').selectAll().orderBy('email').execute()).map((row) => this.#toUser(row));
  }

  async setMember(projectId: string, userId: string, role: Role, context: AuditContext): Promise<Membership> {
    const parsedRole = parse(RoleSchema, role, 'role');
    const audit = parseContext(context);
    return this.#write(async (trx) => {
      await this.#requireProject(trx, projectId);
      const user = await trx.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
      if (!user) throw notFound('user', userId);
      const previous = await trx
        .selectFrom('project_members')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const now = this.#timestamp();
      if (previous) {
        await trx
          .updateTable('project_members')
          .set({ role: parsedRole, updated_at: now })
          .where('project_id', '=', projectId)
          .where('user_id', '=', userId)
          .execute();
      } else {
        await trx
          .insertInto('project_members')
          .values({ project_id: projectId, user_id: userId, role: parsedRole, created_at: now, updated_at: now })
          .execute();
      }
      await this.#audit(trx, projectId, audit, 'member.set', 'user', userId, {
        email: user.email,
        role: parsedRole,
        previousRole: previous?.role ?? null,
      });
      return {
        projectId,
        user: this.#toUser(user),
        role: parsedRole,
        createdAt: previous ? iso(previous.created_at) : now,
        updatedAt: now,
      };
    });
  }

  async removeMember(projectId: string, userId: string, context: AuditContext): Promise<void> {
    const audit = parseContext(context);
    await this.#write(async (trx) => {
      const previous = await trx
        .selectFrom('project_members')
        .select('role')
        .where('project_id', '=', projectId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!previous) throw notFound('member', userId);
      await trx.deleteFrom('project_members').where('project_id', '=', projectId).where('user_id', '=', userId).execute();
      await this.#audit(trx, projectId, audit, 'member.remove', 'user', userId, { previousRole: previous.role });
    });
  }

  async getMember(projectId: string, userId: string): Promise<Membership | undefined> {
    const row = await this.#membersQuery(projectId).where('project_members.user_id', '=', userId).executeTakeFirst();
    return row && this.#toMembership(row);
  }

  async listMembers(projectId: string): Promise<Membership[]> {
    const rows = await this.#membersQuery(projectId).orderBy('users.email').execute();
    return rows.map((row) => this.#toMembership(row));
  }

  #membersQuery(projectId: string) {
    return this.#db
      .selectFrom('project_members')
      .innerJoin('users', 'users.id', 'project_members.user_id')
      .selectAll('users')
      .select([
        'project_members.project_id as member_project_id',
        'project_members.role as member_role',
        'project_members.created_at as member_created_at',
        'project_members.updated_at as member_updated_at',
      ])
      .where('project_members.project_id', '=', projectId);
  }

  // --- API keys ---------------------------------------------------------------------------------

  async createApiKey(projectId: string, input: CreateApiKeyInput, context: AuditContext): Promise<{ apiKey: ApiKey; secret: string }> {
    const parsed = parse(CreateApiKeyInputSchema, input);
    const audit = parseContext(context);
    // A key that is expired when made is a typo (a year, a month); it would never authenticate.
    if (parsed.expiresAt !== undefined && Date.parse(parsed.expiresAt) <= this.#now().getTime()) {
      throw new InvalidInputError(`The expiry ${parsed.expiresAt} is not in the future: the key would never work.`, {
        issues: [{ field: 'expiresAt', message: 'must be in the future' }],
        hint: 'Give a time after now, e.g. 90 days ahead.',
      });
    }
    const { secret, hash, prefix } = newApiKeySecret();
    return this.#write(async (trx) => {
      await this.#requireProject(trx, projectId);
      const row = {
        id: randomUUID(),
        project_id: projectId,
        name: parsed.name,
        role: parsed.role,
        prefix,
        key_hash: hash,
        created_by_type: audit.actor.type,
        created_by_id: audit.actor.id ?? null,
        created_at: this.#timestamp(),
        expires_at: parsed.expiresAt === undefined ? null : new Date(parsed.expiresAt).toISOString(),
        last_used_at: null,
        revoked_at: null,
      };
      await trx.insertInto('api_keys').values(row).execute();
      await this.#audit(trx, projectId, audit, 'api-key.create', 'api-key', row.id, { name: row.name, role: row.role, prefix });
      return { apiKey: toApiKey(row), secret };
    });
  }

  async listApiKeys(projectId: string): Promise<ApiKey[]> {
    const rows = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toApiKey);
  }

  async revokeApiKey(projectId: string, apiKeyId: string, context: AuditContext): Promise<ApiKey> {
    const audit = parseContext(context);
    return this.#write(async (trx) => {
      const row = await trx.selectFrom('api_keys').selectAll().where('id', '=', apiKeyId).where('project_id', '=', projectId).executeTakeFirst();
      if (!row) throw notFound('api-key', apiKeyId);
      if (row.revoked_at !== null) return toApiKey(row);
      const revokedAt = this.#timestamp();
      await trx.updateTable('api_keys').set({ revoked_at: revokedAt }).where('id', '=', apiKeyId).execute();
      await this.#audit(trx, projectId, audit, 'api-key.revoke', 'api-key', apiKeyId, { name: row.name, prefix: row.prefix });
      return toApiKey({ ...row, revoked_at: revokedAt });
    });
  }

  async authenticateApiKey(secret: string): Promise<ApiKey | undefined> {
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > 256) return undefined;
    const row = await this.#db.selectFrom('api_keys').selectAll().where('key_hash', '=', sha256(secret)).executeTakeFirst();
    if (!row || row.revoked_at !== null) return undefined;
    const now = this.#now();
    if (row.expires_at !== null && new Date(row.expires_at) <= now) return undefined;
    const lastUsed = row.last_used_at === null ? undefined : new Date(row.last_used_at);
    if (lastUsed === undefined || now.getTime() - lastUsed.getTime() >= lastUsedResolutionMs) {
      const usedAt = now.toISOString();
      await this.#db.updateTable('api_keys').set({ last_used_at: usedAt }).where('id', '=', row.id).execute();
      return toApiKey({ ...row, last_used_at: usedAt });
    }
    return toApiKey(row);
  }

  // --- sessions and first-run setup -------------------------------------------------------------

  async createSession(userId: string, input: CreateSessionInput = {}): Promise<{ session: Session; token: string }> {
    const parsed = parse(CreateSessionInputSchema, input);
    const token = randomToken();
    const now = this.#now();
    const row = {
      id: randomUUID(),
      token_hash: sha256(token),
      user_id: userId,
      csrf_token: randomToken(),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + parsed.ttlSeconds * 1000).toISOString(),
      ip: parsed.ip ?? null,
      user_agent: parsed.userAgent ?? null,
    };
    await this.#db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      if (!user) throw notFound('user', userId);
      await trx.insertInto('sessions').values(row).execute();
    });
    return { session: toSession(row), token };
  }

  async getSession(token: string): Promise<{ session: Session; user: User } | undefined> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 256) return undefined;
    const row = await this.#db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select([
        'sessions.id as session_id',
        'sessions.token_hash',
        'sessions.user_id',
        'sessions.csrf_token',
        'sessions.created_at as session_created_at',
        'sessions.expires_at',
        'sessions.ip',
        'sessions.user_agent',
      ])
      .where('sessions.token_hash', '=', sha256(token))
      .where('sessions.expires_at', '>', this.#timestamp())
      .executeTakeFirst();
    if (!row) return undefined;
    const session = toSession({ ...row, id: row.session_id, created_at: row.session_created_at });
    return { session, user: this.#toUser(row) };
  }

  async deleteSession(token: string): Promise<void> {
    if (typeof token !== 'string') return;
    await this.#db.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();
  }

  async deleteExpiredSessions(): Promise<number> {
    const result = await this.#db.deleteFrom('sessions').where('expires_at', '<=', this.#timestamp()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async createSetupToken(options: { ttlSeconds?: number } = {}): Promise<{ token: string; expiresAt: string }> {
    const ttlSeconds = options.ttlSeconds ?? defaultSetupTokenTtlSeconds;
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
      throw new InvalidInputError('ttlSeconds must be a positive integer.', { issues: [{ field: 'ttlSeconds', message: 'a positive integer' }] });
    }
    const token = randomToken();
    const now = this.#now();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
    await this.#db.transaction().execute(async (trx) => {
      await this.#lockSetup(trx);
      if ((await countUsers(trx)) > 0) {
        throw new ConflictError('Setup is done: a user exists.', { hint: 'Log in, or create users with an admin account.' });
      }
      // Only the newest link works: an earlier one may have been printed to a log someone else reads.
      await trx.deleteFrom('setup_tokens').where('consumed_at', 'is', null).execute();
      await trx
        .insertInto('setup_tokens')
        .values({ id: randomUUID(), token_hash: sha256(token), created_at: now.toISOString(), expires_at: expiresAt, consumed_at: null, consumed_by: null })
        .execute();
    });
    return { token, expiresAt };
  }

  async consumeSetupToken(token: string, input: ConsumeSetupTokenInput, context: Omit<AuditContext, 'actor'> = {}): Promise<User> {
    const invalid = () =>
      new ForbiddenError('This setup link is invalid, used or expired.', {
        reason: 'setup-token-invalid',
        hint: 'Restart `assay serve` for a new link (only while no user exists).',
      });
    if (typeof token !== 'string' || token.length === 0 || token.length > 256) throw invalid();
    const tokenHash = sha256(token);
    // Checked before the slow password hash, so a guessed token costs the server nothing.
    if (!(await this.#liveSetupToken(this.#db, tokenHash))) throw invalid();
    const parsed = parse(ConsumeSetupTokenInputSchema, input);
    const passwordHash = await hashPassword(parsed.password, this.#scryptLogN);
    return this.#write(async (trx) => {
      await this.#lockSetup(trx);
      if (!(await this.#liveSetupToken(trx, tokenHash)) || (await countUsers(trx)) > 0) throw invalid();
      const user = await this.#insertUser(trx, { ...parsed, isAdmin: true, passwordHash });
      const consumed = await trx
        .updateTable('setup_tokens')
        .set({ consumed_at: this.#timestamp(), consumed_by: user.id })
        .where('token_hash', '=', tokenHash)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      if (consumed.numUpdatedRows !== 1n) throw invalid();
      const audit = parseContext({ ...context, actor: { type: 'user', id: user.id } });
      await this.#audit(trx, null, audit, 'user.setup', 'user', user.id, { email: user.email, isAdmin: true });
      return user;
    });
  }

  /**
   * Setup steps take turns: on PostgreSQL two servers starting at once could otherwise both see no
   * user and each create an admin (SQLite's BEGIN IMMEDIATE already serialises them).
   */
  async #lockSetup(trx: Transaction<RegistryTables>): Promise<void> {
    if (this.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${sql.lit(setupLock)})`.execute(trx);
  }

  async #liveSetupToken(db: Db, tokenHash: string): Promise<boolean> {
    const row = await db
      .selectFrom('setup_tokens')
      .select('id')
      .where('token_hash', '=', tokenHash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', this.#timestamp())
      .executeTakeFirst();
    return row !== undefined;
  }

  // --- prompts and versions ---------------------------------------------------------------------

  async pushPromptVersion(projectId: string, input: PushPromptVersionInput, context: AuditContext): Promise<{ version: PromptVersion; created: boolean }> {
    const parsed = parse(PushPromptVersionInputSchema, input);
    const audit = parseContext(context);
    return this.#write(async (trx) => {
      await this.#requireProject(trx, projectId);
      const now = this.#timestamp();
      await trx
        .insertInto('prompts')
        .values({
          id: randomUUID(),
          project_id: projectId,
          name: parsed.name,
          latest_version: 0,
          owner: null,
          risk_tier: null,
          last_reviewed: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((conflict) => conflict.columns(['project_id', 'name']).doNothing())
        .execute();
      // The prompt row is the lock that makes concurrent pushes take turns, so numbers never repeat or skip.
      const prompt = (await this.#lockPrompt(trx, projectId, parsed.name))!;
      const existing = await trx
        .selectFrom('prompt_versions')
        .selectAll()
        .where('prompt_id', '=', prompt.id)
        .where('content_hash', '=', parsed.contentHash)
        .executeTakeFirst();
      if (existing) return { version: this.#toPromptVersion(existing, prompt.name), created: false };

      const version = prompt.latest_version + 1;
      const metadata = parsed.metadata as StoredPromptMetadata;
      const row = {
        id: randomUUID(),
        prompt_id: prompt.id,
        project_id: projectId,
        version,
        content_hash: parsed.contentHash,
        source: parsed.source,
        template: parsed.template,
        model_config_json: JSON.stringify(parsed.modelConfig),
        input_schema_json: parsed.inputSchema == null ? null : JSON.stringify(parsed.inputSchema),
        output_schema_json: parsed.outputSchema == null ? null : JSON.stringify(parsed.outputSchema),
        metadata_json: JSON.stringify(metadata),
        risk_tier: metadata.riskTier ?? null,
        author: parsed.author,
        message: parsed.message ?? null,
        created_by_type: audit.actor.type,
        created_by_id: audit.actor.id ?? null,
        created_at: now,
      };
      await trx.insertInto('prompt_versions').values(row).execute();
      await trx
        .updateTable('prompts')
        .set({
          latest_version: version,
          owner: metadata.owner ?? null,
          risk_tier: metadata.riskTier ?? null,
          last_reviewed: metadata.lastReviewed ?? null,
          updated_at: now,
        })
        .where('id', '=', prompt.id)
        .execute();
      await this.#audit(trx, projectId, audit, 'prompt.push', 'prompt', prompt.name, {
        version,
        contentHash: parsed.contentHash,
        message: parsed.message ?? null,
      });
      // Read back rather than built from `row`: the schemas may be any JSON value, even a bare string.
      const stored = await trx.selectFrom('prompt_versions').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
      return { version: this.#toPromptVersion(stored, prompt.name), created: true };
    });
  }

  async getPrompt(projectId: string, name: string): Promise<PromptSummary | undefined> {
    const row = await this.#db
      .selectFrom('prompts')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .where('latest_version', '>', 0)
      .executeTakeFirst();
    return row && toPromptSummary(row);
  }

  async listPrompts(projectId: string, options: ListPromptsOptions = {}): Promise<Page<PromptSummary>> {
    const parsed = parse(ListPromptsOptionsSchema, options);
    let query = this.#db.selectFrom('prompts').selectAll().where('project_id', '=', projectId).where('latest_version', '>', 0);
    if (parsed.owner !== undefined) query = query.where('owner', '=', parsed.owner);
    if (parsed.riskTier !== undefined) query = query.where('risk_tier', '=', parsed.riskTier);
    if (parsed.lastReviewedBefore !== undefined) {
      const before = parsed.lastReviewedBefore;
      query = query.where((eb) => eb.or([eb('last_reviewed', 'is', null), eb('last_reviewed', '<', before)]));
    }
    if (parsed.cursor !== undefined) query = query.where('name', '>', decodeCursor(parsed.cursor));
    const rows = await query.orderBy('name').limit(parsed.limit + 1).execute();
    return page(rows.map(toPromptSummary), parsed.limit, (prompt) => encodeCursor(prompt.name));
  }

  async listPromptVersions(projectId: string, name: string, options: PageOptions = {}): Promise<Page<PromptVersion>> {
    const parsed = parse(PageOptionsSchema, options);
    const prompt = await this.#findPrompt(this.#db, projectId, name);
    if (!prompt) throw notFound('prompt', name);
    let query = this.#db.selectFrom('prompt_versions').selectAll().where('prompt_id', '=', prompt.id);
    if (parsed.cursor !== undefined) query = query.where('version', '<', integerCursor(parsed.cursor));
    const rows = await query.orderBy('version', 'desc').limit(parsed.limit + 1).execute();
    return page(
      rows.map((row) => this.#toPromptVersion(row, prompt.name)),
      parsed.limit,
      (version) => String(version.version),
    );
  }

  async getPromptVersion(projectId: string, name: string, version: number): Promise<PromptVersion | undefined> {
    if (!Number.isSafeInteger(version)) return undefined;
    const row = await this.#db
      .selectFrom('prompt_versions')
      .innerJoin('prompts', 'prompts.id', 'prompt_versions.prompt_id')
      .selectAll('prompt_versions')
      .select('prompts.name as prompt_name')
      .where('prompts.project_id', '=', projectId)
      .where('prompts.name', '=', name)
      .where('prompt_versions.version', '=', version)
      .executeTakeFirst();
    return row && this.#toPromptVersion(row, row.prompt_name);
  }

  // --- labels -----------------------------------------------------------------------------------

  async listLabels(projectId: string, promptName: string): Promise<Label[]> {
    const prompt = await this.#findPrompt(this.#db, projectId, promptName);
    if (!prompt) throw notFound('prompt', promptName);
    const rows = await this.#db.selectFrom('prompt_labels').selectAll().where('prompt_id', '=', prompt.id).orderBy('name').execute();
    return rows.map((row) => this.#toLabel(row, prompt.name));
  }

  async getLabel(projectId: string, promptName: string, label: string): Promise<Label | undefined> {
    const row = await this.#labelQuery(this.#db, projectId, promptName, label).executeTakeFirst();
    return row && this.#toLabel(row, row.prompt_name);
  }

  async resolveLabel(projectId: string, promptName: string, label: string): Promise<{ label: Label; versions: PromptVersion[] } | undefined> {
    // Two plain reads, no transaction (on SQLite that would take the write lock on the serving
    // path): versions are immutable and never deleted, so the ones a label named are still there.
    const row = await this.#labelQuery(this.#db, projectId, promptName, label).executeTakeFirst();
    if (!row) return undefined;
    const resolved = this.#toLabel(row, row.prompt_name);
    const versions = await this.#db
      .selectFrom('prompt_versions')
      .selectAll()
      .where('prompt_id', '=', row.prompt_id)
      .where(
        'version',
        'in',
        resolved.targets.map((target) => target.version),
      )
      .orderBy('version')
      .execute();
    return { label: resolved, versions: versions.map((version) => this.#toPromptVersion(version, row.prompt_name)) };
  }

  async getApprovalRequirement(projectId: string, promptName: string, label: string, targets: SetLabelInput['targets']): Promise<ApprovalRequirement> {
    const parsedLabel = parse(LabelNameSchema, label, 'label');
    const parsedTargets = parse(LabelTargetsSchema, targets, 'targets');
    const project = await this.#requireProject(this.#db, projectId);
    const prompt = await this.#findPrompt(this.#db, projectId, promptName);
    if (!prompt) throw notFound('prompt', promptName);
    const current = await this.#db.selectFrom('prompt_labels').selectAll().where('prompt_id', '=', prompt.id).where('name', '=', parsedLabel).executeTakeFirst();
    return this.#requirement(this.#db, project, prompt.id, parsedLabel, current ? this.#targets(current.targets_json) : [], parsedTargets);
  }

  async setLabel(projectId: string, promptName: string, label: string, input: SetLabelInput, context: AuditContext): Promise<Label> {
    const parsedLabel = parse(LabelNameSchema, label, 'label');
    const parsed = parse(SetLabelInputSchema, input);
    const audit = parseContext(context);
    return this.#write(async (trx) => {
      const project = await this.#requireProject(trx, projectId);
      const prompt = await this.#lockPrompt(trx, projectId, promptName);
      if (!prompt) throw notFound('prompt', promptName);
      await this.#requireVersions(trx, prompt, parsed.targets);
      const current = await trx.selectFrom('prompt_labels').selectAll().where('prompt_id', '=', prompt.id).where('name', '=', parsedLabel).executeTakeFirst();
      checkRevision(promptName, parsedLabel, current?.revision ?? 0, parsed.expectedRevision);
      const currentTargets = current ? this.#targets(current.targets_json) : [];
      if (current && sameTargets(currentTargets, parsed.targets)) return this.#toLabel(current, prompt.name);
      const requirement = await this.#requirement(trx, project, prompt.id, parsedLabel, currentTargets, parsed.targets);
      if (requirement.requiredApprovals > 0) {
        throw new ForbiddenError(
          `Moving "${parsedLabel}" of ${promptName} needs ${requirement.requiredApprovals} approval${requirement.requiredApprovals === 1 ? '' : 's'} (risk tier ${requirement.riskTier}).`,
          { reason: 'approval-required', requiredApprovals: requirement.requiredApprovals, hint: 'Open a change request and have another approver approve it.' },
        );
      }
      return this.#moveLabel(trx, { prompt, current, name: parsedLabel, targets: parsed.targets, kind: 'set', message: parsed.message, audit });
    });
  }

  async rollbackLabel(projectId: string, promptName: string, label: string, input: { expectedRevision: number; message?: string }, context: AuditContext): Promise<Label> {
    const parsedLabel = parse(LabelNameSchema, label, 'label');
    const expectedRevision = parse(SetLabelInputSchema.shape.expectedRevision, input.expectedRevision, 'expectedRevision');
    const audit = parseContext(context);
    return this.#write(async (trx) => {
      const prompt = await this.#lockPrompt(trx, projectId, promptName);
      if (!prompt) throw notFound('prompt', promptName);
      const current = await trx.selectFrom('prompt_labels').selectAll().where('prompt_id', '=', prompt.id).where('name', '=', parsedLabel).executeTakeFirst();
      if (!current) throw notFound('label', `${promptName}@${parsedLabel}`);
      checkRevision(promptName, parsedLabel, current.revision, expectedRevision);
      const latest = await trx
        .selectFrom('label_history')
        .select('previous_targets_json')
        .where('label_id', '=', current.id)
        .where('revision', '=', current.revision)
        .executeTakeFirst();
      if (!latest || latest.previous_targets_json === null) {
        throw new ConflictError(`"${parsedLabel}" of ${promptName} has never moved; there is nothing to roll back to.`, {
          currentRevision: current.revision,
        });
      }
      const targets = this.#targets(latest.previous_targets_json);
      return this.#moveLabel(trx, { prompt, current, name: parsedLabel, targets, kind: 'rollback', message: input.message, audit });
    });
  }

  async listLabelHistory(projectId: string, promptName: string, label: string, options: PageOptions = {}): Promise<Page<LabelHistoryEntry>> {
    const parsed = parse(PageOptionsSchema, options);
    const labelRow = await this.#labelQuery(this.#db, projectId, promptName, label).executeTakeFirst();
    if (!labelRow) throw notFound('label', `${promptName}@${label}`);
    let query = this.#db.selectFrom('label_history').selectAll().where('label_id', '=', labelRow.id);
    if (parsed.cursor !== undefined) query = query.where('revision', '<', integerCursor(parsed.cursor));
    const rows = await query.orderBy('revision', 'desc').limit(parsed.limit + 1).execute();
    const entries = rows.map(
      (row): LabelHistoryEntry => ({
        promptName: labelRow.prompt_name,
        label: labelRow.name,
        revision: row.revision,
        targets: this.#targets(row.targets_json),
        previousTargets: row.previous_targets_json === null ? null : this.#targets(row.previous_targets_json),
        kind: row.kind as LabelHistoryEntry['kind'],
        changeRequestId: row.change_request_id,
        message: row.message,
        actor: toActor(row.actor_type, row.actor_id),
        createdAt: iso(row.created_at),
      }),
    );
    return page(entries, parsed.limit, (entry) => String(entry.revision));
  }

  // --- change requests --------------------------------------------------------------------------

  async createChangeRequest(projectId: string, input: CreateChangeRequestInput, context: AuditContext): Promise<ChangeRequest> {
    const parsed = parse(CreateChangeRequestInputSchema, input);
    const audit = parseContext(context);
    return this.#write(async (trx) => {
      const project = await this.#requireProject(trx, projectId);
      const prompt = await this.#lockPrompt(trx, projectId, parsed.promptName);
      if (!prompt) throw notFound('prompt', parsed.promptName);
      await this.#requireVersions(trx, prompt, parsed.targets);
      const current = await trx.selectFrom('prompt_labels').selectAll().where('prompt_id', '=', prompt.id).where('name', '=', parsed.label).executeTakeFirst();
      const currentTargets = current ? this.#targets(current.targets_json) : [];
      if (current && sameTargets(currentTargets, parsed.targets)) {
        throw new ConflictError(`"${parsed.label}" of ${parsed.promptName} already points there.`, { currentRevision: current.revision });
      }
      const requirement = await this.#requirement(trx, project, prompt.id, parsed.label, currentTargets, parsed.targets);
      const requester = await this.#personBehind(trx, projectId, audit.actor);
      const now = this.#timestamp();
      const row = {
        id: randomUUID(),
        project_id: projectId,
        prompt_id: prompt.id,
        label: parsed.label,
        targets_json: JSON.stringify(parsed.targets),
        base_revision: current?.revision ?? 0,
        status: 'pending',
        requested_by_type: audit.actor.type,
        requested_by_id: audit.actor.id ?? null,
        requester_user_id: requester,
        message: parsed.message ?? null,
        risk_tier: requirement.riskTier,
        // Asking for review asks for at least one reviewer, even where the policy needs none. Nobody
        // answers for a key no person made (`assay admin create-key`): its holder may be one of the
        // approvers, so its requests need one approval more, and one person can never give them all.
        required_approvals: Math.max(1, requirement.requiredApprovals) + (requester === null ? 1 : 0),
        applied_revision: null,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('change_requests').values(row).execute();
      await this.#audit(trx, projectId, audit, 'change-request.create', 'change-request', row.id, {
        promptName: prompt.name,
        label: parsed.label,
        targets: parsed.targets,
        baseRevision: row.base_revision,
        requiredApprovals: row.required_approvals,
      });
      return this.#toChangeRequest(row, prompt.name, []);
    });
  }

  async getChangeRequest(projectId: string, changeRequestId: string): Promise<ChangeRequest | undefined> {
    const row = await this.#changeRequestQuery(this.#db, projectId).where('change_requests.id', '=', changeRequestId).executeTakeFirst();
    if (!row) return undefined;
    return (await this.#withReviews(this.#db, [row]))[0];
  }

  async listChangeRequests(projectId: string, options: ListChangeRequestsOptions = {}): Promise<Page<ChangeRequest>> {
    const parsed = parse(ListChangeRequestsOptionsSchema, options);
    let query = this.#changeRequestQuery(this.#db, projectId);
    if (parsed.status !== undefined) query = query.where('change_requests.status', '=', parsed.status);
    if (parsed.promptName !== undefined) query = query.where('prompts.name', '=', parsed.promptName);
    if (parsed.cursor !== undefined) {
      const [createdAt, id] = splitCursor(parsed.cursor);
      query = query.where((eb) =>
        eb.or([eb('change_requests.created_at', '<', createdAt), eb.and([eb('change_requests.created_at', '=', createdAt), eb('change_requests.id', '<', id)])]),
      );
    }
    const rows = await query.orderBy('change_requests.created_at', 'desc').orderBy('change_requests.id', 'desc').limit(parsed.limit + 1).execute();
    const requests = await this.#withReviews(this.#db, rows);
    return page(requests, parsed.limit, (request) => encodeCursor(`${request.createdAt}|${request.id}`));
  }

  async reviewChangeRequest(projectId: string, changeRequestId: string, input: ReviewChangeRequestInput, context: AuditContext): Promise<ChangeRequest> {
    const parsed = parse(ReviewChangeRequestInputSchema, input);
    const audit = parseContext(context);
    return this.#write(async (trx) => {
      // Found first: another project's request is a 404 whoever asks.
      const request = await this.#lockChangeRequest(trx, projectId, changeRequestId);
      if (audit.actor.type !== 'user') {
        throw new ForbiddenError('Only a person can review a change request, not an API key.', { reason: 'reviewer-not-user' });
      }
      const reviewerId = audit.actor.id;
      if (request.status !== 'pending') {
        throw new ConflictError(`Change request ${changeRequestId} is ${request.status}, not pending.`);
      }
      // Requests stored before key chains were followed may lack the person; the chain never changes.
      const requester = request.requester_user_id ?? (await this.#personBehind(trx, projectId, toActor(request.requested_by_type, request.requested_by_id)));
      if (requester === reviewerId || (request.requested_by_type === 'user' && request.requested_by_id === reviewerId)) {
        throw new ForbiddenError('You cannot review your own change request; another approver must.', { reason: 'self-approval' });
      }
      const reviewer = await trx.selectFrom('users').select(['id', 'is_admin']).where('id', '=', reviewerId).executeTakeFirst();
      const membership = await trx
        .selectFrom('project_members')
        .select('role')
        .where('project_id', '=', projectId)
        .where('user_id', '=', reviewerId)
        .executeTakeFirst();
      const mayApprove = reviewer !== undefined && (Boolean(reviewer.is_admin) || (membership !== undefined && roleAtLeast(membership.role as Role, 'approver')));
      if (!mayApprove) {
        throw new ForbiddenError('Reviewing a change request needs the approver role in this project.', { reason: 'not-an-approver' });
      }
      const previous = await trx
        .selectFrom('change_request_reviews')
        .select('decision')
        .where('change_request_id', '=', changeRequestId)
        .where('user_id', '=', reviewerId)
        .executeTakeFirst();
      if (previous) throw new ConflictError(`You have already reviewed change request ${changeRequestId}.`);
      const now = this.#timestamp();
      await trx
        .insertInto('change_request_reviews')
        .values({ change_request_id: changeRequestId, user_id: reviewerId, decision: parsed.decision, comment: parsed.comment ?? null, created_at: now })
        .execute();
      let status: ChangeRequestStatus = 'pending';
      if (parsed.decision === 'reject') {
        status = 'rejected';
      } else {
        const approvals = await trx
          .selectFrom('change_request_reviews')
          .select((eb) => eb.fn.countAll().as('count'))
          .where('change_request_id', '=', changeRequestId)
          .where('decision', '=', 'approve')
          .executeTakeFirstOrThrow();
        if (Number(approvals.count) >= request.required_approvals) status = 'approved';
      }
      await trx.updateTable('change_requests').set({ status, updated_at: now }).where('id', '=', changeRequestId).execute();
      await this.#audit(trx, projectId, audit, parsed.decision === 'approve' ? 'change-request.approve' : 'change-request.reject', 'change-request', changeRequestId, {
        promptName: request.prompt_name,
        label: request.label,
        status,
        comment: parsed.comment ?? null,
      });
      return (await this.#withReviews(trx, [{ ...request, status, updated_at: now }]))[0]!;
    });
  }

  async applyChangeRequest(projectId: string, changeRequestId: string, context: AuditContext): Promise<{ changeRequest: ChangeRequest; label: Label }> {
    const audit = parseContext(context);
    return this.#write(async (trx) => {
      const request = await this.#lockChangeRequest(trx, projectId, changeRequestId);
      if (request.status !== 'approved') {
        throw new ConflictError(`Change request ${changeRequestId} is ${request.status}; only an approved request can be applied.`);
      }
      const prompt = (await this.#lockPrompt(trx, projectId, request.prompt_name))!;
      const current = await trx.selectFrom('prompt_labels').selectAll().where('prompt_id', '=', prompt.id).where('name', '=', request.label).executeTakeFirst();
      // Every label move supersedes the requests based on the old revision, so this is a second line of defence.
      checkRevision(prompt.name, request.label, current?.revision ?? 0, request.base_revision);
      const label = await this.#moveLabel(trx, {
        prompt,
        current,
        name: request.label,
        targets: this.#targets(request.targets_json),
        kind: 'change-request',
        changeRequestId,
        message: request.message ?? undefined,
        audit,
      });
      const now = this.#timestamp();
      await trx
        .updateTable('change_requests')
        .set({ status: 'applied', applied_revision: label.revision, updated_at: now })
        .where('id', '=', changeRequestId)
        .execute();
      await this.#audit(trx, projectId, audit, 'change-request.apply', 'change-request', changeRequestId, {
        promptName: prompt.name,
        label: request.label,
        revision: label.revision,
      });
      const [changeRequest] = await this.#withReviews(trx, [{ ...request, status: 'applied', applied_revision: label.revision, updated_at: now }]);
      return { changeRequest: changeRequest!, label };
    });
  }

  async cancelChangeRequest(projectId: string, changeRequestId: string, context: AuditContext): Promise<ChangeRequest> {
    const audit = parseContext(context);
    return this.#write(async (trx) => {
      const request = await this.#lockChangeRequest(trx, projectId, changeRequestId);
      if (request.status !== 'pending' && request.status !== 'approved') {
        throw new ConflictError(`Change request ${changeRequestId} is ${request.status}; only a pending or approved request can be cancelled.`);
      }
      const now = this.#timestamp();
      await trx.updateTable('change_requests').set({ status: 'cancelled', updated_at: now }).where('id', '=', changeRequestId).execute();
      await this.#audit(trx, projectId, audit, 'change-request.cancel', 'change-request', changeRequestId, {
        promptName: request.prompt_name,
        label: request.label,
        previousStatus: request.status,
      });
      return (await this.#withReviews(trx, [{ ...request, status: 'cancelled', updated_at: now }]))[0]!;
    });
  }

  // --- audit log --------------------------------------------------------------------------------

  async listAuditEvents(projectId: string | null, options: ListAuditEventsOptions = {}): Promise<Page<AuditEvent>> {
    const parsed = parse(ListAuditEventsOptionsSchema, options);
    let query = this.#db.selectFrom('audit_events').selectAll();
    query = projectId === null ? query.where('project_id', 'is', null) : query.where('project_id', '=', projectId);
    if (parsed.action !== undefined) query = query.where('action', '=', parsed.action);
    if (parsed.targetType !== undefined) query = query.where('target_type', '=', parsed.targetType);
    if (parsed.targetId !== undefined) query = query.where('target_id', '=', parsed.targetId);
    if (parsed.cursor !== undefined) query = query.where('id', '<', integerCursor(parsed.cursor));
    const rows = await query.orderBy('id', 'desc').limit(parsed.limit + 1).execute();
    return page(rows.map((row) => this.#toAuditEvent(row)), parsed.limit, (event) => event.id);
  }

  async recordAuditEvent(projectId: string | null, input: RecordAuditEventInput, context: AuditContext): Promise<AuditEvent> {
    const parsed = parse(RecordAuditEventInputSchema, input);
    const audit = parseContext(context);
    return this.#write(async (trx) => {
      if (projectId !== null) await this.#requireProject(trx, projectId);
      return this.#audit(trx, projectId, audit, parsed.action, parsed.targetType, parsed.targetId, parsed.details);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#destroy();
  }

  // --- internals --------------------------------------------------------------------------------

  /** One write transaction; the test hook runs last, after the change and its audit events. */
  async #write<T>(work: (trx: Transaction<RegistryTables>) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute(async (trx) => {
      const result = await work(trx);
      await this.#testing?.onBeforeCommit?.();
      return result;
    });
  }

  async #audit(
    trx: Transaction<RegistryTables>,
    projectId: string | null,
    context: AuditContext,
    action: string,
    targetType: string,
    targetId: string,
    details: Record<string, unknown>,
  ): Promise<AuditEvent> {
    const row = {
      project_id: projectId,
      actor_type: context.actor.type,
      actor_id: context.actor.id ?? null,
      action,
      target_type: targetType,
      target_id: targetId,
      details_json: JSON.stringify(details),
      ip: context.ip ?? null,
      user_agent: context.userAgent ?? null,
      created_at: this.#timestamp(),
    };
    const { id } = await trx.insertInto('audit_events').values(row).returning('id').executeTakeFirstOrThrow();
    return this.#toAuditEvent({ ...row, id });
  }

  #timestamp(): string {
    return this.#now().toISOString();
  }

  async #requireProject(db: Db, projectId: string): Promise<Row<'projects'>> {
    const row = await db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();
    if (!row) throw notFound('project', projectId);
    return row;
  }

  async #findPrompt(db: Db, projectId: string, name: string): Promise<Row<'prompts'> | undefined> {
    return db.selectFrom('prompts').selectAll().where('project_id', '=', projectId).where('name', '=', name).where('latest_version', '>', 0).executeTakeFirst();
  }

  /**
   * Reads the prompt and, on PostgreSQL, locks its row until the transaction ends: every change
   * to a prompt's versions, labels and change requests takes this lock first, so they take turns
   * (on SQLite, BEGIN IMMEDIATE already lets one writer in at a time).
   */
  async #lockPrompt(trx: Transaction<RegistryTables>, projectId: string, name: string): Promise<Row<'prompts'> | undefined> {
    let query = trx.selectFrom('prompts').selectAll().where('project_id', '=', projectId).where('name', '=', name);
    if (this.dialect === 'postgres') query = query.forUpdate();
    return query.executeTakeFirst();
  }

  async #lockChangeRequest(trx: Transaction<RegistryTables>, projectId: string, changeRequestId: string) {
    const found = await this.#changeRequestQuery(trx, projectId).where('change_requests.id', '=', changeRequestId).executeTakeFirst();
    if (!found) throw notFound('change-request', changeRequestId);
    await this.#lockPrompt(trx, projectId, found.prompt_name);
    // Read again under the lock: another transaction may have changed it meanwhile.
    return (await this.#changeRequestQuery(trx, projectId).where('change_requests.id', '=', changeRequestId).executeTakeFirst())!;
  }

  #changeRequestQuery(db: Db, projectId: string) {
    return db
      .selectFrom('change_requests')
      .innerJoin('prompts', 'prompts.id', 'change_requests.prompt_id')
      .selectAll('change_requests')
      .select('prompts.name as prompt_name')
      .where('change_requests.project_id', '=', projectId);
  }

  #labelQuery(db: Db, projectId: string, promptName: string, label: string) {
    return db
      .selectFrom('prompt_labels')
      .innerJoin('prompts', 'prompts.id', 'prompt_labels.prompt_id')
      .selectAll('prompt_labels')
      .select('prompts.name as prompt_name')
      .where('prompts.project_id', '=', projectId)
      .where('prompts.name', '=', promptName)
      .where('prompt_labels.name', '=', label);
  }

  async #requireVersions(db: Db, prompt: Row<'prompts'>, targets: readonly LabelTarget[]): Promise<void> {
    const versions = targets.map((target) => target.version);
    const rows = await db.selectFrom('prompt_versions').select('version').where('prompt_id', '=', prompt.id).where('version', 'in', versions).execute();
    const found = new Set(rows.map((row) => row.version));
    const missing = versions.filter((version) => !found.has(version));
    if (missing.length > 0) {
      throw new NotFoundError(`${prompt.name} has no version ${missing.join(' or ')} (latest is ${prompt.latest_version}).`, {
        resource: 'version',
        id: `${prompt.name}@${missing[0]}`,
      });
    }
  }

  async #requirement(
    db: Db,
    project: Row<'projects'>,
    promptId: string,
    label: string,
    currentTargets: readonly LabelTarget[],
    targets: readonly LabelTarget[],
  ): Promise<ApprovalRequirement> {
    const settings = this.#toProject(project).settings;
    const versions = [...new Set([...currentTargets, ...targets].map((target) => target.version))];
    const rows = await db.selectFrom('prompt_versions').select('risk_tier').where('prompt_id', '=', promptId).where('version', 'in', versions).execute();
    let riskTier: RiskTier | null = null;
    for (const row of rows) {
      const tier = row.risk_tier as RiskTier | null;
      if (tier !== null && (riskTier === null || riskTiers.indexOf(tier) > riskTiers.indexOf(riskTier))) riskTier = tier;
    }
    const isProtected = settings.protectedLabels.includes(label);
    // A version that declares no tier counts as low.
    return { protected: isProtected, riskTier, requiredApprovals: isProtected ? settings.approvals[riskTier ?? 'low'] : 0 };
  }

  /**
   * The person accountable for an actor: the user, or for an API key the user at the root of its
   * chain of creators (a key made by a key made by … a user). Null when the chain ends in no person
   * (`assay admin create-key` creates keys as the system), points at a key or user that is not
   * there, loops, or is longer than `maxKeyChain`.
   */
  async #personBehind(db: Db, projectId: string, actor: Actor): Promise<string | null> {
    let type: string = actor.type;
    let id: string | null = actor.id ?? null;
    const seen = new Set<string>();
    while (type === 'api-key' && id !== null) {
      if (seen.has(id) || seen.size >= maxKeyChain) return null;
      seen.add(id);
      const key = await db
        .selectFrom('api_keys')
        .select(['created_by_type', 'created_by_id'])
        .where('id', '=', id)
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      if (!key) return null;
      type = key.created_by_type;
      id = key.created_by_id;
    }
    if (type !== 'user' || id === null) return null;
    const user = await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
    return user ? user.id : null;
  }

  async #moveLabel(
    trx: Transaction<RegistryTables>,
    move: {
      prompt: Row<'prompts'>;
      current: Row<'prompt_labels'> | undefined;
      name: string;
      targets: readonly LabelTarget[];
      kind: LabelHistoryEntry['kind'];
      changeRequestId?: string;
      message: string | undefined;
      audit: AuditContext;
    },
  ): Promise<Label> {
    const { prompt, current, audit } = move;
    const now = this.#timestamp();
    const targetsJson = JSON.stringify(move.targets);
    let row: Row<'prompt_labels'>;
    if (current) {
      row = {
        ...current,
        targets_json: targetsJson,
        revision: current.revision + 1,
        updated_at: now,
        updated_by_type: audit.actor.type,
        updated_by_id: audit.actor.id ?? null,
      };
      const result = await trx
        .updateTable('prompt_labels')
        .set({ targets_json: targetsJson, revision: row.revision, updated_at: now, updated_by_type: row.updated_by_type, updated_by_id: row.updated_by_id })
        .where('id', '=', current.id)
        .where('revision', '=', current.revision)
        .executeTakeFirst();
      if (result.numUpdatedRows !== 1n) throw new ConflictError(`"${move.name}" of ${prompt.name} moved meanwhile; read it again.`);
    } else {
      const inserted = {
        id: randomUUID(),
        prompt_id: prompt.id,
        project_id: prompt.project_id,
        name: move.name,
        targets_json: targetsJson,
        revision: 1,
        updated_at: now,
        updated_by_type: audit.actor.type,
        updated_by_id: audit.actor.id ?? null,
      };
      await insertUnique(trx.insertInto('prompt_labels').values(inserted), `"${move.name}" of ${prompt.name} was created meanwhile; read it again.`);
      row = inserted;
    }
    const previousTargets = current ? this.#targets(current.targets_json) : null;
    await trx
      .insertInto('label_history')
      .values({
        label_id: row.id,
        project_id: prompt.project_id,
        revision: row.revision,
        targets_json: targetsJson,
        previous_targets_json: previousTargets === null ? null : JSON.stringify(previousTargets),
        kind: move.kind,
        change_request_id: move.changeRequestId ?? null,
        message: move.message ?? null,
        actor_type: audit.actor.type,
        actor_id: audit.actor.id ?? null,
        created_at: now,
      })
      .execute();
    // Requests made against the old revision no longer describe a change from what is live.
    let superseded = trx
      .updateTable('change_requests')
      .set({ status: 'superseded', updated_at: now })
      .where('prompt_id', '=', prompt.id)
      .where('label', '=', move.name)
      .where('status', 'in', ['pending', 'approved']);
    if (move.changeRequestId !== undefined) superseded = superseded.where('id', '!=', move.changeRequestId);
    const supersededResult = await superseded.executeTakeFirst();
    await this.#audit(trx, prompt.project_id, audit, move.kind === 'rollback' ? 'label.rollback' : 'label.set', 'label', `${prompt.name}@${move.name}`, {
      promptName: prompt.name,
      label: move.name,
      revision: row.revision,
      targets: move.targets,
      previousTargets,
      changeRequestId: move.changeRequestId ?? null,
      supersededChangeRequests: Number(supersededResult.numUpdatedRows),
    });
    return this.#toLabel(row, prompt.name);
  }

  async #insertUser(trx: Transaction<RegistryTables>, input: { email: string; name: string; isAdmin: boolean; passwordHash: string }): Promise<User> {
    const now = this.#timestamp();
    const row = {
      id: randomUUID(),
      email: input.email,
      name: input.name,
      password_hash: input.passwordHash,
      is_admin: this.#bool(input.isAdmin),
      created_at: now,
      updated_at: now,
    };
    await insertUnique(trx.insertInto('users').values(row), `A user with the email ${input.email} already exists.`);
    return this.#toUser(row);
  }

  async #withReviews(db: Db, rows: readonly (Row<'change_requests'> & { prompt_name: string })[]): Promise<ChangeRequest[]> {
    if (rows.length === 0) return [];
    const reviews = await db
      .selectFrom('change_request_reviews')
      .selectAll()
      .where(
        'change_request_id',
        'in',
        rows.map((row) => row.id),
      )
      .orderBy('created_at')
      .orderBy('user_id')
      .execute();
    return rows.map((row) =>
      this.#toChangeRequest(
        row,
        row.prompt_name,
        reviews.filter((review) => review.change_request_id === row.id),
      ),
    );
  }

  // --- row conversion ---------------------------------------------------------------------------

  #bool(value: boolean): number | boolean {
    return this.dialect === 'sqlite' ? (value ? 1 : 0) : value;
  }

  /**
   * A JSON column whose value is an object or array: text from SQLite and from rows built in
   * memory (what was just written), already parsed from PostgreSQL's jsonb.
   */
  #json(value: unknown): unknown {
    return typeof value === 'string' ? JSON.parse(value) : value;
  }

  /** A JSON column that may hold any JSON value, a bare string included: only from rows read back. */
  #anyJson(value: unknown): unknown {
    return this.dialect === 'sqlite' ? JSON.parse(value as string) : value;
  }

  #targets(value: unknown): LabelTarget[] {
    return this.#json(value) as LabelTarget[];
  }

  #toProject(row: Row<'projects'>): Project {
    return {
      id: row.id,
      organizationId: row.organization_id,
      name: row.name,
      displayName: row.display_name,
      // Parsed, so settings stored by an older version get the defaults of fields added since.
      settings: ProjectSettingsSchema.parse(this.#json(row.settings_json)),
      createdAt: iso(row.created_at),
    };
  }

  #toUser(row: Row<'users'>): User {
    return { id: row.id, email: row.email, name: row.name, isAdmin: Boolean(row.is_admin), createdAt: iso(row.created_at) };
  }

  #toMembership(row: Row<'users'> & { member_project_id: string; member_role: string; member_created_at: string | Date; member_updated_at: string | Date }): Membership {
    return {
      projectId: row.member_project_id,
      user: this.#toUser(row),
      role: row.member_role as Role,
      createdAt: iso(row.member_created_at),
      updatedAt: iso(row.member_updated_at),
    };
  }

  #toPromptVersion(row: Row<'prompt_versions'>, promptName: string): PromptVersion {
    return {
      id: row.id,
      projectId: row.project_id,
      promptName,
      version: row.version,
      contentHash: row.content_hash,
      source: row.source,
      template: row.template,
      modelConfig: this.#json(row.model_config_json) as Record<string, unknown>,
      inputSchema: row.input_schema_json === null ? null : this.#anyJson(row.input_schema_json),
      outputSchema: row.output_schema_json === null ? null : this.#anyJson(row.output_schema_json),
      metadata: this.#json(row.metadata_json) as StoredPromptMetadata,
      author: row.author,
      message: row.message,
      createdBy: toActor(row.created_by_type, row.created_by_id),
      createdAt: iso(row.created_at),
    };
  }

  #toLabel(row: Row<'prompt_labels'>, promptName: string): Label {
    return {
      promptName,
      name: row.name,
      targets: this.#targets(row.targets_json),
      revision: row.revision,
      updatedAt: iso(row.updated_at),
      updatedBy: toActor(row.updated_by_type, row.updated_by_id),
    };
  }

  #toChangeRequest(row: Row<'change_requests'>, promptName: string, reviews: readonly Row<'change_request_reviews'>[]): ChangeRequest {
    return {
      id: row.id,
      projectId: row.project_id,
      promptName,
      label: row.label,
      targets: this.#targets(row.targets_json),
      baseRevision: row.base_revision,
      status: row.status as ChangeRequestStatus,
      requestedBy: toActor(row.requested_by_type, row.requested_by_id),
      requesterUserId: row.requester_user_id,
      message: row.message,
      riskTier: row.risk_tier as RiskTier | null,
      requiredApprovals: row.required_approvals,
      reviews: reviews.map((review) => ({
        userId: review.user_id,
        decision: review.decision as 'approve' | 'reject',
        comment: review.comment,
        createdAt: iso(review.created_at),
      })),
      appliedRevision: row.applied_revision,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    };
  }

  #toAuditEvent(row: Row<'audit_events'>): AuditEvent {
    return {
      id: String(row.id),
      projectId: row.project_id,
      actor: toActor(row.actor_type, row.actor_id),
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      details: this.#json(row.details_json) as Record<string, unknown>,
      ip: row.ip,
      userAgent: row.user_agent,
      createdAt: iso(row.created_at),
    };
  }
}

// --- helpers ----------------------------------------------------------------------------------

function parse<Schema extends z.ZodType>(schema: Schema, value: unknown, field?: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: [field, ...issue.path.map(String)].filter((part) => part !== undefined && part !== '').join('.') || '(input)',
    message: issue.message,
  }));
  throw new InvalidInputError(`Invalid input: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}.`, { issues });
}

function parseContext(context: AuditContext): AuditContext {
  return parse(AuditContextSchema, context, 'context');
}

function notFound(resource: string, id: string): NotFoundError {
  return new NotFoundError(`No ${resource} ${id}${resource === 'project' || resource === 'user' || resource === 'organization' ? '' : ' in this project'}.`, {
    resource,
    id,
  });
}

function checkRevision(promptName: string, label: string, current: number, expected: number): void {
  if (current === expected) return;
  throw new ConflictError(
    current === 0
      ? `"${label}" of ${promptName} does not exist (expected revision ${expected}).`
      : `"${label}" of ${promptName} is at revision ${current}, not ${expected}: someone moved it meanwhile.`,
    { expectedRevision: expected, currentRevision: current, hint: 'Read the label again and retry with its current revision.' },
  );
}

function sameTargets(a: readonly LabelTarget[], b: readonly LabelTarget[]): boolean {
  return a.length === b.length && a.every((target, index) => target.version === b[index]!.version && target.weight === b[index]!.weight);
}

async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Runs an insert, turning a unique-constraint violation into a `ConflictError`. */
async function insertUnique(query: { execute(): Promise<unknown> }, message: string): Promise<void> {
  try {
    await query.execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(message, { cause: error });
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  const record = error as { code?: unknown; errcode?: unknown } | null;
  // PostgreSQL 23505; SQLite SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
  return record?.code === '23505' || record?.errcode === 2067 || record?.errcode === 1555;
}

function iso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}

function toActor(type: string, id: string | null): Actor {
  if (type === 'system') return id === null ? { type: 'system' } : { type: 'system', id };
  return { type: type as 'user' | 'api-key', id: id ?? '' };
}

function toOrganization(row: Row<'organizations'>): Organization {
  return { id: row.id, name: row.name, displayName: row.display_name, createdAt: iso(row.created_at) };
}

function toApiKey(row: Row<'api_keys'>): ApiKey {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    role: row.role as Role,
    prefix: row.prefix,
    createdBy: toActor(row.created_by_type, row.created_by_id),
    createdAt: iso(row.created_at),
    expiresAt: row.expires_at === null ? null : iso(row.expires_at),
    lastUsedAt: row.last_used_at === null ? null : iso(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
  };
}

function toSession(row: Row<'sessions'>): Session {
  return {
    id: row.id,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

function toPromptSummary(row: Row<'prompts'>): PromptSummary {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    latestVersion: row.latest_version,
    owner: row.owner,
    riskTier: row.risk_tier as RiskTier | null,
    lastReviewed: row.last_reviewed,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function page<T>(rows: T[], limit: number, cursorOf: (item: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: cursorOf(items.at(-1)!) };
}

function encodeCursor(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

function splitCursor(cursor: string): [string, string] {
  const decoded = decodeCursor(cursor);
  const separator = decoded.indexOf('|');
  if (separator < 0) throw badCursor();
  return [decoded.slice(0, separator), decoded.slice(separator + 1)];
}

function integerCursor(cursor: string): number {
  const value = Number(cursor);
  if (!/^\d{1,15}$/.test(cursor) || !Number.isSafeInteger(value)) throw badCursor();
  return value;
}

function badCursor(): InvalidInputError {
  return new InvalidInputError('The page cursor is not one this list returned.', { issues: [{ field: 'cursor', message: 'unknown cursor' }] });
}
