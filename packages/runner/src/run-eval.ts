import { randomUUID } from 'node:crypto';
import { computeCost, promptVersionFromTemplate, scoreCase, type AssertionContext, type CompiledAssertion, type EmbedFunction, type GradeFunction, type PromptTemplate } from '@assay/core';
import type { EmbeddingHandle, ModelHandle, ModelResponse } from '@assay/providers';
import { ConfigError, ProviderError, RunLeaseError, type AssertionResult, type EmbeddingProviderRef, type CaseResult, type RunComparison, type RunEvent, type RunRecord, type RunStatus, type RunSummary } from '@assay/spec';
import type { Store } from '@assay/store';
import type { ResolvedProvider, ResolvedSuite } from './config/resolved-suite.ts';
import { describePlan, expandPlan, type PlannedCall } from './plan.ts';
import { runBounded } from './scheduler.ts';
import { SummaryAccumulator } from './summary.ts';
import { compareRuns } from './compare/compare-runs.ts';
import { storeRunSource, type RunSource } from './compare/run-source.ts';
import { regressionGate } from './gates.ts';
import { claimRun, defaultLeaseTtlMs, leaseOwnerId, type RunClaim } from './run-lease.ts';

export interface ProviderResolver {
  resolve(config: ResolvedProvider | string): ModelHandle;
  flush(): Promise<void>;
  /** Throws a ConfigError when a provider cannot make any call (no API key); runEval asks before it stores the run. */
  checkKeys?(configs: readonly (ResolvedProvider | string)[]): void;
  /** The embedding model of `similar` assertions (the default one when none is named); without it they cannot be evaluated. */
  resolveEmbedding?(ref?: EmbeddingProviderRef): EmbeddingHandle;
  /** As checkKeys, for embedding models. */
  checkEmbeddingKeys?(refs: readonly EmbeddingProviderRef[]): void;
}

export interface EvalOptions {
  suite: ResolvedSuite;
  store: Store;
  providers: ProviderResolver;
  /** Absolute path of the config; stored so `--resume` can reload it. */
  configPath: string;
  /** CLI options stored with the run (replayed on resume). */
  runOptions?: Record<string, unknown>;
  /** Resume this run: calls already stored without an error are not repeated. */
  resumeRunId?: string;
  concurrency?: number;
  repeat?: number;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Results are written in batches of this size (or every flushIntervalMs). */
  batchSize?: number;
  flushIntervalMs?: number;
  /** Name the new run (`--label main`) so later runs can use it as a baseline. */
  label?: string;
  /** Compare the finished run against this one; the `noSignificantRegression` gate reads the result. */
  baseline?: RunSource;
  /**
   * The run's lease in the store (see `claimRun`): who this process is (default `<pid>@<host>#<token>`)
   * and how long a lease lasts unless renewed (default 30 s).
   */
  lease?: { owner?: string; ttlMs?: number };
}

export interface EvalOutcome {
  runId: string;
  status: RunStatus;
  summary: RunSummary;
  comparison?: RunComparison;
}

const emptyUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 0 };

/**
 * Whether a failed call fails only its case: a provider error that retrying may fix (its retries
 * ran out; `--resume` tries again) or that concerns this request alone (its prompt is too large:
 * a 413, or a 400 saying the context length was exceeded). Anything else (401, 403, 404,
 * unreachable, no key, a cassette without the call, a bug) would fail every further call the
 * same way, so it stops the run instead of failing each case.
 */
function failsOnlyTheCase(error: unknown): boolean {
  if (!ProviderError.isInstance(error)) return false;
  return error.isRetryable || error.concernsRequest;
}

/**
 * Runs a suite: the one scheduler, results streamed as events and written to the store in
 * batches as they arrive. Memory grows with the number of cells, not cases.
 */
