import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { checkJavascript } from './javascript-code-check.ts';
import type { SandboxLine, SandboxReply, SandboxRequest } from './javascript-sandbox-protocol.ts';

/** Wall-clock limit of one evaluation inside the sandbox (including promise jobs it queues). */
export const javascriptTimeoutMs = 1000;
/** Memory the sandbox's code may use in all (the WebAssembly heap of the sandbox process). */
export const javascriptMemoryMb = 256;
/** Extra time the host waits for any answer before it gives up on the process and replaces it. */
const hostMarginMs = 1000;
/** The first answer also waits for the process to start. */
const bootTimeoutMs = 15_000;

const processScript = fileURLToPath(new URL('./javascript-sandbox-process.js', import.meta.url));

/**
 * How the sandbox process starts: it may read its own script and the QuickJS packages, nothing
 * else; no writes, child processes, workers, addons or WASI (Node's permission model; from Node
 * 25 the model also denies the network), no code from strings in its own realm, and no
 * environment. Exported for the test that checks these limits with a script of its own.
 */
export function sandboxCommand(script = processScript): { command: string; args: string[]; options: { env: Record<string, string>; cwd: string } } {
  const core = packageRoot('quickjs-emscripten-core', import.meta.url);
  const readable = [script, core, packageRoot('@jitl/quickjs-wasmfile-release-sync', import.meta.url), packageRoot('@jitl/quickjs-ffi-types', join(core, 'package.json'))];
  const args = [
    // Node 22 before 22.13 knows the permission model only by its experimental name.
    process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission',
    ...readable.map((path) => `--allow-fs-read=${path}`),
    '--disallow-code-generation-from-strings',
    '--max-old-space-size=64',
    script,
    String(javascriptTimeoutMs),
    String(javascriptMemoryMb),
  ];
  return { command: process.execPath, args, options: { env: {}, cwd: dirname(script) } };
}

/** The folder of package `name` as resolved from `from` (its entry file is in it, under `node_modules/<name>/`). */
function packageRoot(name: string, from: string): string {
  const entry = createRequire(from).resolve(name);
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const at = entry.lastIndexOf(marker);
  return at === -1 ? dirname(entry) : entry.slice(0, at + marker.length - 1);
}

interface SandboxProcess {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  booted: boolean;
  /** It said it takes no more requests; its unanswered runs go to the next process. */
  retiring: boolean;
  /** The host killed it because no answer came in time. */
  killedForTimeout: boolean;
  /** The end of its stderr, to say why it failed to start. */
  stderr: string;
}

interface PendingRun {
  sequence: number;
  id: number;
  input: string;
  handle: Handle;
  /** The process it was sent to. */
  sandbox?: SandboxProcess;
  resolve(reply: SandboxReply): void;
}

interface Handle extends SandboxedFunction {
  body: string;
  mode: 'check' | 'transform';
  /** The process that has this code; a request to any other carries it. */
  sentTo?: SandboxProcess;
}

let current: SandboxProcess | undefined;
let nextSequence = 0;
let nextId = 0;
/** Runs sent and not answered yet, in the order the process runs them. */
const inFlight = new Map<number, PendingRun>();
/** Runs waiting for the next batch. */
let queued: PendingRun[] = [];
let flushScheduled = false;
let watchdog: NodeJS.Timeout | undefined;

function startProcess(): SandboxProcess {
  const { command, args, options } = sandboxCommand();
  const child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
  const started: SandboxProcess = { child, booted: false, retiring: false, killedForTimeout: false, stderr: '' };
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => receive(started, line));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    started.stderr = (started.stderr + chunk).slice(-2000);
  });
  // A write to a process that just ended fails; its runs are handled by 'exit'.
  child.stdin.on('error', () => {});
  child.on('error', (error) => {
    started.stderr += `\n${error.message}`;
  });
  child.on('exit', () => ended(started));
  // The sandbox must never keep a finished run alive: it is ref'd only while runs are pending.
  child.unref();
  unrefStreams(started);
  return started;
}

function unrefStreams(sandbox: SandboxProcess): void {
  for (const stream of [sandbox.child.stdin, sandbox.child.stdout, sandbox.child.stderr] as unknown as { unref?(): void }[]) stream.unref?.();
}

function refStreams(sandbox: SandboxProcess): void {
  (sandbox.child.stdout as unknown as { ref?(): void }).ref?.();
}

function receive(sandbox: SandboxProcess, line: string): void {
  let message: SandboxLine;
  try {
    message = JSON.parse(line) as SandboxLine;
  } catch {
    return;
  }
  sandbox.booted = true;
  if ('retiring' in message) {
    sandbox.retiring = true;
    if (current === sandbox) current = undefined;
    // Its unanswered runs wait for its exit: the host must not end before that.
    if (inFlight.size) sandbox.child.ref();
  } else if ('sequence' in message) settle(message.sequence, message.reply);
  armWatchdog();
}

