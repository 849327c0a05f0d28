// promptfoo prompt files and templates (issue 11): .json chat files that are templates as a whole
// crashed `assay validate` (exit 70); .yaml chat files were read as text; Nunjucks tags were sent
// to the model as written.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@assay/spec';
import { loadSuite } from './load-suite.ts';

let directory: string;
const write = (files: Record<string, string>) => {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(directory, name)), { recursive: true });
    writeFileSync(path.join(directory, name), content);
  }
};
const load = () => loadSuite(path.join(directory, 'promptfooconfig.yaml'));
const loadError = async (): Promise<ConfigError> => {
  try {
    await load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the config loaded');
};
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'assay-promptfoo-prompts-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('promptfoo prompt files', () => {
  it('renders a .json chat file that is a template as a whole, then parses it (promptfoo order)', async () => {
    write({
      'chat.json': '[\n  { "role": "system", "content": "{{ system_message }}" },\n  {% for turn in history %}\n  { "role": "user", "content": {{ turn.q | dump }} },\n  {% endfor %}\n  { "role": "user", "content": "{{ question }}" }\n]\n',
      'promptfooconfig.yaml': 'prompts: [file://chat.json]\nproviders: [echo]\ntests:\n  - vars: { system_message: Be brief., history: [{ q: "earlier \\"one\\"" }], question: Why? }\n',
    });
    const suite = await load();
    const [testCase] = await suite.cases.toArray();
    expect(await suite.prompts[0]!.render(testCase!.vars)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'earlier "one"' },
      { role: 'user', content: 'Why?' },
    ]);
    // A quote inside "{{ question }}" breaks the JSON, as in promptfoo: an error naming the file and the var.
    const broken = await suite.prompts[0]!.render({ ...testCase!.vars, question: 'say "hi"' }).catch((error: unknown) => error);
    expect(broken).toBeInstanceOf(ConfigError);
    expect((broken as ConfigError).file).toMatch(/chat\.json$/);
    expect((broken as ConfigError).hint).toContain('"question"');
  });

  it('reads a .yaml (or .yml) prompt file as chat messages', async () => {
    write({
      'prompt.yaml': '- role: system\n  content: |\n    You are a travel agent.\n- role: user\n  content: "{{ content }}"\n',
      'other.yml': '- role: user\n  content: Hi {{ content }}\n',
      'promptfooconfig.yaml': 'prompts: [file://prompt.yaml, file://other.yml]\nproviders: [echo]\ntests:\n  - vars: { content: Rome }\n',
    });
    const suite = await load();
    expect(suite.prompts.map((prompt) => prompt.id)).toEqual(['prompt.yaml', 'other.yml']);
    expect(await suite.prompts[0]!.render({ content: 'Rome' })).toEqual([
      { role: 'system', content: 'You are a travel agent.\n' },
      { role: 'user', content: 'Rome' },
    ]);
    expect(await suite.prompts[1]!.render({ content: 'Rome' })).toEqual([{ role: 'user', content: 'Hi Rome' }]);
  });

  it('renders Nunjucks tags, filters and comments in inline and text-file prompts, never sends them as written', async () => {
    write({
      'prompt.txt': '{# house style #}Product: {{ product | upper }}\n{% if premium %}Priority support.\n{% endif %}Issue: {{ issue }}\n',
      'promptfooconfig.yaml': 'prompts:\n  - file://prompt.txt\n  - "{% for t in tags %}#{{ t }} {% endfor %}{{ issue }}"\nproviders: [echo]\ntests:\n  - vars: { product: tea, premium: true, issue: cold, tags: [a, b] }\n',
    });
    const suite = await load();
    const vars = { product: 'tea', premium: true, issue: 'cold', tags: ['a', 'b'] };
    // promptfoo trims a text file's prompts; what the template renders is sent as it is.
    expect(await suite.prompts[0]!.render(vars)).toEqual([{ role: 'user', content: 'Product: TEA\nPriority support.\nIssue: cold' }]);
    expect(await suite.prompts[1]!.render({ ...vars, premium: false })).toEqual([{ role: 'user', content: '#a #b cold' }]);
  });

  it('does not trim an inline prompt', async () => {
    write({ 'promptfooconfig.yaml': 'prompts:\n  - |\n    Answer {{ q }}\n\nproviders: [echo]\ntests:\n  - vars: { q: why }\n' });
    const suite = await load();
    expect(await suite.prompts[0]!.render({ q: 'why' })).toEqual([{ role: 'user', content: 'Answer why\n' }]);
  });

  it('renders a var that is itself a template with the other vars', async () => {
    write({ 'promptfooconfig.yaml': 'prompts: ["Q: {{ question }}"]\nproviders: [echo]\ntests:\n  - vars: { question: "Tell me about {{ topic }}", topic: tea }\n' });
    const suite = await load();
    const [testCase] = await suite.cases.toArray();
    expect(await suite.prompts[0]!.render(testCase!.vars)).toEqual([{ role: 'user', content: 'Q: Tell me about tea' }]);
  });

  it('refuses a tag or filter it cannot render at the config line, and in a prompt file at its line', async () => {
    write({ 'promptfooconfig.yaml': 'description: x\nprompts:\n  - "Hi {{ name | shout }}"\nproviders: [echo]\ntests:\n  - vars: { name: a }\n' });
    expect(await loadError()).toMatchObject({ message: expect.stringMatching(/^Filter "shout" is not available/), file: expect.stringMatching(/promptfooconfig\.yaml$/), line: 3 });
    write({
      'p.txt': 'Hi\n{% include "other.txt" %}\n',
      'promptfooconfig.yaml': 'prompts: [file://p.txt]\nproviders: [echo]\ntests:\n  - vars: { name: a }\n',
    });
    expect(await loadError()).toMatchObject({ message: expect.stringMatching(/^Template tag \{% include %\}/) });
    write({
      'chat.json': '[\n  { "role": "user", "content": "a" },\n  { "role": "user", "content": [{ "type": "image_url", "image_url": { "url": "{{ image }}" } }] }\n]',
      'promptfooconfig.yaml': 'prompts: [file://chat.json]\nproviders: [echo]\ntests:\n  - vars: { image: x }\n',
    });
    expect(await loadError()).toMatchObject({ message: 'Message 2 has a content part that is not text', file: expect.stringMatching(/chat\.json$/), line: 3 });
  });

  it('refuses a prompt function (.js, .py) rather than sending its code as the prompt', async () => {
    write({ 'prompt.py': 'def f(context):\n  return "x"\n', 'promptfooconfig.yaml': 'prompts: [file://prompt.py]\nproviders: [echo]\ntests:\n  - vars: { a: 1 }\n' });
    expect(await loadError()).toMatchObject({ message: 'Prompt file prompt.py is a prompt function, which Assay does not run', file: expect.stringMatching(/promptfooconfig\.yaml$/), line: 1 });
  });

  it('keeps Handlebars in Assay suites and .prompt files', async () => {
    write({
      'p.prompt': '{{role "system"}}\nBe terse.\n{{role "user"}}\n{{#if q}}{{q}}{{/if}}',
      'suite.yaml': 'prompts: [p.prompt, { id: inline, template: "{{#if q}}{{q}}{{/if}}" }]\nproviders: [echo]\ntests:\n  - vars: { q: hi }\n',
    });
    const suite = await loadSuite(path.join(directory, 'suite.yaml'));
    expect(await suite.prompts[0]!.render({ q: 'hi' })).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'hi' },
    ]);
    expect(await suite.prompts[1]!.render({ q: 'hi' })).toEqual([{ role: 'user', content: 'hi' }]);
  });
});
