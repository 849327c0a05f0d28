import { createHash } from 'node:crypto';
import { ConfigError, PromptNameSchema, type StoredPromptMetadata } from '@assay/spec';
import { compilePromptTemplate } from '../prompt-template.ts';

/**
 * What a push of one `.prompt` file sends to the registry: the fields of `PushPromptVersionInput`
 * except `author` and `message`, which come from whoever pushes.
 */
export interface PromptVersionContent {
  name: string;
  /** The whole `.prompt` file, as read. */
  source: string;
  /** SHA-256 (hex) of the content; see {@link promptContentHash}. */
  contentHash: string;
  /** The Handlebars body: line endings normalised to `\n`, outer whitespace trimmed (Dotprompt trims it too). */
  template: string;
  /**
   * Frontmatter `model`, `config`, `tools` and every other top-level key except `input`, `output`
   * and `metadata`; plus `outputFormat` (from `output.format`) and `inputDefaults` (from
   * `input.default`) when given.
   */
  modelConfig: { model?: string; [key: string]: unknown };
  /** Frontmatter `input.schema` as written (Picoschema or JSON Schema). */
  inputSchema?: unknown;
  /** Frontmatter `output.schema` as written (Picoschema or JSON Schema). */
  outputSchema?: unknown;
  /** Frontmatter `metadata`, parsed; `lastReviewed` is a `YYYY-MM-DD` string. */
  metadata: StoredPromptMetadata;
}

/** The fields a version's identity is made of: everything that changes what is sent to a model, or who answers for it. */
export type PromptContent = Pick<PromptVersionContent, 'template' | 'modelConfig' | 'inputSchema' | 'outputSchema' | 'metadata'>;


/**
 * Reads a Dotprompt `.prompt` file into what the registry stores for one version, after validating
 * it exactly as an eval run would (`compilePromptTemplate`), so a malformed file fails here with a
 * `ConfigError` naming the file, line and field rather than reaching the registry.
 *
 * The content hash covers the template, model config, schemas and metadata, not the file's bytes:
 * reformatting or commenting the YAML frontmatter, reordering its keys, or changing whitespace
 * around the body yields the same hash (and so no new version); any change to the template text,
 * or to a frontmatter value, yields a new one. See {@link promptContentHash}.
 *
 * @param source the whole `.prompt` file
 * @param options `name` in the registry (e.g. `support/triage`); `file` for error messages (defaults to the name)
 * @throws ConfigError for an invalid name, invalid YAML, invalid metadata or invalid Handlebars
 *
 * @example
 * ```ts
 * const source = await readFile('prompts/support/triage.prompt', 'utf8');
 * const content = await promptVersionInput(source, { name: 'support/triage', file: 'prompts/support/triage.prompt' });
 * await store.pushPromptVersion(projectId, { ...content, author: 'alice@example.com', message: 'Cite sources' }, context);
 * ```
 */
export async function promptVersionInput(source: string, options: { name: string; file?: string }): Promise<PromptVersionContent> {
  const file = options.file ?? options.name;
  const name = PromptNameSchema.safeParse(options.name);
  if (!name.success) {
    throw new ConfigError(`Invalid prompt name "${options.name}": ${name.error.issues[0]!.message}`, {
      file,
      field: 'name',
      hint: 'Name prompts by their path without the extension, e.g. "support/triage" for prompts/support/triage.prompt.',
      docs: 'prompts.md',
    });
  }

  const compiled = await compilePromptTemplate(source, { id: name.data, file });

  const template = compiled.body.replace(/\r\n?/g, '\n').trim();
  const { input, output, metadata: _metadata, ...rest } = compiled.frontmatter;
  const inputSection = asRecord(input);
  const outputSection = asRecord(output);
  const modelConfig = toJson({
    ...rest,
    ...(outputSection.format !== undefined && { outputFormat: outputSection.format }),
    // Defaults change what is rendered, so they are part of the version like the output format.
    ...(inputSection.default !== undefined && { inputDefaults: inputSection.default }),
  }) as PromptVersionContent['modelConfig'];

  const parsedMetadata = compiled.metadata;
  const metadata = toJson({
    ...parsedMetadata,
    lastReviewed: parsedMetadata.lastReviewed instanceof Date ? parsedMetadata.lastReviewed.toISOString().slice(0, 10) : parsedMetadata.lastReviewed,
  }) as StoredPromptMetadata;

  const content: PromptContent = { template, modelConfig, metadata };
  if (inputSection.schema !== undefined && inputSection.schema !== null) content.inputSchema = toJson(inputSection.schema);
  if (outputSection.schema !== undefined && outputSection.schema !== null) content.outputSchema = toJson(outputSection.schema);

  return { name: name.data, source, contentHash: promptContentHash(content), ...content };
}

/**
 * SHA-256 (hex) over the canonical JSON ({@link canonicalJson}) of
 * `{ template, modelConfig, inputSchema, outputSchema, metadata }`. Absent and `null` schemas hash
 * alike, so a version read back from the store (where they are `null`) hashes as it was pushed.
 */
export function promptContentHash(content: PromptContent): string {
  const { template, modelConfig, inputSchema, outputSchema, metadata } = content;
  const canonical = canonicalJson({ template, modelConfig, inputSchema: inputSchema ?? undefined, outputSchema: outputSchema ?? undefined, metadata });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * JSON with object keys sorted (by UTF-16 code units, at every depth) and `undefined` properties
 * left out. Without `indent` it is compact and, for JSON values, matches RFC 8785 (JCS), so other
 * languages can reproduce a content hash. With `indent` it is the same text pretty-printed.
 */
export function canonicalJson(value: unknown, indent?: number): string {
  return write(value, indent === undefined ? '' : ' '.repeat(indent), '') ?? 'null';
}

function write(value: unknown, indent: string, current: string): string | undefined {
  const json = value !== null && typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function' ? value.toJSON() : value;
  if (json === null || typeof json !== 'object') return JSON.stringify(json);
  const inner = current + indent;
  const open = indent ? `\n${inner}` : '';
  const close = indent ? `\n${current}` : '';
  const separator = indent ? `,\n${inner}` : ',';
  if (Array.isArray(json)) {
    if (json.length === 0) return '[]';
    return `[${open}${json.map((item) => write(item, indent, inner) ?? 'null').join(separator)}${close}]`;
  }
  const members: string[] = [];
  for (const key of Object.keys(json).sort()) {
    const member = write((json as Record<string, unknown>)[key], indent, inner);
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${indent ? ' ' : ''}${member}`);
  }
  if (members.length === 0) return '{}';
  return `{${open}${members.join(separator)}${close}}`;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** What the registry will store and hand back (dates become strings, `undefined` disappears). */
function toJson(value: unknown): unknown {
  return JSON.parse(canonicalJson(value));
}
