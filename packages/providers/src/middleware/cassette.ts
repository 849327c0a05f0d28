import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { EmbeddingModelV3Middleware, LanguageModelV3Middleware, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { ConfigError, ProviderError } from '@assay/spec';
import { fromRecordedResponse, toRecordedResponse } from '../recorded-response.ts';
import type { EmbeddingKeyFunction } from '../embedding-request-key.ts';
import type { KeyFunction } from '../request-key.ts';
import { embedMissing, writeAtomic, type CacheEntry, type EmbeddingCacheEntry } from './cache.ts';

/** One cassette line: a model response, or one text's embedding. See docs/cassettes.md. */
export type CassetteEntry = CacheEntry | EmbeddingCacheEntry;

export type CassetteMode = 'record' | 'replay';

/**
 * A JSONL file of recorded responses keyed by request hash. Loaded once into a Map (a later line
 * for a key wins); `record` keeps earlier entries and appends each response it records as it
 * arrives, before the call returns, so a killed recording keeps every call that finished and a
 * resumed one completes the file; `flush()` then rewrites it sorted by key, one line per key.
 * `replay` never touches the network.
 */
export class Cassette {
  readonly path: string;
  readonly mode: CassetteMode;
  #entries: Promise<Map<string, CassetteEntry>> | undefined;
  #dirty = false;
  /** The file opened for appending, once something is recorded. */
  #appendHandle: Promise<FileHandle> | undefined;
  /** Appends in order: each waits for the one before. */
  #appending: Promise<void> = Promise.resolve();
  /** The file does not end with a newline: the first append starts a line. */
  #startsLine = false;
  /** Embeddings recorded by this process: a text embedded again is not sent again. */
  #recordedNow = new Set<string>();

  constructor(file: string, mode: CassetteMode) {
    this.path = file;
    this.mode = mode;
  }

  /** Reads the file the first time it is needed; later calls share the same Map. */
  entries(): Promise<Map<string, CassetteEntry>> {
    this.#entries ??= this.#load();
    return this.#entries;
  }

  async #load(): Promise<Map<string, CassetteEntry>> {
    const entries = new Map<string, CassetteEntry>();
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (this.mode === 'replay') {
        throw new ConfigError(`cassette ${this.path} does not exist`, {
          file: this.path,
          hint: 're-run with --record to create it',
          docs: 'cassettes.md',
        });
      }
      return entries;
    }
    const lines = text.split('\n');
    this.#startsLine = text !== '' && !text.endsWith('\n');
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index]!.trim();
      if (line === '') continue;
      let entry: CassetteEntry;
      try {
        entry = JSON.parse(line) as CassetteEntry;
      } catch (error) {
        if (this.mode === 'record' && index === lines.length - 1) {
          // The last line of a recording that was killed mid-write: it is recorded again, and the
          // file is rewritten without it before anything is appended.
          await this.#rewrite(entries);
          break;
        }
        throw new ConfigError(`cassette line ${index + 1} is not valid JSON`, { file: this.path, line: index + 1, hint: 'fix or delete the line, or re-record with --record', docs: 'cassettes.md', cause: error });
      }
      if (typeof entry.key !== 'string' || typeof entry.response !== 'object' || entry.response === null) {
        throw new ConfigError('cassette entry needs "key" and "response"', { file: this.path, line: index + 1, docs: 'cassettes.md' });
      }
      entries.set(entry.key, entry);
    }
    return entries;
  }

  /** Rewrites the cassette (record mode, when something was recorded): one line per key, sorted. */
  async flush(): Promise<void> {
    if (this.mode !== 'record' || !this.#dirty || this.#entries === undefined) return;
    const entries = await this.#entries;
    await this.#appending;
    const handle = this.#appendHandle;
    this.#appendHandle = undefined;
    if (handle) await (await handle).close();
    await this.#rewrite(entries);
    this.#dirty = false;
  }

  async #rewrite(entries: Map<string, CassetteEntry>): Promise<void> {
    const keys = [...entries.keys()].sort();
    let out = '';
    for (const key of keys) out += JSON.stringify(entries.get(key)) + '\n';
    await mkdir(path.dirname(this.path), { recursive: true });
    await writeAtomic(this.path, out);
    this.#startsLine = false;
  }

  /** Appends one entry to the file; resolves once it is written (it survives the process being killed). */
  #append(entry: CassetteEntry): Promise<void> {
    const written = this.#appending.then(async () => {
      this.#appendHandle ??= mkdir(path.dirname(this.path), { recursive: true }).then(() => open(this.path, 'a'));
      const handle = await this.#appendHandle;
      await handle.write(`${this.#startsLine ? '\n' : ''}${JSON.stringify(entry)}\n`);
      this.#startsLine = false;
    });
    this.#appending = written.catch(() => {});
    return written;
  }

  /**
   * Records and replays embeddings one text at a time (as the cache does): a replay needs every
   * text's recording; a recording sends only the texts it has not recorded yet in this process.
   */
  embeddingMiddleware(options: { provider: string; modelId: string; keyOf: EmbeddingKeyFunction }): EmbeddingModelV3Middleware {
    const { provider, modelId, keyOf } = options;
    return {
      specificationVersion: 'v3',
      wrapEmbed: async ({ params, model }) => {
        const entries = await this.entries();
        const keyed = params.values.map(keyOf);
        const known = keyed.map(({ key }) => {
          const entry = entries.get(key) as EmbeddingCacheEntry | undefined;
          return entry && (this.mode === 'replay' || this.#recordedNow.has(key)) && Array.isArray(entry.response.embedding) ? entry.response.embedding : undefined;
        });
        const missing = known.findIndex((embedding) => embedding === undefined);
        if (this.mode === 'replay' && missing !== -1) {
          const { key } = keyed[missing]!;
          throw new ProviderError(`no cassette recording of the embedding by ${provider}:${modelId} of ${describeText(params.values[missing]!)} (key ${key.slice(0, 12)}) in ${this.path}`, {
            provider,
            isRetryable: false,
            hint: 're-run with --record to record it (the output, the expected text or the embedding model changed since the recording)',
            docs: 'cassettes.md',
          });
        }
        return embedMissing(known, params.values, (values) => model.doEmbed({ ...params, values }), async (index, embedding) => {
          const { key, request, deployment } = keyed[index]!;
          const entry: EmbeddingCacheEntry = { key, provider, model: modelId, request, ...(deployment ? { deployment } : {}), response: { embedding } };
          entries.set(key, entry);
          this.#recordedNow.add(key);
          this.#dirty = true;
          await this.#append(entry);
        });
      },
    };
  }

  middleware(options: { provider: string; modelId: string; keyOf: KeyFunction }): LanguageModelV3Middleware {
    const { provider, modelId, keyOf } = options;
    return {
      specificationVersion: 'v3',
      wrapGenerate: async ({ doGenerate, params }) => {
        const entries = await this.entries();
        const { key, request, deployment, legacyKey } = keyOf(params);
        // An entry recorded before deployments were keyed (it has none) answers for any deployment.
        const legacy = legacyKey === undefined ? undefined : entries.get(legacyKey);
        const recordedBefore = legacy !== undefined && legacy.deployment === undefined ? legacy : undefined;
        if (this.mode === 'replay') {
          const entry = (entries.get(key) ?? recordedBefore) as CacheEntry | undefined;
          if (entry !== undefined) return fromRecordedResponse(entry.response);
          throw new ProviderError(
            `no cassette recording for ${provider}:${modelId} prompt ${describePrompt(params.prompt)} (key ${key.slice(0, 12)}) in ${this.path}`,
            { provider, isRetryable: false, hint: 're-run with --record to record it (the prompt, settings, tools or model changed since the recording)', docs: 'cassettes.md' },
          );
        }
        const result = await doGenerate();
        // Recorded again for its deployment, the request's entry from before replaces the old one.
        if (recordedBefore !== undefined) entries.delete(legacyKey!);
        const entry: CassetteEntry = { key, provider, model: modelId, request, ...(deployment ? { deployment } : {}), response: toRecordedResponse(result) };
        entries.set(key, entry);
        this.#dirty = true;
        await this.#append(entry);
        return result;
      },
    };
  }
}

/** The last user message, shortened: enough for someone to find the case. */
function describePrompt(prompt: LanguageModelV3Prompt): string {
  for (let index = prompt.length - 1; index >= 0; index--) {
    const message = prompt[index]!;
    if (message.role !== 'user') continue;
    let text = '';
    for (const part of message.content) if (part.type === 'text') text += part.text;
    return describeText(text);
  }
  return '(no user message)';
}

function describeText(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine);
}
