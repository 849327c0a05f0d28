import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@assay/spec';

/** A `.prompt` file on disk and the registry name it is pushed under. */
export interface LocalPromptFile {
  /** Absolute path. */
  file: string;
  /** The path as shown to the user (relative to the current folder when inside it). */
  display: string;
  /** `prompts/support/triage.prompt` → `support/triage`. */
  name: string;
}

/** The folder `push` and `pull` use by default. */
export const promptsFolder = 'prompts';

/** `_name.prompt` is a Dotprompt partial (`{{> name}}`), not a prompt of its own. */
export function isPartialFile(file: string): boolean {
  return path.basename(file).startsWith('_');
}

/**
 * The `.prompt` files to push and their names. Partials (`_name.prompt`) are not among them: they
 * travel with the prompts beside them that use them. With no paths: every `.prompt` file under
 * `prompts/` (or under the current folder when there is no `prompts/`). A folder is searched
 * recursively (hidden folders and node_modules skipped). A file's name is its path without
 * `.prompt`, relative to `prompts/` when it lies inside it, else to the folder given (or the
 * current folder for a file), so `push`, `push prompts/support` and
 * `push prompts/support/triage.prompt` all name that file `support/triage`.
 *
 * @throws ConfigError for a missing path, a file that is not `.prompt`, no files at all (only
 * partials, say), `name` with more than one file, or two files with the same name
 */
export function findPromptFiles(paths: readonly string[], options: { cwd: string; name?: string }): LocalPromptFile[] {
  const { cwd } = options;
  const promptsRoot = path.join(cwd, promptsFolder);
  const defaultRoot = existsSync(promptsRoot) && statSync(promptsRoot).isDirectory() ? promptsRoot : cwd;
  const found: LocalPromptFile[] = [];
  const partials: string[] = [];

  const add = (file: string, base: string) => {
    if (isPartialFile(file)) {
      partials.push(displayPath(file, cwd));
      return;
    }
    const root = isInside(file, promptsRoot) ? promptsRoot : isInside(file, base) ? base : path.dirname(file);
    const name = path.relative(root, file).replace(/\.prompt$/, '').split(path.sep).join('/');
    found.push({ file, display: displayPath(file, cwd), name });
  };

  for (const given of paths.length ? paths : [defaultRoot]) {
    const target = path.resolve(cwd, given);
    if (!existsSync(target)) {
      throw new ConfigError(`No such file or folder: ${given}`, { hint: 'Name .prompt files or folders that hold them.', docs: 'prompts-registry.md' });
    }
    if (statSync(target).isDirectory()) {
      for (const file of walk(target)) add(file, target);
    } else if (target.endsWith('.prompt')) {
      add(target, cwd);
    } else {
      throw new ConfigError(`${given} is not a .prompt file`, { file: displayPath(target, cwd), hint: 'Only Dotprompt files (*.prompt) are pushed.', docs: 'prompts-registry.md' });
    }
  }

  const where = paths.length ? paths.join(', ') : displayPath(defaultRoot, cwd) || '.';
  if (found.length === 0 && partials.length > 0) {
    throw new ConfigError(`${partials.join(', ')} ${partials.length === 1 ? 'is a partial' : 'are partials'}, not prompts: a file whose name starts with "_" is pushed with the prompts beside it that use it`, {
      hint: `Push the prompts that use it, e.g. \`assay prompts push ${displayPath(path.dirname(path.resolve(cwd, partials[0]!)), cwd) || '.'}\`.`,
      docs: 'prompts-registry.md',
    });
  }
  if (found.length === 0) {
    throw new ConfigError(`No .prompt files in ${where}`, { hint: 'Put prompts in prompts/ (e.g. prompts/support/triage.prompt) or name the files to push.', docs: 'prompts-registry.md' });
  }
  if (options.name !== undefined) {
    if (found.length > 1) {
      throw new ConfigError(`--name names one prompt, but ${where} holds ${found.length} .prompt files`, { field: 'name', hint: 'Push a single file with --name, or leave --name out.', docs: 'prompts-registry.md' });
    }
    found[0]!.name = options.name;
  }

  const byName = new Map<string, LocalPromptFile>();
  for (const prompt of found) {
    const other = byName.get(prompt.name);
    if (other && other.file !== prompt.file) {
      throw new ConfigError(`${other.display} and ${prompt.display} would both be pushed as "${prompt.name}"`, { hint: 'Push them separately, one with --name.', docs: 'prompts-registry.md' });
    }
    byName.set(prompt.name, prompt);
  }
  return [...byName.values()];
}

/** Where `pull` writes a prompt and `diff` looks for the local copy: `prompts/<name>.prompt`. */
export function localPromptPath(name: string): string {
  return path.join(promptsFolder, ...name.split('/')) + '.prompt';
}

/** `cwd`-relative when inside it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  return isInside(file, cwd) ? path.relative(cwd, file) : file;
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function* walk(directory: string): Generator<string> {
  const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile() && entry.name.endsWith('.prompt')) yield full;
  }
}
