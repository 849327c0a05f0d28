// The sandbox process: it runs the code of javascript assertions and transforms in QuickJS, an
// interpreter compiled to WebAssembly, so user code reaches only the objects QuickJS defines (no
// `process`, `require`, `import`, files, sockets or timers) and none of this process's. The host
// (javascript-sandbox.ts) starts it with Node's permission model (no file writes, reads only of
// this file and the QuickJS packages, no child processes, workers, addons or WASI) and an empty
// environment, so even an escape from QuickJS and WebAssembly finds no secret and no way out.
// Plain JavaScript with node builtins and QuickJS only: the process needs no TypeScript stripping.
//
// Protocol (see javascript-sandbox-protocol.ts): one JSON request per line on stdin, one JSON
// reply per line on stdout.
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core';
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { createInterface } from 'node:readline';

const timeoutMs = Number(process.argv[2]) || 1000;
const memoryMb = Number(process.argv[3]) || 256;
/** Past this much WebAssembly memory the process replies, announces it retires, and exits, giving the memory back. */
const retireAtBytes = 64 * 1024 * 1024;
const wasmPage = 64 * 1024;

// The WebAssembly memory's maximum is the hard memory limit: QuickJS's own malloc limit does not
// count allocations in this build (it lacks malloc_usable_size).
const wasmMemory = new WebAssembly.Memory({ initial: 256, maximum: (memoryMb * 1024 * 1024) / wasmPage });
const quickjs = await newQuickJSWASMModuleFromVariant(newVariant(releaseSync, { wasmMemory }));
const runtime = quickjs.newRuntime();
// Deep recursion ends in a QuickJS RangeError well before it reaches V8's own stack limit.
runtime.setMaxStackSize(256 * 1024);
let deadline = 0;
/** Set when the deadline stopped code: an interrupted promise job only rejects its promise, so its error is not seen. */
let interrupted = false;
runtime.setInterruptHandler(() => {
  if (Date.now() <= deadline) return false;
  interrupted = true;
  return true;
});

function startClock() {
  deadline = Date.now() + timeoutMs;
  interrupted = false;
}

