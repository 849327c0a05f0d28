import { useState } from 'react';
import { ApiError, createChangeRequest, labelHistory, rollbackLabel } from '../../api.ts';
import { formatDateTime, formatTargets } from '../../format.ts';
import { useAction } from '../../hooks/use-action.ts';
import type { ActorNames, Label } from '../../types.ts';
import { ActorLabel } from '../actor-label.tsx';
import { Badge } from '../badge.tsx';
import { ConfirmButton } from '../confirm-button.tsx';
import { ErrorBanner, Notice } from '../error-banner.tsx';
import { LabelHistory } from './label-history.tsx';

interface LabelCardProps {
  projectId: string;
  label: Label;
  isProtected: boolean;
  canEdit: boolean;
  names: ActorNames;
  onMove: (label: Label) => void;
  onChanged: () => void;
  onChangeRequestCreated: () => void;
}

/** One label: where it points (with canary weights), its revision, rollback and history. */
export function LabelCard({ projectId, label, isProtected, canEdit, names, onMove, onChanged, onChangeRequestCreated }: LabelCardProps) {
  const [showHistory, setShowHistory] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const rollback = useAction(async () => {
    await rollbackLabel(projectId, label.promptName, label.name, { expectedRevision: label.revision, message: 'Rollback from the dashboard' });
    setNotice('Rolled back.');
    onChanged();
  });
  // A rollback of a protected label may need approval: ask for the targets the last move replaced.
  const requestRollback = useAction(async () => {
    const latest = await labelHistory(projectId, label.promptName, label.name, { limit: 1 });
    const previous = latest.items[0]?.previousTargets;
    if (!previous) throw new Error('This label has no earlier targets to roll back to.');
    await createChangeRequest(projectId, { promptName: label.promptName, label: label.name, targets: previous, message: 'Rollback' });
    onChangeRequestCreated();
  });
  const approvalRequired = ApiError.isInstance(rollback.error) && rollback.error.reason === 'approval-required';
  const canary = label.targets.length > 1;

  return (
    <article className="card label-card" data-testid="label-card" data-label={label.name}>
      <header className="card-header">
        <h3 className="mono-title">{label.name}</h3>
        <span className="card-badges">
          {isProtected && (
            <Badge tone="info" title="Moves follow the project's approval policy">
              protected
            </Badge>
          )}
          {canary && <Badge tone="warn">canary</Badge>}
        </span>
      </header>
      <div className="label-targets" data-testid="label-targets">
        {formatTargets(label.targets)}
      </div>
      {canary && (
        <div className="split-bar" aria-hidden="true">
          {label.targets.map((target, index) => (
            <span key={target.version} className={`split split-${index}`} style={{ width: `${target.weight}%` }} />
          ))}
        </div>
      )}
      <dl className="card-facts">
        <dt>Revision</dt>
        <dd data-testid="label-revision">r{label.revision}</dd>
        <dt>Updated</dt>
        <dd>{formatDateTime(label.updatedAt)}</dd>
        <dt>By</dt>
        <dd data-testid="label-updated-by">
          <ActorLabel actor={label.updatedBy} names={names} />
        </dd>
      </dl>
      {notice && <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>}
      <ErrorBanner error={requestRollback.error ?? rollback.error} onDismiss={() => {
          rollback.clearError();
          requestRollback.clearError();
        }}>
        {approvalRequired && (
          <button type="button" className="button button-small button-primary" disabled={requestRollback.pending} onClick={() => void requestRollback.run()} data-testid="request-rollback-approval-button">
            Request approval for the rollback
          </button>
        )}
      </ErrorBanner>
      <div className="card-actions">
        {canEdit && (
          <button type="button" className="button button-small" onClick={() => onMove(label)} data-testid="move-label-button">
            Move…
          </button>
        )}
        {canEdit && label.revision > 1 && (
          <ConfirmButton label="Rollback" question={`Roll ${label.name} back to its previous targets?`} disabled={rollback.pending} onConfirm={() => void rollback.run()} testId="rollback-button" tone="default" />
        )}
        <button type="button" className="button button-small button-ghost" aria-expanded={showHistory} onClick={() => setShowHistory(!showHistory)} data-testid="label-history-toggle">
          {showHistory ? 'Hide history' : 'History'}
        </button>
      </div>
      {showHistory && <LabelHistory projectId={projectId} promptName={label.promptName} label={label.name} revision={label.revision} />}
    </article>
  );
}
