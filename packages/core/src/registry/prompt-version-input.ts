import { createHash } from 'node:crypto';
import { ConfigError, PromptNameSchema, type PromptPartial, type StoredPromptMetadata } from '@assay/spec';
import { compilePromptTemplate, type PromptTemplate } from '../prompt-template.ts';

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
  /**
   * Every partial the template uses, directly or through another partial, sorted by name: what a
   * Dotprompt or Handlebars renderer needs besides `source` to render the version.
   */
  partials: PromptPartial[];
}

/** The fields a version's identity is made of: everything that changes what is sent to a model, or who answers for it. */
export type PromptContent = Pick<PromptVersionContent, 'template' | 'modelConfig' | 'inputSchema' | 'outputSchema' | 'metadata'> & {
  partials?: readonly Pick<PromptPartial, 'name' | 'contentHash'>[];
};

/**
 * Path segments a prompt name may not have after its first: the API's routes take names with
 * unencoded slashes (`/api/prompts/support/triage/versions`), so `support/versions` could not be
 * told from the versions of `support`.
 */
export const reservedPromptNameSegments = ['versions', 'labels', 'diff', 'changelog'] as const;

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
 * Partials travel with the prompt: `options.partials` are the partials it may use (the
 * `_name.prompt` files beside it, by name); those it uses are recorded in the version and their
 * hashes are part of its content hash, so changing a partial is a new version of every prompt
 * that uses it. A `{{> name}}` whose partial is not given is a `ConfigError` at its line.
 *
 * @param source the whole `.prompt` file
 * @param options `name` in the registry (e.g. `support/triage`); `file` for error messages (defaults to the name); `partials` by name (default none)
 * @throws ConfigError for an invalid or reserved name, invalid YAML, invalid metadata, invalid Handlebars or a missing partial
 *
 * @example
 * ```ts
 * const source = await readFile('prompts/support/triage.prompt', 'utf8');
 * const content = await promptVersionInput(source, { name: 'support/triage', file: 'prompts/support/triage.prompt' });
 * await store.pushPromptVersion(projectId, { ...content, author: 'alice@example.com', message: 'Cite sources' }, context);
 * ```
 */
export async function promptVersionInput(
  source: string,
  options: { name: string; file?: string; partials?: Readonly<Record<string, string>> },
): Promise<PromptVersionContent> {
  const file = options.file ?? options.name;
  const name = checkPromptName(options.name, file);
  const compiled = await compilePromptTemplate(source, { id: name, file, partials: { ...options.partials } });
  return promptVersionFromTemplate(compiled, name);
}

/**
 * The registry's view of a compiled prompt (see {@link promptVersionInput}): what a run records
 * to find the registry version it tested, by {@link PromptVersionContent.contentHash}.
 */
export function promptVersionFromTemplate(compiled: PromptTemplate, name: string): PromptVersionContent {
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

  const partials = Object.keys(compiled.partials)
    .sort()
    .map((partial) => ({ name: partial, source: compiled.partials[partial]!, contentHash: partialContentHash(compiled.partials[partial]!) }));
  const content: Omit<PromptVersionContent, 'name' | 'source' | 'contentHash'> = { template, modelConfig, metadata, partials };
  if (inputSection.schema !== undefined && inputSection.schema !== null) content.inputSchema = toJson(inputSection.schema);
  if (outputSection.schema !== undefined && outputSection.schema !== null) content.outputSchema = toJson(outputSection.schema);

  return { name, source: compiled.source, contentHash: promptContentHash(content), ...content };
}

/** SHA-256 (hex) of a partial's text, line endings normalised to `\n`. */
export function partialContentHash(source: string): string {
  return createHash('sha256').update(source.replace(/\r\n?/g, '\n'), 'utf8').digest('hex');
}

function checkPromptName(given: string, file: string): string {
  const hint = 'Name prompts by their path without the extension, e.g. "support/triage" for prompts/support/triage.prompt.';
  const name = PromptNameSchema.safeParse(given);
  if (!name.success) {
    const partial = /(?:^|\/)_[^/]*$/.test(given);
    throw new ConfigError(`Invalid prompt name "${given}": ${name.error.issues[0]!.message}`, {
      file,
      field: 'name',
      hint: partial
        ? `A file whose name starts with "_" is a Dotprompt partial, not a prompt: it is pushed with the prompts that use it ({{> ${given.split('/').pop()!.slice(1)}}}).`
        : hint,
      docs: 'prompts-registry.md',
    });
  }
  const reserved = name.data.split('/').slice(1).find((segment) => (reservedPromptNameSegments as readonly string[]).includes(segment));
  if (reserved !== undefined) {
    throw new ConfigError(`Invalid prompt name "${given}": "${reserved}" cannot follow a "/" in a prompt name (${reservedPromptNameSegments.join(', ')} are API route words)`, {
      file,
      field: 'name',
      hint: `/api/prompts/${name.data} would be read as a route of "${name.data.slice(0, name.data.indexOf(`/${reserved}`))}"; rename the file (e.g. ${name.data.replace(new RegExp(`/${reserved}(?=/|$)`), `/${reserved}-prompt`)}) or push it with --name.`,
      docs: 'prompts-registry.md',
    });
  }
  return name.data;
}

/**
 * SHA-256 (hex) over the canonical JSON ({@link canonicalJson}) of
 * `{ template, modelConfig, inputSchema, outputSchema, metadata, partials }`, where `partials`
 * maps each partial's name to its content hash and is left out when there are none (so versions
 * without partials hash as they did before partials were versioned). Absent and `null` schemas
 * hash alike, so a version read back from the store (where they are `null`) hashes as it was pushed.
 */
export function promptContentHash(content: PromptContent): string {
  const { template, modelConfig, inputSchema, outputSchema, metadata } = content;
  const partials = content.partials?.length ? Object.fromEntries(content.partials.map((partial) => [partial.name, partial.contentHash])) : undefined;
  const canonical = canonicalJson({ template, modelConfig, inputSchema: inputSchema ?? undefined, outputSchema: outputSchema ?? undefined, metadata, partials });
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
