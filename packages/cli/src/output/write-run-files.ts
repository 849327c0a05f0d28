import { ConfigError } from '@assay/spec';
import { writeOutputFile, type OutputRun } from './write-output.ts';

export interface RunFile {
  /** Absolute path. */
  file: string;
  /** As the user gave it, or relative to the working directory: what messages show. */
  shown: string;
}

/**
 * Writes a stored run to each file (format by extension) and says so on `out`. A file that cannot
 * be written (a folder in the way, a full disk) is a ConfigError naming it; the run stays in the store.
 */
export async function writeRunFiles(files: readonly RunFile[], run: OutputRun, out: NodeJS.WritableStream): Promise<void> {
  for (const { file, shown } of files) {
    try {
      await writeOutputFile(file, run);
    } catch (error) {
      if (!(error as NodeJS.ErrnoException).code) throw error;
      throw new ConfigError(`Could not write the results file: ${(error as Error).message}`, {
        file: shown,
        hint: `The run itself is saved (${run.record.id}); write it again with \`assay runs export ${run.record.id} -o <file>\` once the path is writable.`,
        docs: 'output-formats.md',
      });
    }
    out.write(`Wrote ${shown}\n`);
  }
}
