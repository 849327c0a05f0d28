import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compilePromptfooPrompt, compilePromptTemplate, type PromptTemplate } from '@assay/core';
import { ConfigError } from '@assay/spec';
import type { ConfigLocator } from './config-location.ts';

/**
 * A prompt to load. `syntax: 'nunjucks'` marks a promptfoo prompt: its templates are Nunjucks and it
 * is filled in as promptfoo fills it (see compilePromptfooPrompt); `.json` and `.yaml` prompt files
 * are always read that way.
 */
export type PromptSpec =
  | { kind: 'file'; file: string; id?: string; label?: string; syntax?: 'nunjucks' }
  | { kind: 'inline'; template: string; id?: string; label?: string; syntax?: 'nunjucks' }
  | { kind: 'chat'; messages: { role: string; content: string }[]; id: string };

const partialCache = new Map<string, Record<string, string>>();

/** Dotprompt partials: `_name.prompt` files next to the prompt, by name (`knowledge-base`), as read. */
export function partialsIn(directory: string): Record<string, string> {
  let partials = partialCache.get(directory);
  if (partials) return partials;
  partials = {};
  for (const entry of existsSync(directory) ? readdirSync(directory) : []) {
    if (entry.startsWith('_') && entry.endsWith('.prompt')) {
      partials[entry.slice(1, -'.prompt'.length)] = readFileSync(path.join(directory, entry), 'utf8');
    }
  }
  partialCache.set(directory, partials);
  return partials;
}

/** Dotprompt source for a chat-message list (promptfoo's JSON prompt files). */
function chatToDotprompt(messages: { role: string; content: string }[]): string {
  return messages
    .map((message) => `{{role "${message.role === 'assistant' ? 'model' : message.role}"}}\n${message.content}`)
    .join('\n');
}

export async function loadPrompt(spec: PromptSpec, locator: ConfigLocator, fieldPath: PropertyKey[], baseDirectory: string): Promise<PromptTemplate> {
  if (spec.kind === 'file') {
    const file = path.resolve(baseDirectory, spec.file);
    if (!existsSync(file)) {
      throw locator.error(
        `Prompt file not found: ${spec.file}`,
        fieldPath,
        `Paths are relative to ${path.relative(process.cwd(), baseDirectory) || '.'}; create the file or fix the path.`,
        'prompts.md',
      );
    }
    if (spec.syntax === 'nunjucks' && /\.(c|m)?(js|ts)$|\.py$/.test(file)) {
      throw locator.error(
        `Prompt file ${spec.file} is a prompt function, which Assay does not run`,
        fieldPath,
        'Assay never runs code from a config. Write the prompt as a template (.txt, .json or .yaml chat messages, or a .prompt file) and pass the changing parts as vars.',
        'promptfoo.md#templates',
      );
    }
    const source = readFileSync(file, 'utf8');
    const relative = path.relative(process.cwd(), file);
    const id = spec.label ?? spec.id ?? path.basename(file).replace(/\.prompt$/, '');
    const format = /\.json$/i.test(file) ? 'json' : /\.ya?ml$/i.test(file) ? 'yaml' : spec.syntax === 'nunjucks' && !file.endsWith('.prompt') ? 'text' : undefined;
    if (format) return compilePromptfooPrompt(source, { id, file: relative, format });
    const body = file.endsWith('.prompt') ? source : escapeFrontmatter(source);
    return compilePromptTemplate(body, { id, file: relative, partials: partialsIn(path.dirname(file)) });
  }
  if (spec.kind === 'chat') {
    return compilePromptTemplate(chatToDotprompt(spec.messages), { id: spec.id, file: locator.file });
  }
  const id = spec.label ?? spec.id ?? spec.template.replace(/\s+/g, ' ').slice(0, 40);
  try {
    if (spec.syntax === 'nunjucks') return compilePromptfooPrompt(spec.template, { id, file: locator.file, format: 'text' });
    return await compilePromptTemplate(escapeFrontmatter(spec.template), { id });
  } catch (error) {
    // Lines of an inline template count from its own first line, not the suite file's.
    if (ConfigError.isInstance(error) && error instanceof ConfigError && error.line !== undefined) {
      const templatePath = locator.line([...fieldPath, 'template']) === undefined ? fieldPath : [...fieldPath, 'template'];
      throw locator.error(`${error.message} (line ${error.line} of the template)`, templatePath, error.hint, error.docs);
    }
    locator.relocate(error, fieldPath);
  }
}

/** Plain-text prompts may start with `---`; keep Dotprompt from reading that as frontmatter. */
function escapeFrontmatter(text: string): string {
  return text.startsWith('---') ? `\n${text}` : text;
}
