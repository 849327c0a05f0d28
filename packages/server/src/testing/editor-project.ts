import type { Caller, TestApp } from './test-app.ts';

/** What most API tests start from: a fresh app, project `support-bot` on it, and an editor's key. */
export interface EditorProject {
  t: TestApp;
  projectId: string;
  editor: Caller;
}

/**
 * Opens the app (`createTestApp`, or a dialect's from `describeEachDialect`) with a project and an
 * editor key on it.
 *
 * @example
 * beforeEach(async () => {
 *   ({ t, projectId, editor } = await openEditorProject(openApp));
 * });
 * afterEach(async () => t.close());
 */
export async function openEditorProject(openApp: () => Promise<TestApp>, name = 'support-bot'): Promise<EditorProject> {
  const t = await openApp();
  const project = await t.project(name);
  return { t, projectId: project.id, editor: await project.key('editor') };
}
