import {
  ListAuditEventsOptionsSchema,
  RecordAuditEventInputSchema,
  type AuditContext,
  type AuditEvent,
  type ListAuditEventsOptions,
  type Page,
  type RecordAuditEventInput,
} from '@assay/spec';
import type { RegistryAuditLog } from '../registry-store.ts';
import { parse, parseContext } from './errors.ts';
import { integerCursor, page } from './pages.ts';
import { requireProject } from './projects.ts';
import { iso, json, toActor } from './rows.ts';
import { SqlPart, type Row } from './sql-context.ts';

/**
 * Reading the audit log, and recording the events the server observes. Every change writes its own
 * event, in its transaction (`SqlContext.audit`).
 */
export class SqlAuditLog extends SqlPart implements RegistryAuditLog {
  async listAuditEvents(projectId: string | null, options: ListAuditEventsOptions = {}): Promise<Page<AuditEvent>> {
    const parsed = parse(ListAuditEventsOptionsSchema, options);
    let query = this.sql.db.selectFrom('audit_events').selectAll();
    query = projectId === null ? query.where('project_id', 'is', null) : query.where('project_id', '=', projectId);
    if (parsed.action !== undefined) query = query.where('action', '=', parsed.action);
    if (parsed.targetType !== undefined) query = query.where('target_type', '=', parsed.targetType);
    if (parsed.targetId !== undefined) query = query.where('target_id', '=', parsed.targetId);
    if (parsed.cursor !== undefined) query = query.where('id', '<', integerCursor(parsed.cursor));
    const rows = await query.orderBy('id', 'desc').limit(parsed.limit + 1).execute();
    return page(rows.map((row) => toAuditEvent(row)), parsed.limit, (event) => event.id);
  }

  async recordAuditEvent(projectId: string | null, input: RecordAuditEventInput, context: AuditContext): Promise<AuditEvent> {
    const parsed = parse(RecordAuditEventInputSchema, input);
    const audit = parseContext(context);
    return this.sql.write(async (trx) => {
      if (projectId !== null) await requireProject(trx, projectId);
      return toAuditEvent(await this.sql.audit(trx, projectId, audit, parsed.action, parsed.targetType, parsed.targetId, parsed.details));
    });
  }
}

function toAuditEvent(row: Row<'audit_events'>): AuditEvent {
  return {
    id: String(row.id),
    projectId: row.project_id,
    actor: toActor(row.actor_type, row.actor_id),
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    details: json(row.details_json) as Record<string, unknown>,
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: iso(row.created_at),
  };
}
