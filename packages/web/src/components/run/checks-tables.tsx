import { formatRate, formatPercent } from '../../format.ts';
import type { RunSummary } from '../../types.ts';
import { Badge } from '../badge.tsx';

const ok = (passed: boolean) => (
  <Badge tone={passed ? 'good' : 'bad'} testId="check-outcome">
    {passed ? 'pass' : 'fail'}
  </Badge>
);

/** The suite's `gate:` checks on the finished run. */
export function GatesTable({ gates }: { gates: RunSummary['gates'] }) {
  return (
    <table className="table table-compact" data-testid="gates-table">
      <thead>
        <tr>
          <th>Result</th>
          <th>Gate</th>
          <th>Cell</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        {gates.map((gate, index) => (
          <tr key={`${gate.gate}-${gate.cell ?? ''}-${index}`} data-testid="gate-row" data-ok={gate.ok ? 'true' : 'false'}>
            <td>{ok(gate.ok)}</td>
            <td className="mono">{gate.gate}</td>
            <td>{gate.cell ?? '—'}</td>
            <td className="wrap">{gate.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Per-cell pass-rate thresholds of the suite. */
export function ThresholdsTable({ thresholds }: { thresholds: RunSummary['thresholds'] }) {
  return (
    <table className="table table-compact" data-testid="thresholds-table">
      <thead>
        <tr>
          <th>Result</th>
          <th>Cell</th>
          <th className="num">Threshold</th>
          <th className="num">Pass rate</th>
        </tr>
      </thead>
      <tbody>
        {thresholds.map((threshold) => (
          <tr key={threshold.cell}>
            <td>{ok(threshold.ok)}</td>
            <td>{threshold.cell}</td>
            <td className="num">{formatPercent(threshold.threshold)}</td>
            <td className="num">{formatPercent(threshold.passRate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Pass rates of named metrics (assertions with `metric:`), per cell. */
export function MetricsTable({ metrics }: { metrics: RunSummary['metrics'] }) {
  return (
    <table className="table table-compact" data-testid="metrics-table">
      <thead>
        <tr>
          <th>Metric</th>
          <th>Cell</th>
          <th>Pass rate [95% CI]</th>
        </tr>
      </thead>
      <tbody>
        {metrics.map((metric) => (
          <tr key={`${metric.metric}-${metric.prompt}-${metric.provider}`}>
            <td className="mono">{metric.metric}</td>
            <td>
              {metric.prompt} × {metric.provider}
            </td>
            <td className="nowrap">{formatRate(metric.passRate, metric.ci95, metric.n)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
