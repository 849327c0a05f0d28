import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  ConsumeSetupTokenInputSchema,
  CreateSessionInputSchema,
  ForbiddenError,
  InvalidInputError,
  type AuditContext,
  type ConsumeSetupTokenInput,
  type CreateSessionInput,
  type Session,
  type User,
} from '@assay/spec';
import { sql, type Transaction } from 'kysely';
import { hashPassword, randomToken, sha256 } from '../registry-secrets.ts';
import type { RegistrySessions } from '../registry-store.ts';
import type { RegistryTables } from '../registry-tables.ts';
import { notFound, parse, parseContext } from './errors.ts';
import { iso } from './rows.ts';
import { SqlPart, type Db, type Row } from './sql-context.ts';
import { countUsers, insertUser, toUser } from './users.ts';

const defaultSetupTokenTtlSeconds = 24 * 3600;
/** PostgreSQL advisory lock key for first-run setup (registry-migrations.ts uses 7_400_001). */
const setupLock = 7_400_002;

/** Login sessions and the first-run setup token that creates the first admin. */
export class SqlSessions extends SqlPart implements RegistrySessions {
  async createSession(userId: string, input: CreateSessionInput = {}): Promise<{ session: Session; token: string }> {
    const parsed = parse(CreateSessionInputSchema, input);
    const token = randomToken();
    const now = this.sql.now();
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
    await this.sql.db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      if (!user) throw notFound('user', userId);
      await trx.insertInto('sessions').values(row).execute();
    });
    return { session: toSession(row), token };
  }

  async getSession(token: string): Promise<{ session: Session; user: User } | undefined> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 256) return undefined;
    const row = await this.sql.db
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
      .where('sessions.expires_at', '>', this.sql.timestamp())
      .executeTakeFirst();
    if (!row) return undefined;
    const session = toSession({ ...row, id: row.session_id, created_at: row.session_created_at });
    return { session, user: toUser(row) };
  }

  async deleteSession(token: string): Promise<void> {
    if (typeof token !== 'string') return;
    await this.sql.db.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();
  }

  async deleteExpiredSessions(): Promise<number> {
    const result = await this.sql.db.deleteFrom('sessions').where('expires_at', '<=', this.sql.timestamp()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async createSetupToken(options: { ttlSeconds?: number } = {}): Promise<{ token: string; expiresAt: string }> {
    const ttlSeconds = options.ttlSeconds ?? defaultSetupTokenTtlSeconds;
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
      throw new InvalidInputError('ttlSeconds must be a positive integer.', { issues: [{ field: 'ttlSeconds', message: 'a positive integer' }] });
    }
    const token = randomToken();
    const now = this.sql.now();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
    await this.sql.db.transaction().execute(async (trx) => {
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
    if (!(await this.#liveSetupToken(this.sql.db, tokenHash))) throw invalid();
    const parsed = parse(ConsumeSetupTokenInputSchema, input);
    const passwordHash = await hashPassword(parsed.password, this.sql.scryptLogN);
    return this.sql.write(async (trx) => {
      await this.#lockSetup(trx);
      if (!(await this.#liveSetupToken(trx, tokenHash)) || (await countUsers(trx)) > 0) throw invalid();
      const user = await insertUser(this.sql, trx, { ...parsed, isAdmin: true, passwordHash });
      const consumed = await trx
        .updateTable('setup_tokens')
        .set({ consumed_at: this.sql.timestamp(), consumed_by: user.id })
        .where('token_hash', '=', tokenHash)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      if (consumed.numUpdatedRows !== 1n) throw invalid();
      const audit = parseContext({ ...context, actor: { type: 'user', id: user.id } });
      await this.sql.audit(trx, null, audit, 'user.setup', 'user', user.id, { email: user.email, isAdmin: true });
      return user;
    });
  }

  /**
   * Setup steps take turns: on PostgreSQL two servers starting at once could otherwise both see no
   * user and each create an admin (SQLite's BEGIN IMMEDIATE already serialises them).
   */
  async #lockSetup(trx: Transaction<RegistryTables>): Promise<void> {
    if (this.sql.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${sql.lit(setupLock)})`.execute(trx);
  }

  async #liveSetupToken(db: Db, tokenHash: string): Promise<boolean> {
    const row = await db
      .selectFrom('setup_tokens')
      .select('id')
      .where('token_hash', '=', tokenHash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', this.sql.timestamp())
      .executeTakeFirst();
    return row !== undefined;
  }
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
