import { judgeFileTypes } from '@assay/spec';
import { isRecord } from './judge-prompt.ts';
import type { AssertionSpec, AsyncCheck, Invalid, ModelGradedCompiler } from './outcome.ts';

/**
 * The value of a `judge` assertion once the runner has read the judge file it names: the file's
 * model-graded definition, and the name its results are reported under.
 */
export interface JudgeDefinition {
  /** The judge file, as written in the suite (relative to it). */
  file: string;
  /** Metric name: the file's `name`, else its file name without extension. */
  name: string;
  type: (typeof judgeFileTypes)[number];
  value?: unknown;
  provider?: string;
  threshold?: number;
}

/**
 * `judge`: a model-graded assertion defined in a judge file (`value: judges/helpful.yaml`), so it
 * can be calibrated against human labels and reused. The runner reads the file when it loads the
 * suite and passes its definition here; results carry the judge's name as their metric.
 */
export function compileJudge(spec: AssertionSpec, invalid: Invalid, compileType: (type: JudgeDefinition['type']) => ModelGradedCompiler): AsyncCheck {
  const definition = readDefinition(spec.value, invalid);
  const inner: AssertionSpec = {
    type: definition.type,
    value: definition.value,
    threshold: spec.threshold ?? definition.threshold,
    provider: spec.provider ?? definition.provider,
  };
  const check = compileType(definition.type)(inner, (field, message, hint) => invalid(`value.${field}`, `${definition.file}: ${message}`, hint));

  return async (ctx) => {
    const outcome = await check(ctx);
    return {
      ...outcome,
      reason: `${definition.name}: ${outcome.reason}`,
      ...(outcome.judge ? { judge: { ...outcome.judge, file: definition.file } } : {}),
    };
  };
}

function readDefinition(value: unknown, invalid: Invalid): JudgeDefinition {
  if (typeof value === 'string') {
    return invalid(
      'value',
      `The judge file "${value}" has not been read`,
      'Judge files are read when a suite is loaded (`assay eval`, `assay validate`); when compiling assertions yourself, pass the definition: { file, name, type, value, provider, threshold }.',
    );
  }
  const hint = 'Write `value: judges/helpful.yaml` (a judge file, relative to the suite).';
  if (!isRecord(value)) return invalid('value', 'judge needs a judge file as value', hint);
  if (typeof value.file !== 'string' || typeof value.name !== 'string') return invalid('value', 'judge definition needs `file` and `name`', hint);
  if (!(judgeFileTypes as readonly unknown[]).includes(value.type)) {
    return invalid('value.type', `A judge must be one of ${judgeFileTypes.join(', ')} (got ${JSON.stringify(value.type)})`, hint);
  }
  return value as unknown as JudgeDefinition;
}

/**
 * The metric a `judge` assertion reports under when it sets none: its judge's name, or
 * `not-<name>` for `not-judge` (whose passes are the judge's fails, so they must not be pooled).
 */
export function judgeMetricName(value: unknown, negated: boolean): string | undefined {
  if (!isRecord(value) || typeof value.name !== 'string') return undefined;
  return negated ? `not-${value.name}` : value.name;
}
