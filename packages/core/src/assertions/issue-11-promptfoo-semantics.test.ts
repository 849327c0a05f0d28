import type { Assertion, AssertionResult } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { compileAssertion } from './index.ts';
import { javascriptModuleBody } from './javascript-module.ts';
import { splitCommaList } from './text-assertions.ts';
import { makeContext } from './test-context.ts';

// Issue 11: assertions read promptfoo configs as promptfoo documents them.

const run = (assertion: Assertion, overrides: Parameters<typeof makeContext>[0] = {}): Promise<AssertionResult> =>
  Promise.resolve(compileAssertion(assertion, {}).evaluate(makeContext({ output: 'Hello world', ...overrides })));

describe('context of javascript assertions and transforms', () => {
  it('has context.vars, context.prompt (the rendered prompt) and context.test', async () => {
    const overrides = {
      vars: { name: 'world', min: 5 },
      prompt: { id: 'greet', text: 'Say hello to the world' },
      test: { description: 'greets', metadata: { topic: 'greetings' } },
    };
    expect(await run({ type: 'javascript', value: 'output.includes(context.vars.name) && output.length >= context.vars.min' }, overrides)).toMatchObject({ pass: true });
    expect(await run({ type: 'javascript', value: 'context.prompt === "Say hello to the world"' }, overrides)).toMatchObject({ pass: true });
    expect(
      await run({ type: 'javascript', value: 'context.test.description === "greets" && context.test.metadata.topic === "greetings" && context.test.vars.name === "world"' }, overrides),
    ).toMatchObject({ pass: true });
    // A transform's context.prompt is { id, display }, as promptfoo's transform context.
    expect(await run({ type: 'equals', value: 'greet|world', transform: 'context.prompt.id + "|" + context.vars.name' }, overrides)).toMatchObject({ pass: true });
  });
});

describe('a transform that returns something else than a string', () => {
  it('hands the value itself to a javascript assertion, and its JSON text to text checks', async () => {
    const reply = '{"answer": "Paris", "sources": ["a", "b"]}';
    expect(await run({ type: 'javascript', value: 'typeof output === "object" && output.sources.length === 2', transform: 'JSON.parse(output)' }, { output: reply })).toMatchObject({ pass: true });
    expect(await run({ type: 'contains', value: '"answer":"Paris"', transform: 'JSON.parse(output)' }, { output: reply })).toMatchObject({ pass: true });
    // A list: each step gets what the previous one returned.
    expect(await run({ type: 'javascript', value: 'output === 2', transform: ['JSON.parse(output)', 'output.sources.length'] }, { output: reply })).toMatchObject({ pass: true });
  });

  it('fails on null, as promptfoo refuses a transform that returns nothing', async () => {
    const result = await run({ type: 'contains', value: 'x', transform: 'null' });
    expect(result).toMatchObject({ pass: false, unevaluable: true });
    expect(result.reason).toContain('returned null');
  });
});

describe('javascript code', () => {
  it('may be statements whose last one is the result', async () => {
    expect(await run({ type: 'javascript', value: 'const n = output.length; n > 3' })).toMatchObject({ pass: true });
    expect(await run({ type: 'javascript', value: 'const words = output.split(" ");\nwords.length === 3' })).toMatchObject({ pass: false });
    // A body with return, on one line or several, as before.
    expect(await run({ type: 'javascript', value: 'if (output.startsWith("Hello")) return true;\nreturn false;' })).toMatchObject({ pass: true });
  });

  it('may return a Promise, which is awaited (its jobs run within the time limit)', async () => {
    expect(await run({ type: 'javascript', value: 'Promise.resolve(output.length > 3)' })).toMatchObject({ pass: true });
    expect(await run({ type: 'javascript', value: '(async () => ({ pass: false, score: 0.2, reason: "async no" }))()' })).toMatchObject({ pass: false, score: 0.2, reason: 'async no' });
    expect(await run({ type: 'javascript', value: 'Promise.reject(new Error("nope"))' })).toMatchObject({ pass: false, unevaluable: true, reason: 'javascript threw "Error: nope"' });
    expect(await run({ type: 'equals', value: 'HELLO WORLD', transform: 'Promise.resolve(output.toUpperCase())' })).toMatchObject({ pass: true });
  });
});

