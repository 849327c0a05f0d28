import { formatDuration, formatNumber, formatPercent, formatRate, formatScore, formatUsd } from '../../format.ts';
import type { RunSummary, SummaryCell } from '../../types.ts';
import { IntervalBar } from '../interval-bar.tsx';

function scoreText(cell: SummaryCell): string {
  if (cell.meanScore === null) return '—';
  const interval = cell.scoreCi95 ? ` [${formatScore(cell.scoreCi95[0])}, ${formatScore(cell.scoreCi95[1])}]` : '';
  return `${formatScore(cell.meanScore)}${interval}`;
}

/** Prompts down, providers across: each cell's pass rate with its 95% interval and sample size. */
export function SummaryMatrix({ summary }: { summary: RunSummary }) {
  const prompts = [...new Set(summary.cells.map((cell) => cell.prompt))];
  const providers = [...new Set(summary.cells.map((cell) => cell.provider))];
  const find = (prompt: string, provider: string) => summary.cells.find((cell) => cell.prompt === prompt && cell.provider === provider);

  return (
    <div className="table-wrap">
      <table className="table matrix" data-testid="summary-matrix">
        <thead>
          <tr>
            <th>Prompt \ provider</th>
            {providers.map((provider) => (
              <th key={provider}>{provider}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {prompts.map((prompt) => (
            <tr key={prompt}>
              <th scope="row" className="mono-title">
                {prompt}
              </th>
              {providers.map((provider) => {
                const cell = find(prompt, provider);
                if (!cell) return <td key={provider} className="muted">—</td>;
                return (
                  <td key={provider} className="matrix-cell" data-testid="summary-cell" data-prompt={prompt} data-provider={provider}>
                    <div className="matrix-rate">{formatRate(cell.passRate, cell.ci95, cell.n)}</div>
                    <IntervalBar rate={cell.passRate} ci95={cell.ci95} />
                    <div className="matrix-meta">
                      score {scoreText(cell)} · {formatUsd(cell.cost)}
                      {cell.errors > 0 && <span className="text-warn"> · {cell.errors} error(s)</span>}
                    </div>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Every number of every cell, for when the matrix is not enough. */
export function SummaryCellsTable({ summary }: { summary: RunSummary }) {
  const repeats = summary.cells.some((cell) => cell.repeats);
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid="summary-cells">
        <thead>
          <tr>
            <th>Cell</th>
            <th className="num">n</th>
            <th className="num">Passed</th>
            <th className="num">Errors</th>
            <th>Pass rate [95% CI]</th>
            <th>Mean score [95% CI]</th>
            <th className="num">Cost</th>
            <th className="num">Per case</th>
            <th className="num">Per pass</th>
            <th className="num">Tokens</th>
            <th className="num">Mean latency</th>
            {repeats && <th>Repeats</th>}
          </tr>
        </thead>
        <tbody>
          {summary.cells.map((cell) => (
            <tr key={`${cell.prompt} × ${cell.provider}`}>
              <td className="nowrap">
                {cell.prompt} × {cell.provider}
              </td>
              <td className="num">{formatNumber(cell.n)}</td>
              <td className="num">{formatNumber(cell.passed)}</td>
              <td className="num">{formatNumber(cell.errors)}</td>
              <td className="nowrap">{formatRate(cell.passRate, cell.ci95, cell.n)}</td>
              <td className="nowrap">{scoreText(cell)}</td>
              <td className="num">{formatUsd(cell.cost)}</td>
              <td className="num">{formatUsd(cell.costPerCase)}</td>
              <td className="num">{formatUsd(cell.costPerPass)}</td>
              <td className="num">{formatNumber(cell.tokens)}</td>
              <td className="num">{formatDuration(cell.meanLatencyMs)}</td>
              {repeats && (
                <td className="nowrap">
                  {cell.repeats
                    ? `k=${cell.repeats.k} · pass@k ${formatPercent(cell.repeats.passAtK)} · pass^k ${formatPercent(cell.repeats.passAllK)} · ${cell.repeats.flakyCases} flaky`
                    : '—'}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
