import path from 'node:path';
import { stopSandbox } from '@assay/core';
import { createProviderRegistry } from '@assay/providers';
import { compareRuns, findConfigFile, loadSuite, promptRunSource, resolveRunSource, runEval, storeRunSource, type ResolvedSuite, type RunSource, type SuiteOverrides } from '@assay/runner';
import { ConfigError, type CaseResult, type RunRecord } from '@assay/spec';
import { defaultDataDirectory, openSqliteStore, openStore, type Store } from '@assay/store';
import { createProgress } from '../output/progress.ts';
import { renderComparison } from '../output/comparison-view.ts';
import { renderFailures, renderMatrix, renderMetrics, renderThresholds } from '../output/matrix.ts';
import { failedChecks, renderGates, renderRepeats } from '../output/statistics-views.ts';
import { outputFormatOf } from '../output/write-output.ts';
import { writeRunFiles } from '../output/write-run-files.ts';
import { prepareUpload, type RunUploader } from '../upload-run.ts';
import { hasSelection, selectCases, type CaseSelection } from './select-cases.ts';
import { writeWatchManifest } from './watch-manifest.ts';

export interface EvalCommandOptions extends CaseSelection {
  config?: string;
  output?: string[];
  repeat?: number;
  concurrency?: number;
  cache?: boolean;
  record?: string | boolean;
  replay?: string | boolean;
  resume?: string | boolean;
  progress?: boolean;
  showFailures?: number;
  format?: 'assay' | 'promptfoo';
  /** Run id, run label or results file to compare against. */
  baseline?: string;
  /** Label for the new run. */
  label?: string;
  /** `v1,v2`: after the run, test prompt v2 against prompt v1 on the same cases. */
  comparePrompts?: string;
  /** Printed before the run (the demo uses it to say where responses come from). */
  banner?: string;
  /** After the run, upload it to the team server (`--server`, else ASSAY_SERVER). */
  upload?: boolean;
  server?: string;
  /** What `-t`, `-p`, `-r` and `--var` replace in the config (promptfoo's flags). */
  overrides?: SuiteOverrides;
  /** false under `--no-write`: the run is kept in memory only, not in `.assay/`. */
  write?: boolean;
  /** false under `--no-table`: no results matrix on the console. */
  table?: boolean;
}

/** Options that a resumed run takes from the run it continues. */
const storedOptionNames = [
  'config',
  'repeat',
  'concurrency',
  'cache',
  'record',
  'replay',
  'format',
  'baseline',
  'label',
  'comparePrompts',
  'filter',
  'tag',
  'failing',
  'errorsOnly',
  'metadata',
  'providerPattern',
  'overrides',
  'first',
  'prompt',
  'provider',
] as const;

export async function evalCommand(options: EvalCommandOptions): Promise<number> {
  const cwd = process.cwd();
  const dataDirectory = defaultDataDirectory(cwd);
  if (options.write === false && options.resume) {
    throw new ConfigError('--no-write and --resume do not go together: a run kept in memory cannot be resumed', { hint: 'Drop --no-write to keep the run in .assay/.', docs: 'cli.md' });
  }
  const saved = await openStore({ cwd });
  // --no-write: selections and baselines still read the stored runs; the new run stays in memory.
  const store = options.write === false ? openSqliteStore({ path: ':memory:' }) : saved;
  try {
    let resumeRunId: string | undefined;
    if (options.resume) {
      const previous = await findRunToResume(store, options.resume);
      resumeRunId = previous.id;
      const stored = previous.options as Partial<EvalCommandOptions>;
      for (const name of storedOptionNames) if (stored[name] !== undefined) (options as Record<string, unknown>)[name] = stored[name];
      options.config = previous.configPath;
    }
    const configPath = options.config ? path.resolve(options.config) : findConfigFile(cwd);
    if (!configPath) {
      throw new ConfigError('No suite file found', {
        hint: 'Pass -c <file>, create assay.yaml, or run `assay init` to scaffold a project.',
        docs: 'cli.md',
      });
    }
    let suite = await loadSuite(configPath, { format: options.format, ...(options.overrides ? { overrides: options.overrides } : {}) });
    // Under `assay eval --watch`: tell the watcher which files this run reads and writes.
    writeWatchManifest(suite);
    if (hasSelection(options)) {
      const selected = await selectCases(suite, saved, options);
      suite = selected.suite;
      // The run stores the run --failing named, not a label that may move before a resume.
      if (selected.runIds.failing) options.failing = selected.runIds.failing;
      if (selected.runIds.errorsOnly) options.errorsOnly = selected.runIds.errorsOnly;
      process.stderr.write(`${selected.summary}\n`);
    }
    // A wrong server or key fails before the run spends any calls.
    const server = options.server ?? (process.env.ASSAY_SERVER?.trim() || suite.server?.url);
    const upload = options.upload || suite.server?.upload ? await prepareUpload({ server }) : undefined;
    return await executeSuite(suite, store, dataDirectory, configPath, options, resumeRunId, upload, saved);
  } finally {
    if (store !== saved) await store.close();
    await saved.close();
  }
}

