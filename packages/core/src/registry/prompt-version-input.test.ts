import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, PushPromptVersionInputSchema, type PushPromptVersionInput } from '@assay/spec';
import { canonicalJson, promptContentHash, promptVersionInput } from './prompt-version-input.ts';

const source = `---
model: openai/gpt-4o-mini
config:
  temperature: 0
tools: [lookupOrder]
input:
  schema:
    question: string
  default:
    tone: friendly
output:
  format: json
  schema:
    answer: string
    escalate?: boolean
metadata:
  owner: support-team
  riskTier: high
  lastReviewed: 2026-09-15
  contract:
    mustCite:
      pattern: "\\\\[doc-\\\\d+\\\\]"
---
{{role "system"}}
You are the Acme Drive support assistant. Be {{tone}}.

{{> knowledge-base}}

{{role "user"}}
{{question}}
`;

/** The partial `{{> knowledge-base}}` above includes, as `_knowledge-base.prompt` beside the file would give it. */
const partials = { 'knowledge-base': '[doc-1] Plans: Free includes 15 GB.\n' };

// The same content: keys reordered, flow style, comments, quoting, CRLF line endings and blank lines.
const reformatted = `---
# Support triage prompt
metadata: { riskTier: "high", owner: support-team, lastReviewed: '2026-09-15', contract: { mustCite: { pattern: '\\[doc-\\d+\\]', minCount: 1 } } }
output:
  schema: { answer: string, escalate?: boolean }
  format: "json"
tools:
  - lookupOrder
config: { temperature: 0 }
input: { default: { tone: friendly }, schema: { question: string } }
model: "openai/gpt-4o-mini"
---

{{role "system"}}
You are the Acme Drive support assistant. Be {{tone}}.

{{> knowledge-base}}

{{role "user"}}
{{question}}


`.replace(/\n/g, '\r\n');

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(ConfigError.isInstance(error)).toBe(true);
  return error as ConfigError;
}

