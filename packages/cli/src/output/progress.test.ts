import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeResult } from './fake-run.ts';
import { createProgress } from './progress.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (text: string) => writes.push(text) } };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createProgress on a TTY', () => {
  it('redraws on a timer, not per result', () => {
    const { writes, stream } = fakeStream(true);
    const progress = createProgress({ total: 400, stream });
    expect(writes.join('')).toContain('0/400');
    const before = writes.length;
    for (let index = 0; index < 120; index += 1) progress.update(fakeResult({ pass: index % 4 !== 0 }));
    expect(writes.length).toBe(before);

    vi.advanceTimersByTime(100);
    const line = writes.at(-1)!;
    expect(line.startsWith('\r\x1b[2K')).toBe(true);
    expect(line).toContain('120/400');
    expect(line).toContain('30%');
    expect(line).toContain('pass 75.0%');
    expect(line).toContain('ETA');
    expect(line).toContain('2.4k tok');
    expect(line).toContain('$0.05');
    expect(line.length).toBeLessThan(100 + 6);

    // Nothing new, nothing drawn.
    vi.advanceTimersByTime(500);
    expect(writes.at(-1)).toBe(line);
    progress.stop();
  });

  it('logs above the bar and clears it on stop', () => {
    const { writes, stream } = fakeStream(true);
    const progress = createProgress({ total: 10, skipped: 4, stream });
    progress.update(fakeResult());
    progress.log('warning: retrying openai');
    expect(writes.at(-2)).toBe('\r\x1b[2Kwarning: retrying openai\n');
    expect(writes.at(-1)).toContain('5/10');
    progress.stop();
    expect(writes.at(-1)).toBe('\r\x1b[2K');
    progress.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('createProgress without a TTY', () => {
  it('writes nothing for small runs', () => {
    const { writes, stream } = fakeStream(true);
    const progress = createProgress({ total: 49, stream, enabled: false });
    for (let index = 0; index < 49; index += 1) progress.update(fakeResult());
    vi.advanceTimersByTime(1000);
    progress.stop();
    expect(writes).toEqual([]);
  });

  it('prints a plain line at each 10%', () => {
    const { writes, stream } = fakeStream(false);
    const progress = createProgress({ total: 1000, stream });
    for (let index = 0; index < 1000; index += 1) progress.update(fakeResult());
    progress.stop();
    expect(writes).toHaveLength(10);
    expect(writes[0]).toMatch(/^progress 10% · 100\/1000 · pass 100\.0%/);
    expect(writes.at(-1)).toMatch(/^progress 100% · 1000\/1000/);
    expect(writes.join('')).not.toContain('\x1b');
  });

  it('counts skipped cases as done', () => {
    const { writes, stream } = fakeStream(false);
    const progress = createProgress({ total: 100, skipped: 55, stream });
    for (let index = 0; index < 45; index += 1) progress.update(fakeResult());
    expect(writes).toHaveLength(5);
    expect(writes[0]).toMatch(/^progress 60% · 60\/100/);
  });
});