// Evaluated in each context; returns the function a run calls. Input arrives only as a JSON string
// and the result leaves only as a JSON string built from primitives. Builtins are captured before
// user code runs, so code that patches `JSON`, `String.prototype` or `Object.prototype.toJSON`
// cannot make the runner throw or hand back something else.
const runnerSource = String.raw`(function (body, mode) {
  const userFunction = Function('output', 'vars', 'context', body);
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const apply = Reflect.apply;
  const isArray = Array.isArray;
  const isFinite = Number.isFinite;
  const stringSlice = String.prototype.slice;
  const promiseResolve = Promise.resolve;
  const promiseThen = Promise.prototype.then;
  const slice = (text, length) => apply(stringSlice, text, [0, length]);
  const number = (value) => (typeof value === 'number' && isFinite(value) ? stringify(value) : 'null');
  const text = (value, length) => (typeof value === 'string' ? stringify(slice(value, length)) : 'null');
  const describe = (value) => (value === null ? 'null' : isArray(value) ? 'an array' : typeof value);
  const isThenable = (value) => value !== null && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function';
  const transform = mode === 'transform';
  // promptfoo's example scripts log; there is nowhere to log to here, so console does nothing.
  if (typeof globalThis.console === 'undefined') {
    const quiet = () => undefined;
    globalThis.console = { log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet };
  }
  const finish = (result) => {
    if (transform) {
      // A transform's result becomes the output the assertion checks: a string as it is,
      // anything else as its JSON (serialised here, inside the context), read back as a value.
      if (typeof result === 'string') return '{"kind":"text","text":' + stringify(result) + '}';
      if (result === undefined || result === null || typeof result === 'function' || typeof result === 'symbol') return '{"kind":"other","type":' + stringify(describe(result)) + '}';
      const json = stringify(result);
      return typeof json === 'string' ? '{"kind":"value","json":' + stringify(json) + '}' : '{"kind":"other","type":' + stringify(describe(result)) + '}';
    }
    if (typeof result === 'boolean') return '{"kind":"boolean","pass":' + (result ? 'true' : 'false') + '}';
    if (typeof result === 'number') return '{"kind":"number","value":' + number(result) + '}';
    if (result !== null && typeof result === 'object' && !isArray(result)) {
      const pass = result.pass;
      const score = result.score;
      const reason = result.reason;
      return '{"kind":"object","pass":' + (typeof pass === 'boolean' ? (pass ? 'true' : 'false') : 'null') +
        ',"score":' + number(score) + ',"reason":' + text(reason, 500) + '}';
    }
    return '{"kind":"other","type":' + stringify(describe(result)) + '}';
  };
  const failure = (error) => {
    let message = 'unknown error';
    try {
      if (error !== null && typeof error === 'object') {
        const name = error.name;
        const detail = error.message;
        message = (typeof name === 'string' ? name + ': ' : '') + (typeof detail === 'string' ? detail : '');
      } else if (typeof error === 'string') {
        message = error;
      }
    } catch {}
    return '{"kind":"error","message":' + text(message, 300) + '}';
  };
  const pending = '{"kind":"pending"}';
  /** The answer of a returned promise, once it settles (the process runs the promise jobs, then asks again). */
  let settled = pending;
  return function run(input) {
    // Called without input: the answer of the last run's promise, or still pending.
    if (input === undefined) return settled;
    settled = pending;
    try {
      const data = parse(input);
      const result = apply(userFunction, undefined, [data.output, data.vars, data.context]);
      if (!isThenable(result)) return finish(result);
      const settle = (value) => {
        try {
          settled = finish(value);
        } catch (error) {
          settled = failure(error);
        }
      };
      apply(promiseThen, apply(promiseResolve, Promise, [result]), [settle, (error) => void (settled = failure(error))]);
      return pending;
    } catch (error) {
      return failure(error);
    }
  };
})`;

/**
 * @typedef {{ context: import('quickjs-emscripten-core').QuickJSContext, run: import('quickjs-emscripten-core').QuickJSHandle }} Compiled
 * @typedef {import('./javascript-sandbox-protocol.ts').SandboxReply} SandboxReply
 */

/** The code of every live assertion, by id: a context evicted below is compiled again from it. */
const sources = new Map();
/**
 * Compiled contexts by assertion id, least recently used first. Each costs memory inside the
 * WebAssembly heap, so only the most recent are kept.
 * @type {Map<number, Compiled>}
 */
const contexts = new Map();
const maxContexts = 200;

/** Set when the QuickJS runtime can no longer be trusted or holds too much memory. */
let retiring = false;

/** @param {import('quickjs-emscripten-core').QuickJSContext} context @param {import('quickjs-emscripten-core').QuickJSHandle} handle */
function describeError(context, handle) {
  try {
    const error = context.dump(handle);
    if (error && typeof error === 'object') return `${error.name ?? 'Error'}: ${error.message ?? ''}`;
    return String(error);
  } catch {
    return 'unknown error';
  } finally {
    handle.dispose();
  }
}

/** @returns {Compiled | SandboxReply} */
function compile(id) {
  const source = sources.get(id);
  if (!source) return { ok: false, error: 'missing', message: 'assertion code not found' };
  const context = runtime.newContext();
  startClock();
  const factory = context.evalCode(runnerSource, 'assay-javascript-runner.js');
  if (factory.error) {
    const message = describeError(context, factory.error);
    context.dispose();
    return { ok: false, error: 'crash', message };
  }
  const body = context.newString(source.body);
  const mode = context.newString(source.mode);
  const made = context.callFunction(factory.value, context.undefined, body, mode);
  factory.value.dispose();
  body.dispose();
  mode.dispose();
  if (made.error) {
    const message = describeError(context, made.error);
    context.dispose();
    return { ok: false, error: interrupted ? 'timeout' : 'syntax', message };
  }
  const compiled = { context, run: made.value };
  contexts.set(id, compiled);
  if (contexts.size > maxContexts) forget(contexts.keys().next().value);
  return compiled;
}

