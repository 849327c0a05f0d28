// Agreement between raters (humans, or a judge against humans): Cohen's κ, Fleiss' κ and
// Krippendorff's α. Each returns null, never NaN, where the statistic is undefined (no data, or
// every rating in one category so that chance agreement is already perfect).
import { assertConfidence, assertInteger } from './_validate.ts';
import { zForConfidence } from './normal.ts';

/** A rating: a category name, a pass/fail boolean, or a number (a score on a scale). */
export type Rating = string | number | boolean;

/** Counts of paired ratings: `counts[i][j]` = items rater A put in `categories[i]` and rater B in `categories[j]`. */
export interface ConfusionMatrix<T extends Rating = Rating> {
  categories: T[];
  counts: number[][];
  /** Total pairs. */
  n: number;
}

/**
 * The confusion matrix of paired ratings. Categories are those given (in that order), else the
 * ones that occur, sorted (booleans: `true` first, so a binary matrix reads pass/fail).
 * @example confusionMatrix([[true, true], [true, false]]) // { categories: [true, false], counts: [[1, 1], [0, 0]], n: 2 }
 */
export function confusionMatrix<T extends Rating>(pairs: readonly (readonly [T, T])[], categories?: readonly T[]): ConfusionMatrix<T> {
  const list = categories ? [...categories] : sortCategories([...new Set(pairs.flat())]);
  const index = new Map<T, number>(list.map((category, position) => [category, position]));
  if (index.size !== list.length) throw new RangeError('confusionMatrix: categories must be distinct');
  const counts = list.map(() => list.map(() => 0));
  for (const [a, b] of pairs) {
    const row = index.get(a);
    const column = index.get(b);
    if (row === undefined || column === undefined) throw new RangeError(`confusionMatrix: rating ${JSON.stringify(row === undefined ? a : b)} is not among the categories`);
    counts[row]![column]!++;
  }
  return { categories: list, counts, n: pairs.length };
}

export interface KappaEstimate {
  /** null when undefined: no pairs, or chance agreement is 1 (both raters used one category only). */
  kappa: number | null;
  /** Large-sample standard error (Fleiss, Cohen & Everitt 1969); null with kappa. */
  standardError: number | null;
  /** κ ± z·SE, clipped to [−1, 1]; null with kappa. */
  ci95: [number, number] | null;
  /** Share of pairs on the diagonal; null for n = 0. */
  observedAgreement: number | null;
  /** Agreement expected by chance from the two raters' marginals; null for n = 0. */
  expectedAgreement: number | null;
  n: number;
}

/**
 * Cohen's κ for two raters (Cohen 1960), from paired ratings or from a confusion matrix
 * (`{ counts }`, e.g. from `confusionMatrix`). The interval is κ ± z·SE with the large-sample
 * standard error of Fleiss, Cohen & Everitt (1969), the one SAS PROC FREQ and statsmodels report.
 * @example cohensKappa({ counts: [[20, 5], [10, 15]] }).kappa // 0.4
 */
