import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderRegistry } from '@assay/providers';
import { ConfigError } from '@assay/spec';
import { openSqliteStore, type Store } from '@assay/store';
import { loadSuite } from './config/load-suite.ts';
import { runEval } from './run-eval.ts';
import { runBounded } from './scheduler.ts';

// Issue 10, "memory that stays flat": a dataset file is read as the scheduler pulls its cases,
// not held whole; these tests show the reading is lazy and that every pass reads the same cases.

let directory: string;
let store: Store;
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'assay-streamed-'));
  store = openSqliteStore({ directory: path.join(directory, '.assay') });
});
afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

const write = (name: string, content: string) => writeFileSync(path.join(directory, name), content);
const jsonlRows = (count: number) => Array.from({ length: count }, (_, index) => JSON.stringify({ id: `c${index}`, word: `w${index}` })).join('\n') + '\n';

describe('streamed datasets (issue 10)', () => {
  it('the scheduler pulls an async source one task per free lane, never ahead', async () => {
    let pulled = 0;
    let pulledWhenFirstRan = -1;
    async function* source() {
      for (let index = 0; index < 1000; index++) {
        pulled++;
        yield index;
      }
    }
    await runBounded(source(), 4, async () => {
      if (pulledWhenFirstRan === -1) pulledWhenFirstRan = pulled;
      await new Promise<void>((resolve) => setImmediate(resolve));
    });
    expect(pulled).toBe(1000);
    // A lane pulls only when it is free: the first task starts before the fifth is read.
    expect(pulledWhenFirstRan).toBeLessThanOrEqual(4);
  });

  it('a source that fails stops the run with its error, and one left early is closed', async () => {
    let closed = false;
    async function* failing() {
      try {
        yield 1;
        yield 2;
        throw new Error('disk went away');
      } finally {
        closed = true;
      }
    }
    const done: number[] = [];
    await expect(runBounded(failing(), 2, async (task) => void done.push(task))).rejects.toThrow('disk went away');
    expect(done).toEqual([1, 2]);
    expect(closed).toBe(true);

    closed = false;
    async function* endless() {
      try {
        for (let index = 0; ; index++) yield index;
      } finally {
        closed = true;
      }
    }
    const controller = new AbortController();
    await runBounded(endless(), 2, async (task) => {
      if (task === 10) controller.abort();
    }, controller.signal);
    expect(closed).toBe(true);
  });

  it('a run reads the JSONL dataset while it calls: a row appended during the run is noticed, not silently left out', async () => {
    write('p.prompt', '{{role "user"}}\nEcho {{word}}');
    // Large enough (about 600 KB) that the reader is still inside the file when the first call returns.
    write('cases.jsonl', jsonlRows(20_000));
    write('suite.yaml', 'prompts: [p.prompt]\nproviders: [echo]\ndataset: cases.jsonl\ndefaultAssert: [{ type: contains, value: "{{word}}" }]\n');
    const suite = await loadSuite(path.join(directory, 'suite.yaml'));
    expect(suite.cases.length).toBe(20_000);
    let appended = false;
    const run = runEval({
      suite,
      store,
      providers: createProviderRegistry({ cwd: directory, cache: false, timeoutMs: 5000, retries: 0 }),
      configPath: path.join(directory, 'suite.yaml'),
      concurrency: 2,
      onEvent: (event) => {
        if (event.type === 'case-result' && !appended) {
          appended = true;
          appendFileSync(path.join(directory, 'cases.jsonl'), `${JSON.stringify({ id: 'late', word: 'late' })}\n`);
        }
      },
    });
    const error = await run.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    // Held in memory, the run would have completed 20,000 cases and never seen the change.
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toMatch(/cases\.jsonl changed since the suite was loaded/);
    const [listed] = await store.listRuns({ limit: 1 });
    expect(listed?.status).toBe('failed');
  });

  it('every pass reads the same cases: a run after the file changed refuses before any call', async () => {
    write('p.prompt', '{{role "user"}}\nEcho {{word}}');
    write('cases.jsonl', jsonlRows(50));
    write('suite.yaml', 'prompts: [p.prompt]\nproviders: [echo]\ndataset: cases.jsonl\n');
    const suite = await loadSuite(path.join(directory, 'suite.yaml'));
    expect((await suite.cases.toArray()).map((testCase) => testCase.id).slice(0, 3)).toEqual(['c0', 'c1', 'c2']);
    write('cases.jsonl', jsonlRows(51));
    await expect(
      runEval({ suite, store, providers: createProviderRegistry({ cwd: directory, cache: false, timeoutMs: 5000, retries: 0 }), configPath: path.join(directory, 'suite.yaml') }),
    ).rejects.toThrow(/changed since the suite was loaded/);
    expect(await store.listRuns({ limit: 5 })).toEqual([]);
  });

  it('a CSV record spanning lines is reported at the line it starts on', async () => {
    write('p.prompt', '{{role "user"}}\n{{q}}');
    write('cases.csv', 'q,__threshold\n"one\ntwo\nthree",0.5\nfine,2\n');
    write('suite.yaml', 'prompts: [p.prompt]\nproviders: [echo]\ndataset: cases.csv\n');
    const error = await loadSuite(path.join(directory, 'suite.yaml')).then(
      () => undefined,
      (caught: unknown) => caught as ConfigError,
    );
    // Rows counted as lines would put the second record on line 3; it starts on line 5.
    expect(error).toMatchObject({ line: 5, field: '__threshold' });
    expect(error!.file).toMatch(/cases\.csv$/);
  });

  it('a promptfoo CSV row is named by its own file and line, in errors and as the case source', async () => {
    write('cases.csv', 'word\nalpha\nbeta\n');
    write('promptfooconfig.yaml', "prompts: ['Say {{word}} {{missing}}']\nproviders: [echo]\ntests: file://cases.csv\n");
    const error = await loadSuite(path.join(directory, 'promptfooconfig.yaml')).then(
      () => undefined,
      (caught: unknown) => caught as ConfigError,
    );
    expect(error?.message).toMatch(/Template variable "missing" .* in case .*cases\.csv:2$/);
    expect(error).toMatchObject({ line: 2 });

    write('promptfooconfig.yaml', "prompts: ['Say {{word}}']\nproviders: [echo]\ntests: file://cases.csv\ndefaultTest:\n  assert: [{ type: contains, value: '{{word}}' }]\n");
    const suite = await loadSuite(path.join(directory, 'promptfooconfig.yaml'));
    const cases = await suite.cases.toArray();
    expect(cases.map((testCase) => testCase.source.replace(/^.*\//, ''))).toEqual(['cases.csv:2', 'cases.csv:3']);
    expect(cases.map((testCase) => testCase.assertions[0]!.assertion.value)).toEqual(['alpha', 'beta']);
  });
});
