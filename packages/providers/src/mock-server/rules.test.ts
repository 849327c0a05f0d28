import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@assay/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRules, loadRulesFile } from './rules.ts';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'assay-mock-rules-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
}

const request = (lastUser: string, extra: Partial<{ model: string; system: string }> = {}) => ({ model: 'm', system: '', lastUser, ...extra });

describe('loadRulesFile', () => {
  it('reads a YAML list and a JSON { rules } object', async () => {
    const yaml = await write(
      'rules.yaml',
      `- match: { contains: refund }\n  response:\n    content: "Refunds take 5 days. You asked: {{last_user}}"\n- response: { content: default }\n`,
    );
    const rules = compileRules(await loadRulesFile(yaml));
    expect(rules[0]!.matches(request('a refund?'))).toBe(true);
    expect(rules[0]!.reply(request('a refund?')).content).toBe('Refunds take 5 days. You asked: a refund?');
    expect(rules[1]!.matches(request('anything'))).toBe(true);

    const json = await write('rules.json', JSON.stringify({ rules: [{ response: { tool_calls: [{ name: 'lookup', arguments: { id: 1 } }] } }] }));
    const [rule] = compileRules(await loadRulesFile(json));
    expect(rule!.reply(request('x')).toolCalls).toEqual([{ name: 'lookup', arguments: '{"id":1}' }]);
  });

  it('names the file, line and field of a bad rule', async () => {
    const path = await write('bad.yaml', `- response: { content: ok }\n- match: { contains: x }\n  response:\n    content: 42\n`);
    const error = await loadRulesFile(path).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ file: path, line: 4, field: 'rules[1].response.content' });
  });

  it('reports YAML syntax errors and bad regular expressions', async () => {
    const syntax = await write('syntax.yaml', `- response: { content: ok\n`);
    await expect(loadRulesFile(syntax)).rejects.toMatchObject({ name: 'ConfigError', file: syntax });
    const regex = await write('regex.yaml', `- match: { regex: "(" }\n  response: { content: x }\n`);
    await expect(loadRulesFile(regex)).rejects.toMatchObject({ field: 'rules[0].match.regex' });
    await expect(loadRulesFile(join(directory, 'missing.yaml'))).rejects.toMatchObject({ name: 'ConfigError' });
  });
});

describe('compileRules', () => {
  it('requires every given condition to match', () => {
    const [rule] = compileRules([{ match: { contains: 'hi', model: 'gpt-*', system: 'pirate' }, response: { content: 'x' } }]);
    expect(rule!.matches(request('hi', { model: 'gpt-4', system: 'a pirate' }))).toBe(true);
    expect(rule!.matches(request('hi', { model: 'claude', system: 'a pirate' }))).toBe(false);
    expect(rule!.matches(request('hi', { model: 'gpt-4' }))).toBe(false);
    expect(rule!.matches(request('bye', { model: 'gpt-4', system: 'a pirate' }))).toBe(false);
  });
});
