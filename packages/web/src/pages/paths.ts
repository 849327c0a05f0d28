// Links between pages, in one place so the routes in app.tsx and the links agree.

const base = (projectId: string) => `/p/${encodeURIComponent(projectId)}`;

/** Prompt names contain `/` (`support/triage`), so the name is one encoded segment. */
export const promptHref = (projectId: string, name: string, tab?: string) =>
  `${base(projectId)}/prompts/${encodeURIComponent(name)}${tab ? `?tab=${tab}` : ''}`;

export const promptsHref = (projectId: string) => `${base(projectId)}/prompts`;
export const runsHref = (projectId: string) => `${base(projectId)}/runs`;
export const runHref = (projectId: string, runId: string) => `${base(projectId)}/runs/${encodeURIComponent(runId)}`;
/** `a` is the candidate, `b` the baseline (as GET /compare reads them). */
export const compareHref = (projectId: string, a: string, b: string) =>
  `${base(projectId)}/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`;

/** Route parameters arrive with `%2F` still encoded (wouter only applies decodeURI). */
export function decodeParameter(value: string | undefined): string {
  if (!value) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
