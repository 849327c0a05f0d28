import type { ColumnType } from 'kysely';

// The registry's tables as Kysely sees them (DDL in registry-migrations.ts). Column types say
// what is written; reads differ by dialect (PostgreSQL returns Date for timestamptz, objects for
// jsonb, strings for bigint, booleans), so readers go through the converters of sql/ (rows.ts
// and each aggregate's `to…` functions).

/** ISO-8601 UTC written; a string (SQLite) or Date (PostgreSQL) read. */
type Timestamp = ColumnType<string | Date, string, string>;
/** JSON text written; text (SQLite) or a parsed value (PostgreSQL) read. */
type Json = ColumnType<unknown, string, string>;
/** 0/1 (SQLite) or a boolean (PostgreSQL). */
type Bool = ColumnType<number | boolean, number | boolean, number | boolean>;
/** An identity column: a number (SQLite) or a string (PostgreSQL bigint). */
type Serial = ColumnType<number | string, never, never>;

export interface RegistryTables {
  registry_migrations: { version: number; applied_at: Timestamp };
  organizations: { id: string; name: string; display_name: string; created_at: Timestamp };
  projects: { id: string; organization_id: string; name: string; display_name: string; settings_json: Json; created_at: Timestamp };
  users: {
    id: string;
    email: string;
    name: string;
    password_hash: string;
    is_admin: Bool;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  project_members: { project_id: string; user_id: string; role: string; created_at: Timestamp; updated_at: Timestamp };
  api_keys: {
    id: string;
    project_id: string;
    name: string;
    role: string;
    prefix: string;
    key_hash: string;
    created_by_type: string;
    created_by_id: string | null;
    created_at: Timestamp;
    expires_at: Timestamp | null;
    last_used_at: Timestamp | null;
    revoked_at: Timestamp | null;
  };
  sessions: {
    id: string;
    token_hash: string;
    user_id: string;
    csrf_token: string;
    created_at: Timestamp;
    expires_at: Timestamp;
    ip: string | null;
    user_agent: string | null;
  };
  setup_tokens: {
    id: string;
    token_hash: string;
    created_at: Timestamp;
    expires_at: Timestamp;
    consumed_at: Timestamp | null;
    consumed_by: string | null;
  };
  prompts: {
    id: string;
    project_id: string;
    name: string;
    latest_version: number;
    owner: string | null;
    risk_tier: string | null;
    last_reviewed: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  prompt_versions: {
    id: string;
    prompt_id: string;
    project_id: string;
    version: number;
    content_hash: string;
    source: string;
    template: string;
    model_config_json: Json;
    input_schema_json: Json | null;
    output_schema_json: Json | null;
    metadata_json: Json;
    /** `[{ name, contentHash, source }]`: the partials the template uses (migration 2). */
    partials_json: Json;
    risk_tier: string | null;
    author: string;
    message: string | null;
    created_by_type: string;
    created_by_id: string | null;
    created_at: Timestamp;
  };
  prompt_labels: {
    id: string;
    prompt_id: string;
    project_id: string;
    name: string;
    targets_json: Json;
    revision: number;
    updated_at: Timestamp;
    updated_by_type: string;
    updated_by_id: string | null;
  };
  label_history: {
    seq: Serial;
    label_id: string;
    project_id: string;
    revision: number;
    targets_json: Json;
    previous_targets_json: Json | null;
    kind: string;
    change_request_id: string | null;
    message: string | null;
    actor_type: string;
    actor_id: string | null;
    created_at: Timestamp;
  };
  change_requests: {
    id: string;
    project_id: string;
    prompt_id: string;
    label: string;
    targets_json: Json;
    base_revision: number;
    status: string;
    requested_by_type: string;
    requested_by_id: string | null;
    requester_user_id: string | null;
    message: string | null;
    risk_tier: string | null;
    required_approvals: number;
    applied_revision: number | null;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  change_request_reviews: {
    change_request_id: string;
    user_id: string;
    decision: string;
    comment: string | null;
    created_at: Timestamp;
  };
  audit_events: {
    id: Serial;
    project_id: string | null;
    actor_type: string;
    actor_id: string | null;
    action: string;
    target_type: string;
    target_id: string;
    details_json: Json;
    ip: string | null;
    user_agent: string | null;
    created_at: Timestamp;
  };
}
