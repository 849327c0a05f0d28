import { useState } from 'react';
import { formatDesignEffect, formatPercent } from '../../format.ts';
import type { RunSummary, SummaryCell } from '../../types.ts';

/** Flaky cases shown per cell before "Show all" (the summary keeps up to 100). */
const shown = 10;

type RepeatedCell = SummaryCell & { repeats: NonNullable<SummaryCell['repeats']> };

/**
 * Runs with `--repeat k`: per cell pass@k, pass^k, how many cases are flaky and which, worded as
 * the console's "Repeats" block (renderRepeats in packages/cli/src/output/statistics-views.ts).
 * Nothing when no case ran more than once.
 */
export function RepeatsSection({ summary }: { summary: RunSummary }) {
  const cells = summary.cells.filter((cell): cell is RepeatedCell => cell.repeats !== undefined && cell.repeats.k >= 2);
  if (cells.length === 0) return null;
  return (
    <section data-testid="repeats-section">
      <h2 className="section-title">Repeats</h2>
      <p className="muted small">
        pass@k: share of cases that passed at least once in k tries; pass^k: share that passed every try; flaky: passed some tries and failed others.
      </p>
      <div className="card-grid">
        {cells.map((cell) => (
          <RepeatsCard key={`${cell.prompt} × ${cell.provider}`} cell={cell} />
        ))}
      </div>
    </section>
  );
}

function RepeatsCard({ cell }: { cell: RepeatedCell }) {
  const [all, setAll] = useState(false);
  const { repeats } = cell;
  // The closest to half passing first, as the console lists them.
  const flaky = [...repeats.flaky].sort((a, b) => Math.abs(a.passed / a.repeats - 0.5) - Math.abs(b.passed / b.repeats - 0.5));
  const visible = all ? flaky : flaky.slice(0, shown);
  const unlisted = repeats.flakyCases - flaky.length;
  return (
    <article className="card" data-testid="repeats-cell" data-cell={`${cell.prompt} × ${cell.provider}`}>
      <header className="card-header">
        <h3>
          {cell.prompt} × {cell.provider}
        </h3>
        <span className="muted small">k={repeats.k}</span>
      </header>
      <dl className="card-facts">
        <dt>pass@{repeats.k}</dt>
        <dd data-testid="repeats-pass-at-k">{formatPercent(repeats.passAtK)}</dd>
        <dt>pass^{repeats.k}</dt>
        <dd data-testid="repeats-pass-all-k">{formatPercent(repeats.passAllK)}</dd>
        <dt>Flaky</dt>
        <dd data-testid="repeats-flaky-count">
          {repeats.flakyCases} of {repeats.cases} case(s){repeats.flakinessRate === null ? '' : ` (${formatPercent(repeats.flakinessRate)})`}
        </dd>
        {repeats.icc !== null && (
          <>
            <dt>Intra-case correlation</dt>
            <dd data-testid="repeats-icc">{repeats.icc.toFixed(2)}</dd>
            <dt>Design effect</dt>
            <dd
              data-testid="repeats-design-effect"
              title="Repeats of one case are not independent tries: the pass-rate interval is as wide as for n / design effect independent cases"
            >
              {formatDesignEffect(repeats.designEffect ?? 1)}
            </dd>
          </>
        )}
      </dl>
      {flaky.length > 0 && (
        <ul className="flaky-list" data-testid="flaky-cases">
          {visible.map((entry) => (
            <li key={entry.caseId} data-testid="flaky-case">
              <span className="mono">{entry.caseId}</span>{' '}
              <span className="muted">
                passed {entry.passed} of {entry.repeats}
              </span>
            </li>
          ))}
        </ul>
      )}
      {(flaky.length > shown || unlisted > 0) && (
        <div className="card-actions">
          {flaky.length > shown && (
            <button type="button" className="button button-small button-ghost" onClick={() => setAll(!all)}>
              {all ? 'Show fewer' : `Show all ${flaky.length}`}
            </button>
          )}
          {unlisted > 0 && <span className="muted small">… and {unlisted} more flaky case(s) not kept in the summary</span>}
        </div>
      )}
    </article>
  );
}
