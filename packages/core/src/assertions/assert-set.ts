import type { Assertion, AssertionResult } from '@assay/spec';
import type { AssertionContext } from '../assertion-context.ts';
import type { MaybeAsyncCheck, Invalid, Outcome } from './outcome.ts';
import { scoreCase } from './score-case.ts';

/** What compiling one assertion of a set gives (compileAssertion, passed in to keep the import one-way). */
interface CompiledChild {
  modelGraded: boolean;
  evaluate(ctx: AssertionContext): AssertionResult | Promise<AssertionResult>;
}

/**
 * `assert-set`: assertions scored together, as promptfoo's. The set's score is the weighted mean
 * of its assertions' scores; it passes when that reaches its `threshold`, or, without one, when
 * every required assertion in it passes (a threshold of 0 is none). Its own weight and metric count in the case like any
 * other assertion's.
 */
export function compileAssertSet(
  assertion: Assertion,
  invalid: Invalid,
  compileChild: (child: Assertion, index: number) => CompiledChild,
): { check: MaybeAsyncCheck; modelGraded: boolean } {
  if (assertion.value !== undefined) invalid('value', 'assert-set takes its assertions under `assert`, not `value`', 'Write `assert: [{ type: contains, value: ... }, ...]` inside the set.');
  if (!Array.isArray(assertion.assert) || assertion.assert.length === 0) {
    return invalid('assert', 'assert-set needs a list of assertions under `assert`', 'e.g. `{ type: assert-set, threshold: 0.5, assert: [{ type: contains, value: refund }, { type: icontains, value: sorry }] }`.');
  }
  const children = assertion.assert.map((child, index) => compileChild(child, index));
  const threshold = assertion.threshold;
  const summarize = (results: AssertionResult[]): Outcome => {
    const { pass: allRequired, score } = scoreCase(results);
    // As promptfoo: a threshold of 0 is none.
    const byScore = threshold !== undefined && threshold > 0;
    const pass = byScore ? score >= threshold : allRequired;
    const failed = results.filter((result) => !result.pass);
    let reason = `${results.length - failed.length}/${results.length} assertions of the set passed`;
    if (byScore) reason += ` (score ${score.toFixed(2)} ${score >= threshold ? '>=' : '<'} ${threshold})`;
    if (failed.length) reason += `: ${failed.slice(0, 2).map((result) => `${result.type}: ${result.reason}`).join('; ')}${failed.length > 2 ? '; …' : ''}`;
    const outcome: Outcome = { pass, score, reason };
    if (results.every((result) => result.unevaluable)) outcome.unevaluable = true;
    const judged = results.find((result) => result.judge);
    if (judged?.judge) outcome.judge = judged.judge;
    return outcome;
  };
  return {
    modelGraded: children.some((child) => child.modelGraded),
    check: (ctx) => {
      const results = children.map((child) => child.evaluate(ctx));
      return results.some((result) => result instanceof Promise) ? Promise.all(results).then(summarize) : summarize(results as AssertionResult[]);
    },
  };
}