export async function runEval(options: EvalOptions): Promise<EvalOutcome> {
  const { suite, store } = options;
  const repeat = options.repeat ?? suite.repeat;
  // One pass over the cases (a dataset file is read, not held): the plan's size, hash and cells.
  const plan = await describePlan(suite, repeat);
  const hash = plan.hash;
  const total = plan.size;
  const emit = options.onEvent ?? (() => {});
  const warnings = new Set<string>(suite.warnings);
  const startedAt = performance.now();

  // A provider no case runs on (every case names others in `providers:`) has no cell.
  const accumulator = new SummaryAccumulator(
    suite.prompts.flatMap((prompt) => plan.providers.map((provider) => ({ prompt: prompt.id, provider: provider.label }))),
    { repeat, judges: suite.judges },
  );

  const previous = options.resumeRunId === undefined ? undefined : await store.getRun(options.resumeRunId);
  if (options.resumeRunId !== undefined) {
    if (!previous) {
      throw new ConfigError(`No run with id ${options.resumeRunId}`, { hint: 'List runs with `assay runs`.', docs: 'cli.md' });
    }
    if (previous.planHash !== hash) {
      throw new ConfigError(`The suite changed since run ${previous.id} started, so it cannot be resumed`, {
        file: previous.configPath,
        hint: 'Undo the change to prompts, providers or cases, or start a new run without --resume.',
        docs: 'cli.md',
      });
    }
  }
  // A provider that cannot make any call (no key) is a usage error before the run exists, not a run that failed at 0/0.
  options.providers.checkKeys?.([...suite.providers, ...(suite.options.grader ? [suite.options.grader] : [])]);
  if (suite.options.embedding !== undefined) options.providers.checkEmbeddingKeys?.([suite.options.embedding]);
  const handles = new Map<string, ModelHandle>();
  for (const provider of suite.providers) handles.set(provider.label, options.providers.resolve(provider));
  const grade = createGrader(suite, options.providers);

  const abort = new AbortController();
  let fatal: unknown;
  const stopWith = (error: unknown) => {
    fatal ??= error;
    abort.abort(error);
  };
  const embed = createEmbedder(suite, options.providers, abort.signal, stopWith);
  let leaseLost = false;
  const onLost = (error: RunLeaseError) => {
    leaseLost = true;
    stopWith(error);
  };
  const leaseOptions = { owner: options.lease?.owner ?? leaseOwnerId(), ttlMs: options.lease?.ttlMs ?? defaultLeaseTtlMs, onLost };

  let runId: string;
  let claim: RunClaim;
  let completed = new Set<string>();
  if (previous) {
    runId = previous.id;
    // Claimed before anything is read or called: a second resume of a run that is going stops here.
    claim = await claimRun(store, runId, leaseOptions);
  } else {
    runId = `${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomUUID().slice(0, 8)}`;
    const record: RunRecord = {
      id: runId,
      createdAt: new Date().toISOString(),
      status: 'running',
      configPath: options.configPath,
      planHash: hash,
      total,
      options: options.runOptions ?? {},
    };
    if (options.label) record.label = options.label;
    await store.createRun(record);
    claim = await claimRun(store, runId, leaseOptions);
  }
  try {
    if (previous) {
      completed = await store.completedKeys(runId);
      for await (const result of store.iterateResults(runId)) if (completed.has(result.key)) accumulator.add(result);
      await store.finishRun(runId, { status: 'running', finishedAt: new Date().toISOString() });
    }
    emit({ type: 'run-start', runId, total, skipped: completed.size, resumed: Boolean(options.resumeRunId) });

    // Batched, ordered writes: one transaction per batch, never a synchronous write per result.
    let buffer: CaseResult[] = [];
    let writing: Promise<void> = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const flush = (): Promise<void> => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (buffer.length === 0) return writing;
      const batch = buffer;
      buffer = [];
      writing = writing.then(() => store.appendResults(runId, batch));
      // A failed write (disk full) is reported by the final flush, which awaits this chain; mark
      // it handled here so the intermediate, un-awaited flushes do not crash the process first.
      writing.catch(() => {});
      return writing;
    };
    const batchSize = options.batchSize ?? 200;
    const flushIntervalMs = options.flushIntervalMs ?? 250;

    const onAbort = () => abort.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const pending = (async function* (): AsyncGenerator<PlannedCall> {
      for await (const call of expandPlan(suite, repeat)) if (!completed.has(call.key)) yield call;
    })();

    const execute = async (call: PlannedCall): Promise<void> => {
      const handle = handles.get(call.provider.label)!;
      const result = await executeCall(runId, call, handle, suite, grade, embed, abort.signal);
      if (abort.signal.aborted && result.result.error) return; // interrupted mid-call: not a result, resume redoes it
      for (const warning of result.warnings) {
        if (!warnings.has(warning)) {
          warnings.add(warning);
          emit({ type: 'warning', message: warning });
        }
      }
      accumulator.add(result.result);
      buffer.push(result.result);
      if (buffer.length >= batchSize) void flush();
      else if (!timer) timer = setTimeout(() => void flush(), flushIntervalMs);
      emit({ type: 'case-result', result: result.result });
    };

    try {
      await runBounded(
        pending,
        options.concurrency ?? suite.options.concurrency,
        async (call) => {
          try {
            await execute(call);
          } catch (error) {
            // A call cut short by Ctrl-C is not a failure: it is simply not done, and resume redoes it.
            if (options.signal?.aborted) return;
            // What escapes a call (executeCall keeps the errors of one case) ends the run.
            stopWith(error);
            throw error;
          }
        },
        abort.signal,
      );
    } catch (error) {
      stopWith(error);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await flush();
      await options.providers.flush();
    }

    const status: RunStatus = fatal ? 'failed' : options.signal?.aborted ? 'interrupted' : 'completed';
    const summary = accumulator.summarize({
      durationMs: performance.now() - startedAt,
      // Without a threshold every case must pass, unless the suite has gates: then the gates decide.
      threshold: suite.threshold ?? (suite.gate ? undefined : 1),
      gate: suite.gate,
      warnings: [...warnings],
    });
    // The registry's content hash of each prompt (as `assay prompts push` computes it): an uploaded run links each cell to the version it tested.
    const promptHashes = new Map(suite.prompts.map((prompt) => [prompt.id, promptVersionFromTemplate(prompt, prompt.id).contentHash]));
    for (const cell of summary.cells) {
      const promptHash = promptHashes.get(cell.prompt);
      if (promptHash !== undefined) cell.promptHash = promptHash;
    }
    let comparison: RunComparison | undefined;
    let comparisonProblem: string | undefined;
    if (status === 'completed' && options.baseline) {
      try {
        comparison = await compareRuns(options.baseline, storeRunSource(store, { id: runId, label: options.label }), {
          confidence: suite.gate?.confidence,
        });
        for (const warning of comparison.warnings) summary.warnings.push(`Comparison: ${warning}`);
      } catch (error) {
        // The run itself is done and saved; a baseline that cannot be compared fails the gate, not the run.
        if (!ConfigError.isInstance(error)) throw error;
        comparisonProblem = `cannot compare with baseline ${options.baseline.info.id}: ${(error as ConfigError).message}`;
        summary.warnings.push(comparisonProblem);
      }
    }
    if (status === 'completed' && suite.gate?.noSignificantRegression) summary.gates.push(...regressionGate(comparison, comparisonProblem));
    for (const metric of summary.metrics) {
      if (metric.judge && !metric.judge.calibrated && suite.gate?.metrics?.[metric.metric] !== undefined) {
        const warning = `Gate on metric "${metric.metric}" uses judge ${metric.judge.file}, which is not calibrated against human labels (run \`assay judge calibrate\`)`;
        if (!summary.warnings.includes(warning)) summary.warnings.push(warning);
      }
    }
    // A run another process took over is that process's to finish.
    if (!leaseLost) await store.finishRun(runId, { status, summary, finishedAt: new Date().toISOString() });
    emit({ type: 'run-end', runId, status, summary });
    if (fatal) throw fatal;
    return comparison ? { runId, status, summary, comparison } : { runId, status, summary };
  } finally {
    // After finishRun: the run is never seen without its final status and without a holder.
    await claim.release();
  }
}

