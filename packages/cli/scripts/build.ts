// Bundles the CLI and the workspace packages it imports into plain JavaScript, so it runs where
// Node refuses to strip types (inside node_modules): `npm run build:cli`, and `npm run pack:cli`
// for the installable tarball (./pack.ts).
//
// The package keeps the repository's layout: the bundles sit in packages/cli/dist/, and the files
// the code reads at run time (templates, the demo, the sandbox script, the dashboard, docs) stay
// at their paths. Every `import.meta.url` of a bundled module is rewritten to the URL its source
// file has in that layout, so `new URL('../../demo/', import.meta.url)` and friends resolve the
// same in the repository, in the tarball and in an install from a git URL.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** Where the bundles sit in the layout (the rewritten URLs are relative to it). */
export const bundleDirectory = path.join(repositoryRoot, 'packages/cli/dist');
const entry = path.join(repositoryRoot, 'packages/cli/src/main.ts');
/** What `import { defineConfig } from '@assay/cli'` loads in a project that installed the CLI. */
const libraryEntry = path.join(repositoryRoot, 'packages/cli/src/index.ts');

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const builtins = new Set(builtinModules);

/** Workspace packages (`@assay/*`) are bundled; every other package stays an import of a dependency. */
const workspaceOnly: Plugin = {
  name: 'workspace-only',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@assay/') ? undefined : { path: args.path, external: true }));
  },
};

/** Scripts the CLI starts as processes of their own: their imports are dependencies too. */
const processScripts = [path.join(repositoryRoot, 'packages/core/src/assertions/javascript-sandbox-process.js')];

/**
 * Points `import.meta.url` of each source file at that file's place in the package layout, and
 * notes the packages it finds with `require.resolve('name')` (files it reads, such as chart.js).
 */
const sourceUrls = (resolved: Set<string>): Plugin => ({
  name: 'source-urls',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.tsx?$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      for (const [, , name] of source.matchAll(/\brequire\.resolve\((['"])([^'"./][^'"]*)\1\)/g)) resolved.add(packageName(name!));
      const fromBundle = path.relative(bundleDirectory, args.path).split(path.sep).join('/');
      return {
        contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
        loader: args.path.endsWith('x') ? 'tsx' : 'ts',
      };
    });
  },
});

/**
 * Writes main.js (and the chunks it loads) to `outdir` and returns the third-party packages the
 * bundles import, with the exact versions the root package.json pins under `dependencies` (what
 * an install from a git URL installs), and those it does not pin there.
 */
export async function buildCli(outdir = bundleDirectory): Promise<{ dependencies: Record<string, string>; unpinned: string[] }> {
  rmSync(outdir, { recursive: true, force: true });
  const imported = new Set<string>();
  const result = await build({
    entryPoints: [entry, libraryEntry],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // One folder: the rewritten URLs are relative to it.
    chunkNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
    plugins: [workspaceOnly, sourceUrls(imported)],
  });
  // Only read for their imports: the scripts are copied into the package as they are.
  const scripts = await build({ entryPoints: processScripts, bundle: true, write: false, outdir, format: 'esm', platform: 'node', metafile: true, logLevel: 'warning', plugins: [workspaceOnly] });
  for (const output of [...Object.values(result.metafile.outputs), ...Object.values(scripts.metafile.outputs)]) {
    for (const { path: specifier, external } of output.imports) {
      if (external && !specifier.startsWith('node:') && !builtins.has(specifier)) imported.add(packageName(specifier));
    }
  }
  writeLibraryTypes(outdir);
  const pinned = (JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
  const dependencies: Record<string, string> = {};
  const unpinned: string[] = [];
  for (const name of [...imported].sort()) {
    if (pinned[name]) dependencies[name] = pinned[name];
    else unpinned.push(name);
  }
  return { dependencies, unpinned };
}

/**
 * index.d.ts for the library entry: tsc emits the declarations of the spec files that
 * `defineConfig` and `SuiteInput` need into `types/`, and index.d.ts re-exports them (the
 * installed package has no `@assay/spec` to point at). Imports end in `.js` so a project's
 * TypeScript resolves them without `allowImportingTsExtensions`.
 */
function writeLibraryTypes(outdir: string): void {
  const types = path.join(outdir, 'types');
  const specSource = path.join(repositoryRoot, 'packages/spec/src');
  execFileSync(process.execPath, [path.join(repositoryRoot, 'node_modules/typescript/bin/tsc'), '--declaration', '--emitDeclarationOnly', '--allowImportingTsExtensions', '--rewriteRelativeImportExtensions', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2024', '--strict', '--skipLibCheck', '--types', 'node', '--rootDir', specSource, '--outDir', types, path.join(specSource, 'suite.ts')], { cwd: repositoryRoot, stdio: 'inherit' });
  for (const file of readdirSync(types)) {
    const declaration = path.join(types, file);
    writeFileSync(declaration, readFileSync(declaration, 'utf8').replace(/(from '\.\/[\w-]+)\.ts'/g, "$1.js'"));
  }
  const exported = /export \{ (.*) \} from '@assay\/spec';/.exec(readFileSync(libraryEntry, 'utf8'))?.[1];
  if (!exported) throw new Error(`${libraryEntry} must re-export from '@assay/spec' on one line (writeLibraryTypes reads it)`);
  writeFileSync(path.join(outdir, 'index.d.ts'), `export { ${exported} } from './types/suite.js';\n`);
}

/** What to do about packages the bundles import that the root package.json does not pin. */
export function unpinnedMessage(unpinned: string[]): string {
  return `The CLI imports ${unpinned.join(', ')}, which the root package.json does not list under dependencies, so an installed CLI would not find ${unpinned.length === 1 ? 'it' : 'them'}: add ${unpinned.map((name) => `\`npm install --save-exact ${name}@<version>\``).join(', ')}.`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { dependencies, unpinned } = await buildCli();
  process.stdout.write(`Built ${path.relative(process.cwd(), bundleDirectory) || '.'} (imports ${Object.keys(dependencies).length} packages: ${Object.keys(dependencies).join(', ')})\n`);
  // A warning here, which npm ci (prepare) shows without failing; npm run pack:cli refuses.
  if (unpinned.length) process.stderr.write(`Warning: ${unpinnedMessage(unpinned)}\n`);
}
