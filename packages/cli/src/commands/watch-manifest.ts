import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedSuite } from '@assay/runner';

/**
 * How `assay eval --watch` learns which files a run read and wrote: each run is an `assay eval`
 * child process, which writes this manifest to the file named by the variable once its suite has
 * loaded. Internal to the two; not a user setting.
 */
export const watchManifestVariable = 'ASSAY_WATCH_MANIFEST';

export interface WatchManifest {
  /** Absolute paths of files the suite was read from (the suite, its prompts and judge files). */
  inputs: string[];
  /** Folders those live in. */
  folders: string[];
  /** Absolute paths of the result files the suite writes (`output:`); a run writing them is no change. */
  outputs: string[];
}

/** Writes the manifest when this `assay eval` runs under `--watch`; otherwise does nothing. */
export function writeWatchManifest(suite: ResolvedSuite, env: Record<string, string | undefined> = process.env): void {
  const file = env[watchManifestVariable];
  if (!file) return;
  const inputs = [suite.file, ...suite.prompts.flatMap((prompt) => (prompt.file ? [prompt.file] : [])), ...Object.values(suite.judges).map((judge) => judge.file)].map((input) =>
    path.resolve(suite.directory, input),
  );
  const manifest: WatchManifest = { inputs, folders: [...new Set([suite.directory, ...inputs.map((input) => path.dirname(input))])], outputs: suite.output };
  writeFileSync(file, JSON.stringify(manifest));
}

/** The manifest the last run wrote, or undefined when it wrote none (its suite did not load). */
export function readWatchManifest(file: string): WatchManifest | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as WatchManifest;
  } catch {
    return undefined;
  }
}