/** One grade function per provider entry (the fallback judge is the model under test). */
function createGrader(suite: ResolvedSuite, providers: ProviderResolver): (fallback: ResolvedProvider) => GradeFunction {
  const handles = new Map<string, ModelHandle>();
  const handleFor = (key: string, create: () => ModelHandle): ModelHandle => {
    let handle = handles.get(key);
    if (!handle) {
      handle = create();
      handles.set(key, handle);
    }
    return handle;
  };
  const graders = new Map<string, GradeFunction>();
  return (fallback) => {
    let grade = graders.get(fallback.label);
    if (!grade) {
      grade = async ({ provider, prompt, outputSchema }) => {
        const judge = provider ?? suite.options.grader;
        const handle = judge ? handleFor(judge, () => providers.resolve(judge)) : handleFor(`\u0000${fallback.label}`, () => providers.resolve(fallback));
        const response = await handle.call({ messages: [{ role: 'user', content: prompt }], settings: { temperature: 0 }, ...(outputSchema ? { outputSchema } : {}) });
        return { provider: handle.id, text: response.text };
      };
      graders.set(fallback.label, grade);
    }
    return grade;
  };
}

/**
 * The embed function of `similar` assertions: the model they name, else the suite's
 * `options.embedding`, else the registry's default. An error that would fail every further
 * call the same way (no key, 401, 404, a cassette without the recording) stops the run, as a
 * model call's does.
 */
function createEmbedder(suite: ResolvedSuite, providers: ProviderResolver, signal: AbortSignal, stopWith: (error: unknown) => void): EmbedFunction | undefined {
  const resolveEmbedding = providers.resolveEmbedding?.bind(providers);
  if (!resolveEmbedding) return undefined;
  return async ({ provider, values }) => {
    try {
      const handle = resolveEmbedding(provider ?? suite.options.embedding);
      const { embeddings } = await handle.embed({ values, abortSignal: signal });
      return { provider: handle.id, embeddings };
    } catch (error) {
      if (!signal.aborted && !failsOnlyTheCase(error)) stopWith(error);
      throw error;
    }
  };
}

