import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { SandboxReply, SandboxRequest } from './javascript-sandbox-worker.ts';

/** Wall-clock limit of one evaluation inside the sandbox (including promise jobs it queues). */
export const javascriptTimeoutMs = 1000;
/** The first request also waits for the worker to boot. */
const bootTimeoutMs = 15_000;

interface SandboxThread {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
  booted: boolean;
}

let thread: SandboxThread | undefined;
let nextSequence = 0;
let nextId = 0;

function startThread(): SandboxThread {
  const { port1, port2 } = new MessageChannel();
  // [0]: reply posted (set by the worker), [1]: request posted (set by the host).
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(new URL('./javascript-sandbox-worker.ts', import.meta.url), {
    workerData: { port: port2, signal },
    transferList: [port2],
    // A memory bomb in user code ends the worker, not the host.
    resourceLimits: { maxOldGenerationSizeMb: 1024 },
    stdout: true,
    stderr: true,
  });
  // The sandbox must never keep a finished run alive.
  worker.unref();
  port1.unref();
  const started: SandboxThread = { worker, port: port1, signal, booted: false };
  const forget = () => {
    if (thread === started) thread = undefined;
  };
  worker.on('error', forget);
  worker.on('exit', forget);
  return started;
}

function stopThread(stopped: SandboxThread): void {
  if (thread === stopped) thread = undefined;
  void stopped.worker.terminate();
}

/** Sends one request and blocks until the worker answers or the deadline passes. */
function call(request: SandboxRequest): SandboxReply {
  thread ??= startThread();
  const current = thread;
  const sequence = ++nextSequence;
  // The worker has no time limit of its own: past the deadline it is terminated and replaced.
  const deadline = Date.now() + (current.booted ? javascriptTimeoutMs : bootTimeoutMs);
  Atomics.store(current.signal, 0, 0);
  current.port.postMessage({ sequence, request });
  Atomics.store(current.signal, 1, 1);
  Atomics.notify(current.signal, 1);
  for (;;) {
    let message;
    while ((message = receiveMessageOnPort(current.port))) {
      const envelope = message.message as { sequence: number; reply: SandboxReply };
      if (envelope.sequence === sequence) {
        current.booted = true;
        return envelope.reply;
      }
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      stopThread(current);
      return { ok: false, error: 'timeout', message: '' };
    }
    Atomics.wait(current.signal, 0, 0, remaining);
    Atomics.store(current.signal, 0, 0);
  }
}

const disposer = new FinalizationRegistry<number>((id) => {
  // Fire and forget: the reply is skipped by `call` (its sequence matches nothing).
  // Delivered with the next request (the worker drains its port whenever it wakes).
  thread?.port.postMessage({ sequence: 0, request: { op: 'dispose', id } satisfies SandboxRequest });
});

/** A javascript assertion's code, compiled into its own context in the sandbox thread. */
export interface SandboxedFunction {
  /** JSON input in, JSON result (see the worker's runner) or a failure out. */
  run(input: string): SandboxReply;
}

/**
 * Compiles `code` (an expression or a function body over `output`, `vars`, `context`) into a
 * fresh context. Returns a syntax error message instead when it does not parse.
 */
export function compileSandboxed(code: string): SandboxedFunction | { syntaxError: string } {
  const id = ++nextId;
  let compiledIn: SandboxThread | undefined;
  const ensureCompiled = (): SandboxReply => {
    if (compiledIn && compiledIn === thread) return { ok: true, raw: '' };
    const reply = call({ op: 'compile', id, code });
    if (reply.ok) compiledIn = thread;
    return reply;
  };
  const first = ensureCompiled();
  if (!first.ok) {
    if (first.error === 'syntax') return { syntaxError: first.message };
    throw new Error(`javascript sandbox did not start (${first.error})`);
  }
  const handle: SandboxedFunction = {
    run(input) {
      // A timeout replaces the worker, and with it every context: compile again on demand.
      const ready = ensureCompiled();
      if (!ready.ok) return ready;
      return call({ op: 'run', id, input });
    },
  };
  disposer.register(handle, id);
  return handle;
}
