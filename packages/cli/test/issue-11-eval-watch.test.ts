import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '@assay/store';
import { makeProject, runCli } from './cli-harness.ts';
import { startCli } from './long-running-cli.ts';

// Issue 11: `assay eval --watch` runs again when a prompt, suite or dataset changes, calls the
// provider only for what changed (the rest comes from the response cache), survives a broken
// suite, and stops cleanly on Ctrl-C. The real binary, the echo provider, real file edits; every
// step waits for the line the watcher or the run prints.

const prompt = (verb: string) => `---\nmodel: openai/gpt-4o-mini\n---\n{{role "user"}}\nSay ${verb} to {{name}}.\n`;
const suite = (names: string[]) => `prompts:
  - prompts/a.prompt
  - prompts/b.prompt
providers:
  - echo
output: results.json
tests:
${names.map((name) => `  - id: ${name.toLowerCase()}\n    vars: { name: ${name} }\n    assert: [{ type: icontains, value: hello }]\n`).join('')}`;

describe('assay eval --watch', () => {
  it('runs again on each change, calls only what changed, waits out a config error, and exits 0 on Ctrl-C', async () => {
    await using project = makeProject({ 'prompts/a.prompt': prompt('hello'), 'prompts/b.prompt': prompt('hello'), 'suite.yaml': suite(['Alice', 'Bob']) });
    const file = (name: string) => path.join(project.directory, name);
    const watch = startCli(['eval', '-c', 'suite.yaml', '--no-progress', '--watch'], { cwd: project.directory });
    const watching = /Watching \. for changes to prompts, suites and datasets \(Ctrl-C to stop\)\./;

    // Run 1: everything is new.
    await watch.waitFor(/^Run \S+ passed: 4\/4 cases passed\.$/m);
    expect(watch.stdout()).toContain('0 of 4 calls answered from cache.');
    await watch.waitFor(watching, { stream: 'stderr' });

    // Run 2: prompt a changed, so its two calls are made again; prompt b's come from the cache.
    let out = watch.stdout().length;
    let err = watch.stderr().length;
    writeFileSync(file('prompts/a.prompt'), prompt('goodbye'));
    await watch.waitFor(/^Changed: prompts\/a\.prompt\. Running again\.$/m, { stream: 'stderr', from: err });
    await watch.waitFor(/^Run \S+ failed: 2\/4 cases passed\./m, { from: out });
    expect(watch.stdout().slice(out)).toContain('2 of 4 calls answered from cache.');
    expect(watch.stdout().slice(out)).toMatch(/a × echo: pass rate 0\.0%/);
    await watch.waitFor(watching, { stream: 'stderr', from: err });

    // A broken suite: the error, with its line, and the watcher waits for the next change.
    err = watch.stderr().length;
    writeFileSync(file('suite.yaml'), `${suite(['Alice', 'Bob'])}providrs: [\n`);
    await watch.waitFor(/^Changed: suite\.yaml\. Running again\.$/m, { stream: 'stderr', from: err });
    await watch.waitFor(/^Error: suite\.yaml:\d+/m, { stream: 'stderr', from: err });
    await watch.waitFor(watching, { stream: 'stderr', from: err });

    // Fixed, with a third case: only carol's two calls are new.
    out = watch.stdout().length;
    err = watch.stderr().length;
    writeFileSync(file('suite.yaml'), suite(['Alice', 'Bob', 'Carol']));
    await watch.waitFor(/^Changed: suite\.yaml\. Running again\.$/m, { stream: 'stderr', from: err });
    await watch.waitFor(/^Run \S+ failed: 3\/6 cases passed\./m, { from: out });
    expect(watch.stdout().slice(out)).toContain('4 of 6 calls answered from cache.');
    await watch.waitFor(watching, { stream: 'stderr', from: err });

    watch.child.kill('SIGINT');
    expect(await watch.exited).toEqual([0, null]);
    // The run's own result file (output: results.json) and the store never counted as a change.
    expect(watch.stderr()).not.toMatch(/Changed: .*(results\.json|\.assay)/);
    expect(watch.stderr().match(/^Changed: /gm)).toHaveLength(3);
    const store = openSqliteStore({ directory: file('.assay') });
    try {
      expect(await store.countRuns()).toBe(3);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('Ctrl-C during a run stops that run the way Ctrl-C stops `assay eval`, then exits 130', async () => {
    // An OpenAI-compatible server that holds each request until the test lets it go: the test
    // knows a call is in flight because the server has it.
    const held: http.ServerResponse[] = [];
    let arrived!: () => void;
    const firstRequest = new Promise<void>((resolve) => (arrived = resolve));
    const server = http.createServer((request, response) => {
      request.resume();
      held.push(response);
      arrived();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const answer = (response: http.ServerResponse) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 0,
          model: 'gpt-4o-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
        }),
      );
    try {
      await using project = makeProject({
        'prompts/a.prompt': prompt('hello'),
        'suite.yaml': `prompts: [prompts/a.prompt]\nproviders:\n  - id: openai:gpt-4o-mini\n    config: { apiBaseUrl: "${base}", apiKey: test }\ntests:\n  - vars: { name: Alice }\n  - vars: { name: Bob }\n`,
      });
      const watch = startCli(['eval', '-c', 'suite.yaml', '--no-progress', '--watch', '-j', '1'], { cwd: project.directory });
      await firstRequest;
      watch.child.kill('SIGINT');
      // The run got exactly one Ctrl-C: it stops gracefully instead of dying.
      await watch.waitFor(/Stopping: waiting for calls in flight/, { stream: 'stderr' });
      for (const response of held) answer(response);
      expect(await watch.exited).toEqual([130, null]);
      expect(watch.stdout()).toMatch(/Run \S+ interrupted; [01] of 2 calls are saved\. Continue with: assay eval --resume \S+/);
      expect(watch.stderr()).not.toContain('Watching');
    } finally {
      server.close();
    }
  }, 60_000);

  it('refuses --watch with --resume (exit 2)', async () => {
    await using project = makeProject({ 'prompts/a.prompt': prompt('hello'), 'prompts/b.prompt': prompt('hello'), 'suite.yaml': suite(['Alice']) });
    const result = await runCli(['eval', '-c', 'suite.yaml', '--watch', '--resume'], { cwd: project.directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--watch starts new runs; it cannot be combined with --resume');
  });
});
