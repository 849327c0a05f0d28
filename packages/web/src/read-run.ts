// Runs and results as the server answers them, read defensively. The server checks uploads
// strictly, but a run stored before it did (or written to the store by other means) may hold
// anything: an `output` that is a list, `assertions` that is not, a summary without `gates`
// (issue 16). Every field the dashboard renders is brought to its type here, and each mismatch is
// named, so a page shows what it can and says what it could not read instead of going blank.
import type { AssertionResult, CaseResult, GateResult, MetricSummary, RunRecord, RunStatus, RunSummary, SummaryCell } from './types.ts';

/** A value in the shape the dashboard renders, and the fields that were not in that shape. */
export interface Read<T> {
  value: T;
  /** e.g. `summary.gates: expected a list` */
  problems: string[];
}

type Fields = Record<string, unknown>;

const statuses: readonly RunStatus[] = ['running', 'completed', 'interrupted', 'failed'];

/** Reads fields of one object, noting each that has the wrong type. */
class Reader {
  readonly problems: string[];
  readonly #fields: Fields;
  readonly #path: string;

  constructor(value: unknown, path: string, problems: string[]) {
    this.problems = problems;
    this.#path = path;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      this.#fields = value as Fields;
    } else {
      this.#fields = {};
      problems.push(`${path || '(record)'}: expected an object`);
    }
  }

  #note(key: string, expected: string): void {
    this.problems.push(`${this.#path ? `${this.#path}.` : ''}${key}: expected ${expected}`);
  }

  has(key: string): boolean {
    return this.#fields[key] !== undefined && this.#fields[key] !== null;
  }

  raw(key: string): unknown {
    return this.#fields[key];
  }

  /** A string; anything else is shown as its JSON text (an output that is a list is still worth seeing). */
  text(key: string, fallback = ''): string {
    const value = this.#fields[key];
    if (typeof value === 'string') return value;
    this.#note(key, 'text');
    if (value === undefined || value === null) return fallback;
    try {
      return JSON.stringify(value, null, 2) ?? fallback;
    } catch {
      return String(value);
    }
  }

  optionalText(key: string): string | undefined {
    return this.has(key) ? this.text(key) : undefined;
  }

  /** A finite number, else NaN (the formatters show "—"). */
  number(key: string): number {
    const value = this.#fields[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.#note(key, 'a number');
    return Number.NaN;
  }

  nullableNumber(key: string): number | null {
    return this.has(key) ? this.number(key) : null;
  }

  boolean(key: string): boolean {
    const value = this.#fields[key];
    if (typeof value === 'boolean') return value;
    this.#note(key, 'true or false');
    return false;
  }

  interval(key: string): [number, number] | null {
    const value = this.#fields[key];
    if (value === undefined || value === null) return null;
    if (Array.isArray(value) && value.length === 2 && value.every((bound) => typeof bound === 'number' && Number.isFinite(bound))) return value as [number, number];
    this.#note(key, 'an interval [low, high]');
    return null;
  }

  /** The items of a list, each read by `item`; a missing or non-list value is an empty list. */
  list<T>(key: string, item: (value: unknown, path: string, problems: string[]) => T): T[] {
    const value = this.#fields[key];
    if (!Array.isArray(value)) {
      this.#note(key, 'a list');
      return [];
    }
    return value.map((entry, index) => item(entry, `${this.#path ? `${this.#path}.` : ''}${key}.${index}`, this.problems));
  }
}

function readText(value: unknown, path: string, problems: string[]): string {
  if (typeof value === 'string') return value;
  problems.push(`${path}: expected text`);
  return String(value);
}

/** A run record, with its summary read as far as it can be. */
export function readRun(value: unknown): Read<RunRecord> {
  const problems: string[] = [];
  const run = new Reader(value, '', problems);
  const status = run.text('status', 'failed') as RunStatus;
  if (!statuses.includes(status)) problems.push(`status: expected one of ${statuses.join(', ')}`);
  const record: RunRecord = {
    id: run.text('id'),
    createdAt: run.text('createdAt'),
    status: statuses.includes(status) ? status : 'failed',
    configPath: run.optionalText('configPath') ?? '',
    planHash: run.optionalText('planHash') ?? '',
    total: run.number('total'),
    options: {},
  };
  const finishedAt = run.optionalText('finishedAt');
  if (finishedAt !== undefined) record.finishedAt = finishedAt;
  const label = run.optionalText('label');
  if (label !== undefined) record.label = label;
  if (run.has('summary')) record.summary = readSummary(run.raw('summary'), 'summary', problems);
  return { value: record, problems };
}

function readSummary(value: unknown, path: string, problems: string[]): RunSummary {
  const summary = new Reader(value, path, problems);
  return {
    total: summary.number('total'),
    passed: summary.number('passed'),
    failed: summary.number('failed'),
    errors: summary.number('errors'),
    cost: summary.number('cost'),
    tokens: summary.number('tokens'),
    durationMs: summary.number('durationMs'),
    cells: summary.list('cells', readCell),
    metrics: summary.list('metrics', readMetric),
    thresholds: summary.list('thresholds', (item, itemPath, list) => {
      const threshold = new Reader(item, itemPath, list);
      return { cell: threshold.text('cell'), threshold: threshold.number('threshold'), passRate: threshold.nullableNumber('passRate'), ok: threshold.boolean('ok') };
    }),
    gates: summary.list('gates', readGate),
    warnings: summary.list('warnings', readText),
  };
}

function readCell(value: unknown, path: string, problems: string[]): SummaryCell {
  const cell = new Reader(value, path, problems);
  const read: SummaryCell = {
    prompt: cell.text('prompt', '?'),
    provider: cell.text('provider', '?'),
    n: cell.number('n'),
    passed: cell.number('passed'),
    errors: cell.number('errors'),
    passRate: cell.nullableNumber('passRate'),
    ci95: cell.interval('ci95'),
    meanScore: cell.nullableNumber('meanScore'),
    scoreCi95: cell.interval('scoreCi95'),
    cost: cell.number('cost'),
    costPerCase: cell.nullableNumber('costPerCase'),
    costPerPass: cell.nullableNumber('costPerPass'),
    tokens: cell.number('tokens'),
    meanLatencyMs: cell.nullableNumber('meanLatencyMs'),
  };
  if (cell.has('repeats')) {
    const repeats = new Reader(cell.raw('repeats'), `${path}.repeats`, problems);
    read.repeats = {
      k: repeats.number('k'),
      cases: repeats.number('cases'),
      passAtK: repeats.nullableNumber('passAtK'),
      passAllK: repeats.nullableNumber('passAllK'),
      flakyCases: repeats.number('flakyCases'),
      flakinessRate: repeats.nullableNumber('flakinessRate'),
      // Issue 11: the run page lists them (it dropped them before there was a page for them).
      flaky: repeats.has('flaky') ? repeats.list('flaky', readFlaky) : [],
      icc: repeats.nullableNumber('icc'),
      designEffect: repeats.nullableNumber('designEffect'),
    };
  }
  if (cell.has('registryVersion')) {
    // Issue 11: the registry version the cell's prompt is (the run page links to it).
    const link = new Reader(cell.raw('registryVersion'), `${path}.registryVersion`, problems);
    read.registryVersion = { name: link.text('name', '?'), version: link.number('version') };
  }
  return read;
}

function readFlaky(value: unknown, path: string, problems: string[]): { caseId: string; passed: number; repeats: number } {
  const entry = new Reader(value, path, problems);
  return { caseId: entry.text('caseId'), passed: entry.number('passed'), repeats: entry.number('repeats') };
}

function readMetric(value: unknown, path: string, problems: string[]): MetricSummary {
  const metric = new Reader(value, path, problems);
  return {
    metric: metric.text('metric', '?'),
    prompt: metric.text('prompt', '?'),
    provider: metric.text('provider', '?'),
    n: metric.number('n'),
    passed: metric.number('passed'),
    passRate: metric.nullableNumber('passRate'),
    ci95: metric.interval('ci95'),
  };
}

function readGate(value: unknown, path: string, problems: string[]): GateResult {
  const gate = new Reader(value, path, problems);
  const read: GateResult = { gate: gate.text('gate', '?'), ok: gate.boolean('ok'), detail: gate.text('detail'), value: gate.nullableNumber('value'), limit: gate.nullableNumber('limit') };
  const cell = gate.optionalText('cell');
  if (cell !== undefined) read.cell = cell;
  return read;
}

/** One result of a page of results; `index` names it when it has no key. */
export function readResult(value: unknown, index: number): Read<CaseResult> {
  const problems: string[] = [];
  const result = new Reader(value, '', problems);
  const usage = new Reader(result.has('usage') ? result.raw('usage') : {}, 'usage', problems);
  const vars = result.raw('vars');
  const read: CaseResult = {
    runId: result.text('runId'),
    key: result.optionalText('key') ?? `#${index}`,
    promptId: result.text('promptId', '?'),
    providerId: result.text('providerId', '?'),
    caseId: result.text('caseId', '?'),
    caseIndex: result.number('caseIndex'),
    repeat: result.has('repeat') ? result.number('repeat') : 0,
    vars: typeof vars === 'object' && vars !== null && !Array.isArray(vars) ? (vars as Record<string, unknown>) : {},
    messages: result.list('messages', (item, path, list) => {
      const message = new Reader(item, path, list);
      return { role: message.text('role', '?') as CaseResult['messages'][number]['role'], content: message.text('content') };
    }),
    output: result.text('output'),
    toolCalls: result.list('toolCalls', (item, path, list) => {
      const call = new Reader(item, path, list);
      return { toolName: call.text('toolName', '?'), input: call.raw('input') };
    }),
    pass: result.boolean('pass'),
    score: result.number('score'),
    assertions: result.list('assertions', readAssertion),
    latencyMs: result.number('latencyMs'),
    usage: {
      inputTokens: usage.number('inputTokens'),
      outputTokens: usage.number('outputTokens'),
      cachedInputTokens: usage.has('cachedInputTokens') ? usage.number('cachedInputTokens') : 0,
      reasoningTokens: usage.has('reasoningTokens') ? usage.number('reasoningTokens') : 0,
      totalTokens: usage.has('totalTokens') ? usage.number('totalTokens') : Number.NaN,
    },
    cost: result.nullableNumber('cost'),
    cached: result.has('cached') && result.boolean('cached'),
    finishedAt: result.optionalText('finishedAt') ?? '',
  };
  if (vars !== undefined && read.vars !== vars) problems.push('vars: expected an object');
  const error = result.optionalText('error');
  if (error !== undefined) read.error = error;
  return { value: read, problems };
}

function readAssertion(value: unknown, path: string, problems: string[]): AssertionResult {
  const assertion = new Reader(value, path, problems);
  const read: AssertionResult = {
    type: assertion.text('type', '?'),
    pass: assertion.boolean('pass'),
    score: assertion.number('score'),
    reason: assertion.text('reason'),
    weight: assertion.has('weight') ? assertion.number('weight') : 1,
    required: assertion.has('required') && assertion.boolean('required'),
  };
  const metric = assertion.optionalText('metric');
  if (metric !== undefined) read.metric = metric;
  if (assertion.has('unevaluable')) read.unevaluable = assertion.boolean('unevaluable');
  if (assertion.has('judge')) {
    const judge = new Reader(assertion.raw('judge'), `${path}.judge`, problems);
    read.judge = { provider: judge.text('provider', '?'), prompt: judge.text('prompt'), raw: judge.text('raw') };
    const reasoning = judge.optionalText('reasoning');
    if (reasoning !== undefined) read.judge.reasoning = reasoning;
  }
  return read;
}