export function cohensKappa(input: readonly (readonly [Rating, Rating])[] | Pick<ConfusionMatrix, 'counts'>, options: { confidence?: number } = {}): KappaEstimate {
  const counts = Array.isArray(input) ? confusionMatrix(input as readonly (readonly [Rating, Rating])[]).counts : (input as Pick<ConfusionMatrix, 'counts'>).counts;
  const confidence = options.confidence ?? 0.95;
  assertConfidence(confidence);
  const size = counts.length;
  let n = 0;
  for (const row of counts) {
    if (row.length !== size) throw new RangeError('cohensKappa: the confusion matrix must be square');
    for (const count of row) {
      if (!(count >= 0) || !Number.isFinite(count)) throw new RangeError(`cohensKappa: counts must be finite and ≥ 0, got ${count}`);
      n += count;
    }
  }
  if (n === 0) return { kappa: null, standardError: null, ci95: null, observedAgreement: null, expectedAgreement: null, n: 0 };

  const p = counts.map((row) => row.map((count) => count / n));
  const rows = p.map((row) => row.reduce((sum, value) => sum + value, 0));
  const columns = p[0]!.map((_, j) => p.reduce((sum, row) => sum + row[j]!, 0));
  const observed = p.reduce((sum, row, i) => sum + row[i]!, 0);
  const expected = rows.reduce((sum, row, i) => sum + row * columns[i]!, 0);
  // Chance agreement of 1 (both raters put everything in one category): κ is 0/0.
  if (expected >= 1 - 1e-12) return { kappa: null, standardError: null, ci95: null, observedAgreement: observed, expectedAgreement: expected, n };

  const kappa = (observed - expected) / (1 - expected);
  // Fleiss, Cohen & Everitt (1969), eq. 13: the variance of κ̂ without assuming κ = 0.
  let diagonal = 0;
  let offDiagonal = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      if (i === j) diagonal += p[i]![i]! * (1 - (rows[i]! + columns[i]!) * (1 - kappa)) ** 2;
      else offDiagonal += p[i]![j]! * (columns[i]! + rows[j]!) ** 2;
    }
  }
  const variance = (diagonal + (1 - kappa) ** 2 * offDiagonal - (kappa - expected * (1 - kappa)) ** 2) / ((1 - expected) ** 2 * n);
  const standardError = Math.sqrt(Math.max(0, variance));
  const z = zForConfidence(confidence);
  return {
    kappa,
    standardError,
    ci95: [Math.max(-1, kappa - z * standardError), Math.min(1, kappa + z * standardError)],
    observedAgreement: observed,
    expectedAgreement: expected,
    n,
  };
}

export interface FleissKappaEstimate {
  /** null when undefined: no subjects, or every rating in one category. */
  kappa: number | null;
  /** Mean agreement over subjects, P̄. */
  observedAgreement: number | null;
  /** Chance agreement from the category proportions, P̄e. */
  expectedAgreement: number | null;
  subjects: number;
  /** Ratings per subject. */
  raters: number;
}

/**
 * Fleiss' κ for a fixed number of raters per subject (Fleiss 1971). `ratings[i][j]` is how many
 * raters put subject i in category j; every row must add up to the same number of raters (≥ 2),
 * though the raters themselves may differ between subjects.
 * @example fleissKappa([[0, 2], [1, 1], [2, 0]]).kappa
 */
export function fleissKappa(ratings: readonly (readonly number[])[]): FleissKappaEstimate {
  const subjects = ratings.length;
  if (subjects === 0) return { kappa: null, observedAgreement: null, expectedAgreement: null, subjects: 0, raters: 0 };
  const categories = ratings[0]!.length;
  const raters = ratings[0]!.reduce((sum, count) => sum + count, 0);
  assertInteger('fleissKappa: raters per subject', raters, 2);
  const totals = new Array<number>(categories).fill(0);
  let agreement = 0;
  for (const [index, row] of ratings.entries()) {
    if (row.length !== categories) throw new RangeError(`fleissKappa: subject ${index} has ${row.length} categories, expected ${categories}`);
    let sum = 0;
    let pairs = 0;
    for (const [j, count] of row.entries()) {
      assertInteger(`fleissKappa: ratings[${index}][${j}]`, count);
      sum += count;
      pairs += count * (count - 1);
      totals[j]! += count;
    }
    if (sum !== raters) throw new RangeError(`fleissKappa: subject ${index} has ${sum} ratings, expected ${raters} like the first subject`);
    agreement += pairs / (raters * (raters - 1));
  }
  const observed = agreement / subjects;
  const expected = totals.reduce((sum, total) => sum + (total / (subjects * raters)) ** 2, 0);
  const kappa = expected >= 1 - 1e-12 ? null : (observed - expected) / (1 - expected);
  return { kappa, observedAgreement: observed, expectedAgreement: expected, subjects, raters };
}

export type KrippendorffLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio';

export interface KrippendorffAlphaEstimate {
  /** null when undefined: fewer than two pairable values, or no variation among them. */
  alpha: number | null;
  level: KrippendorffLevel;
  /** Units with at least two ratings (the others carry no information about agreement). */
  units: number;
  /** Ratings in those units, n.. in Krippendorff's notation. */
  values: number;
  observedDisagreement: number | null;
  expectedDisagreement: number | null;
}

