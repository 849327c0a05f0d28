import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  ForbiddenError,
  LabelNameSchema,
  LabelTargetsSchema,
  NotFoundError,
  PageOptionsSchema,
  SetLabelInputSchema,
  type ApprovalRequirement,
  type AuditContext,
  type Label,
  type LabelHistoryEntry,
  type LabelTarget,
  type Page,
  type PageOptions,
  type PromptVersion,
  type SetLabelInput,
} from '@assay/spec';
import type { Transaction } from 'kysely';
import type { RegistryLabels } from '../registry-store.ts';
import type { RegistryTables } from '../registry-tables.ts';
import { insertUnique, notFound, parse, parseContext } from './errors.ts';
import { integerCursor, page } from './pages.ts';
import { requireProject, toProject } from './projects.ts';
import { findPrompt, lockPrompt, toPromptVersion } from './prompts.ts';
import { iso, json, toActor } from './rows.ts';
import { SqlPart, type Db, type Row, type SqlContext } from './sql-context.ts';

type RiskTier = NonNullable<ApprovalRequirement['riskTier']>;

const riskTiers: readonly RiskTier[] = ['low', 'medium', 'high', 'critical'];

/** Labels (one version, or several weighted ones for a canary), moved by compare-and-set, with their history. */
export class SqlLabels extends SqlPart implements RegistryLabels {
  async listLabels(projectId: string, promptName: string): Promise<Label[]> {
    const prompt = await findPrompt(this.sql.db, projectId, promptName);
    if (!prompt) throw notFound('prompt', promptName);
    const rows = await this.sql.db.selectFrom('prompt_labels').selectAll().where('prompt_id', '=', prompt.id).orderBy('name').execute();
    return rows.map((row) => toLabel(row, prompt.name));
  }

  async getLabel(projectId: string, promptName: string, label: string): Promise<Label | undefined> {
    const row = await labelQuery(this.sql.db, projectId, promptName, label).executeTakeFirst();
    return row && toLabel(row, row.prompt_name);
  }

  async resolveLabel(projectId: string, promptName: string, label: string): Promise<{ label: Label; versions: PromptVersion[] } | undefined> {
    // Two plain reads, no transaction (on SQLite that would take the write lock on the serving
    // path): versions are immutable and never deleted, so the ones a label named are still there.
    const row = await labelQuery(this.sql.db, projectId, promptName, label).executeTakeFirst();
    if (!row) return undefined;
    const resolved = toLabel(row, row.prompt_name);
    const versions = await this.sql.db
      .selectFrom('prompt_versions')
      .selectAll()
      .where('prompt_id', '=', row.prompt_id)
      .where(
        'version',
        'in',
        resolved.targets.map((target) => target.version),
      )
      .orderBy('version')
      .execute();
    return { label: resolved, versions: versions.map((version) => toPromptVersion(version, row.prompt_name, this.sql.dialect)) };
  }

  async getApprovalRequirement(projectId: string, promptName: string, label: string, targets: SetLabelInput['targets']): Promise<ApprovalRequirement> {
    const parsedLabel = parse(LabelNameSchema, label, 'label');
    const parsedTargets = parse(LabelTargetsSchema, targets, 'targets');
    const project = await requireProject(this.sql.db, projectId);
    const prompt = await findPrompt(this.sql.db, projectId, promptName);
    if (!prompt) throw notFound('prompt', promptName);
    const current = await this.sql.db.selectFrom('prompt_labels').selectAll().where('prompt_id', '=', prompt.id).where('name', '=', parsedLabel).executeTakeFirst();
    return approvalRequirement(this.sql.db, project, prompt.id, parsedLabel, current ? toTargets(current.targets_json) : [], parsedTargets);
  }

  async setLabel(projectId: string, promptName: string, label: string, input: SetLabelInput, context: AuditContext): Promise<Label> {
    const parsedLabel = parse(LabelNameSchema, label, 'label');
    const parsed = parse(SetLabelInputSchema, input);
    const audit = parseContext(context);
    return this.sql.write(async (trx) => {
      const project = await requireProject(trx, projectId);
      const prompt = await lockPrompt(trx, this.sql.dialect, projectId, promptName);
      if (!prompt) throw notFound('prompt', promptName);
      await requireVersions(trx, prompt, parsed.targets);
      const current = await trx.selectFrom('prompt_labels').selectAll().where('prompt_id', '=', prompt.id).where('name', '=', parsedLabel).executeTakeFirst();
      checkRevision(promptName, parsedLabel, current?.revision ?? 0, parsed.expectedRevision);
      const currentTargets = current ? toTargets(current.targets_json) : [];
      if (current && sameTargets(currentTargets, parsed.targets)) return toLabel(current, prompt.name);
      const requirement = await approvalRequirement(trx, project, prompt.id, parsedLabel, currentTargets, parsed.targets);
      if (requirement.requiredApprovals > 0) {
        throw new ForbiddenError(
          `Moving "${parsedLabel}" of ${promptName} needs ${requirement.requiredApprovals} approval${requirement.requiredApprovals === 1 ? '' : 's'} (risk tier ${requirement.riskTier}).`,
          { reason: 'approval-required', requiredApprovals: requirement.requiredApprovals, hint: 'Open a change request and have another approver approve it.' },
        );
      }
      return moveLabel(this.sql, trx, { prompt, current, name: parsedLabel, targets: parsed.targets, kind: 'set', message: parsed.message, audit });
    });
  }

