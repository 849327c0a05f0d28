import type { ListResultsOptions } from './store.ts';

/** Largest page `listResults` returns: a page is one response of the dashboard's case table. */
export const maxResultPage = 1000;

/** Checks a `listResults` page and fills in its offset (both stores). */
export function checkResultPage(options: ListResultsOptions): { offset: number; limit: number } {
  const offset = options.offset ?? 0;
  if (!Number.isSafeInteger(options.limit) || options.limit < 1 || options.limit > maxResultPage) {
    throw new RangeError(`listResults: limit must be an integer from 1 to ${maxResultPage}, got ${options.limit}.`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`listResults: offset must be a non-negative integer, got ${offset}.`);
  return { offset, limit: options.limit };
}
