import { types } from 'node:util';
import vm from 'node:vm';
import type { AssertionContext } from '../assertion-context.ts';
import { clampScore, failed, passed, quote, unevaluable, type AssertionSpec, type Invalid, type Outcome, type SyncCheck } from './outcome.ts';

/** Wall-clock limit of one evaluation (including promise jobs the code queues). */
export const javascriptTimeoutMs = 1000;

const parameters = ['output', 'vars', 'context'];

// Runs inside the sandbox. It receives input only as a JSON string and hands back only a JSON
// string, so no host object (whose constructor chain leads to the host `Function` and `process`)
// ever crosses the boundary. Builtins are captured before user code runs and the result is built
// by concatenating primitives, so user code that patches `JSON`, `String.prototype` or
// `Object.prototype.toJSON` cannot make the runner throw or hand back something else.
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
  const run = (input) => {
    try {
      const data = parse(input);
      const result = apply(userFunction, undefined, [data.output, data.vars, data.context]);
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
  // A data property from the start, so user code cannot turn it into a setter the host would trigger.
  Object.defineProperty(globalThis, '__assayInput', { value: '', writable: true, configurable: false });
})();`;

const invokeScript = new vm.Script('__assayRun(__assayInput)', { filename: 'assay-javascript-assertion' });

type SandboxResult =
  | { kind: 'boolean'; pass: boolean }
  | { kind: 'number'; value: number | null }
  | { kind: 'object'; pass: boolean | null; score: number | null; reason: string | null }
  | { kind: 'other'; type: string }
  | { kind: 'error'; message: string };

export function compileJavascript(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  const code = spec.value;
  if (typeof code !== 'string' || code.trim() === '') {
    return invalid('value', 'javascript needs code as value', 'Use an expression such as `value: output.length < 200`, or a function body with `return`.');
  }
  const context = vm.createContext(Object.create(null), {
    name: 'assay javascript assertion',
    codeGeneration: { strings: false, wasm: false },
    // Promise jobs the code queues run inside the timeout, not later on the host's queue.
    microtaskMode: 'afterEvaluate',
  });
  const userFunction = compileUserCode(code, context, invalid);
  Object.defineProperty(context, '__assayUser', { value: userFunction, writable: false, configurable: false });
  new vm.Script(runnerSource, { filename: 'assay-javascript-runner' }).runInContext(context, { timeout: javascriptTimeoutMs });
  const sandbox = context as Record<string, unknown>;
  const threshold = spec.threshold ?? 0.5;

  return (ctx) => {
    let input: string;
    try {
      input = JSON.stringify(sandboxInput(ctx));
    } catch (error) {
      return unevaluable(`javascript could not receive vars (they must be JSON-serializable): ${(error as Error).message}`);
    }
    let raw: unknown;
    try {
      sandbox.__assayInput = input;
      raw = invokeScript.runInContext(sandbox, { timeout: javascriptTimeoutMs });
      sandbox.__assayInput = '';
    } catch (error) {
      // Timeouts land here; errors of the user's code are caught inside the sandbox. The error is
      // inspected without property reads, which could run sandbox getters outside the timeout.
      return unevaluable(isTimeout(error) ? `javascript timed out after ${javascriptTimeoutMs} ms` : 'javascript could not run to completion');
    }
    if (typeof raw !== 'string') return unevaluable('javascript sandbox returned no result');
    try {
      return toOutcome(JSON.parse(raw) as SandboxResult, threshold);
    } catch {
      return unevaluable('javascript sandbox returned an unreadable result');
    }
  };
}

function isTimeout(error: unknown): boolean {
  if (!types.isNativeError(error)) return false;
  return Object.getOwnPropertyDescriptor(error, 'code')?.value === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

function sandboxInput(ctx: AssertionContext) {
  return {
    output: ctx.output,
    vars: ctx.vars,
    context: { latencyMs: ctx.latencyMs, usage: ctx.usage, cost: ctx.cost, toolCalls: ctx.toolCalls },
  };
}

/** An expression (`output.length < 10`) or a function body (`const n = ...; return n > 2`). */
function compileUserCode(code: string, context: vm.Context, invalid: Invalid): Function {
  const compile = (body: string) => vm.compileFunction(body, parameters, { parsingContext: context, filename: 'assertion.js' });
  try {
    return compile(`return (\n${code}\n);`);
  } catch (expressionError) {
    try {
      return compile(code);
    } catch (bodyError) {
      const error = /\breturn\b/.test(code) ? bodyError : expressionError;
      return invalid('value', `javascript does not parse: ${(error as Error).message}`, 'Write one expression (`output.includes("x")`) or a function body that ends with `return`.');
    }
  }
}

function toOutcome(result: SandboxResult, threshold: number): Outcome {
  switch (result.kind) {
    case 'boolean':
      return result.pass ? passed('javascript returned true') : failed('javascript returned false');
    case 'number': {
      if (result.value === null) return failed('javascript returned a number that is not finite');
      const score = clampScore(result.value);
      return result.value >= threshold
        ? passed(`javascript score ${result.value} >= ${threshold}`, score)
        : failed(`javascript score ${result.value} < ${threshold}`, score);
    }
    case 'object': {
      if (result.pass === null && result.score === null) {
        return failed('javascript returned an object without a boolean `pass` or numeric `score`');
      }
      const pass = result.pass ?? (result.score as number) >= threshold;
      const score = clampScore(result.score ?? (pass ? 1 : 0));
      const reason = result.reason ?? `javascript returned ${pass ? 'pass' : 'fail'} (score ${score})`;
      return { pass, score, reason };
    }
    case 'other':
      return failed(`javascript returned ${result.type}; expected a boolean, a number or { pass, score, reason }${result.type === 'undefined' ? ' (missing `return`?)' : ''}`);
    case 'error':
      return unevaluable(`javascript threw ${quote(result.message, 200)}`);
  }
}
