import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, getSession, onUnauthorized, setCsrfToken } from './api.ts';
import type { Role, SessionInfo } from './types.ts';

/** What `assay view` adds to GET /api/session: the dashboard is a read-only viewer of a folder's runs. */
export interface ViewerInfo {
  /** Where the runs come from (`.assay/assay.db`). */
  source: string;
}

const signedOut: SessionInfo = { user: null, apiKey: null, csrfToken: null, projects: [] };

interface SessionState {
  /** Undefined until GET /api/session has answered. */
  session: SessionInfo | undefined;
  /** Set when GET /api/session failed for another reason than 401 (server down…). */
  error: unknown;
  /** Set under `assay view`: no login, runs pages only, nothing that writes. */
  viewer: ViewerInfo | null;
  refresh: () => Promise<SessionInfo>;
  /** After login or setup: the CSRF token is known at once, the rest is refreshed. */
  signIn: (csrfToken: string) => Promise<SessionInfo>;
  signOut: () => void;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionInfo | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [viewer, setViewer] = useState<ViewerInfo | null>(null);

  const refresh = useCallback(async () => {
    try {
      const next: SessionInfo & { viewer?: ViewerInfo } = await getSession();
      setViewer(next.viewer ?? null);
      setCsrfToken(next.csrfToken);
      setSession(next);
      setError(null);
      return next;
    } catch (reason) {
      if (ApiError.isInstance(reason) && reason.status === 401) {
        setCsrfToken(null);
        setSession(signedOut);
        return signedOut;
      }
      setError(reason);
      setSession(signedOut);
      return signedOut;
    }
  }, []);

  const signIn = useCallback(
    async (csrfToken: string) => {
      setCsrfToken(csrfToken);
      return refresh();
    },
    [refresh],
  );

  const signOut = useCallback(() => {
    setCsrfToken(null);
    setSession(signedOut);
  }, []);

  useEffect(() => {
    void refresh();
    onUnauthorized(() => {
      setCsrfToken(null);
      setSession(signedOut);
    });
    return () => onUnauthorized(null);
  }, [refresh]);

  const value = useMemo(() => ({ session, error, viewer, refresh, signIn, signOut }), [session, error, viewer, refresh, signIn, signOut]);
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession must be used inside <SessionProvider>');
  return state;
}

/** The signed-in user's role in a project (instance admins act as admin everywhere). */
export function useProjectRole(projectId: string): Role | null {
  const { session } = useSession();
  if (!session?.user) return null;
  if (session.user.isAdmin) return 'admin';
  return session.projects.find((access) => access.project.id === projectId)?.role ?? null;
}