function forget(id) {
  const compiled = contexts.get(id);
  if (!compiled) return;
  contexts.delete(id);
  compiled.run.dispose();
  compiled.context.dispose();
}

/** @param {{ id: number, input: string }} item @returns {SandboxReply} */
function run(item) {
  let compiled = contexts.get(item.id);
  if (compiled) {
    // Most recently used last.
    contexts.delete(item.id);
    contexts.set(item.id, compiled);
  } else {
    const made = compile(item.id);
    if ('ok' in made) return made;
    compiled = made;
  }
  const { context } = compiled;
  startClock();
  const input = context.newString(item.input);
  const result = context.callFunction(compiled.run, context.undefined, input);
  input.dispose();
  // Promise jobs the code queued run now, inside the same deadline, not later on another run's time.
  const jobs = runtime.executePendingJobs();
  if (jobs.error) jobs.error.dispose();
  if (result.error) {
    const message = describeError(context, result.error);
    return { ok: false, error: interrupted ? 'timeout' : 'crash', message };
  }
  let raw = context.typeof(result.value) === 'string' ? context.getString(result.value) : undefined;
  result.value.dispose();
  if (raw === pendingReply && !interrupted) raw = collect(compiled);
  if (interrupted) return { ok: false, error: 'timeout', message: 'interrupted' };
  if (raw === undefined) return { ok: false, error: 'crash', message: 'no result' };
  return { ok: true, raw };
}

const pendingReply = '{"kind":"pending"}';

/** The answer of a promise the code returned, its jobs having run: asked of the runner again, without input. */
function collect(compiled) {
  const { context } = compiled;
  const settled = context.callFunction(compiled.run, context.undefined);
  if (settled.error) {
    settled.error.dispose();
    return undefined;
  }
  const raw = context.typeof(settled.value) === 'string' ? context.getString(settled.value) : undefined;
  settled.value.dispose();
  return raw;
}

/** @param {import('./javascript-sandbox-protocol.ts').SandboxRequest} request @returns {SandboxReply | undefined} */
function handle(request) {
  if (request.op === 'dispose') {
    sources.delete(request.id);
    forget(request.id);
    return undefined;
  }
  if (request.body !== undefined) {
    forget(request.id);
    sources.set(request.id, { body: request.body, mode: request.mode ?? 'check' });
  }
  try {
    return run(request);
  } catch (error) {
    // V8 itself gave up inside QuickJS (its stack overflowed in a deeply nested native call):
    // this runtime's state is unknown now, so the process answers and is replaced.
    retiring = true;
    return { ok: false, error: 'crash', message: error instanceof RangeError ? 'the code nested too deeply' : 'sandbox error' };
  }
}

let replies = '';
let flushedAt = Date.now();
let flushScheduled = false;

function flush() {
  flushScheduled = false;
  if (replies) process.stdout.write(replies);
  replies = '';
  flushedAt = Date.now();
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (retiring) return;
  const request = JSON.parse(line);
  const reply = handle(request);
  if (reply) replies += JSON.stringify({ sequence: request.sequence, reply }) + '\n';
  if (wasmMemory.buffer.byteLength > retireAtBytes) retiring = true;
  if (retiring) {
    replies += JSON.stringify({ retiring: true }) + '\n';
    flush();
    // stdout to a pipe is synchronous on Linux and macOS, so the replies are out.
    process.exit(0);
  }
  // Answers go out at least every 50 ms, so the host sees progress behind a slow run, and once
  // the lines that arrived together are done.
  if (Date.now() - flushedAt > 50) flush();
  else if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
});
// The host went away.
lines.on('close', () => process.exit(0));
process.stdout.write(JSON.stringify({ ready: true }) + '\n');