async function executeCall(
  runId: string,
  call: PlannedCall,
  handle: ModelHandle,
  suite: ResolvedSuite,
  grader: (fallback: ResolvedProvider) => GradeFunction,
  embed: EmbedFunction | undefined,
  signal: AbortSignal,
): Promise<{ result: CaseResult; warnings: string[] }> {
  const { prompt, provider, testCase } = call;
  const vars = Object.keys(prompt.defaults).length ? { ...prompt.defaults, ...testCase.vars } : testCase.vars;
  const messages = await prompt.render(vars);
  const settings = {
    temperature: provider.config?.temperature ?? (prompt.config.temperature as number | undefined),
    maxTokens: provider.config?.maxTokens ?? (prompt.config.maxOutputTokens as number | undefined) ?? (prompt.config.maxTokens as number | undefined),
    topP: provider.config?.topP ?? (prompt.config.topP as number | undefined),
    seed: provider.config?.seed,
    topK: provider.config?.topK ?? (prompt.config.topK as number | undefined),
    frequencyPenalty: provider.config?.frequencyPenalty ?? (prompt.config.frequencyPenalty as number | undefined),
    presencePenalty: provider.config?.presencePenalty ?? (prompt.config.presencePenalty as number | undefined),
    stopSequences: provider.config?.stopSequences ?? (prompt.config.stopSequences as string[] | undefined),
  };

  let response: ModelResponse | undefined;
  let error: string | undefined;
  try {
    response = await handle.call({
      messages,
      tools: prompt.tools.length ? prompt.tools : undefined,
      outputSchema: prompt.outputFormat === 'json' ? prompt.outputSchema : undefined,
      settings,
      abortSignal: signal,
      repeat: call.repeat,
    });
  } catch (caught) {
    if (!failsOnlyTheCase(caught)) throw caught;
    error = (caught as ProviderError).message;
  }

  const usage = response?.usage ?? emptyUsage;
  const cost = response ? computeCost(handle.modelId, usage, suite.prices) : null;
  const assertions = [...testCase.assertions, ...(suite.promptAssertions[prompt.id] ?? [])];
  let assertionResults: AssertionResult[];
  if (response) {
    const context: AssertionContext = {
      output: response.text,
      toolCalls: response.toolCalls,
      vars,
      tags: testCase.tags,
      test: { id: testCase.id, description: testCase.description, metadata: testCase.metadata, threshold: testCase.threshold },
      latencyMs: response.latencyMs,
      finishReason: response.finishReason,
      usage,
      cost,
      prompt: promptContext(prompt, messages),
      grade: grader(provider),
      ...(embed ? { embed } : {}),
    };
    assertionResults = await evaluateAll(assertions, context);
  } else {
    assertionResults = [];
  }
  const score = response ? scoreCase(assertionResults, testCase.threshold, assertions) : { pass: false, score: 0 };

  const result: CaseResult = {
    runId,
    key: call.key,
    promptId: prompt.id,
    providerId: provider.label,
    caseId: testCase.id,
    caseIndex: testCase.index,
    repeat: call.repeat,
    vars,
    messages,
    output: response?.text ?? '',
    toolCalls: response?.toolCalls ?? [],
    ...(error === undefined ? {} : { error }),
    pass: score.pass,
    score: score.score,
    assertions: assertionResults,
    latencyMs: response?.latencyMs ?? 0,
    usage,
    cost,
    cached: response?.cached ?? false,
    finishedAt: new Date().toISOString(),
  };
  return { result, warnings: response?.warnings ?? [] };
}

const promptContextCache = new WeakMap<PromptTemplate, Omit<AssertionContext['prompt'], 'text'>>();

function promptContext(prompt: PromptTemplate, messages: { role: string; content: string }[]): AssertionContext['prompt'] {
  let base = promptContextCache.get(prompt);
  if (!base) {
    base = {
      id: prompt.id,
      contract: prompt.metadata.contract,
      outputSchema: prompt.outputSchema,
      tools: prompt.tools,
      canaries: prompt.metadata.canaries,
    };
    promptContextCache.set(prompt, base);
  }
  return {
    ...base,
    get text() {
      return messages.map((message) => `${message.role}: ${message.content}`).join('\n\n');
    },
  };
}

async function evaluateAll(assertions: readonly CompiledAssertion[], context: AssertionContext): Promise<AssertionResult[]> {
  const results: AssertionResult[] = new Array(assertions.length);
  let pending: Promise<void>[] | undefined;
  for (let index = 0; index < assertions.length; index++) {
    const outcome = assertions[index]!.evaluate(context);
    if (outcome instanceof Promise) {
      (pending ??= []).push(outcome.then((value) => void (results[index] = value)));
    } else results[index] = outcome;
  }
  if (pending) await Promise.all(pending);
  return results;
}
