import { startViewer } from '@assay/server';
import { nextStopSignal } from '../stop-signal.ts';

export interface ViewCommandOptions {
  /** Default 15500; a taken port moves to the next free one. */
  port?: number;
  /** A loopback address (127.0.0.1, ::1, localhost); anything else is refused. */
  host?: string;
  /** Open the runs page in the default browser. */
  open?: boolean;
}

/**
 * `assay view`: the dashboard's run, case and compare pages over this folder's runs, read-only,
 * without a login, on 127.0.0.1, until SIGINT or SIGTERM (then exit 0).
 */
export async function viewCommand(options: ViewCommandOptions): Promise<number> {
  const viewer = await startViewer({
    cwd: process.cwd(),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
  });
  // Listening for the signal before saying we are up: whoever reads that line may signal at once.
  const stopped = nextStopSignal();
  if (viewer.portInUse !== null) process.stderr.write(`Port ${viewer.portInUse} is in use; using ${new URL(viewer.url).port}.\n`);
  const runs = await viewer.store.countRuns();
  process.stdout.write(`Assay viewer on ${viewer.url} (read-only; ${runs} run(s) in ${viewer.source})\n`);
  process.stdout.write(`  Runs: ${viewer.runsUrl}\n`);
  if (runs === 0) process.stdout.write('No runs here yet: run `assay eval` in this folder, then reload the page.\n');
  process.stdout.write('Press Ctrl-C to stop.\n');
  if (options.open) {
    try {
      const { default: open } = await import('open');
      await open(viewer.runsUrl);
    } catch (error) {
      process.stderr.write(`Could not open a browser (${error instanceof Error ? error.message : String(error)}); open ${viewer.runsUrl} yourself.\n`);
    }
  }
  await stopped;
  await viewer.close();
  return 0;
}
