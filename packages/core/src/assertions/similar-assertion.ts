import type { EmbeddingType } from '@assay/spec';
import type { AssertionContext } from '../assertion-context.ts';
import { failed, passed, quote, unevaluable, type AssertionSpec, type AsyncCheck, type Invalid, type ModelGradedCompiler, type Outcome } from './outcome.ts';

type Metric = 'cosine' | 'dot' | 'euclidean';

const metricOf: Record<EmbeddingType, Metric> = {
  similar: 'cosine',
  'similar:cosine': 'cosine',
  'similar:dot': 'dot',
  'similar:euclidean': 'euclidean',
};

/** promptfoo's default: a minimum similarity for cosine and dot, a maximum distance for euclidean. */
export const defaultSimilarThreshold = 0.75;

/** Scores that differ from the threshold by rounding alone count as reaching it. */
const tolerance = 1e-9;

/**
 * `similar` (`similar:cosine`, `similar:dot`, `similar:euclidean`): embeds the output and each
 * expected text (`value`: a string or a list) with one call, and passes when the output is close
 * enough to at least one of them — similarity >= `threshold` (default 0.75), or for euclidean a
 * distance <= `threshold`. The score is the best similarity (euclidean: 1 / (1 + distance)), so
 * `not-similar` passes only when the output is far from every value.
 */
export function compileSimilar(spec: AssertionSpec, invalid: Invalid): AsyncCheck {
  const metric = metricOf[spec.type as EmbeddingType];
  const hint = `Write \`value: "the expected answer"\`, or a list of acceptable answers; the output passes when it is close to one of them.`;
  const references = typeof spec.value === 'string' ? [spec.value] : spec.value;
  if (!Array.isArray(references) || references.length === 0) return invalid('value', `${spec.type} needs the expected text as value (a string or a list of strings)`, hint);
  for (const [index, reference] of references.entries()) {
    const field = typeof spec.value === 'string' ? 'value' : `value[${index}]`;
    if (typeof reference !== 'string') return invalid(field, `${spec.type} compares text: ${field} must be a string`, hint);
    if (reference.trim() === '') return invalid(field, `${spec.type} ${field} is empty`, hint);
  }
  const texts = references as string[];
  const threshold = spec.threshold ?? defaultSimilarThreshold;
  const provider = spec.embeddingProvider;

  return async (ctx: AssertionContext): Promise<Outcome> => {
    if (!ctx.embed) return unevaluable(`${spec.type} needs an embedding model, and none is available here (assay eval provides one; see docs/providers.md#embedding-models)`);
    const { provider: model, embeddings } = await ctx.embed({ ...(provider === undefined ? {} : { provider }), values: [ctx.output, ...texts] });
    const [output, ...expected] = embeddings;
    if (!output || expected.length !== texts.length) {
      return unevaluable(`${model} returned ${embeddings.length} embeddings for ${texts.length + 1} texts`);
    }
    let best: { index: number; value: number } | undefined;
    for (const [index, vector] of expected.entries()) {
      const value = measure(metric, output, vector);
      if (typeof value === 'string') return unevaluable(`${spec.type}: ${value} (${model})`);
      if (!best || (metric === 'euclidean' ? value < best.value : value > best.value)) best = { index, value };
    }
    return judge(metric, best!, texts, threshold, model);
  };
}

export const similarCompilers: Record<EmbeddingType, ModelGradedCompiler> = {
  similar: compileSimilar,
  'similar:cosine': compileSimilar,
  'similar:dot': compileSimilar,
  'similar:euclidean': compileSimilar,
};

function judge(metric: Metric, best: { index: number; value: number }, texts: readonly string[], threshold: number, model: string): Outcome {
  const shown = best.value.toFixed(3);
  const to = `${quote(texts[best.index]!)}${texts.length > 1 ? ` (the closest of ${texts.length} values)` : ''}, ${model}`;
  if (metric === 'euclidean') {
    const score = 1 / (1 + best.value);
    return best.value <= threshold + tolerance
      ? passed(`Euclidean distance ${shown} <= ${threshold} from ${to}`, score)
      : failed(`Euclidean distance ${shown} > ${threshold} from ${to}`, score);
  }
  const name = metric === 'cosine' ? 'Cosine similarity' : 'Dot product';
  return best.value >= threshold - tolerance
    ? passed(`${name} ${shown} >= ${threshold} to ${to}`, best.value)
    : failed(`${name} ${shown} < ${threshold} to ${to}`, best.value);
}

/** The metric between two vectors, or why it has none (different lengths, a zero vector, not finite). */
function measure(metric: Metric, a: readonly number[], b: readonly number[]): number | string {
  if (a.length !== b.length) return `the embeddings have different lengths (${a.length} and ${b.length})`;
  if (a.length === 0) return 'the embeddings are empty';
  let dot = 0;
  let normA = 0;
  let normB = 0;
  let squared = 0;
  for (let index = 0; index < a.length; index++) {
    const x = a[index]!;
    const y = b[index]!;
    dot += x * y;
    normA += x * x;
    normB += y * y;
    squared += (x - y) * (x - y);
  }
  let value: number;
  if (metric === 'cosine') {
    if (normA === 0 || normB === 0) return 'an embedding is all zeros, so its cosine similarity is undefined';
    value = dot / Math.sqrt(normA * normB);
  } else value = metric === 'dot' ? dot : Math.sqrt(squared);
  return Number.isFinite(value) ? value : `the ${metric} measure is not a finite number`;
}
