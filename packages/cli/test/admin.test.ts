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
});
