import { ConfigError, roleAtLeast, type CaseResult, type RunRecord } from '@assay/spec';
import type { Store } from '@assay/store';
import { createServerClient, type ServerClient } from './server-client.ts';

/** Results per request: the server's `maxResultsPerUpload` (a test keeps the two equal). */
export const uploadBatchSize = 2000;

export interface UploadedRun {
  /** Results the server holds for the run afterwards. */
  stored: number;
  /** True when the server already had the run (an earlier upload is being completed). */
  resumed: boolean;
  /** The run's page in the dashboard. */
  url: string;
  /** Each prompt of the run whose content is a registry version, and that version (the server matches them by content hash). */
  tested: { prompt: string; name: string; version: number }[];
}

/**
 * What `--upload` and `assay runs upload` print: where the run is, and the registry versions it tested.
 *
 * @example
 * uploadedMessage('20261120-101500-ab12', uploaded)
 * // Uploaded run 20261120-101500-ab12 to http://127.0.0.1:7400/p/…/runs/20261120-101500-ab12
 * // Tested registry versions: support-v1 v1, support-v2 v3
 */
export function uploadedMessage(runId: string, uploaded: UploadedRun): string {
  const tested = uploaded.tested.map((link) => (link.prompt === link.name ? `${link.name} v${link.version}` : `${link.prompt} = ${link.name} v${link.version}`));
  return `Uploaded run ${runId} to ${uploaded.url}\n${tested.length ? `Tested registry versions: ${tested.join(', ')}\n` : ''}`;
}

/**
 * Uploads a stored run to the server: the record (POST /runs, as running), its results in batches
 * of 2,000 read from the store as a stream, then the final status and summary (POST /runs/:id/finish).
 * Every step may be repeated, so uploading the same run again completes an upload that broke off
 * (results already there are replaced by themselves; none are sent when the server has them all).
 * The server links each cell to the registry version whose content hash the runner recorded
 * (`promptHash`); `tested` lists them.
 *
 * @example
 * const { url } = await uploadRun(store, (await store.getRun(runId))!, createServerClient());
 */
export async function uploadRun(store: Store, run: RunRecord, client: ServerClient): Promise<UploadedRun> {
  if (run.status === 'running') {
    throw new ConfigError(`Run ${run.id} has not finished (it is running, or its process was killed)`, {
      hint: `Finish it with \`assay eval --resume ${run.id}\`, then upload it.`,
      docs: 'prompts-registry.md',
    });
  }
  // The record goes up as running, without its summary: until /finish the server has only part of
  // the results, and a client killed in between must not leave a "completed" run there.
  const { summary: _summary, finishedAt: _finishedAt, ...record } = run;
  const created = await client.createRun({ ...record, status: 'running' });
  const resumed = created.status === 200;
  const local = await store.countResults(run.id);
  let stored = created.body.stored;
  if (!(resumed && stored === local)) {
    let batch: CaseResult[] = [];
    for await (const result of store.iterateResults(run.id)) {
      batch.push(result);
      if (batch.length === uploadBatchSize) {
        stored = (await client.appendResults(run.id, batch)).stored;
        batch = [];
      }
    }
    if (batch.length) stored = (await client.appendResults(run.id, batch)).stored;
  }
  const finished = await client.finishRun(run.id, {
    status: run.status,
    ...(run.summary ? { summary: run.summary } : {}),
    finishedAt: run.finishedAt ?? new Date().toISOString(),
  });
  const tested = new Map<string, UploadedRun['tested'][number]>();
  for (const cell of finished.run.summary?.cells ?? []) {
    if (cell.registryVersion && !tested.has(cell.prompt)) tested.set(cell.prompt, { prompt: cell.prompt, ...cell.registryVersion });
  }
  const projectId = created.body.run.projectId ?? (await client.session()).apiKey?.projectId;
  const url = projectId ? `${client.url}/p/${encodeURIComponent(projectId)}/runs/${encodeURIComponent(run.id)}` : `${client.url}/runs/${encodeURIComponent(run.id)}`;
  return { stored, resumed, url, tested: [...tested.values()] };
}

/** Uploads a finished run and says where it is; made by {@link prepareUpload}. */
export type RunUploader = (store: Store, runId: string) => Promise<void>;

/**
 * For `assay eval --upload`: checks the server, the key and its role before the run spends any
 * calls, and returns what uploads the run once it has finished.
 */
export async function prepareUpload(options: { server?: string }): Promise<RunUploader> {
  const client = createServerClient({ server: options.server, onRetry: (message) => process.stderr.write(`${message}\n`) });
  const { apiKey } = await client.session();
  if (apiKey && !roleAtLeast(apiKey.role, 'editor')) {
    throw new ConfigError(`The API key in ASSAY_API_KEY is a ${apiKey.role} key; uploading runs needs the editor role`, {
      hint: 'Use a key made with `assay admin create-key --project <name> --role editor`.',
      docs: 'prompts-registry.md',
    });
  }
  return async (store, runId) => {
    try {
      process.stdout.write(uploadedMessage(runId, await uploadRun(store, (await store.getRun(runId))!, client)));
    } catch (error) {
      process.stderr.write(`The run is stored locally; upload it later with \`assay runs upload ${runId}\`.\n`);
      throw error;
    }
  };
}
