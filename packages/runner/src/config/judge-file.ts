import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileAssertion, formatFieldPath, parseYamlSource } from '@assay/core';
import { ConfigError, JudgeCalibrationFileSchema, JudgeFileSchema, type Assertion, type JudgeCalibrationFile, type JudgeFile } from '@assay/spec';
import { checkProviderId } from './check-provider-id.ts';
import { ConfigLocator } from './config-location.ts';
import type { JudgeInfo } from './resolved-suite.ts';

/** A judge file read and checked: the value a `type: judge` assertion is compiled with, and what reports need to know. */
export interface LoadedJudge {
  /** The `value` for `compileAssertion({ type: 'judge', value })`. */
  definition: JudgeFile & { file: string; name: string };
  /** Hash of what decides verdicts (type, value, provider, threshold): a calibration is valid only for the same hash. */
  hash: string;
  info: JudgeInfo;
  /** Where the file is, absolute. */
  absolutePath: string;
}

/**
 * Reads a judge file (`judges/helpful.yaml`: one model-graded assertion with an optional `name`
 * and `description`) and, when `assay judge calibrate` has written one next to it, its calibration.
 * A calibration made for a different version of the judge is ignored with a warning.
 *
 * @param file the path as written (in the suite, or on the command line)
 * @param directory what `file` is relative to
 * @throws ConfigError naming the judge file's line for a missing file, invalid YAML or an invalid definition
 * @example
 * const judge = loadJudgeFile('judges/helpful.yaml', { directory: suiteDirectory, warnings });
 */
export function loadJudgeFile(file: string, options: { directory: string; warnings: string[] }): LoadedJudge {
  const absolutePath = path.resolve(options.directory, file);
  const shown = path.relative(process.cwd(), absolutePath) || absolutePath;
  if (!existsSync(absolutePath)) {
    throw new ConfigError(`Judge file not found: ${shown}`, {
      file: shown,
      hint: 'Judge files are relative to the suite file. Create it with a `type` (llm-rubric, pairwise, factuality, answer-relevance or rubric-criteria) and a `value`.',
      docs: 'judges.md',
    });
  }
  const source = parseYamlSource(readFileSync(absolutePath, 'utf8'), shown);
  const locator = new ConfigLocator(shown, source);
  const parsed = JudgeFileSchema.safeParse(source.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const issuePath = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      throw locator.error(`Unknown field "${issue.keys[0]}" in a judge file`, [...issuePath, issue.keys[0]!], 'A judge file has type, value, provider, threshold, name and description.', 'judges.md');
    }
    const hint =
      issuePath[0] === 'type'
        ? 'type is one of llm-rubric, pairwise, factuality, answer-relevance, rubric-criteria.'
        : 'A judge file is one model-graded assertion: type, value, provider, threshold, plus optional name and description.';
    throw locator.error(`Invalid judge file: ${issue.message}`, issuePath, hint, 'judges.md');
  }
  const judge = parsed.data;
  const core = { type: judge.type, value: judge.value, provider: judge.provider, threshold: judge.threshold };
  if (judge.provider !== undefined) checkProviderId(judge.provider, locator, ['provider']);
  try {
    compileAssertion(core, { file: shown });
  } catch (error) {
    locator.relocate(error, ConfigError.isInstance(error) && (error as ConfigError).field ? (error as ConfigError).field!.split('.') : []);
  }
  const name = judge.name ?? path.basename(file).replace(/\.[^.]+$/, '');
  const hash = judgeDefinitionHash(core);
  const info: JudgeInfo = { file };
  const calibration = readCalibration(absolutePath, hash, file, options.warnings);
  if (calibration) info.calibration = calibration;
  return { definition: { ...judge, file, name }, hash, info, absolutePath };
}

/** `judges/helpful.yaml` → `judges/helpful.calibration.json`. */
export function calibrationFilePath(judgeFile: string): string {
  return judgeFile.replace(/(\.[^./\\]+)?$/, '.calibration.json');
}

/** A stable hash of a judge definition: key order and formatting do not change it. */
export function judgeDefinitionHash(definition: { type: string; value?: unknown; provider?: string; threshold?: number }): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([, item]) => item !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([key, item]) => [key, canonical(item)]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical({ type: definition.type, value: definition.value, provider: definition.provider, threshold: definition.threshold })))
    .digest('hex')
    .slice(0, 16);
}

