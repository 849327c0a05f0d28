import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '@assay/spec';
import { compilePromptTemplate } from './prompt-template.ts';
import { promptVersionInput } from './registry/prompt-version-input.ts';
import { parseYamlSource } from './yaml-source.ts';

// Issue 10: a "billion laughs" frontmatter (anchors whose aliases nest nine deep, 9^9 strings once
// expanded) escaped as yaml's ReferenceError: a 500 from the server and "Internal error … exit 70"
// from the CLI. It is a ConfigError at the file and line of the first alias now.

/** Nine levels of nine aliases each: line 1 of the YAML is `a: &a [...]`, the first alias is on line 2. */
function aliasBomb(): string {
  const levels = [`a: &a [${Array(9).fill('"lol"').join(', ')}]`];
  for (let level = 1; level < 9; level++) {
    const name = String.fromCharCode(97 + level);
    const previous = String.fromCharCode(96 + level);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
  }
  return levels.join('\n');
}

const prompt = (opening: string) => `${opening}\nmodel: openai/gpt-4o-mini\n${aliasBomb()}\n---\nHello {{name}}\n`;

function configError(error: unknown): ConfigError {
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

afterEach(() => vi.restoreAllMocks());

describe('issue 10: YAML aliases that expand without bound', () => {
  it('are a ConfigError at the file and line of the first alias, in a .prompt frontmatter', async () => {
    const error = configError(await compilePromptTemplate(prompt('---'), { id: 'bomb', file: 'prompts/bomb.prompt' }).catch((caught: unknown) => caught));
    expect(error.message).toMatch(/^Invalid YAML: aliases .* "billion laughs"/);
    // Line 1 is `---`, 2 `model:`, 3 `a: &a`, 4 `b: &b [*a, …]`.
    expect({ file: error.file, line: error.line, column: error.column }).toEqual({ file: 'prompts/bomb.prompt', line: 4, column: 8 });
    expect(error.hint).toMatch(/fewer and flatter anchors/);
  });

  it('are caught when the opening --- ends in blanks too, where Dotprompt still reads a frontmatter', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const error = configError(await compilePromptTemplate(prompt('---  '), { id: 'bomb', file: 'bomb.prompt' }).catch((caught: unknown) => caught));
    expect(error.line).toBe(4);
    expect(logged).not.toHaveBeenCalled();
  });

  it('fail a registry push the same way (what the server answers 422 to)', async () => {
    const error = configError(await promptVersionInput(prompt('---'), { name: 'bomb' }).catch((caught: unknown) => caught));
    expect({ file: error.file, line: error.line }).toEqual({ file: 'bomb', line: 4 });
  });

  it('are a ConfigError in any YAML file (suites, datasets, judges), with the line offset applied', () => {
    const error = configError(captureSync(() => parseYamlSource(`description: x\n${aliasBomb()}\n`, 'assay.yaml')));
    expect({ file: error.file, line: error.line }).toEqual({ file: 'assay.yaml', line: 3 });
  });

  it('name an alias with no anchor at its line', () => {
    const error = configError(captureSync(() => parseYamlSource('a: 1\nb: *nowhere\n', 'assay.yaml')));
    expect(error.message).toBe('Invalid YAML: alias *nowhere refers to no anchor &nowhere before it');
    expect({ line: error.line, column: error.column }).toEqual({ line: 2, column: 4 });
  });

  it('still allow anchors used as YAML is usually written (a shared default merged into many entries)', async () => {
    const entries = Array.from({ length: 50 }, (_, index) => `  - <<: *defaults\n    name: case-${index}`).join('\n');
    const parsed = parseYamlSource(`defaults: &defaults\n  vars: { tone: friendly }\ntests:\n${entries}\n`, 'assay.yaml', 0);
    expect((parsed.value as { tests: unknown[] }).tests).toHaveLength(50);
    const template = await compilePromptTemplate('---\n\nmodel: openai/gpt-4o-mini\nconfig: &config { temperature: 0 }\nmetadata:\n  owner: x\n  riskTier: nope\n---\nHi', { id: 'p' }).catch(
      (caught: unknown) => caught,
    );
    // A blank line after the opening --- moves the YAML down one line; errors still point at it.
    expect(configError(template).line).toBe(7);
  });
});

function captureSync(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
