import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '@assay/spec';
import { effectiveStatus, holderIsGone, leaseOwnerId } from './run-lease.ts';

const run = (status: RunRecord['status']): RunRecord => ({ id: 'r', createdAt: '2025-01-01T00:00:00.000Z', status, configPath: '/s.yaml', planHash: 'h', total: 3, options: {} });

/** The pid of a real process that has exited (and been reaped). */
async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('run leases (issue 10)', () => {
  it('names this process and host as the holder', () => {
    expect(leaseOwnerId()).toMatch(new RegExp(`^${process.pid}@${hostname().replaceAll('.', '\\.')}#[0-9a-f]{8}$`));
    expect(leaseOwnerId()).not.toBe(leaseOwnerId());
  });

  it('knows a holder of this machine whose process has ended, and trusts live and remote ones', async () => {
    expect(holderIsGone(`${await exitedPid()}@${hostname()}#0000abcd`)).toBe(true);
    expect(holderIsGone(`${process.ppid}@${hostname()}#0000abcd`)).toBe(false);
    // This pid under another token: an earlier process that had this pid.
    expect(holderIsGone(`${process.pid}@${hostname()}#0000abcd`)).toBe(true);
    expect(holderIsGone(`${await exitedPid()}@another-host#0000abcd`)).toBe(false);
    expect(holderIsGone('someone')).toBe(false);
  });

  it('shows a running run as interrupted once its holder is gone: lease expired or released, or its process ended', async () => {
    const now = new Date('2025-01-01T00:01:00.000Z');
    const live = `${process.ppid}@${hostname()}#0000abcd`;
    expect(effectiveStatus(run('running'), { owner: live, expiresAt: '2025-01-01T00:01:30.000Z' }, now)).toBe('running');
    expect(effectiveStatus(run('running'), { owner: '1@another-host#0000abcd', expiresAt: '2025-01-01T00:01:30.000Z' }, now)).toBe('running');
    expect(effectiveStatus(run('running'), { owner: '1@another-host#0000abcd', expiresAt: '2025-01-01T00:01:00.000Z' }, now)).toBe('interrupted');
    expect(effectiveStatus(run('running'), { owner: `${await exitedPid()}@${hostname()}#0000abcd`, expiresAt: '2025-01-01T00:01:30.000Z' }, now)).toBe('interrupted');
    expect(effectiveStatus(run('running'), undefined, now)).toBe('interrupted');
    expect(effectiveStatus(run('completed'), undefined, now)).toBe('completed');
    expect(effectiveStatus(run('failed'), { owner: live, expiresAt: '2025-01-01T00:01:30.000Z' }, now)).toBe('failed');
  });
});
