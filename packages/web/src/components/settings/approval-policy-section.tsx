import { useState, type FormEvent } from 'react';
import { saveSettings } from '../../api.ts';
import { useAction } from '../../hooks/use-action.ts';
import { riskTiers, type ApprovalPolicy, type Project } from '../../types.ts';
import { ErrorBanner, Notice } from '../error-banner.tsx';

interface ApprovalPolicySectionProps {
  project: Project;
  canManage: boolean;
  onSaved: (project: Project) => void;
}

/** How many approvals a move of a protected label needs, by the highest risk tier involved. */
export function ApprovalPolicySection({ project, canManage, onSaved }: ApprovalPolicySectionProps) {
  const [approvals, setApprovals] = useState<ApprovalPolicy>(project.settings.approvals);
  const [protectedText, setProtectedText] = useState(project.settings.protectedLabels.join(', '));
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    const protectedLabels = protectedText
      .split(/[\s,]+/)
      .map((item) => item.trim())
      .filter(Boolean);
    const answer = await saveSettings(project.id, { approvals, protectedLabels });
    onSaved(answer.project);
    setSaved(true);
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void save.run();
  };

  return (
    <form className="panel" onSubmit={onSubmit} data-testid="approval-policy-form" aria-labelledby="approval-policy-title">
      <div className="panel-header">
        <h2 id="approval-policy-title">Approval policy</h2>
        <span className="muted small">Approvals by people other than the requester, by the highest risk tier among the old and new versions.</span>
      </div>
      <ErrorBanner error={save.error} onDismiss={save.clearError} />
      {saved && (
        <Notice onDismiss={() => setSaved(false)} testId="approval-policy-saved">
          Saved.
        </Notice>
      )}
      <fieldset className="form-row" disabled={!canManage}>
        <legend className="visually-hidden">Required approvals per risk tier</legend>
        {riskTiers.map((tier) => (
          <label key={tier} className="field field-narrow">
            <span>Approvals for {tier}</span>
            <input
              type="number"
              min={0}
              max={10}
              required
              value={approvals[tier]}
              onChange={(event) => setApprovals({ ...approvals, [tier]: Number(event.target.value) })}
            />
          </label>
        ))}
      </fieldset>
      <fieldset className="form-row" disabled={!canManage}>
        <label className="field grow">
          <span>Protected labels</span>
          <input value={protectedText} onChange={(event) => setProtectedText(event.target.value)} placeholder="production, eu-production" />
          <small className="hint">Comma-separated. Other labels move without approval.</small>
        </label>
      </fieldset>
      {canManage ? (
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={save.pending} data-testid="approval-policy-submit">
            Save policy
          </button>
        </div>
      ) : (
        <p className="muted small">Only project admins change the policy.</p>
      )}
    </form>
  );
}
