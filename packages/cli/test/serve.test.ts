import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRegistryStore } from '@assay/store';
import { binPath, makeProject, runCli } from './cli-harness.ts';

/** Starts `assay serve` as a child process and waits until it has printed `until`. */
async function serve(cwd: string, args: string[], until: RegExp) {
  const env: Record<string, string | undefined> = { ...process.env, ASSAY_DATABASE_URL: undefined, ASSAY_DATA_DIR: undefined };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [binPath, 'serve', ...args], { cwd, env: env as NodeJS.ProcessEnv });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (until.test(stdout)) resolve();
    });
    void exited.then(() => reject(new Error(`assay serve exited early:\n${stdout}\n${stderr}`)));
  });
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('assay serve', () => {
  it('prints its address and the one-time setup link, serves, and exits 0 on SIGTERM', async () => {
    await using project = makeProject({});
    const cwd = project.directory;
    const first = await serve(cwd, ['--port', '0'], /Press Ctrl-C to stop\./);
    const { stdout } = first.output();
    const url = /^Assay server on (http:\/\/127\.0\.0\.1:\d+) \(SQLite \.assay\/assay\.db\)$/m.exec(stdout)?.[1];
    expect(url, stdout).toBeTruthy();
    expect(stdout).toMatch(new RegExp(`Open this link once to create the first administrator \\(valid 24 hours\\):\\n {2}${url}/setup\\?token=[\\w-]+\\n`));
    expect(await (await fetch(`${url}/api/health`)).json()).toEqual({ status: 'ok', dialect: 'sqlite' });
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual([0, null]);
    expect(first.output().stderr).toContain('Stopping');

    // Once an administrator exists there is no setup link.
    const registry = await openRegistryStore({ sqlite: { file: path.join(cwd, '.assay', 'assay.db') } });
    await registry.createUser({ email: 'root@example.com', name: 'Root', password: 'a long enough password', isAdmin: true }, { actor: { type: 'system' } });
    await registry.close();
    const second = await serve(cwd, ['--port', '0'], /Press Ctrl-C to stop\./);
    expect(second.output().stdout).not.toContain('setup?token=');
    second.child.kill('SIGINT');
    expect(await second.exited).toEqual([0, null]);
  });

  it('--trust-proxy <hops> takes the address that many entries from the right of X-Forwarded-For', async () => {
    await using project = makeProject({});
    const cwd = project.directory;
    const running = await serve(cwd, ['--port', '0', '--trust-proxy', '2'], /Press Ctrl-C to stop\./);
    const url = /^Assay server on (\S+) /m.exec(running.output().stdout)![1]!;
    const login = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': 'forged, 203.0.113.9, 10.1.0.2' },
      body: JSON.stringify({ email: 'nobody@example.com', password: 'not the password' }),
    });
    expect(login.status).toBe(401);
    running.child.kill('SIGTERM');
    expect(await running.exited).toEqual([0, null]);
    const registry = await openRegistryStore({ sqlite: { file: path.join(cwd, '.assay', 'assay.db') } });
    const failed = await registry.listAuditEvents(null, { action: 'user.login-failed' });
    await registry.close();
    expect(failed.items.map((event) => event.ip)).toEqual(['203.0.113.9']);

    const zero = await runCli(['serve', '--trust-proxy', '0'], { cwd, env: { ASSAY_DATABASE_URL: undefined, ASSAY_DATA_DIR: undefined } });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--trust-proxy must be a positive whole number');
  });

  it('refuses a port in use with exit 2 and a hint', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await using project = makeProject({});
      const result = await runCli(['serve', '--port', String(port)], { cwd: project.directory, env: { ASSAY_DATABASE_URL: undefined, ASSAY_DATA_DIR: undefined } });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is in use\\.[\\s\\S]*--port`));
    } finally {
      blocker.close();
    }
  });

  it('retries a PostgreSQL database that is down, printing each attempt, then gives up clearly (no password shown)', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await using project = makeProject({});
    const result = await runCli(['serve', '--port', '0', '--connect-timeout', '1'], {
      cwd: project.directory,
      env: { ASSAY_DATABASE_URL: `postgres://assay:hunter2-secret@127.0.0.1:${port}/assay`, ASSAY_DATA_DIR: undefined },
    });
    expect(result.code).toBe(2);
    const retries = result.stderr.match(new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port}/assay is not reachable yet .*; retrying\\.`, 'g')) ?? [];
    const gaveUp = new RegExp(`Error: Cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}/assay: .*gave up after ([\\d.]+) s, (\\d+) attempts?`).exec(result.stderr);
    expect(gaveUp, result.stderr).not.toBeNull();
    // Behaviour, not timing (a loaded machine takes longer): it kept trying until the 1 s budget
    // was spent, printed one line per retry, and counted every attempt, the last one included.
    const [, seconds, attempts] = gaveUp!;
    expect(Number(seconds)).toBeGreaterThanOrEqual(1);
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(Number(attempts)).toBe(retries.length + 1);
    expect(result.stderr + result.stdout).not.toContain('hunter2');
  });
});
