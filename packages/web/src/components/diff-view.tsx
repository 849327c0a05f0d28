import type { PromptDiff } from '../types.ts';

const fieldNames: Record<string, string> = {
  template: 'Template',
  modelConfig: 'Model config',
  inputSchema: 'Input schema',
  outputSchema: 'Output schema',
  metadata: 'Metadata',
};

function lineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('Index:') || line.startsWith('====')) return 'diff-line diff-meta';
  if (line.startsWith('@@')) return 'diff-line diff-hunk';
  if (line.startsWith('+')) return 'diff-line diff-add';
  if (line.startsWith('-')) return 'diff-line diff-del';
  if (line.startsWith('\\')) return 'diff-line diff-meta';
  return 'diff-line';
}

/** The unified diff of each changed field, one block per field, lines coloured by +/-. */
export function DiffView({ diff }: { diff: PromptDiff }) {
  return (
    <section className="diff" data-testid="diff-view" aria-label={`Changes from v${diff.from} to v${diff.to}`}>
      <h3>
        v{diff.from} → v{diff.to}
      </h3>
      {diff.changes.length === 0 && <p className="muted">No differences.</p>}
      {diff.changes.map((change) => {
        const lines = change.unified.replace(/\n$/, '').split('\n');
        return (
          <div key={change.field} className="diff-field" data-testid="diff-field" data-field={change.field}>
            <div className="diff-field-name">{fieldNames[change.field] ?? change.field}</div>
            <pre className="diff-body">
              {lines.map((line, index) => (
                <span key={index} className={lineClass(line)}>
                  {line || ' '}
                  {'\n'}
                </span>
              ))}
            </pre>
          </div>
        );
      })}
    </section>
  );
}
