import { describe, expect, it } from 'vitest';
import { ConfigError } from '@assay/spec';
import { compilePromptfooPrompt, type PromptfooPromptFormat } from './promptfoo-prompt.ts';

const compile = (source: string, format: PromptfooPromptFormat, file = `prompt.${format === 'text' ? 'txt' : format}`) => compilePromptfooPrompt(source, { id: 'p', file, format });
const caught = async (run: () => unknown): Promise<ConfigError> => {
  try {
    await run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no error');
};

describe('compilePromptfooPrompt: .json chat files', () => {
  it('renders each string of a JSON message list, so quotes and newlines in vars stay inside the JSON', async () => {
    const prompt = compile('[\n  { "role": "system", "content": "You are {{ persona }}." },\n  { "role": "user", "content": "Who won in {{ year }}?" }\n]', 'json');
    expect(prompt.variables).toEqual(['persona', 'year']);
    expect(await prompt.render({ persona: 'a "sports" historian\nwho is terse', year: 1950 })).toEqual([
      { role: 'system', content: 'You are a "sports" historian\nwho is terse.' },
      { role: 'user', content: 'Who won in 1950?' },
    ]);
  });

  it('renders a .json file that is not JSON as written (a loop, a dump) first, then parses it', async () => {
    const loop = compile('[\n{% for m in history %}{ "role": "{{ m.role }}", "content": {{ m.content | dump }} },{% endfor %}\n{ "role": "user", "content": {{ question | dump }} }\n]', 'json');
    expect(await loop.render({ history: [{ role: 'assistant', content: 'Said "hi"' }], question: 'Why?' })).toEqual([
      { role: 'assistant', content: 'Said "hi"' },
      { role: 'user', content: 'Why?' },
    ]);
    expect(await compile('{{ messages | dump }}', 'json').render({ messages: [{ role: 'user', content: 'x' }] })).toEqual([{ role: 'user', content: 'x' }]);
  });

  it('names the file and the var when a filled-in value breaks the JSON, as it breaks promptfoo', async () => {
    const prompt = compile('[{% for q in questions %}{ "role": "user", "content": "{{ q }}" }{% endfor %}]', 'json', 'prompts/chat.json');
    const error = await caught(() => prompt.render({ questions: ['say "hi"'] }));
    expect(error.message).toMatch(/^The prompt file is not valid JSON once filled in/);
    expect(error.file).toBe('prompts/chat.json');
    expect(error.hint).toContain('"questions"');
    expect(error.hint).toContain('{{ questions | dump }}');
  });

  it('refuses at load what is not a text message list, at its line', async () => {
    expect(await caught(() => compile('{ "model": "x" }', 'json'))).toMatchObject({ message: 'A JSON prompt file holds a list of chat messages', line: 1 });
    expect(await caught(() => compile('[\n  { "role": "user", "content": "a" },\n  { "role": "robot", "content": "b" }\n]', 'json'))).toMatchObject({ message: 'Message 2 has role "robot"', line: 3 });
    expect(await caught(() => compile('[\n  { "role": "user",\n    "content": [{ "type": "image_url", "image_url": { "url": "x" } }] }\n]', 'json'))).toMatchObject({
      message: 'Message 1 has a content part that is not text',
      line: 3,
    });
    expect(await caught(() => compile('[{ "role": "user", "content": "a", "name": "bob" }]', 'json'))).toMatchObject({ message: 'Message 1 has "name", which Assay does not send' });
  });

  it('reads text parts and the developer role', async () => {
    const prompt = compile('[{ "role": "developer", "content": "d" }, { "role": "user", "content": [{ "type": "text", "text": "a {{ x }}" }, { "type": "text", "text": "b" }] }]', 'json');
    expect(await prompt.render({ x: 1 })).toEqual([
      { role: 'system', content: 'd' },
      { role: 'user', content: 'a 1b' },
    ]);
  });
});

describe('compilePromptfooPrompt: .yaml chat files', () => {
  it('reads a YAML message list as a chat, its strings templates', async () => {
    const prompt = compile('- role: system\n  content: |\n    Be concise.\n- role: user\n  content: "{{ content }}"\n', 'yaml');
    expect(await prompt.render({ content: 'Plan a trip: "Rome"' })).toEqual([
      { role: 'system', content: 'Be concise.\n' },
      { role: 'user', content: 'Plan a trip: "Rome"' },
    ]);
  });

  it('points a YAML mistake at its line', async () => {
    expect(await caught(() => compile('- role: user\n  content: a\n- role: user\n  content: "{{ x | shout }}"\n', 'yaml', 'p.yaml'))).toMatchObject({ message: 'Filter "shout" is not available in Assay\'s templates', file: 'p.yaml' });
    expect(await caught(() => compile('just a sentence\n', 'yaml'))).toMatchObject({ message: 'A YAML prompt file holds a list of chat messages' });
  });
});

describe('compilePromptfooPrompt: text prompts', () => {
  it('sends the rendered text as it is, untrimmed, as one user message', async () => {
    const prompt = compile('Summarize:\n{{ article }}\n', 'text');
    expect(await prompt.render({ article: 'A.' })).toEqual([{ role: 'user', content: 'Summarize:\nA.\n' }]);
    expect(await compile('  plain, no template  ', 'text').render({})).toEqual([{ role: 'user', content: '  plain, no template  ' }]);
  });

  it('renders vars that are templates with the other vars first, and fills {{ name }} in vars', async () => {
    const prompt = compile('Q: {{ question }}', 'text');
    expect(await prompt.render({ question: 'Tell me about {{ topic | upper }}', topic: 'tea' })).toEqual([{ role: 'user', content: 'Q: Tell me about TEA' }]);
    // promptfoo drops one final newline of each var.
    expect(await prompt.render({ question: 'line\n' })).toEqual([{ role: 'user', content: 'Q: line' }]);
  });

  it('is a chat when it renders as a JSON message list or a `- role:` YAML list, as promptfoo reads it', async () => {
    expect(await compile('{{ messages | dump }}', 'text').render({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }] })).toEqual([
      { role: 'system', content: 's' },
      { role: 'user', content: 'u' },
    ]);
    expect(await compile('- role: user\n  content: "{{ q }}"', 'text').render({ q: 'hi' })).toEqual([{ role: 'user', content: 'hi' }]);
    expect(await compile('[INST] {{ q }} [/INST]', 'text').render({ q: 'hi' })).toEqual([{ role: 'user', content: '[INST] hi [/INST]' }]);
  });
});
