// What one javascript-assertion evaluation costs in the sandbox (QuickJS in its own process):
// N evaluations of `output.length > 3` in batches of 16, as `assay eval -j 16` sends them, in a
// child process timed by GNU time (CPU of the sandbox process included: it is reaped before the
// child exits), against the same loop answering without the sandbox, in the same run.
//   npm run bench:sandbox -- [--n 20000]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { n: { type: 'string', default: '20000' }, child: { type: 'string' } } });
const n = Number(values.n);

if (values.child) {
  const { compileSandboxed, stopSandbox } = await import('../../packages/core/src/assertions/javascript-sandbox.ts');
  const compiled = compileSandboxed('output.length > 3');
  if ('problem' in compiled) throw new Error(compiled.problem);
  let passed = 0;
  for (let i = 0; i < n; i += 16) {
    const batch = [];
    for (let j = 0; j < 16; j++) {
      const input = JSON.stringify({ output: `Reply with the word w${i + j} please`, vars: { id: i + j, word: `w${i + j}` }, context: { latencyMs: 3, cost: 0, toolCalls: [] } });
      batch.push(values.child === 'sandbox' ? compiled.run(input) : Promise.resolve({ ok: true as const, raw: '{"kind":"boolean","pass":true}' }));
    }
    for (const reply of await Promise.all(batch)) if (reply.ok && (JSON.parse(reply.raw) as { pass: boolean }).pass) passed++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await stopSandbox();
  if (passed !== Math.ceil(n / 16) * 16) throw new Error(`only ${passed} evaluations passed`);
  process.exit(0);
}

function measure(mode: 'none' | 'sandbox', count: number): { wallS: number; cpuS: number; rssMb: number } {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, fileURLToPath(import.meta.url), '--child', mode, '--n', String(count)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${mode} run failed: ${result.stderr}`);
  const [wall, user, system, rss] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number, number];
  return { wallS: wall, cpuS: user + system, rssMb: rss / 1024 };
}

const rows = { none: measure('none', n), sandbox: measure('sandbox', n), 'sandbox start': measure('sandbox', 16), 'none start': measure('none', 16) };
for (const [name, row] of Object.entries(rows)) process.stdout.write(`${name.padEnd(14)} wall ${row.wallS.toFixed(2)} s · CPU ${row.cpuS.toFixed(2)} s · peak RSS ${row.rssMb.toFixed(0)} MB\n`);
const startCpu = rows['sandbox start'].cpuS - rows['none start'].cpuS;
const perEvaluation = ((rows.sandbox.cpuS - rows.none.cpuS - startCpu) * 1000) / n;
process.stdout.write(`sandbox start-up: ${startCpu.toFixed(2)} s CPU · per evaluation (marginal): ${perEvaluation.toFixed(3)} ms CPU · N = ${n}\n`);
