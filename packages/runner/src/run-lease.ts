import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { RunLeaseError, type RunRecord, type RunStatus } from '@assay/spec';
import type { RunLease, RunStore } from '@assay/store';

/** How long a run's lease lasts unless renewed; the holder renews it every third of that. */
export const defaultLeaseTtlMs = 30_000;

const ownerPattern = /^(\d+)@(.+)#([0-9a-f]+)$/;

/** This process as the holder of a run: `<pid>@<host>#<token>`; the token tells apart two processes that had one pid. */
export function leaseOwnerId(): string {
  return `${process.pid}@${hostname()}#${randomUUID().slice(0, 8)}`;
}

/**
 * Whether the holder was a process of this machine that no longer exists (killed with
 * `kill -9`): its lease need not be waited out. A holder on another machine, or whose process is
 * alive, is taken at its word until the lease expires.
 */
export function holderIsGone(owner: string): boolean {
  const match = ownerPattern.exec(owner);
  if (!match || match[2] !== hostname()) return false;
  const pid = Number(match[1]);
  // This process's pid under another token: the earlier process that had the pid has ended.
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: alive, another user's.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * The status to show for a stored run: one still marked `running` whose holder is gone (lease
 * expired or released, or its process no longer exists) was interrupted, and can be resumed.
 */
export function effectiveStatus(run: RunRecord, lease: RunLease | undefined, now = new Date()): RunStatus {
  if (run.status !== 'running') return run.status;
  return lease !== undefined && lease.expiresAt > now.toISOString() && !holderIsGone(lease.owner) ? 'running' : 'interrupted';
}

/** A run this process holds: the lease is renewed until `release`. */
export interface RunClaim {
  readonly owner: string;
  release(): Promise<void>;
}

/**
 * Claims the run for this process before it makes any call, or throws a `RunLeaseError` naming
 * the process that holds it and when its lease expires. While held, the lease is renewed every
 * third of `ttlMs`; `onLost` is told if another process took it meanwhile (this one stalled for
 * longer than the lease, e.g. the database was unreachable), and the run should stop.
 */
export async function claimRun(
  store: RunStore,
  runId: string,
  options: { owner: string; ttlMs: number; onLost: (error: RunLeaseError) => void },
): Promise<RunClaim> {
  const { owner, ttlMs } = options;
  const current = await store.getRunLease(runId);
  const replacing = current !== undefined && current.owner !== owner && holderIsGone(current.owner) ? current.owner : undefined;
  const claim = await store.acquireRunLease(runId, { owner, ttlMs, ...(replacing === undefined ? {} : { replacing }) });
  if (!claim.acquired) throw leaseError(runId, claim.lease, 'held');

  let renewing: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (renewing) return;
    renewing = store
      .acquireRunLease(runId, { owner, ttlMs })
      .then(
        (renewed) => {
          if (renewed.acquired) return;
          clearInterval(timer);
          options.onLost(leaseError(runId, renewed.lease, 'lost'));
        },
        // The store is unreachable for now: the next tick tries again, and the lease outlasts two misses.
        () => {},
      )
      .finally(() => (renewing = undefined));
  }, Math.max(10, Math.floor(ttlMs / 3)));
  timer.unref();

  return {
    owner,
    async release() {
      clearInterval(timer);
      await renewing;
      // A lease that cannot be released (the store went away) runs out on its own.
      await store.releaseRunLease(runId, owner).catch(() => {});
    },
  };
}

function leaseError(runId: string, lease: RunLease, why: 'held' | 'lost'): RunLeaseError {
  const match = ownerPattern.exec(lease.owner);
  const holder = match ? `process ${match[1]} on ${match[2]}` : lease.owner;
  const seconds = Math.max(0, Math.ceil((Date.parse(lease.expiresAt) - Date.now()) / 1000));
  const expires = `its lease expires at ${lease.expiresAt} (in ${seconds} s) unless that process renews it`;
  const message =
    why === 'held'
      ? `Run ${runId} is held by another process (${holder}), which is running it; ${expires}`
      : `Run ${runId} was taken over by another process (${holder}) while this one was running it; this one stops (${expires})`;
  return new RunLeaseError(message, {
    runId,
    owner: lease.owner,
    expiresAt: lease.expiresAt,
    hint: `Let that process finish (\`assay runs\` shows the run), or stop it. If it was killed, \`assay eval --resume ${runId}\` continues once the lease has expired.`,
    docs: 'cli.md',
  });
}
