import type { JudgeRecord } from '@assay/spec';
import { askJudge, dataBlock, dataNotice, findJudgeObject, fromFivePointScale, isRecord, reasoningOf, toNumber, unreadable } from './judge-prompt.ts';
import { quote, unevaluable, type AssertionSpec, type AsyncCheck, type Invalid } from './outcome.ts';

interface Criterion {
  name: string;
  description: string;
  weight: number;
}

const criterionName = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/**
 * `rubric-criteria`: a JSON-mode judge scores the output on each named criterion from 1 to 5
 * (mapped to 0..1: 1 → 0, 3 → 0.5, 5 → 1). The assertion's score is the weighted mean; it passes
 * at `threshold` (default 0.7). Per-criterion scores and reasoning go into the reason and the
 * judge record.
 */
export function compileRubricCriteria(spec: AssertionSpec, invalid: Invalid): AsyncCheck {
  const criteria = readCriteria(spec.value, invalid);
  const threshold = spec.threshold ?? 0.7;
  const { provider } = spec;
  const outputSchema = criteriaSchema(criteria);
  const totalWeight = criteria.reduce((sum, criterion) => sum + criterion.weight, 0);

  return async (ctx) => {
    const prompt = rubricCriteriaPrompt(criteria, ctx.prompt.text, ctx.output);
    const reply = await askJudge(ctx, 'rubric-criteria', { provider, prompt, outputSchema });
    if (!reply.ok) return reply.outcome;
    const judge: JudgeRecord = { provider: reply.provider, prompt, raw: reply.raw };
    const record = findJudgeObject(reply.raw, (candidate) => criteria.some((criterion) => scoreEntry(candidate, criterion.name) !== undefined));
    if (!record) return unreadable(reply.raw, judge, 'the expected JSON with a score per criterion');

    const scored: JudgeRecord['criteria'] = {};
    const parts: string[] = [];
    let weighted = 0;
    for (const criterion of criteria) {
      const entry = scoreEntry(record, criterion.name);
      const score = entry === undefined ? undefined : fromFivePointScale(entry.score);
      if (entry === undefined || score === undefined) {
        const problem = entry === undefined ? 'no score' : `the score ${quote(String(entry.score))}, not 1–5,`;
        return { ...unevaluable(`Judge reply has ${problem} for criterion "${criterion.name}": ${quote(reply.raw)}`), judge };
      }
      scored[criterion.name] = entry.reasoning === undefined ? { score } : { score, reasoning: entry.reasoning };
      weighted += criterion.weight * score;
      parts.push(`${criterion.name} ${score} (${entry.score}/5${criteria.length > 1 && criterion.weight !== 1 ? `, weight ${criterion.weight}` : ''})`);
    }
    const score = weighted / totalWeight;
    const pass = score >= threshold;
    judge.criteria = scored;
    judge.reasoning = criteria.map((criterion) => `${criterion.name}: ${scored[criterion.name]!.reasoning ?? 'no reasoning given'}`).join('\n');
    const worst = criteria.reduce((low, criterion) => (scored[criterion.name]!.score < scored[low.name]!.score ? criterion : low));
    const why = scored[worst.name]!.reasoning;
    return {
      pass,
      score,
      reason: `Criteria: ${parts.join(', ')} → ${round(score)} (threshold ${threshold})${why ? `; lowest, ${worst.name}: ${quote(why, 160)}` : ''}`,
      judge,
    };
  };
}

function readCriteria(value: unknown, invalid: Invalid): Criterion[] {
  const hint = 'Write `value: { criteria: { accuracy: "States the correct refund window", tone: "Polite and calm" }, weights: { accuracy: 2 } }`.';
  if (!isRecord(value)) return invalid('value', 'rubric-criteria needs `criteria` in value', hint);
  const unknown = Object.keys(value).find((key) => key !== 'criteria' && key !== 'weights');
  if (unknown !== undefined) return invalid(`value.${unknown}`, `Unknown field "${unknown}" in a rubric-criteria value`, hint);
  const { criteria, weights = {} } = value;
  if (!isRecord(criteria) || Object.keys(criteria).length === 0) return invalid('value.criteria', 'rubric-criteria needs at least one named criterion', hint);
  if (!isRecord(weights)) return invalid('value.weights', 'weights must map criterion names to numbers', hint);
  for (const name of Object.keys(weights)) {
    if (!(name in criteria)) return invalid(`value.weights.${name}`, `Weight for "${name}", which is not a criterion`, `Criteria: ${Object.keys(criteria).join(', ')}.`);
  }
  const list: Criterion[] = [];
  for (const [name, description] of Object.entries(criteria)) {
    if (!criterionName.test(name)) {
      return invalid(`value.criteria.${name}`, `Criterion name "${name}" must be a short identifier`, 'Use letters, digits, `_` and `-`, starting with a letter, e.g. `accuracy` or `tone_of_voice`.');
    }
    if (typeof description !== 'string' || description.trim() === '') {
      return invalid(`value.criteria.${name}`, `Criterion "${name}" needs a description (a string)`, hint);
    }
    const weight = weights[name] ?? 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      return invalid(`value.weights.${name}`, `Weight of "${name}" must be a number >= 0`, hint);
    }
    list.push({ name, description, weight });
  }
  if (list.every((criterion) => criterion.weight === 0)) return invalid('value.weights', 'At least one criterion needs a weight above 0', hint);
  return list;
}

export function rubricCriteriaPrompt(criteria: readonly Criterion[], promptText: string, output: string): string {
  const example = Object.fromEntries(criteria.map((criterion) => [criterion.name, { reasoning: '<one sentence>', score: '<1-5>' }]));
  return [
    'You are grading the output of an AI system on several criteria, each on its own.',
    dataNotice,
    '',
    dataBlock('criteria', criteria.map((criterion) => `- ${criterion.name}: ${criterion.description}`).join('\n')),
    '',
    dataBlock('prompt', promptText),
    '',
    dataBlock('output', output),
    '',
    'Score the output on each criterion from 1 to 5:',
    '5 = fully meets it; 4 = meets it with minor issues; 3 = partly meets it; 2 = mostly fails it; 1 = fails it.',
    'Reply with only a JSON object with one entry per criterion, no other text:',
    JSON.stringify(example).replaceAll('"<1-5>"', '<1-5>'),
  ].join('\n');
}

/** The structured-output schema: one `{reasoning, score}` object per criterion (strict-mode compatible). */
function criteriaSchema(criteria: readonly Criterion[]): Record<string, unknown> {
  const entry = {
    type: 'object',
    properties: { reasoning: { type: 'string' }, score: { type: 'integer', enum: [1, 2, 3, 4, 5] } },
    required: ['reasoning', 'score'],
    additionalProperties: false,
  };
  return {
    type: 'object',
    properties: Object.fromEntries(criteria.map((criterion) => [criterion.name, entry])),
    required: criteria.map((criterion) => criterion.name),
    additionalProperties: false,
  };
}

/** A criterion's entry: `{score, reasoning}` or a bare number, at the top level or under `criteria`/`scores`. */
function scoreEntry(record: Record<string, unknown>, name: string): { score: unknown; reasoning?: string } | undefined {
  const nested = [record, record.criteria, record.scores].filter(isRecord);
  for (const container of nested) {
    const entry = container[name];
    if (isRecord(entry) && entry.score !== undefined) return { score: entry.score, reasoning: reasoningOf(entry) };
    if (toNumber(entry) !== undefined) return { score: entry };
  }
  return undefined;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
