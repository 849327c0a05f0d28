import { formatNumber } from '../format.ts';

interface CursorPagerProps {
  page: number;
  hasPrevious: boolean;
  nextCursor: string | null | undefined;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
  /** Prefix of the buttons' test ids: `${testId}-previous`, `${testId}-next`. */
  testId: string;
}

/** Previous / Next for lists the server pages with a cursor. */
export function CursorPager({ page, hasPrevious, nextCursor, onPrevious, onNext, testId }: CursorPagerProps) {
  if (!hasPrevious && !nextCursor) return null;
  return (
    <nav className="pager" aria-label="Pagination">
      <button type="button" className="button" disabled={!hasPrevious} onClick={onPrevious} data-testid={`${testId}-previous`}>
        ← Previous
      </button>
      <span className="pager-position">Page {page}</span>
      <button type="button" className="button" disabled={!nextCursor} onClick={() => nextCursor && onNext(nextCursor)} data-testid={`${testId}-next`}>
        Next →
      </button>
    </nav>
  );
}

interface OffsetPagerProps {
  offset: number;
  limit: number;
  total: number;
  onChange: (offset: number) => void;
  testId: string;
}

/** `1–50 of 20,000` with Previous / Next, for lists the server pages by offset. */
export function OffsetPager({ offset, limit, total, onChange, testId }: OffsetPagerProps) {
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label="Pagination">
      <button type="button" className="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))} data-testid={`${testId}-previous`}>
        ← Previous
      </button>
      <span className="pager-position" data-testid={`${testId}-position`}>
        {formatNumber(first)}–{formatNumber(last)} of {formatNumber(total)}
      </span>
      <button type="button" className="button" disabled={last >= total} onClick={() => onChange(offset + limit)} data-testid={`${testId}-next`}>
        Next →
      </button>
    </nav>
  );
}