  async rollbackLabel(projectId: string, promptName: string, label: string, input: { expectedRevision: number; message?: string }, context: AuditContext): Promise<Label> {
    const parsedLabel = parse(LabelNameSchema, label, 'label');
    const expectedRevision = parse(SetLabelInputSchema.shape.expectedRevision, input.expectedRevision, 'expectedRevision');
    const audit = parseContext(context);
    return this.sql.write(async (trx) => {
      const prompt = await lockPrompt(trx, this.sql.dialect, projectId, promptName);
      if (!prompt) throw notFound('prompt', promptName);
      const current = await trx.selectFrom('prompt_labels').selectAll().where('prompt_id', '=', prompt.id).where('name', '=', parsedLabel).executeTakeFirst();
      if (!current) throw notFound('label', `${promptName}@${parsedLabel}`);
      checkRevision(promptName, parsedLabel, current.revision, expectedRevision);
      const latest = await trx
        .selectFrom('label_history')
        .select('previous_targets_json')
        .where('label_id', '=', current.id)
        .where('revision', '=', current.revision)
        .executeTakeFirst();
      if (!latest || latest.previous_targets_json === null) {
        throw new ConflictError(`"${parsedLabel}" of ${promptName} has never moved; there is nothing to roll back to.`, {
          currentRevision: current.revision,
        });
      }
      const targets = toTargets(latest.previous_targets_json);
      return moveLabel(this.sql, trx, { prompt, current, name: parsedLabel, targets, kind: 'rollback', message: input.message, audit });
    });
  }

  async listLabelHistory(projectId: string, promptName: string, label: string, options: PageOptions = {}): Promise<Page<LabelHistoryEntry>> {
    const parsed = parse(PageOptionsSchema, options);
    const labelRow = await labelQuery(this.sql.db, projectId, promptName, label).executeTakeFirst();
    if (!labelRow) throw notFound('label', `${promptName}@${label}`);
    let query = this.sql.db.selectFrom('label_history').selectAll().where('label_id', '=', labelRow.id);
    if (parsed.cursor !== undefined) query = query.where('revision', '<', integerCursor(parsed.cursor));
    const rows = await query.orderBy('revision', 'desc').limit(parsed.limit + 1).execute();
    const entries = rows.map(
      (row): LabelHistoryEntry => ({
        promptName: labelRow.prompt_name,
        label: labelRow.name,
        revision: row.revision,
        targets: toTargets(row.targets_json),
        previousTargets: row.previous_targets_json === null ? null : toTargets(row.previous_targets_json),
        kind: row.kind as LabelHistoryEntry['kind'],
        changeRequestId: row.change_request_id,
        message: row.message,
        actor: toActor(row.actor_type, row.actor_id),
        createdAt: iso(row.created_at),
      }),
    );
    return page(entries, parsed.limit, (entry) => String(entry.revision));
  }
}

function labelQuery(db: Db, projectId: string, promptName: string, label: string) {
  return db
    .selectFrom('prompt_labels')
    .innerJoin('prompts', 'prompts.id', 'prompt_labels.prompt_id')
    .selectAll('prompt_labels')
    .select('prompts.name as prompt_name')
    .where('prompts.project_id', '=', projectId)
    .where('prompts.name', '=', promptName)
    .where('prompt_labels.name', '=', label);
}

/** `NotFoundError` unless every target is a version of the prompt. */
export async function requireVersions(db: Db, prompt: Row<'prompts'>, targets: readonly LabelTarget[]): Promise<void> {
  const versions = targets.map((target) => target.version);
  const rows = await db.selectFrom('prompt_versions').select('version').where('prompt_id', '=', prompt.id).where('version', 'in', versions).execute();
  const found = new Set(rows.map((row) => row.version));
  const missing = versions.filter((version) => !found.has(version));
  if (missing.length > 0) {
    throw new NotFoundError(`${prompt.name} has no version ${missing.join(' or ')} (latest is ${prompt.latest_version}).`, {
      resource: 'version',
      id: `${prompt.name}@${missing[0]}`,
    });
  }
}

/** What moving `label` from `currentTargets` to `targets` needs under the project's approval policy. */
export async function approvalRequirement(
  db: Db,
  project: Row<'projects'>,
  promptId: string,
  label: string,
  currentTargets: readonly LabelTarget[],
  targets: readonly LabelTarget[],
): Promise<ApprovalRequirement> {
  const settings = toProject(project).settings;
  const versions = [...new Set([...currentTargets, ...targets].map((target) => target.version))];
  const rows = await db.selectFrom('prompt_versions').select('risk_tier').where('prompt_id', '=', promptId).where('version', 'in', versions).execute();
  let riskTier: RiskTier | null = null;
  for (const row of rows) {
    const tier = row.risk_tier as RiskTier | null;
    if (tier !== null && (riskTier === null || riskTiers.indexOf(tier) > riskTiers.indexOf(riskTier))) riskTier = tier;
  }
  const isProtected = settings.protectedLabels.includes(label);
  // A version that declares no tier counts as low.
  return { protected: isProtected, riskTier, requiredApprovals: isProtected ? settings.approvals[riskTier ?? 'low'] : 0 };
}

