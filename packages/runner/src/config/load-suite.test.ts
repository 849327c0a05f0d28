import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@assay/spec';
import { loadSuite } from './load-suite.ts';
import { expandPlan, planSize } from '../plan.ts';

let directory: string;
const write = (files: Record<string, string>) => {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(directory, name)), { recursive: true });
    writeFileSync(path.join(directory, name), content);
  }
};
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'assay-config-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('loadSuite (Assay format)', () => {
  it('loads prompts, datasets in three formats, defaults and repeat', async () => {
    write({
      'p.prompt': '{{role "user"}}\n{{q}}',
      'cases.jsonl': '{"id": "one", "vars": {"q": "a"}, "tags": ["x"]}\n\n{"q": "bare object is vars"}\n',
      'cases.csv': '__id,q,__expected,__tags\ncsv-1,"a, b",icontains: B,"t1, t2"\n',
      'suite.yaml': 'prompts: [p.prompt]\nproviders: [echo]\ndataset: cases.jsonl\ntests:\n  - vars: { q: inline }\ndefaultAssert: [{ type: not-is-refusal }]\nrepeat: 3\n',
    });
    const suite = await loadSuite(path.join(directory, 'suite.yaml'));
    expect(suite.format).toBe('assay');
    expect((await suite.cases.toArray()).map((testCase) => testCase.id)).toEqual(['one', expect.any(String), expect.any(String)]);
    expect((await suite.cases.toArray())[1]!.vars).toEqual({ q: 'bare object is vars' });
    expect((await suite.cases.toArray())[0]!.tags).toEqual(['x']);
    expect((await suite.cases.toArray())[0]!.source).toMatch(/cases\.jsonl:1$/);
    expect((await suite.cases.toArray())[1]!.source).toMatch(/cases\.jsonl:3$/);
    expect(suite.repeat).toBe(3);
    expect((await suite.cases.toArray())[2]!.assertions.map((compiled) => compiled.assertion.type)).toEqual(['not-is-refusal']);

    write({ 'suite.yaml': 'prompts: [p.prompt]\nproviders: [echo]\ndataset: cases.csv\n' });
    const csv = await loadSuite(path.join(directory, 'suite.yaml'));
    expect((await csv.cases.toArray())[0]).toMatchObject({ id: 'csv-1', vars: { q: 'a, b' }, tags: ['t1', 't2'] });
    expect((await csv.cases.toArray())[0]!.assertions[0]!.assertion).toEqual({ type: 'icontains', value: 'B' });
  });

  it('renders {{var}} in assertion values per case, defaults included', async () => {
    write({
      'p.prompt': '{{role "user"}}\n{{q}}',
      'suite.yaml': 'prompts: [p.prompt]\nproviders: [echo]\ntests:\n  - vars: { q: apple }\n  - vars: { q: pear }\ndefaultAssert:\n  - type: contains\n    value: "{{q}}"\n',
    });
    const suite = await loadSuite(path.join(directory, 'suite.yaml'));
    expect((await suite.cases.toArray()).map((testCase) => testCase.assertions[0]!.assertion.value)).toEqual(['apple', 'pear']);
  });

  it('adds the contract assertion to prompts that declare a contract', async () => {
    write({
      'c.prompt': '---\nmetadata:\n  contract:\n    mustRefuse: [oos]\n---\n{{role "user"}}\n{{q}}',
      'p.prompt': '{{role "user"}}\n{{q}}',
      'suite.yaml': 'prompts: [c.prompt, p.prompt]\nproviders: [echo]\ntests:\n  - vars: { q: a }\n',
    });
    const suite = await loadSuite(path.join(directory, 'suite.yaml'));
    expect(suite.promptAssertions.c!.map((compiled) => compiled.assertion.type)).toEqual(['contract']);
    expect(suite.promptAssertions.p).toEqual([]);
  });

  it("reads promptfoo's CSV columns __threshold, __metric and __metadata:<key>", async () => {
    write({
      'p.prompt': '{{role "user"}}\n{{q}}',
      'cases.csv': 'q,__expected,__expected2,__metric,__threshold,__metadata:owner\napple,contains: apple,icontains: APPLE,fruit,0.5,ann\npear,contains: pear,,,,\n',
      'suite.yaml': 'prompts: [p.prompt]\nproviders: [echo]\ndataset: cases.csv\n',
    });
    const suite = await loadSuite(path.join(directory, 'suite.yaml'));
    const [apple, pear] = await suite.cases.toArray();
    expect(apple!.vars).toEqual({ q: 'apple' });
    expect(apple!.threshold).toBe(0.5);
    expect(apple!.assertions.map((compiled) => compiled.assertion)).toEqual([
      { type: 'contains', value: 'apple', metric: 'fruit' },
      { type: 'icontains', value: 'APPLE', metric: 'fruit' },
    ]);
    expect(pear!.vars).toEqual({ q: 'pear' });
    expect(pear!.threshold).toBeUndefined();
    expect(pear!.assertions.map((compiled) => compiled.assertion)).toEqual([{ type: 'contains', value: 'pear' }]);
  });

  it('rejects CSV columns it would otherwise pass on as variables by mistake', async () => {
    write({
      'p.prompt': '{{role "user"}}\n{{q}}',
      'cases.csv': 'q,__prefix\napple,Answer briefly:\n',
      'bad-threshold.csv': 'q,__threshold\napple,\npear,high\n',
      'suite.yaml': 'prompts: [p.prompt]\nproviders: [echo]\ndataset: cases.csv\n',
      'suite2.yaml': 'prompts: [p.prompt]\nproviders: [echo]\ndataset: bad-threshold.csv\n',
    });
    const prefix = await loadSuite(path.join(directory, 'suite.yaml')).catch((caught) => caught);
    expect(ConfigError.isInstance(prefix)).toBe(true);
    expect(prefix).toMatchObject({ line: 1, field: '__prefix' });
    expect(prefix.message).toMatch(/Unknown special column "__prefix"/);
    expect(prefix.hint).toMatch(/variable/);
    const threshold = await loadSuite(path.join(directory, 'suite2.yaml')).catch((caught) => caught);
    expect(threshold).toMatchObject({ line: 3, field: '__threshold' });
    expect(threshold.message).toMatch(/"high"/);
  });

  it('resolves output files next to the suite and rejects one it cannot write, at its line', async () => {
    write({
      'p.prompt': '{{role "user"}}\n{{q}}',
      'evals/suite.yaml': 'prompts: [../p.prompt]\nproviders: [echo]\ntests: [{ vars: { q: a } }]\noutput: out/results.html\n',
      'evals/bad.yaml': 'prompts: [../p.prompt]\nproviders: [echo]\ntests: [{ vars: { q: a } }]\noutput:\n  - ok.json\n  - results.txt\n',
    });
    const suite = await loadSuite(path.join(directory, 'evals/suite.yaml'));
    expect(suite.output).toEqual([path.join(directory, 'evals/out/results.html')]);
    const error = await loadSuite(path.join(directory, 'evals/bad.yaml')).catch((caught) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ line: 6 });
    expect(error.message).toMatch(/must end in \.json, \.jsonl, \.csv, \.xml, \.html/);
  });

  it('runs a case only on the providers it names, and rejects a name that matches none', async () => {
    write({
      'p.prompt': '{{role "user"}}\n{{q}}',
      'cases.jsonl': '{"vars": {"q": "file"}, "providers": ["openai:*"]}\n{"vars": {"q": "typo"}, "providers": ["opnai:*"]}\n',
      'suite.yaml': [
        'prompts: [p.prompt]',
        'providers: [echo, { id: openai:gpt-4o-mini, label: fast }, anthropic:claude-haiku-4-5]',
        'tests:',
        '  - vars: { q: everywhere }',
        '  - vars: { q: fast only }',
        '    providers: [fast]',
        '  - vars: { q: by name }',
        '    providers: [anthropic, echo]',
        '  - vars: { q: nowhere }',
        '    providers: []',
        '',
      ].join('\n'),
      'typo.yaml': 'prompts: [p.prompt]\nproviders: [echo]\ntests:\n  - vars: { q: a }\n    providers: [echo, ecko]\n',
      'file-typo.yaml': 'prompts: [p.prompt]\nproviders: [echo, openai:gpt-4o-mini]\ndataset: cases.jsonl\n',
    });
    const suite = await loadSuite(path.join(directory, 'suite.yaml'));
    expect((await suite.cases.toArray()).map((testCase) => testCase.providers)).toEqual([undefined, ['fast'], ['echo', 'anthropic:claude-haiku-4-5'], []]);
    const plan: string[] = [];
    for await (const call of expandPlan(suite)) plan.push(`${call.testCase.vars.q} @ ${call.provider.label}`);
    expect(plan).toEqual([
      'everywhere @ echo',
      'everywhere @ fast',
      'everywhere @ anthropic:claude-haiku-4-5',
      'fast only @ fast',
      'by name @ echo',
      'by name @ anthropic:claude-haiku-4-5',
    ]);
    expect(await planSize(suite)).toBe(plan.length);
    expect(await planSize(suite, 3)).toBe(plan.length * 3);
    expect(suite.warnings.join('\n')).toMatch(/runs on no provider \(providers: \[\]\) and is skipped/);

    const typo = await loadSuite(path.join(directory, 'typo.yaml')).catch((caught) => caught);
    expect(ConfigError.isInstance(typo)).toBe(true);
    expect(typo).toMatchObject({ line: 5 });
    expect(typo.message).toMatch(/names provider "ecko", which matches none/);
    expect(typo.hint).toMatch(/The suite's providers: echo\./);
    const fileTypo = await loadSuite(path.join(directory, 'file-typo.yaml')).catch((caught) => caught);
    expect(fileTypo).toMatchObject({ line: 2, field: 'providers[0]' });
    expect(fileTypo.message).toMatch(/"opnai:\*"/);

    write({ 'empty.yaml': 'prompts: [p.prompt]\nproviders: [echo]\ntests:\n  - vars: { q: a }\n    providers: []\n' });
    const empty = await loadSuite(path.join(directory, 'empty.yaml')).catch((caught) => caught);
    expect(empty.message).toMatch(/Every case has `providers: \[\]`, so the suite makes no call/);
  });

  it('rejects duplicate case ids with the line of the second', async () => {
    write({
      'p.prompt': '{{role "user"}}\n{{q}}',
      'suite.yaml': 'prompts: [p.prompt]\nproviders: [echo]\ntests:\n  - id: same\n    vars: { q: a }\n  - id: same\n    vars: { q: b }\n',
    });
    const error = await loadSuite(path.join(directory, 'suite.yaml')).catch((caught) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ line: 6 });
    expect(error.message).toMatch(/Two cases share the id "same"/);
  });
});

