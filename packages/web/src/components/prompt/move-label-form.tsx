import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, createChangeRequest, setLabel } from '../../api.ts';
import { formatTargets } from '../../format.ts';
import type { Label, LabelTarget } from '../../types.ts';
import { ErrorBanner, Notice } from '../error-banner.tsx';
import { SelectField } from '../select-field.tsx';

interface MoveLabelFormProps {
  projectId: string;
  promptName: string;
  latestVersion: number;
  labels: Label[];
  /** The label to start from (a card's "Move…"), else a new one. */
  preset: Label | null;
  onMoved: () => void;
  onChangeRequestCreated: () => void;
}

/**
 * Points a label at one version, or splits it between two (a canary). Sent with the revision the
 * user saw: a 409 means someone moved it meanwhile (the labels reload); a 403 approval-required
 * means the move needs a change request, which the form offers to create with the same targets.
 */
export function MoveLabelForm({ projectId, promptName, latestVersion, labels, preset, onMoved, onChangeRequestCreated }: MoveLabelFormProps) {
  // Starting from a label: its main target (the larger weight) and, for a canary, the other one.
  const [main, second] = [...(preset?.targets ?? [])].sort((a, b) => b.weight - a.weight);
  const [labelName, setLabelName] = useState(preset?.name ?? '');
  const [version, setVersion] = useState(main?.version ?? latestVersion);
  const [canary, setCanary] = useState(second !== undefined);
  const [canaryVersion, setCanaryVersion] = useState(second?.version ?? latestVersion);
  const [canaryWeight, setCanaryWeight] = useState(second?.weight ?? 10);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // Opened from a label card's "Move…": bring the form into view.
    if (preset) form.current?.scrollIntoView({ block: 'nearest' });
  }, [preset]);
  const [blocked, setBlocked] = useState<{ label: string; targets: LabelTarget[]; requiredApprovals: number | null } | null>(null);

  const versions = Array.from({ length: latestVersion }, (_, index) => latestVersion - index);
  const current = labels.find((label) => label.name === labelName.trim());
  const targets: LabelTarget[] = canary ? [{ version, weight: 100 - canaryWeight }, { version: canaryVersion, weight: canaryWeight }] : [{ version, weight: 100 }];
  const canarySame = canary && canaryVersion === version;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const name = labelName.trim();
    setPending(true);
    setError(null);
    setNotice(null);
    setBlocked(null);
    try {
      const moved = await setLabel(projectId, promptName, name, { targets, expectedRevision: current?.revision ?? 0, message: message || undefined });
      setNotice(`${moved.name} now points at ${formatTargets(moved.targets)} (revision ${moved.revision}).`);
      onMoved();
    } catch (reason) {
      setError(reason);
      if (ApiError.isInstance(reason) && reason.status === 403 && reason.reason === 'approval-required') {
        const required = reason.problem.requiredApprovals;
        setBlocked({ label: name, targets, requiredApprovals: typeof required === 'number' ? required : null });
      }
      if (ApiError.isInstance(reason) && reason.status === 409) onMoved();
    } finally {
      setPending(false);
    }
  };

  const requestApproval = async () => {
    if (!blocked) return;
    setPending(true);
    try {
      const request = await createChangeRequest(projectId, { promptName, label: blocked.label, targets: blocked.targets, message: message || undefined });
      setError(null);
      setBlocked(null);
      setNotice(`Change request created for ${request.label}: it needs ${request.requiredApprovals} approval(s).`);
      onChangeRequestCreated();
    } catch (reason) {
      setError(reason);
    } finally {
      setPending(false);
    }
  };

  const conflict = ApiError.isInstance(error) && error.status === 409;
  const currentRevision = ApiError.isInstance(error) ? error.problem.currentRevision : undefined;

  return (
    <form ref={form} className="panel form-grid" onSubmit={(event) => void onSubmit(event)} data-testid="move-label-form">
      <div className="panel-header">
        <h2>Move label</h2>
        <span className="muted small">
          {current ? `${current.name} is at ${formatTargets(current.targets)}, revision ${current.revision}` : labelName.trim() ? 'New label' : ''}
        </span>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)}>
        {blocked && (
          <>
            <span>
              Moving <strong>{blocked.label}</strong> needs {blocked.requiredApprovals ?? 'some'} approval(s). Ask for them with a change request.
            </span>
            <button type="button" className="button button-small button-primary" disabled={pending} onClick={() => void requestApproval()} data-testid="request-approval-button">
              Request approval
            </button>
          </>
        )}
        {conflict && (
          <span data-testid="conflict-note">
            Someone moved the label meanwhile{typeof currentRevision === 'number' ? ` (now revision ${currentRevision})` : ''}. The labels were reloaded; check them and submit again.
          </span>
        )}
      </ErrorBanner>
      {notice && (
        <Notice onDismiss={() => setNotice(null)} testId="move-label-notice">
          {notice}
        </Notice>
      )}
      <div className="form-row">
        <label className="field">
          <span>Label name</span>
          <input required list="label-names" value={labelName} onChange={(event) => setLabelName(event.target.value)} placeholder="production" pattern="[a-z0-9][a-z0-9._\-]*" />
          <datalist id="label-names">
            {labels.map((label) => (
              <option key={label.name} value={label.name} />
            ))}
          </datalist>
        </label>
        <SelectField label="Version" value={version} onChange={(event) => setVersion(Number(event.target.value))}>
          {versions.map((item) => (
            <option key={item} value={item}>
              v{item}
            </option>
          ))}
        </SelectField>
        <label className="field-check field-check-aligned">
          <input type="checkbox" checked={canary} onChange={(event) => setCanary(event.target.checked)} />
          <span>Canary (split traffic)</span>
        </label>
      </div>
      {canary && (
        <div className="form-row">
          <SelectField label="Canary version" value={canaryVersion} onChange={(event) => setCanaryVersion(Number(event.target.value))}>
            {versions.map((item) => (
              <option key={item} value={item}>
                v{item}
              </option>
            ))}
          </SelectField>
          <label className="field">
            <span>Canary weight (%)</span>
            <input type="number" min={1} max={99} required value={canaryWeight} onChange={(event) => setCanaryWeight(Number(event.target.value))} />
          </label>
          <div className="field">
            <span>Split</span>
            <div className="split-preview" data-testid="split-preview">
              {canarySame ? 'Pick two different versions' : formatTargets([...targets].sort((a, b) => a.version - b.version))}
            </div>
          </div>
        </div>
      )}
      <label className="field">
        <span>Message (optional)</span>
        <input value={message} onChange={(event) => setMessage(event.target.value)} placeholder="Why this move" />
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={pending || canarySame || !labelName.trim()} data-testid="move-label-submit">
          {pending ? 'Moving…' : 'Move label'}
        </button>
      </div>
    </form>
  );
}
