import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer } from '@assay/providers/mock-server';
import { openSqliteStore } from '@assay/store';
import { binPath, makeProject, runCli, simplePrompt, waitForStoredResults } from './cli-harness.ts';

type MockServer = Awaited<ReturnType<typeof startMockServer>>;

const providerBlock = (server: MockServer) =>
  `providers:\n  - id: openai:gpt-4o-mini\n    config: { apiBaseUrl: "${server.url}/v1", apiKey: test }\n`;

describe('assay eval end to end', () => {
  let echo: MockServer;
  beforeAll(async () => {
    echo = await startMockServer({ mode: 'echo' });
  });
  afterAll(async () => {
    await echo.close();
  });

  it('init scaffolds a project that evaluates offline, and -o writes the JSON summary', async () => {
    await using project = makeProject({});
    expect((await runCli(['init', '.'], { cwd: project.directory })).code).toBe(0);
    const result = await runCli(['eval', '-c', 'evals/suite.yaml', '--no-progress', '-o', 'out.json', '-o', 'out.xml'], { cwd: project.directory });
    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/n=3/);
    const output = JSON.parse(readFileSync(path.join(project.directory, 'out.json'), 'utf8'));
    expect(output.runId).toMatch(/^\d{8}-/);
    expect(output.summary.cells).toHaveLength(1);
    const [cell] = output.summary.cells;
    expect(cell).toMatchObject({ prompt: 'support', provider: 'echo', n: 3, passed: 3, passRate: 1 });
    expect(cell.ci95[0]).toBeGreaterThan(0.4);
    expect(cell.ci95[1]).toBe(1);
    expect(readFileSync(path.join(project.directory, 'out.xml'), 'utf8')).toContain('<testsuites');
  });

  it('the demo runs offline on bundled responses and says so', async () => {
    await using project = makeProject({});
    const result = await runCli(['demo', '--no-progress', '-o', 'demo.json'], { cwd: project.directory });
    expect(result.stdout).toContain('bundled sample responses');
    expect(result.code).toBe(0);
    const output = JSON.parse(readFileSync(path.join(project.directory, 'demo.json'), 'utf8'));
    const cells = Object.fromEntries(output.summary.cells.map((cell: { prompt: string }) => [cell.prompt, cell]));
    expect(cells.v1.n).toBe(40);
    expect(cells.v2.n).toBe(40);
    // The bundled responses make v2 better than v1; both are real assertion outcomes.
    expect(cells.v2.passRate).toBeGreaterThan(cells.v1.passRate);
  });

  it('the demo runs the same suite live when OPENAI_BASE_URL is set', async () => {
    await using project = makeProject({});
    const before = echo.stats().requests;
    const result = await runCli(['demo', '--no-progress'], { cwd: project.directory, env: { OPENAI_BASE_URL: `${echo.url}/v1`, OPENAI_API_KEY: 'test' } });
    expect(result.stdout).toContain('LIVE');
    expect(result.stdout).not.toContain('bundled sample responses');
    // 2 prompts × 40 cases, all sent to the server (the echo answers fail the JSON contract: exit 1).
    expect(echo.stats().requests - before).toBe(80);
    expect(result.code).toBe(1);
  });

  it('a threshold that fails exits 1 and names the cell', async () => {
    await using project = makeProject({
      'prompts/hello.prompt': simplePrompt,
      'suite.yaml': `prompts:\n  - prompts/hello.prompt\n${providerBlock(echo)}tests:\n  - vars: { name: Ada }\n    assert: [{ type: contains, value: Ada }]\n  - vars: { name: Bob }\n    assert: [{ type: contains, value: Zed }]\nthreshold: 0.9\n`,
    });
    const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--no-cache'], { cwd: project.directory });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/hello × openai:gpt-4o-mini: pass rate 50\.0% is below threshold 90%/);
  });

  it('runs a promptfoo config unchanged and names the fields it ignores', async () => {
    await using project = makeProject({
      'prompt.txt': 'Please greet {{name}} warmly.',
      'tests.csv': 'name,__expected\nAda,contains: Ada\nBob,icontains: bob\n"Eve, Jr.",not-contains: Mallory\n',
      'promptfooconfig.yaml': [
        'description: greeting',
        'prompts:',
        '  - file://prompt.txt',
        '  - "Say hi to {{name}}"',
        'providers:',
        `  - id: openai:chat:gpt-4o-mini`,
        `    config: { apiBaseUrl: "${echo.url}/v1", apiKey: test, temperature: 0, logit_bias: { "50256": -100 } }`,
        'defaultTest:',
        '  assert:',
        '    - type: javascript',
        '      value: output.length > 3',
        '    - type: icontains',
        '      value: "{{name}}"',
        'tests: file://tests.csv',
        'evaluateOptions:',
        '  maxConcurrency: 4',
        'sharing: false',
        '',
      ].join('\n'),
    });
    const result = await runCli(['eval', '-c', 'promptfooconfig.yaml', '--no-progress', '--no-cache', '-o', 'r.json'], { cwd: project.directory });
    expect(result.stderr).toMatch(/not supported by Assay \(ignored\): .*providers\[\]\.config\.logit_bias.*sharing/);
    expect(result.code).toBe(0);
    const output = JSON.parse(readFileSync(path.join(project.directory, 'r.json'), 'utf8'));
    expect(output.summary.cells.map((cell: { n: number }) => cell.n)).toEqual([3, 3]);
    expect(output.summary.passed).toBe(6);
    const first = output.results.find((item: { vars: { name: string } }) => item.vars.name === 'Eve, Jr.');
    expect(first.assertions.map((assertion: { type: string }) => assertion.type)).toEqual(['not-contains', 'javascript', 'icontains']);
  });

  it("reads promptfoo's env: for its providers (a base URL and key), over the process's own", async () => {
    await using project = makeProject({
      'promptfooconfig.yaml': [
        'prompts: ["Say hi to {{name}}"]',
        'providers: [openai:chat:gpt-4o-mini]',
        'env:',
        `  OPENAI_BASE_URL: "${echo.url}/v1"`,
        '  OPENAI_API_KEY: from-config',
        'tests:',
        '  - vars: { name: Ada }',
        '    assert: [{ type: contains, value: Ada }]',
        '',
      ].join('\n'),
    });
    const before = echo.stats().requests;
    const result = await runCli(['eval', '-c', 'promptfooconfig.yaml', '--no-progress', '--no-cache'], {
      cwd: project.directory,
      env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'from-process' },
    });
    expect(result.stderr).not.toMatch(/not supported by Assay/);
    expect(result.code).toBe(0);
    expect(echo.stats().requests - before).toBe(1);
  });

  it("writes the suite's output files (promptfoo's outputPath) after the run, and -o replaces them", async () => {
    await using project = makeProject({
      'configs/promptfooconfig.yaml': [
        'prompts: ["Say hi to {{name}}"]',
        'providers:',
        '  - id: openai:chat:gpt-4o-mini',
        `    config: { apiBaseUrl: "${echo.url}/v1", apiKey: test }`,
        'tests:',
        '  - vars: { name: Ada }',
        '    assert: [{ type: contains, value: Ada }]',
        'outputPath: [results/run.json, results/run.csv]',
        '',
      ].join('\n'),
    });
    const result = await runCli(['eval', '-c', 'configs/promptfooconfig.yaml', '--no-progress', '--no-cache'], { cwd: project.directory });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/outputPath/);
    // Relative to the config file, like every other path in it.
    const written = path.join(project.directory, 'configs/results');
    expect(result.stdout).toContain(`Wrote ${path.join('configs', 'results', 'run.json')}`);
    expect(JSON.parse(readFileSync(path.join(written, 'run.json'), 'utf8')).summary.passed).toBe(1);
    expect(readFileSync(path.join(written, 'run.csv'), 'utf8')).toMatch(/Ada/);

    const replaced = await runCli(['eval', '-c', 'configs/promptfooconfig.yaml', '--no-progress', '--no-cache', '-o', 'only.jsonl'], { cwd: project.directory });
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain('Wrote only.jsonl');
    expect(replaced.stdout).not.toContain('run.json');
    expect(readFileSync(path.join(project.directory, 'only.jsonl'), 'utf8')).toMatch(/Ada/);

    // A path that cannot be written is a clear error after the run, which stays saved.
    const blocked = await runCli(['eval', '-c', 'configs/promptfooconfig.yaml', '--no-progress', '--no-cache', '-o', 'only.jsonl/r.json'], { cwd: project.directory });
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/only\.jsonl\/r\.json: Could not write the results file: .*EEXIST/);
    expect(blocked.stderr).toMatch(/The run itself is saved \(\d{8}-[0-9a-f]{8}\)/);
    expect(blocked.stderr).not.toMatch(/Internal error/);
    const runId = /The run itself is saved \((\d{8}-[0-9a-f]{8})\)/.exec(blocked.stderr)![1]!;

    // The saved run is written out later without calling the model again.
    const requests = echo.stats().requests;
    const exported = await runCli(['runs', 'export', runId, '-o', 'again/r.json', '-o', 'again/r.xml'], { cwd: project.directory });
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('Wrote again/r.json');
    expect(echo.stats().requests).toBe(requests);
    const again = JSON.parse(readFileSync(path.join(project.directory, 'again/r.json'), 'utf8'));
    expect(again.runId).toBe(runId);
    expect(again.results.map((result: { vars: { name: string } }) => result.vars.name)).toEqual(['Ada']);
    expect(readFileSync(path.join(project.directory, 'again/r.xml'), 'utf8')).toContain('<testsuites');
    const unknown = await runCli(['runs', 'export', 'nope', '-o', 'x.json'], { cwd: project.directory });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No run with id or label "nope"/);
    const badFormat = await runCli(['runs', 'export', runId, '-o', 'x.txt'], { cwd: project.directory });
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/unknown output format/);
  });

  it('runs part of a suite: --failing, --filter, --tag, --first, --prompt and --provider', async () => {
    await using project = makeProject({
      'suite.yaml': [
        'prompts:',
        '  - { id: short, template: "Say {{word}}" }',
        '  - { id: long, template: "Please say {{word}} now" }',
        'providers:',
        '  - echo',
        `  - { id: openai:gpt-4o-mini, label: mock, config: { apiBaseUrl: "${echo.url}/v1", apiKey: test } }`,
        'tests:',
        '  - { id: refund-a, vars: { word: refund }, tags: [billing], assert: [{ type: contains, value: refund }, { type: finish-reason, value: stop }] }',
        '  - { id: refund-b, vars: { word: refund }, tags: [billing], assert: [{ type: contains, value: money }] }',
        '  - { id: login-a, description: Password reset, vars: { word: login }, tags: [account], assert: [{ type: contains, value: login }] }',
        '  - { id: login-b, vars: { word: login }, tags: [account], assert: [{ type: contains, value: nope }] }',
        'threshold: 0',
        '',
      ].join('\n'),
    });
    const run = (...args: string[]) => runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--no-cache', '-o', 'r.json', ...args], { cwd: project.directory });
    const cells = () =>
      (JSON.parse(readFileSync(path.join(project.directory, 'r.json'), 'utf8')) as { summary: { cells: { prompt: string; provider: string; n: number }[] }; results: { caseId: string }[] });

    const full = await run('--label', 'full');
    expect(full.code).toBe(0);
    expect(cells().summary.cells.map((cell) => cell.n)).toEqual([4, 4, 4, 4]);

    const failing = await run('--failing', 'full');
    expect(failing.code).toBe(0);
    expect(failing.stderr).toMatch(/Selected 2 of 4 case\(s\), 2 of 2 prompt\(s\), 2 of 2 provider\(s\) \(--failing \d{8}-/);
    expect([...new Set(cells().results.map((result) => result.caseId))].sort()).toEqual(['login-b', 'refund-b']);

    await run('--filter', 'password|^refund-a$');
    expect([...new Set(cells().results.map((result) => result.caseId))].sort()).toEqual(['login-a', 'refund-a']);
    await run('--tag', 'account', '--first', '1', '--prompt', 'long', '--provider', 'mock');
    expect(cells().summary.cells).toMatchObject([{ prompt: 'long', provider: 'mock', n: 1 }]);
    expect(cells().results.map((result) => result.caseId)).toEqual(['login-a']);

    const none = await run('--tag', 'nothing');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/No case of the suite matches --tag nothing/);
    const unknownPrompt = await run('--prompt', 'medium');
    expect(unknownPrompt.code).toBe(2);
    expect(unknownPrompt.stderr).toMatch(/No prompt "medium" in this suite[\s\S]*short, long/);
    const badPattern = await run('--filter', '(');
    expect(badPattern.code).toBe(2);
    expect(badPattern.stderr).toMatch(/--filter is not a regular expression/);
  });

  it('refuses a selection that leaves no call, rather than running an empty run', async () => {
    await using project = makeProject({
      'suite.yaml': 'prompts: [{ id: p, template: "Say {{word}}" }]\nproviders: [{ id: echo, label: first }, { id: echo, label: second }]\ntests:\n  - { id: a, vars: { word: a }, providers: [second] }\n',
    });
    const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--provider', 'first'], { cwd: project.directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/The selection leaves no call to make \(--provider first\)/);
    // Without the selection, the provider no case runs on has no cell (and fails no threshold).
    const full = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '-o', 'r.json'], { cwd: project.directory });
    expect(full.code).toBe(0);
    const cells = JSON.parse(readFileSync(path.join(project.directory, 'r.json'), 'utf8')).summary.cells;
    expect(cells.map((cell: { provider: string; n: number }) => [cell.provider, cell.n])).toEqual([['second', 1]]);
  });

  it('bad model output (not JSON, empty, enormous) fails assertions with a reason, never crashes', async () => {
    const server = await startMockServer({
      mode: 'rules',
      rules: [
        { match: { contains: 'json' }, response: { content: '{"answer": "cut off' } },
        { match: { contains: 'empty' }, response: { content: '' } },
        { match: { contains: 'huge' }, response: { content: 'x'.repeat(5_000_000) } },
      ],
    });
    try {
      await using project = makeProject({
        'prompts/hello.prompt': simplePrompt,
        'suite.yaml': `prompts:\n  - prompts/hello.prompt\n${providerBlock(server)}tests:\n  - vars: { name: json }\n  - vars: { name: empty }\n  - vars: { name: huge }\ndefaultAssert:\n  - type: is-json\n  - type: javascript\n    value: JSON.parse(output).answer.length > 0\n`,
      });
      const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--no-cache', '-o', 'r.json'], { cwd: project.directory });
      expect(result.code).toBe(1);
      const output = JSON.parse(readFileSync(path.join(project.directory, 'r.json'), 'utf8'));
      expect(output.results).toHaveLength(3);
      for (const item of output.results) {
        expect(item.pass).toBe(false);
        expect(item.error).toBeUndefined();
        for (const assertion of item.assertions) {
          expect(assertion.pass).toBe(false);
          expect(assertion.reason.length).toBeGreaterThan(0);
          expect(assertion.reason.length).toBeLessThan(1000);
        }
      }
    } finally {
      await server.close();
    }
  });

  it('llm-rubric asks the judge model and stores its prompt, raw reply and reasoning', async () => {
    const server = await startMockServer({
      mode: 'rules',
      rules: [
        { match: { contains: '<rubric>' }, response: { content: '```json\n{"reasoning": "Greets Ada by name.", "pass": true, "score": 0.9}\n```' } },
        { response: { content: 'Hello Ada, nice to meet you!' } },
      ],
    });
    try {
      await using project = makeProject({
        'prompts/hello.prompt': simplePrompt,
        'suite.yaml': `prompts:\n  - prompts/hello.prompt\n${providerBlock(server)}tests:\n  - vars: { name: Ada }\n    assert:\n      - type: llm-rubric\n        value: The reply greets the person by name\n\noptions:\n  grader: openai:gpt-4o-mini\n`,
      });
      // The judge (options.grader) reads its base URL and key from the environment.
      const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--no-cache', '-o', 'r.json'], {
        cwd: project.directory,
        env: { OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_API_KEY: 'test' },
      });
      expect(result.stderr).not.toContain('Error');
      expect(result.code).toBe(0);
      const [item] = JSON.parse(readFileSync(path.join(project.directory, 'r.json'), 'utf8')).results;
      const [judged] = item.assertions;
      expect(judged).toMatchObject({ type: 'llm-rubric', pass: true, score: 0.9 });
      expect(judged.judge.prompt).toContain('The reply greets the person by name');
      expect(judged.judge.prompt).toContain('Hello Ada, nice to meet you!');
      expect(judged.judge.raw).toContain('"reasoning"');
      expect(judged.judge.reasoning).toBe('Greets Ada by name.');
    } finally {
      await server.close();
    }
  });

  it('rides out 429s and 5xx: every case finishes, none is dropped', async () => {
    const flaky = await startMockServer({ mode: 'echo', faults: { rate429: 0.3, rate5xx: 0.2, retryAfterSeconds: 0 }, seed: 7 });
    try {
      const cases = Array.from({ length: 30 }, (_, index) => `  - vars: { name: person${index} }\n    assert: [{ type: contains, value: person${index} }]\n`).join('');
      await using project = makeProject({
        'prompts/hello.prompt': simplePrompt,
        'suite.yaml': `prompts:\n  - prompts/hello.prompt\n${providerBlock(flaky)}    retries: 10\ntests:\n${cases}options:\n  concurrency: 4\n`,
      });
      const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--no-cache'], { cwd: project.directory });
      expect(result.stderr).not.toContain('Error');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/30\/30 cases passed/);
      expect(result.stdout).toMatch(/\d+ call\(s\) were retried/);
      expect(flaky.stats().faultsInjected).toBeGreaterThan(0);
    } finally {
      await flaky.close();
    }
  });
});

