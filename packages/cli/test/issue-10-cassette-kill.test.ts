import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMockServer } from '@assay/providers/mock-server';
import { binPath, makeProject, runCli, simplePrompt } from './cli-harness.ts';

// Issue 10: `kill -9` during `eval --record` into a new cassette lost every response recorded so
// far (the cassette was written only at the end), and after `--resume` the cassette lacked the
// calls finished before the kill, so `--replay` failed.

const caseCount = 40;

const cassetteLines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').length : 0);

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('recording a cassette', () => {
  it('keeps every response recorded before a kill -9, and --resume completes the cassette for --replay', async () => {
    const server = await startMockServer({ mode: 'echo', faults: { latencyMs: 40 } });
    try {
      const suite = `prompts:\n  - prompts/hello.prompt\nproviders:\n  - id: openai:gpt-4o-mini\n    config: { apiBaseUrl: "${server.url}/v1", apiKey: test }\ntests:\n${Array.from({ length: caseCount }, (_, index) => `  - vars: { name: p${index} }\n`).join('')}defaultAssert:\n  - type: icontains\n    value: "{{name}}"\noptions:\n  concurrency: 2\n`;
      await using project = makeProject({ 'prompts/hello.prompt': simplePrompt, 'suite.yaml': suite });
      const cassette = path.join(project.directory, 'cassette.jsonl');
      const child = spawn(process.execPath, [binPath, 'eval', '-c', 'suite.yaml', '--no-progress', '--record', 'cassette.jsonl'], { cwd: project.directory, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await waitFor(() => cassetteLines(cassette) >= 8, 'eight recorded responses');
      const requestsAtKill = server.stats().requests;
      child.kill('SIGKILL');
      await exited;
      const recorded = cassetteLines(cassette);
      expect(recorded).toBeGreaterThanOrEqual(8);
      expect(recorded).toBeLessThan(caseCount);
      // Every recorded line is whole JSON (a line cut by the kill would be the last, and is re-recorded).
      const wholeLines = readFileSync(cassette, 'utf8').split('\n').filter((line) => line.trim() !== '').filter((line) => {
        try {
          JSON.parse(line);
          return true;
        } catch {
          return false;
        }
      });
      expect(wholeLines.length).toBeGreaterThanOrEqual(recorded - 1);
      expect(requestsAtKill).toBeGreaterThanOrEqual(wholeLines.length);

      const resumed = await runCli(['eval', '--resume', '--no-progress'], { cwd: project.directory });
      expect(resumed.stderr).not.toContain('Error');
      expect(resumed.code).toBe(0);
      expect(cassetteLines(cassette)).toBe(caseCount);

      const before = server.stats().requests;
      const replayed = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--replay', 'cassette.jsonl'], { cwd: project.directory });
      expect(replayed.stderr).not.toContain('Error');
      expect(replayed.code).toBe(0);
      expect(replayed.stdout).toContain(`${caseCount}/${caseCount} cases passed`);
      expect(server.stats().requests).toBe(before);
    } finally {
      await server.close();
    }
  }, 60_000);
});
