import { useState } from 'react';
import { applyChangeRequest, cancelChangeRequest, reviewChangeRequest } from '../../api.ts';
import { formatDateTime, formatTargets, shortId } from '../../format.ts';
import { useAction } from '../../hooks/use-action.ts';
import { roleAtLeast, type ActorNames, type ChangeRequest, type Role } from '../../types.ts';
import { ActorLabel } from '../actor-label.tsx';
import { ChangeRequestStatusBadge, RiskBadge } from '../badge.tsx';
import { ErrorBanner } from '../error-banner.tsx';

interface ChangeRequestCardProps {
  projectId: string;
  request: ChangeRequest;
  role: Role | null;
  names: ActorNames;
  onChanged: (request: ChangeRequest) => void;
  onApplied: () => void;
}

/** One change request: what it moves, its approvals so far, and the actions its status allows. */
export function ChangeRequestCard({ projectId, request, role, names, onChanged, onApplied }: ChangeRequestCardProps) {
  const [comment, setComment] = useState('');
  const review = useAction(async (decision: 'approve' | 'reject') => {
    onChanged(await reviewChangeRequest(projectId, request.id, { decision, comment: comment || undefined }));
    setComment('');
  });
  const apply = useAction(async () => {
    const answer = await applyChangeRequest(projectId, request.id);
    onChanged(answer.changeRequest);
    onApplied();
  });
  const cancel = useAction(async () => onChanged(await cancelChangeRequest(projectId, request.id)));
  const approvals = request.reviews.filter((item) => item.decision === 'approve').length;
  const open = request.status === 'pending' || request.status === 'approved';
  const pending = review.pending || apply.pending || cancel.pending;
  const canReview = request.status === 'pending' && roleAtLeast(role, 'approver');
  const canApply = open && roleAtLeast(role, 'editor') && (request.status === 'approved' || approvals >= request.requiredApprovals);
  const canCancel = open && roleAtLeast(role, 'editor');

  return (
    <article className="card change-request" data-testid="change-request" data-status={request.status} data-id={request.id}>
      <header className="card-header">
        <h3>
          <span className="mono-title">{request.label}</span> → <span data-testid="change-request-targets">{formatTargets(request.targets)}</span>
        </h3>
        <span className="card-badges">
          <RiskBadge tier={request.riskTier} />
          <ChangeRequestStatusBadge status={request.status} />
        </span>
      </header>
      <dl className="card-facts">
        <dt>Approvals</dt>
        <dd data-testid="change-request-approvals">
          {approvals} of {request.requiredApprovals} required
        </dd>
        <dt>Requested</dt>
        <dd data-testid="change-request-requester">
          <ActorLabel actor={request.requesterUserId ? { type: 'user', id: request.requesterUserId } : request.requestedBy} names={names} />, {formatDateTime(request.createdAt)}
        </dd>
        <dt>Base revision</dt>
        <dd>r{request.baseRevision}</dd>
        {request.appliedRevision !== null && (
          <>
            <dt>Applied as</dt>
            <dd>r{request.appliedRevision}</dd>
          </>
        )}
        <dt>Id</dt>
        <dd className="mono" title={request.id}>
          {shortId(request.id, 12)}
        </dd>
      </dl>
      {request.message && <p className="prose">{request.message}</p>}
      {request.reviews.length > 0 && (
        <ul className="reviews" data-testid="change-request-reviews">
          {request.reviews.map((item) => (
            <li key={`${item.userId}-${item.createdAt}`} className={item.decision === 'approve' ? 'review-approve' : 'review-reject'}>
              <strong>
                <ActorLabel actor={{ type: 'user', id: item.userId }} names={names} />
              </strong> {item.decision === 'approve' ? 'approved' : 'rejected'} · {formatDateTime(item.createdAt)}
              {item.comment && <div className="review-comment">{item.comment}</div>}
            </li>
          ))}
        </ul>
      )}
      <ErrorBanner
        error={review.error ?? apply.error ?? cancel.error}
        onDismiss={() => {
          review.clearError();
          apply.clearError();
          cancel.clearError();
        }}
      />
      {(canReview || canApply || canCancel) && (
        <div className="card-actions">
          {canReview && (
            <>
              <label className="field-inline grow">
                <span className="visually-hidden">Review comment</span>
                <input value={comment} onChange={(event) => setComment(event.target.value)} placeholder="Comment (optional)" aria-label="Review comment" />
              </label>
              <button type="button" className="button button-small button-good" disabled={pending} onClick={() => void review.run('approve')} data-testid="approve-button">
                Approve
              </button>
              <button type="button" className="button button-small button-danger" disabled={pending} onClick={() => void review.run('reject')} data-testid="reject-button">
                Reject
              </button>
            </>
          )}
          {canApply && (
            <button type="button" className="button button-small button-primary" disabled={pending} onClick={() => void apply.run()} data-testid="apply-button">
              Apply
            </button>
          )}
          {canCancel && (
            <button type="button" className="button button-small button-ghost" disabled={pending} onClick={() => void cancel.run()} data-testid="cancel-button">
              Cancel request
            </button>
          )}
        </div>
      )}
    </article>
  );
}
