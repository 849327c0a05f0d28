import { useState } from 'react';
import { getChangelog } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useResource } from '../../hooks/use-resource.ts';
import { ErrorBanner } from '../error-banner.tsx';
import { Empty, Loading } from '../loading.tsx';

/**
 * The changelog, one entry per version. Messages are shown as text split into paragraphs, never
 * parsed as markdown or HTML: they come from whoever pushed the prompt.
 */
export function ChangelogSection({ projectId, promptName }: { projectId: string; promptName: string }) {
  const changelog = useResource((signal) => getChangelog(projectId, promptName, signal), [projectId, promptName]);
  const [raw, setRaw] = useState(false);
  if (changelog.error) return <ErrorBanner error={changelog.error} />;
  if (!changelog.data) return <Loading what="Loading changelog" />;
  const { entries, markdown } = changelog.data;

  return (
    <section data-testid="changelog">
      <div className="toolbar">
        <button type="button" className="button button-ghost" aria-pressed={raw} onClick={() => setRaw(!raw)}>
          {raw ? 'Show entries' : 'Show markdown'}
        </button>
      </div>
      {raw ? (
        <pre className="code-block" data-testid="changelog-markdown">
          {markdown}
        </pre>
      ) : entries.length === 0 ? (
        <Empty>No versions yet.</Empty>
      ) : (
        <ol className="timeline">
          {[...entries]
            .sort((a, b) => b.version - a.version)
            .map((entry) => (
              <li key={entry.version} className="timeline-entry" data-testid="changelog-entry">
                <div className="timeline-head">
                  <strong>v{entry.version}</strong>
                  <span>{entry.author}</span>
                  <span className="muted">{formatDateTime(entry.createdAt)}</span>
                  {entry.changedFields.map((field) => (
                    <span key={field} className="chip">
                      {field}
                    </span>
                  ))}
                </div>
                {(entry.message ?? '')
                  .split(/\n\s*\n/)
                  .filter((paragraph) => paragraph.trim())
                  .map((paragraph, index) => (
                    <p key={index} className="prose">
                      {paragraph}
                    </p>
                  ))}
              </li>
            ))}
        </ol>
      )}
    </section>
  );
}
