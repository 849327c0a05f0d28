import type { AuditContext } from '@assay/spec';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { RegistryDialect } from '../registry-migrations.ts';
import { defaultScryptLogN } from '../registry-secrets.ts';
import type { RegistryStoreOptions } from '../registry-store.ts';
import type { RegistryTables } from '../registry-tables.ts';

/** The database or a transaction on it: reads that may run in either take this. */
export type Db = Kysely<RegistryTables> | Transaction<RegistryTables>;
export type Row<Table extends keyof RegistryTables> = Selectable<RegistryTables[Table]>;

/**
 * What every part of the SQL registry store shares: the one Kysely database, its dialect, the
 * clock, and the write transaction each change runs in together with its audit events.
 */
export class SqlContext {
  readonly db: Kysely<RegistryTables>;
  readonly dialect: RegistryDialect;
  /** scrypt cost (log2 N) for new password hashes. */
  readonly scryptLogN: number;
  readonly #now: () => Date;
  readonly #testing: RegistryStoreOptions['testing'];

  constructor(db: Kysely<RegistryTables>, dialect: RegistryDialect, options: RegistryStoreOptions) {
    this.db = db;
    this.dialect = dialect;
    this.#now = options.now ?? (() => new Date());
    this.#testing = options.testing;
    this.scryptLogN = options.testing?.scryptLogN ?? defaultScryptLogN;
  }

  now(): Date {
    return this.#now();
  }

  timestamp(): string {
    return this.#now().toISOString();
  }

  /** One write transaction; the test hook runs last, after the change and its audit events. */
  async write<T>(work: (trx: Transaction<RegistryTables>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const result = await work(trx);
      await this.#testing?.onBeforeCommit?.();
      return result;
    });
  }

  /** Writes an audit event in the transaction of the change it records; returns the stored row. */
  async audit(
    trx: Transaction<RegistryTables>,
    projectId: string | null,
    context: AuditContext,
    action: string,
    targetType: string,
    targetId: string,
    details: Record<string, unknown>,
  ): Promise<Row<'audit_events'>> {
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
      created_at: this.timestamp(),
    };
    const { id } = await trx.insertInto('audit_events').values(row).returning('id').executeTakeFirstOrThrow();
    return { ...row, id };
  }
}

/** One aggregate's part of the SQL registry store (a file of this folder), over the shared context. */
export abstract class SqlPart {
  protected readonly sql: SqlContext;

  constructor(sql: SqlContext) {
    this.sql = sql;
  }
}
