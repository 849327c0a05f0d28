import { ConfigError } from '@assay/spec';
import { openStore } from '@assay/store';
import { createServerClient } from '../server-client.ts';
import { uploadRun } from '../upload-run.ts';

export async function runsCommand(options: { limit: number; label?: string }): Promise<number> {
  const store = await openStore({ cwd: process.cwd() });
  try {
    const runs = await store.listRuns({ limit: options.limit, label: options.label });
    if (runs.length === 0) {
      process.stdout.write(options.label ? `No run labelled "${options.label}". Label one with \`assay eval --label ${options.label}\`.\n` : 'No runs yet. Start one with `assay eval`.\n');
      return 0;
    }
    for (const run of runs) {
      const done = run.summary ? `${run.summary.passed}/${run.summary.total} passed` : `${await store.countResults(run.id)}/${run.total} done`;
      process.stdout.write(`${run.id}  ${run.createdAt.slice(0, 19).replace('T', ' ')}  ${run.status.padEnd(11)}  ${done}  ${run.label ? `[${run.label}]  ` : ''}${run.configPath}\n`);
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
    const run = (await store.getRun(reference)) ?? (await store.listRuns({ label: reference, limit: 1 }))[0];
    if (!run) throw new ConfigError(`No run with id or label "${reference}"`, { hint: 'List runs with `assay runs`.', docs: 'prompts-registry.md' });
    const { url, stored, resumed } = await uploadRun(store, run, client);
    process.stdout.write(`Uploaded run ${run.id} to ${url}\n`);
    process.stderr.write(`${stored} result(s) on the server${resumed ? ' (the run was there already; its upload is complete now)' : ''}.\n`);
    return 0;
  } finally {
    await store.close();
  }
}
