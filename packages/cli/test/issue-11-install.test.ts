import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installEnv as env, projectTsconfig, repositoryRoot, runIn, typecheck, typedConfig } from './installed-project.ts';

// Issue 11: Assay in your own repository. What a new user does: pack the CLI, install the
// tarball into an empty project, and run it there, from node_modules, as JavaScript.

const scratch = mkdtempSync(path.join(tmpdir(), 'assay-install-'));
const project = path.join(scratch, 'my-app');
let tarball = '';
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const run = (command: string, args: string[], cwd = project) => runIn(cwd, command, args);

const assay = (...args: string[]) => run('npx', ['assay', ...args]);

/** The commands `assay init` printed under "Next:". */
const nextCommands = (stdout: string) => stdout.split('Next:\n')[1]!.trim().split('\n').map((line) => line.trim());

interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  link?: boolean;
  [field: string]: unknown;
}

/**
 * The lockfile entries of `dependencies` and everything they need, as this repository's
 * package-lock.json resolves them. npm installs offline only what it can resolve without the
 * registry's package documents, which the cache need not hold (`npm ci` fetches tarballs); with
 * these entries, addresses included, in the project's package-lock.json, `npm install --offline
 * <tarball>` takes the tarballs from the cache by their integrity. The versions are the ones the
 * CLI is tested with.
 */
