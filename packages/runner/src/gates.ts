import { roganGladenInterval, wilsonInterval, zForConfidence } from '@assay/core';
import type { CellComparison, Gate, GateResult, MetricSummary, RunComparison, SummaryCell } from '@assay/spec';

/** A cell's pass-rate and score intervals at the gate's confidence. */
export interface CellIntervals {
  rate: [number, number] | null;
  score: [number, number] | null;
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const interval = (range: [number, number] | null, confidence: number) =>
  range ? `${Math.round(confidence * 100)}% CI ${percent(range[0])}–${percent(range[1])}` : 'no interval';

/**
 * Checks the suite's `gate:` block against a finished run. A gate on a rate compares the lower
 * bound of its interval (at `gate.confidence`) with the limit, unless `use: estimate`: a cell
 * passes only when the data show it is at least that good, not when it merely looks so.
 */
export function evaluateGates(
  gate: Gate,
  run: { cells: SummaryCell[]; metrics: MetricSummary[]; intervals: Map<string, CellIntervals> },
): GateResult[] {
  const results: GateResult[] = [];
  const confidence = gate.confidence;
  const useBound = gate.use === 'lowerBound';
  const what = useBound ? 'lower bound' : 'estimate';

  const rateGate = (name: string, cell: string, estimate: number | null, range: [number, number] | null, n: number, limit: number, note = '') => {
    if (n === 0 || estimate === null) {
      results.push({ gate: name, cell, ok: false, value: null, limit, detail: `${cell}: no cases ran, so the gate cannot pass` });
      return;
    }
    const value = useBound ? (range?.[0] ?? 0) : estimate;
    const ok = value >= limit;
    results.push({
      gate: name,
      cell,
      ok,
      value,
      limit,
      detail: `${cell}: ${what} ${percent(value)} ${ok ? '≥' : '<'} ${percent(limit)} (estimate ${percent(estimate)}, n=${n}, ${interval(range, confidence)})${note}`,
    });
  };

  for (const cell of run.cells) {
    const label = `${cell.prompt} × ${cell.provider}`;
    const intervals = run.intervals.get(label);
    if (gate.minPassRate !== undefined) rateGate('minPassRate', label, cell.passRate, intervals?.rate ?? null, cell.n, gate.minPassRate);
    if (gate.minScore !== undefined) rateGate('minScore', label, cell.meanScore, intervals?.score ?? null, cell.n, gate.minScore);
    if (gate.maxCostPerCase !== undefined) {
      const cost = cell.costPerCase;
      results.push(
        cost === null
          ? { gate: 'maxCostPerCase', cell: label, ok: false, value: null, limit: gate.maxCostPerCase, detail: `${label}: cost unknown (no price for this model; add it under \`prices:\`)` }
          : {
              gate: 'maxCostPerCase',
              cell: label,
              ok: cost <= gate.maxCostPerCase,
              value: cost,
              limit: gate.maxCostPerCase,
              detail: `${label}: $${cost.toPrecision(3)} per case ${cost <= gate.maxCostPerCase ? '≤' : '>'} $${gate.maxCostPerCase}`,
            },
      );
    }
    if (gate.maxFlakinessRate !== undefined) {
      const rate = cell.repeats?.flakinessRate ?? null;
      results.push(
        rate === null
          ? { gate: 'maxFlakinessRate', cell: label, ok: false, value: null, limit: gate.maxFlakinessRate, detail: `${label}: flakiness needs repeats (run with --repeat 3 or set repeat:)` }
          : {
              gate: 'maxFlakinessRate',
              cell: label,
              ok: rate <= gate.maxFlakinessRate,
              value: rate,
              limit: gate.maxFlakinessRate,
              detail: `${label}: ${cell.repeats!.flakyCases} of ${cell.repeats!.cases} cases flaky (${percent(rate)}) ${rate <= gate.maxFlakinessRate ? '≤' : '>'} ${percent(gate.maxFlakinessRate)}`,
            },
      );
    }
  }

  for (const [metricName, limit] of Object.entries(gate.metrics ?? {})) {
    const rows = run.metrics.filter((metric) => metric.metric === metricName);
    if (rows.length === 0) {
      const known = [...new Set(run.metrics.map((metric) => metric.metric))];
      results.push({
        gate: `metric:${metricName}`,
        ok: false,
        value: null,
        limit,
        detail: `no assertion has metric "${metricName}"${known.length ? ` (metrics in this run: ${known.join(', ')})` : ' (no assertion in this run names a metric)'}`,
      });
      continue;
    }
    for (const metric of rows) {
      const label = `${metric.prompt} × ${metric.provider}`;
      const judge = metric.judge;
      if (judge?.calibrated && judge.sensitivity !== undefined && judge.specificity !== undefined) {
        // Calibrated judge: gate on the rate corrected for the judge's own error.
        const corrected = roganGladenInterval({
          observedPasses: metric.passed,
          n: metric.n,
          sensitivity: judge.sensitivity,
          specificity: judge.specificity,
          positives: judge.positives ?? 0,
          negatives: judge.negatives ?? 0,
          confidence,
        });
        rateGate(`metric:${metricName}`, label, corrected.estimate, corrected.interval, metric.n, limit, ' — corrected for judge error (Rogan–Gladen)');
      } else {
        const note = judge && !judge.calibrated ? ` — judge ${judge.file} is not calibrated; run \`assay judge calibrate\`` : '';
        rateGate(`metric:${metricName}`, label, metric.passRate, wilsonInterval(metric.passed, metric.n, zForConfidence(confidence)), metric.n, limit, note);
      }
    }
  }
  return results;
}

/**
 * `noSignificantRegression`: fails when any compared row is significantly worse than the
 * baseline after Holm correction, or when there was no baseline to compare with.
 */
export function regressionGate(comparison: RunComparison | undefined, reason?: string): GateResult[] {
  if (!comparison) {
    return [
      {
        gate: 'noSignificantRegression',
        ok: false,
        value: null,
        limit: null,
        detail: reason ?? 'no baseline to compare with: pass --baseline <run id|label|results.json> or set gate.baseline',
      },
    ];
  }
  const worse = comparison.cells.filter((row) => row.verdict === 'worse');
  if (worse.length === 0) {
    return [
      {
        gate: 'noSignificantRegression',
        ok: true,
        value: null,
        limit: comparison.alpha,
        detail: `no cell or metric is significantly worse than baseline ${comparison.baseline.id} (${comparison.cells.length} comparisons, Holm-adjusted, α=${comparison.alpha})`,
      },
    ];
  }
  return worse.map((row) => ({
    gate: 'noSignificantRegression',
    cell: row.cell,
    ok: false,
    value: row.difference,
    limit: comparison.alpha,
    detail: `${row.cell} ${row.metric}: ${describe(row, row.baseline.estimate)} → ${describe(row, row.candidate.estimate)} (difference ${signedPoints(row, row.difference)}, ${Math.round((1 - comparison.alpha) * 100)}% CI ${signedPoints(row, row.ci95?.[0] ?? null)} to ${signedPoints(row, row.ci95?.[1] ?? null)}, ${row.test} p${pEquals(row.pValue)}, Holm-adjusted p${pEquals(row.adjustedPValue)})`,
  }));
}

function describe(row: CellComparison, value: number | null): string {
  if (value === null) return '—';
  return row.kind === 'rate' ? percent(value) : value.toFixed(2);
}

function signedPoints(row: CellComparison, value: number | null): string {
  if (value === null) return '—';
  const text = row.kind === 'rate' ? `${(value * 100).toFixed(1)} pts` : value.toFixed(2);
  return value > 0 ? `+${text}` : text;
}

/** `=0.012` or `<0.0001`, to follow a `p`. */
function pEquals(p: number | null): string {
  const text = formatP(p);
  return text.startsWith('<') ? text : `=${text}`;
}

/** `0.012`, `0.0031`, `<0.0001`; `missing` for a test that could not run. */
export function formatP(p: number | null, missing = 'n/a'): string {
  if (p === null) return missing;
  if (p < 0.0001) return '<0.0001';
  return p < 0.01 ? p.toFixed(4) : p.toFixed(3);
}
