import path from 'node:path';
import { effectiveStatus } from '@assay/runner';
import { ConfigError, type RunRecord } from '@assay/spec';
import { openStore, type Store } from '@assay/store';
import { outputFormatOf } from '../output/write-output.ts';
import { writeRunFiles } from '../output/write-run-files.ts';
import { findRun } from '../find-run.ts';
import { createServerClient } from '../server-client.ts';
import { uploadedMessage, uploadRun } from '../upload-run.ts';

export async function runsCommand(options: { limit: number; label?: string }): Promise<number> {
  const store = await openStore({ cwd: process.cwd() });
  try {
    const runs = await store.listRuns({ limit: options.limit, label: options.label });
    if (runs.length === 0) {
      process.stdout.write(options.label ? `No run labelled "${options.label}". Label one with \`assay eval --label ${options.label}\`.\n` : 'No runs yet. Start one with `assay eval`.\n');
      return 0;
    }
    for (const run of runs) {
      // A run still marked running whose process is gone (killed, its lease expired) is shown as what it is.
      const status = effectiveStatus(run, run.status === 'running' ? await store.getRunLease(run.id) : undefined);
      const done = run.summary && run.status !== 'running' ? `${run.summary.passed}/${run.summary.total} passed` : `${await store.countResults(run.id)}/${run.total} done`;
      const resume = status === 'interrupted' ? `  (continue: assay eval --resume ${run.id})` : '';
      process.stdout.write(`${run.id}  ${run.createdAt.slice(0, 19).replace('T', ' ')}  ${status.padEnd(11)}  ${done}  ${run.label ? `[${run.label}]  ` : ''}${run.configPath}${resume}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** `assay runs upload <runId|label>`: sends a stored run to the team server (completing an earlier upload of it). */
export async function runsUploadCommand(reference: string, options: { server?: string }): Promise<number> {
  const client = createServerClient({ server: options.server, onRetry: (message) => process.stderr.write(`${message}\n`) });
  const store = await openStore({ cwd: process.cwd() });
  try {
    const run = await storedRun(store, reference, 'prompts-registry.md');
    const uploaded = await uploadRun(store, run, client);
    const { stored, resumed } = uploaded;
    process.stdout.write(uploadedMessage(run.id, uploaded));
    process.stderr.write(`${stored} result(s) on the server${resumed ? ' (the run was there already; its upload is complete now)' : ''}.\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** The run `reference` names (id or label), or a ConfigError pointing at `docs`. */
async function storedRun(store: Store, reference: string, docs: string): Promise<RunRecord> {
  const run = await findRun(store, reference);
  if (!run) throw new ConfigError(`No run with id or label "${reference}"`, { hint: 'List runs with `assay runs`.', docs });
  return run;
}

/** `assay runs export <runId|label> -o <file>...`: writes a stored run to result files, as `eval -o` does, without calling a model. */
export async function runsExportCommand(reference: string, options: { output: string[] }): Promise<number> {
  for (const file of options.output) outputFormatOf(file);
  const store = await openStore({ cwd: process.cwd() });
  try {
    const record = await storedRun(store, reference, 'output-formats.md');
    if (!record.summary) {
      throw new ConfigError(`Run ${record.id} did not finish (status ${record.status}), so it has no summary to write`, {
        hint: `Finish it first with \`assay eval --resume ${record.id}\`; its results are kept.`,
        docs: 'output-formats.md',
      });
    }
    const files = options.output.map((file) => ({ file: path.resolve(file), shown: file }));
    await writeRunFiles(files, { record, summary: record.summary, results: () => store.iterateResults(record.id) }, process.stdout);
    return 0;
  } finally {
    await store.close();
  }
}
