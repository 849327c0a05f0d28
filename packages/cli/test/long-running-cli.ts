import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { binPath } from './cli-harness.ts';

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code and signal. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** Waits until stdout (or stderr) has printed a match of `pattern` after `from` characters; rejects if the process exits first. */
  waitFor(pattern: RegExp, options?: { from?: number; stream?: 'stdout' | 'stderr' }): Promise<RegExpExecArray>;
  stdout(): string;
  stderr(): string;
}

/**
 * Starts a command that keeps running (`assay view`, `assay eval --watch`) as a child process of
 * the real binary; tests synchronise on the lines it prints, never on time.
 */
export function startCli(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): RunningCli {
  const env: Record<string, string | undefined> = {
    ...process.env,
    OPENAI_API_KEY: undefined,
    OPENAI_BASE_URL: undefined,
    ANTHROPIC_API_KEY: undefined,
    ASSAY_DATABASE_URL: undefined,
    ASSAY_DATA_DIR: undefined,
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child = spawn(process.execPath, [binPath, ...args], { cwd: options.cwd, env: env as NodeJS.ProcessEnv });
  const text = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  let done = false;
  void exited.then(() => {
    done = true;
    for (const listener of listeners) listener();
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].on('data', (chunk) => {
      text[stream] += chunk;
      for (const listener of listeners) listener();
    });
  }
  return {
    child,
    exited,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    waitFor(pattern, { from = 0, stream = 'stdout' } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(text[stream].slice(from));
          if (match) {
            listeners.delete(check);
            resolve(match);
          } else if (done) {
            listeners.delete(check);
            reject(new Error(`assay ${args.join(' ')} exited before printing ${pattern}:\n--- stdout\n${text.stdout}\n--- stderr\n${text.stderr}`));
          }
        };
        listeners.add(check);
        check();
      });
    },
  };
}
