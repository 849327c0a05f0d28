import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  CreateChangeRequestInputSchema,
  ForbiddenError,
  ListChangeRequestsOptionsSchema,
  ReviewChangeRequestInputSchema,
  roleAtLeast,
  type Actor,
  type AuditContext,
  type ChangeRequest,
  type ChangeRequestStatus,
  type CreateChangeRequestInput,
  type Label,
  type ListChangeRequestsOptions,
  type Page,
  type ReviewChangeRequestInput,
  type Role,
} from '@assay/spec';
import type { Transaction } from 'kysely';
import type { RegistryChangeRequests } from '../registry-store.ts';
import type { RegistryTables } from '../registry-tables.ts';
import { notFound, parse, parseContext } from './errors.ts';
import { approvalRequirement, checkRevision, moveLabel, requireVersions, sameTargets, toTargets } from './labels.ts';
import { encodeCursor, page, splitCursor } from './pages.ts';
import { requireProject } from './projects.ts';
import { lockPrompt } from './prompts.ts';
import { iso, toActor } from './rows.ts';
import { SqlPart, type Db, type Row } from './sql-context.ts';
import { findMembership } from './users.ts';

/** Keys made by keys: a chain of creators longer than this has no accountable person. */
const maxKeyChain = 32;

/** Change requests: a label move that waits for approvals, reviewed by people other than the requester. */
export class SqlChangeRequests extends SqlPart implements RegistryChangeRequests {
  async createChangeRequest(projectId: string, input: CreateChangeRequestInput, context: AuditContext): Promise<ChangeRequest> {
    const parsed = parse(CreateChangeRequestInputSchema, input);
    const audit = parseContext(context);
    return this.sql.write(async (trx) => {
      const project = await requireProject(trx, projectId);
      const prompt = await lockPrompt(trx, this.sql.dialect, projectId, parsed.promptName);
      if (!prompt) throw notFound('prompt', parsed.promptName);
      await requireVersions(trx, prompt, parsed.targets);
      const current = await trx.selectFrom('prompt_labels').selectAll().where('prompt_id', '=', prompt.id).where('name', '=', parsed.label).executeTakeFirst();
      const currentTargets = current ? toTargets(current.targets_json) : [];
      if (current && sameTargets(currentTargets, parsed.targets)) {
        throw new ConflictError(`"${parsed.label}" of ${parsed.promptName} already points there.`, { currentRevision: current.revision });
      }
      const requirement = await approvalRequirement(trx, project, prompt.id, parsed.label, currentTargets, parsed.targets);
      const requester = await personBehind(trx, projectId, audit.actor);
      const now = this.sql.timestamp();
      const row = {
        id: randomUUID(),
        project_id: projectId,
        prompt_id: prompt.id,
        label: parsed.label,
        targets_json: JSON.stringify(parsed.targets),
        base_revision: current?.revision ?? 0,
        status: 'pending',
        requested_by_type: audit.actor.type,
        requested_by_id: audit.actor.id ?? null,
        requester_user_id: requester,
        message: parsed.message ?? null,
        risk_tier: requirement.riskTier,
        // Asking for review asks for at least one reviewer, even where the policy needs none. Nobody
        // answers for a key no person made (`assay admin create-key`): its holder may be one of the
        // approvers, so its requests need one approval more, and one person can never give them all.
        required_approvals: Math.max(1, requirement.requiredApprovals) + (requester === null ? 1 : 0),
        applied_revision: null,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('change_requests').values(row).execute();
      await this.sql.audit(trx, projectId, audit, 'change-request.create', 'change-request', row.id, {
        promptName: prompt.name,
        label: parsed.label,
        targets: parsed.targets,
        baseRevision: row.base_revision,
        requiredApprovals: row.required_approvals,
      });
      return toChangeRequest(row, prompt.name, []);
    });
  }

  async getChangeRequest(projectId: string, changeRequestId: string): Promise<ChangeRequest | undefined> {
    const row = await this.#changeRequestQuery(this.sql.db, projectId).where('change_requests.id', '=', changeRequestId).executeTakeFirst();
    if (!row) return undefined;
    return (await this.#withReviews(this.sql.db, [row]))[0];
  }

  async listChangeRequests(projectId: string, options: ListChangeRequestsOptions = {}): Promise<Page<ChangeRequest>> {
    const parsed = parse(ListChangeRequestsOptionsSchema, options);
    let query = this.#changeRequestQuery(this.sql.db, projectId);
    if (parsed.status !== undefined) query = query.where('change_requests.status', '=', parsed.status);
    if (parsed.promptName !== undefined) query = query.where('prompts.name', '=', parsed.promptName);
    if (parsed.cursor !== undefined) {
      const [createdAt, id] = splitCursor(parsed.cursor);
      query = query.where((eb) =>
        eb.or([eb('change_requests.created_at', '<', createdAt), eb.and([eb('change_requests.created_at', '=', createdAt), eb('change_requests.id', '<', id)])]),
      );
    }
    const rows = await query.orderBy('change_requests.created_at', 'desc').orderBy('change_requests.id', 'desc').limit(parsed.limit + 1).execute();
    const requests = await this.#withReviews(this.sql.db, rows);
    return page(requests, parsed.limit, (request) => encodeCursor(`${request.createdAt}|${request.id}`));
  }

  async reviewChangeRequest(projectId: string, changeRequestId: string, input: ReviewChangeRequestInput, context: AuditContext): Promise<ChangeRequest> {
    const parsed = parse(ReviewChangeRequestInputSchema, input);
    const audit = parseContext(context);
    return this.sql.write(async (trx) => {
      // Found first: another project's request is a 404 whoever asks.
      const request = await this.#lockChangeRequest(trx, projectId, changeRequestId);
      if (audit.actor.type !== 'user') {
        throw new ForbiddenError('Only a person can review a change request, not an API key.', { reason: 'reviewer-not-user' });
      }
      const reviewerId = audit.actor.id;
      if (request.status !== 'pending') {
        throw new ConflictError(`Change request ${changeRequestId} is ${request.status}, not pending.`);
      }
      // Requests stored before key chains were followed may lack the person; the chain never changes.
      const requester = request.requester_user_id ?? (await personBehind(trx, projectId, toActor(request.requested_by_type, request.requested_by_id)));
      if (requester === reviewerId || (request.requested_by_type === 'user' && request.requested_by_id === reviewerId)) {
        throw new ForbiddenError('You cannot review your own change request; another approver must.', { reason: 'self-approval' });
      }
      const reviewer = await trx.selectFrom('users').select(['id', 'is_admin']).where('id', '=', reviewerId).executeTakeFirst();
      const membership = await findMembership(trx, projectId, reviewerId);
      const mayApprove = reviewer !== undefined && (Boolean(reviewer.is_admin) || (membership !== undefined && roleAtLeast(membership.role as Role, 'approver')));
      if (!mayApprove) {
        throw new ForbiddenError('Reviewing a change request needs the approver role in this project.', { reason: 'not-an-approver' });
      }
      const previous = await trx
        .selectFrom('change_request_reviews')
        .select('decision')
        .where('change_request_id', '=', changeRequestId)
        .where('user_id', '=', reviewerId)
        .executeTakeFirst();
      if (previous) throw new ConflictError(`You have already reviewed change request ${changeRequestId}.`);
      const now = this.sql.timestamp();
      await trx
        .insertInto('change_request_reviews')
        .values({ change_request_id: changeRequestId, user_id: reviewerId, decision: parsed.decision, comment: parsed.comment ?? null, created_at: now })
        .execute();
      let status: ChangeRequestStatus = 'pending';
      if (parsed.decision === 'reject') {
        status = 'rejected';
      } else {
        const approvals = await trx
          .selectFrom('change_request_reviews')
          .select((eb) => eb.fn.countAll().as('count'))
          .where('change_request_id', '=', changeRequestId)
          .where('decision', '=', 'approve')
          .executeTakeFirstOrThrow();
        if (Number(approvals.count) >= request.required_approvals) status = 'approved';
      }
      await trx.updateTable('change_requests').set({ status, updated_at: now }).where('id', '=', changeRequestId).execute();
      await this.sql.audit(trx, projectId, audit, parsed.decision === 'approve' ? 'change-request.approve' : 'change-request.reject', 'change-request', changeRequestId, {
        promptName: request.prompt_name,
        label: request.label,
        status,
        comment: parsed.comment ?? null,
      });
      return (await this.#withReviews(trx, [{ ...request, status, updated_at: now }]))[0]!;
    });
  }

  async applyChangeRequest(projectId: string, changeRequestId: string, context: AuditContext): Promise<{ changeRequest: ChangeRequest; label: Label }> {
    const audit = parseContext(context);
    return this.sql.write(async (trx) => {
      const request = await this.#lockChangeRequest(trx, projectId, changeRequestId);
      if (request.status !== 'approved') {
        throw new ConflictError(`Change request ${changeRequestId} is ${request.status}; only an approved request can be applied.`);
      }
      const prompt = (await lockPrompt(trx, this.sql.dialect, projectId, request.prompt_name))!;
      const current = await trx.selectFrom('prompt_labels').selectAll().where('prompt_id', '=', prompt.id).where('name', '=', request.label).executeTakeFirst();
      // Every label move supersedes the requests based on the old revision, so this is a second line of defence.
      checkRevision(prompt.name, request.label, current?.revision ?? 0, request.base_revision);
      const label = await moveLabel(this.sql, trx, {
        prompt,
        current,
        name: request.label,
        targets: toTargets(request.targets_json),
        kind: 'change-request',
        changeRequestId,
        message: request.message ?? undefined,
        audit,
      });
      const now = this.sql.timestamp();
      await trx
        .updateTable('change_requests')
        .set({ status: 'applied', applied_revision: label.revision, updated_at: now })
        .where('id', '=', changeRequestId)
        .execute();
      await this.sql.audit(trx, projectId, audit, 'change-request.apply', 'change-request', changeRequestId, {
        promptName: prompt.name,
        label: request.label,
        revision: label.revision,
      });
      const [changeRequest] = await this.#withReviews(trx, [{ ...request, status: 'applied', applied_revision: label.revision, updated_at: now }]);
      return { changeRequest: changeRequest!, label };
    });
  }

  async cancelChangeRequest(projectId: string, changeRequestId: string, context: AuditContext): Promise<ChangeRequest> {
    const audit = parseContext(context);
    return this.sql.write(async (trx) => {
      const request = await this.#lockChangeRequest(trx, projectId, changeRequestId);
      if (request.status !== 'pending' && request.status !== 'approved') {
        throw new ConflictError(`Change request ${changeRequestId} is ${request.status}; only a pending or approved request can be cancelled.`);
      }
      const now = this.sql.timestamp();
      await trx.updateTable('change_requests').set({ status: 'cancelled', updated_at: now }).where('id', '=', changeRequestId).execute();
      await this.sql.audit(trx, projectId, audit, 'change-request.cancel', 'change-request', changeRequestId, {
        promptName: request.prompt_name,
        label: request.label,
        previousStatus: request.status,
      });
      return (await this.#withReviews(trx, [{ ...request, status: 'cancelled', updated_at: now }]))[0]!;
    });
  }

  async #lockChangeRequest(trx: Transaction<RegistryTables>, projectId: string, changeRequestId: string) {
    const found = await this.#changeRequestQuery(trx, projectId).where('change_requests.id', '=', changeRequestId).executeTakeFirst();
    if (!found) throw notFound('change-request', changeRequestId);
    await lockPrompt(trx, this.sql.dialect, projectId, found.prompt_name);
    // Read again under the lock: another transaction may have changed it meanwhile.
    return (await this.#changeRequestQuery(trx, projectId).where('change_requests.id', '=', changeRequestId).executeTakeFirst())!;
  }

  #changeRequestQuery(db: Db, projectId: string) {
    return db
      .selectFrom('change_requests')
      .innerJoin('prompts', 'prompts.id', 'change_requests.prompt_id')
      .selectAll('change_requests')
      .select('prompts.name as prompt_name')
      .where('change_requests.project_id', '=', projectId);
  }

  async #withReviews(db: Db, rows: readonly (Row<'change_requests'> & { prompt_name: string })[]): Promise<ChangeRequest[]> {
    if (rows.length === 0) return [];
    const reviews = await db
      .selectFrom('change_request_reviews')
      .selectAll()
      .where(
        'change_request_id',
        'in',
        rows.map((row) => row.id),
      )
      .orderBy('created_at')
      .orderBy('user_id')
      .execute();
    return rows.map((row) =>
      toChangeRequest(
        row,
        row.prompt_name,
        reviews.filter((review) => review.change_request_id === row.id),
      ),
    );
  }
}

/**
 * The person accountable for an actor: the user, or for an API key the user at the root of its
 * chain of creators (a key made by a key made by … a user). Null when the chain ends in no person
 * (`assay admin create-key` creates keys as the system), points at a key or user that is not
 * there, loops, or is longer than `maxKeyChain`.
 */
async function personBehind(db: Db, projectId: string, actor: Actor): Promise<string | null> {
  let type: string = actor.type;
  let id: string | null = actor.id ?? null;
  const seen = new Set<string>();
  while (type === 'api-key' && id !== null) {
    if (seen.has(id) || seen.size >= maxKeyChain) return null;
    seen.add(id);
    const key = await db
      .selectFrom('api_keys')
      .select(['created_by_type', 'created_by_id'])
      .where('id', '=', id)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    if (!key) return null;
    type = key.created_by_type;
    id = key.created_by_id;
  }
  if (type !== 'user' || id === null) return null;
  const user = await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
  return user ? user.id : null;
}

function toChangeRequest(row: Row<'change_requests'>, promptName: string, reviews: readonly Row<'change_request_reviews'>[]): ChangeRequest {
  return {
    id: row.id,
    projectId: row.project_id,
    promptName,
    label: row.label,
    targets: toTargets(row.targets_json),
    baseRevision: row.base_revision,
    status: row.status as ChangeRequestStatus,
    requestedBy: toActor(row.requested_by_type, row.requested_by_id),
    requesterUserId: row.requester_user_id,
    message: row.message,
    riskTier: row.risk_tier as ChangeRequest['riskTier'],
    requiredApprovals: row.required_approvals,
    reviews: reviews.map((review) => ({
      userId: review.user_id,
      decision: review.decision as 'approve' | 'reject',
      comment: review.comment,
      createdAt: iso(review.created_at),
    })),
    appliedRevision: row.applied_revision,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