describe('loadSuite (promptfoo format)', () => {
  it('converts prompts, providers, tests, defaultTest and evaluateOptions', async () => {
    write({
      'prompts.txt': 'First {{topic}}\n---\nSecond {{topic}}\n',
      'chat.json': JSON.stringify([{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'About {{topic}}' }]),
      'tests.jsonl': '{"vars": {"topic": "tea"}, "assert": [{"type": "icontains", "value": "{{topic}}"}]}\n',
      'promptfooconfig.yaml': [
        'prompts: [file://prompts.txt, file://chat.json, "Inline {{topic}}"]',
        'providers:',
        '  - openai:chat:gpt-4o-mini',
        '  - id: anthropic:messages:claude-sonnet-4',
        '    config: { temperature: 0, max_tokens: 100, apiKeyEnvar: MY_KEY, frequency_penalty: 0.5, stop: END, top_k: 40, response_format: { type: json_object } }',
        '  - ollama:chat:llama3',
        'tests: file://tests.jsonl',
        'defaultTest:',
        '  vars: { extra: 1 }',
        '  assert: [{ type: javascript, value: "output.length > 0", transform: "output.trim()" }]',
        '  options: { provider: openai:gpt-4o }',
        'evaluateOptions: { maxConcurrency: 3, repeat: 2, delay: 10 }',
        'outputPath: out.json',
      ].join('\n'),
    });
    const suite = await loadSuite(path.join(directory, 'promptfooconfig.yaml'));
    expect(suite.format).toBe('promptfoo');
    expect(suite.prompts.map((prompt) => prompt.id)).toEqual(['prompts.txt#1', 'prompts.txt#2', 'chat.json', 'prompt-3']);
    expect(await suite.prompts[2]!.render({ topic: 'tea' })).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'About tea' },
    ]);
    expect(suite.providers.map((provider) => provider.id)).toEqual(['openai:gpt-4o-mini', 'anthropic:claude-sonnet-4', 'ollama:llama3']);
    expect(suite.providers[1]!.config).toEqual({ temperature: 0, maxTokens: 100, apiKeyEnv: 'MY_KEY', frequencyPenalty: 0.5, stopSequences: ['END'], topK: 40, responseFormat: 'json' });
    expect(suite.options.concurrency).toBe(3);
    expect(suite.repeat).toBe(2);
    expect((await suite.cases.toArray())[0]!.vars).toEqual({ extra: 1, topic: 'tea' });
    expect((await suite.cases.toArray())[0]!.assertions.map((compiled) => compiled.assertion)).toEqual([
      { type: 'icontains', value: 'tea' },
      { type: 'javascript', value: 'output.length > 0', transform: 'output.trim()' },
    ]);
    expect(suite.options.grader).toBe('openai:gpt-4o');
    expect(suite.warnings).toHaveLength(1);
    expect(suite.warnings[0]).toMatch(/evaluateOptions\.delay/);
    expect(suite.warnings[0]).not.toMatch(/transform/);
    expect(suite.warnings[0]).not.toMatch(/outputPath/);
    expect(suite.output).toEqual([path.join(directory, 'out.json')]);
    expect(suite.warnings[0]).not.toMatch(/defaultTest\.options/);
  });

  it('reads file:// var values from disk', async () => {
    write({
      'docs/policy.txt': 'Refunds within 14 days.',
      'promptfooconfig.yaml': 'prompts: ["{{policy}} {{q}}"]\nproviders: [echo]\ndefaultTest:\n  vars: { policy: file://docs/policy.txt }\ntests:\n  - vars: { q: why }\n',
    });
    const suite = await loadSuite(path.join(directory, 'promptfooconfig.yaml'));
    expect((await suite.cases.toArray())[0]!.vars).toEqual({ policy: 'Refunds within 14 days.', q: 'why' });
  });

  it('accepts promptfoo assertion names that Assay spells differently', async () => {
    write({
      'promptfooconfig.yaml': 'prompts: ["Hi {{name}}"]\nproviders: [echo]\ntests:\n  - vars: { name: a }\n    assert:\n      - type: is-valid-openai-tools-call\n      - type: not-is-valid-function-call\n      - type: model-graded-closedqa\n        value: greets a\n',
    });
    const suite = await loadSuite(path.join(directory, 'promptfooconfig.yaml'));
    expect((await suite.cases.toArray())[0]!.assertions.map((compiled) => compiled.assertion.type)).toEqual(['is-valid-tool-call', 'not-is-valid-tool-call', 'llm-rubric']);
  });

  it('reads tests from globs and vars from YAML files, and maps options.provider to the grader', async () => {
    write({
      'cases/b.yaml': '- vars: { name: b }\n',
      'cases/a.yaml': '- vars: { name: a }\n  assert: [{ type: icontains, value: A }]\n',
      'cases/ignored.txt': 'not a dataset',
      'vars/c.yaml': 'name: c\n',
      'promptfooconfig.yaml': [
        'prompts: ["Hi {{name}}"]',
        'providers: [echo]',
        'defaultTest:',
        '  options: { provider: openai:chat:gpt-4o-mini }',
        'tests:',
        '  - vars: file://vars/c.yaml',
        '    options: { provider: anthropic:messages:claude-haiku-4-5 }',
        '    assert:',
        '      - { type: llm-rubric, value: greets c }',
        '      - { type: llm-rubric, value: is short, provider: echo }',
        '      - { type: contains, value: c }',
        '  - file://cases/*.yaml',
        '',
      ].join('\n'),
    });
    const suite = await loadSuite(path.join(directory, 'promptfooconfig.yaml'));
    expect((await suite.cases.toArray()).map((testCase) => testCase.vars.name)).toEqual(['c', 'a', 'b']);
    expect(suite.options.grader).toBe('openai:gpt-4o-mini');
    expect((await suite.cases.toArray())[0]!.assertions.map((compiled) => compiled.assertion.provider)).toEqual(['anthropic:claude-haiku-4-5', 'echo', undefined]);
    expect(suite.warnings.join('\n')).not.toMatch(/options/);
  });

  it('expands list vars and file globs into one case per combination, as promptfoo does', async () => {
    write({
      'docs/a.txt': 'Alpha text',
      'docs/b.txt': 'Beta text',
      'promptfooconfig.yaml': [
        'prompts: ["{{lang}}: {{text}} {{doc}}"]',
        'providers: [echo]',
        'tests:',
        '  - vars: { lang: [French, German], text: [hi, bye], doc: "", meta: [{ k: 1 }] }',
        '  - vars: { lang: [Dutch, Danish], text: kept, doc: "" }',
        '    options: { disableVarExpansion: true }',
        '  - vars: { lang: Latin, text: x, doc: "file://docs/*.txt" }',
        '',
      ].join('\n'),
    });
    const suite = await loadSuite(path.join(directory, 'promptfooconfig.yaml'));
    expect((await suite.cases.toArray()).map((testCase) => testCase.vars)).toEqual([
      { lang: 'French', text: 'hi', doc: '', meta: [{ k: 1 }] },
      { lang: 'French', text: 'bye', doc: '', meta: [{ k: 1 }] },
      { lang: 'German', text: 'hi', doc: '', meta: [{ k: 1 }] },
      { lang: 'German', text: 'bye', doc: '', meta: [{ k: 1 }] },
      { lang: ['Dutch', 'Danish'], text: 'kept', doc: '' },
      { lang: 'Latin', text: 'x', doc: 'Alpha text' },
      { lang: 'Latin', text: 'x', doc: 'Beta text' },
    ]);
    expect(new Set((await suite.cases.toArray()).map((testCase) => testCase.id)).size).toBe(7);
    expect(suite.warnings.join('\n')).not.toMatch(/disableVarExpansion/);
  });

  it("reads promptfoo's provider filters on tests and defaultTest", async () => {
    write({
      'promptfooconfig.yaml': [
        'prompts: ["Hi {{name}}"]',
        'providers:',
        '  - openai:chat:gpt-4o-mini',
        '  - id: anthropic:messages:claude-haiku-4-5',
        '    label: haiku',
        '  - echo',
        'defaultTest:',
        '  providers: [echo]',
        '  threshold: 0.5',
        'tests:',
        '  - vars: { name: a }',
        '  - vars: { name: b }',
        '    providers: ["openai:chat:*", haiku]',
        '  - vars: { name: c }',
        '    providers: openai:chat:gpt-4o-mini',
        '',
      ].join('\n'),
    });
    const suite = await loadSuite(path.join(directory, 'promptfooconfig.yaml'));
    expect((await suite.cases.toArray()).map((testCase) => testCase.providers)).toEqual([['echo'], ['openai:gpt-4o-mini', 'haiku'], ['openai:gpt-4o-mini']]);
    expect(await planSize(suite)).toBe(4);
    expect((await suite.cases.toArray()).map((testCase) => testCase.threshold)).toEqual([0.5, 0.5, 0.5]);
    expect(suite.warnings.join('\n')).not.toMatch(/providers|threshold/);
  });

  it("applies promptfoo's output transforms (test, defaultTest and assertion) before the assertions they cover", async () => {
    write({
      'promptfooconfig.yaml': [
        'prompts: ["{{json}}"]',
        'providers: [echo]',
        'defaultTest:',
        '  options: { transform: "JSON.parse(output).answer" }',
        '  assert:',
        '    - { type: icontains, value: paris }',
        'tests:',
        '  - vars: { json: \'{"answer": "Paris"}\' }',
        '  - vars: { json: \'{"city": "Paris"}\' }',
        '    options: { transform: "JSON.parse(output).city" }',
        '    assert:',
        '      - { type: equals, value: PARIS, transform: output.toUpperCase() }',
        '',
      ].join('\n'),
    });
    const suite = await loadSuite(path.join(directory, 'promptfooconfig.yaml'));
    expect(suite.warnings.join('\n')).not.toMatch(/transform/);
    expect((await suite.cases.toArray()).map((testCase) => testCase.assertions.map((compiled) => compiled.assertion))).toEqual([
      [{ type: 'icontains', value: 'paris', transform: 'JSON.parse(output).answer' }],
      [
        { type: 'equals', value: 'PARIS', transform: ['JSON.parse(output).city', 'output.toUpperCase()'] },
        { type: 'icontains', value: 'paris', transform: 'JSON.parse(output).city' },
      ],
    ]);
  });

  it('reads prompt globs and scenarios (each config entry with each scenario test)', async () => {
    write({
      'prompts/b.txt': 'B {{lang}} {{text}}',
      'prompts/a.txt': 'A {{lang}} {{text}}',
      'more-scenarios.yaml': '- description: extra\n  config: [{ vars: { lang: Latin } }]\n  tests: [{ vars: { text: x } }]\n',
      'promptfooconfig.yaml': [
        'prompts: ["file://prompts/*.txt"]',
        'providers: [echo]',
        'tests:',
        '  - vars: { lang: English, text: plain }',
        'scenarios:',
        '  - description: translations',
        '    config:',
        '      - vars: { lang: French }',
        '        assert: [{ type: icontains, value: french }]',
        '      - vars: { lang: German }',
        '    tests:',
        '      - vars: { text: hello }',
        '        assert: [{ type: contains, value: hello }]',
        '      - description: bye',
        '        vars: { text: bye }',
        '  - file://more-scenarios.yaml',
        '',
      ].join('\n'),
    });
    const suite = await loadSuite(path.join(directory, 'promptfooconfig.yaml'));
    expect(suite.prompts.map((prompt) => prompt.id)).toEqual(['a.txt', 'b.txt']);
    expect((await suite.cases.toArray()).map((testCase) => [testCase.vars.lang, testCase.vars.text, testCase.description])).toEqual([
      ['English', 'plain', undefined],
      ['French', 'hello', 'translations'],
      ['French', 'bye', 'bye'],
      ['German', 'hello', 'translations'],
      ['German', 'bye', 'bye'],
      ['Latin', 'x', 'extra'],
    ]);
    expect((await suite.cases.toArray())[1]!.assertions.map((compiled) => compiled.assertion)).toEqual([
      { type: 'icontains', value: 'french' },
      { type: 'contains', value: 'hello' },
    ]);
    expect(suite.warnings.join('\n')).not.toMatch(/scenarios/);
  });

  it("converts promptfoo's assert-set, rendering {{vars}} in the assertions inside it", async () => {
    write({
      'promptfooconfig.yaml': [
        'prompts: ["Say {{word}}"]',
        'providers: [echo]',
        'tests:',
        '  - vars: { word: refund }',
        '    assert:',
        '      - type: assert-set',
        '        threshold: 0.5',
        '        assert:',
        '          - { type: icontains, value: "{{word}}" }',
        '          - { type: is-valid-openai-tools-call }',
        '',
      ].join('\n'),
    });
    const suite = await loadSuite(path.join(directory, 'promptfooconfig.yaml'));
    expect((await suite.cases.toArray())[0]!.assertions.map((compiled) => compiled.assertion)).toEqual([
      { type: 'assert-set', threshold: 0.5, assert: [{ type: 'icontains', value: 'refund' }, { type: 'is-valid-tool-call' }] },
    ]);
    expect(suite.warnings.join('\n')).not.toMatch(/assert\[\]\.assert/);
  });

  it('says which tests source it cannot read, and names a vars value that is not a mapping', async () => {
    write({
      'glob.yaml': 'prompts: ["Hi {{name}}"]\nproviders: [echo]\ntests: file://nowhere/*.csv\n',
      'hub.yaml': 'prompts: ["Hi {{name}}"]\nproviders: [echo]\ntests: huggingface://datasets/some/set\n',
      'vars.yaml': 'prompts: ["Hi {{name}}"]\nproviders: [echo]\ntests:\n  - vars: { name: a }\n  - vars: file://more.csv\n',
    });
    const glob = await loadSuite(path.join(directory, 'glob.yaml'), { format: 'promptfoo' }).catch((caught) => caught);
    expect(glob.message).toMatch(/No test files match "file:\/\/nowhere\/\*\.csv"/);
    const hub = await loadSuite(path.join(directory, 'hub.yaml'), { format: 'promptfoo' }).catch((caught) => caught);
    expect(hub.message).toMatch(/"huggingface:\/\/datasets\/some\/set" is not supported/);
    const vars = await loadSuite(path.join(directory, 'vars.yaml'), { format: 'promptfoo' }).catch((caught) => caught);
    expect(vars).toMatchObject({ line: 5, field: 'tests[1].vars' });
  });

  it('points a bad promptfoo assertion at its line in the promptfoo file', async () => {
    write({
      'promptfooconfig.yaml': 'prompts: ["Hi {{name}}"]\nproviders: [echo]\ndefaultTest:\n  assert:\n    - type: is-jsonn\ntests:\n  - vars: { name: a }\n',
    });
    const error = await loadSuite(path.join(directory, 'promptfooconfig.yaml')).catch((caught) => caught);
    expect(error).toMatchObject({ line: 5 });
    expect(error.hint).toMatch(/is-json/);
  });
});

