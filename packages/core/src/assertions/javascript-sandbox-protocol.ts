/** Messages between the host (javascript-sandbox.ts) and the sandbox worker (javascript-sandbox-worker.js). */
export type SandboxRequest =
  /** `check` code returns a verdict; `transform` code returns the output an assertion then checks. */
  | { op: 'compile'; id: number; code: string; mode?: 'check' | 'transform' }
  | { op: 'run'; id: number; input: string }
  /** A batch of runs; each is answered on its own, under its own sequence number. */
  | { op: 'runs'; items: { sequence: number; id: number; input: string }[] }
  | { op: 'dispose'; id: number };

export type SandboxReply = { ok: true; raw: string } | { ok: false; error: 'syntax' | 'timeout' | 'missing' | 'crash'; message: string };