function lockEntries(dependencies: Record<string, string>): Record<string, LockEntry> {
  const { packages } = JSON.parse(readFileSync(path.join(repositoryRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  /** Where Node finds `name` from the package at `from`: its own node_modules, then each parent's. */
  const locate = (from: string, name: string): string | undefined => {
    for (let at = from; ; at = at.includes('/node_modules/') ? at.slice(0, at.lastIndexOf('/node_modules/')) : '') {
      const key = `${at ? `${at}/` : ''}node_modules/${name}`;
      if (packages[key] && !packages[key].link) return key;
      if (!at) return undefined;
    }
  };
  const found: Record<string, LockEntry> = {};
  const queue: Array<[string, Record<string, string>]> = [['', dependencies]];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const [from, wanted] = next;
    for (const name of Object.keys(wanted)) {
      const key = locate(from, name);
      if (!key || found[key]) continue;
      // Development-only in this repository; a dependency of the installed CLI in the project.
      const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = packages[key]!;
      // With the tarball's address npm needs no package document to fetch it (the cache has few).
      found[key] = { resolved: `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${String(entry.version)}.tgz`, ...entry };
      queue.push([key, { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies }]);
    }
  }
  return found;
}

beforeAll(() => {
  const packed = run('npm', ['run', '--silent', 'pack:cli', '--', '--destination', scratch], repositoryRoot);
  expect(packed.code, packed.stderr).toBe(0);
  tarball = path.join(scratch, readdirSync(scratch).find((name) => name.endsWith('.tgz'))!);
  const manifest = JSON.parse(run('tar', ['xzOf', tarball, 'package/package.json'], scratch).stdout) as { dependencies: Record<string, string> };
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'my-app', private: true }, null, 2)}\n`);
  writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify({ name: 'my-app', lockfileVersion: 3, requires: true, packages: { '': { name: 'my-app' }, ...lockEntries(manifest.dependencies) } }));
  const installed = run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball]);
  expect(installed.code, installed.stderr).toBe(0);
}, 240_000);

// Each step starts Node through npx a few times: slow on a busy machine.
describe('the packed CLI, installed into an empty project', { timeout: 90_000 }, () => {
  it('is the bundles and the files they read: no TypeScript to strip inside node_modules', () => {
    expect(path.basename(tarball)).toBe('assay-cli-0.1.0.tgz');
    const listing = run('tar', ['tzf', tarball], scratch).stdout.split('\n');
    expect(listing).toContain('package/packages/cli/dist/main.js');
    expect(listing).toContain('package/packages/core/src/assertions/javascript-sandbox-process.js');
    expect(listing).toContain('package/packages/web/dist/index.html');
    expect(listing.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(path.join(project, 'node_modules/@assay/cli/package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: '@assay/cli', bin: { assay: 'packages/cli/bin/assay.js' }, engines: { node: '>=22' } });
    const root = JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8'));
    for (const [name, version] of Object.entries(manifest.dependencies)) expect(version, name).toBe(root.dependencies[name]);
    expect(Object.keys(manifest.dependencies)).toEqual(expect.arrayContaining(['chart.js', 'quickjs-emscripten-core', 'commander', 'zod']));
  });

  it('prints its help and exits 2 without a command; --version is the package version', () => {
    const bare = assay();
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: assay [options] [command]');
    expect(bare.stderr).not.toMatch(/attack|observe/);
    expect(assay('--version').stdout).toBe('0.1.0\n');
  });

  it('init scaffolds a suite whose $schema is the installed package\'s, and prints commands that work there', () => {
    const init = assay('init');
    expect(init.code).toBe(0);
    const next = nextCommands(init.stdout);
    expect(next).toEqual(['npx assay eval -c evals/suite.yaml']);

    const schema = /\$schema=(\S+)/.exec(readFileSync(path.join(project, 'evals/suite.yaml'), 'utf8'))![1]!;
    expect(schema).toBe('../node_modules/@assay/cli/packages/spec/suite.schema.json');
    const schemaFile = path.resolve(project, 'evals', schema);
    expect(JSON.parse(readFileSync(schemaFile, 'utf8')).$id).toBe('https://assay.dev/schemas/suite.schema.json');

    const printed = run('bash', ['-c', next.join(' && ')]);
    expect(printed.stderr).not.toContain('Error');
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('3/3 passed');

    // In a new folder of the project: its commands go there first.
    const inFolder = assay('init', 'my-evals');
    const nextInFolder = nextCommands(inFolder.stdout);
    expect(nextInFolder).toEqual(['cd my-evals', 'npx assay eval -c evals/suite.yaml']);
    expect(readFileSync(path.join(project, 'my-evals/evals/suite.yaml'), 'utf8')).toContain('$schema=../../node_modules/@assay/cli/packages/spec/suite.schema.json');
    const printedInFolder = run('bash', ['-c', nextInFolder.join(' && ')]);
    expect(printedInFolder.code, printedInFolder.stderr).toBe(0);
    expect(printedInFolder.stdout).toContain('3/3 passed');
  });

  it('validates and evaluates the scaffolded suite, writing an HTML report with its charts inlined', () => {
    expect(existsSync(path.join(project, 'evals/suite.yaml'))).toBe(true);
    const validated = assay('validate', '-c', 'evals/suite.yaml');
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('evals/suite.yaml is valid');
    const evaluated = assay('eval', '-c', 'evals/suite.yaml', '--no-progress', '-o', 'report.html', '-o', 'results.json');
    expect(evaluated.stderr).not.toContain('Error');
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(project, 'results.json'), 'utf8')).summary.cells).toHaveLength(1);
    // chart.js, read from the project's node_modules by require.resolve.
    expect(readFileSync(path.join(project, 'report.html'), 'utf8')).toContain('Chart.js v4');
  });

  it('runs javascript assertions in the sandbox process shipped with the package', () => {
    writeFileSync(
      path.join(project, 'evals/sandbox.yaml'),
      ['prompts:', '  - ../prompts/support.prompt', 'providers:', '  - echo', 'tests:', '  - vars: { product: Acme, question: How long is this? }', '    assert:', '      - type: javascript', '        value: output.split(" ").length === 4', ''].join('\n'),
    );
    const result = assay('eval', '-c', 'evals/sandbox.yaml', '--no-progress', '--no-cache');
    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1/1 passed');
  });

  it('loads an assay.config.ts that imports defineConfig from @assay/cli, and TypeScript checks it against the shipped types', () => {
    const config = typedConfig;
    writeFileSync(path.join(project, 'assay.config.ts'), config);
    const result = assay('eval', '-c', 'assay.config.ts', '--no-progress', '--no-cache');
    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1/1 passed');

    writeFileSync(path.join(project, 'tsconfig.json'), projectTsconfig);
    expect(typecheck(project)).toMatchObject({ code: 0, stdout: '' });
    // A typo in a field the shipped types know is a type error.
    writeFileSync(path.join(project, 'assay.config.ts'), config.replace("providers: ['echo']", "providrs: ['echo']"));
    const typo = typecheck(project);
    expect(typo.code).not.toBe(0);
    expect(typo.stdout).toContain("'providrs' does not exist");
    rmSync(path.join(project, 'assay.config.ts'));
    rmSync(path.join(project, 'tsconfig.json'));
  });

  it('runs the bundled demo, and links errors to the docs shipped with it', () => {
    const demo = assay('demo', '--no-progress');
    expect(demo.stdout).toContain('node_modules/@assay/cli/packages/cli/demo/cassettes/support.jsonl');
    expect(demo.stderr).not.toContain('Error');
    expect(demo.code).toBe(0);

    const missing = assay('validate', '-c', 'evals/missing.yaml');
    expect(missing.code).not.toBe(0);
    const docs = /Docs: (\S+)/.exec(missing.stderr)![1]!;
    expect(docs).toContain(path.join('node_modules', '@assay', 'cli', 'docs'));
    expect(existsSync(docs)).toBe(true);
  });

  it('serves the dashboard it ships (assay view)', async () => {
    // The installed bin itself (npx would stand between the test and the signal that stops it).
    const child = spawn(path.join(project, 'node_modules/.bin/assay'), ['view', '--port', '0'], { cwd: project, env });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          const match = /Assay viewer on (http:\/\/\S+)/.exec(stdout);
          if (match) resolve(match[1]!);
        });
        child.on('close', (code) => reject(new Error(`assay view exited with ${code} before printing its address:\n${stdout}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      child.kill('SIGINT');
    }
  }, 30_000);
});
