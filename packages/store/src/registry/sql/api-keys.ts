import { randomUUID } from 'node:crypto';
import { CreateApiKeyInputSchema, InvalidInputError, type ApiKey, type AuditContext, type CreateApiKeyInput, type Role } from '@assay/spec';
import { newApiKeySecret, sha256 } from '../registry-secrets.ts';
import type { RegistryApiKeys } from '../registry-store.ts';
import { notFound, parse, parseContext } from './errors.ts';
import { requireProject } from './projects.ts';
import { iso, toActor } from './rows.ts';
import { SqlPart, type Row } from './sql-context.ts';

/** authenticateApiKey writes last_used_at at most this often per key. */
const lastUsedResolutionMs = 60_000;

/** API keys: stored as hashes, found by hash, revoked but never deleted. */
export class SqlApiKeys extends SqlPart implements RegistryApiKeys {
  async createApiKey(projectId: string, input: CreateApiKeyInput, context: AuditContext): Promise<{ apiKey: ApiKey; secret: string }> {
    const parsed = parse(CreateApiKeyInputSchema, input);
    const audit = parseContext(context);
    // A key that is expired when made is a typo (a year, a month); it would never authenticate.
    if (parsed.expiresAt !== undefined && Date.parse(parsed.expiresAt) <= this.sql.now().getTime()) {
      throw new InvalidInputError(`The expiry ${parsed.expiresAt} is not in the future: the key would never work.`, {
        issues: [{ field: 'expiresAt', message: 'must be in the future' }],
        hint: 'Give a time after now, e.g. 90 days ahead.',
      });
    }
    const { secret, hash, prefix } = newApiKeySecret();
    return this.sql.write(async (trx) => {
      await requireProject(trx, projectId);
      const row = {
        id: randomUUID(),
        project_id: projectId,
        name: parsed.name,
        role: parsed.role,
        prefix,
        key_hash: hash,
        created_by_type: audit.actor.type,
        created_by_id: audit.actor.id ?? null,
        created_at: this.sql.timestamp(),
        expires_at: parsed.expiresAt === undefined ? null : new Date(parsed.expiresAt).toISOString(),
        last_used_at: null,
        revoked_at: null,
      };
      await trx.insertInto('api_keys').values(row).execute();
      await this.sql.audit(trx, projectId, audit, 'api-key.create', 'api-key', row.id, { name: row.name, role: row.role, prefix });
      return { apiKey: toApiKey(row), secret };
    });
  }

  async listApiKeys(projectId: string): Promise<ApiKey[]> {
    const rows = await this.sql.db
      .selectFrom('api_keys')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toApiKey);
  }

  async revokeApiKey(projectId: string, apiKeyId: string, context: AuditContext): Promise<ApiKey> {
    const audit = parseContext(context);
    return this.sql.write(async (trx) => {
      const row = await trx.selectFrom('api_keys').selectAll().where('id', '=', apiKeyId).where('project_id', '=', projectId).executeTakeFirst();
      if (!row) throw notFound('api-key', apiKeyId);
      if (row.revoked_at !== null) return toApiKey(row);
      const revokedAt = this.sql.timestamp();
      await trx.updateTable('api_keys').set({ revoked_at: revokedAt }).where('id', '=', apiKeyId).execute();
      await this.sql.audit(trx, projectId, audit, 'api-key.revoke', 'api-key', apiKeyId, { name: row.name, prefix: row.prefix });
      return toApiKey({ ...row, revoked_at: revokedAt });
    });
  }

  async authenticateApiKey(secret: string): Promise<ApiKey | undefined> {
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > 256) return undefined;
    const row = await this.sql.db.selectFrom('api_keys').selectAll().where('key_hash', '=', sha256(secret)).executeTakeFirst();
    if (!row || row.revoked_at !== null) return undefined;
    const now = this.sql.now();
    if (row.expires_at !== null && new Date(row.expires_at) <= now) return undefined;
    const lastUsed = row.last_used_at === null ? undefined : new Date(row.last_used_at);
    if (lastUsed === undefined || now.getTime() - lastUsed.getTime() >= lastUsedResolutionMs) {
      const usedAt = now.toISOString();
      await this.sql.db.updateTable('api_keys').set({ last_used_at: usedAt }).where('id', '=', row.id).execute();
      return toApiKey({ ...row, last_used_at: usedAt });
    }
    return toApiKey(row);
  }
}

function toApiKey(row: Row<'api_keys'>): ApiKey {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    role: row.role as Role,
    prefix: row.prefix,
    createdBy: toActor(row.created_by_type, row.created_by_id),
    createdAt: iso(row.created_at),
    expiresAt: row.expires_at === null ? null : iso(row.expires_at),
    lastUsedAt: row.last_used_at === null ? null : iso(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
  };
}
