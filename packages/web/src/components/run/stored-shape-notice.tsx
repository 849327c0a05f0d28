const shown = 8;

/**
 * Names the fields of a stored run or result that were not in the shape the dashboard reads
 * (read-run.ts), so a degraded view is never taken for the whole run.
 */
export function StoredShapeNotice({ what, problems, testId }: { what: string; problems: readonly string[]; testId: string }) {
  if (problems.length === 0) return null;
  return (
    <div className="banner banner-warn" role="status" data-testid={testId}>
      <div className="banner-body">
        <strong className="banner-title">Stored in an unexpected shape: {what}</strong>
        <span className="banner-detail">What could be read is shown; what could not is shown as “—” or left out.</span>
        <ProblemList problems={problems.slice(0, shown)} />
        {problems.length > shown && (
          <details>
            <summary>and {problems.length - shown} more</summary>
            <ProblemList problems={problems.slice(shown)} />
          </details>
        )}
      </div>
    </div>
  );
}

function ProblemList({ problems }: { problems: readonly string[] }) {
  return (
    <ul className="banner-fields">
      {problems.map((problem) => (
        <li key={problem}>
          <code>{problem}</code>
        </li>
      ))}
    </ul>
  );
}
