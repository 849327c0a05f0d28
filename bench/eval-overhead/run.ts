// Eval-overhead benchmark: Assay vs promptfoo vs bare reference loops on the same suite, against
// the local mock model server (run in its own process, so its CPU is not counted).
//
//   npm run bench:eval-overhead -- [--sizes 1000,5000,20000] [--skip-promptfoo] [--asserts contains,javascript]
//                                  [--format csv|jsonl] [--tools assay,sdk-floor,...]
//
// See README.md next to this file for what is measured and the targets.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const assayBin = path.join(repoRoot, 'packages/cli/bin/assay.js');
/** The command users run (`npx assay` resolves to it): its shebang carries Assay's V8 settings. */
const assayCommand = path.join(repoRoot, 'node_modules/.bin/assay');
/** `npx` puts node_modules/.bin (and so Node 24) first on PATH; do the same for the installed bin. */
const pathWithNode = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`;
const referenceLoop = path.join(here, 'reference-loop.ts');
const node = process.execPath;
const concurrency = 16;
const promptfooVersion = '0.123.1';
const promptfooDir = path.join(os.tmpdir(), `assay-bench-promptfoo-${promptfooVersion}`);
/** A run is killed after this long: 30 minutes, or 3 ms a case for the 1,000,000-case run. */
const runTimeoutMs = (n: number) => Math.max(30 * 60_000, n * 3);

const targets = {
  cpuRatioAtN: 5000,
  cpuRatioMin: 20,
  wallRatioMax: 2,
  // Issue 10: memory stays flat with the number of cases (datasets are streamed).
  rssSmallN: 1000,
  rssLargeN: 100_000,
  rssGrowthMax: 1.25,
  rssMaxMb: 250,
  jsonlN: 1_000_000,
  // An aim, not a gate: shown with ✓ / ✗ but, like every check, it never sets the exit code.
  overheadMsAim: 0.05,
  versionMaxMs: 150,
};

/** Every runner, in the order they run for each N. */
const allTools = ['fetch-loop', 'http-loop', 'sdk-floor', 'assay', 'assay-no-js', 'promptfoo'] as const;
type Tool = (typeof allTools)[number];

// ---------------------------------------------------------------------------------------------
// Arguments and environment checks

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,5000,20000' },
    'skip-promptfoo': { type: 'boolean', default: false },
    asserts: { type: 'string', default: 'contains,javascript' },
    format: { type: 'string', default: 'csv' },
    tools: { type: 'string', default: allTools.join(',') },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  process.stdout.write(
    'usage: node bench/eval-overhead/run.ts [--sizes 1000,5000,20000] [--skip-promptfoo] [--asserts contains,javascript]\n' +
      '                                       [--format csv|jsonl] [--tools assay,sdk-floor,...]\n' +
      '  --asserts  which default assertions the suite uses: contains, javascript or both (default both)\n' +
      '  --format   the dataset file: tests.csv (default) or tests.jsonl, one {"vars":{"id","word"}} test a line\n' +
      `  --tools    which runners run (default all): ${allTools.join(', ')}\n`,
  );
  process.exit(0);
}
const sizes = args.sizes.split(',').map((size) => Number(size.trim()));
if (sizes.some((size) => !Number.isInteger(size) || size <= 0)) fail(`--sizes must be positive integers, got "${args.sizes}"`);
const asserts = args.asserts.split(',').map((kind) => kind.trim());
if (!asserts.length || asserts.some((kind) => kind !== 'contains' && kind !== 'javascript')) {
  fail(`--asserts takes contains and/or javascript, got "${args.asserts}"`);
}
const format = args.format;
if (format !== 'csv' && format !== 'jsonl') fail(`--format takes csv or jsonl, got "${format}"`);
const datasetName = `tests.${format}`;
const tools = new Set(args.tools.split(',').map((tool) => tool.trim()));
const unknownTools = [...tools].filter((tool) => !(allTools as readonly string[]).includes(tool));
if (!tools.size || unknownTools.length) fail(`--tools takes some of ${allTools.join(', ')}; got "${args.tools}"`);
const selected = (tool: Tool) => tools.has(tool) && (tool !== 'promptfoo' || !args['skip-promptfoo']);

const [nodeMajor, nodeMinor] = process.versions.node.split('.').map(Number) as [number, number];
if (nodeMajor < 22 || (nodeMajor === 22 && nodeMinor < 18)) {
  fail(`this script needs Node >= 22.18 (it runs .ts files directly); this is ${process.version}. Use the repo's node: npm run bench:eval-overhead`);
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

