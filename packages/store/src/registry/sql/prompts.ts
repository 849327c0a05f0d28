import { randomUUID } from 'node:crypto';
import {
  ListPromptsOptionsSchema,
  PageOptionsSchema,
  PushPromptVersionInputSchema,
  type AuditContext,
  type ListPromptsOptions,
  type Page,
  type PageOptions,
  type PromptSummary,
  type PromptPartial,
  type PromptVersion,
  type PushPromptVersionInput,
  type StoredPromptMetadata,
} from '@assay/spec';
import type { Transaction } from 'kysely';
import type { RegistryDialect } from '../registry-migrations.ts';
import type { RegistryPrompts } from '../registry-store.ts';
import type { RegistryTables } from '../registry-tables.ts';
import { notFound, parse, parseContext } from './errors.ts';
import { decodeCursor, encodeCursor, integerCursor, page } from './pages.ts';
import { requireProject } from './projects.ts';
import { anyJson, iso, json, toActor } from './rows.ts';
import { SqlPart, type Db, type Row } from './sql-context.ts';

/** Prompts and their immutable, numbered versions. */
export class SqlPrompts extends SqlPart implements RegistryPrompts {
  async pushPromptVersion(projectId: string, input: PushPromptVersionInput, context: AuditContext): Promise<{ version: PromptVersion; created: boolean }> {
    const parsed = parse(PushPromptVersionInputSchema, input);
    const audit = parseContext(context);
    return this.sql.write(async (trx) => {
      await requireProject(trx, projectId);
      const now = this.sql.timestamp();
      await trx
        .insertInto('prompts')
        .values({
          id: randomUUID(),
          project_id: projectId,
          name: parsed.name,
          latest_version: 0,
          owner: null,
          risk_tier: null,
          last_reviewed: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((conflict) => conflict.columns(['project_id', 'name']).doNothing())
        .execute();
      // The prompt row is the lock that makes concurrent pushes take turns, so numbers never repeat or skip.
      const prompt = (await lockPrompt(trx, this.sql.dialect, projectId, parsed.name))!;
      const existing = await trx
        .selectFrom('prompt_versions')
        .selectAll()
        .where('prompt_id', '=', prompt.id)
        .where('content_hash', '=', parsed.contentHash)
        .executeTakeFirst();
      if (existing) return { version: toPromptVersion(existing, prompt.name, this.sql.dialect), created: false };

      const version = prompt.latest_version + 1;
      const metadata = parsed.metadata as StoredPromptMetadata;
      const row = {
        id: randomUUID(),
        prompt_id: prompt.id,
        project_id: projectId,
        version,
        content_hash: parsed.contentHash,
        source: parsed.source,
        template: parsed.template,
        model_config_json: JSON.stringify(parsed.modelConfig),
        input_schema_json: parsed.inputSchema == null ? null : JSON.stringify(parsed.inputSchema),
        output_schema_json: parsed.outputSchema == null ? null : JSON.stringify(parsed.outputSchema),
        metadata_json: JSON.stringify(metadata),
        partials_json: JSON.stringify(parsed.partials),
        risk_tier: metadata.riskTier ?? null,
        author: parsed.author,
        message: parsed.message ?? null,
        created_by_type: audit.actor.type,
        created_by_id: audit.actor.id ?? null,
        created_at: now,
      };
      await trx.insertInto('prompt_versions').values(row).execute();
      await trx
        .updateTable('prompts')
        .set({
          latest_version: version,
          owner: metadata.owner ?? null,
          risk_tier: metadata.riskTier ?? null,
          last_reviewed: metadata.lastReviewed ?? null,
          updated_at: now,
        })
        .where('id', '=', prompt.id)
        .execute();
      await this.sql.audit(trx, projectId, audit, 'prompt.push', 'prompt', prompt.name, {
        version,
        contentHash: parsed.contentHash,
        message: parsed.message ?? null,
      });
      // Read back rather than built from `row`: the schemas may be any JSON value, even a bare string.
      const stored = await trx.selectFrom('prompt_versions').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
      return { version: toPromptVersion(stored, prompt.name, this.sql.dialect), created: true };
    });
  }

  async getPrompt(projectId: string, name: string): Promise<PromptSummary | undefined> {
    const row = await this.sql.db
      .selectFrom('prompts')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .where('latest_version', '>', 0)
      .executeTakeFirst();
    return row && toPromptSummary(row);
  }

  async listPrompts(projectId: string, options: ListPromptsOptions = {}): Promise<Page<PromptSummary>> {
    const parsed = parse(ListPromptsOptionsSchema, options);
    let query = this.sql.db.selectFrom('prompts').selectAll().where('project_id', '=', projectId).where('latest_version', '>', 0);
    if (parsed.owner !== undefined) query = query.where('owner', '=', parsed.owner);
    if (parsed.riskTier !== undefined) query = query.where('risk_tier', '=', parsed.riskTier);
    if (parsed.lastReviewedBefore !== undefined) {
      const before = parsed.lastReviewedBefore;
      query = query.where((eb) => eb.or([eb('last_reviewed', 'is', null), eb('last_reviewed', '<', before)]));
    }
    if (parsed.cursor !== undefined) query = query.where('name', '>', decodeCursor(parsed.cursor));
    const rows = await query.orderBy('name').limit(parsed.limit + 1).execute();
    return page(rows.map(toPromptSummary), parsed.limit, (prompt) => encodeCursor(prompt.name));
  }

  async listPromptVersions(projectId: string, name: string, options: PageOptions = {}): Promise<Page<PromptVersion>> {
    const parsed = parse(PageOptionsSchema, options);
    const prompt = await findPrompt(this.sql.db, projectId, name);
    if (!prompt) throw notFound('prompt', name);
    let query = this.sql.db.selectFrom('prompt_versions').selectAll().where('prompt_id', '=', prompt.id);
    if (parsed.cursor !== undefined) query = query.where('version', '<', integerCursor(parsed.cursor));
    const rows = await query.orderBy('version', 'desc').limit(parsed.limit + 1).execute();
    return page(
      rows.map((row) => toPromptVersion(row, prompt.name, this.sql.dialect)),
      parsed.limit,
      (version) => String(version.version),
    );
  }

  async getPromptVersion(projectId: string, name: string, version: number): Promise<PromptVersion | undefined> {
    if (!Number.isSafeInteger(version)) return undefined;
    const row = await versionsWithNames(this.sql.db, projectId)
      .where('prompts.name', '=', name)
      .where('prompt_versions.version', '=', version)
      .executeTakeFirst();
    return row && toPromptVersion(row, row.prompt_name, this.sql.dialect);
  }

  async findPromptVersionsByContentHash(projectId: string, contentHashes: readonly string[]): Promise<PromptVersion[]> {
    const hashes = [...new Set(contentHashes)].filter((hash) => /^[0-9a-f]{64}$/.test(hash));
    if (hashes.length === 0) return [];
    const rows = await versionsWithNames(this.sql.db, projectId)
      .where('prompt_versions.content_hash', 'in', hashes.slice(0, 1000))
      .orderBy('prompts.name')
      .orderBy('prompt_versions.version')
      .execute();
    return rows.map((row) => toPromptVersion(row, row.prompt_name, this.sql.dialect));
  }
}

/** A project's versions, each with its prompt's name. */
function versionsWithNames(db: Db, projectId: string) {
  return db
    .selectFrom('prompt_versions')
    .innerJoin('prompts', 'prompts.id', 'prompt_versions.prompt_id')
    .selectAll('prompt_versions')
    .select('prompts.name as prompt_name')
    .where('prompts.project_id', '=', projectId);
}

export async function findPrompt(db: Db, projectId: string, name: string): Promise<Row<'prompts'> | undefined> {
  return db.selectFrom('prompts').selectAll().where('project_id', '=', projectId).where('name', '=', name).where('latest_version', '>', 0).executeTakeFirst();
}

/**
 * Reads the prompt and, on PostgreSQL, locks its row until the transaction ends: every change
 * to a prompt's versions, labels and change requests takes this lock first, so they take turns
 * (on SQLite, BEGIN IMMEDIATE already lets one writer in at a time).
 */
export async function lockPrompt(
  trx: Transaction<RegistryTables>,
  dialect: RegistryDialect,
  projectId: string,
  name: string,
): Promise<Row<'prompts'> | undefined> {
  let query = trx.selectFrom('prompts').selectAll().where('project_id', '=', projectId).where('name', '=', name);
  if (dialect === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

export function toPromptVersion(row: Row<'prompt_versions'>, promptName: string, dialect: RegistryDialect): PromptVersion {
  return {
    id: row.id,
    projectId: row.project_id,
    promptName,
    version: row.version,
    contentHash: row.content_hash,
    source: row.source,
    template: row.template,
    modelConfig: json(row.model_config_json) as Record<string, unknown>,
    inputSchema: row.input_schema_json === null ? null : anyJson(row.input_schema_json, dialect),
    outputSchema: row.output_schema_json === null ? null : anyJson(row.output_schema_json, dialect),
    metadata: json(row.metadata_json) as StoredPromptMetadata,
    partials: json(row.partials_json) as PromptPartial[],
    author: row.author,
    message: row.message,
    createdBy: toActor(row.created_by_type, row.created_by_id),
    createdAt: iso(row.created_at),
  };
}

function toPromptSummary(row: Row<'prompts'>): PromptSummary {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    latestVersion: row.latest_version,
    owner: row.owner,
    riskTier: row.risk_tier as PromptSummary['riskTier'],
    lastReviewed: row.last_reviewed,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
