import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '@assay/store';

export const binPath = fileURLToPath(new URL('../bin/assay.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `assay` binary in a child process (the same Node that runs the tests). */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, ANTHROPIC_API_KEY: undefined, ...options.env };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const child = spawn(process.execPath, [binPath, ...args], { cwd: options.cwd, env: env as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A temporary project folder, removed on dispose (`await using project = makeProject({...})`). */
export function makeProject(files: Record<string, string>): { directory: string; [Symbol.asyncDispose](): Promise<void> } {
  const directory = mkdtempSync(path.join(tmpdir(), 'assay-cli-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(directory, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return {
    directory,
    async [Symbol.asyncDispose]() {
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export const simplePrompt = `---
model: openai/gpt-4o-mini
---
{{role "user"}}
Say hello to {{name}}.
`;

/**
 * Waits until `until` finds what it looks for in the SQLite store at `dataDirectory`, polling the
 * store a child process writes to (a condition, not a sleep: WAL lets us read while it writes).
 */
export async function waitForStore<T>(dataDirectory: string, until: (store: ReturnType<typeof openSqliteStore>) => Promise<T | undefined>): Promise<T> {
  for (;;) {
    try {
      const store = openSqliteStore({ directory: dataDirectory });
      try {
        const found = await until(store);
        if (found !== undefined) return found;
      } finally {
        await store.close();
      }
    } catch {
      // the database may not exist yet
    }
    // Poll again shortly (the condition above is the synchronisation; this only paces the polling).
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until the newest run in the store at `dataDirectory` has at least `minimum` results. */
export function waitForStoredResults(dataDirectory: string, minimum: number): Promise<{ runId: string; stored: number }> {
  return waitForStore(dataDirectory, async (store) => {
    const [run] = await store.listRuns({ limit: 1 });
    if (!run) return undefined;
    const stored = await store.countResults(run.id);
    return stored >= minimum ? { runId: run.id, stored } : undefined;
  });
}
