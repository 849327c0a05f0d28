import { Dotprompt, type Message } from 'dotprompt';
import { ConfigError, PromptMetadataSchema, type ChatMessage, type PromptMetadata } from '@assay/spec';
import { formatFieldPath, parseYamlSource } from './yaml-source.ts';
import { templateVariables } from './template-variables.ts';
import { checkTemplateCompiles } from './template-compile-check.ts';
import type { ToolDefinition } from './assertion-context.ts';

export interface PromptTemplate {
  id: string;
  file?: string;
  source: string;
  /** The frontmatter mapping as written (empty without frontmatter); the registry versions it. */
  frontmatter: Record<string, unknown>;
  /** The Handlebars body after the frontmatter, as written. */
  body: string;
  /** Model named in the frontmatter (`model:`), if any. */
  model?: string;
  config: Record<string, unknown>;
  metadata: PromptMetadata;
  /** JSON Schema of the output (from `output.schema`, Picoschema expanded). */
  outputSchema?: Record<string, unknown>;
  outputFormat?: string;
  tools: ToolDefinition[];
  /** Defaults from `input.default`. */
  defaults: Record<string, unknown>;
  /** Top-level variables the template reads. */
  variables: string[];
  /** The partials the template uses (directly or through other partials), by name, with their sources; empty when none were given. */
  partials: Record<string, string>;
  render(vars: Record<string, unknown>): Promise<ChatMessage[]>;
}

/**
 * Dotprompt's own test for frontmatter (its opening line may end in blanks), so every frontmatter
 * Dotprompt parses is parsed and checked here first, with positions and alias limits (issue 10).
 * The closing line takes no blank line of the body with it, so the body is as written.
 */
const frontmatterPattern = /^---\s*(?:\r\n|\r|\n)([\s\S]*?)(?:\r\n|\r|\n)---(?:\s*?(?:\r\n|\r|\n)|\s*$)/d;

/**
 * Compiles a Dotprompt source once; `render` is then cheap (~20 µs).
 * Metadata errors name the file and line. Templates are logic-less Handlebars: no user code runs.
 * The template is compiled fully here, so an unknown helper (or, when `partials` are given, a
 * partial not among them) is a ConfigError at its line rather than a failure at the first render.
 */
export async function compilePromptTemplate(
  source: string,
  options: { id: string; file?: string; /** The partials `{{> name}}` may include, by name. */ partials?: Record<string, string> },
): Promise<PromptTemplate> {
  const file = options.file ?? options.id;
  const frontmatter = frontmatterPattern.exec(source);
  // Lines above the YAML: the opening `---`, and any blank lines Dotprompt's pattern takes with it.
  const yamlLine = frontmatter ? source.slice(0, frontmatter.indices![1]![0]).split(/\r\n|\r|\n/).length - 1 : 0;
  const yaml = frontmatter ? parseYamlSource(frontmatter[1] ?? '', file, yamlLine) : undefined;
  const raw = (yaml?.value ?? {}) as Record<string, unknown>;
  if (yaml && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw new ConfigError('Prompt frontmatter must be a YAML mapping', { file, line: yamlLine + 1, docs: 'prompts.md' });
  }
  if (raw.model !== undefined && typeof raw.model !== 'string') {
    const position = yaml?.locate(['model']);
    throw new ConfigError('Invalid prompt frontmatter: model must be a string', {
      file,
      line: position?.line,
      column: position?.column,
      field: 'model',
      hint: 'Name the model as provider/model, e.g. "openai/gpt-4o-mini".',
      docs: 'prompts.md',
    });
  }

  const parsedMetadata = PromptMetadataSchema.safeParse(raw.metadata ?? {});
  if (!parsedMetadata.success) {
    const issue = parsedMetadata.error.issues[0]!;
    const path = ['metadata', ...issue.path];
    const position = yaml?.locate(path);
    throw new ConfigError(`Invalid prompt metadata: ${issue.message}`, {
      file,
      line: position?.line,
      column: position?.column,
      field: formatFieldPath(path),
      hint: 'See the prompt metadata fields (owner, riskTier, lastReviewed, contract) in the docs.',
      docs: 'prompts.md',
    });
  }

  const dotprompt = new Dotprompt();
  for (const [name, partial] of Object.entries(options.partials ?? {})) dotprompt.definePartial(name, partial);

  let parsed;
  let renderFunction;
  let rendered;
  try {
    parsed = dotprompt.parse(source);
    rendered = await dotprompt.renderMetadata(parsed);
    renderFunction = await dotprompt.compile(parsed);
  } catch (error) {
    throw new ConfigError(`Cannot compile prompt template: ${(error as Error).message}`, {
      file,
      hint: 'Check the Handlebars syntax ({{variable}}, {{role "user"}}, {{> partial}}) and the Picoschema in input/output.',
      docs: 'prompts.md',
    });
  }

  // Handlebars counts lines from the start of the template, which Dotprompt trims.
  const templateStart = source.lastIndexOf(parsed.template);
  const bodyStart = templateStart <= 0 ? 0 : source.slice(0, templateStart).split('\n').length - 1;
  let variables: string[];
  try {
    variables = templateVariables(parsed.template);
  } catch (error) {
    const match = /line (\d+)/.exec((error as Error).message);
    throw new ConfigError(`Invalid template syntax: ${(error as Error).message.split('\n')[0]}`, {
      file,
      line: match ? Number(match[1]) + bodyStart : undefined,
      hint: 'Every {{#block}} needs a matching {{/block}}; variables are written {{name}}.',
      docs: 'prompts.md',
    });
  }
  const usedPartials = checkTemplateCompiles(parsed.template, dotprompt, options.partials, { file, bodyStart });

  const contractSchema = parsedMetadata.data.contract?.outputSchema;
  const outputSchema = contractSchema ?? (rendered.output?.schema as Record<string, unknown> | undefined);
  const toolDefinitions = ((rendered.toolDefs ?? []) as { name: string; description?: string; inputSchema?: Record<string, unknown> }[]).map(
    (tool) => ({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema }),
  );

  return {
    id: options.id,
    file: options.file,
    source,
    frontmatter: raw,
    body: frontmatter ? source.slice(frontmatter[0].length) : source,
    model: parsed.model,
    config: (parsed.config ?? {}) as Record<string, unknown>,
    metadata: parsedMetadata.data,
    outputSchema,
    outputFormat: rendered.output?.format,
    tools: toolDefinitions,
    defaults: (parsed.input?.default ?? {}) as Record<string, unknown>,
    variables,
    partials: Object.fromEntries(usedPartials.map((name) => [name, options.partials![name]!])),
    async render(vars) {
      const result = await renderFunction({ input: vars });
      return toChatMessages(result.messages);
    },
  };
}

function toChatMessages(messages: Message[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const message of messages) {
    const content = message.content
      .map((part) => ('text' in part && typeof part.text === 'string' ? part.text : ''))
      .join('')
      .trim();
    if (!content && message.role !== 'user') continue;
    const role = message.role === 'model' ? 'assistant' : message.role;
    out.push({ role, content });
  }
  return out;
}
