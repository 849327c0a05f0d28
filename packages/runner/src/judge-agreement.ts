import path from 'node:path';
import {
  cohensKappa,
  fleissKappa,
  krippendorffAlpha,
  type FleissKappaEstimate,
  type KappaEstimate,
  type KrippendorffAlphaEstimate,
  type Rating,
} from '@assay/core';
import { AgreementLabelRowSchema, ConfigError, parsePassLabel } from '@assay/spec';
import { readLabelsFile } from './labels-file.ts';

/** Agreement among raters on one criterion (or on the whole label when rows name none). */
export interface CriterionAgreement {
  /** The row's `criterion`, or `overall` for rows without one. */
  criterion: string;
  raters: string[];
  /** Items with at least one label. */
  items: number;
  ratings: number;
  /** `pass-fail` (booleans or pass/fail words), `numeric` (scores) or `categories`. */
  scale: 'pass-fail' | 'numeric' | 'categories';
  categories: string[];
  /** Share of agreeing pairs of labels on the same item, over items with two or more labels. */
  percentAgreement: number | null;
  /** Two raters: on the items both labelled. */
  cohensKappa?: KappaEstimate & { items: number };
  /** Three or more raters: on the items every rater labelled. */
  fleissKappa?: FleissKappaEstimate;
  /** Every item with two or more labels; missing labels allowed. Ordinal and interval only for numeric scales. */
  krippendorffAlpha: { nominal: KrippendorffAlphaEstimate; ordinal?: KrippendorffAlphaEstimate; interval?: KrippendorffAlphaEstimate };
  /** Item ids only one rater labelled: they say nothing about agreement. */
  singleRated: string[];
  /** Why a statistic is missing, when one is. */
  notes: string[];
}

export interface AgreementReport {
  labelsFile: string;
  rows: number;
  criteria: CriterionAgreement[];
}

const hint = 'A row is {"id": "case-1", "rater": "ana", "label": "pass", "criterion": "tone"}; criterion is optional, label is a category, pass/fail or a number.';
const synonyms = { id: ['case_id', 'caseId', 'item'], rater: ['annotator', 'labeler', 'labeller'] };

/**
 * Inter-rater agreement from a labels file with one row per (item, rater[, criterion]): Cohen's κ
 * for two raters, Fleiss' κ for more, and Krippendorff's α (any number, missing labels allowed),
 * per criterion. A second label by one rater for the same item and criterion is an error.
 * @example const report = computeAgreement('labels.jsonl');
 */
export function computeAgreement(labelsFile: string): AgreementReport {
  const shown = path.relative(process.cwd(), path.resolve(labelsFile)) || labelsFile;
  const rows = readLabelsFile(labelsFile, AgreementLabelRowSchema, { synonyms, hint });

  // criterion → item → rater → label
  const byCriterion = new Map<string, Map<string, Map<string, { label: string | number | boolean; line: number }>>>();
  for (const { row, line } of rows) {
    const criterion = row.criterion ?? 'overall';
    let items = byCriterion.get(criterion);
    if (!items) byCriterion.set(criterion, (items = new Map()));
    let raters = items.get(row.id);
    if (!raters) items.set(row.id, (raters = new Map()));
    const previous = raters.get(row.rater);
    if (previous) {
      throw new ConfigError(`Rater "${row.rater}" labels item "${row.id}"${row.criterion ? ` on "${row.criterion}"` : ''} twice (also on line ${previous.line})`, {
        file: shown,
        line,
        field: 'rater',
        hint: 'Keep one label per rater, item and criterion.',
        docs: 'judges.md',
      });
    }
    raters.set(row.rater, { label: row.label, line });
  }
  const allRaters = new Set(rows.map(({ row }) => row.rater));
  if (allRaters.size < 2) {
    throw new ConfigError(`Agreement needs labels from at least two raters; ${shown} has only "${[...allRaters][0]}"`, {
      file: shown,
      field: 'rater',
      hint: 'Add the same items labelled by a second rater, with a different "rater" value.',
      docs: 'judges.md',
    });
  }

  const criteria = [...byCriterion.entries()]
    .sort(([a], [b]) => (a === 'overall' ? -1 : b === 'overall' ? 1 : a.localeCompare(b)))
    .map(([criterion, items]) => criterionAgreement(criterion, items));
  return { labelsFile: shown, rows: rows.length, criteria };
}

