import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assayCommand } from '../src/commands/init.ts';
import { typedDirectory } from '../src/main.ts';
import { binPath, makeProject, runCli } from './cli-harness.ts';

// Issue 11: the commands `assay init` prints work where it printed them, and `npx assay` run in
// a subfolder of a workspace package reads paths from that subfolder.

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const PATH = [path.join(repositoryRoot, 'node_modules/node/bin'), process.env.PATH].join(path.delimiter);

function nextCommands(stdout: string): string[] {
  return stdout.split('Next:\n')[1]!.trim().split('\n').map((line) => line.trim());
}

describe('assay init', () => {
  it('prints `npx assay` where node_modules/.bin links to this installation, and a $schema that resolves', async () => {
    await using project = makeProject({ 'package.json': '{"name":"my-app","private":true}\n' });
    mkdirSync(path.join(project.directory, 'node_modules/.bin'), { recursive: true });
    symlinkSync(binPath, path.join(project.directory, 'node_modules/.bin/assay'));
    const result = await runCli(['init', 'evals-project'], { cwd: project.directory });
    expect(result.code).toBe(0);
    expect(nextCommands(result.stdout)).toEqual(['cd evals-project', 'npx assay eval -c evals/suite.yaml']);
    const suiteFile = path.join(project.directory, 'evals-project/evals/suite.yaml');
    const schema = /^# yaml-language-server: \$schema=(\S+)$/m.exec(readFileSync(suiteFile, 'utf8'))![1]!;
    expect(path.resolve(path.dirname(suiteFile), schema)).toBe(path.join(repositoryRoot, 'packages/spec/suite.schema.json'));
  });

  it('prints `assay` where PATH has this installation (a global install)', async () => {
    await using project = makeProject({});
    expect(assayCommand(project.directory, { PATH: ['/nowhere', path.join(repositoryRoot, 'node_modules/.bin')].join(path.delimiter) })).toBe('assay');
  });

  it('prints this installation\'s full path where neither finds it, and that command runs', async () => {
    await using project = makeProject({});
    // No node_modules/.bin of this repository on PATH (npx vitest puts it there).
    const result = await runCli(['init'], { cwd: project.directory, env: { PATH: [path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter) } });
    expect(result.code).toBe(0);
    const next = nextCommands(result.stdout);
    expect(next).toEqual([`"${process.execPath}" "${binPath}" eval -c evals/suite.yaml`]);
    const ran = spawnSync('bash', ['-c', `${next[0]} --no-progress`], { cwd: project.directory, encoding: 'utf8', env: { ...process.env, OPENAI_API_KEY: '' } });
    expect(ran.stderr).not.toContain('Error');
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain('3/3 passed');
  });
});

describe('the folder the command was typed in (INIT_CWD)', () => {
  const cli = path.join(repositoryRoot, 'packages/cli');
  const demo = path.join(cli, 'demo');
  const npx = { npm_command: 'exec', npm_package_json: path.join(cli, 'package.json') };

  it('is where npx, run in a subfolder of a workspace package, started from', () => {
    expect(typedDirectory({ ...npx, INIT_CWD: demo }, cli)).toBe(demo);
    expect(typedDirectory({ ...npx, INIT_CWD: cli }, cli)).toBeUndefined();
  });

  it('is not taken from a parent npm process by a command that runs in a folder of its own', () => {
    // `npm test` in the repository root starts a test that runs assay in a temporary folder.
    expect(typedDirectory({ ...npx, INIT_CWD: repositoryRoot }, '/tmp/assay-cli-x')).toBeUndefined();
    // A script `cd packages/cli && assay ...` of `npm run`, typed in packages/cli/demo.
    expect(typedDirectory({ npm_command: 'run-script', npm_package_json: path.join(repositoryRoot, 'package.json'), INIT_CWD: demo }, cli)).toBeUndefined();
    expect(typedDirectory({ ...npx, npm_package_json: path.join(repositoryRoot, 'package.json'), INIT_CWD: demo }, cli)).toBeUndefined();
  });

  it('makes `npx assay validate -c evals/support.yaml` work inside packages/cli/demo', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH, npm_config_update_notifier: 'false' };
    for (const key of ['INIT_CWD', 'npm_command', 'npm_package_json']) delete env[key];
    const result = spawnSync('npx', ['assay', 'validate', '-c', 'evals/support.yaml'], { cwd: demo, env, encoding: 'utf8' });
    expect(result.stderr).not.toContain('Error');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('evals/support.yaml is valid');
  });
});
