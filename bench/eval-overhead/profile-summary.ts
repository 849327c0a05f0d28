// Summarises V8 .cpuprofile files (from `node --cpu-prof`): top functions by self time, and self
// time per file / package. Several files (main thread + worker threads) are summed together.
//
//   node --cpu-prof --cpu-prof-dir /tmp/prof packages/cli/bin/assay.js eval -c suite.yaml --no-cache
//   node bench/eval-overhead/profile-summary.ts /tmp/prof/*.cpuprofile [--top 30]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });
if (!positionals.length) {
  process.stderr.write('usage: profile-summary.ts <file.cpuprofile>... [--top 30]\n');
  process.exit(2);
}
const top = Number(values.top);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let totalMs = 0;

function shortUrl(url: string): string {
  if (!url) return '(native/vm)';
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('node_modules/');
  if (nm >= 0) return clean.slice(nm);
  if (clean.startsWith('node:')) return clean;
  const packages = clean.indexOf('/packages/');
  if (packages >= 0) return clean.slice(packages + 1);
  return path.basename(clean);
}

/** node_modules/<pkg> (or @scope/pkg), packages/<name>, node:internal, or the special V8 buckets. */
function bucket(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native/vm)';
  const short = shortUrl(url);
  const nm = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(short);
  if (nm) return `npm:${nm[1]}`;
  const pkg = /^packages\/([^/]+)\/(?:src\/)?([^/]+)/.exec(short);
  if (pkg) return `packages/${pkg[1]}/${pkg[2]}`;
  if (short.startsWith('node:')) return short.split('/').slice(0, 2).join('/');
  return short;
}

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  for (const [id, us] of selfUs) {
    const { callFrame } = nodes.get(id)!;
    const name = callFrame.functionName || '(anonymous)';
    const key = callFrame.url ? `${name}  ${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}` : name;
    const ms = us / 1000;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    const where = bucket(callFrame.url, name);
    byFile.set(where, (byFile.get(where) ?? 0) + ms);
    totalMs += ms;
  }
  process.stdout.write(`${file}: ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms profiled\n`);
}

const print = (title: string, map: Map<string, number>) => {
  process.stdout.write(`\n${title} (of ${totalMs.toFixed(0)} ms sampled)\n`);
  for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${ms.toFixed(0).padStart(8)} ms ${((ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${key}\n`);
  }
};
print('Self time by function', byFunction);
print('Self time by file / package', byFile);
