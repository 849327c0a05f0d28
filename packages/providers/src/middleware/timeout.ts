import type { LanguageModelV3Middleware } from '@ai-sdk/provider';
import { ProviderError } from '@assay/spec';

export interface TimeoutOptions {
  provider: string;
  timeoutMs: number;
}

/**
 * Aborts an attempt after `timeoutMs` and reports it as a retryable ProviderError. Sits inside
 * the retry layer, so every attempt gets its own clock. A caller's abort passes through untouched.
 */
export function timeoutMiddleware({ provider, timeoutMs }: TimeoutOptions): LanguageModelV3Middleware {
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ params, model }) {
      const timeoutSignal = AbortSignal.timeout(timeoutMs);
      const callerSignal = params.abortSignal;
      const abortSignal = callerSignal ? AbortSignal.any([callerSignal, timeoutSignal]) : timeoutSignal;
      try {
        // `model` is the next layer inwards; calling it with new params is how a middleware
        // replaces the abort signal (doGenerate() would reuse the caller's).
        return await model.doGenerate({ ...params, abortSignal });
      } catch (error) {
        if (timeoutSignal.aborted && !callerSignal?.aborted) {
          throw new ProviderError(`${provider} request timed out after ${timeoutMs} ms`, {
            provider,
            isRetryable: true,
            hint: 'raise timeoutMs for this provider, or lower concurrency if the server is overloaded',
            docs: 'providers.md',
            cause: error,
          });
        }
        throw error;
      }
    },
  };
}
