import { AuditContextSchema, ConflictError, InvalidInputError, NotFoundError, type AuditContext } from '@assay/spec';
import type { z } from 'zod';

// The typed errors of the SQL registry store (see registry-store.ts): invalid input, a missing
// row, a taken unique name.

/** Parses input with its zod schema; an `InvalidInputError` naming the fields when it does not fit. */
export function parse<Schema extends z.ZodType>(schema: Schema, value: unknown, field?: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: [field, ...issue.path.map(String)].filter((part) => part !== undefined && part !== '').join('.') || '(input)',
    message: issue.message,
  }));
  throw new InvalidInputError(`Invalid input: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}.`, { issues });
}

export function parseContext(context: AuditContext): AuditContext {
  return parse(AuditContextSchema, context, 'context');
}

export function notFound(resource: string, id: string): NotFoundError {
  return new NotFoundError(`No ${resource} ${id}${resource === 'project' || resource === 'user' || resource === 'organization' ? '' : ' in this project'}.`, {
    resource,
    id,
  });
}

/** Runs an insert, turning a unique-constraint violation into a `ConflictError`. */
export async function insertUnique(query: { execute(): Promise<unknown> }, message: string): Promise<void> {
  try {
    await query.execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(message, { cause: error });
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  const record = error as { code?: unknown; errcode?: unknown } | null;
  // PostgreSQL 23505; SQLite SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
  return record?.code === '23505' || record?.errcode === 2067 || record?.errcode === 1555;
}