/** GNU time gives wall clock, user+system CPU and max RSS of a child (and its waited-for descendants). */
function findGnuTime(): string | undefined {
  for (const candidate of ['/usr/bin/time', '/bin/time']) {
    if (!existsSync(candidate)) continue;
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (`${probe.stdout}${probe.stderr}`.includes('GNU')) return candidate;
  }
  return undefined;
}
const gnuTime = findGnuTime();
if (!gnuTime) {
  fail(
    'GNU time was not found at /usr/bin/time (busybox and the shell keyword `time` do not report max RSS).\n' +
      'Install it (Debian/Ubuntu: apt-get install -y time; Alpine: apk add time; macOS: brew install gnu-time and adjust the path) and rerun.',
  );
}

// ---------------------------------------------------------------------------------------------
// Child processes

/** Measured children still running (each leads its own process group). */
const running = new Set<ChildProcess>();

interface Measurement {
  exitCode: number | null;
  wallS: number;
  cpuS: number;
  userS: number;
  systemS: number;
  maxRssMb: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` under GNU time with stdout/stderr going to files (so the parent does no work). */
function measure(label: string, command: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logDir: string; timeoutMs: number }): Promise<Measurement> {
  const stem = path.join(options.logDir, label.replace(/[^a-z0-9]+/gi, '-'));
  const timeFile = `${stem}.time`;
  const stdoutFile = `${stem}.stdout`;
  const stderrFile = `${stem}.stderr`;
  const stdoutFd = openSync(stdoutFile, 'w');
  const stderrFd = openSync(stderrFile, 'w');
  const child = spawn(gnuTime!, ['-o', timeFile, '-f', '%e %U %S %M', ...command], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', stdoutFd, stderrFd],
    detached: true,
  });
  running.add(child);
  closeSync(stdoutFd);
  closeSync(stderrFd);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.stderr.write(`  ${label}: still running after ${Math.round(options.timeoutMs / 60_000)} min, killing it\n`);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, options.timeoutMs);
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      running.delete(child);
      const timeLines = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n') : [];
      const last = timeLines.at(-1) ?? '';
      const statusLine = timeLines.find((line) => line.startsWith('Command exited with non-zero status'));
      const signalLine = timeLines.find((line) => line.startsWith('Command terminated by signal'));
      const [wall, user, system, rssKb] = last.split(' ').map(Number) as [number, number, number, number];
      if (![wall, user, system, rssKb].every(Number.isFinite)) {
        reject(new Error(`${label}: could not read GNU time output from ${timeFile}: ${JSON.stringify(timeLines)}`));
        return;
      }
      const exitCode = signalLine ? null : statusLine ? Number(statusLine.replace(/\D+/g, '')) : 0;
      resolve({
        exitCode,
        wallS: wall,
        userS: user,
        systemS: system,
        cpuS: user + system,
        maxRssMb: rssKb / 1024,
        stdout: readFileSync(stdoutFile, 'utf8'),
        stderr: readFileSync(stderrFile, 'utf8'),
      });
    });
  });
}

let mockServer: ChildProcess | undefined;
function stopMockServer(): void {
  if (mockServer && mockServer.exitCode === null) mockServer.kill('SIGTERM');
}
process.on('exit', stopMockServer);
process.on('SIGINT', () => {
  // Measured runs are in their own process group (detached), so Ctrl-C does not reach them.
  for (const child of running) {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {}
  }
  stopMockServer();
  process.exit(130);
});

function startMockServer(): Promise<string> {
  const child = spawn(node, [assayBin, 'mock-server', '--port', '0', '--mode', 'echo'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  mockServer = child;
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`mock server did not report its address within 20 s; output so far:\n${seen}`)), 20_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        // Keep draining so a chatty server never blocks on a full pipe.
        child.stdout!.resume();
        resolve(match[1]!.replace(/\/$/, ''));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mock server exited with ${code} before listening:\n${seen}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// promptfoo, installed on demand into a cache folder

function ensurePromptfoo(): { entry: string } | { error: string } {
  const marker = path.join(promptfooDir, '.install-complete');
  const packageJson = path.join(promptfooDir, 'node_modules/promptfoo/package.json');
  if (!existsSync(marker) || !existsSync(packageJson)) {
    process.stdout.write(`Installing promptfoo@${promptfooVersion} into ${promptfooDir} (once; takes a few minutes)...\n`);
    rmSync(promptfooDir, { recursive: true, force: true });
    mkdirSync(promptfooDir, { recursive: true });
    // Put this node first on PATH so install scripts run on the same (>= 22) node as the benchmark.
    const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` };
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const install = spawnSync(npm, ['install', '--prefix', promptfooDir, `promptfoo@${promptfooVersion}`, '--no-audit', '--no-fund', '--loglevel=error'], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (install.error || install.status !== 0) {
      const why = install.error ? install.error.message : `npm exited with ${install.status}:\n${`${install.stdout}\n${install.stderr}`.trim().split('\n').slice(-15).join('\n')}`;
      return { error: why };
    }
    writeFileSync(marker, new Date().toISOString());
  }
  const manifest = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string; bin: string | Record<string, string> };
  if (manifest.version !== promptfooVersion) return { error: `installed promptfoo is ${manifest.version}, expected ${promptfooVersion}` };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.promptfoo!;
  return { entry: path.join(promptfooDir, 'node_modules/promptfoo', bin) };
}