describe('promptVersionInput', () => {
  it('splits a Dotprompt file into template, model config, schemas and metadata', async () => {
    const content = await promptVersionInput(source, { partials, name: 'support/triage' });
    expect(content.name).toBe('support/triage');
    expect(content.source).toBe(source);
    expect(content.template).toBe(
      '{{role "system"}}\nYou are the Acme Drive support assistant. Be {{tone}}.\n\n{{> knowledge-base}}\n\n{{role "user"}}\n{{question}}',
    );
    expect(content.modelConfig).toEqual({
      model: 'openai/gpt-4o-mini',
      config: { temperature: 0 },
      tools: ['lookupOrder'],
      outputFormat: 'json',
      inputDefaults: { tone: 'friendly' },
    });
    // As written: Picoschema stays Picoschema.
    expect(content.inputSchema).toEqual({ question: 'string' });
    expect(content.outputSchema).toEqual({ answer: 'string', 'escalate?': 'boolean' });
    expect(content.metadata).toEqual({
      owner: 'support-team',
      riskTier: 'high',
      lastReviewed: '2026-09-15',
      contract: { mustCite: { pattern: '\\[doc-\\d+\\]', minCount: 1 } },
    });
    expect(content.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('produces what PushPromptVersionInputSchema accepts once author and message are added', async () => {
    const content = await promptVersionInput(source, { partials, name: 'support/triage' });
    const input: PushPromptVersionInput = { ...content, author: 'alice', message: 'first' };
    const parsed = PushPromptVersionInputSchema.parse(input);
    expect(parsed.metadata.lastReviewed).toBe('2026-09-15');
    expect(parsed.contentHash).toBe(content.contentHash);
  });

  it('omits schemas that are not given and works without frontmatter', async () => {
    const content = await promptVersionInput('Summarise {{text}}\n', { name: 'summarise' });
    expect(content).not.toHaveProperty('inputSchema');
    expect(content).not.toHaveProperty('outputSchema');
    expect(content.template).toBe('Summarise {{text}}');
    expect(content.modelConfig).toEqual({});
    expect(content.metadata).toEqual({});
  });

  it('keeps other top-level frontmatter keys in modelConfig', async () => {
    const content = await promptVersionInput('---\nmodel: anthropic/claude-sonnet-4-5\ndescription: Triage\nmyext.tier: gold\n---\nHi', { name: 'triage' });
    expect(content.modelConfig).toEqual({ model: 'anthropic/claude-sonnet-4-5', description: 'Triage', 'myext.tier': 'gold' });
  });

  describe('contentHash', () => {
    it('is the same when only the frontmatter formatting, key order or outer whitespace differ', async () => {
      const a = await promptVersionInput(source, { partials, name: 'support/triage' });
      const b = await promptVersionInput(reformatted, { partials, name: 'support/triage' });
      expect(b.source).not.toBe(a.source);
      expect(b.template).toBe(a.template);
      expect(b.contentHash).toBe(a.contentHash);
    });

    it('changes with any change to the template text, even whitespace inside it', async () => {
      const base = await promptVersionInput(source, { partials, name: 'support/triage' });
      const reworded = await promptVersionInput(source.replace('Be {{tone}}.', 'Be {{tone}} and brief.'), { partials, name: 'support/triage' });
      const spaced = await promptVersionInput(source.replace('Be {{tone}}.', 'Be  {{tone}}.'), { partials, name: 'support/triage' });
      expect(reworded.contentHash).not.toBe(base.contentHash);
      expect(spaced.contentHash).not.toBe(base.contentHash);
      expect(spaced.contentHash).not.toBe(reworded.contentHash);
    });

    it('changes with a frontmatter value: model config, schema, defaults or metadata', async () => {
      const base = (await promptVersionInput(source, { partials, name: 'p' })).contentHash;
      const variants = [
        source.replace('temperature: 0', 'temperature: 0.2'),
        source.replace('question: string', 'question: string, the user question'),
        source.replace('tone: friendly', 'tone: formal'),
        source.replace('riskTier: high', 'riskTier: critical'),
        source.replace('format: json', 'format: text'),
      ];
      const hashes = await Promise.all(variants.map(async (variant) => (await promptVersionInput(variant, { partials, name: 'p' })).contentHash));
      expect(new Set([base, ...hashes]).size).toBe(variants.length + 1);
    });

    it('does not depend on the name or the file', async () => {
      const a = await promptVersionInput(source, { partials, name: 'a' });
      const b = await promptVersionInput(source, { partials, name: 'b', file: 'prompts/b.prompt' });
      expect(a.contentHash).toBe(b.contentHash);
    });

    it('is SHA-256 of the canonical JSON of the content, with null schemas as absent', async () => {
      const content = await promptVersionInput(source, { partials, name: 'p' });
      const { template, modelConfig, inputSchema, outputSchema, metadata } = content;
      const partialHash = createHash('sha256').update(partials['knowledge-base']).digest('hex');
      const expected = createHash('sha256').update(canonicalJson({ template, modelConfig, inputSchema, outputSchema, metadata, partials: { 'knowledge-base': partialHash } })).digest('hex');
      expect(content.contentHash).toBe(expected);
      expect(content.partials).toEqual([{ name: 'knowledge-base', source: partials['knowledge-base'], contentHash: partialHash }]);

      const plain = await promptVersionInput('Hi {{name}}', { name: 'p' });
      expect(promptContentHash({ ...plain, inputSchema: null, outputSchema: null })).toBe(plain.contentHash);
    });
  });

  describe('malformed files', () => {
    it('rejects bad YAML frontmatter with its line', async () => {
      const error = await configError(
        promptVersionInput('---\nmodel: openai/gpt-4o-mini\nconfig:\n  temperature: [0\n---\nHi', { name: 'p', file: 'prompts/p.prompt' }),
      );
      expect(error.file).toBe('prompts/p.prompt');
      expect(error.message).toMatch(/Invalid YAML/);
      // Line 4 of the file (the frontmatter starts on line 2); the docs page is parseYamlSource's.
      expect(error.line).toBe(4);
    });

    it('rejects bad metadata naming the line and field', async () => {
      const error = await configError(promptVersionInput(source.replace('riskTier: high', 'riskTier: extreme'), { name: 'p', file: 'prompts/p.prompt' }));
      expect(error).toMatchObject({ file: 'prompts/p.prompt', line: 18, field: 'metadata.riskTier', docs: 'prompts.md' });
    });

    it('rejects a bad lastReviewed date naming the line', async () => {
      const error = await configError(promptVersionInput(source.replace('lastReviewed: 2026-09-15', 'lastReviewed: last week'), { name: 'p' }));
      expect(error).toMatchObject({ file: 'p', line: 19, field: 'metadata.lastReviewed' });
    });

    it('rejects unbalanced Handlebars with the line in the file', async () => {
      const error = await configError(promptVersionInput('---\nmodel: x\n---\n{{role "user"}}\nHello {{#if name}}there', { name: 'p', file: 'p.prompt' }));
      expect(error.message).toMatch(/template/i);
      expect(error).toMatchObject({ file: 'p.prompt', line: 5, docs: 'prompts.md' });

      const unclosed = await configError(promptVersionInput('---\nmodel: x\n---\n{{role "user"}}\n\nHello {{name}\n', { name: 'p', file: 'p.prompt' }));
      expect(unclosed).toMatchObject({ file: 'p.prompt', line: 6 });
    });

    it('rejects invalid Picoschema', async () => {
      const error = await configError(promptVersionInput('---\noutput:\n  schema:\n    a(badtype): string\n---\nHi', { name: 'p' }));
      expect(error.message).toMatch(/Picoschema/);
    });

    it('rejects a frontmatter that is not a mapping', async () => {
      const error = await configError(promptVersionInput('---\n- a\n- b\n---\nHi', { name: 'p' }));
      expect(error).toMatchObject({ line: 2, docs: 'prompts.md' });
    });

    it('rejects a model that is not a string, naming its line', async () => {
      const error = await configError(promptVersionInput('---\nconfig: {}\nmodel: [a, b]\n---\nHi', { name: 'p' }));
      expect(error).toMatchObject({ line: 3, field: 'model' });
    });

    it('rejects an invalid prompt name with a hint', async () => {
      const error = await configError(promptVersionInput(source, { partials, name: '../etc/passwd', file: 'prompts/x.prompt' }));
      expect(error).toMatchObject({ field: 'name', file: 'prompts/x.prompt', docs: 'prompts-registry.md' });
      expect(error.hint).toMatch(/support\/triage/);
    });

    it('says a name starting with "_" is a partial, and refuses route words after a "/" (issue 11)', async () => {
      const partial = await configError(promptVersionInput('[doc-1] …', { name: '_knowledge-base' }));
      expect(partial.message).toMatch(/each part starting with a letter or digit/);
      expect(partial.hint).toBe('A file whose name starts with "_" is a Dotprompt partial, not a prompt: it is pushed with the prompts that use it ({{> knowledge-base}}).');
      for (const word of ['versions', 'labels', 'diff', 'changelog']) {
        const error = await configError(promptVersionInput('Hi', { name: `support/${word}/x` }));
        expect(error.message).toBe(`Invalid prompt name "support/${word}/x": "${word}" cannot follow a "/" in a prompt name (versions, labels, diff, changelog are API route words)`);
        expect(error.hint).toContain(`support/${word}-prompt/x`);
      }
      expect((await promptVersionInput('Hi', { name: 'labels/support' })).name).toBe('labels/support');
    });
  });

  describe('partials (issue 11)', () => {
    it('records the partials used, directly or through another, and leaves the others out', async () => {
      const content = await promptVersionInput('Hi {{> outer}}', { name: 'p', partials: { outer: 'Outer {{> inner}}', inner: 'Inner', unused: 'Never' } });
      expect(content.partials.map((partial) => partial.name)).toEqual(['inner', 'outer']);
      expect(content.source).toBe('Hi {{> outer}}');
    });

    it('a changed partial changes the hash; a prompt without partials hashes as before partials were versioned', async () => {
      const a = await promptVersionInput(source, { name: 'p', partials });
      const b = await promptVersionInput(source, { name: 'p', partials: { 'knowledge-base': 'Other text' } });
      expect(a.contentHash).not.toBe(b.contentHash);
      const crlf = await promptVersionInput(source, { name: 'p', partials: { 'knowledge-base': partials['knowledge-base'].replace('\n', '\r\n') } });
      expect(crlf.contentHash).toBe(a.contentHash);
      const plain = await promptVersionInput('Hi {{name}}', { name: 'p' });
      const { template, modelConfig, metadata } = plain;
      expect(plain.contentHash).toBe(createHash('sha256').update(canonicalJson({ template, modelConfig, metadata })).digest('hex'));
    });

    it('refuses a partial that is not given, at the line that uses it', async () => {
      const error = await configError(promptVersionInput(source, { name: 'p', file: 'prompts/p.prompt' }));
      expect(error).toMatchObject({ message: 'Partial "knowledge-base" not found', file: 'prompts/p.prompt', line: 27 });
    });
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, 10: 'x', 2: 'y' })).toBe(
      '{"10":"x","2":"y","a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('pretty-prints with the same order', () => {
    expect(canonicalJson({ b: [], a: { c: 'x' }, e: {} }, 2)).toBe('{\n  "a": {\n    "c": "x"\n  },\n  "b": [],\n  "e": {}\n}');
  });
});
