import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type CaseResult, type ComparedRun, type RunRecord, type RunSummary } from '@assay/spec';
import type { RunStore } from '@assay/store';

/** A run to compare: where it came from and its results, streamed. */
export interface RunSource {
  info: ComparedRun;
  results: () => AsyncIterable<CaseResult>;
  /** The run's stored record, when there is one (reports show it). */
  record?: RunRecord;
}

/** The store's run, as a comparison source. */
export function storeRunSource(store: Pick<RunStore, 'iterateResults'>, run: { id: string; label?: string; createdAt?: string } | RunRecord): RunSource {
  const info: ComparedRun = { id: run.id, source: 'store' };
  if (run.label) info.label = run.label;
  if (run.createdAt) info.createdAt = run.createdAt;
  const source: RunSource = { info, results: () => store.iterateResults(run.id) };
  if ('planHash' in run) source.record = run;
  return source;
}

/**
 * Finds a run by what a user types: a results file written by `-o` (.json or .jsonl), a run id,
 * or a run label (the newest completed run with that label).
 *
 * @throws ConfigError naming what was tried, and how to list what exists.
 */
export async function resolveRunSource(reference: string, store: RunStore, cwd: string): Promise<RunSource> {
  const file = path.resolve(cwd, reference);
  if (/\.jsonl?$/i.test(reference) || existsSync(file)) {
    if (!existsSync(file)) {
      throw new ConfigError(`No results file ${reference}`, { file, hint: 'Write one with `assay eval -o results.json`, or pass a run id or label.', docs: 'compare.md' });
    }
    return readResultsFile(file);
  }
  const run = await store.getRun(reference);
  if (run) return storeRunSource(store, run);
  const [labelled] = await store.listRuns({ label: reference, status: 'completed', limit: 1 });
  if (labelled) return storeRunSource(store, labelled);
  // `latest` is the newest completed run, `latest~1` the one before it (as git's `HEAD~1`).
  const back = /^latest(?:~(\d{1,6}))?$/.exec(reference);
  if (back) {
    const offset = Number(back[1] ?? 0);
    const [newest] = await store.listRuns({ status: 'completed', offset, limit: 1 });
    if (newest) return storeRunSource(store, newest);
    const completed = await store.countRuns({ status: 'completed' });
    throw new ConfigError(`No completed run "${reference}"`, {
      hint: completed
        ? `This folder has ${completed} completed run(s): latest is the newest, latest~${completed - 1} the oldest. List them with \`assay runs\`.`
        : 'This folder has no completed run yet. Run `assay eval` first.',
      docs: 'compare.md',
    });
  }
  const recent = await store.listRuns({ limit: 5 });
  const labels = [...new Set(recent.map((candidate) => candidate.label).filter(Boolean))];
  throw new ConfigError(`No run, run label or results file named "${reference}"`, {
    hint: recent.length
      ? `Recent runs: ${recent.map((candidate) => candidate.id).join(', ')}${labels.length ? `; labels: ${labels.join(', ')}` : ''}. Label a run with \`assay eval --label <name>\`.`
      : 'This folder has no runs yet. Run `assay eval --label main` first, or pass a results .json file.',
    docs: 'compare.md',
  });
}

/** Reads a `-o results.json` or `-o results.jsonl` file as a run. */
async function readResultsFile(file: string): Promise<RunSource> {
  const text = await readFile(file, 'utf8');
  let runId: string | undefined;
  let createdAt: string | undefined;
  let summary: RunSummary | undefined;
  const results: CaseResult[] = [];
  const fail = (line: number | undefined, problem: string): never => {
    throw new ConfigError(`${path.basename(file)} is not an Assay results file: ${problem}`, {
      file,
      line,
      hint: 'Pass a file written by `assay eval -o results.json` (or .jsonl), a run id or a run label.',
      docs: 'compare.md',
    });
  };
  if (file.toLowerCase().endsWith('.jsonl')) {
    const lines = text.split('\n');
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index]!.trim();
      if (!line) continue;
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(line) as Record<string, unknown>;
      } catch {
        fail(index + 1, 'the line is not valid JSON');
      }
      if (row!.type === 'run') {
        runId = String(row!.runId);
        createdAt = typeof row!.createdAt === 'string' ? row!.createdAt : undefined;
        summary = row!.summary as RunSummary | undefined;
      } else if (row!.type === 'result') results.push(checkResult(row!, index + 1, fail));
    }
  } else {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      fail(undefined, `not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(parsed!.results)) fail(undefined, 'it has no "results" array');
    runId = typeof parsed!.runId === 'string' ? parsed!.runId : undefined;
    createdAt = typeof parsed!.createdAt === 'string' ? parsed!.createdAt : undefined;
    summary = parsed!.summary as RunSummary | undefined;
    (parsed!.results as Record<string, unknown>[]).forEach((row, index) => results.push(checkResult(row, undefined, fail, index)));
  }
  if (results.length === 0) fail(undefined, 'it holds no results');
  const info: ComparedRun = { id: runId ?? path.basename(file), source: file };
  if (createdAt) info.createdAt = createdAt;
  const record: RunRecord = {
    id: info.id,
    createdAt: createdAt ?? new Date(0).toISOString(),
    status: 'completed',
    configPath: file,
    planHash: '',
    total: results.length,
    options: {},
  };
  if (summary && typeof summary === 'object' && Array.isArray(summary.cells)) record.summary = summary;
  return {
    info,
    record,
    async *results() {
      yield* results;
    },
  };
}

function checkResult(
  row: Record<string, unknown>,
  line: number | undefined,
  fail: (line: number | undefined, problem: string) => never,
  index?: number,
): CaseResult {
  const where = index === undefined ? '' : `results[${index}] `;
  for (const field of ['caseId', 'promptId', 'providerId'] as const) {
    if (typeof row[field] !== 'string') fail(line, `${where}has no "${field}"`);
  }
  if (typeof row.pass !== 'boolean') fail(line, `${where}has no boolean "pass"`);
  return {
    ...(row as unknown as CaseResult),
    repeat: typeof row.repeat === 'number' ? row.repeat : 0,
    score: typeof row.score === 'number' ? row.score : row.pass ? 1 : 0,
    assertions: Array.isArray(row.assertions) ? (row.assertions as CaseResult['assertions']) : [],
  };
}

/** Only the results of one prompt: to compare two prompts of the same run with each other. */
export function promptRunSource(source: RunSource, promptId: string): RunSource {
  return {
    info: { ...source.info, id: `${source.info.id}:${promptId}` },
    async *results() {
      for await (const result of source.results()) if (result.promptId === promptId) yield result;
    },
  };
}
