// Display formatters. Numbers read the way the CLI prints them (packages/cli/src/output/format.ts,
// comparison-view.ts) so a run looks the same in the terminal and in the dashboard.
import type { Actor, ActorNames, LabelTarget } from './types.ts';

/** `0.875` → `87.5%`. */
// Every formatter shows a missing or non-finite number as "—": read-run.ts turns a field stored
// in another shape into NaN.

export function formatPercent(rate: number | null | undefined): string {
  if (!isFiniteNumber(rate)) return '—';
  return `${(rate * 100).toFixed(1)}%`;
}

/** `85.0% [76.9, 91.0] n=40`: a rate with its 95% interval in percentage points. */
export function formatRate(rate: number | null, ci95: [number, number] | null, n: number): string {
  const size = isFiniteNumber(n) ? n : '—';
  if (!isFiniteNumber(rate)) return `— n=${size}`;
  const interval = ci95 ? ` [${(ci95[0] * 100).toFixed(1)}, ${(ci95[1] * 100).toFixed(1)}]` : '';
  return `${formatPercent(rate)}${interval} n=${size}`;
}

/** A 0..1 score with two decimals, `0.85`. */
export function formatScore(score: number | null | undefined): string {
  return isFiniteNumber(score) ? score.toFixed(2) : '—';
}

function isFiniteNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Dollars with the precision that matters: `$1.23`, `$0.012`, `$0.00042`. */
export function formatUsd(value: number | null | undefined): string {
  if (!isFiniteNumber(value)) return '—';
  if (value === 0) return '$0';
  const sign = value < 0 ? '-' : '';
  const amount = Math.abs(value);
  if (amount >= 1000) return `${sign}$${amount.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
  if (amount >= 1) return `${sign}$${amount.toFixed(2)}`;
  if (amount < 0.000_01) return `${sign}<$0.00001`;
  return `${sign}$${amount.toPrecision(2)}`;
}

/** `12345` → `12,345`. */
export function formatNumber(value: number | null | undefined): string {
  if (!isFiniteNumber(value)) return '—';
  return value.toLocaleString('en-US');
}

/** `4_200` → `4.2s`, `72_000` → `1m12s`. */
export function formatDuration(milliseconds: number | null | undefined): string {
  if (!isFiniteNumber(milliseconds)) return '—';
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)}s`;
  const seconds = Math.round(milliseconds / 1000);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** An ISO timestamp in local time, `2025-01-31 14:05`. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${localDate(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** `YYYY-MM-DD` of a date in local time. */
export function localDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Today minus `days`, as `YYYY-MM-DD`: prompts last reviewed before it are overdue. */
export function daysAgo(days: number, now = new Date()): string {
  const date = new Date(now.getFullYear(), now.getMonth(), now.getDate() - days);
  return localDate(date);
}

/** Prompts are reviewed at least every 90 days. */
export const reviewIntervalDays = 90;

export function isOverdue(lastReviewed: string | null, cutoff = daysAgo(reviewIntervalDays)): boolean {
  return lastReviewed === null || lastReviewed < cutoff;
}

/** `v12 90% · v13 10%`. */
export function formatTargets(targets: LabelTarget[] | null | undefined): string {
  if (!targets || targets.length === 0) return '—';
  return targets.map((target) => `v${target.version} ${target.weight}%`).join(' · ');
}

/**
 * `Dana Admin`, `API key ci-main`, `system`: the names the server sent with the list. An id it
 * could not name (a deleted user) is shortened; the full id is in {@link actorTitle}.
 */
export function formatActor(actor: Actor, names: ActorNames = {}): string {
  if (actor.type === 'system') return actor.id ? `system ${actor.id}` : 'system';
  const known = names[`${actor.type}:${actor.id}`];
  if (actor.type === 'user') return known?.name ?? `user ${shortId(actor.id)}`;
  return `API key ${known?.name ?? shortId(actor.id)}`;
}

/** The tooltip of an actor: a user's email, else the id. */
export function actorTitle(actor: Actor, names: ActorNames = {}): string | undefined {
  if (!actor.id) return undefined;
  return names[`${actor.type}:${actor.id}`]?.email ?? actor.id;
}

/** `3.00 (interval ×1.73 wider)`: the design effect of repeats, worded as the CLI's `formatDesignEffect`. */
export function formatDesignEffect(designEffect: number | null | undefined): string {
  if (!isFiniteNumber(designEffect)) return '—';
  return `${designEffect.toFixed(2)} (interval ×${Math.sqrt(designEffect).toFixed(2)} wider)`;
}

/** `0.012`, `0.0031`, `<0.0001` (as `formatP` in packages/runner/src/gates.ts). */
export function formatP(p: number | null): string {
  if (p === null) return '—';
  if (p < 0.0001) return '<0.0001';
  return p < 0.01 ? p.toFixed(4) : p.toFixed(3);
}

/** The first characters of an opaque id, enough to tell rows apart. */
export function shortId(id: string, length = 8): string {
  return id.length > length ? id.slice(0, length) : id;
}

/** JSON for a `<pre>`; strings stay as they are. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Cuts `text` to `max` characters, ending with `…`. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
