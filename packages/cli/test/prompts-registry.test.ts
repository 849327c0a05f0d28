import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, runCli } from './cli-harness.ts';
import { password, startProxy, startTestServer, type TestServer } from './server-harness.ts';

// `assay prompts …` run as the real binary against a real server (SQLite, in this process).

const promptFile = (options: { body?: string; riskTier?: string } = {}) =>
  ['---', 'model: openai/gpt-4o-mini', 'metadata:', '  owner: support-team', `  riskTier: ${options.riskTier ?? 'low'}`, '  lastReviewed: 2026-10-01', '---', options.body ?? 'Classify this ticket: {{ticket}}', ''].join('\n');

let t: TestServer;
let editorKey: string;

beforeAll(async () => {
  t = await startTestServer();
  editorKey = await t.key('editor');
});
afterAll(async () => t?.[Symbol.asyncDispose]());

function cli(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  return runCli(args, { cwd, env: { ASSAY_SERVER: t.url, ASSAY_API_KEY: editorKey, ASSAY_DATABASE_URL: undefined, ASSAY_DATA_DIR: undefined, ASSAY_PASSWORD: undefined, ...env } });
}

const names = async () => (await t.api('GET', '/api/prompts', editorKey)).body.items.map((prompt: any) => prompt.name);

describe('assay prompts push', () => {
  it('checks every file before pushing any: a malformed one fails with file and line, exit 2, nothing sent', async () => {
    await using project = makeProject({
      'prompts/support/triage.prompt': promptFile(),
      'prompts/billing.prompt': promptFile({ body: 'Explain the invoice {{invoice}}' }),
      'prompts/broken.prompt': promptFile({ riskTier: 'extreme' }),
    });
    const result = await cli(['prompts', 'push'], project.directory);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Error: prompts\/broken\.prompt:5:\d+: .*riskTier/);
    expect(result.stdout).toBe('');
    expect(await names()).toEqual([]);
  });

  it('refuses a frontmatter whose YAML aliases nest without bound (billion laughs) with exit 2 at its line, in push and validate (issue 10)', async () => {
    // Was "Internal error … Excessive alias count" with a stack, exit 70. Line 3 holds the first anchor, line 4 the first aliases.
    const levels = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let level = 1; level < 9; level++) levels.push(`a${level}: &a${level} [${Array(9).fill(`*a${level - 1}`).join(', ')}]`);
    await using project = makeProject({
      'prompts/bomb.prompt': `---\nmodel: openai/gpt-4o-mini\n${levels.join('\n')}\n---\nHello {{name}}\n`,
      'suite.yaml': 'prompts:\n  - prompts/bomb.prompt\nproviders:\n  - echo\ntests:\n  - vars: { name: Ada }\n',
    });
    for (const args of [['prompts', 'push'], ['validate', '-c', 'suite.yaml']]) {
      const result = await cli(args, project.directory);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(result.stderr).toMatch(/^Error: prompts\/bomb\.prompt:4:\d+: Invalid YAML: aliases \(\*name\) expand to more than 100 copies of one anchor/);
      expect(result.stderr).toMatch(/Hint: .*fewer and flatter anchors/);
      expect(result.stderr).not.toMatch(/Internal error|Excessive alias|\n\s+at .+:\d+:\d+\)?/);
    }
    expect(await names()).toEqual([]);
  });

  it('pushes new versions named by path, keeps unchanged content, records message and author', async () => {
    await using project = makeProject({
      'prompts/support/triage.prompt': promptFile(),
      'prompts/billing.prompt': promptFile({ body: 'Explain the invoice {{invoice}}' }),
    });
    const cwd = project.directory;
    const first = await cli(['prompts', 'push', '--author', 'Ada'], cwd);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('billing         v1 (new)\nsupport/triage  v1 (new)\n');

    const again = await cli(['prompts', 'push'], cwd);
    expect(again.stdout).toBe('billing         v1 (unchanged)\nsupport/triage  v1 (unchanged)\n');

    writeFileSync(path.join(cwd, 'prompts/support/triage.prompt'), promptFile({ body: 'Classify the ticket {{ticket}} carefully.' }));
    // The author defaults to git's user.name.
    writeFileSync(path.join(cwd, 'gitconfig'), '[user]\n\tname = Grace Hopper\n');
    const second = await cli(['prompts', 'push', 'prompts/support/triage.prompt', '-m', 'More careful'], cwd, { GIT_CONFIG_GLOBAL: path.join(cwd, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1' });
    expect(second.stdout).toBe('support/triage  v2 (new)\n');
    const version = (await t.api('GET', '/api/prompts/support%2Ftriage/versions/2', editorKey)).body;
    expect(version).toMatchObject({ author: 'Grace Hopper', message: 'More careful', template: 'Classify the ticket {{ticket}} carefully.' });
    expect((await t.api('GET', '/api/prompts/billing/versions/1', editorKey)).body.author).toBe('Ada');

    writeFileSync(path.join(cwd, 'escalate.prompt'), promptFile({ body: 'Escalate {{ticket}}?' }));
    const named = await cli(['prompts', 'push', 'escalate.prompt', '--name', 'support/escalation', '--label', 'staging'], cwd);
    expect(named.stdout).toBe('support/escalation  v1 (new)  staging → v1\n');
  });
});

describe('assay prompts pull, diff, promote, rollback, log, list', () => {
  it('pulls a version byte for byte and refuses to overwrite a different local file', async () => {
    await using project = makeProject({});
    const cwd = project.directory;
    const pulled = await cli(['prompts', 'pull', 'support/triage'], cwd);
    expect(pulled.stdout).toBe('Wrote prompts/support/triage.prompt (support/triage v2)\n');
    const file = path.join(cwd, 'prompts/support/triage.prompt');
    expect(readFileSync(file, 'utf8')).toBe(promptFile({ body: 'Classify the ticket {{ticket}} carefully.' }));
    expect((await cli(['prompts', 'pull', 'support/triage', '--version', '2'], cwd)).stdout).toBe('prompts/support/triage.prompt is already support/triage v2\n');

    const refused = await cli(['prompts', 'pull', 'support/triage@1'], cwd);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/prompts\/support\/triage\.prompt exists and differs from support\/triage v1; not overwritten/);
    expect(refused.stderr).toMatch(/--force/);
    expect((await cli(['prompts', 'pull', 'support/triage@1', '--force'], cwd)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(promptFile());
    expect((await cli(['prompts', 'pull', 'billing', '-o', '-'], cwd)).stdout).toBe(promptFile({ body: 'Explain the invoice {{invoice}}' }));

    const missing = await cli(['prompts', 'pull', 'nope'], cwd);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Not found: .*nope/);
  });

  it('diffs two versions, and a version against the local file', async () => {
    await using project = makeProject({ 'prompts/support/triage.prompt': promptFile() });
    const cwd = project.directory;
    const between = await cli(['prompts', 'diff', 'support/triage', '1', 'v2'], cwd);
    expect(between.code).toBe(0);
    expect(between.stdout).toContain('template: v1 → v2 +1 -1\n');
    expect(between.stdout).toContain('-Classify this ticket: {{ticket}}\n+Classify the ticket {{ticket}} carefully.\n');
    expect(between.stdout).not.toContain('\u001b[');

    const local = await cli(['prompts', 'diff', 'support/triage', 'v2'], cwd);
    expect(local.stdout).toContain('template: v2 → prompts/support/triage.prompt +1 -1\n');
    expect(local.stdout).toContain('+Classify this ticket: {{ticket}}\n');
    expect((await cli(['prompts', 'diff', 'support/triage', '1'], cwd)).stdout).toBe('No differences between v1 and prompts/support/triage.prompt\n');
    expect((await cli(['prompts', 'diff', 'support/triage', 'latest'], cwd)).code).toBe(2);
  });

  it('promotes the latest or a given version, makes a canary, rolls back, and logs it all', async () => {
    await using project = makeProject({});
    const cwd = project.directory;
    const label = async () => (await t.api('GET', '/api/prompts/support%2Ftriage?label=production', editorKey)).body;

    const pinned = await cli(['prompts', 'promote', 'support/triage@1', '--label', 'production'], cwd);
    expect(pinned.stdout).toBe('support/triage  production → v1 (revision 1)\n');
    const canary = await cli(['prompts', 'promote', 'support/triage', '--label', 'production', '--weight', '10', '-m', 'try v2 on 10%'], cwd);
    expect(canary.stdout).toBe('support/triage  production → v2 10%, v1 90% (revision 2, was v1)\n');
    expect((await label()).targets).toEqual([{ version: 1, weight: 90 }, { version: 2, weight: 10 }]);
    const full = await cli(['prompts', 'promote', 'support/triage', '--label', 'production'], cwd);
    expect(full.stdout).toBe('support/triage  production → v2 (revision 3, was v2 10%, v1 90%)\n');
    expect((await cli(['prompts', 'promote', 'support/triage', '--label', 'production'], cwd)).stdout).toBe('support/triage  production already → v2 (revision 3)\n');
    const badCanary = await cli(['prompts', 'promote', 'support/triage', '--label', 'production', '--weight', '5'], cwd);
    expect(badCanary.code).toBe(2);
    expect(badCanary.stderr).toMatch(/production already serves only v2/);

    const back = await cli(['prompts', 'rollback', 'support/triage', '--label', 'production'], cwd);
    expect(back.code).toBe(0);
    expect(back.stdout).toBe('support/triage  production → v2 10%, v1 90% (rolled back from v2; revision 4)\n');
    expect((await label()).revision).toBe(4);

    const log = await cli(['prompts', 'log', 'support/triage'], cwd);
    expect(log.stdout).toMatch(/^# support\/triage\n\n## v2 — \d{4}-\d{2}-\d{2} — Grace Hopper\n\nMore careful\n\nChanged: template/);
    expect(log.stdout).toMatch(/\nLabels:\n {2}production {2}v2 10%, v1 90% {2}\(revision 4, .* by API key /);
    const json = JSON.parse((await cli(['prompts', 'log', 'support/triage', '--json'], cwd)).stdout);
    expect(json.entries.map((entry: any) => entry.version)).toEqual([2, 1]);
    expect(json.labels[0]).toMatchObject({ name: 'production', revision: 4 });

    const list = await cli(['prompts', 'list'], cwd);
    expect(list.stdout).toMatch(/^NAME {16}LATEST {2}OWNER {9}RISK {2}LAST REVIEWED\n/);
    expect(list.stdout).toMatch(/\nsupport\/triage {6}v2 {6}support-team {2}low {3}2026-10-01\n/);
    expect((await cli(['prompts', 'list', '--overdue', '36500'], cwd)).stdout).toMatch(/^No prompt is overdue/);
    expect(JSON.parse((await cli(['prompts', 'list', '--overdue', '0', '--json'], cwd)).stdout).map((prompt: any) => prompt.name)).toContain('support/triage');
  });

  it('on a label moved between read and write: says who moved it, exits 1, and does not retry', async () => {
    const mover = await t.user('mover@example.com', 'editor');
    await using proxy = await startProxy(t.url, async (method, url) => {
      if (method === 'PUT' && url.includes('/labels/staging')) {
        const current = await t.server.registry.getLabel(t.projectId, 'support/triage', 'staging');
        await t.server.registry.setLabel(t.projectId, 'support/triage', 'staging', { targets: [{ version: 1, weight: 100 }], expectedRevision: current?.revision ?? 0, message: 'hotfix' }, { actor: { type: 'user', id: mover.id } });
      }
    });
    await using project = makeProject({});
    const result = await cli(['prompts', 'promote', 'support/triage', '--label', 'staging'], project.directory, { ASSAY_SERVER: proxy.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`staging of support/triage was moved to v1 by user ${mover.id} at .* \\(revision 1: "hotfix"\\); nothing changed`));
    expect(proxy.seen.filter((line) => line.startsWith('PUT'))).toHaveLength(1);
    expect((await t.server.registry.getLabel(t.projectId, 'support/triage', 'staging'))?.targets).toEqual([{ version: 1, weight: 100 }]);
  });
});

describe('approvals from the command line', () => {
  it('refuses a high-risk production move, requests it, and applies it after a second person approves', async () => {
    const alice = await t.user('alice@example.com', 'approver');
    await t.user('bob@example.com', 'approver');
    // A key alice made: what it asks for counts as alice's request.
    const aliceKey = await t.key('editor', alice.id);
    await using project = makeProject({ 'prompts/refunds.prompt': promptFile({ body: 'Refund {{order}}?', riskTier: 'high' }) });
    const cwd = project.directory;
    const as = (env: Record<string, string> = {}) => ({ ASSAY_API_KEY: aliceKey, ...env });
    expect((await cli(['prompts', 'push'], cwd, as())).code).toBe(0);

    const refused = await cli(['prompts', 'promote', 'refunds', '--label', 'production'], cwd, as());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Error: Moving production of refunds to v1 needs 1 approval(s); nothing changed');
    expect(refused.stderr).toContain('assay prompts promote refunds@1 --label production --request');

    const requested = await cli(['prompts', 'promote', 'refunds', '--label', 'production', '--request', '-m', 'ship refunds'], cwd, as());
    expect(requested.code).toBe(0);
    const id = /^Change request (\S+): refunds production → v1 needs 1 approval\(s\)/.exec(requested.stdout)?.[1];
    expect(id, requested.stdout).toBeTruthy();

    // Keys never review, whatever their role.
    const byKey = await cli(['prompts', 'approve', id!], cwd, as());
    expect(byKey.code).toBe(1);
    expect(byKey.stderr).toMatch(/This needs the approver role in the project; you have editor/);
    expect(byKey.stderr).toContain(`assay prompts approve ${id} --as <your email>`);
    const byApproverKey = await cli(['prompts', 'approve', id!], cwd, { ASSAY_API_KEY: await t.key('approver') });
    expect(byApproverKey.code).toBe(1);
    expect(byApproverKey.stderr).toMatch(/Only a person can review a change request, not an API key/);

    const self = await cli(['prompts', 'approve', id!, '--as', 'alice@example.com'], cwd, as({ ASSAY_PASSWORD: password }));
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/You cannot review your own change request/);

    const early = await cli(['prompts', 'apply', id!], cwd, as());
    expect(early.code).toBe(1);

    const approved = await cli(['prompts', 'approve', id!, '--as', 'bob@example.com', '--comment', 'lgtm'], cwd, as({ ASSAY_PASSWORD: password }));
    expect(approved.stderr).toBe('');
    expect(approved.stdout).toBe(`Change request ${id} (refunds production → v1) is approved. Apply it with: assay prompts apply ${id}\n`);

    const applied = await cli(['prompts', 'apply', id!], cwd, as());
    expect(applied.stdout).toBe(`Applied change request ${id}: refunds  production → v1 (revision 1)\n`);
    expect((await t.server.registry.getLabel(t.projectId, 'refunds', 'production'))?.targets).toEqual([{ version: 1, weight: 100 }]);
    const review = (await t.server.registry.getChangeRequest(t.projectId, id!))?.reviews[0];
    expect(review).toMatchObject({ decision: 'approve', comment: 'lgtm' });

    const wrongPassword = await cli(['prompts', 'approve', id!, '--as', 'bob@example.com'], cwd, as({ ASSAY_PASSWORD: 'not the password' }));
    expect(wrongPassword.code).toBe(2);
    expect(wrongPassword.stderr).toMatch(/Cannot log in as bob@example.com/);
  });
});
