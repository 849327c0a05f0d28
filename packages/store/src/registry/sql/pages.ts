import { InvalidInputError, type Page } from '@assay/spec';

/** A page of `limit` items from `rows`, which were read with `limit + 1` to learn whether more follow. */
export function page<T>(rows: T[], limit: number, cursorOf: (item: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: cursorOf(items.at(-1)!) };
}

export function encodeCursor(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

/** A cursor made by `encodeCursor(`${first}|${second}`)`. */
export function splitCursor(cursor: string): [string, string] {
  const decoded = decodeCursor(cursor);
  const separator = decoded.indexOf('|');
  if (separator < 0) throw badCursor();
  return [decoded.slice(0, separator), decoded.slice(separator + 1)];
}

export function integerCursor(cursor: string): number {
  const value = Number(cursor);
  if (!/^\d{1,15}$/.test(cursor) || !Number.isSafeInteger(value)) throw badCursor();
  return value;
}

function badCursor(): InvalidInputError {
  return new InvalidInputError('The page cursor is not one this list returned.', { issues: [{ field: 'cursor', message: 'unknown cursor' }] });
}
