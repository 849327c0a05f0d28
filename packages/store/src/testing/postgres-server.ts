import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** A PostgreSQL server for tests, and an empty database on it. */
export interface PostgresServer {
  /** URL of a database made for this handle (empty until a test writes to it). */
  url: string;
  /**
   * URL of a place no store has used yet: a new schema in that database, chosen by the URL's
   * `search_path`. A millisecond, where CREATE DATABASE takes a hundred or more; each test of a
   * file can have its own.
   */
  freshUrl(): Promise<string>;
  /** Stops the server and deletes its files; on a shared server, drops the database made here. */
  stop(): Promise<void>;
}

/** A server these tests started themselves, which they may also take down and bring back. */
export interface LocalPostgresServer extends PostgresServer {
  readonly port: number;
  /** Stops the server, keeping its data (`fast` ends sessions politely; `immediate` is a crash). */
  shutdown(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts a server stopped by `shutdown` again, on the same port and data. */
  restart(): Promise<void>;
}

/**
 * Starts a PostgreSQL server for a test file and makes a fresh database on it. With
 * `ASSAY_TEST_DATABASE_URL` set, uses that server instead (unless `local` is asked for: fault
 * tests stop and restart the server). Otherwise runs `initdb` into a temporary directory and starts
 * the server on 127.0.0.1 with a free port and fsync off (about 1.5 s); `stop()` removes it all.
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user that the
 * Debian package creates.
 *
 * Throws, never skips, when PostgreSQL is not installed.
 *
 * @example
 * const server = await startPostgres();
 * afterAll(() => server.stop());
 * const store = await openPostgresStore({ url: await server.freshUrl() });
 */
export async function startPostgres(options?: { local?: false }): Promise<PostgresServer>;
export async function startPostgres(options: { local: true }): Promise<LocalPostgresServer>;
export async function startPostgres(options: { local?: boolean } = {}): Promise<PostgresServer> {
  const shared = process.env.ASSAY_TEST_DATABASE_URL;
  if (shared && !options.local) return useSharedServer(shared);
  return startLocalServer();
}

let nameCounter = 0;

/** A name unique across the processes of a test run (several files may share one server). */
function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${nameCounter++}`;
}

function freshUrlIn(databaseUrl: string): () => Promise<string> {
  return async () => {
    const schema = uniqueName('store');
    await withClient(databaseUrl, (client) => client.query(`CREATE SCHEMA ${schema}`));
    const url = new URL(databaseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return url.toString();
  };
}

/** Runs `work` on a fresh connection to `url`, closed afterwards (for tests that need raw SQL). */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function useSharedServer(adminUrl: string): Promise<PostgresServer> {
  const name = uniqueName('assay_test');
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(adminUrl, name);
  return {
    url,
    freshUrl: freshUrlIn(url),
    async stop() {
      await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Servers of this process still running, stopped if the process exits without `stop()`. */
const running = new Set<() => void>();
let exitHookInstalled = false;

async function startLocalServer(): Promise<LocalPostgresServer> {
  const bin = findPostgresBinaries();
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-pg-'));
  const dataDirectory = path.join(directory, 'data');
  const logFile = path.join(directory, 'server.log');
  const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (runAs) fs.chownSync(directory, runAs.uid, runAs.gid);

  const command = (program: string, args: string[]) => {
    const file = path.join(bin, program);
    return runAs ? { file: 'runuser', args: ['-u', 'postgres', '--', file, ...args] } : { file, args };
  };

  let port = 0;
  const start = async () => {
    const settings = [
      `-p ${port}`,
      `-k '${directory}'`,
      '-c listen_addresses=127.0.0.1',
      // Test data is thrown away: skip what only matters for surviving a power cut. Commits stay
      // synchronous (written to the OS before they are acknowledged), so that a server killed
      // with `shutdown('immediate')` keeps them, as a real one would.
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c shared_buffers=16MB',
    ].join(' ');
    // -w makes pg_ctl poll until the server accepts connections (or has failed to start).
    const started = command('pg_ctl', ['start', '-D', dataDirectory, '-l', logFile, '-w', '-t', '60', '-o', settings]);
    await run(started.file, started.args, () => readLog(logFile));
  };
  const stopServer = (mode: 'fast' | 'immediate') => {
    const stop = command('pg_ctl', ['stop', '-D', dataDirectory, '-m', mode, '-w', '-t', '60']);
    return run(stop.file, stop.args, () => readLog(logFile));
  };
  let stopped = false;
  const emergencyStop = () => {
    const stop = command('pg_ctl', ['stop', '-D', dataDirectory, '-m', 'immediate', '-w']);
    spawnSync(stop.file, stop.args, { stdio: 'ignore' });
    fs.rmSync(directory, { recursive: true, force: true });
  };

  try {
    const initdb = command('initdb', ['-D', dataDirectory, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C', '--no-instructions']);
    await run(initdb.file, initdb.args);
    // The port is free when asked for but could be taken before the server binds it: try another.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (error) {
        if (attempt >= 3 || !/could not bind|address already in use/i.test(readLog(logFile))) throw error;
      }
    }
  } catch (error) {
    emergencyStop();
    throw error;
  }

  running.add(emergencyStop);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const stop of running) stop();
    });
  }

  const name = uniqueName('assay_test');
  await withClient(`postgres://postgres@127.0.0.1:${port}/postgres`, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = `postgres://postgres@127.0.0.1:${port}/${name}`;

  return {
    port,
    url,
    freshUrl: freshUrlIn(url),
    shutdown: (mode = 'fast') => stopServer(mode),
    restart: start,
    async stop() {
      if (stopped) return;
      stopped = true;
      running.delete(emergencyStop);
      await stopServer('immediate').catch(() => {}); // it may already be down (shutdown())
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The directory holding `initdb` and `pg_ctl`: PATH first, then Debian's /usr/lib/postgresql/<version>/bin (newest first). */
export function findPostgresBinaries(searchPath = process.env.PATH ?? '', debianRoot = '/usr/lib/postgresql'): string {
  const candidates = searchPath.split(path.delimiter).filter(Boolean);
  if (fs.existsSync(debianRoot)) {
    const versions = fs
      .readdirSync(debianRoot)
      .filter((name) => /^\d+(\.\d+)?$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => path.join(debianRoot, version, 'bin')));
  }
  const found = candidates.find((directory) => isExecutable(path.join(directory, 'initdb')) && isExecutable(path.join(directory, 'pg_ctl')));
  if (found) return found;
  throw new Error(
    'PostgreSQL is not installed: no initdb and pg_ctl on PATH or in /usr/lib/postgresql/*/bin. ' +
      'The PostgreSQL store tests start a real server: install it with `apt-get install postgresql` ' +
      '(or set ASSAY_TEST_DATABASE_URL to a server on which the tests may create databases).',
  );
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function postgresUser(): { uid: number; gid: number } {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'Running as root, and PostgreSQL refuses to run as root, but there is no postgres user to run it as. ' +
        'Install PostgreSQL with `apt-get install postgresql` (which creates that user), or run the tests as another user.',
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** A port nothing listens on when asked: for a server to bind, or for a test of a database that is down. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function readLog(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function run(file: string, args: string[], details: () => string = () => ''): Promise<void> {
  return new Promise((resolve, reject) => {
    // stdout is ignored: pg_ctl's daemonised server would inherit the pipe and keep it open.
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${[file, ...args].join(' ')} exited with ${code}:\n${stderr}${details().split('\n').slice(-20).join('\n')}`));
    });
  });
}
