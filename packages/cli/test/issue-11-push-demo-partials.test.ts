import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dotprompt } from 'dotprompt';
import { describe, expect, it } from 'vitest';
import { makeProject } from './cli-harness.ts';
import { useTestServer } from './server-harness.ts';

// Issue 11: the bundled demo could not be pushed (`_knowledge-base` refused as a prompt name), and a
// version pushed alone kept `{{> knowledge-base}}` without the partial, so what the registry served
// could not be rendered. Partials now travel with the prompts that use them.

const demo = fileURLToPath(new URL('../demo', import.meta.url));
const knowledgeBase = readFileSync(path.join(demo, 'prompts/_knowledge-base.prompt'), 'utf8');

const harness = useTestServer();
const cli = harness.cli;

const text = (message: { content: { text?: string }[] }) => message.content.map((part) => part.text ?? '').join('');

describe('pushing the demo', () => {
  it('pushes packages/cli/demo/prompts with its partial, and what GET serves renders with Dotprompt alone', async () => {
    const pushed = await cli(['prompts', 'push'], demo);
    expect(pushed.stderr).toBe('');
    expect(pushed.stdout).toBe('support-v1  v1 (new, with _knowledge-base.prompt)\nsupport-v2  v1 (new, with _knowledge-base.prompt)\n');
    expect(pushed.code).toBe(0);
    expect((await harness.server.api('GET', '/api/prompts', harness.editorKey)).body.items.map((prompt: { name: string }) => prompt.name)).toEqual(['support-v1', 'support-v2']);

    await harness.server.api('PUT', '/api/prompts/support-v2/labels/staging', harness.editorKey, { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 });
    const served = await harness.server.api('GET', '/api/prompts/support-v2?label=staging', harness.editorKey);
    expect(served.status).toBe(200);
    const [version] = served.body.versions;
    // The stored source is the file as written: the partial is used, not pasted in.
    expect(version.source).toBe(readFileSync(path.join(demo, 'prompts/support-v2.prompt'), 'utf8'));
    expect(version.partials).toEqual([{ name: 'knowledge-base', source: knowledgeBase, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);

    // An app with nothing but the response and a Dotprompt renderer.
    const dotprompt = new Dotprompt();
    for (const partial of version.partials) dotprompt.definePartial(partial.name, partial.source);
    const rendered = await dotprompt.render(version.source, { input: { question: 'How long do deleted files stay in Trash?' } });
    expect(rendered.messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(text(rendered.messages[0]!)).toContain('[doc-6] Deleted files: deleted files stay in Trash for 30 days');
    expect(text(rendered.messages[1]!).trim()).toBe('How long do deleted files stay in Trash?');

    const again = await cli(['prompts', 'push', 'prompts/support-v1.prompt'], demo);
    expect(again.stdout).toBe('support-v1  v1 (unchanged, with _knowledge-base.prompt)\n');
  });

  it('a changed partial is a new version of each prompt using it; diff shows it; pull brings the partial along', async () => {
    await using project = makeProject({
      'prompts/support/answer.prompt': readFileSync(path.join(demo, 'prompts/support-v2.prompt'), 'utf8'),
      'prompts/support/_knowledge-base.prompt': knowledgeBase,
    });
    const cwd = project.directory;
    expect((await cli(['prompts', 'push'], cwd)).stdout).toBe('support/answer  v1 (new, with _knowledge-base.prompt)\n');
    writeFileSync(path.join(cwd, 'prompts/support/_knowledge-base.prompt'), knowledgeBase.replace('30 days', '60 days'));

    const local = await cli(['prompts', 'diff', 'support/answer', '1'], cwd);
    expect(local.stdout).toMatch(/^partials: v1 → prompts\/support\/answer\.prompt \+1 -1\n/);
    expect(local.stdout).toContain('+[doc-6] Deleted files: deleted files stay in Trash for 60 days');

    expect((await cli(['prompts', 'push', '-m', 'Longer trash'], cwd)).stdout).toBe('support/answer  v2 (new, with _knowledge-base.prompt)\n');

    await using other = makeProject({});
    const pulled = await cli(['prompts', 'pull', 'support/answer@1'], other.directory);
    expect(pulled.stdout).toBe('Wrote prompts/support/answer.prompt (support/answer v1)\nWrote prompts/support/_knowledge-base.prompt (partial knowledge-base of support/answer v1)\n');
    expect(readFileSync(path.join(other.directory, 'prompts/support/_knowledge-base.prompt'), 'utf8')).toBe(knowledgeBase);
    const refused = await cli(['prompts', 'pull', 'support/answer'], other.directory);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/prompts\/support\/answer\.prompt exists and differs from support\/answer v2|prompts\/support\/_knowledge-base\.prompt exists and differs from partial knowledge-base of support\/answer v2/);
    expect(readFileSync(path.join(other.directory, 'prompts/support/_knowledge-base.prompt'), 'utf8')).toBe(knowledgeBase);
  });

  it('a partial named alone says it travels with its prompts, and a missing partial is named at its line', async () => {
    const alone = await cli(['prompts', 'push', 'prompts/_knowledge-base.prompt'], demo);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/^Error: prompts\/_knowledge-base\.prompt is a partial, not prompts?: a file whose name starts with "_" is pushed with the prompts beside it that use it/);
    expect(alone.stderr).toContain('assay prompts push prompts');

    await using project = makeProject({ 'prompts/answer.prompt': readFileSync(path.join(demo, 'prompts/support-v1.prompt'), 'utf8') });
    const missing = await cli(['prompts', 'push'], project.directory);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^Error: prompts\/answer\.prompt:28: Partial "knowledge-base" not found/);
    expect(missing.stderr).toContain('Create _knowledge-base.prompt');
  });
});
