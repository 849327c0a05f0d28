import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { compareRuns, getRun } from '../api.ts';
import { VerdictBadge } from '../components/badge.tsx';
import { ErrorBanner, Notice } from '../components/error-banner.tsx';
import { PageHeader } from '../components/layout.tsx';
import { Empty, Loading } from '../components/loading.tsx';
import { formatDateTime, formatP } from '../format.ts';
import { useQueryParams } from '../hooks/use-query-params.ts';
import { useResource } from '../hooks/use-resource.ts';
import type { CellComparison, ComparedRun, ComparisonTestName, Estimate, RunRecord } from '../types.ts';
import { compareHref, runHref, runsHref } from './paths.ts';

// Worded as the CLI words them (packages/cli/src/output/comparison-view.ts).
const testNames: Record<ComparisonTestName, string> = {
  'mcnemar-exact': 'McNemar exact',
  'paired-bootstrap': 'paired bootstrap',
  'wilcoxon-signed-rank': 'Wilcoxon signed-rank',
  'newcombe-unpaired': 'unpaired (Fisher/z)',
  'bootstrap-unpaired': 'unpaired bootstrap',
};

/** Rates as percentage points, scores as raw numbers. */
const points = (row: CellComparison, value: number) => (row.kind === 'rate' ? (value * 100).toFixed(1) : value.toFixed(2));
const signed = (row: CellComparison, value: number) => `${value > 0 ? '+' : ''}${points(row, value)}`;

function formatEstimate(row: CellComparison, estimate: Estimate): string {
  if (estimate.estimate === null) return `— n=${estimate.n}`;
  const value = row.kind === 'rate' ? `${(estimate.estimate * 100).toFixed(1)}%` : estimate.estimate.toFixed(2);
  const ci = estimate.ci95 ? ` [${points(row, estimate.ci95[0])}–${points(row, estimate.ci95[1])}]` : '';
  return `${value}${ci} n=${estimate.n}`;
}

/** The interval that agrees with the verdict (Holm-adjusted); `ci95` for comparisons stored before issue 11. */
const verdictInterval = (row: CellComparison) => (row.adjustedCi === undefined ? row.ci95 : row.adjustedCi);

function formatDifference(row: CellComparison): string {
  if (row.difference === null) return '—';
  const unit = row.kind === 'rate' ? ' pts' : '';
  const interval = verdictInterval(row);
  const ci = interval ? ` [${signed(row, interval[0])}, ${signed(row, interval[1])}]` : '';
  return `${signed(row, row.difference)}${unit}${ci}`;
}

/** `98.3`: a confidence level in percent, as the console prints it. */
const levelText = (level: number) => Number((level * 100).toFixed(1)).toString();

/** `98.3–99.2%`: the range of the Holm-adjusted interval levels, or null when none is known (the console's `adjustedLevels`). */
function adjustedLevels(cells: CellComparison[]): string | null {
  const levels = cells.map((row) => row.adjustedConfidence).filter((level): level is number => typeof level === 'number');
  if (levels.length === 0) return null;
  const low = levelText(Math.min(...levels));
  const high = levelText(Math.max(...levels));
  return low === high ? `${low}%` : `${low}–${high}%`;
}

/** Under a `no detectable difference` verdict: the smallest effect the sample could detect, else why there is none (`note`). */
function verdictDetail(row: CellComparison): string | undefined {
  if (row.verdict !== 'no detectable difference') return undefined;
  if (row.minimumDetectableEffect === null) return row.note;
  const size = row.kind === 'rate' ? `${(row.minimumDetectableEffect * 100).toFixed(1)} pts` : row.minimumDetectableEffect.toFixed(2);
  return `could detect ±${size}`;
}

