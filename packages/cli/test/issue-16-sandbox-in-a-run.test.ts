import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from './cli-harness.ts';

// Issue 16: at -j 4, hanging assertions made passing ones time out too. Now each run has its
// own deadline in the sandbox; a case that makes the sandbox process retire (its memory grew)
// does not lose the runs in flight with it either.

const cases = Array.from({ length: 16 }, (_, index) => {
  const kind = index % 4 === 1 ? 'hang' : index === 6 ? 'big' : 'ok';
  return `  - vars: { word: w${index}, kind: ${kind} }`;
}).join('\n');

const suite = `prompts:
  - 'Say {{word}}'
providers:
  - echo
defaultTest:
  assert:
    - type: javascript
      value: |
        if (vars.kind === 'hang') { while (true) {} }
        if (vars.kind === 'big') { const a = new Array(1e7).fill(1); return a.length === 1e7 }
        return output.includes(vars.word)
tests:
${cases}
`;

describe('javascript assertions in a run', () => {
  it('time out only the hanging cases at -j 4, and survive the sandbox process being replaced', async () => {
    await using project = makeProject({ 'suite.yaml': suite });
    const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '-j', '4', '-o', 'out.json'], { cwd: project.directory });
    expect(result.stderr).not.toContain('Internal error');
    const output = JSON.parse(readFileSync(path.join(project.directory, 'out.json'), 'utf8'));
    const results: { vars: { kind: string }; pass: boolean; assertions: { reason: string }[] }[] = output.results;
    expect(results).toHaveLength(16);
    const reasons = (kind: string) => results.filter((item) => item.vars.kind === kind).map((item) => item.assertions[0]!.reason);
    expect(reasons('hang')).toEqual(Array(4).fill('javascript timed out after 1000 ms'));
    expect(results.filter((item) => item.vars.kind !== 'hang').every((item) => item.pass)).toBe(true);
    expect(result.code).toBe(1);
  }, 60_000);
});
