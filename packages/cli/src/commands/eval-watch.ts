import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { watch, type FSWatcher } from 'chokidar';
import { findConfigFile } from '@assay/runner';
import { ConfigError } from '@assay/spec';
import { defaultDataDirectory } from '@assay/store';
import type { EvalCommandOptions } from './eval.ts';
import { readWatchManifest, watchManifestVariable } from './watch-manifest.ts';

/**
 * Files a suite can read: suites, prompts, datasets, judge files, config modules, assertion files.
 * Other files count only when the last run read them (a promptfoo prompt in a `.txt`): a log
 * written next to the suite (`> eval.log`, `2> err.txt`) must not start a run.
 */
const inputExtensions = new Set(['.prompt', '.yaml', '.yml', '.json', '.jsonl', '.csv', '.tsv', '.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);
/** Changes closer together than this are one change (an editor saving several files, a formatter). */
const quietMs = 150;
const binPath = fileURLToPath(new URL('../../bin/assay.js', import.meta.url));
/**
 * POSIX: the run gets a process group of its own, so a terminal's Ctrl-C reaches it only through
 * the watcher, once. Windows sends a console's Ctrl-C to every process on it (and a detached
 * child would open a console of its own), so there the run hears it directly.
 */
const ownProcessGroup = process.platform !== 'win32';

/**
 * `assay eval --watch`: runs the suite, then again whenever one of its prompts, suites, datasets
 * or other inputs changes, until Ctrl-C. Each run is a complete `assay eval` in a child process
 * (a config module that changed is loaded afresh, and a config error is printed and waited out),
 * so every run has a whole summary; the response cache answers every call whose request did not
 * change, so only the affected calls reach the provider.
 *
 * Returns 0 when stopped between runs, 130 when a run was interrupted.
 */
export async function evalWatchCommand(options: EvalCommandOptions, args: readonly string[]): Promise<number> {
  if (options.resume) {
    throw new ConfigError('--watch starts new runs; it cannot be combined with --resume', { hint: 'Resume the run with `assay eval --resume`, then start `assay eval --watch`.', docs: 'cli.md' });
  }
  const cwd = process.cwd();
  const childArgs = args.filter((arg) => arg !== '--watch');
  const dataDirectory = defaultDataDirectory(cwd);
  const commandOutputs = new Set((options.output ?? []).map((file) => path.resolve(file)));
  const manifestDirectory = mkdtempSync(path.join(tmpdir(), 'assay-watch-'));
  const manifestFile = path.join(manifestDirectory, 'manifest.json');

  const configFile = options.config ? path.resolve(options.config) : findConfigFile(cwd);
  // The folder it runs in holds the suite (usually prompts/, datasets/ and evals/ side by side);
  // a suite elsewhere is watched where it is.
  const roots = new Set<string>([configFile && !isInside(configFile, cwd) ? path.dirname(configFile) : cwd]);

  let inputs = new Set<string>(configFile ? [configFile] : []);
  let outputs = new Set<string>(commandOutputs);
  const changes: Changes = { files: new Set(), events: 0 };
  const relevant = (file: string) => !outputs.has(file) && (inputs.has(file) || inputExtensions.has(path.extname(file).toLowerCase()));

  const watcher: FSWatcher = watch([...roots], {
    ignoreInitial: true,
    // Not descended into: the store and cache, dependencies, version control, editors' swap files.
    ignored: (file) => isInside(file, dataDirectory) || (!roots.has(file) && (path.basename(file).startsWith('.') || path.basename(file) === 'node_modules')),
  });
  const onChange = (file: string) => {
    changes.files.add(path.resolve(file));
    changes.events++;
    changes.wake?.();
  };
  /** Watches the folders of a run's files too, unless they are inside a watched one. */
  const addRoots = (folders: Iterable<string>) => {
    const added = [...folders].filter((folder) => ![...roots].some((root) => isInside(folder, root)));
    for (const folder of added) roots.add(folder);
    if (added.length) watcher.add(added);
  };
  watcher.on('add', onChange).on('change', onChange).on('unlink', onChange);
  watcher.on('error', (error) => process.stderr.write(`Watch error: ${error instanceof Error ? error.message : String(error)}\n`));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  // Every Ctrl-C (or SIGTERM) goes to the run as one Ctrl-C: the first stops it keeping finished
  // results, a second ends it at once.
  let stopping = false;
  let child: ChildProcess | undefined;
  const onSignal = () => {
    stopping = true;
    if (ownProcessGroup) child?.kill('SIGINT');
    changes.wake?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let code = 0;
  try {
    for (;;) {
      changes.files.clear();
      rmSync(manifestFile, { force: true });
      code = await runOnce(childArgs, manifestFile, (started) => (child = started));
      child = undefined;
      const manifest = readWatchManifest(manifestFile);
      if (manifest) {
        inputs = new Set(manifest.inputs);
        outputs = new Set([...commandOutputs, ...manifest.outputs]);
        addRoots(manifest.folders);
      }
      if (stopping) break;
      const shown = [...roots].map((root) => path.relative(cwd, root) || '.').join(', ');
      process.stderr.write(`\nWatching ${shown} for changes to prompts, suites and datasets (Ctrl-C to stop).\n`);
      const changed = await nextChange(changes, relevant, () => stopping);
      if (!changed) break;
      process.stderr.write(`\nChanged: ${changed.map((file) => path.relative(cwd, file) || file).join(', ')}. Running again.\n`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await watcher.close();
    rmSync(manifestDirectory, { recursive: true, force: true });
  }
  return code === 130 ? 130 : 0;
}

/** One `assay eval` in a child process with this terminal; resolves to its exit code. */
function runOnce(args: readonly string[], manifestFile: string, started: (child: ChildProcess) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, binPath, ...args], {
      stdio: 'inherit',
      detached: ownProcessGroup,
      env: { ...process.env, [watchManifestVariable]: manifestFile },
    });
    started(child);
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
}

/** Files that changed, and how many change events have arrived (a file saved twice counts twice). */
interface Changes {
  files: Set<string>;
  events: number;
  /** Called on each event and on a stop signal. */
  wake?: () => void;
}

/**
 * The relevant files changed since the run started, once no event has come for `quietMs`;
 * undefined when stopping.
 */
async function nextChange(changes: Changes, relevant: (file: string) => boolean, stopping: () => boolean): Promise<string[] | undefined> {
  const nextEvent = (timeoutMs?: number) =>
    new Promise<void>((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(resolve, timeoutMs);
      changes.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  try {
    for (;;) {
      if (stopping()) return undefined;
      for (const file of changes.files) if (!relevant(file)) changes.files.delete(file);
      if (changes.files.size === 0) {
        await nextEvent();
        continue;
      }
      const before = changes.events;
      await nextEvent(quietMs);
      if (!stopping() && changes.events === before) return [...changes.files].filter(relevant).sort();
    }
  } finally {
    changes.wake = undefined;
  }
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
