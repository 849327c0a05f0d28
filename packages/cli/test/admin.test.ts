import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRegistryStore } from '@assay/store';
import { makeProject, runCli } from './cli-harness.ts';

describe('assay admin create-key', () => {
  it('creates the project once, prints a key once, and stores only its hash', async () => {
    await using project = makeProject({});
    const cwd = project.directory;
    const first = await runCli(['admin', 'create-key', '--project', 'support', '--role', 'editor'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/Created project default\/support/);
    const secret = first.stdout.trim();
    expect(secret).toMatch(/^assay_\S{20,}$/);
    const second = await runCli(['admin', 'create-key', '--project', 'support', '--role', 'viewer', '--name', 'ci'], { cwd });
    expect(second.code).toBe(0);
    expect(second.stderr).not.toMatch(/Created project/);
    expect(second.stdout.trim()).not.toBe(secret);

    const file = path.join(cwd, '.assay', 'assay.db');
    const registry = await openRegistryStore({ sqlite: { file } });
    try {
      const found = await registry.authenticateApiKey(secret);
      expect(found?.role).toBe('editor');
      expect(await registry.authenticateApiKey(`${secret}x`)).toBeFalsy();
    } finally {
      await registry.close();
    }
    const bytes = readFileSync(file).toString('latin1') + readFileSync(`${file}-wal`, { flag: 'a+' }).toString('latin1');
    expect(bytes).not.toContain(secret);
    // What is stored is the SHA-256 of the key.
    expect(bytes).toContain(createHash('sha256').update(secret).digest('hex'));
  });

  it('refuses an unknown role with exit 2', async () => {
    await using project = makeProject({});
    const result = await runCli(['admin', 'create-key', '--project', 'support', '--role', 'owner'], { cwd: project.directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Allowed choices are viewer, editor, approver, admin/);
  });

  it('sets an expiry with --expires and refuses one in the past or not on the calendar with exit 2, creating nothing (issue 10)', async () => {
    await using project = makeProject({});
    const cwd = project.directory;
    for (const [expires, message] of [
      ['2020-01-01', /--expires 2020-01-01 is not in the future: the key would never work/],
      ['0d', /--expires 0d is not in the future/],
      ['2026-13-45', /--expires must be a number of days \(90d\), a date \(2026-12-31\) or a time/],
      ['2027-02-30', /--expires must be/],
      ['soon', /--expires must be/],
    ] as const) {
      const refused = await runCli(['admin', 'create-key', '--project', 'support', '--role', 'editor', '--expires', expires], { cwd });
      expect({ expires, code: refused.code, stdout: refused.stdout }).toEqual({ expires, code: 2, stdout: '' });
      expect(refused.stderr).toMatch(message);
      expect(refused.stderr).not.toMatch(/Internal error|\n\s+at /);
    }

    const made = await runCli(['admin', 'create-key', '--project', 'support', '--role', 'viewer', '--expires', '30d'], { cwd });
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/Created project default\/support/);
    const registry = await openRegistryStore({ sqlite: { file: path.join(cwd, '.assay', 'assay.db') } });
    try {
      const key = await registry.authenticateApiKey(made.stdout.trim());
      const days = (Date.parse(key!.expiresAt!) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29.9);
      expect(days).toBeLessThanOrEqual(30);
    } finally {
      await registry.close();
    }
  });
});
