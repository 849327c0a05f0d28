/**
 * A rate on a 0–100% track with its 95% interval as a band. Sized with style props, which the
 * CSP allows (they go through the CSSOM, not an inline style attribute in the HTML).
 */
export function IntervalBar({ rate, ci95 }: { rate: number | null; ci95: [number, number] | null }) {
  if (rate === null || !Number.isFinite(rate)) return null;
  const percent = (value: number) => `${Math.max(0, Math.min(1, value)) * 100}%`;
  const tone = rate >= 0.9 ? 'good' : rate >= 0.7 ? 'warn' : 'bad';
  return (
    <span className="interval-bar" aria-hidden="true">
      {ci95 && <span className="interval-band" style={{ left: percent(ci95[0]), width: percent(ci95[1] - ci95[0]) }} />}
      <span className={`interval-point interval-${tone}`} style={{ left: percent(rate) }} />
    </span>
  );
}

/** A small horizontal fill, for pass rates in lists. */
export function RateBar({ rate }: { rate: number | null }) {
  if (rate === null || !Number.isFinite(rate)) return null;
  const tone = rate >= 0.9 ? 'good' : rate >= 0.7 ? 'warn' : 'bad';
  return (
    <span className="rate-bar" aria-hidden="true">
      <span className={`rate-fill rate-${tone}`} style={{ width: `${Math.max(0, Math.min(1, rate)) * 100}%` }} />
    </span>
  );
}
