import { once } from 'node:events';
import { runMockServerCommand } from '@assay/providers/mock-server';

export interface MockServerCommandOptions {
  port: string;
  host: string;
  mode: 'echo' | 'rules' | 'cassette';
  rules?: string;
  cassette?: string;
  latency?: string;
  rate429?: string;
  rate5xx?: string;
  rateMalformed?: string;
  rateCutStream?: string;
  seed?: string;
}

const share = (value: string | undefined) => (value === undefined ? undefined : Number(value));

/** Serves until SIGINT/SIGTERM, then closes cleanly. */
export async function mockServerCommand(options: MockServerCommandOptions): Promise<number> {
  const server = await runMockServerCommand({
    port: Number(options.port),
    host: options.host,
    mode: options.rules ? 'rules' : options.cassette ? 'cassette' : options.mode,
    rules: options.rules,
    cassette: options.cassette,
    latency: options.latency,
    rate429: share(options.rate429),
    rate5xx: share(options.rate5xx),
    rateMalformed: share(options.rateMalformed),
    rateCutStream: share(options.rateCutStream),
    seed: share(options.seed),
  });
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  await server.close();
  return 0;
}
