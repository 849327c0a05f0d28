import type { ApiKey, AuditContext, Session, User } from '@assay/spec';
import type { RegistryStore, Store } from '@assay/store';
import type { LoginThrottle } from './login-throttle.ts';

/** Who is calling: a dashboard user (session cookie) or an API key (Bearer). */
export type Principal =
  | { kind: 'user'; user: User; session: Session; token: string }
  | { kind: 'api-key'; apiKey: ApiKey };

/** What every route can reach: the stores and server-wide settings. */
export interface ServerDependencies {
  registry: RegistryStore;
  store: Store;
  /** Sets `Secure` on the session cookie. Default: when the request came over https. */
  secureCookies?: boolean;
  /**
   * Trust `X-Forwarded-For` / `-Proto` / `-Host` (only behind proxies you run): the number of
   * proxies in front of the server, each appending to `X-Forwarded-For`; `true` is one. Default none.
   */
  trustProxy?: boolean | number;
  /** Folder of the built dashboard (index.html and assets); unset serves the API only. */
  webRoot?: string;
  /** Limits failed logins (default: 10 per email or address per 15 minutes). */
  loginThrottle?: LoginThrottle;
  /** Folder of the Markdown docs served under /docs/ (problem `type` links point there). */
  docsRoot?: string;
}

/** Hono's context variables of the Assay server. */
export interface ServerEnv {
  Variables: {
    principal: Principal | null;
    audit: AuditContext;
  };
}
