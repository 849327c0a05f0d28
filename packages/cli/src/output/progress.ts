import type { CaseResult } from '@assay/spec';
import { formatCount, formatDuration, formatPercent, formatUsd } from './format.ts';

/** The part of a terminal stream the progress display uses (a `process.stderr` fits). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Cases in the plan, including `skipped`. */
  total: number;
  /** Cases already done by an earlier run (`--resume`); counted as done, left out of rates. */
  skipped?: number;
  /** Default `process.stderr`, so stdout stays clean for piping. */
  stream?: NodeJS.WriteStream | ProgressStream;
  /** False forces the plain, line-per-10% mode used when the stream is not a TTY. Default true. */
  enabled?: boolean;
  /** Clock for ETA; tests pass a fake. Default `Date.now`. */
  now?: () => number;
}

export interface Progress {
  /** Counts a finished case. Only adds to counters; drawing happens on a 100 ms timer. */
  update(result: CaseResult): void;
  /** Prints a line above the bar (warnings, retries) without tearing it. */
  log(line: string): void;
  /** Stops the timer and erases the bar. Safe to call twice. */
  stop(): void;
}

const redrawMs = 100;
const clearLine = '\r\x1b[2K';
/** Below this many cases a run is over before periodic lines would tell anyone anything. */
const minPlainTotal = 50;

/**
 * A live progress bar on a TTY (`120/400 [██████░░░░] 30% · pass 87.5% · ETA 1m12s · 12.3k tok · $0.012`),
 * redrawn at most every 100 ms. On pipes and CI, or with `enabled: false`, a plain line at each
 * further 10% instead, and nothing for runs under 50 cases.
 *
 * @example
 * const progress = createProgress({ total: event.total, skipped: event.skipped });
 * for await (const event of events) if (event.type === 'case-result') progress.update(event.result);
 * progress.stop();
 */
export function createProgress(options: ProgressOptions): Progress {
  const stream: ProgressStream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const total = Math.max(0, options.total);
  const skipped = Math.min(total, Math.max(0, options.skipped ?? 0));
  const live = options.enabled !== false && stream.isTTY === true;
  const startedAt = now();

  let done = skipped;
  let finished = 0;
  let passed = 0;
  let errors = 0;
  let tokens = 0;
  let cost = 0;
  let dirty = false;
  let drawn = false;
  let stopped = false;

  const status = (): string[] => {
    const parts = [`${done}/${total}`];
    if (finished > 0) parts.push(`pass ${formatPercent(passed / finished)}`);
    if (errors > 0) parts.push(`${errors} err`);
    const elapsed = now() - startedAt;
    if (finished > 0 && done < total && elapsed > 0) parts.push(`ETA ${formatDuration(((total - done) * elapsed) / finished)}`);
    if (tokens > 0) parts.push(`${formatCount(tokens)} tok`);
    if (cost > 0) parts.push(formatUsd(cost));
    return parts;
  };

  // ---- plain mode: a line at each 10% step ------------------------------------------------
  if (!live) {
    const step = Math.max(1, Math.ceil(total / 10));
    const nextStep = (): number => (done >= total ? Infinity : Math.min(total, (Math.floor(done / step) + 1) * step));
    let nextReport = total < minPlainTotal ? Infinity : nextStep();
    return {
      update(result) {
        count(result);
        if (done < nextReport || stopped) return;
        const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
        stream.write(`progress ${percent}% · ${status().join(' · ')}\n`);
        nextReport = nextStep();
      },
      log(line) {
        stream.write(`${line}\n`);
      },
      stop() {
        stopped = true;
      },
    };
  }

  // ---- live mode ---------------------------------------------------------------------------
  const render = (): string => {
    const columns = stream.columns && stream.columns > 20 ? stream.columns : 80;
    const [counts, ...rest] = status();
    const ratio = total > 0 ? done / total : 1;
    const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
    const tail = rest.length > 0 ? ` · ${rest.join(' · ')}` : '';
    const fixed = counts!.length + percent.length + tail.length + 4;
    const barWidth = Math.max(0, Math.min(30, columns - 1 - fixed));
    const filled = Math.round(ratio * barWidth);
    const bar = barWidth >= 5 ? ` [${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}]` : '';
    const text = `${counts}${bar}${percent}${tail}`;
    // A line wider than the terminal wraps, and `\r` would then redraw only its last row.
    return text.length > columns - 1 ? text.slice(0, columns - 1) : text;
  };
  const draw = (): void => {
    stream.write(`${clearLine}${render()}`);
    drawn = true;
    dirty = false;
  };
  const timer = setInterval(() => {
    if (dirty) draw();
  }, redrawMs);
  // The bar must never keep the process alive on its own.
  timer.unref?.();
  draw();

  return {
    update(result) {
      count(result);
      dirty = true;
    },
    log(line) {
      if (stopped) {
        stream.write(`${line}\n`);
        return;
      }
      stream.write(`${clearLine}${line}\n`);
      draw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (drawn) stream.write(clearLine);
    },
  };

  function count(result: CaseResult): void {
    done += 1;
    finished += 1;
    if (result.pass) passed += 1;
    if (result.error !== undefined) errors += 1;
    tokens += result.usage.totalTokens;
    if (result.cost !== null) cost += result.cost;
  }
}