// ---------------------------------------------------------------------------------------------
// The suite

/**
 * Writes N rows of `id,word` as `.csv`, or as `.jsonl` with one `{"vars":{"id","word"}}` test
 * a line. The `vars` key is what makes both tools read the JSONL file as they read the CSV:
 * promptfoo takes each line as a whole test case, and Assay takes a row without `vars` as the
 * vars but lifts its `id` out as the case id, which would leave the prompt's `{{id}}` unset.
 */
function writeDataset(dir: string, n: number, file: string): string {
  const datasetPath = path.join(dir, file);
  const csv = file.endsWith('.csv');
  const fd = openSync(datasetPath, 'w');
  // In chunks: the 1,000,000-row file is written without holding it whole.
  let chunk: string[] = csv ? ['id,word'] : [];
  for (let i = 1; i <= n; i++) {
    const row = { id: String(i), word: `w${i.toString(36)}x` };
    chunk.push(csv ? `${row.id},${row.word}` : JSON.stringify({ vars: row }));
    if (chunk.length === 10_000 || i === n) {
      writeSync(fd, `${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  closeSync(fd);
  return datasetPath;
}

function writeConfig(dir: string, n: number, baseUrl: string, kinds: string[], dataset: string, file: string): string {
  const assertLines: string[] = [];
  if (kinds.includes('contains')) assertLines.push(`    - type: contains`, `      value: '{{word}}'`);
  if (kinds.includes('javascript')) assertLines.push(`    - type: javascript`, `      value: 'output.length > 3'`);
  const config = [
    `description: assay eval-overhead benchmark, ${n} cases`,
    `prompts:`,
    `  - 'Reply with the word {{word}} please, case {{id}}'`,
    `providers:`,
    `  - id: 'openai:chat:gpt-4o-mini'`,
    `    config:`,
    `      apiBaseUrl: '${baseUrl}/v1'`,
    `      apiKey: bench`,
    `tests: file://${dataset}`,
    `defaultTest:`,
    `  assert:`,
    ...assertLines,
    `evaluateOptions:`,
    `  maxConcurrency: ${concurrency}`,
    ``,
  ].join('\n');
  const configPath = path.join(dir, file);
  writeFileSync(configPath, config);
  return configPath;
}

// ---------------------------------------------------------------------------------------------
// Running the tools

/**
 * The reference loops (reference-loop.ts): `fetch-loop` is the wall-time reference of the
 * targets; `http-loop` is the cheapest client Node has; `sdk-floor` is the hot path the issue
 * prescribes (the AI SDK's doGenerate on Assay's keep-alive fetch) with Assay's module graph
 * loaded and nothing else: no store, no assertions engine, no templates. No runner built on these
 * libraries can cost less CPU or memory than `sdk-floor`.
 */
const referenceTools = {
  'fetch-loop': ['--client', 'fetch'],
  'http-loop': ['--client', 'http'],
  'sdk-floor': ['--client', 'sdk', '--load-assay'],
} as const;
type ReferenceTool = keyof typeof referenceTools;
// `assay-no-js` (in allTools): the same suite without its javascript assertion, so the difference
// is what the sandbox costs per case (issue 16 moved it into a separate process running QuickJS).

interface Row {
  n: number;
  tool: Tool;
  ok: boolean;
  problem?: string;
  exitCode: number | null;
  passed: number | null;
  total: number | null;
  wallS: number;
  cpuS: number;
  userS: number;
  systemS: number;
  cpuMsPerCase: number;
  maxRssMb: number;
  logs: string;
}

function toRow(n: number, tool: Tool, m: Measurement, passed: number | null, total: number | null, logs: string, acceptable: (m: Measurement) => boolean): Row {
  let problem: string | undefined;
  if (!acceptable(m)) problem = m.exitCode === null ? 'killed by a signal' : `exit code ${m.exitCode}`;
  else if (passed === null || total === null) problem = 'could not read the pass count from its output';
  else if (total !== n) problem = `ran ${total} cases, expected ${n}`;
  else if (passed !== n) problem = `only ${passed}/${n} cases passed`;
  return {
    n,
    tool,
    ok: !problem,
    problem,
    exitCode: m.exitCode,
    passed,
    total,
    wallS: m.wallS,
    cpuS: m.cpuS,
    userS: m.userS,
    systemS: m.systemS,
    cpuMsPerCase: (m.cpuS * 1000) / n,
    maxRssMb: m.maxRssMb,
    logs,
  };
}

function tail(text: string, lines = 12): string {
  return text.trim().split('\n').slice(-lines).map((line) => `      | ${line}`).join('\n');
}

function report(row: Row, m: Measurement): void {
  const status = row.ok ? `${row.passed}/${row.total} passed` : `PROBLEM: ${row.problem}`;
  process.stdout.write(
    `  ${row.tool.padEnd(10)} wall ${row.wallS.toFixed(2)} s · cpu ${row.cpuS.toFixed(2)} s · rss ${row.maxRssMb.toFixed(0)} MB · ${status}\n`,
  );
  if (!row.ok) {
    process.stdout.write(`    logs: ${row.logs}.{stdout,stderr}\n`);
    if (m.stderr.trim()) process.stdout.write(`    stderr (tail):\n${tail(m.stderr)}\n`);
    if (m.stdout.trim()) process.stdout.write(`    stdout (tail):\n${tail(m.stdout)}\n`);
  }
}

async function runReferenceLoop(tool: ReferenceTool, n: number, dir: string, baseUrl: string, datasetPath: string): Promise<Row> {
  const logs = path.join(dir, tool);
  const m = await measure(tool, [node, referenceLoop, ...referenceTools[tool], '--base-url', `${baseUrl}/v1`, '--tests', datasetPath, '-j', String(concurrency)], {
    cwd: dir,
    env: process.env,
    logDir: dir,
    timeoutMs: runTimeoutMs(n),
  });
  let passed: number | null = null;
  let total: number | null = null;
  try {
    const result = JSON.parse(m.stdout.trim().split('\n').at(-1) ?? '') as { passed: number; total: number };
    passed = result.passed;
    total = result.total;
  } catch {}
  const row = toRow(n, tool, m, passed, total, logs, (x) => x.exitCode === 0 || x.exitCode === 1);
  report(row, m);
  return row;
}

async function runAssay(n: number, dir: string, configPath: string, tool: 'assay' | 'assay-no-js' = 'assay'): Promise<Row> {
  const dataDir = mkdtempSync(path.join(dir, `${tool}-data-`));
  const logs = path.join(dir, tool);
  const m = await measure(tool, [assayCommand, 'eval', '-c', configPath, '--no-cache', '--no-progress', '-j', String(concurrency)], {
    cwd: dir,
    env: { ...process.env, PATH: pathWithNode, ASSAY_DATA_DIR: dataDir, OPENAI_API_KEY: 'bench', NO_COLOR: '1' },
    logDir: dir,
    timeoutMs: runTimeoutMs(n),
  });
  // Last line: "Run <id> passed: 1000/1000 cases passed."
  const match = /Run \S+ (?:passed|failed): (\d+)\/(\d+) cases passed/.exec(m.stdout);
  const row = toRow(n, tool, m, match ? Number(match[1]) : null, match ? Number(match[2]) : null, logs, (x) => x.exitCode === 0 || x.exitCode === 1);
  report(row, m);
  return row;
}

async function runPromptfoo(n: number, dir: string, configPath: string, entry: string): Promise<Row> {
  const configDir = mkdtempSync(path.join(dir, 'promptfoo-home-'));
  const logs = path.join(dir, 'promptfoo');
  // No --no-write: promptfoo stores the eval in its database (its default), as Assay stores its run.
  const m = await measure('promptfoo', [node, entry, 'eval', '-c', configPath, '--no-cache', '-j', String(concurrency), '--no-table', '--no-progress-bar', '--no-share'], {
    cwd: dir,
    env: {
      ...process.env,
      OPENAI_API_KEY: 'bench',
      PROMPTFOO_CONFIG_DIR: configDir,
      PROMPTFOO_DISABLE_TELEMETRY: '1',
      PROMPTFOO_DISABLE_UPDATE: '1',
      PROMPTFOO_DISABLE_SHARING: '1',
      PROMPTFOO_DISABLE_REMOTE_GENERATION: '1',
      PROMPTFOO_DISABLE_REDTEAM_REMOTE_GENERATION: '1',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    },
    logDir: dir,
    timeoutMs: runTimeoutMs(n),
  });
  // "✓ 1,000 passed (100%)", "0 failed (0%)", "0 errors (0%)"
  const count = (word: string) => {
    const match = new RegExp(`([\\d,]+) ${word} \\(`).exec(m.stdout);
    return match ? Number(match[1]!.replace(/,/g, '')) : null;
  };
  const passed = count('passed');
  const failed = count('failed');
  const errors = count('errors');
  const total = passed !== null && failed !== null && errors !== null ? passed + failed + errors : null;
  // promptfoo exits 100 when some test failed; treat that like Assay's 1 (the pass count catches it).
  const row = toRow(n, 'promptfoo', m, passed, total, logs, (x) => x.exitCode === 0 || x.exitCode === 100);
  report(row, m);
  return row;
}

function versionTimeMs(runs = 10): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = spawnSync(assayCommand, ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: pathWithNode } });
    times.push(performance.now() - start);
    if (result.status !== 0) fail(`assay --version exited with ${result.status}: ${result.stderr}`);
  }
  return times;
}

