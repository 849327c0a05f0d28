// Worker thread that owns the vm contexts of javascript assertions. Keeping them off the main
// thread means promises user code rejects (an `async` function that throws, `import()`) are this
// thread's unhandled rejections, not the host's, and a runaway context can be killed with the
// worker. Only node builtins are imported, and it is plain JavaScript: the worker then needs
// no TypeScript stripping, which saves it ~17 MB of memory.
import vm from 'node:vm';
import { receiveMessageOnPort, workerData } from 'node:worker_threads';

// signal[0]: set by this thread when a reply is posted; signal[1]: set by the host when a request is posted.
/** @type {{ port: import('node:worker_threads').MessagePort, signal: Int32Array }} */
const { port, signal } = workerData;

// Rejected promises of user code are expected; they must not end the worker. (The loop below
// seldom yields to the event loop, so this is a safety net.)
process.on('unhandledRejection', () => {});

const parameters = ['output', 'vars', 'context'];

// Runs inside each context. It receives input only as a JSON string and hands back only a JSON
// string, so no object of this thread (whose constructor chain leads to `Function` and
// `process`) crosses the boundary. Builtins are captured before user code runs and the result
// is built by concatenating primitives, so user code that patches `JSON`, `String.prototype`
// or `Object.prototype.toJSON` cannot make the runner throw or hand back something else.
const runnerSource = String.raw`(() => {
  const userFunction = globalThis.__assayUser;
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const apply = Reflect.apply;
  const isArray = Array.isArray;
  const isFinite = Number.isFinite;
  const stringSlice = String.prototype.slice;
  const slice = (text, length) => apply(stringSlice, text, [0, length]);
  const number = (value) => (typeof value === 'number' && isFinite(value) ? stringify(value) : 'null');
  const text = (value, length) => (typeof value === 'string' ? stringify(slice(value, length)) : 'null');
  const describe = (value) => (value === null ? 'null' : isArray(value) ? 'an array' : typeof value);
  const transform = globalThis.__assayMode === 'transform';
  const run = (input) => {
    try {
      const data = parse(input);
      const result = apply(userFunction, undefined, [data.output, data.vars, data.context]);
      if (transform) {
        // A transform's result becomes the output the assertion checks: a string as it is,
        // anything else as its JSON text (serialised here, inside the context).
        if (typeof result === 'string') return '{"kind":"text","text":' + stringify(result) + '}';
        if (result === undefined || typeof result === 'function' || typeof result === 'symbol') return '{"kind":"other","type":' + stringify(typeof result) + '}';
        if (result !== null && typeof result === 'object' && typeof result.then === 'function') return '{"kind":"other","type":"a Promise"}';
        const json = stringify(result);
        return typeof json === 'string' ? '{"kind":"text","text":' + stringify(json) + '}' : '{"kind":"other","type":' + stringify(describe(result)) + '}';
      }
      if (typeof result === 'boolean') return '{"kind":"boolean","pass":' + (result ? 'true' : 'false') + '}';
      if (typeof result === 'number') return '{"kind":"number","value":' + number(result) + '}';
      if (result !== null && typeof result === 'object' && !isArray(result)) {
        if (typeof result.then === 'function') return '{"kind":"other","type":"a Promise"}';
        const pass = result.pass;
        const score = result.score;
        const reason = result.reason;
        return '{"kind":"object","pass":' + (typeof pass === 'boolean' ? (pass ? 'true' : 'false') : 'null') +
          ',"score":' + number(score) + ',"reason":' + text(reason, 500) + '}';
      }
      return '{"kind":"other","type":' + stringify(describe(result)) + '}';
    } catch (error) {
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
    }
  };
  Object.defineProperty(globalThis, '__assayRun', { value: run, writable: false, configurable: false });
  // A data property from the start, so user code cannot turn it into a setter this thread would trigger.
  Object.defineProperty(globalThis, '__assayInput', { value: '', writable: true, configurable: false });
})();`;

