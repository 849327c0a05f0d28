import { requestKey, type Deployment, type RecordedDeployment, type RecordedEmbeddingRequest } from './request-key.ts';

/** One text's cache and cassette key, the request it stands for, and where it went. */
export interface KeyedEmbedding {
  key: string;
  request: RecordedEmbeddingRequest;
  deployment?: RecordedDeployment;
}

/**
 * Keys embeddings one text at a time, so a reference text embedded for every case (the value of
 * a `similar` assertion) is stored once and answered from the cache or cassette after that.
 */
export function createEmbeddingKeyFunction(provider: string, modelId: string, deployment: Deployment, dimensions: number | undefined) {
  const recorded: RecordedDeployment = deployment.headers ? { baseUrl: deployment.baseUrl, headers: Object.keys(deployment.headers).sort() } : { baseUrl: deployment.baseUrl };
  return (text: string): KeyedEmbedding => {
    const request: RecordedEmbeddingRequest = dimensions === undefined ? { embed: text } : { embed: text, dimensions };
    return { key: requestKey(provider, modelId, request, deployment), request, deployment: recorded };
  };
}

export type EmbeddingKeyFunction = ReturnType<typeof createEmbeddingKeyFunction>;
