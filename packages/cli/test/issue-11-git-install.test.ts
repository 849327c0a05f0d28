import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectTsconfig, repositoryRoot, runIn, typecheck, typedConfig } from './installed-project.ts';

// Issue 11: the other install docs/install.md offers, from a git URL. npm clones the commit,
// installs its development dependencies in the clone, runs `prepare` (the dashboard and CLI
// builds) and installs what the root package.json lists under `files`. The URL is this
// repository's HEAD over git+file, so it tests what is committed; npm takes the packages from
// its cache where it can (`--prefer-offline`: npm ci filled it) and asks the registry otherwise.

const project = mkdtempSync(path.join(tmpdir(), 'assay-git-install-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
const run = (command: string, args: string[]) => runIn(project, command, args, 600_000);
const assay = (...args: string[]) => run('npx', ['assay', ...args]);
const head = runIn(repositoryRoot, 'git', ['rev-parse', 'HEAD']).stdout.trim();

beforeAll(() => {
  writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'git-app', private: true }, null, 2)}\n`);
  // The name before @ is where npm puts it, so `import … from '@assay/cli'` is the tarball's import.
  const installed = run('npm', ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', `@assay/cli@git+file://${repositoryRoot}#${head}`]);
  expect(installed.code, installed.stderr).toBe(0);
}, 600_000);

describe('the CLI installed from a git URL', { timeout: 120_000 }, () => {
  it('is recorded under the name it was given, at the commit, and built by prepare', () => {
    const manifest = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8'));
    expect(manifest.devDependencies['@assay/cli']).toBe(`git+file://${repositoryRoot}#${head}`);
    expect(readFileSync(path.join(project, 'node_modules/@assay/cli/packages/cli/dist/main.js'), 'utf8').length).toBeGreaterThan(0);
    expect(assay('--version').stdout).toBe(`${JSON.parse(readFileSync(path.join(repositoryRoot, 'packages/cli/package.json'), 'utf8')).version}\n`);
  });

  it('init, validate and eval run in the project', () => {
    expect(assay('init').code).toBe(0);
    expect(readFileSync(path.join(project, 'evals/suite.yaml'), 'utf8')).toContain('$schema=../node_modules/@assay/cli/packages/spec/suite.schema.json');
    expect(assay('validate', '-c', 'evals/suite.yaml')).toMatchObject({ code: 0 });
    const evaluated = assay('eval', '-c', 'evals/suite.yaml', '--no-progress');
    expect(evaluated.stderr).not.toContain('Error');
    expect(evaluated.stdout).toContain('3/3 passed');
  });

  it('gives assay.config.ts defineConfig and its types from @assay/cli', () => {
    writeFileSync(path.join(project, 'assay.config.ts'), typedConfig);
    writeFileSync(path.join(project, 'tsconfig.json'), projectTsconfig);
    expect(typecheck(project)).toMatchObject({ code: 0, stdout: '' });
    const evaluated = assay('eval', '-c', 'assay.config.ts', '--no-progress', '--no-cache');
    expect(evaluated.stderr).not.toContain('Error');
    expect(evaluated.stdout).toContain('1/1 passed');
  });
});
