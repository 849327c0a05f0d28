// How many of promptfoo's example configs Assay accepts: runs `assay validate` on every
// promptfooconfig*.{yaml,yml,json} under a folder and counts the outcomes.
//
//   node bench/promptfoo-examples/run.ts <examples-folder> [--json out.json] [--concurrency 2]
//
// validate: exit 0. refused: exit 2 with a message (a clean ConfigError). crash: any other exit
// (70 is Assay's "internal error"), a signal, or exit 2 with nothing said. Nothing of promptfoo's
// is stored in this repository; get its examples with
//   git --git-dir=<promptfoo.git> archive HEAD examples | tar -x -C /tmp/pf
// and pass /tmp/pf/examples. See docs/promptfoo.md ("How many of promptfoo's examples run").
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const assayBin = path.resolve(here, '../../packages/cli/bin/assay.js');

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'string' },
    concurrency: { type: 'string', default: '2' },
    top: { type: 'string', default: '15' },
  },
});
const folder = positionals[0];
if (folder === undefined) {
  process.stderr.write('usage: node bench/promptfoo-examples/run.ts <examples-folder> [--json out.json] [--concurrency 2] [--top 15]\n');
  process.exit(2);
}

type Outcome = 'validate' | 'refused' | 'crash';
interface Result {
  config: string;
  outcome: Outcome;
  exitCode: number | null;
  /** The first line of what assay said, for refusals and crashes. */
  message?: string;
}

const configPattern = /^promptfooconfig[^/]*\.(ya?ml|json)$/;

function findConfigs(root: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !configPattern.test(entry.name)) continue;
    const full = path.join(entry.parentPath, entry.name);
    if (full.split(path.sep).includes('node_modules')) continue;
    found.push(full);
  }
  return found.sort();
}

function validate(config: string): Promise<Result> {
  return new Promise((resolve) => {
    // Each config is validated from its own folder, as its README tells users to run it.
    const child = spawn(process.execPath, [assayBin, 'validate', '-c', path.basename(config)], {
      cwd: path.dirname(config),
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => {
      const relative = path.relative(folder!, config);
      const message = firstLine(output);
      if (code === 0) resolve({ config: relative, outcome: 'validate', exitCode: code });
      else if (code === 2 && message !== undefined) resolve({ config: relative, outcome: 'refused', exitCode: code, message });
      else resolve({ config: relative, outcome: 'crash', exitCode: code, ...(message === undefined ? {} : { message }) });
    });
  });
}

function firstLine(output: string): string | undefined {
  for (const line of output.split('\n')) {
    const trimmed = line.trim();
    if (trimmed !== '' && !/^warning\b/i.test(trimmed)) return trimmed;
  }
  return undefined;
}

/** The message without its file, line and quoted specifics, so refusals for one reason group together. */
function reasonOf(message: string): string {
  return message
    .replace(/^.*?promptfooconfig[^:\s]*(:\d+(:\d+)?)?:?\s*/, '')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\b\d+\b/g, 'N')
    .slice(0, 140);
}

const configs = findConfigs(folder);
const results: Result[] = [];
let next = 0;
async function worker(): Promise<void> {
  while (next < configs.length) {
    const config = configs[next++]!;
    results.push(await validate(config));
  }
}
await Promise.all(Array.from({ length: Math.max(1, Number(args.concurrency)) }, worker));
results.sort((a, b) => a.config.localeCompare(b.config));

const count = (outcome: Outcome) => results.filter((result) => result.outcome === outcome).length;
const lines = [`${results.length} configs under ${folder}: ${count('validate')} validate, ${count('refused')} refused cleanly, ${count('crash')} crash`];
const reasons = new Map<string, number>();
for (const result of results) if (result.outcome === 'refused') reasons.set(reasonOf(result.message!), (reasons.get(reasonOf(result.message!)) ?? 0) + 1);
lines.push('', 'Top refusal reasons:');
for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))) lines.push(`  ${String(n).padStart(4)}  ${reason}`);
const crashes = results.filter((result) => result.outcome === 'crash');
if (crashes.length > 0) {
  lines.push('', 'Crashes:');
  for (const crash of crashes) lines.push(`  ${crash.config} (exit ${crash.exitCode}): ${crash.message ?? '(no output)'}`);
}
process.stdout.write(lines.join('\n') + '\n');
if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2) + '\n');
