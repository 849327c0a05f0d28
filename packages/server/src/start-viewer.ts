import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ServerType } from '@hono/node-server';
import { AssayError } from '@assay/spec';
import { defaultDataDirectory, openStore, type RegistryStore, type Store } from '@assay/store';
import { defaultWebRoot, docsRoot, listen } from './start-server.ts';
import { createViewerApp, isLoopbackAddress, openViewerRegistry, viewerProjectId } from './view-app.ts';

/** `assay view`'s port unless told otherwise (`promptfoo view` uses 15500 too). */
export const defaultViewerPort = 15500;
/** Ports tried after a taken one before any free port is taken. */
const nextPortsTried = 10;

export interface StartViewerOptions {
  /** The project folder whose `.assay/` holds the runs (`ASSAY_DATA_DIR` and `ASSAY_DATABASE_URL` move them, as for `assay eval`). */
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Default 15500; when it is taken the next ten are tried, then any free one. 0: any free port. */
  port?: number;
  /** A loopback address: 127.0.0.1 (default), ::1 or localhost. Anything else is refused. */
  host?: string;
  /** The built dashboard. Default: packages/web/dist of this installation. */
  webRoot?: string;
}

export interface RunningViewer {
  /** `http://127.0.0.1:15500`. */
  url: string;
  /** The runs page, what to open. */
  runsUrl: string;
  /** Set when the port asked for was taken and another was used. */
  portInUse: number | null;
  /** Where the runs come from: `.assay/assay.db` (relative to the folder when inside it) or `PostgreSQL host:port/db`. */
  source: string;
  store: Store;
  close(): Promise<void>;
}

/**
 * Serves the read-only viewer (`createViewerApp`) over a folder's runs on a loopback address.
 *
 * @example
 * const viewer = await startViewer({ cwd: process.cwd() });
 * console.log(viewer.runsUrl);
 * await viewer.close();
 */
export async function startViewer(options: StartViewerOptions = {}): Promise<RunningViewer> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackAddress(host.toLowerCase())) {
    throw new AssayError(`assay view listens on this machine only (127.0.0.1, ::1 or localhost), not on ${host}: it has no login, so anyone who reached it could read every run`, {
      hint: 'To share runs with a team, run `assay serve` (logins and roles) and upload runs with `assay eval --upload`.',
      docs: 'view.md',
    });
  }
  const store = await openStore({ cwd, env });
  let registry: RegistryStore;
  try {
    registry = await openViewerRegistry();
  } catch (error) {
    await store.close();
    throw error;
  }
  const source = describeSource(cwd, env);
  const app = createViewerApp({ store, registry, source, name: path.basename(cwd), webRoot: options.webRoot ?? defaultWebRoot, docsRoot });

  const wanted = options.port ?? defaultViewerPort;
  let server: ServerType | undefined;
  try {
    const candidates = wanted === 0 ? [0] : [...Array.from({ length: nextPortsTried + 1 }, (_, index) => wanted + index).filter((port) => port <= 65535), 0];
    for (const port of candidates) {
      try {
        server = await listen(app.fetch, port, host);
        break;
      } catch (error) {
        if (!(error instanceof Error && (error.cause as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE')) throw error;
      }
    }
  } catch (error) {
    await Promise.all([store.close(), registry.close()]);
    throw error;
  }
  const running = server!;
  const { port } = running.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    runsUrl: `${url}/p/${viewerProjectId}/runs`,
    portInUse: wanted !== 0 && port !== wanted ? wanted : null,
    source,
    store,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          running.close(() => resolve());
          // A browser's idle keep-alive connections would hold close() open.
          (running as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await Promise.all([store.close(), registry.close()]);
      })();
      return closing;
    },
  };
}

function describeSource(cwd: string, env: Record<string, string | undefined>): string {
  const url = env.ASSAY_DATABASE_URL?.trim();
  if (url) {
    try {
      const parsed = new URL(url);
      return `PostgreSQL ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
    } catch {
      return 'PostgreSQL';
    }
  }
  const file = path.join(defaultDataDirectory(cwd, env), 'assay.db');
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
