/** Lines between the host (javascript-sandbox.ts) and the sandbox process (javascript-sandbox-process.js). */
export type SandboxRequest =
  /**
   * Runs assertion `id` on `input` (JSON of output, vars and context). The first request for an id
   * in a process carries its code: `body` is a function body over `output`, `vars` and `context`;
   * `check` code returns a verdict, `transform` code returns the output an assertion then checks.
   */
  | { op: 'run'; sequence: number; id: number; input: string; body?: string; mode?: 'check' | 'transform' }
  | { op: 'dispose'; sequence: 0; id: number };

export type SandboxReply = { ok: true; raw: string } | { ok: false; error: 'syntax' | 'timeout' | 'missing' | 'crash'; message: string };

/**
 * What the process writes: a reply to one run, `ready` once it has started, or `retiring` when
 * it stops taking requests (its memory grew, or its runtime can no longer be trusted); every run
 * it did not answer is then sent again to a fresh process.
 */
export type SandboxLine = { sequence: number; reply: SandboxReply } | { ready: true } | { retiring: true };
