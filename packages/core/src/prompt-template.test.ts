import { describe, expect, it } from 'vitest';
import { ConfigError } from '@assay/spec';
import { compilePromptTemplate } from './prompt-template.ts';

const source = `---
model: openai/gpt-4o-mini
config:
  temperature: 0.2
input:
  schema:
    question: string
  default:
    tone: friendly
output:
  format: json
  schema:
    answer: string
    confidence?: number
metadata:
  owner: support-team
  riskTier: high
  lastReviewed: 2026-10-01
  contract:
    mustRefuse: [out-of-scope]
---
{{role "system"}}
Be {{tone}}. {{> footer}}
{{role "user"}}
{{question}}
{{#each examples}}- {{this.text}} ({{label}})
{{/each}}`;

describe('compilePromptTemplate', () => {
  it('reads frontmatter, Assay metadata and the Picoschema output schema', async () => {
    const template = await compilePromptTemplate(source, { id: 'support', partials: { footer: 'Cite sources.' } });
    expect(template.model).toBe('openai/gpt-4o-mini');
    expect(template.config).toEqual({ temperature: 0.2 });
    expect(template.metadata).toMatchObject({ owner: 'support-team', riskTier: 'high', contract: { mustRefuse: ['out-of-scope'] } });
    expect(template.outputFormat).toBe('json');
    expect(template.outputSchema).toMatchObject({ type: 'object', required: ['answer'] });
    expect(template.defaults).toEqual({ tone: 'friendly' });
  });

  it('lists top-level variables, not names scoped inside #each', async () => {
    const template = await compilePromptTemplate(source, { id: 'support', partials: { footer: '' } });
    expect(template.variables.sort()).toEqual(['examples', 'question', 'tone']);
  });

  it('renders role-separated messages with partials', async () => {
    const template = await compilePromptTemplate(source, { id: 'support', partials: { footer: 'Cite sources.' } });
    const messages = await template.render({ tone: 'brief', question: 'Where are my files?', examples: [{ text: 'a', label: 'x' }] });
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief. Cite sources.' },
      { role: 'user', content: 'Where are my files?\n- a (x)' },
    ]);
  });

  it('does not execute code in templates', async () => {
    const template = await compilePromptTemplate('{{role "user"}}\n{{constructor.constructor}} {{__proto__}} {{question}}', { id: 't' });
    const [message] = await template.render({ question: 'ok' });
    expect(message!.content).toBe('ok');
  });

  it('names the file and line of a bad metadata field', async () => {
    const bad = source.replace('riskTier: high', 'riskTier: extreme');
    const error = await compilePromptTemplate(bad, { id: 'support', file: 'prompts/support.prompt' }).catch((caught) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ file: 'prompts/support.prompt', line: 17, field: 'metadata.riskTier' });
  });

  it('reports a template syntax error with its line', async () => {
    const error = await compilePromptTemplate('---\nmodel: x\n---\n{{role "user"}}\nHello {{#if name}}there', { id: 't', file: 't.prompt' }).catch(
      (caught) => caught,
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/template/i);
  });
});

// Issue 16: Dotprompt compiles on the first render, so these passed `assay validate` and stopped `assay eval` with exit 70.
describe('compilePromptTemplate compiles the whole template at load', () => {
  const file = 'prompts/greet.prompt';
  const compileError = (text: string, partials?: Record<string, string>) =>
    compilePromptTemplate(text, { id: 'greet', file, partials }).then(
      () => expect.fail('compiled'),
      (caught) => caught as ConfigError,
    );

  it('names an unknown helper, its file and line, the helpers there are and the docs', async () => {
    const error = await compileError('---\nmodel: openai/gpt-4o-mini\n---\n\n{{role "user"}}\nHello\n{{shout name}}\n');
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.message).toBe('Unknown template helper "shout"');
    expect(error).toMatchObject({ file, line: 7, column: 1, docs: 'prompts.md#template' });
    expect(error.hint).toMatch(/json, .*role, .*if, unless, each, with, lookup, log/);
  });

  it('names an unknown block helper at its line and column', async () => {
    const error = await compileError('---\nmodel: x\n---\n{{role "user"}}\nHi {{#nope name}}there{{/nope}}');
    expect(error).toMatchObject({ message: 'Unknown template helper "nope"', file, line: 5, column: 4 });
  });

  it('finds an unknown helper inside a partial, at the line that includes it', async () => {
    const error = await compileError('{{role "user"}}\nHi\n{{> footer}}', { footer: 'Thanks.\n{{shout name}}' });
    expect(error).toMatchObject({ message: 'Unknown template helper "shout" (line 2 of partial "footer")', file, line: 3 });
  });

  it('names a partial that does not exist', async () => {
    const error = await compileError('{{role "user"}}\nHi {{> footr}}', { footer: 'Thanks.' });
    expect(error).toMatchObject({ message: 'Partial "footr" not found', file, line: 2 });
  });

  it('accepts every Dotprompt and Handlebars helper, inline partials and Mustache sections', async () => {
    const template = await compilePromptTemplate(
      '{{#*inline "sign"}}Bye{{/inline}}{{role "system"}}{{json config}} {{#ifEquals a b}}same{{/ifEquals}}\n{{role "user"}}' +
        '{{#if a}}{{lookup config "x"}}{{else}}{{#unless b}}no{{/unless}}{{/if}}{{#each items}}{{@index}}{{/each}}{{#with config}}{{x}}{{/with}}{{#flag}}s{{/flag}} {{> sign}}',
      { id: 'all' },
    );
    expect(await template.render({ a: 1, b: 1, config: { x: 'y' }, items: [1], flag: true })).toEqual([
      { role: 'system', content: '{"x":"y"} same' },
      { role: 'user', content: 'y0ys Bye' },
    ]);
  });
});
