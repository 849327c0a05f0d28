import type { ReactNode } from 'react';
import type { CaseOutcome, ChangeRequestStatus, RiskTier, RunStatus, Verdict } from '../types.ts';

export type Tone = 'neutral' | 'good' | 'bad' | 'warn' | 'info' | 'strong-bad';

export function Badge({ tone = 'neutral', children, testId, title }: { tone?: Tone; children: ReactNode; testId?: string; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} data-testid={testId} title={title}>
      {children}
    </span>
  );
}

const riskTones: Record<RiskTier, Tone> = { low: 'good', medium: 'warn', high: 'bad', critical: 'strong-bad' };

export function RiskBadge({ tier }: { tier: RiskTier | null }) {
  if (!tier) return <span className="muted">—</span>;
  return (
    <Badge tone={riskTones[tier]} testId="risk-badge">
      {tier}
    </Badge>
  );
}

const runStatusTones: Record<RunStatus, Tone> = { running: 'info', completed: 'good', interrupted: 'warn', failed: 'bad' };

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return (
    <Badge tone={runStatusTones[status] ?? 'neutral'} testId="run-status">
      {status}
    </Badge>
  );
}

const changeRequestTones: Record<ChangeRequestStatus, Tone> = {
  pending: 'warn',
  approved: 'info',
  rejected: 'bad',
  applied: 'good',
  superseded: 'neutral',
  cancelled: 'neutral',
};

export function ChangeRequestStatusBadge({ status }: { status: ChangeRequestStatus }) {
  return (
    <Badge tone={changeRequestTones[status] ?? 'neutral'} testId="change-request-status">
      {status}
    </Badge>
  );
}

const verdictTones: Record<Verdict, Tone> = { better: 'good', worse: 'bad', 'no detectable difference': 'neutral' };

export function VerdictBadge({ verdict, title }: { verdict: Verdict; title?: string }) {
  return (
    <Badge tone={verdictTones[verdict] ?? 'neutral'} testId="verdict" title={title}>
      {verdict}
    </Badge>
  );
}

const outcomeTones: Record<CaseOutcome, Tone> = { pass: 'good', fail: 'bad', error: 'warn' };

export function OutcomeBadge({ outcome }: { outcome: CaseOutcome }) {
  return (
    <Badge tone={outcomeTones[outcome]} testId="case-outcome">
      {outcome}
    </Badge>
  );
}
