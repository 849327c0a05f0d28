import { ProviderError } from '@assay/spec';

/**
 * The error with its message and hint redacted, and without its cause: the AI SDK error under it
 * holds the raw response body and request, which no sink should get to.
 */
export function redactProviderError(error: ProviderError, redact: (text: string) => string): ProviderError {
  return new ProviderError(redact(error.message), {
    provider: error.provider,
    statusCode: error.statusCode,
    isRetryable: error.isRetryable,
    retryAfterSeconds: error.retryAfterSeconds,
    concernsRequest: error.concernsRequest,
    hint: error.hint === undefined ? undefined : redact(error.hint),
    docs: error.docs,
  });
}
