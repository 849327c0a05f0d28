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