/** `/p/:projectId/compare?a=<candidate>&b=<baseline>`: paired tests per cell and metric, flipped cases. */
export function ComparePage({ projectId }: { projectId: string }) {
  const [search] = useQueryParams();
  const [, navigate] = useLocation();
  const a = search.get('a') ?? '';
  const b = search.get('b') ?? '';
  const comparison = useResource((signal) => compareRuns(projectId, a, b, signal), [projectId, a, b], Boolean(a && b));
  // The two records, for the suite each ran and, when they cannot be compared, their cells.
  const records = useResource(
    async (signal) => {
      const [candidate, baseline] = await Promise.all([getRun(projectId, a, signal), getRun(projectId, b, signal)]);
      return { candidate: candidate.value, baseline: baseline.value };
    },
    [projectId, a, b],
    Boolean(a && b),
  );
  const suites = records.data ? { baseline: records.data.baseline.configPath, candidate: records.data.candidate.configPath } : undefined;

  const header = (
    <PageHeader
      title="Compare runs"
      subtitle={<Link href={runsHref(projectId)}>← All runs</Link>}
      actions={
        a && b ? (
          <button type="button" className="button" onClick={() => navigate(compareHref(projectId, b, a))} data-testid="swap-button">
            Swap baseline and candidate
          </button>
        ) : undefined
      }
    />
  );
  if (!a || !b) {
    return (
      <>
        {header}
        <Empty>
          Pick two runs on the <Link href={runsHref(projectId)}>runs page</Link> to compare them.
        </Empty>
      </>
    );
  }
  if (comparison.error) {
    return (
      <>
        {header}
        <ErrorBanner error={comparison.error} />
        {records.data && <NotComparable baseline={records.data.baseline} candidate={records.data.candidate} projectId={projectId} />}
      </>
    );
  }
  if (!comparison.data) return <Loading what="Comparing runs" />;
  const data = comparison.data;
  const confidence = Math.round((1 - data.alpha) * 100);
  const levels = adjustedLevels(data.cells);
  const flipped = data.cells.filter((row) => row.metric === 'pass' && (row.flippedToFail.length > 0 || row.flippedToPass.length > 0));
  const worse = data.cells.filter((row) => row.verdict === 'worse').length;
  const better = data.cells.filter((row) => row.verdict === 'better').length;

  return (
    <>
      {header}
      <div className="compare-runs">
        <RunBox projectId={projectId} role="Baseline" run={data.baseline} suite={suites?.baseline} testId="compare-baseline" />
        <span className="compare-arrow" aria-hidden="true">
          →
        </span>
        <RunBox projectId={projectId} role="Candidate" run={data.candidate} suite={suites?.candidate} testId="compare-candidate" />
      </div>
      {suites && suites.baseline !== suites.candidate && (
        <Notice testId="compare-different-suites">
          These runs are of different suites ({suites.baseline} and {suites.candidate}). Their cells were paired one to one below: check that they measure the same
          thing before reading the verdicts.
        </Notice>
      )}
      <p className="muted" data-testid="compare-summary">
        {data.cells.length} comparison(s), Holm-adjusted p-values, α={data.alpha.toFixed(2)},{' '}
        {levels
          ? `Holm-adjusted intervals (${levels}: each at the level of the Holm step that decided its row, so it reaches 0 exactly when the verdict is no detectable difference).`
          : `${confidence}% intervals.`}{' '}
        <span className={worse ? 'text-bad' : undefined}>{worse} worse</span>, <span className={better ? 'text-good' : undefined}>{better} better</span>.
      </p>
      {data.warnings.length > 0 && (
        <ul className="warnings" data-testid="compare-warnings">
          {data.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
      <div className="table-wrap">
        <table className="table table-compact comparison" data-testid="comparison-table">
          <thead>
            <tr>
              <th>Cell</th>
              <th>Metric</th>
              <th>Baseline</th>
              <th>Candidate</th>
              <th>{levels ? 'Difference [Holm CI]' : `Difference [${confidence}% CI]`}</th>
              <th>Test</th>
              <th className="num">p</th>
              <th className="num">Holm p</th>
              <th>Verdict</th>
            </tr>
          </thead>
          <tbody>
            {data.cells.map((row) => (
              <tr key={`${row.cell}|${row.baselineCell}|${row.metric}`} className={`verdict-${row.verdict.replaceAll(' ', '-')}`} data-testid="comparison-row" data-verdict={row.verdict}>
                <td className="cell-name">{row.cell === row.baselineCell ? row.cell : `${row.baselineCell} → ${row.cell}`}</td>
                <td className="mono">{row.metric}</td>
                <td>{formatEstimate(row, row.baseline)}</td>
                <td>{formatEstimate(row, row.candidate)}</td>
                <td
                  className="nowrap strong"
                  data-testid="comparison-difference"
                  title={typeof row.adjustedConfidence === 'number' ? `${levelText(row.adjustedConfidence)}% interval: the level of the Holm step that decided this row` : undefined}
                >
                  {formatDifference(row)}
                </td>
                <td className="muted" title={row.paired ? `${row.paired} paired case(s)` : 'unpaired'}>
                  {testNames[row.test] ?? row.test}
                </td>
                <td className="num">{formatP(row.pValue)}</td>
                <td className="num">{formatP(row.adjustedPValue)}</td>
                <td>
                  <VerdictBadge verdict={row.verdict} />
                  {verdictDetail(row) && (
                    <div className="muted small" data-testid="comparison-verdict-detail">
                      {verdictDetail(row)}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2 className="section-title">Flipped cases</h2>
      {flipped.length === 0 ? (
        <Empty>No case changed between pass and fail.</Empty>
      ) : (
        flipped.map((row) => (
          <div key={row.cell} className="panel" data-testid="flipped-cell">
            <h3>{row.cell}</h3>
            <div className="flip-columns">
              <FlipList title="pass → fail" tone="bad" ids={row.flippedToFail} testId="flipped-to-fail" />
              <FlipList title="fail → pass" tone="good" ids={row.flippedToPass} testId="flipped-to-pass" />
            </div>
          </div>
        ))
      )}
    </>
  );
}

function RunBox({ projectId, role, run, suite, testId }: { projectId: string; role: string; run: ComparedRun; suite: string | undefined; testId: string }) {
  return (
    <div className="run-box" data-testid={testId}>
      <div className="run-box-role">{role}</div>
      <Link href={runHref(projectId, run.id)} className="mono strong-link">
        {run.id}
      </Link>
      <div className="muted small">
        {run.label ? `${run.label} · ` : ''}
        {formatDateTime(run.createdAt)}
      </div>
      {suite && <div className="muted small mono">{suite}</div>}
    </div>
  );
}

const shown = 50;

function FlipList({ title, tone, ids, testId }: { title: string; tone: 'good' | 'bad'; ids: string[]; testId: string }) {
  const [all, setAll] = useState(false);
  const visible = all ? ids : ids.slice(0, shown);
  return (
    <div className="flip-list" data-testid={testId}>
      <h4 className={`text-${tone}`}>
        {title} ({ids.length})
      </h4>
      {ids.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="id-list">
          {visible.map((id) => (
            <li key={id} className="mono">
              {id}
            </li>
          ))}
        </ul>
      )}
      {ids.length > shown && (
        <button type="button" className="button button-small button-ghost" onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `Show all ${ids.length}`}
        </button>
      )}
    </div>
  );
}

/** The cells of a run, `prompt × provider`, from its summary (none before it finished). */
const cellsOf = (run: RunRecord) => (Array.isArray(run.summary?.cells) ? run.summary.cells.map((cell) => `${cell.prompt} × ${cell.provider}`) : []);

/**
 * Why the two runs could not be compared, side by side (issue 11: runs of different suites were
 * titled "Invalid prompt file"): the suite and the cells of each; runs compare cell by cell, so
 * they need cells in common, or one cell each.
 */
function NotComparable({ baseline, candidate, projectId }: { baseline: RunRecord; candidate: RunRecord; projectId: string }) {
  const runs = [
    { role: 'Baseline', run: baseline },
    { role: 'Candidate', run: candidate },
  ];
  return (
    <div className="panel" data-testid="not-comparable">
      <h2>What each run holds</h2>
      <p className="muted">
        Runs are compared cell by cell (prompt × provider), so two runs need cells in common, or one cell each. Compare runs of the same suite: pick two on the{' '}
        <Link href={runsHref(projectId)}>runs page</Link>.
      </p>
      <div className="flip-columns">
        {runs.map(({ role, run }) => (
          <div key={role} data-testid={`not-comparable-${role.toLowerCase()}`}>
            <h3>
              {role}: <Link href={runHref(projectId, run.id)} className="mono strong-link">{run.id}</Link>
            </h3>
            <div className="muted small">suite <span className="mono">{run.configPath}</span></div>
            <ul className="id-list">
              {cellsOf(run).map((cell) => (
                <li key={cell} className="mono">
                  {cell}
                </li>
              ))}
              {cellsOf(run).length === 0 && <li className="muted">{run.summary ? 'No cells in its summary.' : 'No summary yet: it has not finished.'}</li>}
            </ul>
          </div>
        ))}
      </div>
    </div>
  );
}