describe('javascript results (promptfoo GradingResult semantics)', () => {
  it('a bare number passes when above 0 without a threshold, at the threshold with one', async () => {
    expect(await run({ type: 'javascript', value: '0.01' })).toMatchObject({ pass: true, score: 0.01 });
    expect(await run({ type: 'javascript', value: '0' })).toMatchObject({ pass: false, score: 0 });
    expect(await run({ type: 'javascript', value: '0.6', threshold: 0.7 })).toMatchObject({ pass: false, score: 0.6 });
  });

  it('an object: its pass decides, whatever the score and threshold; without pass it fails', async () => {
    expect(await run({ type: 'javascript', value: '({ pass: true, score: 0.1, reason: "ok" })', threshold: 0.9 })).toMatchObject({ pass: true, score: 0.1 });
    expect(await run({ type: 'javascript', value: '({ pass: false, score: 1, reason: "no" })' })).toMatchObject({ pass: false, score: 1 });
    expect(await run({ type: 'javascript', value: '({ pass: true })' })).toMatchObject({ pass: true, score: 1 });
    expect(await run({ type: 'javascript', value: '({ score: 1 })' })).toMatchObject({ pass: false });
  });
});

describe('contains-any / contains-all strings', () => {
  it('split on commas, keeping quoted items whole', async () => {
    expect(splitCommaList('"a, b", c')).toEqual(['a, b', 'c']);
    expect(splitCommaList('red, green ,blue')).toEqual(['red', 'green', 'blue']);
    expect(await run({ type: 'contains-all', value: '"Hello, dear", friend' }, { output: 'Hello, dear friend' })).toMatchObject({ pass: true });
    expect(await run({ type: 'contains-any', value: '"Hello, dear", friend' }, { output: 'Hello dear' })).toMatchObject({ pass: false });
  });
});

describe('regex', () => {
  it('reads the value as the pattern itself (new RegExp(value)), not as a /pattern/flags literal', async () => {
    expect(await run({ type: 'regex', value: '/hello/i' }, { output: 'Hello' })).toMatchObject({ pass: false });
    expect(await run({ type: 'regex', value: '/hello/i' }, { output: 'path /hello/i' })).toMatchObject({ pass: true });
    expect(await run({ type: 'regex', value: '^(?i:hello)' }, { output: 'HELLO' })).toMatchObject({ pass: true });
  });
});

describe('javascript files as promptfoo loads them', () => {
  const viaFile = async (source: string, output: string, exportName?: string) => {
    const converted = javascriptModuleBody(source, 'file://check.js', exportName);
    if ('problem' in converted) throw new Error(converted.problem);
    return run({ type: 'javascript', value: converted.body }, { output, vars: { topic: 'bananas' }, prompt: { text: 'About bananas' } });
  };

  it('runs module.exports, a named export and an ES default export in the sandbox, called with (output, context)', async () => {
    expect(await viaFile('module.exports = (output, context) => output.includes(context.vars.topic);', 'I like bananas')).toMatchObject({ pass: true });
    expect(
      await viaFile("module.exports = { customFunction: (output, context) => { console.log('Prompt:', context.prompt); return { pass: true, score: 0.75, reason: 'ok' }; } };", 'x', 'customFunction'),
    ).toMatchObject({ pass: true, score: 0.75, reason: 'ok' });
    expect(await viaFile('export default async function (output) { return output.length; }', 'four')).toMatchObject({ pass: true, score: 1 });
    expect(await viaFile('export function check(output) { return output === "x"; }', 'x', 'check')).toMatchObject({ pass: true });
  });

  it('says what is wrong with a file it cannot run', async () => {
    expect(javascriptModuleBody("import fs from 'fs';\nexport default () => true;", 'file://check.js')).toEqual({ problem: expect.stringContaining('imports another module (line 1)') });
    const missing = await viaFile('module.exports = { other: () => true };', 'x', 'customFunction');
    expect(missing).toMatchObject({ pass: false, unevaluable: true });
    expect(missing.reason).toContain('file://check.js must export a function named \\"customFunction\\"');
    const required = await viaFile("const fs = require('fs'); module.exports = () => true;", 'x');
    expect(required.reason).toContain('require(\\"fs\\") is not available');
  });
});
