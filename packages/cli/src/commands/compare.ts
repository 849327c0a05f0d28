import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { compareRuns, resolveRunSource, SummaryAccumulator, type RunSource } from '@assay/runner';
import { ConfigError, type RunComparison, type RunRecord, type RunSummary } from '@assay/spec';
import { openStore } from '@assay/store';
import { renderComparison } from '../output/comparison-view.ts';
import { writeOutputFile } from '../output/write-output.ts';

export interface CompareCommandOptions {
  json?: boolean;
  confidence?: string;
  output?: string[];
  failOnRegression?: boolean;
}

/** `assay compare <baseline> <candidate>`: exit 0, or 1 with --fail-on-regression when a row is worse. */
export async function compareCommand(baselineReference: string, candidateReference: string, options: CompareCommandOptions): Promise<number> {
  const confidence = Number(options.confidence ?? '0.95');
  if (!(confidence > 0.5 && confidence < 1)) {
    throw new ConfigError(`--confidence must be a number between 0.5 and 1, got "${options.confidence}"`, { hint: 'e.g. --confidence 0.95', docs: 'compare.md' });
  }
  for (const file of options.output ?? []) {
    if (!/\.(json|html)$/i.test(file)) {
      throw new ConfigError(`Cannot write a comparison to "${file}"`, { field: 'output', hint: 'use a .json or .html file', docs: 'compare.md' });
    }
  }
  const cwd = process.cwd();
  const store = await openStore({ cwd });
  try {
    const baseline = await resolveRunSource(baselineReference, store, cwd);
    const candidate = await resolveRunSource(candidateReference, store, cwd);
    const comparison = await compareRuns(baseline, candidate, { confidence });
    process.stdout.write(options.json ? `${JSON.stringify(comparison, null, 2)}\n` : renderComparison(comparison, { color: process.stdout.isTTY }));
    for (const file of options.output ?? []) {
      await writeComparison(path.resolve(file), comparison, candidate);
      process.stderr.write(`Wrote ${file}\n`);
    }
    const worse = comparison.cells.some((row) => row.verdict === 'worse');
    return options.failOnRegression && worse ? 1 : 0;
  } finally {
    await store.close();
  }
}

async function writeComparison(file: string, comparison: RunComparison, candidate: RunSource): Promise<void> {
  if (file.toLowerCase().endsWith('.json')) {
    await writeFile(file, `${JSON.stringify(comparison, null, 2)}\n`);
    return;
  }
  // The HTML report is the candidate run's report with the comparison view added. Its stored
  // summary keeps the suite's thresholds and gates (issue 11: a summary rebuilt from the results
  // alone had none); only a run stored without one is summarised again, and then says so.
  const summary = candidate.record?.summary ?? (await summarizeResults(candidate));
  const record: RunRecord = candidate.record ?? {
    id: candidate.info.id,
    createdAt: candidate.info.createdAt ?? new Date(0).toISOString(),
    status: 'completed',
    configPath: candidate.info.source,
    planHash: '',
    total: summary.total,
    options: {},
  };
  await writeOutputFile(file, { record, summary, results: candidate.results, comparison });
}

/** A summary from the results alone, for a run stored without one: it cannot know the suite's thresholds or gates. */
async function summarizeResults(candidate: RunSource): Promise<RunSummary> {
  const accumulator = new SummaryAccumulator([], { repeat: 2 });
  for await (const result of candidate.results()) accumulator.add(result);
  return accumulator.summarize({
    durationMs: 0,
    warnings: [`Run ${candidate.info.id} has no stored summary: its suite's thresholds and gates are not shown.`],
  });
}