/**
 * Moves a label (compare-and-set on its revision), writes its history entry, supersedes the change
 * requests made against the old revision, and audits the move; the caller holds the prompt lock.
 */
export async function moveLabel(
  sql: SqlContext,
  trx: Transaction<RegistryTables>,
  move: {
    prompt: Row<'prompts'>;
    current: Row<'prompt_labels'> | undefined;
    name: string;
    targets: readonly LabelTarget[];
    kind: LabelHistoryEntry['kind'];
    changeRequestId?: string;
    message: string | undefined;
    audit: AuditContext;
  },
): Promise<Label> {
  const { prompt, current, audit } = move;
  const now = sql.timestamp();
  const targetsJson = JSON.stringify(move.targets);
  let row: Row<'prompt_labels'>;
  if (current) {
    row = {
      ...current,
      targets_json: targetsJson,
      revision: current.revision + 1,
      updated_at: now,
      updated_by_type: audit.actor.type,
      updated_by_id: audit.actor.id ?? null,
    };
    const result = await trx
      .updateTable('prompt_labels')
      .set({ targets_json: targetsJson, revision: row.revision, updated_at: now, updated_by_type: row.updated_by_type, updated_by_id: row.updated_by_id })
      .where('id', '=', current.id)
      .where('revision', '=', current.revision)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) throw new ConflictError(`"${move.name}" of ${prompt.name} moved meanwhile; read it again.`);
  } else {
    const inserted = {
      id: randomUUID(),
      prompt_id: prompt.id,
      project_id: prompt.project_id,
      name: move.name,
      targets_json: targetsJson,
      revision: 1,
      updated_at: now,
      updated_by_type: audit.actor.type,
      updated_by_id: audit.actor.id ?? null,
    };
    await insertUnique(trx.insertInto('prompt_labels').values(inserted), `"${move.name}" of ${prompt.name} was created meanwhile; read it again.`);
    row = inserted;
  }
  const previousTargets = current ? toTargets(current.targets_json) : null;
  await trx
    .insertInto('label_history')
    .values({
      label_id: row.id,
      project_id: prompt.project_id,
      revision: row.revision,
      targets_json: targetsJson,
      previous_targets_json: previousTargets === null ? null : JSON.stringify(previousTargets),
      kind: move.kind,
      change_request_id: move.changeRequestId ?? null,
      message: move.message ?? null,
      actor_type: audit.actor.type,
      actor_id: audit.actor.id ?? null,
      created_at: now,
    })
    .execute();
  // Requests made against the old revision no longer describe a change from what is live.
  let superseded = trx
    .updateTable('change_requests')
    .set({ status: 'superseded', updated_at: now })
    .where('prompt_id', '=', prompt.id)
    .where('label', '=', move.name)
    .where('status', 'in', ['pending', 'approved']);
  if (move.changeRequestId !== undefined) superseded = superseded.where('id', '!=', move.changeRequestId);
  const supersededResult = await superseded.executeTakeFirst();
  await sql.audit(trx, prompt.project_id, audit, move.kind === 'rollback' ? 'label.rollback' : 'label.set', 'label', `${prompt.name}@${move.name}`, {
    promptName: prompt.name,
    label: move.name,
    revision: row.revision,
    targets: move.targets,
    previousTargets,
    changeRequestId: move.changeRequestId ?? null,
    supersededChangeRequests: Number(supersededResult.numUpdatedRows),
  });
  return toLabel(row, prompt.name);
}

/** A targets column (`targets_json`, `previous_targets_json`). */
export function toTargets(value: unknown): LabelTarget[] {
  return json(value) as LabelTarget[];
}

function toLabel(row: Row<'prompt_labels'>, promptName: string): Label {
  return {
    promptName,
    name: row.name,
    targets: toTargets(row.targets_json),
    revision: row.revision,
    updatedAt: iso(row.updated_at),
    updatedBy: toActor(row.updated_by_type, row.updated_by_id),
  };
}

export function checkRevision(promptName: string, label: string, current: number, expected: number): void {
  if (current === expected) return;
  throw new ConflictError(
    current === 0
      ? `"${label}" of ${promptName} does not exist (expected revision ${expected}).`
      : `"${label}" of ${promptName} is at revision ${current}, not ${expected}: someone moved it meanwhile.`,
    { expectedRevision: expected, currentRevision: current, hint: 'Read the label again and retry with its current revision.' },
  );
}

export function sameTargets(a: readonly LabelTarget[], b: readonly LabelTarget[]): boolean {
  return a.length === b.length && a.every((target, index) => target.version === b[index]!.version && target.weight === b[index]!.weight);
}