// ---------------------------------------------------------------------------------------------
// Main

const startedAt = new Date();
const workRoot = mkdtempSync(path.join(os.tmpdir(), 'assay-bench-eval-overhead-'));
process.stdout.write(`Assay eval-overhead benchmark · node ${process.version} · ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'})\n`);
process.stdout.write(`sizes ${sizes.join(', ')} · concurrency ${concurrency} · assertions ${asserts.join(' + ')} · dataset ${datasetName} · work dir ${workRoot}\n`);
process.stdout.write(`runners ${allTools.filter(selected).join(', ')}\n`);
// Without another assertion there is no suite "without the javascript one" to compare with.
const runsNoJs = selected('assay-no-js') && asserts.includes('javascript') && asserts.length > 1;
if (selected('assay-no-js') && !runsNoJs && args.tools !== allTools.join(',')) {
  process.stdout.write('assay-no-js is skipped: the suite needs both assertions (--asserts contains,javascript)\n');
}

let promptfoo: { entry: string } | { error: string } | undefined;
if (selected('promptfoo')) {
  promptfoo = ensurePromptfoo();
  if ('error' in promptfoo) process.stdout.write(`promptfoo is unavailable, continuing with Assay and the fetch loop only:\n${promptfoo.error}\n`);
  else process.stdout.write(`promptfoo ${promptfooVersion}: ${promptfoo.entry}\n`);
}