function settle(sequence: number, reply: SandboxReply): void {
  const run = inFlight.get(sequence);
  if (!run) return;
  inFlight.delete(sequence);
  run.resolve(reply);
}

/**
 * The process ended. When it announced that, every run it did not answer goes to a fresh one.
 * When it did not, the oldest run in flight (it runs them in order) is the one that killed it.
 */
function ended(sandbox: SandboxProcess): void {
  if (current === sandbox) current = undefined;
  const runs = [...inFlight.values()].filter((run) => run.sandbox === sandbox).sort((a, b) => a.sequence - b.sequence);
  for (const run of runs) inFlight.delete(run.sequence);
  if (!sandbox.retiring) {
    const culprit = runs.shift();
    const why = sandbox.booted ? 'the sandbox process ended' : `the sandbox process did not start${sandbox.stderr.trim() ? `: ${sandbox.stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`;
    culprit?.resolve({ ok: false, error: sandbox.killedForTimeout ? 'timeout' : 'crash', message: why });
    // Nothing else would be answered by a process that cannot start.
    if (!sandbox.booted) for (const run of runs.splice(0)) run.resolve({ ok: false, error: 'crash', message: why });
  }
  queued = [...runs, ...queued];
  armWatchdog();
  scheduleFlush();
}

/** No answer came in time: the run the process is on is stuck past its own deadline. */
function replaceProcess(sandbox: SandboxProcess): void {
  sandbox.killedForTimeout = true;
  if (current === sandbox) current = undefined;
  // Its runs are settled on its exit: the host must not end before that.
  sandbox.child.ref();
  sandbox.child.kill('SIGKILL');
}

function armWatchdog(): void {
  if (watchdog) clearTimeout(watchdog);
  watchdog = undefined;
  const sandbox = current;
  if (inFlight.size === 0 || !sandbox) {
    if (sandbox) unrefStreams(sandbox);
    return;
  }
  refStreams(sandbox);
  watchdog = setTimeout(() => replaceProcess(sandbox), sandbox.booted ? javascriptTimeoutMs + hostMarginMs : bootTimeoutMs);
  watchdog.unref();
}

function scheduleFlush(): void {
  if (flushScheduled || queued.length === 0) return;
  flushScheduled = true;
  // Every run queued in one turn of the event loop goes out in one write.
  setImmediate(flush);
}

function flush(): void {
  flushScheduled = false;
  if (queued.length === 0) return;
  const batch = queued;
  queued = [];
  let sandbox: SandboxProcess;
  try {
    sandbox = current ??= startProcess();
  } catch (error) {
    for (const run of batch) run.resolve({ ok: false, error: 'crash', message: `the sandbox process did not start: ${(error as Error).message}` });
    return;
  }
  let lines = '';
  for (const run of batch) {
    run.sequence = ++nextSequence;
    run.sandbox = sandbox;
    inFlight.set(run.sequence, run);
    const request: SandboxRequest = { op: 'run', sequence: run.sequence, id: run.id, input: run.input };
    if (run.handle.sentTo !== sandbox) {
      request.body = run.handle.body;
      request.mode = run.handle.mode;
      run.handle.sentTo = sandbox;
    }
    lines += JSON.stringify(request) + '\n';
  }
  sandbox.child.stdin.write(lines);
  armWatchdog();
}

/**
 * Ends the sandbox process once it has answered every run sent to it, and waits for it to exit
 * (so it is reaped, and its CPU time counts as its parent's). A later run starts a new one.
 */
export async function stopSandbox(): Promise<void> {
  const sandbox = current;
  if (!sandbox) return;
  current = undefined;
  if (sandbox.child.exitCode !== null || sandbox.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => sandbox.child.once('exit', () => resolve()));
  sandbox.child.stdin.end();
  const killer = setTimeout(() => sandbox.child.kill('SIGKILL'), bootTimeoutMs);
  await exited;
  clearTimeout(killer);
}

const disposer = new FinalizationRegistry<number>((id) => {
  if (current?.booted) current.child.stdin.write(JSON.stringify({ op: 'dispose', sequence: 0, id } satisfies SandboxRequest) + '\n');
});

/** A javascript assertion's code, checked on the host and run in the sandbox process. */
export interface SandboxedFunction {
  /** JSON input in, JSON result (see the process's runner) or a failure out. */
  run(input: string): Promise<SandboxReply>;
}

/**
 * Checks `code` (an expression or a function body over `output`, `vars`, `context`) and returns
 * a function that runs it in the sandbox, in a context of its own. In `transform` mode its result
 * becomes text (see the process's runner). Returns the problem instead (`does not parse: …`,
 * `cannot use \`import()\`: …`) when the code cannot run there.
 */
export function compileSandboxed(code: string, mode: 'check' | 'transform' = 'check'): SandboxedFunction | { problem: string } {
  const checked = checkJavascript(code);
  if ('problem' in checked) return checked;
  const id = ++nextId;
  const handle: Handle = {
    body: checked.body,
    mode,
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
