import type { Assertion, AssertionResult } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';

const check = async (value: string, overrides: Parameters<typeof makeContext>[0] = {}, extra: Partial<Assertion> = {}): Promise<AssertionResult> =>
  compileAssertion({ type: 'javascript', value, ...extra }, {}).evaluate(makeContext({ output: 'Hello world', ...overrides }));

describe('javascript', () => {
  it('evaluates an expression over output, vars and context', async () => {
    expect((await check('output.startsWith("Hello")')).pass).toBe(true);
    expect((await check('output.length > 100')).pass).toBe(false);
    expect((await check('output.includes(vars.name)', { vars: { name: 'world' } })).pass).toBe(true);
    expect((await check('context.latencyMs < 500 && context.usage.totalTokens === 150 && context.cost === 0.001')).pass).toBe(true);
    expect((await check('context.toolCalls[0].input.city === "Oslo"', { toolCalls: [{ toolName: 'weather', input: { city: 'Oslo' } }] })).pass).toBe(true);
  });

  it('accepts a function body with return', async () => {
    expect((await check('const words = output.split(" ");\nreturn words.length === 2;')).pass).toBe(true);
    expect((await check('return output === "nope"')).pass).toBe(false);
  });

  it('treats a number as a score: above 0 passes without a threshold (promptfoo), else score >= threshold', async () => {
    expect((await check('0.7'))).toMatchObject({ pass: true, score: 0.7 });
    expect((await check('0.1'))).toMatchObject({ pass: true, score: 0.1 });
    expect((await check('0'))).toMatchObject({ pass: false, score: 0 });
    expect((await check('0.4', {}, { threshold: 0.5 }))).toMatchObject({ pass: false, score: 0.4 });
    expect((await check('0.4', {}, { threshold: 0.3 }))).toMatchObject({ pass: true, score: 0.4 });
  });

  it('takes { pass, score, reason } objects', async () => {
    expect((await check('({ pass: false, score: 0.25, reason: "too short" })'))).toMatchObject({ pass: false, score: 0.25, reason: 'too short' });
    expect((await check('return { pass: true }'))).toMatchObject({ pass: true, score: 1 });
    // A GradingResult's pass decides: a score alone does not (promptfoo rejects it too).
    const scoreOnly = await check('({ score: 0.9 })', {}, { threshold: 0.5 });
    expect(scoreOnly).toMatchObject({ pass: false, score: 0.9 });
    expect(scoreOnly.reason).toContain('without a boolean `pass` (score 0.9)');
  });

  it('fails with a reason for other return values and for thrown errors', async () => {
    expect((await check('output.split(" ");\nundefined;')).reason).toContain('returned undefined');
    expect((await check('"yes"')).reason).toContain('returned string');
    expect((await check('({ foo: 1 })')).reason).toContain('without a boolean `pass`');
    expect((await check('new Promise(() => {})')).reason).toContain('returned a Promise that never settled');
    const thrown = (await check('JSON.parse(output).answer'));
    expect(thrown.pass).toBe(false);
    expect(thrown.reason).toMatch(/^javascript threw "SyntaxError: /);
  });

  it('fails the not- form too when the code throws', async () => {
    const result = await compileAssertion({ type: 'not-javascript', value: 'null.x' }, {}).evaluate(makeContext());
    expect(result.pass).toBe(false);
  });

  it('times out an endless loop, including one in a promise job', async () => {
    expect((await check('while (true) {}')).reason).toBe('javascript timed out after 1000 ms');
    expect((await check('Promise.resolve().then(() => { while (true) {} }), true')).reason).toBe('javascript timed out after 1000 ms');
  });

  it('times out only the runaway run: runs batched with it still get their own answers', async () => {
    const looping = compileAssertion({ type: 'javascript', value: 'vars.n === 3 ? (() => { while (true) {} })() : vars.n % 2 === 0' }, {});
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => looping.evaluate(makeContext({ vars: { n } }))));
    expect(results.map((result) => result.pass)).toEqual([false, true, false, true, false, true]);
    expect(results[2]!.reason).toBe('javascript timed out after 1000 ms');
    expect(results[4]!.reason).toContain('returned false');
  }, 20_000);

  it('blames only the hanging runs when they are in flight with passing ones, compiled before or during the hang (issue 16)', async () => {
    const hanging = Array.from({ length: 4 }, () => compileAssertion({ type: 'javascript', value: 'while (true) {}' }, {}).evaluate(makeContext()));
    // Templated assertions are compiled per case, while the hangs run.
    const passing = Array.from({ length: 12 }, (_, index) => compileAssertion({ type: 'javascript', value: `output.length === 11 && ${index} >= 0` }, {}).evaluate(makeContext({ output: 'Hello world' })));
    const [hung, passed] = await Promise.all([Promise.all(hanging), Promise.all(passing)]);
    expect(hung.map((result) => result.reason)).toEqual(Array(4).fill('javascript timed out after 1000 ms'));
    expect(passed.map((result) => result.pass)).toEqual(Array(12).fill(true));
  }, 30_000);

  it('keeps working past the number of contexts the sandbox keeps (evicted ones are recompiled)', async () => {
    const compiled = Array.from({ length: 230 }, (_, index) => compileAssertion({ type: 'javascript', value: `output.length === ${index}` }, {}));
    // The first ones were evicted while the later ones compiled; each still answers correctly.
    const results = await Promise.all(compiled.map((assertion, index) => assertion.evaluate(makeContext({ output: 'x'.repeat(index % 7 === 0 ? index : 0) }))));
    expect(results.map((result) => result.pass)).toEqual(compiled.map((_, index) => index % 7 === 0));
  }, 30_000);

  it('fails (without throwing) when vars cannot be serialized', async () => {
    expect((await check('true', { vars: { big: 1n } })).reason).toContain('must be JSON-serializable');
  });

  it('handles a 5 MB output', async () => {
    expect((await check('output.length === 5000000', { output: 'x'.repeat(5_000_000) })).pass).toBe(true);
  });

  it('keeps state changes from hijacking the runner', async () => {
    const compiled = compileAssertion({ type: 'javascript', value: 'JSON.stringify = () => "x"; Object.prototype.toJSON = () => { throw 1 }; String.prototype.slice = null; return true' }, {});
    expect((await compiled.evaluate(makeContext())).pass).toBe(true);
    expect((await compiled.evaluate(makeContext())).pass).toBe(true);
  });
});

