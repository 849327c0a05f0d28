import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmbeddingModelV3Middleware, EmbeddingModelV3Result, LanguageModelV3Middleware } from '@ai-sdk/provider';
import type { EmbeddingKeyFunction } from '../embedding-request-key.ts';
import { cachedMetadata, fromRecordedResponse, toRecordedResponse, type RecordedResponse } from '../recorded-response.ts';
import type { KeyFunction, RecordedDeployment, RecordedEmbeddingRequest, RecordedRequest } from '../request-key.ts';

export interface CacheOptions {
  /** Absolute directory; entries live at `<directory>/<key[0..2]>/<key>.json`. */
  directory: string;
  provider: string;
  modelId: string;
  keyOf: KeyFunction;
}

/** One cache file: the same shape as a cassette line. */
export interface CacheEntry {
  key: string;
  provider: string;
  model: string;
  request: RecordedRequest;
  /** Where the response came from (base URL, names of the headers keyed); absent in entries recorded before deployments were keyed. */
  deployment?: RecordedDeployment;
  response: RecordedResponse;
}

/** One cached embedding: one text's vector (a cassette line has the same shape). */
export interface EmbeddingCacheEntry {
  key: string;
  provider: string;
  model: string;
  request: RecordedEmbeddingRequest;
  deployment?: RecordedDeployment;
  response: { embedding: number[] };
}

/**
 * On-disk response cache. A hit skips the network (and the rate limiter) and is reported as
 * `cached: true`. Files are written to a temporary name and renamed, so a reader never sees half
 * an entry and concurrent runs sharing a cache directory do not corrupt each other.
 */
export function cacheMiddleware(options: CacheOptions): LanguageModelV3Middleware {
  const store = entryStore(options.directory);
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate, params }) {
      const { key, request, deployment } = options.keyOf(params);
      const hit = await readEntry<CacheEntry>(store.file(key));
      if (hit !== undefined) return fromRecordedResponse(hit.response);

      const result = await doGenerate();
      if (result.finishReason.unified !== 'error') {
        await store.write({ key, provider: options.provider, model: options.modelId, request, ...(deployment ? { deployment } : {}), response: toRecordedResponse(result) });
      }
      return result;
    },
  };
}

/**
 * The cache for embedding models, one entry per text: a call embeds only the texts not cached
 * yet, and is reported as cached when every text was.
 */
export function embeddingCacheMiddleware(options: { directory: string; provider: string; modelId: string; keyOf: EmbeddingKeyFunction }): EmbeddingModelV3Middleware {
  const store = entryStore(options.directory);
  return {
    specificationVersion: 'v3',
    async wrapEmbed({ params, model }) {
      const keyed = params.values.map(options.keyOf);
      const hits = await Promise.all(keyed.map(({ key }) => readEntry<EmbeddingCacheEntry>(store.file(key))));
      const embeddings = hits.map((hit) => (Array.isArray(hit?.response?.embedding) ? hit.response.embedding : undefined));
      return embedMissing(embeddings, params.values, (values) => model.doEmbed({ ...params, values }), async (index, embedding) => {
        const { key, request, deployment } = keyed[index]!;
        await store.write({ key, provider: options.provider, model: options.modelId, request, ...(deployment ? { deployment } : {}), response: { embedding } });
      });
    },
  };
}

/**
 * Fills the gaps of `known` (one slot per value) with one call for the missing values, hands each
 * new vector to `keep`, and marks the result cached when nothing was missing.
 */
export async function embedMissing(
  known: (number[] | undefined)[],
  values: readonly string[],
  embed: (values: string[]) => PromiseLike<EmbeddingModelV3Result>,
  keep: (index: number, embedding: number[]) => Promise<void>,
): Promise<EmbeddingModelV3Result> {
  const missing = known.flatMap((embedding, index) => (embedding === undefined ? [index] : []));
  if (missing.length === 0) return { embeddings: known as number[][], warnings: [], providerMetadata: cachedMetadata };
  const result = await embed(missing.map((index) => values[index]!));
  const embeddings = [...known];
  for (const [position, index] of missing.entries()) {
    const embedding = result.embeddings[position];
    if (embedding === undefined) break;
    embeddings[index] = embedding;
    await keep(index, embedding);
  }
  return { ...result, embeddings: embeddings.filter((embedding) => embedding !== undefined) };
}

/** Entry files at `<directory>/<key[0..2]>/<key>.json`, each shard folder created once. */
function entryStore(directory: string) {
  const createdShards = new Set<string>();
  return {
    file: (key: string) => path.join(directory, key.slice(0, 2), `${key}.json`),
    async write(entry: CacheEntry | EmbeddingCacheEntry) {
      const shard = path.join(directory, entry.key.slice(0, 2));
      if (!createdShards.has(shard)) {
        await mkdir(shard, { recursive: true });
        createdShards.add(shard);
      }
      await writeAtomic(path.join(shard, `${entry.key}.json`), JSON.stringify(entry));
    },
  };
}

async function readEntry<Entry>(file: string): Promise<Entry | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as Entry;
  } catch {
    return undefined; // a damaged entry is a miss; the next write replaces it
  }
}

let temporarySequence = 0;

export async function writeAtomic(file: string, contents: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${++temporarySequence}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, file);
}
