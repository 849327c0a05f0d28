import type { RunRecord } from '@assay/spec';
import type { Store } from '@assay/store';

/** A stored run by id, else the newest run with that label; undefined when neither exists. */
export async function findRun(store: Store, reference: string): Promise<RunRecord | undefined> {
  return (await store.getRun(reference)) ?? (await store.listRuns({ label: reference, limit: 1 }))[0];
}
