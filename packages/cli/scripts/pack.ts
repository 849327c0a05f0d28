// `npm run pack:cli [-- --destination <dir>]`: the installable tarball of the CLI (assay-cli-<version>.tgz).
//
// The package is a slice of this repository at the same paths (see ./build.ts): the bundles in
// packages/cli/dist/, the bin, and every file the code reads at run time. Nothing is written
// into the repository except the tarball, so it can run next to tests that read these folders.
import { execFileSync } from 'node:child_process';
import { cpSync, globSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildCli, repositoryRoot, unpinnedMessage } from './build.ts';

/** Builds and packs into `destination`; returns the tarball's path. */
export async function packCli(destination: string): Promise<string> {
  const cli = JSON.parse(readFileSync(path.join(repositoryRoot, 'packages/cli/package.json'), 'utf8')) as { name: string; version: string; engines: Record<string, string> };
  // The root package.json lists what the package holds (its `files`, which an install from a git URL packs too).
  const { files } = JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as { files: string[] };
  const built = new Set(['packages/cli/dist', 'packages/web/dist', 'packages/cli/package.json']);
  const staging = mkdtempSync(path.join(tmpdir(), 'assay-pack-'));
  try {
    const { dependencies, unpinned } = await buildCli(path.join(staging, 'packages/cli/dist'));
    if (unpinned.length) throw new Error(unpinnedMessage(unpinned));
    // The dashboard that assay serve and assay view serve.
    execFileSync(process.execPath, [path.join(repositoryRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'packages/web/vite.config.ts', '--logLevel', 'warn', '--outDir', path.join(staging, 'packages/web/dist'), '--emptyOutDir'], { cwd: repositoryRoot, stdio: 'inherit' });
    for (const file of ['README.md', ...files.filter((entry) => !built.has(entry)).flatMap((entry) => globSync(entry, { cwd: repositoryRoot }))]) {
      cpSync(path.join(repositoryRoot, file), path.join(staging, file), { recursive: true });
    }
    // The bin reads its version here; it also keeps packages/cli/dist an ES module folder.
    writeFileSync(path.join(staging, 'packages/cli/package.json'), `${JSON.stringify({ private: true, type: 'module', version: cli.version }, null, 2)}\n`);
    const manifest = {
      name: cli.name,
      version: cli.version,
      description: 'Assay: evaluate prompts against golden datasets, compare runs with significance tests, and version prompts in a registry.',
      type: 'module',
      bin: { assay: 'packages/cli/bin/assay.js' },
      // `import { defineConfig } from '@assay/cli'` in a project's assay.config.ts (./build.ts).
      exports: { '.': { types: './packages/cli/dist/index.d.ts', default: './packages/cli/dist/index.js' }, './package.json': './package.json' },
      types: 'packages/cli/dist/index.d.ts',
      engines: cli.engines,
      dependencies,
    };
    writeFileSync(path.join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    mkdirSync(destination, { recursive: true });
    const [packed] = JSON.parse(execFileSync('npm', ['pack', staging, '--pack-destination', destination, '--json', '--silent'], { encoding: 'utf8' })) as Array<{ filename: string }>;
    return path.join(destination, packed!.filename);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { destination: { type: 'string', default: path.join(repositoryRoot, 'packages/cli/pack') } } });
  const tarball = await packCli(path.resolve(process.env.INIT_CWD ?? process.cwd(), values.destination!));
  process.stdout.write(`${path.relative(process.env.INIT_CWD ?? process.cwd(), tarball)}\n`);
}
