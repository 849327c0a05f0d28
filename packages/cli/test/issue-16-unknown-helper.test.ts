import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from './cli-harness.ts';

// Issue 16: an unknown Handlebars helper passed `assay validate` and stopped `assay eval` with
// "Internal error … knownHelpersOnly" (exit 70). It is a config error at the helper's line now.
const prompt = (body: string) => `---\nmodel: openai/gpt-4o-mini\n---\n{{role "user"}}\n${body}\n`;
const suite = 'prompts:\n  - prompts/greet.prompt\nproviders:\n  - echo\ntests:\n  - vars: { name: Ada }\n';

function expectConfigError(result: { code: number | null; stderr: string }, ...fragments: (string | RegExp)[]) {
  expect(result.code).toBe(2);
  for (const fragment of fragments) expect(result.stderr).toMatch(fragment);
  expect(result.stderr).not.toMatch(/Internal error|knownHelpersOnly|\n\s+at .+:\d+:\d+\)?/);
}

describe('issue 16: an unknown template helper', () => {
  it('fails `assay validate` with exit 2 at the file and line, listing the helpers there are', async () => {
    await using project = makeProject({ 'prompts/greet.prompt': prompt('Hello {{shout name}}!'), 'suite.yaml': suite });
    const result = await runCli(['validate', '-c', 'suite.yaml'], { cwd: project.directory });
    expectConfigError(result, 'Error: prompts/greet.prompt:5:7: Unknown template helper "shout"', /Hint: .*json, .*role, .*if, unless, each/, /Docs: .*prompts\.md#template/);
  });

  it('fails a block helper the same way, and `assay eval` exits 2 before any call instead of 70', async () => {
    await using project = makeProject({ 'prompts/greet.prompt': prompt('Hi\n{{#nope name}}there{{/nope}}'), 'suite.yaml': suite });
    const validate = await runCli(['validate', '-c', 'suite.yaml'], { cwd: project.directory });
    expectConfigError(validate, 'prompts/greet.prompt:6:1: Unknown template helper "nope"');
    const evaluation = await runCli(['eval', '-c', 'suite.yaml', '--no-progress'], { cwd: project.directory });
    expectConfigError(evaluation, 'prompts/greet.prompt:6:1: Unknown template helper "nope"');
    expect(evaluation.stdout).not.toMatch(/Run \d/);
  });

  it('a {{#name}} section without arguments reads a variable: one no case sets is reported as such', async () => {
    await using project = makeProject({ 'prompts/greet.prompt': prompt('{{#nope}}Hi {{name}}{{/nope}}'), 'suite.yaml': suite });
    const result = await runCli(['validate', '-c', 'suite.yaml'], { cwd: project.directory });
    expectConfigError(result, /Template variable "nope" of prompt "greet" has no value/);
  });

  it('names the partial and the line that includes it', async () => {
    await using project = makeProject({
      'prompts/greet.prompt': prompt('Hello {{name}}.\n{{> footer}}'),
      'prompts/_footer.prompt': 'Thanks.\n{{shout name}}',
      'suite.yaml': suite,
    });
    const result = await runCli(['validate', '-c', 'suite.yaml'], { cwd: project.directory });
    expectConfigError(result, 'prompts/greet.prompt:6: Unknown template helper "shout" (line 2 of partial "footer")');
  });

  it('points an inline template at its field in the suite', async () => {
    await using project = makeProject({
      'suite.yaml': 'prompts:\n  - id: inline\n    template: "Hello {{shout name}}"\nproviders:\n  - echo\ntests:\n  - vars: { name: Ada }\n',
    });
    const result = await runCli(['validate', '-c', 'suite.yaml'], { cwd: project.directory });
    expectConfigError(result, /suite\.yaml:3:\d+: Unknown template helper "shout" \(line 1 of the template\)/);
  });
});