const baseUrl = await startMockServer();
process.stdout.write(`mock server (echo) at ${baseUrl}, pid ${mockServer!.pid}\n`);

const rows: Row[] = [];
for (const n of sizes) {
  const dir = mkdtempSync(path.join(workRoot, `n${n}-`));
  const datasetPath = writeDataset(dir, n, datasetName);
  const configPath = writeConfig(dir, n, baseUrl, asserts, datasetName, 'promptfooconfig.yaml');
  process.stdout.write(`\nN = ${n} (${configPath})\n`);
  for (const tool of Object.keys(referenceTools) as ReferenceTool[]) {
    if (selected(tool)) rows.push(await runReferenceLoop(tool, n, dir, baseUrl, datasetPath));
  }
  if (selected('assay')) rows.push(await runAssay(n, dir, configPath));
  if (runsNoJs) {
    const noJsConfig = writeConfig(dir, n, baseUrl, asserts.filter((kind) => kind !== 'javascript'), datasetName, 'no-js.yaml');
    rows.push(await runAssay(n, dir, noJsConfig, 'assay-no-js'));
  }
  if (promptfoo && 'entry' in promptfoo) rows.push(await runPromptfoo(n, dir, configPath, promptfoo.entry));
}

const versionTimes = versionTimeMs();
const versionBestMs = Math.min(...versionTimes);
stopMockServer();

// ---------------------------------------------------------------------------------------------
// Report

const find = (n: number, tool: Tool) => rows.find((row) => row.n === n && row.tool === tool);
const mark = (ok: boolean | undefined) => (ok === undefined ? '–' : ok ? '✓' : '✗');
/** CPU ms per case between two sizes of one runner: the start-up cost cancels out. */
const cpuSlope = (first: Row, last: Row) => ((last.cpuS - first.cpuS) * 1000) / (last.n - first.n);