function criterionAgreement(criterion: string, items: Map<string, Map<string, { label: string | number | boolean }>>): CriterionAgreement {
  const raters = [...new Set([...items.values()].flatMap((ratings) => [...ratings.keys()]))].sort();
  const rawLabels = [...items.values()].flatMap((ratings) => [...ratings.values()].map((rating) => rating.label));
  const scale: CriterionAgreement['scale'] = rawLabels.every((label) => typeof label === 'number')
    ? 'numeric'
    : rawLabels.every((label) => parsePassLabel(label) !== undefined)
      ? 'pass-fail'
      : 'categories';
  const normalize = (label: string | number | boolean): Rating =>
    scale === 'numeric' ? label : scale === 'pass-fail' ? (parsePassLabel(label) ? 'pass' : 'fail') : String(label);

  const ids = [...items.keys()];
  // Reliability data: one row per item, one slot per rater.
  const units = ids.map((id) => raters.map((rater) => {
    const rating = items.get(id)!.get(rater);
    return rating === undefined ? null : normalize(rating.label);
  }));
  const categories = [...new Set(units.flat().filter((label): label is Rating => label !== null))].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)),
  );
  const notes: string[] = [];
  const singleRated = ids.filter((_id, index) => units[index]!.filter((label) => label !== null).length < 2);

  let agreeing = 0;
  let pairs = 0;
  for (const unit of units) {
    const labels = unit.filter((label): label is Rating => label !== null);
    for (let a = 0; a < labels.length; a++) {
      for (let b = a + 1; b < labels.length; b++) {
        pairs++;
        if (labels[a] === labels[b]) agreeing++;
      }
    }
  }

  const result: CriterionAgreement = {
    criterion,
    raters,
    items: ids.length,
    ratings: units.flat().filter((label) => label !== null).length,
    scale,
    categories: categories.map(String),
    percentAgreement: pairs === 0 ? null : agreeing / pairs,
    krippendorffAlpha: { nominal: krippendorffAlpha(units, 'nominal') },
    singleRated,
    notes,
  };
  if (scale === 'numeric') {
    result.krippendorffAlpha.ordinal = krippendorffAlpha(units, 'ordinal');
    result.krippendorffAlpha.interval = krippendorffAlpha(units, 'interval');
  }

  if (raters.length < 2) {
    notes.push(`only one rater (${raters[0]}) labelled this criterion`);
  } else if (raters.length === 2) {
    const both = units.filter((unit) => unit[0] !== null && unit[1] !== null).map((unit) => [unit[0]!, unit[1]!] as [Rating, Rating]);
    result.cohensKappa = { ...cohensKappa(both), items: both.length };
    if (both.length > 0 && result.cohensKappa.kappa === null) notes.push('Cohen’s κ is undefined: both raters gave every item the same label');
  } else {
    const complete = units.filter((unit) => unit.every((label) => label !== null));
    result.fleissKappa = fleissKappa(complete.map((unit) => categories.map((category) => unit.filter((label) => label === category).length)));
    if (complete.length < units.length) {
      notes.push(`Fleiss’ κ uses the ${complete.length} of ${units.length} items every rater labelled; Krippendorff’s α uses all items with two or more labels`);
    }
  }
  if (result.krippendorffAlpha.nominal.alpha === null && result.krippendorffAlpha.nominal.values >= 2) {
    notes.push('Krippendorff’s α is undefined: every label is the same, so there is no disagreement to measure');
  }
  return result;
}
