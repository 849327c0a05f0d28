import type { ResolvedCase } from './resolved-suite.ts';

/**
 * The cases of a suite, read again each time they are iterated: a dataset file is streamed row
 * by row (JSONL and CSV), so a run holds the cases in flight, never the whole dataset. `length`
 * was counted when the suite was loaded (every row checked then); iterating yields the same cases
 * in the same order, each with its index in the suite.
 * @example
 * for await (const testCase of suite.cases) console.log(testCase.id, testCase.source);
 */
export class CaseList implements AsyncIterable<ResolvedCase> {
  readonly length: number;
  readonly #produce: () => AsyncIterable<ResolvedCase>;

  constructor(length: number, produce: () => AsyncIterable<ResolvedCase>) {
    this.length = length;
    this.#produce = produce;
  }

  static of(cases: readonly ResolvedCase[]): CaseList {
    return new CaseList(cases.length, async function* () {
      yield* cases;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<ResolvedCase> {
    return this.#produce()[Symbol.asyncIterator]();
  }

  /** The cases `keep` accepts, counted now (one pass); they keep their index in the suite. */
  async filter(keep: (testCase: ResolvedCase) => boolean): Promise<CaseList> {
    let length = 0;
    for await (const testCase of this) if (keep(testCase)) length++;
    return new CaseList(length, () => filtered(this, keep));
  }

  /** The first `count` cases. */
  take(count: number): CaseList {
    return new CaseList(Math.max(0, Math.min(count, this.length)), () => taken(this, count));
  }

  /** Every case, in memory: for tests and small suites, never for a run. */
  async toArray(): Promise<ResolvedCase[]> {
    const cases: ResolvedCase[] = [];
    for await (const testCase of this) cases.push(testCase);
    return cases;
  }
}

async function* filtered(source: AsyncIterable<ResolvedCase>, keep: (testCase: ResolvedCase) => boolean): AsyncGenerator<ResolvedCase> {
  for await (const testCase of source) if (keep(testCase)) yield testCase;
}

async function* taken(source: AsyncIterable<ResolvedCase>, count: number): AsyncGenerator<ResolvedCase> {
  if (count <= 0) return;
  let yielded = 0;
  for await (const testCase of source) {
    yield testCase;
    if (++yielded >= count) return;
  }
}
