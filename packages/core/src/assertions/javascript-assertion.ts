import type { AssertionContext } from '../assertion-context.ts';
import { compileSandboxed, javascriptTimeoutMs } from './javascript-sandbox.ts';
import type { SandboxReply } from './javascript-sandbox-protocol.ts';
import { clampScore, failed, passed, quote, unevaluable, type AssertionSpec, type Invalid, type MaybeAsyncCheck, type Outcome } from './outcome.ts';

/** What the sandbox runner reports (see `runnerSource` in javascript-sandbox-process.js). */
type SandboxResult =
  | { kind: 'boolean'; pass: boolean }
  | { kind: 'number'; value: number | null }
  | { kind: 'object'; pass: boolean | null; score: number | null; reason: string | null }
  | { kind: 'other'; type: string }
  | { kind: 'pending' }
  | { kind: 'error'; message: string };

/**
 * User code runs in QuickJS (WebAssembly) in a context of its own, inside a separate process
 * with no environment and Node's permission model, under a time and a memory limit (see
 * javascript-sandbox.ts). Input goes in and the result comes out as JSON strings: no object of
 * any Node realm is ever reachable from user code.
 */
export function compileJavascript(spec: AssertionSpec, invalid: Invalid): MaybeAsyncCheck {
  const code = spec.value;
  if (typeof code !== 'string' || code.trim() === '') {
    return invalid('value', 'javascript needs code as value', 'Use an expression such as `value: output.length < 200`, or statements whose last one gives the result.');
  }
  const sandboxed = compileSandboxed(code);
  if ('problem' in sandboxed) {
    return invalid('value', `javascript ${sandboxed.problem}`, 'Write one expression (`output.includes("x")`), or statements ending in an expression or a `return`.');
  }
  const threshold = spec.threshold;
  // The code itself says what was checked: `javascript returned false` alone does not.
  const shown = quote(code.replace(/\s+/g, ' ').trim(), 80);

  return (ctx) => {
    let input: string;
    try {
      input = JSON.stringify(sandboxInput(ctx, 'check'));
    } catch (error) {
      return unevaluable(`javascript could not receive vars (they must be JSON-serializable): ${(error as Error).message}`);
    }
    return sandboxed.run(input).then((reply) => {
      if (!reply.ok) {
        return unevaluable(sandboxFailure('javascript', reply));
      }
      try {
        return toOutcome(JSON.parse(reply.raw) as SandboxResult, threshold, shown);
      } catch {
        return unevaluable('javascript sandbox returned an unreadable result');
      }
    });
  };
}

/** Why the sandbox gave no result, in words (`javascript timed out after 1000 ms`). */
export function sandboxFailure(what: string, reply: SandboxReply & { ok: false }): string {
  if (reply.error === 'timeout') return `${what} timed out after ${javascriptTimeoutMs} ms`;
  if (reply.error === 'syntax') return `${what} does not parse in the sandbox: ${quote(reply.message, 200)}`;
  return `${what} could not run to completion (${reply.error}${reply.message ? `: ${quote(reply.message, 200)}` : ''})`;
}

/**
 * What the code sees, as promptfoo passes it: `output` (the value a transform returned, else the
 * text), and `context` with `vars`, `prompt` and `test`; for an assertion `prompt` is the rendered
 * prompt, for a transform `{ id, display }`. Assay adds `vars` as a parameter of its own and the
 * response's `latencyMs`, `usage`, `cost` and `toolCalls` in `context`.
 */
export function sandboxInput(ctx: AssertionContext, mode: 'check' | 'transform') {
  const test = { ...ctx.test, vars: ctx.vars };
  return {
    output: ctx.transformed === undefined ? ctx.output : ctx.transformed,
    vars: ctx.vars,
    context: {
      vars: ctx.vars,
      prompt: mode === 'check' ? ctx.prompt.text : { id: ctx.prompt.id, display: ctx.prompt.text },
      test,
      latencyMs: ctx.latencyMs,
      usage: ctx.usage,
      cost: ctx.cost,
      toolCalls: ctx.toolCalls,
    },
  };
}

function toOutcome(result: SandboxResult, threshold: number | undefined, code: string): Outcome {
  switch (result.kind) {
    case 'boolean':
      return result.pass ? passed(`javascript ${code} returned true`) : failed(`javascript ${code} returned false`);
    case 'number': {
      if (result.value === null) return failed('javascript returned a number that is not finite');
      // promptfoo: a number is the score; without a threshold any score above 0 passes.
      const score = clampScore(result.value);
      if (threshold === undefined) {
        return result.value > 0 ? passed(`javascript score ${result.value} > 0`, score) : failed(`javascript score ${result.value} is not above 0`, score);
      }
      return result.value >= threshold
        ? passed(`javascript score ${result.value} >= ${threshold}`, score)
        : failed(`javascript score ${result.value} < ${threshold}`, score);
    }
    case 'object': {
      // A GradingResult: its `pass` decides (a threshold does not apply to it).
      if (result.pass === null) {
        return failed(
          `javascript returned an object without a boolean \`pass\`${result.score === null ? '' : ` (score ${result.score})`}; return { pass, score, reason }, or the number alone to use it as a score`,
          result.score === null ? 0 : clampScore(result.score),
        );
      }
      const pass = result.pass;
      const score = clampScore(result.score ?? (pass ? 1 : 0));
      const reason = result.reason ?? `javascript returned ${pass ? 'pass' : 'fail'} (score ${score})`;
      return { pass, score, reason };
    }
    case 'other':
      return failed(`javascript returned ${result.type}; expected a boolean, a number or { pass, score, reason }${result.type === 'undefined' ? ' (missing `return`?)' : ''}`);
    case 'pending':
      return unevaluable('javascript returned a Promise that never settled (the sandbox has no timers, files or network to wait for)');
    case 'error':
      return unevaluable(`javascript threw ${quote(result.message, 200)}`);
    default:
      return unevaluable('javascript sandbox returned an unreadable result');
  }
}
