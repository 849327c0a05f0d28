/** Small display formatters shared by the matrix, the progress bar and the file writers. */

/** `0.875` → `87.5%`; trailing `.0` dropped when `trim` (thresholds read better as `80%`). */
export function formatPercent(rate: number, trim = false): string {
  const text = (rate * 100).toFixed(1);
  return `${trim && text.endsWith('.0') ? text.slice(0, -2) : text}%`;
}

/** Dollars with the precision that matters: `$1.23`, `$0.50`, `$0.012`, `$0.00042`. */
export function formatUsd(value: number): string {
  if (value === 0) return '$0';
  const sign = value < 0 ? '-' : '';
  const amount = Math.abs(value);
  if (amount >= 1000) return `${sign}$${amount.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
  if (amount >= 1) return `${sign}$${amount.toFixed(2)}`;
  if (amount < 0.000_01) return `${sign}<$0.00001`;
  // Two significant digits: per-call prices are fractions of a cent and the digits after them are noise.
  return `${sign}$${amount.toPrecision(2)}`;
}

/** `950` → `950`, `12_345` → `12.3k`, `2_500_000` → `2.5M`. */
export function formatCount(value: number): string {
  if (value < 1000) return String(value);
  if (value < 1_000_000) return `${trimZero((value / 1000).toFixed(1))}k`;
  return `${trimZero((value / 1_000_000).toFixed(1))}M`;
}

/** `4_200` → `4s`, `72_000` → `1m12s`, `7_380_000` → `2h03m`. */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Cuts `text` to at most `max` UTF-16 units, ending with `…`, without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…'.slice(0, max);
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** The label the runner uses for a prompt × provider cell (see runner/src/summary.ts). */
export function cellLabel(prompt: string, provider: string): string {
  return `${prompt} × ${provider}`;
}

function trimZero(text: string): string {
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}

/**
 * The design effect of repeats with what it does to the pass-rate interval, the one wording the
 * console, the HTML report and the dashboard use: `3.00 (interval ×1.73 wider)`. The interval's
 * width grows with the square root of the design effect (the effective sample is n / deff).
 */
export function formatDesignEffect(designEffect: number): string {
  return `${designEffect.toFixed(2)} (interval ×${Math.sqrt(designEffect).toFixed(2)} wider)`;
}
