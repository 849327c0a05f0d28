import type { AssertionContext } from '../assertion-context.ts';
import { compileSandboxed, javascriptTimeoutMs } from './javascript-sandbox.ts';
import { clampScore, failed, passed, quote, unevaluable, type AssertionSpec, type Invalid, type MaybeAsyncCheck, type Outcome } from './outcome.ts';

/** What the sandbox runner reports (see `runnerSource` in javascript-sandbox-worker.js). */
type SandboxResult =
  | { kind: 'boolean'; pass: boolean }
  | { kind: 'number'; value: number | null }
  | { kind: 'object'; pass: boolean | null; score: number | null; reason: string | null }
  | { kind: 'other'; type: string }
  | { kind: 'error'; message: string };

/**
 * User code runs in a vm context of its own inside a shared worker thread, with no `require`,
 * `process`, `fetch` or string code generation, and a time limit. Input goes in and the result
 * comes out as JSON strings, so no host object is ever reachable from user code.
 */
export function compileJavascript(spec: AssertionSpec, invalid: Invalid): MaybeAsyncCheck {
  const code = spec.value;
  if (typeof code !== 'string' || code.trim() === '') {
    return invalid('value', 'javascript needs code as value', 'Use an expression such as `value: output.length < 200`, or a function body with `return`.');
  }
  const sandboxed = compileSandboxed(code);
  if ('syntaxError' in sandboxed) {
    return invalid('value', `javascript does not parse: ${sandboxed.syntaxError}`, 'Write one expression (`output.includes("x")`) or a function body that ends with `return`.');
  }
  const threshold = spec.threshold ?? 0.5;
  // The code itself says what was checked: `javascript returned false` alone does not.
  const shown = quote(code.replace(/\s+/g, ' ').trim(), 80);

  return (ctx) => {
    let input: string;
    try {
      input = JSON.stringify(sandboxInput(ctx));
    } catch (error) {
      return unevaluable(`javascript could not receive vars (they must be JSON-serializable): ${(error as Error).message}`);
    }
    return sandboxed.run(input).then((reply) => {
      if (!reply.ok) {
        return unevaluable(reply.error === 'timeout' ? `javascript timed out after ${javascriptTimeoutMs} ms` : `javascript could not run to completion (${reply.error})`);
      }
      try {
        return toOutcome(JSON.parse(reply.raw) as SandboxResult, threshold, shown);
      } catch {
        return unevaluable('javascript sandbox returned an unreadable result');
      }
    });
  };
}

export function sandboxInput(ctx: AssertionContext) {
  return {
    output: ctx.output,
    vars: ctx.vars,
    context: { latencyMs: ctx.latencyMs, usage: ctx.usage, cost: ctx.cost, toolCalls: ctx.toolCalls },
  };
}

function toOutcome(result: SandboxResult, threshold: number, code: string): Outcome {
  switch (result.kind) {
    case 'boolean':
      return result.pass ? passed(`javascript ${code} returned true`) : failed(`javascript ${code} returned false`);
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
