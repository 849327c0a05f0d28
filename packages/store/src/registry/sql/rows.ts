import type { Actor } from '@assay/spec';
import type { RegistryDialect } from '../registry-migrations.ts';

// Reads differ by dialect (registry-tables.ts): these turn what either returns into one shape.

export function iso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}

export function toActor(type: string, id: string | null): Actor {
  if (type === 'system') return id === null ? { type: 'system' } : { type: 'system', id };
  return { type: type as 'user' | 'api-key', id: id ?? '' };
}

/**
 * A JSON column whose value is an object or array: text from SQLite and from rows built in
 * memory (what was just written), already parsed from PostgreSQL's jsonb.
 */
export function json(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** A JSON column that may hold any JSON value, a bare string included: only from rows read back. */
export function anyJson(value: unknown, dialect: RegistryDialect): unknown {
  return dialect === 'sqlite' ? JSON.parse(value as string) : value;
}

export function bool(value: boolean, dialect: RegistryDialect): number | boolean {
  return dialect === 'sqlite' ? (value ? 1 : 0) : value;
}
