import { randomUUID } from 'node:crypto';
import {
  CreateUserInputSchema,
  EmailSchema,
  PasswordSchema,
  RoleSchema,
  type AuditContext,
  type CreateUserInput,
  type Membership,
  type Role,
  type User,
} from '@assay/spec';
import type { Transaction } from 'kysely';
import { defaultScryptLogN, hashPassword, randomToken, verifyPassword } from '../registry-secrets.ts';
import type { RegistryUsers } from '../registry-store.ts';
import type { RegistryTables } from '../registry-tables.ts';
import { insertUnique, notFound, parse, parseContext } from './errors.ts';
import { requireProject } from './projects.ts';
import { bool, iso } from './rows.ts';
import { SqlPart, type Db, type Row, type SqlContext } from './sql-context.ts';

/** Checked against when a login names an unknown email, so that answer takes as long as a wrong password. */
let dummyPasswordHash: Promise<string> | undefined;

/** Users (with their passwords) and their project memberships. */
export class SqlUsers extends SqlPart implements RegistryUsers {
  async createUser(input: CreateUserInput, context: AuditContext): Promise<User> {
    const parsed = parse(CreateUserInputSchema, input);
    const audit = parseContext(context);
    const passwordHash = await hashPassword(parsed.password, this.sql.scryptLogN);
    return this.sql.write(async (trx) => {
      const user = await insertUser(this.sql, trx, { ...parsed, passwordHash });
      await this.sql.audit(trx, null, audit, 'user.create', 'user', user.id, { email: user.email, isAdmin: user.isAdmin });
      return user;
    });
  }

  async getUser(userId: string): Promise<User | undefined> {
    const row = await this.sql.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    return row && toUser(row);
  }

  async getUserByEmail(email: string): Promise<User | undefined> {
    const normalized = EmailSchema.safeParse(email);
    if (!normalized.success) return undefined;
    const row = await this.sql.db.selectFrom('users').selectAll().where('email', '=', normalized.data).executeTakeFirst();
    return row && toUser(row);
  }

  async authenticateUser(email: string, password: string): Promise<User | undefined> {
    if (typeof password !== 'string' || password.length > 1024) return undefined;
    const normalized = EmailSchema.safeParse(email);
    const row = normalized.success
      ? await this.sql.db.selectFrom('users').selectAll().where('email', '=', normalized.data).executeTakeFirst()
      : undefined;
    if (!row) {
      dummyPasswordHash ??= hashPassword(randomToken(), defaultScryptLogN);
      await verifyPassword(password, await dummyPasswordHash);
      return undefined;
    }
    return (await verifyPassword(password, row.password_hash)) ? toUser(row) : undefined;
  }

  async setUserPassword(userId: string, password: string, context: AuditContext): Promise<void> {
    const parsed = parse(PasswordSchema, password, 'password');
    const audit = parseContext(context);
    const passwordHash = await hashPassword(parsed, this.sql.scryptLogN);
    await this.sql.write(async (trx) => {
      const result = await trx
        .updateTable('users')
        .set({ password_hash: passwordHash, updated_at: this.sql.timestamp() })
        .where('id', '=', userId)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound('user', userId);
      const sessions = await trx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
      await this.sql.audit(trx, null, audit, 'user.set-password', 'user', userId, { sessionsEnded: Number(sessions.numDeletedRows) });
    });
  }

  async countUsers(): Promise<number> {
    return countUsers(this.sql.db);
  }

  async listUsers(): Promise<User[]> {
    return (await this.sql.db.selectFrom('users').selectAll().orderBy('email').execute()).map((row) => toUser(row));
  }

  async setMember(projectId: string, userId: string, role: Role, context: AuditContext): Promise<Membership> {
    const parsedRole = parse(RoleSchema, role, 'role');
    const audit = parseContext(context);
    return this.sql.write(async (trx) => {
      await requireProject(trx, projectId);
      const user = await trx.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
      if (!user) throw notFound('user', userId);
      const previous = await findMembership(trx, projectId, userId);
      const now = this.sql.timestamp();
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
      await this.sql.audit(trx, projectId, audit, 'member.set', 'user', userId, {
        email: user.email,
        role: parsedRole,
        previousRole: previous?.role ?? null,
      });
      return {
        projectId,
        user: toUser(user),
        role: parsedRole,
        createdAt: previous ? iso(previous.created_at) : now,
        updatedAt: now,
      };
    });
  }

  async removeMember(projectId: string, userId: string, context: AuditContext): Promise<void> {
    const audit = parseContext(context);
    await this.sql.write(async (trx) => {
      const previous = await findMembership(trx, projectId, userId);
      if (!previous) throw notFound('member', userId);
      await trx.deleteFrom('project_members').where('project_id', '=', projectId).where('user_id', '=', userId).execute();
      await this.sql.audit(trx, projectId, audit, 'member.remove', 'user', userId, { previousRole: previous.role });
    });
  }

  async getMember(projectId: string, userId: string): Promise<Membership | undefined> {
    const row = await this.#membersQuery(projectId).where('project_members.user_id', '=', userId).executeTakeFirst();
    return row && toMembership(row);
  }

  async listMembers(projectId: string): Promise<Membership[]> {
    const rows = await this.#membersQuery(projectId).orderBy('users.email').execute();
    return rows.map((row) => toMembership(row));
  }

  #membersQuery(projectId: string) {
    return this.sql.db
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
}

/** The user's membership row in the project, if they are a member. */
export async function findMembership(db: Db, projectId: string, userId: string): Promise<Row<'project_members'> | undefined> {
  return db.selectFrom('project_members').selectAll().where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
}

/** Inserts a user whose password is already hashed; `ConflictError` when the email is taken. */
export async function insertUser(
  sql: SqlContext,
  trx: Transaction<RegistryTables>,
  input: { email: string; name: string; isAdmin: boolean; passwordHash: string },
): Promise<User> {
  const now = sql.timestamp();
  const row = {
    id: randomUUID(),
    email: input.email,
    name: input.name,
    password_hash: input.passwordHash,
    is_admin: bool(input.isAdmin, sql.dialect),
    created_at: now,
    updated_at: now,
  };
  await insertUnique(trx.insertInto('users').values(row), `A user with the email ${input.email} already exists.`);
  return toUser(row);
}

export function toUser(row: Row<'users'>): User {
  return { id: row.id, email: row.email, name: row.name, isAdmin: Boolean(row.is_admin), createdAt: iso(row.created_at) };
}

function toMembership(row: Row<'users'> & { member_project_id: string; member_role: string; member_created_at: string | Date; member_updated_at: string | Date }): Membership {
  return {
    projectId: row.member_project_id,
    user: toUser(row),
    role: row.member_role as Role,
    createdAt: iso(row.member_created_at),
    updatedAt: iso(row.member_updated_at),
  };
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}