/**
 * Krippendorff's α (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"): any number
 * of raters, missing ratings allowed. `units[u]` holds unit u's ratings, one slot per rater, with
 * `null`/`undefined` where a rater gave none. Levels other than nominal need numeric ratings.
 * @example krippendorffAlpha([[1, 1], [2, 2], [1, null]], 'nominal').alpha // 1
 */
export function krippendorffAlpha(units: readonly (readonly (Rating | null | undefined)[])[], level: KrippendorffLevel = 'nominal'): KrippendorffAlphaEstimate {
  const pairable = units.map((unit) => unit.filter((value): value is Rating => value !== null && value !== undefined)).filter((unit) => unit.length >= 2);
  const values = pairable.reduce((sum, unit) => sum + unit.length, 0);
  const empty = { alpha: null, level, units: pairable.length, values, observedDisagreement: null, expectedDisagreement: null };
  if (values < 2) return empty;

  if (level !== 'nominal') {
    for (const unit of pairable) {
      for (const value of unit) {
        if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`krippendorffAlpha: ${level} ratings must be numbers, got ${JSON.stringify(value)}`);
        if (level === 'ratio' && value < 0) throw new RangeError(`krippendorffAlpha: ratio ratings must be ≥ 0, got ${value}`);
      }
    }
  }
  const categories = sortCategories([...new Set(pairable.flat())]);
  const index = new Map<Rating, number>(categories.map((category, position) => [category, position]));
  const size = categories.length;

  // The coincidence matrix: each ordered pair of ratings within a unit, weighted 1 / (m_u − 1).
  const coincidences = categories.map(() => new Array<number>(size).fill(0));
  for (const unit of pairable) {
    const weight = 1 / (unit.length - 1);
    for (let a = 0; a < unit.length; a++) {
      for (let b = 0; b < unit.length; b++) {
        if (a !== b) coincidences[index.get(unit[a]!)!]![index.get(unit[b]!)!]! += weight;
      }
    }
  }
  const marginals = coincidences.map((row) => row.reduce((sum, value) => sum + value, 0));
  const distance = squaredDistance(level, categories as number[], marginals);

  let observed = 0;
  let expected = 0;
  for (let c = 0; c < size; c++) {
    for (let k = 0; k < size; k++) {
      const delta = c === k ? 0 : distance(c, k);
      observed += coincidences[c]![k]! * delta;
      expected += marginals[c]! * marginals[k]! * delta;
    }
  }
  const observedDisagreement = observed / values;
  const expectedDisagreement = expected / (values * (values - 1));
  if (expectedDisagreement <= 1e-15) return { ...empty, observedDisagreement, expectedDisagreement };
  return { alpha: 1 - observedDisagreement / expectedDisagreement, level, units: pairable.length, values, observedDisagreement, expectedDisagreement };
}

/** δ²(c, k) for category indices, per Krippendorff (2011), section C. */
function squaredDistance(level: KrippendorffLevel, values: readonly number[], marginals: readonly number[]): (c: number, k: number) => number {
  switch (level) {
    case 'nominal':
      return () => 1;
    case 'interval':
      return (c, k) => (values[c]! - values[k]!) ** 2;
    case 'ratio':
      return (c, k) => ((values[c]! - values[k]!) / (values[c]! + values[k]!)) ** 2;
    case 'ordinal': {
      // Ranks are the sorted distinct values; the distance counts the values between them.
      const cumulative = [0];
      for (const marginal of marginals) cumulative.push(cumulative.at(-1)! + marginal);
      return (c, k) => {
        const [low, high] = c < k ? [c, k] : [k, c];
        return (cumulative[high + 1]! - cumulative[low]! - (marginals[c]! + marginals[k]!) / 2) ** 2;
      };
    }
  }
}

/** Numbers ascending, then booleans (`true` first), then strings in code-unit order. */
function sortCategories<T extends Rating>(categories: T[]): T[] {
  const rank = (value: Rating) => (typeof value === 'number' ? 0 : typeof value === 'boolean' ? 1 : 2);
  return categories.sort((a, b) => {
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    if (typeof a === 'number') return a - (b as number);
    if (typeof a === 'boolean') return a === b ? 0 : a ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
