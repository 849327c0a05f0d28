import type { DatabaseSync, StatementSync } from 'node:sqlite';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';

/**
 * Kysely's SQLite dialect over `node:sqlite` (no native build), through a small adapter to the
 * better-sqlite3-shaped `database` Kysely expects.
 *
 * Transactions begin with `BEGIN IMMEDIATE`: every registry transaction writes, and a deferred
 * transaction that reads first and then writes fails at once with SQLITE_BUSY when another
 * process wrote in between, whereas IMMEDIATE waits for the lock (busy_timeout) up front.
 * Kysely serialises the single connection within a process.
 *
 * node:sqlite waits for a lock synchronously, blocking the thread. So within one process, open
 * one registry store per file, and do not start a write on another connection to the same file
 * (the runs store) from a continuation that may run while a registry transaction is between two
 * of its statements: the transaction holding the lock could not go on, and the other write would
 * fail with "database is locked" after busy_timeout. A registry transaction awaits nothing but its
 * own statements, so writes started by separate requests (macrotasks) never interleave with it.
 */
export class NodeSqliteDialect implements Dialect {
  readonly #database: DatabaseSync;

  /** The database is closed by `Kysely.destroy()`. */
  constructor(database: DatabaseSync) {
    this.#database = database;
  }

  createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: new NodeSqliteDatabase(this.#database) }, this.#database);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's own signature.
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #database: DatabaseSync;

  constructor(config: ConstructorParameters<typeof SqliteDriver>[0], database: DatabaseSync) {
    super(config);
    this.#database = database;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite has already rolled back after some errors (SQLITE_FULL, SQLITE_IOERR); a second
    // ROLLBACK would fail and hide the cause.
    if (this.#database.isTransaction) await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
}

/** Prepared statements are kept, keyed by SQL: Kysely prepares on every query. */
const statementCacheSize = 200;

class NodeSqliteDatabase implements SqliteDatabase {
  readonly #database: DatabaseSync;
  readonly #statements = new Map<string, SqliteStatement>();

  constructor(database: DatabaseSync) {
    this.#database = database;
  }

  close(): void {
    this.#statements.clear();
    if (this.#database.isOpen) this.#database.close();
  }

  prepare(sql: string): SqliteStatement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = adaptStatement(this.#database.prepare(sql));
      if (this.#statements.size >= statementCacheSize) this.#statements.delete(this.#statements.keys().next().value!);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

type Parameter = null | number | bigint | string | NodeJS.ArrayBufferView;

function adaptStatement(statement: StatementSync): SqliteStatement {
  const reader = statement.columns().length > 0;
  return {
    reader,
    all: (parameters) => statement.all(...(parameters as Parameter[])),
    run: (parameters) => {
      const { changes, lastInsertRowid } = statement.run(...(parameters as Parameter[]));
      return { changes, lastInsertRowid };
    },
    iterate: (parameters) => statement.iterate(...(parameters as Parameter[])),
  };
}
