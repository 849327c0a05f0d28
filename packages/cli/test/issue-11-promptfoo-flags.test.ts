// promptfoo users type promptfoo's `eval` flags (issue 11): they work, or are named in one warning.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer } from '@assay/providers/mock-server';
import { openSqliteStore } from '@assay/store';
import { makeProject, runCli } from './cli-harness.ts';

const config = `prompts:
  - "Hello {{name}}, tone {{tone}}"
targets:
  - echo
defaultTest:
  vars: { tone: plain }
tests:
  - description: billing question
    vars: { name: Ann }
    metadata: { topic: billing }
    assert: [{ type: contains, value: Ann }]
  - description: refund question
    vars: { name: Bob }
    metadata: { topic: [refunds, billing-adjacent] }
    assert: [{ type: contains, value: kind }]
  - description: shipping question
    vars: { name: Cy, tone: curt }
    metadata: { topic: shipping }
    assert: [{ type: contains, value: curt }]
`;

async function storedRuns(directory: string): Promise<number> {
  const store = openSqliteStore({ directory: path.join(directory, '.assay') });
  try {
    return (await store.listRuns({ limit: 100 })).length;
  } finally {
    await store.close();
  }
}

describe('promptfoo eval flags', () => {
  let echo: Awaited<ReturnType<typeof startMockServer>>;
  beforeAll(async () => {
    echo = await startMockServer({ mode: 'echo' });
  });
  afterAll(async () => {
    await echo.close();
  });

  it('finds promptfooconfig.yaml without -c; --var, --max-concurrency, --filter-metadata, --no-table, --no-write; unsupported flags in one warning', async () => {
    await using project = makeProject({ 'promptfooconfig.yaml': config });
    const first = await runCli(['eval', '--no-progress', '-o', 'out.json'], { cwd: project.directory });
    // `tone: plain` from defaultTest fails the refund case.
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toContain('pass rate [95% CI]');
    expect(await storedRuns(project.directory)).toBe(1);

    const flagged = await runCli(['eval', '--no-progress', '--var', 'tone=kind', '--max-concurrency', '2', '--filter-metadata', 'topic=billing', '--no-table', '--no-write', '--share', '--delay', '100'], {
      cwd: project.directory,
    });
    expect(flagged.code, flagged.stdout + flagged.stderr).toBe(0);
    // metadata matches as promptfoo's does: a substring of the value, or of any item of a list.
    expect(flagged.stderr).toContain('Selected 2 of 3 case(s)');
    expect(flagged.stderr).toContain('Warning: promptfoo eval flags not supported by Assay (ignored): --delay, --share');
    expect(flagged.stdout).not.toContain('pass rate [95% CI]');
    expect(flagged.stdout).toContain('Not saved (--no-write)');
    expect(await storedRuns(project.directory)).toBe(1);

    // A test's own value of the variable wins over --var (promptfoo merges it into defaultTest.vars).
    const own = await runCli(['eval', '--no-progress', '--var', 'tone=kind', '--filter-pattern', 'shipping'], { cwd: project.directory });
    expect(own.code, own.stdout).toBe(0);
    expect(own.stderr).toContain('Selected 1 of 3 case(s)');

    // --filter-failing reads a results file as well as a run id or label.
    const failing = await runCli(['eval', '--no-progress', '--filter-failing', 'out.json'], { cwd: project.directory });
    expect(failing.stderr).toContain('Selected 1 of 3 case(s)');
    expect(failing.stdout).toContain('"Hello Bob, tone plain"');
    const firstN = await runCli(['eval', '--no-progress', '-n', '1', '--var', 'tone=kind'], { cwd: project.directory });
    expect(firstN.stderr).toContain('Selected 1 of 3 case(s)');

    const badVar = await runCli(['eval', '--no-progress', '--var', 'tone'], { cwd: project.directory });
    expect(badVar.code).toBe(2);
    expect(badVar.stderr).toContain('--var must be key=value, got "tone"');
  });

  it('-t, -p and -r replace the config’s tests, prompts and providers; --env-file sets the environment', async () => {
    await using project = makeProject({
      'promptfooconfig.yaml': config,
      'prompts/other.txt': 'Goodbye {{name}}',
      'more.csv': 'name,__expected\nDee,contains: Goodbye Dee\nEd,contains: Hello\n',
      'test.env': `OPENAI_BASE_URL=${echo.url}/v1\nOPENAI_API_KEY=from-env-file\n`,
    });
    const before = echo.stats().requests;
    const result = await runCli(['eval', '--no-progress', '-t', 'more.csv', '-p', 'prompts/other.txt', '-r', 'openai:chat:gpt-4o-mini', '--env-file', 'test.env', '-o', 'out.json'], {
      cwd: project.directory,
    });
    expect(result.code, result.stderr).toBe(1);
    expect(echo.stats().requests - before, result.stdout).toBe(2);
    const output = JSON.parse(readFileSync(path.join(project.directory, 'out.json'), 'utf8'));
    const outcomes = Object.fromEntries(output.results.map((item: { vars: { name: string }; pass: boolean }) => [item.vars.name, item.pass]));
    expect(outcomes).toEqual({ Dee: true, Ed: false });

    const missing = await runCli(['eval', '--no-progress', '--env-path', 'nope.env'], { cwd: project.directory });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Cannot read --env-file nope.env: ENOENT');
    // Node 24 itself reads `--env-file` wherever it appears in its arguments, and stops at a missing file.
    const byNode = await runCli(['eval', '--no-progress', '--env-file', 'nope.env'], { cwd: project.directory });
    expect(byNode.code).not.toBe(0);
    expect(byNode.stderr).toContain('nope.env: not found');
  });

  it('a misspelt top-level key is named with the key it stands for; targets: and providers: together are refused', async () => {
    await using project = makeProject({
      'promptfooconfig.yaml': config.replace('targets:', 'targts:'),
      'both.yaml': `${config}providers: [echo]\n`,
    });
    const typo = await runCli(['validate'], { cwd: project.directory });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/promptfooconfig\.yaml:\d+:\d+: Unknown field "targts"/);
    expect(typo.stderr).toContain('Did you mean "targets"?');
    const both = await runCli(['validate', '-c', 'both.yaml'], { cwd: project.directory });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('`targets:` and `providers:` are the same list');
  });
});