const table: string[][] = [['N', 'tool', 'wall s', 'CPU s', 'CPU ms/case', 'peak RSS MB', 'passed']];
for (const row of rows) {
  table.push([
    String(row.n),
    row.tool,
    row.wallS.toFixed(2),
    row.cpuS.toFixed(2),
    row.cpuMsPerCase.toFixed(3),
    row.maxRssMb.toFixed(0),
    row.ok ? `${row.passed}/${row.total}` : `✗ ${row.problem}`,
  ]);
}
const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
const renderLine = (line: string[]) => line.map((cell, column) => (column >= 2 && column <= 5 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
process.stdout.write(`\n${renderLine(table[0]!)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}\n${table.slice(1).map(renderLine).join('\n')}\n`);

interface Check {
  name: string;
  value: string;
  target: string;
  ok: boolean | undefined;
  /** An aim: it gets ✓ / ✗, but like every check it never sets the exit code. */
  aim?: true;
  note?: string;
}
const checks: Check[] = [];
const ratios: Record<string, unknown>[] = [];

process.stdout.write('\nRatios per N\n');
for (const n of sizes) {
  const assay = find(n, 'assay');
  const fetchRow = find(n, 'fetch-loop');
  const pf = find(n, 'promptfoo');
  const cpuRatio = assay && pf ? pf.cpuMsPerCase / assay.cpuMsPerCase : undefined;
  const wallRatio = assay && fetchRow ? assay.wallS / fetchRow.wallS : undefined;
  const valid = (row?: Row) => row?.ok ?? false;
  const parts = [
    cpuRatio !== undefined ? `promptfoo/Assay CPU per case ${cpuRatio.toFixed(1)}×${valid(assay) && valid(pf) ? '' : ' (invalid: a run failed)'}` : undefined,
    wallRatio !== undefined ? `Assay/fetch-loop wall ${wallRatio.toFixed(2)}×${valid(assay) && valid(fetchRow) ? '' : ' (invalid: a run failed)'}` : undefined,
    assay && pf ? `promptfoo/Assay wall ${(pf.wallS / assay.wallS).toFixed(1)}×` : undefined,
  ].filter(Boolean);
  process.stdout.write(`  N=${n}: ${parts.join(' · ') || 'nothing to compare'}\n`);
  ratios.push({ n, promptfooOverAssayCpuPerCase: cpuRatio, assayOverFetchWall: wallRatio, promptfooOverAssayWall: assay && pf ? pf.wallS / assay.wallS : undefined });
  if (wallRatio !== undefined) {
    checks.push({
      name: `Assay wall / fetch-loop wall at N=${n}`,
      value: `${wallRatio.toFixed(2)}×`,
      target: `≤ ${targets.wallRatioMax}×`,
      ok: valid(assay) && valid(fetchRow) && wallRatio <= targets.wallRatioMax,
      note: valid(assay) && valid(fetchRow) ? undefined : 'a run failed',
    });
  }
}

{
  const n = targets.cpuRatioAtN;
  const assay = find(n, 'assay');
  const pf = find(n, 'promptfoo');
  if (assay && pf) {
    const ratio = pf.cpuMsPerCase / assay.cpuMsPerCase;
    const valid = assay.ok && pf.ok;
    checks.push({ name: `promptfoo CPU/case ÷ Assay CPU/case at N=${n}`, value: `${ratio.toFixed(1)}×`, target: `≥ ${targets.cpuRatioMin}×`, ok: valid && ratio >= targets.cpuRatioMin, note: valid ? undefined : 'a run failed' });
  } else {
    checks.push({ name: `promptfoo CPU/case ÷ Assay CPU/case at N=${n}`, value: 'n/a', target: `≥ ${targets.cpuRatioMin}×`, ok: undefined, note: `needs both tools at N=${n}` });
  }
}
{
  // Issue 10: flat memory. GNU time's peak RSS is the largest of the Assay process and the
  // children it reaped (the sandbox), never their sum; see README.md.
  const { rssSmallN: smallN, rssLargeN: largeN } = targets;
  const small = find(smallN, 'assay');
  const large = find(largeN, 'assay');
  const ratioName = `Assay peak RSS at N=${largeN} ÷ at N=${smallN}`;
  const ratioTarget = `≤ ${targets.rssGrowthMax}×`;
  if (small && large) {
    const ratio = large.maxRssMb / small.maxRssMb;
    const valid = small.ok && large.ok;
    checks.push({
      name: ratioName,
      value: `${ratio.toFixed(2)}× (${small.maxRssMb.toFixed(0)} → ${large.maxRssMb.toFixed(0)} MB)`,
      target: ratioTarget,
      ok: valid && ratio <= targets.rssGrowthMax,
      note: valid ? undefined : 'a run failed',
    });
  } else {
    const missing = [small ? undefined : smallN, large ? undefined : largeN].filter((n) => n !== undefined);
    checks.push({ name: ratioName, value: 'n/a', target: ratioTarget, ok: undefined, note: `N=${missing.join(' and N=')} not run` });
  }
  const rssName = `Assay peak RSS at N=${largeN}`;
  if (large) {
    checks.push({ name: rssName, value: `${large.maxRssMb.toFixed(0)} MB`, target: `≤ ${targets.rssMaxMb} MB`, ok: large.ok && large.maxRssMb <= targets.rssMaxMb, note: large.ok ? undefined : 'the run failed' });
  } else {
    checks.push({ name: rssName, value: 'n/a', target: `≤ ${targets.rssMaxMb} MB`, ok: undefined, note: `N=${largeN} not run` });
  }
  const assayRows = rows.filter((row) => row.tool === 'assay').sort((a, b) => a.n - b.n);
  if (assayRows.length >= 2) {
    const first = assayRows[0]!;
    const last = assayRows.at(-1)!;
    const growth = last.maxRssMb - first.maxRssMb;
    checks.push({
      name: `Assay peak RSS growth N=${first.n} → ${last.n}`,
      value: `${growth >= 0 ? '+' : ''}${growth.toFixed(0)} MB (${first.maxRssMb.toFixed(0)} → ${last.maxRssMb.toFixed(0)}; ${((growth * 1024) / (last.n - first.n)).toFixed(2)} KB/case)`,
      target: 'informational',
      ok: undefined,
    });
  }
  const jsonlName = `N=${targets.jsonlN} from JSONL completed`;
  const million = find(targets.jsonlN, 'assay');
  if (!million) {
    checks.push({ name: jsonlName, value: 'n/a', target: 'completes', ok: undefined, note: `N=${targets.jsonlN} not run (--sizes ${targets.jsonlN} --format jsonl --tools assay)` });
  } else if (format !== 'jsonl') {
    checks.push({ name: jsonlName, value: 'n/a', target: 'completes', ok: undefined, note: 'the dataset was CSV; rerun with --format jsonl' });
  } else {
    checks.push({
      name: jsonlName,
      value: million.ok ? `${million.passed}/${million.total} in ${million.wallS.toFixed(0)} s, peak RSS ${million.maxRssMb.toFixed(0)} MB` : 'no',
      target: 'completes',
      ok: million.ok,
      note: million.ok ? undefined : million.problem,
    });
  }
}
checks.push({
  name: 'assay --version wall (best of 10)',
  value: `${versionBestMs.toFixed(0)} ms (median ${[...versionTimes].sort((a, b) => a - b)[Math.floor(versionTimes.length / 2)]!.toFixed(0)} ms)`,
  target: `< ${targets.versionMaxMs} ms`,
  ok: versionBestMs < targets.versionMaxMs,
});

for (const n of sizes) {
  const withJs = find(n, 'assay');
  const withoutJs = find(n, 'assay-no-js');
  if (!withJs?.ok || !withoutJs?.ok) continue;
  checks.push({
    name: `javascript assertion CPU per case at N=${n} (assay − assay-no-js)`,
    value: `${(((withJs.cpuS - withoutJs.cpuS) * 1000) / n).toFixed(3)} ms`,
    target: 'informational',
    ok: undefined,
  });
}

// Startup-free cost: the CPU slope between the smallest and largest N.
for (const tool of [...Object.keys(referenceTools), 'assay', 'assay-no-js', 'promptfoo'] as Tool[]) {
  const toolRows = rows.filter((row) => row.tool === tool && row.ok).sort((a, b) => a.n - b.n);
  if (toolRows.length < 2) continue;
  const first = toolRows[0]!;
  const last = toolRows.at(-1)!;
  checks.push({
    name: `${tool} marginal CPU per case (N=${first.n} → ${last.n})`,
    value: `${cpuSlope(first, last).toFixed(3)} ms`,
    target: 'informational',
    ok: undefined,
  });
}

// Issue 10: Assay's own CPU per case over the least any runner on these libraries spends. An aim:
// it gets ✓ / ✗ but does not set the exit code. assay-no-js leaves out the sandbox process, whose
// cost the javascript-assertion lines above report on their own.
for (const tool of ['assay', 'assay-no-js'] as const) {
  const target = `≤ ${targets.overheadMsAim} ms`;
  for (const n of sizes) {
    const runner = find(n, tool);
    const floor = find(n, 'sdk-floor');
    if (!runner || !floor) continue;
    const valid = runner.ok && floor.ok;
    const overhead = runner.cpuMsPerCase - floor.cpuMsPerCase;
    checks.push({
      name: `${tool} CPU/case − sdk-floor CPU/case at N=${n}`,
      value: `${overhead.toFixed(3)} ms`,
      target,
      aim: true,
      ok: valid && overhead <= targets.overheadMsAim,
      note: valid ? undefined : 'a run failed',
    });
  }
  const both = [...new Set(sizes)].sort((a, b) => a - b).filter((n) => find(n, tool)?.ok && find(n, 'sdk-floor')?.ok);
  if (both.length < 2) continue;
  const [firstN, lastN] = [both[0]!, both.at(-1)!];
  const runnerSlope = cpuSlope(find(firstN, tool)!, find(lastN, tool)!);
  const floorSlope = cpuSlope(find(firstN, 'sdk-floor')!, find(lastN, 'sdk-floor')!);
  const overhead = runnerSlope - floorSlope;
  checks.push({
    name: `${tool} − sdk-floor marginal CPU per case (N=${firstN} → ${lastN})`,
    value: `${overhead.toFixed(3)} ms (${runnerSlope.toFixed(3)} − ${floorSlope.toFixed(3)})`,
    target,
    aim: true,
    ok: overhead <= targets.overheadMsAim,
  });
}

process.stdout.write('\nTargets\n');
const nameWidth = Math.max(...checks.map((check) => check.name.length));
for (const check of checks) {
  process.stdout.write(`  ${mark(check.ok)} ${check.name.padEnd(nameWidth)}  ${check.value}  (${check.aim ? 'aim' : 'target'} ${check.target})${check.note ? ` — ${check.note}` : ''}\n`);
}
// What the targets allow at best: no runner on these libraries costs less than sdk-floor, and
// nothing in Node costs less than http-loop. A target a floor misses cannot be met by any runner
// built on it.
const floors: Record<string, unknown>[] = [];
{
  const lines: string[] = [];
  const pfAtCpu = find(targets.cpuRatioAtN, 'promptfoo');
  for (const tool of ['http-loop', 'sdk-floor', 'assay'] as Tool[]) {
    const atCpu = find(targets.cpuRatioAtN, tool);
    const atSmall = find(targets.rssSmallN, tool);
    const atLarge = find(targets.rssLargeN, tool);
    const cpuRatio = atCpu?.ok && pfAtCpu?.ok ? pfAtCpu.cpuMsPerCase / atCpu.cpuMsPerCase : undefined;
    const peakRssMb = atLarge?.ok ? atLarge.maxRssMb : undefined;
    const rssRatio = peakRssMb !== undefined && atSmall?.ok ? peakRssMb / atSmall.maxRssMb : undefined;
    const parts = [
      cpuRatio === undefined ? undefined : `promptfoo/${tool} CPU per case at N=${targets.cpuRatioAtN}: ${cpuRatio.toFixed(1)}× (target ≥ ${targets.cpuRatioMin}×)`,
      rssRatio === undefined ? undefined : `peak RSS N=${targets.rssLargeN} ÷ N=${targets.rssSmallN}: ${rssRatio.toFixed(2)}× (target ≤ ${targets.rssGrowthMax}×)`,
      peakRssMb === undefined ? undefined : `peak RSS at N=${targets.rssLargeN}: ${peakRssMb.toFixed(0)} MB (target ≤ ${targets.rssMaxMb} MB)`,
    ].filter(Boolean);
    if (parts.length) lines.push(`  ${tool.padEnd(10)} ${parts.join(' · ')}`);
    floors.push({ tool, promptfooOverToolCpuPerCase: cpuRatio, peakRssMbAtLargeN: peakRssMb, peakRssLargeOverSmall: rssRatio });
  }
  if (lines.length) process.stdout.write(`\nFloors (the best any runner on Node / on these libraries could do)\n${lines.join('\n')}\n`);
}

const brokenRuns = rows.filter((row) => !row.ok);
if (brokenRuns.length) {
  process.stdout.write(`\n${brokenRuns.length} run(s) did not complete correctly; their times are not comparable:\n`);
  for (const row of brokenRuns) process.stdout.write(`  N=${row.n} ${row.tool}: ${row.problem} (logs ${row.logs}.{stdout,stderr})\n`);
}

const resultsDir = path.join(os.tmpdir(), 'assay-bench-eval-overhead-results');
mkdirSync(resultsDir, { recursive: true });
const results = {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  machine: { node: process.version, platform: `${process.platform} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemMb: Math.round(os.totalmem() / 2 ** 20) },
  settings: {
    sizes,
    concurrency,
    asserts,
    format,
    tools: allTools.filter(selected),
    promptfooVersion,
    skipPromptfoo: args['skip-promptfoo'],
    promptfooUnavailable: promptfoo && 'error' in promptfoo ? promptfoo.error : undefined,
  },
  targets,
  rows,
  ratios,
  floors,
  version: { bestMs: versionBestMs, runsMs: versionTimes },
  checks,
  workDir: workRoot,
};
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const resultsFile = path.join(resultsDir, `eval-overhead-${stamp}.json`);
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`\nResults: ${resultsFile} (also ${path.join(resultsDir, 'latest.json')})\n`);
process.stdout.write(`Suites and logs: ${workRoot}\n`);
// Only a broken run fails the benchmark; a missed target (or aim) is a finding, not an error.
process.exitCode = brokenRuns.length ? 1 : 0;
