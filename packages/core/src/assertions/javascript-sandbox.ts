import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { SandboxReply, SandboxRequest } from './javascript-sandbox-protocol.ts';

/** Wall-clock limit of one evaluation inside the sandbox (including promise jobs it queues). */
export const javascriptTimeoutMs = 1000;
/** Extra time the host waits before it gives up on the worker and replaces it. */
const hostMarginMs = 1000;
/** The first request also waits for the worker to boot. */
const bootTimeoutMs = 15_000;

interface SandboxThread {
  worker: Worker;
  port: MessagePort;
  /** [0]: the worker posted a reply; [1]: the host posted a request. */
  signal: Int32Array;
  booted: boolean;
}

interface PendingRun {
  sequence: number;
  id: number;
  input: string;
  handle: SandboxedFunction & { ensureCompiled(): SandboxReply; invalidate(): void };
  /** Set once the run was re-sent after its context had been evicted. */
  recompiled?: boolean;
  resolve(reply: SandboxReply): void;
}

let thread: SandboxThread | undefined;
let nextSequence = 0;
let nextId = 0;
/** Runs sent to the worker and not answered yet, in the order the worker will run them. */
const inFlight = new Map<number, PendingRun>();
/** Runs waiting for the next batch. */
let queued: PendingRun[] = [];
let flushScheduled = false;
let watchdog: NodeJS.Timeout | undefined;

function startThread(): SandboxThread {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(new URL('./javascript-sandbox-worker.js', import.meta.url), {
    workerData: { port: port2, signal },
    transferList: [port2],
    // A memory bomb in user code ends the worker, not the host.
    resourceLimits: { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 8 },
    stdout: true,
    stderr: true,
  });
  // The sandbox must never keep a finished run alive; the port is ref'd only while runs are pending.
  port1.on('message', (message: { sequence: number; reply: SandboxReply }) => settle(message.sequence, message.reply));
  // After `on('message')`, which refs the port.
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
  stopped.port.close();
  void stopped.worker.terminate();
}

function post(current: SandboxThread, message: unknown): void {
  current.port.postMessage(message);
  Atomics.store(current.signal, 1, 1);
  Atomics.notify(current.signal, 1);
}

/** An answer to an asynchronous run arrived (through the port's event or a synchronous drain). */
function settle(sequence: number, reply: SandboxReply): void {
  const run = inFlight.get(sequence);
  if (!run) return;
  inFlight.delete(sequence);
  if (thread) thread.booted = true;
  if (!reply.ok && reply.error === 'missing' && !run.recompiled) {
    // The worker evicted this assertion's context (it keeps the most recent ones): compile it again.
    run.recompiled = true;
    run.handle.invalidate();
    queued.push(run);
    scheduleFlush();
  } else run.resolve(reply);
  armWatchdog();
}

/** Sends one request and blocks until the worker answers or the deadline passes (compile, dispose). */
function call(request: SandboxRequest): SandboxReply {
  thread ??= startThread();
  const current = thread;
  const sequence = ++nextSequence;
  const deadline = Date.now() + (current.booted ? javascriptTimeoutMs + hostMarginMs : bootTimeoutMs);
  Atomics.store(current.signal, 0, 0);
  post(current, { sequence, request });
  for (;;) {
    let message;
    while ((message = receiveMessageOnPort(current.port))) {
      const envelope = message.message as { sequence: number; reply: SandboxReply };
      if (envelope.sequence === sequence) {
        current.booted = true;
        return envelope.reply;
      }
      // An answer to an asynchronous run that arrived while we wait here.
      settle(envelope.sequence, envelope.reply);
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      replaceThread(current);
      return { ok: false, error: 'timeout', message: '' };
    }
    Atomics.wait(current.signal, 0, 0, remaining);
    Atomics.store(current.signal, 0, 0);
  }
}

/**
 * The worker stopped answering: the oldest run in flight is the one stuck (the worker runs them
 * in order). It times out; every other run in flight is sent again to a fresh worker.
 */
function replaceThread(current: SandboxThread): void {
  stopThread(current);
  const runs = [...inFlight.values()].sort((a, b) => a.sequence - b.sequence);
  inFlight.clear();
  const [stuck, ...others] = runs;
  stuck?.resolve({ ok: false, error: 'timeout', message: '' });
  queued = [...others, ...queued];
  scheduleFlush();
}

function armWatchdog(): void {
  if (watchdog) clearTimeout(watchdog);
  watchdog = undefined;
  const current = thread;
  if (inFlight.size === 0 || !current) {
    current?.port.unref();
    return;
  }
  current.port.ref();
  watchdog = setTimeout(() => replaceThread(current), current.booted ? javascriptTimeoutMs + hostMarginMs : bootTimeoutMs);
  watchdog.unref();
}

function scheduleFlush(): void {
  if (flushScheduled || queued.length === 0) return;
  flushScheduled = true;
  // One message per turn of the event loop carries every run queued in it: posting and waking
  // the worker once per batch rather than once per run is what keeps this cheap.
  setImmediate(flush);
}

function flush(): void {
  flushScheduled = false;
  const batch = queued;
  queued = [];
  const items: { sequence: number; id: number; input: string }[] = [];
  for (const run of batch) {
    const ready = run.handle.ensureCompiled();
    if (!ready.ok) {
      run.resolve(ready);
      continue;
    }
    run.sequence = ++nextSequence;
    inFlight.set(run.sequence, run);
    items.push({ sequence: run.sequence, id: run.id, input: run.input });
  }
  if (items.length && thread) {
    post(thread, { sequence: 0, request: { op: 'runs', items } satisfies SandboxRequest });
    armWatchdog();
  }
}

const disposer = new FinalizationRegistry<number>((id) => {
  // Fire and forget: the worker's reply to sequence 0 is ignored.
  if (thread) post(thread, { sequence: 0, request: { op: 'dispose', id } satisfies SandboxRequest });
});

/** A javascript assertion's code, compiled into its own context in the sandbox thread. */
export interface SandboxedFunction {
  /** JSON input in, JSON result (see the worker's runner) or a failure out. */
  run(input: string): Promise<SandboxReply>;
}

/**
 * Compiles `code` (an expression or a function body over `output`, `vars`, `context`) into a
 * fresh context. In `transform` mode its result becomes text (see the worker). Returns a syntax
 * error message instead when it does not parse.
 */
export function compileSandboxed(code: string, mode: 'check' | 'transform' = 'check'): SandboxedFunction | { syntaxError: string } {
  const id = ++nextId;
  let compiledIn: SandboxThread | undefined;
  const ensureCompiled = (): SandboxReply => {
    if (compiledIn && compiledIn === thread) return { ok: true, raw: '' };
    const reply = call({ op: 'compile', id, code, mode });
    if (reply.ok) compiledIn = thread;
    return reply;
  };
  const first = ensureCompiled();
  if (!first.ok) {
    if (first.error === 'syntax') return { syntaxError: first.message };
    throw new Error(`javascript sandbox did not start (${first.error})`);
  }
  const handle = {
    ensureCompiled,
    invalidate: () => {
      compiledIn = undefined;
    },
    run(input: string): Promise<SandboxReply> {
      return new Promise<SandboxReply>((resolve) => {
        queued.push({ sequence: 0, id, input, handle, resolve });
        scheduleFlush();
      });
    },
  };
  disposer.register(handle, id);
  return handle;
}