describe('interrupted runs', () => {
  const caseCount = 60;
  const suiteFor = (server: MockServer) =>
    `prompts:\n  - prompts/hello.prompt\n${providerBlock(server)}tests:\n${Array.from({ length: caseCount }, (_, index) => `  - vars: { name: p${index} }\n`).join('')}defaultAssert:\n  - type: icontains\n    value: "{{name}}"\noptions:\n  concurrency: 2\n`;

  it('kill -9 mid-run, then --resume: no finished call is repeated', async () => {
    const server = await startMockServer({ mode: 'echo', faults: { latencyMs: 40 } });
    try {
      await using project = makeProject({ 'prompts/hello.prompt': simplePrompt, 'suite.yaml': suiteFor(server) });
      const dataDirectory = path.join(project.directory, '.assay');
      const child = spawn(process.execPath, [binPath, 'eval', '-c', 'suite.yaml', '--no-progress', '--no-cache'], { cwd: project.directory, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const { runId } = await waitForStoredResults(dataDirectory, 10);
      child.kill('SIGKILL');
      await exited;

      const store = openSqliteStore({ directory: dataDirectory });
      const storedAtKill = await store.countResults(runId);
      expect((await store.getRun(runId))!.status).toBe('running');
      await store.close();
      expect(storedAtKill).toBeGreaterThanOrEqual(10);
      expect(storedAtKill).toBeLessThan(caseCount);

      // A killed run has no summary to export yet; the error says how to finish it.
      const early = await runCli(['runs', 'export', runId, '-o', 'early.json'], { cwd: project.directory });
      expect(early.code).toBe(2);
      expect(early.stderr).toMatch(new RegExp(`Run ${runId} did not finish \\(status running\\)`));
      expect(early.stderr).toContain(`assay eval --resume ${runId}`);

      const before = server.stats().requests;
      const resumed = await runCli(['eval', '--resume', '--no-progress'], { cwd: project.directory });
      expect(resumed.stderr).not.toContain('Error');
      expect(resumed.code).toBe(0);
      expect(resumed.stdout + resumed.stderr).toContain(runId);
      // Exactly the calls that were not stored are made again.
      expect(server.stats().requests - before).toBe(caseCount - storedAtKill);

      const after = openSqliteStore({ directory: dataDirectory });
      expect(await after.countResults(runId)).toBe(caseCount);
      expect((await after.getRun(runId))!.status).toBe('completed');
      await after.close();
    } finally {
      await server.close();
    }
  });

  it('Ctrl-C keeps what finished and exits 130; --resume <id> completes the run', async () => {
    const server = await startMockServer({ mode: 'echo', faults: { latencyMs: 40 } });
    try {
      await using project = makeProject({ 'prompts/hello.prompt': simplePrompt, 'suite.yaml': suiteFor(server) });
      const dataDirectory = path.join(project.directory, '.assay');
      const child = spawn(process.execPath, [binPath, 'eval', '-c', 'suite.yaml', '--no-progress', '--no-cache'], { cwd: project.directory });
      let stdout = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const { runId } = await waitForStoredResults(dataDirectory, 5);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stdout).toContain(`assay eval --resume ${runId}`);

      const store = openSqliteStore({ directory: dataDirectory });
      expect((await store.getRun(runId))!.status).toBe('interrupted');
      const kept = await store.countResults(runId);
      await store.close();
      expect(kept).toBeGreaterThanOrEqual(5);

      const before = server.stats().requests;
      const resumed = await runCli(['eval', '--resume', runId, '--no-progress'], { cwd: project.directory });
      expect(resumed.code).toBe(0);
      expect(server.stats().requests - before).toBe(caseCount - kept);
    } finally {
      await server.close();
    }
  });
});