const runnerScript = new vm.Script(runnerSource, { filename: 'assay-javascript-runner' });
const invokeScript = new vm.Script('__assayRun(__assayInput)', { filename: 'assay-javascript-assertion' });
/**
 * Compiled contexts by assertion id, least recently used first. Each costs ~250 KB, so only the
 * most recent are kept; the host recompiles an evicted one when its next run reports 'missing'.
 * @type {Map<number, Record<string, unknown>>}
 */
const contexts = new Map();
const maxContexts = 200;

/**
 * @param {string} code
 * @param {'check' | 'transform'} mode
 * @returns {Record<string, unknown> | { syntaxError: string }}
 */
function compile(code, mode) {
  const context = vm.createContext(Object.create(null), {
    name: 'assay javascript assertion',
    codeGeneration: { strings: false, wasm: false },
    // Promise jobs the code queues run inside the timeout, not later on the thread's queue.
    microtaskMode: 'afterEvaluate',
  });
  const compileBody = (/** @type {string} */ body) => vm.compileFunction(body, parameters, { parsingContext: context, filename: 'assertion.js' });
  let userFunction;
  // An expression (`output.length < 10`) first, then a function body (`const n = ...; return n > 2`).
  try {
    userFunction = compileBody(`return (\n${code}\n);`);
  } catch (expressionError) {
    try {
      userFunction = compileBody(code);
    } catch (bodyError) {
      const error = /\breturn\b/.test(code) ? bodyError : expressionError;
      return { syntaxError: error instanceof Error ? error.message : String(error) };
    }
  }
  Object.defineProperty(context, '__assayUser', { value: userFunction, writable: false, configurable: false });
  Object.defineProperty(context, '__assayMode', { value: mode, writable: false, configurable: false });
  runnerScript.runInContext(context);
  return context;
}

/**
 * @param {import('./javascript-sandbox-protocol.ts').SandboxRequest} request
 * @returns {import('./javascript-sandbox-protocol.ts').SandboxReply}
 */
function handle(request) {
  if (request.op === 'dispose') {
    contexts.delete(request.id);
    return { ok: true, raw: '' };
  }
  if (request.op === 'compile') {
    const compiled = compile(request.code, request.mode ?? 'check');
    if ('syntaxError' in compiled) return { ok: false, error: 'syntax', message: String(compiled.syntaxError) };
    contexts.set(request.id, compiled);
    if (contexts.size > maxContexts) contexts.delete(contexts.keys().next().value);
    return { ok: true, raw: '' };
  }
  if (request.op === 'runs') return { ok: true, raw: '' };
  const context = contexts.get(request.id);
  if (!context) return { ok: false, error: 'missing', message: 'context not found' };
  // Most recently used last.
  contexts.delete(request.id);
  contexts.set(request.id, context);
  try {
    context.__assayInput = request.input;
    // No vm `timeout`: its watchdog thread costs ~0.35 ms per call. The host enforces the time
    // limit by terminating this worker.
    const raw = invokeScript.runInContext(context);
    context.__assayInput = '';
    // typeof reads no property, so it cannot run user code.
    if (typeof raw !== 'string') return { ok: false, error: 'crash', message: 'no result' };
    return { ok: true, raw };
  } catch {
    // Errors of user code are caught inside the context. The error is not inspected: reading it
    // could run user getters.
    return { ok: false, error: 'crash', message: 'could not run to completion' };
  }
}

// The loop blocks on Atomics.wait rather than the event loop: waking a futex is far cheaper than
// a message-port wake-up, and evaluation is a synchronous round trip for the host.
for (;;) {
  Atomics.wait(signal, 1, 0);
  Atomics.store(signal, 1, 0);
  let message;
  while ((message = receiveMessageOnPort(port))) {
    const { sequence, request } = message.message;
    if (request.op === 'runs') {
      for (const item of request.items) {
        let itemReply;
        try {
          itemReply = handle({ op: 'run', id: item.id, input: item.input });
        } catch {
          itemReply = { ok: false, error: 'crash', message: 'sandbox error' };
        }
        port.postMessage({ sequence: item.sequence, reply: itemReply });
      }
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
      continue;
    }
    let reply;
    try {
      reply = handle(request);
    } catch {
      reply = { ok: false, error: 'crash', message: 'sandbox error' };
    }
    port.postMessage({ sequence, reply });
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  }
}
