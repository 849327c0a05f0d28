import type { AssertionContext } from '../assertion-context.ts';
import { sandboxFailure, sandboxInput } from './javascript-assertion.ts';
import { compileSandboxed, type SandboxedFunction } from './javascript-sandbox.ts';
import { quote, type Invalid } from './outcome.ts';

/**
 * The output an assertion checks after its `transform`, or why there is none: `text` for the
 * text-based checks, and `value` when the transform returned something else than a string (an
 * object stays an object for a later `javascript` assertion, as in promptfoo).
 */
export type TransformResult = { text: string; value?: unknown } | { problem: string };
export type OutputTransform = (ctx: AssertionContext) => Promise<TransformResult>;

type TransformReply =
  | { kind: 'text'; text: string }
  | { kind: 'value'; json: string }
  | { kind: 'other'; type: string }
  | { kind: 'pending' }
  | { kind: 'error'; message: string };

/**
 * Results by response: the assertions of one case usually share a transform (promptfoo's test
 * `options.transform` lands on each of them), and it runs once per response, not once per assertion.
 */
const memo = new WeakMap<AssertionContext, Map<string, Promise<TransformResult>>>();
const compiledCode = new Map<string, SandboxedFunction>();

/**
 * Compiles an assertion's `transform` (one piece of code, or several applied in order) into a
 * function from a response to the text the assertion checks. Each piece is JavaScript over
 * `output`, `vars` and `context`, run in the same sandbox as `javascript` assertions; a string
 * result is the new output, anything else stays a value (and its JSON is the text).
 *
 * @throws ConfigError (through `invalid`) when a piece is empty or does not parse.
 */
export function compileTransform(transform: string | readonly string[], invalid: Invalid): OutputTransform {
  const pieces = typeof transform === 'string' ? [transform] : transform;
  const steps = pieces.map((code, index) => {
    const field = typeof transform === 'string' ? 'transform' : `transform[${index}]`;
    if (typeof code !== 'string' || code.trim() === '') return invalid(field, 'transform needs code', 'Use an expression such as `transform: JSON.parse(output).answer`.');
    // Shared by every assertion with the same code: a templated assertion is compiled again for
    // each case, and its transform must not cost a sandbox context each time.
    const sandboxed: SandboxedFunction | { problem: string } = compiledCode.get(code) ?? compileSandboxed(code, 'transform');
    if (!('problem' in sandboxed)) compiledCode.set(code, sandboxed);
    else {
      return invalid(field, `transform ${sandboxed.problem}`, 'Write one expression (`output.trim()`), or statements ending in an expression or a `return`.');
    }
    return { code, shown: quote(code.replace(/\s+/g, ' ').trim(), 80), sandboxed };
  });
  const key = pieces.join('\u0000');

  return (ctx) => {
    let byCode = memo.get(ctx);
    if (!byCode) memo.set(ctx, (byCode = new Map()));
    let result = byCode.get(key);
    if (!result) {
      result = (async (): Promise<TransformResult> => {
        let current = ctx;
        for (const step of steps) {
          let input: string;
          try {
            input = JSON.stringify(sandboxInput(current, 'transform'));
          } catch (error) {
            return { problem: `transform could not receive vars (they must be JSON-serializable): ${(error as Error).message}` };
          }
          const reply = await step.sandboxed.run(input);
          if (!reply.ok) {
            return { problem: sandboxFailure(`transform ${step.shown}`, reply) };
          }
          let parsed: TransformReply;
          try {
            parsed = JSON.parse(reply.raw) as TransformReply;
          } catch {
            return { problem: 'transform sandbox returned an unreadable result' };
          }
          if (parsed.kind === 'error') return { problem: `transform ${step.shown} threw ${quote(parsed.message, 200)}` };
          if (parsed.kind === 'other') return { problem: `transform ${step.shown} returned ${parsed.type}; expected a string or a JSON value${parsed.type === 'undefined' ? ' (missing `return`?)' : ''}` };
          if (parsed.kind === 'pending') return { problem: `transform ${step.shown} returned a Promise that never settled` };
          if (parsed.kind === 'value' && typeof parsed.json === 'string') {
            current = { ...current, output: parsed.json, transformed: JSON.parse(parsed.json) as unknown };
          } else if (parsed.kind === 'text' && typeof parsed.text === 'string') {
            current = { ...current, output: parsed.text, transformed: undefined };
          } else return { problem: 'transform sandbox returned an unreadable result' };
        }
        return current.transformed === undefined ? { text: current.output } : { text: current.output, value: current.transformed };
      })();
      byCode.set(key, result);
    }
    return result;
  };
}