/** A run that has something left to do: it did not complete, or some of its calls ended in an error (retried on resume). */
async function findRunToResume(store: Store, resume: string | boolean): Promise<RunRecord> {
  if (typeof resume === 'string') {
    const run = await store.getRun(resume);
    if (!run) throw new ConfigError(`No run with id ${resume}`, { hint: 'List runs with `assay runs`.', docs: 'cli.md' });
    if (!(await hasWorkLeft(store, run))) {
      throw new ConfigError(`Run ${resume} already completed and none of its calls errored; nothing to resume`, { hint: 'Start a new run without --resume.', docs: 'cli.md' });
    }
    return run;
  }
  for (const run of await store.listRuns({ limit: 50 })) if (await hasWorkLeft(store, run)) return run;
  throw new ConfigError('No run to resume', {
    hint: 'Every recent run in this folder completed without an errored call. Start a new one with `assay eval`.',
    docs: 'cli.md',
  });
}

async function hasWorkLeft(store: Store, run: RunRecord): Promise<boolean> {
  return run.status !== 'completed' || (await store.listResults(run.id, { limit: 1, outcome: 'error' })).total > 0;
}

export async function executeSuite(
  suite: ResolvedSuite,
  store: Store,
  dataDirectory: string,
  configPath: string,
  options: EvalCommandOptions,
  resumeRunId?: string,
  upload?: RunUploader,
  /** Where baselines are looked up; the run's own store unless --no-write keeps the run in memory. */
  saved: Store = store,
): Promise<number> {
  const out = process.stdout;
  // `-o` replaces the suite's `output:` files. The suite's were checked when it was loaded; an
  // unknown extension given with -o is a usage error too: say so before spending any calls.
  const outputFiles = options.output?.length
    ? options.output.map((file) => ({ file: path.resolve(file), shown: file }))
    : suite.output.map((file) => ({ file, shown: path.relative(process.cwd(), file) || file }));
  for (const file of options.output ?? []) outputFormatOf(file);
  for (const warning of suite.warnings) process.stderr.write(`Warning: ${warning}\n`);

  const cassetteMode = options.replay ? 'replay' : options.record ? 'record' : undefined;
  const useCache = options.cache !== false && suite.options.cache && cassetteMode === undefined;
  const cassetteOption = options.replay ?? options.record;
  const cassettePath =
    typeof cassetteOption === 'string'
      ? path.resolve(cassetteOption)
      : path.join(dataDirectory, 'cassettes', `${path.basename(configPath).replace(/\.[^.]+$/, '')}.jsonl`);
  let retries = 0;
  const providers = createProviderRegistry({
    cwd: suite.directory,
    ...(suite.env ? { env: { ...process.env, ...suite.env } } : {}),
    cache: useCache ? { directory: path.join(dataDirectory, 'cache') } : false,
    cassette: cassetteMode ? { path: cassettePath, mode: cassetteMode } : undefined,
    timeoutMs: suite.options.timeoutMs,
    retries: suite.options.retries,
    onRetry: () => void retries++,
  });

  // Resolve the baseline before any call: a baseline that does not exist is a usage error, not a failed run.
  const baselineReference = options.baseline ?? suite.gate?.baseline;
  let baseline: RunSource | undefined;
  if (baselineReference) baseline = await resolveRunSource(baselineReference, saved, process.cwd());

  const promptPair = options.comparePrompts ? parsePromptPair(options.comparePrompts, suite) : undefined;

  // The plan's size, known at run-start (runEval counts it in its pass over the cases).
  let total = 0;
  if (options.banner) out.write(`${options.banner}\n`);
  // Created at run-start, when a resume knows how many calls are already done.
  let progress: ReturnType<typeof createProgress> = createProgress({ total: 0, enabled: false, stream: process.stderr });

  const controller = new AbortController();
  const onSigint = () => {
    progress.log('Stopping: waiting for calls in flight; finished results are kept. (Ctrl-C again to quit at once.)');
    controller.abort(new Error('interrupted'));
    process.removeListener('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);

  const failures: CaseResult[] = [];
  const failureLimit = options.showFailures ?? 10;
  let outcome;
  try {
    outcome = await runEval({
      suite,
      store,
      providers,
      configPath,
      resumeRunId,
      runOptions: Object.fromEntries(storedOptionNames.map((name) => [name, name === 'config' ? configPath : options[name]])),
      concurrency: options.concurrency,
      repeat: options.repeat,
      signal: controller.signal,
      label: options.label,
      baseline,
      onEvent(event) {
        if (event.type === 'run-start') {
          const resumed = event.resumed ? ` (resuming: ${event.skipped} of ${event.total} calls already done)` : '';
          total = event.total;
          progress = createProgress({ total: event.total, skipped: event.skipped, enabled: options.progress !== false, stream: process.stderr });
          progress.log(
            `Run ${event.runId}: ${suite.prompts.length} prompt(s) × ${suite.providers.length} provider(s) × ${suite.cases.length} case(s) × ${options.repeat ?? suite.repeat} repeat(s) = ${event.total} calls${resumed}`,
          );
        } else if (event.type === 'case-result') {
          progress.update(event.result);
          if (!event.result.pass && failures.length < failureLimit) failures.push(event.result);
        } else if (event.type === 'warning') {
          progress.log(`Warning: ${event.message}`);
        }
      },
    });
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onSigint);
    // Every assertion has run: the JavaScript sandbox's process ends (and is reaped) now.
    await stopSandbox();
  }

  const { summary, runId, status, comparison } = outcome;
  // Failures first, so the matrix and the verdict are what stays on screen.
  if (failures.length) out.write(`\n${renderFailures(failures, failureLimit, { totalFailed: summary.failed })}`);
  if (options.table !== false) out.write(`\n${renderMatrix(summary, { color: out.isTTY })}`);
  // A stored answer is the one recorded earlier, not a fresh call: say how many there were.
  if (useCache || cassetteMode === 'replay') {
    out.write(`${summary.cached ?? 0} of ${summary.total} calls answered from ${cassetteMode === 'replay' ? 'the cassette' : 'cache'}.\n`);
  }
  const metricsText = renderMetrics(summary);
  if (metricsText) out.write(`\n${metricsText}`);
  const repeatsText = renderRepeats(summary);
  if (repeatsText) out.write(`\n${repeatsText}`);
  if (comparison) out.write(`\n${renderComparison(comparison, { color: out.isTTY })}`);
  // Kept for -o as well: the report shows what the console shows (issue 11).
  let promptComparison;
  if (promptPair && status === 'completed') {
    const run = storeRunSource(store, { id: runId });
    promptComparison = await compareRuns(promptRunSource(run, promptPair[0]), promptRunSource(run, promptPair[1]));
    out.write(`\n${renderComparison(promptComparison, { color: out.isTTY, title: `Prompt ${promptPair[1]} against prompt ${promptPair[0]} on the same cases` })}`);
  }
  const thresholdText = renderThresholds(summary);
  if (thresholdText) out.write(`\n${thresholdText}`);
  const gatesText = renderGates(summary.gates, { color: out.isTTY });
  if (gatesText) out.write(`\n${gatesText}`);
  if (retries) out.write(`\n${retries} call(s) were retried after 429/5xx/timeouts.\n`);

  const record = (await store.getRun(runId))!;
  await writeRunFiles(outputFiles, { record, summary, results: () => store.iterateResults(runId), comparison, promptComparison }, out);

  if (status === 'interrupted') {
    out.write(`\nRun ${runId} interrupted; ${summary.total} of ${total} calls are saved. Continue with: assay eval --resume ${runId}${upload ? ' --upload' : ''}\n`);
    return 130;
  }
  const failed = failedChecks(summary);
  const because = failed.length ? ` Failed: ${failed.slice(0, 5).join('; ')}${failed.length > 5 ? `; and ${failed.length - 5} more` : ''}.` : '';
  out.write(`\nRun ${runId}${options.label ? ` (${options.label})` : ''} ${failed.length ? 'failed' : 'passed'}: ${summary.passed}/${summary.total} cases passed.${because}\n`);
  if (options.write === false) out.write('Not saved (--no-write): the run is not in .assay/, so it cannot be resumed, compared or uploaded later.\n');
  if (upload) await upload(store, runId);
  return failed.length ? 1 : 0;
}

/** `--compare-prompts v1,v2` → ['v1', 'v2'], checked against the suite's prompt ids before any call. */
function parsePromptPair(value: string, suite: ResolvedSuite): [string, string] {
  const ids = suite.prompts.map((prompt) => prompt.id);
  const parts = value.split(',').map((part) => part.trim());
  const unknown = parts.filter((part) => !ids.includes(part));
  if (parts.length !== 2 || unknown.length || parts[0] === parts[1]) {
    throw new ConfigError(`--compare-prompts needs two different prompt ids of this suite, got "${value}"`, {
      hint: `The suite's prompts: ${ids.join(', ')}. Example: --compare-prompts ${ids[0] ?? 'v1'},${ids[1] ?? 'v2'}`,
      docs: 'compare.md',
    });
  }
  return [parts[0]!, parts[1]!];
}
