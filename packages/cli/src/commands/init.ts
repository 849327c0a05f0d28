import { cpSync, existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@assay/spec';

const templateDirectory = fileURLToPath(new URL('../../templates/init/', import.meta.url));
/** The schema this installation validates with (inside node_modules/<package>/ once installed). */
const schemaFile = fileURLToPath(new URL('../../../spec/suite.schema.json', import.meta.url));
const binFile = fileURLToPath(new URL('../../bin/assay.js', import.meta.url));
const suiteFile = path.join('evals', 'suite.yaml');

function listFiles(directory: string, prefix = ''): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(directory, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

function isThisBin(file: string): boolean {
  try {
    return realpathSync(file) === realpathSync(binFile);
  } catch {
    return false;
  }
}

/**
 * How to run this installation from `directory`: `npx assay` when a node_modules/.bin there or
 * above links to it (a local install), `assay` when PATH does (a global one), else its full path
 * (a clone of the repository, or npx's cache), so the printed commands work as they are.
 */
export function assayCommand(directory: string, env: NodeJS.ProcessEnv = process.env): string {
  for (let folder = directory; ; folder = path.dirname(folder)) {
    if (isThisBin(path.join(folder, 'node_modules', '.bin', 'assay'))) return 'npx assay';
    if (path.dirname(folder) === folder) break;
  }
  if ((env.PATH ?? '').split(path.delimiter).some((folder) => folder && isThisBin(path.join(folder, 'assay')))) return 'assay';
  return `${JSON.stringify(process.execPath)} ${JSON.stringify(binFile)}`;
}

/** Scaffolds a project that `assay eval` runs offline straight away. */
export async function initCommand(directory: string, options: { force?: boolean }): Promise<number> {
  const target = path.resolve(directory);
  const files = listFiles(templateDirectory);
  const clashes = files.filter((file) => existsSync(path.join(target, file)));
  if (clashes.length && !options.force) {
    throw new ConfigError(`Would overwrite ${clashes.join(', ')}`, {
      file: path.join(directory, clashes[0]!),
      hint: 'Run `assay init` in an empty folder, or pass --force to overwrite.',
      docs: 'cli.md',
    });
  }
  cpSync(templateDirectory, target, { recursive: true, force: true });
  // Editors validate the suite with the schema of the Assay that wrote it.
  const suite = path.join(target, suiteFile);
  const schema = path.relative(path.dirname(suite), schemaFile).split(path.sep).join('/');
  writeFileSync(suite, readFileSync(suite, 'utf8').replace(/^(# yaml-language-server: \$schema=)\S+/m, `$1${schema}`));
  const relative = path.relative(process.cwd(), target) || '.';
  const next = [...(relative === '.' ? [] : [`cd ${/\s/.test(relative) ? JSON.stringify(relative) : relative}`]), `${assayCommand(target)} eval -c evals/suite.yaml`];
  process.stdout.write(`Created ${files.length} files in ${relative}:\n${files.map((file) => `  ${file}`).join('\n')}\n\nNext:\n${next.map((line) => `  ${line}`).join('\n')}\n`);
  return 0;
}
