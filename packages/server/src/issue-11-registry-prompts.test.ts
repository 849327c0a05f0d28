import { Dotprompt } from 'dotprompt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEditorProject } from './testing/editor-project.ts';
import { describeEachDialect, promptSource, type Caller, type TestApp } from './testing/test-app.ts';

// Issue 11: partials travel with the prompts that use them, and prompt names keep their slashes in URLs.

const knowledgeBase = '[doc-1] Plans: Free includes 15 GB.\n[doc-2] Passwords: reset from Settings.\n';
const answer = promptSource({ body: '{{role "system"}}\nUse the knowledge base.\n{{> knowledge-base}}\n{{role "user"}}\n{{question}}' });

describeEachDialect((openApp) => {
  let t: TestApp;
  let projectId: string;
  let editor: Caller;

  beforeEach(async () => {
    ({ t, projectId, editor } = await openEditorProject(openApp));
  });
  afterEach(async () => t.close());

  const push = (name: string, source: string, partials?: Record<string, string>) => t.call('POST', '/api/prompts', { as: editor, body: { name, source, ...(partials ? { partials } : {}) } });

  describe('partials', () => {
    it('stores the partials a version uses and serves them, so an app renders it without the repository', async () => {
      const pushed = await push('support/answer', answer, { 'knowledge-base': knowledgeBase, unused: 'never used' });
      expect(pushed.status).toBe(201);
      expect(pushed.body.version.source).toBe(answer);
      expect(pushed.body.version.partials).toEqual([{ name: 'knowledge-base', source: knowledgeBase, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
      await t.call('PUT', '/api/prompts/support/answer/labels/production', { as: editor, body: { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 } });

      const served = await t.call('GET', '/api/prompts/support/answer?label=production', { as: editor });
      expect(served.status).toBe(200);
      const [version] = served.body.versions;
      const dotprompt = new Dotprompt();
      for (const partial of version.partials) dotprompt.definePartial(partial.name, partial.source);
      const rendered = await dotprompt.render(version.source, { input: { question: 'How much space is free?' } });
      expect(rendered.messages.map((message) => message.role)).toEqual(['system', 'user']);
      expect(rendered.messages[0]!.content.map((part) => ('text' in part ? part.text : '')).join('')).toContain('[doc-2] Passwords');
    });

    it('refuses a version whose partial is not sent, naming it and its line', async () => {
      const response = await push('support/answer', answer);
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ title: 'Invalid prompt file', line: 10, detail: 'Partial "knowledge-base" not found' });
      expect((await t.call('GET', '/api/prompts', { as: editor })).body.items).toEqual([]);
    });

    it('a changed partial is a new version, and the diff shows the lines that changed in it', async () => {
      await push('support/answer', answer, { 'knowledge-base': knowledgeBase });
      expect((await push('support/answer', answer, { 'knowledge-base': knowledgeBase })).body).toMatchObject({ created: false, version: { version: 1 } });
      const second = await push('support/answer', answer, { 'knowledge-base': knowledgeBase.replace('15 GB', '20 GB') });
      expect(second.body).toMatchObject({ created: true, version: { version: 2 } });
      const diff = await t.call('GET', '/api/prompts/support/answer/diff?from=1&to=2', { as: editor });
      expect(diff.body.changes.map((change: { field: string }) => change.field)).toEqual(['partials']);
      expect(diff.body.changes[0].unified).toContain('-[doc-1] Plans: Free includes 15 GB.\n+[doc-1] Plans: Free includes 20 GB.');
      const changelog = await t.call('GET', '/api/prompts/support/answer/changelog', { as: editor });
      expect(changelog.body.entries[0].changedFields).toEqual(['partials']);
    });
  });

  describe('names with slashes', () => {
    beforeEach(async () => {
      await push('support/answer', promptSource());
      await push('support/answer', promptSource({ body: 'Second {{ticket}}' }));
    });

    it('every prompt route takes the name with its slashes as they are, and with %2F', async () => {
      for (const prefix of ['/api', `/api/projects/${projectId}`]) {
        for (const name of ['support/answer', 'support%2Fanswer']) {
          const base = `${prefix}/prompts/${name}`;
          expect((await t.call('GET', base, { as: editor })).body.prompt).toMatchObject({ name: 'support/answer', latestVersion: 2 });
          expect((await t.call('GET', `${base}?version=1`, { as: editor })).body).toMatchObject({ promptName: 'support/answer', version: 1 });
          expect((await t.call('GET', `${base}/versions`, { as: editor })).body.items).toHaveLength(2);
          expect((await t.call('GET', `${base}/versions/2`, { as: editor })).body.template).toBe('Second {{ticket}}');
          expect((await t.call('GET', `${base}/diff?from=1&to=2`, { as: editor })).body.changes[0].field).toBe('template');
          expect((await t.call('GET', `${base}/changelog`, { as: editor })).body.entries).toHaveLength(2);
          expect((await t.call('GET', `${base}/labels`, { as: editor })).status).toBe(200);
        }
      }
      const moved = await t.call('PUT', '/api/prompts/support/answer/labels/staging', { as: editor, body: { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 } });
      expect(moved.body).toMatchObject({ promptName: 'support/answer', name: 'staging', revision: 1 });
      await t.call('PUT', '/api/prompts/support%2Fanswer/labels/staging', { as: editor, body: { targets: [{ version: 2, weight: 100 }], expectedRevision: 1 } });
      const back = await t.call('POST', '/api/prompts/support/answer/labels/staging/rollback', { as: editor, body: { expectedRevision: 2 } });
      expect(back.body.targets).toEqual([{ version: 1, weight: 100 }]);
      expect((await t.call('GET', '/api/prompts/support/answer/labels/staging/history', { as: editor })).body.items).toHaveLength(3);
      expect((await t.call('GET', '/api/prompts/support/answer?label=staging', { as: editor })).body.versions[0].version).toBe(1);
    });

    it('a missing prompt is a 404 that names the nearest one and says how names are written', async () => {
      const response = await t.call('GET', '/api/prompts/support/answr', { as: editor });
      expect(response.status).toBe(404);
      expect(response.body.detail).toBe('No prompt support/answr in this project.');
      expect(response.body.hint).toMatch(/^Did you mean support\/answer\? GET \/api\/prompts lists this project's 1 prompts\..*\/api\/prompts\/support\/triage\) or with %2F/);
      for (const path of ['/api/prompts/support/answr/versions', '/api/prompts/support/answr/versions/1', '/api/prompts/support/answr/changelog']) {
        expect((await t.call('GET', path, { as: editor })).body.hint).toMatch(/^Did you mean support\/answer\?/);
      }
      const version = await t.call('GET', '/api/prompts/support/answer/versions/9', { as: editor });
      expect(version.body.detail).toBe('Prompt support/answer has no version 9; its latest is v2.');
    });

    it('refuses names that would read as a route, and names starting with "_" say they are partials', async () => {
      const reserved = await push('support/labels', promptSource());
      expect(reserved.status).toBe(422);
      expect(reserved.body.detail).toMatch(/"labels" cannot follow a "\/" in a prompt name/);
      expect(reserved.body.hint).toContain('support/labels-prompt');
      const partial = await push('_knowledge-base', knowledgeBase);
      expect(partial.status).toBe(422);
      expect(partial.body.fields[0].message).toMatch(/each part starting with a letter or digit/);
    });

    it('documents the routes as /prompts/{name}/…, with the name parameter explained', async () => {
      const document = (await t.call('GET', '/api/openapi.json')).body;
      const paths = Object.keys(document.paths).filter((path) => path.includes('/prompts/'));
      expect(paths).toContain('/api/prompts/{name}/versions/{version}');
      expect(paths).toContain('/api/projects/{projectId}/prompts/{name}/labels/{label}/history');
      expect(paths.every((path) => !path.includes('{name{'))).toBe(true);
      const parameter = document.paths['/api/prompts/{name}'].get.parameters.find((candidate: { name: string }) => candidate.name === 'name');
      expect(parameter.description).toMatch(/sent as they are .* or encoded as %2F/);
      const body = document.paths['/api/prompts'].post.requestBody.content['application/json'].schema;
      expect(JSON.stringify(body)).toContain('partials');
    });
  });
});
