import { createHash } from 'node:crypto';
import type { PromptTemplate } from '@assay/core';
import type { ResolvedCase, ResolvedProvider, ResolvedSuite } from './config/resolved-suite.ts';

export interface PlannedCall {
  key: string;
  prompt: PromptTemplate;
  provider: ResolvedProvider;
  testCase: ResolvedCase;
  repeat: number;
}

/** Stable id of one call: the same suite gives the same keys, which is what makes resume work. */
export function callKey(promptId: string, providerLabel: string, caseId: string, repeat: number): string {
  return createHash('sha256').update(`${promptId}\u0000${providerLabel}\u0000${caseId}\u0000${repeat}`).digest('base64url').slice(0, 22);
}

/** Whether a case runs on a provider: every case does, unless it names its providers (`providers:`). */
export function runsOn(testCase: ResolvedCase, provider: ResolvedProvider): boolean {
  return !testCase.providers || testCase.providers.includes(provider.label);
}

/**
 * The matrix prompts × providers × cases × repeats, generated lazily as the scheduler pulls (the
 * cases are read as they are needed). Case-major order so every cell fills at the same pace and
 * the running pass rate means something early.
 */
export async function* expandPlan(suite: ResolvedSuite, repeat = suite.repeat): AsyncGenerator<PlannedCall> {
  for await (const testCase of suite.cases) {
    for (let index = 0; index < repeat; index++) {
      for (const prompt of suite.prompts) {
        for (const provider of suite.providers) {
          if (!runsOn(testCase, provider)) continue;
          yield { key: callKey(prompt.id, provider.label, testCase.id, index), prompt, provider, testCase, repeat: index };
        }
      }
    }
  }
}

export interface PlanDescription {
  /** Calls the run makes. */
  size: number;
  /** Changes whenever what would be run changes; a resume refuses a different plan. */
  hash: string;
  /** The suite's providers some case runs on (a provider every case leaves out has no cell). */
  providers: ResolvedProvider[];
}

/** The plan's size, hash and providers, in one pass over the cases. */
export async function describePlan(suite: ResolvedSuite, repeat = suite.repeat): Promise<PlanDescription> {
  const hash = createHash('sha256');
  for (const prompt of suite.prompts) hash.update(`prompt\u0000${prompt.id}\u0000${prompt.source}\u0000`);
  for (const provider of suite.providers) hash.update(`provider\u0000${JSON.stringify(provider)}\u0000`);
  let calls = 0;
  const used = new Set<string>();
  for await (const testCase of suite.cases) {
    hash.update(`case\u0000${testCase.id}\u0000${JSON.stringify(testCase.vars)}\u0000`);
    if (testCase.providers) hash.update(`providers\u0000${testCase.providers.join('\u0000')}\u0000`);
    for (const assertion of testCase.assertions) hash.update(JSON.stringify(assertion.assertion));
    // Counted against the suite's providers, which a run may have narrowed (`--provider`).
    for (const provider of suite.providers) {
      if (!runsOn(testCase, provider)) continue;
      calls++;
      used.add(provider.label);
    }
  }
  hash.update(`repeat\u0000${repeat}`);
  return { size: calls * repeat * suite.prompts.length, hash: hash.digest('hex'), providers: suite.providers.filter((provider) => used.has(provider.label)) };
}

export async function planSize(suite: ResolvedSuite, repeat = suite.repeat): Promise<number> {
  return (await describePlan(suite, repeat)).size;
}
