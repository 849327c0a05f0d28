import { compileAssertion, type CompiledAssertion } from '@assay/core';
import type { Assertion } from '@assay/spec';
import { renderAssertionValue } from './assertion-value.ts';
import type { ResolvedCase } from './resolved-suite.ts';

/**
 * One assertion of a suite, checked when the suite was loaded. Untemplated ones carry their
 * compiled form, shared by every case; a templated one (`contains: "{{answer}}"`) is rendered
 * with the case's vars and compiled each time a case asks for it.
 */
export interface PreparedAssertion {
  assertion: Assertion;
  modelGraded: boolean;
  compiled?: CompiledAssertion;
}

const noTags: string[] = Object.freeze([]) as unknown as string[];
const noAssertions: readonly PreparedAssertion[] = Object.freeze([]);

/**
 * A case as the runner holds it between loading and running: its id, vars and where it came
 * from, and no per-case copies of shared things. A suite keeps 20,000 of these, so the compiled
 * assertions and the `file:line` string are built on request instead of stored (about 310 bytes
 * a case instead of 1 KB).
 */
export class SuiteCase implements ResolvedCase {
  readonly id: string;
  readonly index: number;
  readonly vars: Record<string, unknown>;
  readonly tags: string[];
  readonly description?: string;
  readonly threshold?: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly providers?: readonly string[];
  readonly #own: readonly PreparedAssertion[];
  readonly #defaults: readonly PreparedAssertion[];
  readonly #file: string;
  readonly #line: number | undefined;

  constructor(fields: {
    id: string;
    index: number;
    vars: Record<string, unknown>;
    tags?: string[];
    description?: string;
    threshold?: number;
    metadata?: Readonly<Record<string, unknown>>;
    providers?: readonly string[];
    own: readonly PreparedAssertion[];
    defaults: readonly PreparedAssertion[];
    file: string;
    line: number | undefined;
  }) {
    this.id = fields.id;
    this.index = fields.index;
    this.vars = fields.vars;
    this.tags = fields.tags?.length ? fields.tags : noTags;
    if (fields.description !== undefined) this.description = fields.description;
    if (fields.threshold !== undefined) this.threshold = fields.threshold;
    if (fields.metadata !== undefined) this.metadata = fields.metadata;
    if (fields.providers !== undefined) this.providers = fields.providers;
    this.#own = fields.own.length ? fields.own : noAssertions;
    this.#defaults = fields.defaults;
    this.#file = fields.file;
    this.#line = fields.line;
  }

  /** Where the case came from, e.g. `datasets/golden.jsonl:12`. */
  get source(): string {
    return this.#line === undefined ? this.#file : `${this.#file}:${this.#line}`;
  }

  /** Case assertions followed by the suite's defaults, rendered with this case's vars. */
  get assertions(): CompiledAssertion[] {
    const all: CompiledAssertion[] = [];
    for (const prepared of this.#own) all.push(this.#compile(prepared));
    for (const prepared of this.#defaults) all.push(this.#compile(prepared));
    return all;
  }

  #compile(prepared: PreparedAssertion): CompiledAssertion {
    if (prepared.compiled) return prepared.compiled;
    const rendered = renderAssertionValue(prepared.assertion, this.vars);
    return { assertion: rendered, modelGraded: prepared.modelGraded, evaluate: (context) => compileAssertion(rendered, {}).evaluate(context) };
  }
}
