import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactSecrets } from '@assay/core';
import { evalCommand } from './eval.ts';

const demoDirectory = fileURLToPath(new URL('../../demo/', import.meta.url));

/**
 * The sample support-assistant project: two prompt versions, 40 golden cases, a JSON-schema
 * contract and a refusal rule. Offline it replays bundled sample responses and says so.
 */
export async function demoCommand(options: { live?: boolean; output?: string[]; progress?: boolean }): Promise<number> {
  const suite = path.join(demoDirectory, 'evals', 'support.yaml');
  const live = options.live || Boolean(process.env.OPENAI_API_KEY) || Boolean(process.env.OPENAI_BASE_URL);
  const shown = path.relative(process.cwd(), demoDirectory) || demoDirectory;
  const banner = live
    ? `Assay demo — LIVE: calling ${process.env.OPENAI_BASE_URL ? redactSecrets(process.env.OPENAI_BASE_URL) : 'the OpenAI API'} with the suite in ${shown}`
    : [
        'Assay demo — OFFLINE: these are bundled sample responses replayed from',
        `${path.join(shown, 'cassettes', 'support.jsonl')}, not a live model.`,
        'Set OPENAI_API_KEY (or OPENAI_BASE_URL for any OpenAI-compatible server) to run the same suite live.',
        `The project: ${shown} (prompts/, datasets/golden.jsonl, evals/support.yaml).`,
      ].join('\n');
  return evalCommand({
    config: suite,
    output: options.output,
    progress: options.progress,
    cache: false,
    replay: live ? undefined : path.join(demoDirectory, 'cassettes', 'support.jsonl'),
    comparePrompts: 'v1,v2',
    banner,
  });
}
