export { createProviderRegistry, type ProviderRegistry } from './provider-registry.ts';
export { parseProviderId, type ParsedProviderId, type ProviderName } from './parse-provider-id.ts';
export { defaultEmbeddingModel, parseEmbeddingId, type ParsedEmbeddingId } from './create-embedding-model.ts';
export type { EmbeddingHandle, EmbeddingRequest, EmbeddingResponse } from './embedding-registry.ts';
export { EchoLanguageModel } from './echo-model.ts';
export { requestKey } from './request-key.ts';
export { toTokenUsage } from './model-call.ts';
export type {
  ModelHandle,
  ModelRequest,
  ModelResponse,
  ModelSettings,
  ModelTool,
  ProviderRegistryOptions,
  RetryInfo,
} from './types.ts';