describe('javascript sandbox', () => {
  // Each snippet returns true only if it reached the host's process object.
  it.each([
    ['process', 'process.pid > 0'],
    ['require', "typeof require('node:fs').readFileSync === 'function'"],
    ['globalThis.process', 'globalThis.process.pid > 0'],
    ['this.constructor.constructor', "this.constructor.constructor('return process')().pid > 0"],
    ['vars.constructor.constructor', "vars.constructor.constructor('return process')().pid > 0"],
    ['output.constructor.constructor', "output.constructor.constructor('return process')().pid > 0"],
    ['context.constructor.constructor', "context.constructor.constructor('return process')().pid > 0"],
    ['eval', "eval('process').pid > 0"],
    ['fetch', "typeof fetch === 'function'"],
    ['dynamic import through Function', "Function('return import(\"node:fs\")')().then(() => true)"],
    ['arguments.callee.caller', 'return (function f() { return f.caller && f.caller.constructor("return process")().pid > 0 })()'],
    [
      'stack frames',
      `Error.prepareStackTrace = (_, frames) => frames.map((f) => { try { return f.getThis() } catch { return undefined } });
       const frames = new Error().stack;
       return frames.some((self) => self && self.process && self.process.pid > 0);`,
    ],
  ])('blocks %s', async (_name, code) => {
    const result = await check(code);
    expect(result.pass).toBe(false);
  });

  it('reports why an escape attempt failed', async () => {
    expect((await check('process.pid')).reason).toContain("ReferenceError: 'process' is not defined");
    // The constructor chain reaches the sandbox's own Function, whose code runs in the sandbox too.
    expect((await check("vars.constructor.constructor('return process')().pid")).reason).toContain("ReferenceError: 'process' is not defined");
  });

  it('refuses import() and import.meta before anything runs', () => {
    expect(() => compileAssertion({ type: 'javascript', value: "import('fs').catch(() => {}); return true" }, {})).toThrow(/cannot use `import\(\)`/);
    expect(() => compileAssertion({ type: 'javascript', value: 'import.meta.url' }, {})).toThrow(/import\.meta/);
    // The word in a string is not an import.
    expect(() => compileAssertion({ type: 'javascript', value: 'output.includes("import(x)")' }, {})).not.toThrow();
  });

  it('runs each assertion in its own context', async () => {
    await compileAssertion({ type: 'javascript', value: 'globalThis.shared = 1; return true' }, {}).evaluate(makeContext());
    expect((await check('typeof shared === "undefined"')).pass).toBe(true);
  });
});

describe('javascript sandbox isolation from the host', () => {
  it('keeps rejected promises of user code away from the host', async () => {
    const seen: unknown[] = [];
    const listener = (reason: unknown) => seen.push(reason);
    process.on('unhandledRejection', listener);
    try {
      expect((await check('Promise.reject(new Error("a")), (async () => { throw new Error("b") })(), Function("return import(\'node:fs\')")(), true')).pass).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('survives a memory bomb and keeps working afterwards', async () => {
    const bomb = (await check('const a = []; for (;;) a.push(new Array(1e6).fill(1)); return true'));
    expect(bomb.pass).toBe(false);
    expect((await check('output === "Hello world"')).pass).toBe(true);
  }, 20_000);

  it('recompiles assertions after the sandbox process was replaced', async () => {
    const survivor = compileAssertion({ type: 'javascript', value: 'output.length === 11' }, {});
    (await check('const a = []; for (;;) a.push(new Array(1e6).fill(1)); return true'));
    expect((await survivor.evaluate(makeContext({ output: 'Hello world' }))).pass).toBe(true);
  }, 20_000);

  it('gives the same answer over many evaluations of one compiled assertion', async () => {
    const compiled = compileAssertion({ type: 'javascript', value: 'output.length > 3' }, {});
    for (let i = 0; i < 200; i++) {
      const output = 'x'.repeat(i % 6);
      expect((await compiled.evaluate(makeContext({ output }))).pass).toBe(output.length > 3);
    }
  });
});
