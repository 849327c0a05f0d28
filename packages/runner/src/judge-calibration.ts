import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { binaryCalibration, compileAssertion, templateVariables, type AssertionContext, type CompiledAssertion, type GradeFunction } from '@assay/core';
import { AssayError, ConfigError, JudgeLabelRowSchema, ProviderError, type AssertionResult, type JudgeCalibrationFile, type JudgeLabelRow } from '@assay/spec';
import { renderAssertionValue } from './config/assertion-value.ts';
import { calibrationFilePath, loadJudgeFile, type LoadedJudge } from './config/judge-file.ts';
import { readLabelsFile, type LabelsRow } from './labels-file.ts';
import type { ProviderResolver } from './run-eval.ts';
import { runBounded } from './scheduler.ts';

export interface CalibrateJudgeOptions {
  /** The judge file, relative to the working directory. */
  judgeFile: string;
  /** Human labels (JSONL), relative to the working directory. */
  labelsFile: string;
  /** The same registry (cassette, cache, retries, rate limits) an eval uses. */
  providers: ProviderResolver;
  /** Judge calls in flight at once; default 4. */
  concurrency?: number;
  /** Called after each row is judged. */
  onProgress?: (done: number, total: number) => void;
  /** Write `<judge>.calibration.json` (default true). */
  write?: boolean;
  now?: () => Date;
}

/** A labelled row the judge got wrong, or could not judge. */
export interface CalibrationRow {
  id: string;
  /** `labels.jsonl:12` */
  source: string;
  human: boolean;
  /** null when the judge could not be evaluated. */
  judge: boolean | null;
  /** The judge's reason (or why it could not judge). */
  reason: string;
  note?: string;
}

export interface JudgeCalibrationReport {
  /** What was written to `calibrationPath` (also the numbers to print). */
  calibration: JudgeCalibrationFile;
  /** Where the calibration was (or would be) written, relative to the working directory. */
  calibrationPath: string;
  judgeName: string;
  provider: string;
  /** Rows where the judge and the human disagree. */
  disagreements: CalibrationRow[];
  /** Rows the judge could not evaluate (call failed, unreadable reply); left out of every rate. */
  unevaluated: CalibrationRow[];
  warnings: string[];
}

const labelsHint = 'A row is {"id": "case-1", "output": "...", "label": true, "vars": {...}, "prompt": "...", "reference": "..."}; label is true/false or "pass"/"fail".';
const synonyms = { id: ['case_id', 'caseId'], output: ['response', 'completion'], label: ['human', 'human_label', 'verdict'], reference: ['expected_output', 'ideal'] };

/**
 * Runs a judge file on human-labelled outputs and measures it: accuracy, Cohen's κ, the confusion
 * matrix, sensitivity and specificity (with Wilson intervals). Writes `<judge>.calibration.json`
 * next to the judge file, which `type: judge` in a suite picks up to correct pass rates.
 *
 * Judge calls go through `options.providers`, so `--replay`/`--record` cassettes, the cache,
 * retries and rate limits behave as in an eval. A fatal provider error stops the run.
 * @example
 * const report = await calibrateJudge({ judgeFile: 'judges/helpful.yaml', labelsFile: 'labels.jsonl', providers });
 */