// Issue 10: a mistyped provider id (`openai:chatt:gpt-4o-mini`) was accepted and sent to the
// network, and a dataset that could not be read named its path but not the line of the suite that
// referenced it. Each error must point at the line where the user typed the wrong thing.

/** The ConfigError loading `file` fails with. */
async function loadError(file: string, options: { format?: 'assay' | 'promptfoo' } = {}): Promise<ConfigError> {
  const error = await loadSuite(path.join(directory, file), options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(ConfigError.isInstance(error), String(error)).toBe(true);
  return error as ConfigError;
}

const assay = (body: string) => `prompts:\n  - template: 'Hi {{name}}'\n${body}`;
const promptfoo = (body: string) => `prompts:\n  - 'Hi {{name}}'\n${body}`;

describe('provider ids are checked where they are written (issue 10)', () => {
  it.each([
    ['a provider', assay('providers:\n  - echo\n  - openai:chatt:gpt-4o-mini\ntests:\n  - vars: { name: a }\n'), 5, 'providers[1]', /unknown API type "chatt"/, '"openai:chat:gpt-4o-mini" or "openai:gpt-4o-mini"'],
    ['a misspelt prefix', assay('providers:\n  - id: opnai:gpt-4o\ntests:\n  - vars: { name: a }\n'), 4, 'providers[0]', /unknown provider "opnai"/, '"openai:gpt-4o"'],
    ['the grader', assay('providers: [echo]\noptions:\n  grader: anthropic:mesages:claude-haiku-4-5\ntests:\n  - vars: { name: a }\n'), 5, 'options.grader', /unknown API type "mesages"/, '"anthropic:messages:claude-haiku-4-5"'],
    [
      "a model-graded assertion's judge, inside an assert-set",
      assay('providers: [echo]\ntests:\n  - vars: { name: a }\n    assert:\n      - type: assert-set\n        assert:\n          - type: llm-rubric\n            value: polite\n            provider: openai:caht:gpt-4o\n'),
      11,
      'tests[0].assert[0].assert[0].provider',
      /unknown API type "caht"/,
      '"openai:chat:gpt-4o"',
    ],
    ['an API Assay does not call', assay('providers:\n  - openai:completion:gpt-3.5-turbo-instruct\ntests:\n  - vars: { name: a }\n'), 4, 'providers[0]', /does not call the "completion" API/, '"openai:gpt-3.5-turbo-instruct"'],
  ])('%s', async (_, suite, line, field, message, suggestion) => {
    write({ 'suite.yaml': suite });
    const error = await loadError('suite.yaml');
    expect(error).toMatchObject({ line, field });
    expect(error.file).toMatch(/suite\.yaml$/);
    expect(error.message).toMatch(message);
    expect(error.hint).toContain(suggestion);
  });

  it("a judge file's provider, at its line in the judge file", async () => {
    write({
      'judges/polite.yaml': 'type: llm-rubric\nvalue: Is it polite?\nprovider: openai:chatt:gpt-4o-mini\n',
      'suite.yaml': assay('providers: [echo]\ntests:\n  - vars: { name: a }\n    assert:\n      - type: judge\n        value: judges/polite.yaml\n'),
    });
    const error = await loadError('suite.yaml');
    expect(error.file).toMatch(/judges\/polite\.yaml$/);
    expect(error).toMatchObject({ line: 3 });
    expect(error.hint).toContain('"openai:chat:gpt-4o-mini"');
  });

  it("in promptfoo configs: providers, and defaultTest's grading provider", async () => {
    write({
      'providers.yaml': promptfoo('providers:\n  - id: openai:chatt:gpt-4o-mini\ntests:\n  - vars: { name: a }\n'),
      'grader.yaml': promptfoo('providers: [echo]\ndefaultTest:\n  options:\n    provider: opnai:gpt-4o\ntests:\n  - vars: { name: a }\n'),
    });
    const provider = await loadError('providers.yaml', { format: 'promptfoo' });
    expect(provider).toMatchObject({ line: 4, field: 'providers[0]' });
    expect(provider.hint).toContain('"openai:chat:gpt-4o-mini"');
    const grader = await loadError('grader.yaml', { format: 'promptfoo' });
    expect(grader).toMatchObject({ line: 6, field: 'defaultTest.options.provider' });
    expect(grader.hint).toContain('"openai:gpt-4o"');
  });

  it('a judge in a dataset row, at the row', async () => {
    write({
      'cases.jsonl': '{"vars": {"name": "a"}}\n{"vars": {"name": "b"}, "assert": [{"type": "llm-rubric", "value": "ok", "provider": "openai:chatt:gpt-4o"}]}\n',
      'suite.yaml': assay('providers: [echo]\ndataset: cases.jsonl\n'),
    });
    const error = await loadError('suite.yaml');
    expect(error.file).toMatch(/cases\.jsonl$/);
    expect(error).toMatchObject({ line: 2, field: 'assert[0].provider' });
  });
});

describe('a dataset that cannot be read names the line that references it, and the path (issue 10)', () => {
  it('Assay `dataset:` naming a missing file, a folder or an unknown format', async () => {
    mkdirSync(path.join(directory, 'data', 'folder'), { recursive: true });
    write({
      'missing.yaml': assay('providers: [echo]\n\ndataset: data/missing.csv\n'),
      'folder.yaml': assay('providers: [echo]\ndataset: data/folder\n'),
      'format.yaml': assay('providers: [echo]\ndataset: data/cases.txt\n'),
      'data/cases.txt': 'name\na\n',
    });
    const missing = await loadError('missing.yaml');
    expect(missing.file).toMatch(/missing\.yaml$/);
    expect(missing).toMatchObject({ line: 5, field: 'dataset', message: 'Dataset file not found: data/missing.csv' });
    expect(missing.hint).toContain(path.join(directory, 'data', 'missing.csv'));
    expect(await loadError('folder.yaml')).toMatchObject({ line: 4, message: 'Dataset data/folder is a folder, not a file' });
    expect(await loadError('format.yaml')).toMatchObject({ line: 4, message: 'Unsupported dataset format ".txt": data/cases.txt' });
  });

  it('Assay `tests:` given a file or a sentence instead of a list', async () => {
    write({
      'file.yaml': assay('providers: [echo]\ntests: file://data/missing.csv\n'),
      'words.yaml': assay('providers: [echo]\ntests: "all of them"\n'),
    });
    const file = await loadError('file.yaml');
    expect(file).toMatchObject({ line: 4, field: 'tests' });
    expect(file.message).toBe('`tests:` is a list of test cases, not "file://data/missing.csv"');
    expect(file.hint).toContain('dataset: data/missing.csv');
    const words = await loadError('words.yaml');
    expect(words).toMatchObject({ line: 4, field: 'tests' });
    expect(words.hint).toContain('dataset: data/cases.jsonl');
  });

  it.each([
    ['tests: file://data/missing.csv', promptfoo('providers: [echo]\ntests: file://data/missing.csv\n'), 4, 'tests', 'Dataset file not found: file://data/missing.csv', 'data/missing.csv'],
    ['tests: "all of them"', promptfoo('providers: [echo]\ntests: "all of them"\n'), 4, 'tests', 'Dataset file not found: all of them', '`tests:` takes a list of test cases'],
    ['a list entry', promptfoo('providers: [echo]\ntests:\n  - vars: { name: a }\n  - file://data/missing.jsonl\n'), 6, 'tests[1]', 'Dataset file not found: file://data/missing.jsonl', 'data/missing.jsonl'],
    ['a glob that matches nothing', promptfoo('providers: [echo]\ntests:\n  - file://nowhere/*.csv\n'), 5, 'tests[0]', 'No test files match "file://nowhere/*.csv"', 'relative to the config file'],
    ['a vars file', promptfoo('providers: [echo]\ntests:\n  - vars: file://vars/missing.yaml\n'), 5, 'tests[0].vars', 'Vars file not found: file://vars/missing.yaml', 'vars/missing.yaml'],
    ['a var file', promptfoo('providers: [echo]\ntests:\n  - vars:\n      name: file://names/missing.txt\n'), 6, 'tests[0].vars.name', 'Var file not found: file://names/missing.txt', 'names/missing.txt'],
    ["defaultTest's var glob", promptfoo('providers: [echo]\ndefaultTest:\n  vars:\n    name: file://names/*.txt\ntests:\n  - vars: { other: 1 }\n'), 6, 'defaultTest.vars.name', 'No files match the var "name": file://names/*.txt', 'relative to the config file'],
    ['a scenario file', promptfoo('providers: [echo]\nscenarios:\n  - file://scenarios/missing.yaml\n'), 5, 'scenarios[0]', 'Scenario file not found: file://scenarios/missing.yaml', 'scenarios/missing.yaml'],
  ])('promptfoo %s', async (_, config, line, field, message, hint) => {
    write({ 'promptfooconfig.yaml': config });
    const error = await loadError('promptfooconfig.yaml');
    expect(error.file).toMatch(/promptfooconfig\.yaml$/);
    expect(error).toMatchObject({ line, field, message });
    expect(error.hint).toContain(hint);
  });

  it('promptfoo: a var file named in a dataset row or a scenario file points at that row or line', async () => {
    write({
      'rows.csv': 'name\nAda\nfile://names/missing.txt\n',
      'scenarios.yaml': '- config:\n    - vars:\n        name: file://names/gone.txt\n  tests:\n    - vars: { other: 1 }\n',
      'rows.yaml': promptfoo('providers: [echo]\ntests: file://rows.csv\n'),
      'scenario.yaml': promptfoo('providers: [echo]\nscenarios:\n  - file://scenarios.yaml\n'),
    });
    const row = await loadError('rows.yaml');
    expect(row.file).toMatch(/rows\.csv$/);
    expect(row).toMatchObject({ line: 3, message: 'Var file not found: file://names/missing.txt' });
    const scenario = await loadError('scenario.yaml');
    expect(scenario.file).toMatch(/scenarios\.yaml$/);
    expect(scenario).toMatchObject({ line: 3, message: 'Var file not found: file://names/gone.txt' });
  });
});
