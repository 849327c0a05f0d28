import { cpSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@assay/spec';

const templateDirectory = fileURLToPath(new URL('../../templates/init/', import.meta.url));

function listFiles(directory: string, prefix = ''): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(directory, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
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
  const relative = path.relative(process.cwd(), target) || '.';
  process.stdout.write(
    `Created ${files.length} files in ${relative}:\n${files.map((file) => `  ${file}`).join('\n')}\n\n` +
      `Next:\n  cd ${relative}\n  npx assay eval -c evals/suite.yaml\n`,
  );
  return 0;
}