function readCalibration(judgePath: string, hash: string, shownJudge: string, warnings: string[]): JudgeInfo['calibration'] {
  const file = calibrationFilePath(judgePath);
  if (!existsSync(file)) return undefined;
  const shown = path.relative(process.cwd(), file) || file;
  let data: JudgeCalibrationFile;
  try {
    data = JudgeCalibrationFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    warnings.push(`Ignoring ${shown}: it is not a calibration file this version of Assay can read; judge ${shownJudge} counts as uncalibrated (run \`assay judge calibrate\` again)`);
    return undefined;
  }
  if (data.judgeHash !== hash) {
    warnings.push(
      `Judge ${shownJudge} changed since it was calibrated (${data.createdAt.slice(0, 10)}); its pass rates are not corrected until you run \`assay judge calibrate ${shownJudge} --labels ...\` again`,
    );
    return undefined;
  }
  const { sensitivity, specificity } = data;
  if (sensitivity.estimate === null || specificity.estimate === null) {
    warnings.push(`Judge ${shownJudge} was calibrated without both human passes and human fails, so its error rates are unknown; it counts as uncalibrated`);
    return undefined;
  }
  if (sensitivity.estimate + specificity.estimate <= 1) {
    warnings.push(
      `Judge ${shownJudge} agrees with the human labels no better than chance (sensitivity ${sensitivity.estimate.toFixed(2)}, specificity ${specificity.estimate.toFixed(2)}); its pass rates cannot be corrected and should not be trusted`,
    );
  }
  return {
    sensitivity: sensitivity.estimate,
    specificity: specificity.estimate,
    positives: data.positives,
    negatives: data.negatives,
    labelsFile: data.labelsFile,
    createdAt: data.createdAt,
  };
}

/**
 * Resolves `type: judge` assertions of one suite: reads each judge file once, replaces the file
 * name in `value` with the file's definition, and collects the judges by metric name.
 */
export function createJudgeResolver(context: { directory: string; warnings: string[]; locator: ConfigLocator }) {
  const { directory, warnings, locator } = context;
  const loaded = new Map<string, LoadedJudge>();
  const resolved = new WeakMap<Assertion, Assertion>();
  const judges: Record<string, JudgeInfo> = {};
  const metricFiles = new Map<string, string>();
  const metricSenses = new Map<string, boolean>();

  const fail = (message: string, fieldPath: PropertyKey[], file: string, hint: string): never => {
    if (file === locator.file) throw locator.error(message, fieldPath, hint, 'judges.md');
    throw new ConfigError(message, { file, field: formatFieldPath(fieldPath), hint, docs: 'judges.md' });
  };

  /** The assertion with its judge file read, or the assertion itself when it is not `type: judge` with a file name. */
  const resolve = (assertion: Assertion, fieldPath: PropertyKey[], file: string): Assertion => {
    const cached = resolved.get(assertion);
    if (cached) return cached;
    // The assertions of an assert-set may be judges too.
    if (Array.isArray(assertion.assert)) {
      const children = assertion.assert.map((child, index) => resolve(child, [...fieldPath, 'assert', index], file));
      const result = children.every((child, index) => child === assertion.assert![index]) ? assertion : { ...assertion, assert: children };
      resolved.set(assertion, result);
      return result;
    }
    if (assertion.type.replace(/^not-/, '') !== 'judge' || typeof assertion.value !== 'string') return assertion;
    for (const field of ['provider', 'threshold'] as const) {
      if (assertion[field] !== undefined) {
        fail(`A judge's ${field} is set in its judge file, not where it is used`, [...fieldPath, field], file, `Move \`${field}\` into ${assertion.value}, then re-run \`assay judge calibrate\` on it.`);
      }
    }
    const absolute = path.resolve(directory, assertion.value);
    let judge = loaded.get(absolute);
    if (!judge) {
      if (!existsSync(absolute)) {
        fail(`Judge file not found: ${assertion.value}`, [...fieldPath, 'value'], file, 'Judge files are relative to the suite file. Check the spelling, or create the file (see the docs).');
      }
      judge = loadJudgeFile(assertion.value, { directory, warnings });
      loaded.set(absolute, judge);
    }
    const negated = assertion.type.startsWith('not-');
    const metric = assertion.metric ?? `${negated ? 'not-' : ''}${judge.definition.name}`;
    const previous = metricFiles.get(metric);
    if (previous !== undefined && previous !== absolute) {
      fail(`Two judge files report under the metric "${metric}"`, [...fieldPath, 'value'], file, 'Give one of them a different `name:` in its judge file, or set `metric:` where it is used.');
    }
    const previousSense = metricSenses.get(metric);
    if (previousSense !== undefined && previousSense !== negated) {
      fail(`"${metric}" is used both as judge and as not-judge`, [...fieldPath, 'type'], file, 'Give the not-judge use its own `metric:` name: their passes are opposite and cannot be pooled.');
    }
    metricFiles.set(metric, absolute);
    metricSenses.set(metric, negated);
    judges[metric] = negated ? negatedInfo(judge.info) : judge.info;
    const result: Assertion = { ...assertion, value: judge.definition };
    resolved.set(assertion, result);
    return result;
  };
  return { judges, resolve };
}

/**
 * A `not-judge` passes where the judge fails. Its "positive" is an output humans would fail, so
 * its sensitivity is the judge's specificity and its specificity the judge's sensitivity.
 */
function negatedInfo(info: JudgeInfo): JudgeInfo {
  if (!info.calibration) return info;
  const { sensitivity, specificity, positives, negatives, ...rest } = info.calibration;
  return { ...info, calibration: { ...rest, sensitivity: specificity, specificity: sensitivity, positives: negatives, negatives: positives } };
}
