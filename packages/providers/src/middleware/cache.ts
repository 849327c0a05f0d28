import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LanguageModelV3Middleware } from '@ai-sdk/provider';
import { fromRecordedResponse, toRecordedResponse, type RecordedResponse } from '../recorded-response.ts';
import type { KeyFunction, RecordedDeployment, RecordedRequest } from '../request-key.ts';

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

/**
 * On-disk response cache. A hit skips the network (and the rate limiter) and is reported as
 * `cached: true`. Files are written to a temporary name and renamed, so a reader never sees half
 * an entry and concurrent runs sharing a cache directory do not corrupt each other.
 */
export function cacheMiddleware(options: CacheOptions): LanguageModelV3Middleware {
  const createdShards = new Set<string>();
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate, params }) {
      const { key, request, deployment } = options.keyOf(params);
      const shard = path.join(options.directory, key.slice(0, 2));
      const file = path.join(shard, `${key}.json`);
      const hit = await readEntry(file);
      if (hit !== undefined) return fromRecordedResponse(hit.response);

      const result = await doGenerate();
      if (result.finishReason.unified !== 'error') {
        const entry: CacheEntry = { key, provider: options.provider, model: options.modelId, request, ...(deployment ? { deployment } : {}), response: toRecordedResponse(result) };
        if (!createdShards.has(shard)) {
          await mkdir(shard, { recursive: true });
          createdShards.add(shard);
        }
        await writeAtomic(file, JSON.stringify(entry));
      }
      return result;
    },
  };
}

async function readEntry(file: string): Promise<CacheEntry | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as CacheEntry;
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
