import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { binPath, makeProject } from './cli-harness.ts';

// Issue 10: what a new user meets on a fresh machine.

const systemPackagesScript = fileURLToPath(new URL('../../../scripts/system-packages.sh', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'assay-fresh-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A PATH with only the named system commands, plus `id` reporting an ordinary user. */
function pathWith(name: string, commands: string[], extra: Record<string, string> = {}): string {
  const bin = path.join(scratch, name);
  spawnSync('mkdir', ['-p', bin]);
  for (const command of commands) {
    const found = spawnSync('bash', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
    if (found) symlinkSync(found, path.join(bin, command));
  }
  for (const [command, script] of Object.entries({ id: 'echo 1000', ...extra })) {
    writeFileSync(path.join(bin, command), `#!/bin/sh\n${script}\n`);
    chmodSync(path.join(bin, command), 0o755);
  }
  return bin;
}

describe('the system packages npm test needs', () => {
  it('stops with the exact command when it cannot install them (not root, no sudo)', () => {
    const bin = pathWith('debian-user', ['bash', 'ls'], { 'apt-get': 'echo "apt-get must not run" >&2; exit 3' });
    const result = spawnSync(path.join(bin, 'bash'), [systemPackagesScript], { encoding: 'utf8', env: { PATH: bin } });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/missing: chromium( postgresql)? curl\./);
    expect(result.stderr).toMatch(/sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium( postgresql)? curl fonts-dejavu-core'/);
    expect(result.stderr).not.toContain('must not run');
  });

  it('says what to install on a system without apt-get', () => {
    const bin = pathWith('other-user', ['bash', 'ls']);
    const result = spawnSync(path.join(bin, 'bash'), [systemPackagesScript], { encoding: 'utf8', env: { PATH: bin } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('not a Debian-like system (no apt-get)');
  });

  it('does nothing when everything is there', () => {
    const bin = pathWith('complete', ['bash', 'ls'], { chromium: 'exit 0', curl: 'exit 0', 'apt-get': 'echo "apt-get must not run" >&2; exit 3' });
    const hasPostgres = spawnSync('bash', ['-c', 'ls /usr/lib/postgresql/*/bin/initdb'], { encoding: 'utf8' }).status === 0;
    const result = spawnSync(path.join(bin, 'bash'), [systemPackagesScript], { encoding: 'utf8', env: { PATH: bin } });
    // Without PostgreSQL on this machine the script rightly asks for it.
    expect(result.status).toBe(hasPostgres ? 0 : 1);
    expect(result.stderr).not.toContain('must not run');
  });
});

describe('the assay command', () => {
  const oldNode = spawnSync('bash', ['-c', 'for n in /usr/bin/node /usr/local/bin/node; do [ -x "$n" ] && echo "$n" && break; done'], { encoding: 'utf8' }).stdout.trim();
  const oldVersion = oldNode ? spawnSync(oldNode, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  const isOld = /^v(1\d|2[01])\./.test(oldVersion);
  if (!isOld) console.log(`Skipping the Node < 22 check: no older system Node here (found ${oldNode || 'none'} ${oldVersion}).`);

  it.skipIf(!isOld)('under Node < 22 says which Node it needs and exits 2, without a stack', () => {
    const result = spawnSync(oldNode, [binPath, 'runs'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`Assay needs Node >= 22 (found ${oldVersion.slice(1)}); run it with \`npx assay\` from the project (it pins Node 24), or install Node 22+.\n`);
  });

  it('ends quietly when the pipe it writes to closes (`assay demo | head -1`)', async () => {
    await using project = makeProject({});
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${binPath}" demo | head -1; echo "status \${PIPESTATUS[0]}" >&2`], { cwd: project.directory, encoding: 'utf8' });
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(result.stderr).toContain('status 0');
  }, 60_000);
});