export async function calibrateJudge(options: CalibrateJudgeOptions): Promise<JudgeCalibrationReport> {
  const warnings: string[] = [];
  const judge = loadJudgeFile(options.judgeFile, { directory: process.cwd(), warnings });
  // A stale calibration is about to be replaced: its warning is not news here.
  warnings.length = 0;
  const provider = judge.definition.provider;
  if (provider === undefined) {
    throw new ConfigError(`${options.judgeFile} names no provider, so there is no judge model to calibrate`, {
      file: options.judgeFile,
      field: 'provider',
      hint: 'Add `provider: openai:gpt-4.1-mini` (the judge model) to the judge file: a calibration holds for one judge model.',
      docs: 'judges.md',
    });
  }
  const labels = readLabelsFile(options.labelsFile, JudgeLabelRowSchema, { synonyms, hint: labelsHint });
  const shownLabels = path.relative(process.cwd(), path.resolve(options.labelsFile)) || options.labelsFile;
  checkIds(labels, shownLabels);
  const compiled = labels.map((label) => compileForRow(judge, label, shownLabels));

  const grade = createCalibrationGrader(options.providers);
  const results: AssertionResult[] = new Array(labels.length);
  let done = 0;
  const abort = new AbortController();
  let fatal: unknown;
  await runBounded(
    labels.keys(),
    options.concurrency ?? 4,
    async (index) => {
      const { row } = labels[index]!;
      const context = calibrationContext(row, async (request) => {
        try {
          return await grade(request);
        } catch (error) {
          // Fatal errors (bad key, cassette miss) would fail every row the same way: stop.
          if (!AssayError.isInstance(error) || ConfigError.isInstance(error) || (ProviderError.isInstance(error) && !(error as ProviderError).isRetryable)) {
            fatal ??= error;
            abort.abort(error);
          }
          throw error;
        }
      });
      results[index] = await compiled[index]!.evaluate(context);
      options.onProgress?.(++done, labels.length);
    },
    abort.signal,
  );
  await options.providers.flush();
  if (fatal) throw fatal;

  const pairs: { human: boolean; judge: boolean }[] = [];
  const disagreements: CalibrationRow[] = [];
  const unevaluated: CalibrationRow[] = [];
  labels.forEach(({ row, line }, index) => {
    const result = results[index]!;
    const base = { id: row.id, source: `${shownLabels}:${line}`, human: row.label, ...(row.note === undefined ? {} : { note: row.note }) };
    if (result.unevaluable) {
      unevaluated.push({ ...base, judge: null, reason: result.reason });
      return;
    }
    pairs.push({ human: row.label, judge: result.pass });
    if (result.pass !== row.label) disagreements.push({ ...base, judge: result.pass, reason: result.reason });
  });
  if (pairs.length === 0) {
    throw new AssayError(`The judge could not evaluate any of the ${labels.length} labelled rows: ${unevaluated[0]?.reason ?? 'no rows'}`, {
      hint: 'Check the judge model and its key, or the cassette given to --replay; nothing was written.',
      docs: 'judges.md',
    });
  }

  const measured = binaryCalibration(pairs);
  const absoluteCalibration = calibrationFilePath(judge.absolutePath);
  const calibration: JudgeCalibrationFile = {
    version: 1,
    judge: path.basename(judge.absolutePath),
    judgeHash: judge.hash,
    labelsFile: path.relative(path.dirname(judge.absolutePath), path.resolve(options.labelsFile)).split(path.sep).join('/'),
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    rows: labels.length,
    evaluated: pairs.length,
    unevaluable: unevaluated.length,
    positives: measured.positives,
    negatives: measured.negatives,
    counts: measured.counts,
    accuracy: measured.accuracy,
    sensitivity: measured.sensitivity,
    specificity: measured.specificity,
    kappa: { estimate: measured.kappa.kappa, ci95: measured.kappa.ci95 },
  };
  if (measured.positives === 0 || measured.negatives === 0) {
    warnings.push(
      `Every evaluated row is labelled ${measured.positives === 0 ? 'fail' : 'pass'}, so ${measured.positives === 0 ? 'sensitivity' : 'specificity'} cannot be measured; add rows the humans labelled ${measured.positives === 0 ? 'pass' : 'fail'}. Suites will treat this judge as uncalibrated.`,
    );
  }
  if (unevaluated.length > 0) warnings.push(`${unevaluated.length} of ${labels.length} rows could not be judged and are left out of every rate`);
  if (options.write !== false) {
    mkdirSync(path.dirname(absoluteCalibration), { recursive: true });
    writeFileSync(absoluteCalibration, `${JSON.stringify(calibration, null, 2)}\n`);
  }
  return {
    calibration,
    calibrationPath: path.relative(process.cwd(), absoluteCalibration) || absoluteCalibration,
    judgeName: judge.definition.name,
    provider,
    disagreements,
    unevaluated,
    warnings,
  };
}

/** A grade function over the registry, like the eval's: temperature 0, structured output when asked. */
function createCalibrationGrader(providers: ProviderResolver): GradeFunction {
  return async ({ provider, prompt, outputSchema }) => {
    const handle = providers.resolve(provider!);
    const response = await handle.call({ messages: [{ role: 'user', content: prompt }], settings: { temperature: 0 }, ...(outputSchema ? { outputSchema } : {}) });
    return { provider: handle.id, text: response.text };
  };
}

function checkIds(labels: readonly LabelsRow<JudgeLabelRow>[], file: string): void {
  const seen = new Map<string, number>();
  for (const { row, line } of labels) {
    const first = seen.get(row.id);
    if (first !== undefined) {
      throw new ConfigError(`Duplicate id "${row.id}" (also on line ${first})`, { file, line, field: 'id', hint: 'Each labelled row needs its own id; relabel or remove one of the two.', docs: 'judges.md' });
    }
    seen.set(row.id, line);
  }
}

/**
 * The judge for one row: its value rendered with the row's vars (and `reference`). A template
 * variable the row does not provide is an error naming the row, before any call is made.
 */
function compileForRow(judge: LoadedJudge, { row, line }: LabelsRow<JudgeLabelRow>, file: string): CompiledAssertion {
  const vars: Record<string, unknown> = { ...row.vars, ...(row.reference === undefined ? {} : { reference: row.reference }) };
  for (const variable of templateVariablesIn(judge.definition.value)) {
    if (!(variable in vars)) {
      throw new ConfigError(`Row "${row.id}" has no value for {{${variable}}}, which ${judge.definition.file} uses`, {
        file,
        line,
        field: variable === 'reference' ? 'reference' : `vars.${variable}`,
        hint: variable === 'reference' ? 'Add "reference": "..." to the row.' : `Add "vars": {"${variable}": "..."} to the row.`,
        docs: 'judges.md',
      });
    }
  }
  const assertion = renderAssertionValue({ type: 'judge', value: judge.definition }, vars);
  return compileAssertion(assertion, { file: judge.definition.file });
}

function templateVariablesIn(value: unknown): string[] {
  if (typeof value === 'string') return value.includes('{{') ? templateVariables(value) : [];
  if (Array.isArray(value)) return value.flatMap(templateVariablesIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(templateVariablesIn);
  return [];
}

function calibrationContext(row: JudgeLabelRow, grade: GradeFunction): AssertionContext {
  return {
    output: row.output,
    toolCalls: [],
    vars: { ...row.vars, ...(row.reference === undefined ? {} : { reference: row.reference }) },
    tags: [],
    latencyMs: 0,
    usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 0 },
    cost: null,
    prompt: { id: 'calibration', text: row.prompt ?? '' },
    grade,
  };
}
