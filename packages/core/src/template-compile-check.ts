import Handlebars from 'handlebars';
import type { Dotprompt } from 'dotprompt';
import { ConfigError } from '@assay/spec';

/** Handlebars' own helpers: known to every template without being registered. */
const handlebarsHelpers = ['if', 'unless', 'each', 'with', 'lookup', 'log'];

interface TemplateLocation {
  /** The prompt file, for errors. */
  file: string;
  /** Lines of the file before the template's first line (the frontmatter and blank lines Dotprompt trims). */
  bodyStart: number;
}

interface PartialUse {
  name: string;
  line: number;
}

/** How a partial was reached: the partials on the way, and the prompt-file line of the outermost `{{> }}`. */
interface Inclusion {
  chain: string[];
  line: number;
}

/**
 * Compiles a template and every partial it uses exactly as Dotprompt will (`knownHelpersOnly`),
 * now rather than at the first render: Dotprompt compiles lazily, so an unknown helper or a
 * missing partial would otherwise pass `assay validate` and stop `assay eval` mid-run.
 * Without `partials` (a file pushed to the registry, whose partials live elsewhere) partial uses
 * are not checked.
 *
 * @returns the names of the partials the template uses, directly or through other partials, in the order first reached
 * @throws ConfigError at the file and line of the unknown helper or missing partial
 */
export function checkTemplateCompiles(template: string, dotprompt: Dotprompt, partials: Record<string, string> | undefined, location: TemplateLocation): string[] {
  const reached = new Set<string>();
  // Dotprompt keeps its helper registry private; it is what its own compile passes to Handlebars.
  const knownHelpers = { ...(dotprompt as unknown as { knownHelpers: Record<string, boolean> }).knownHelpers };
  const options = { knownHelpers, knownHelpersOnly: true, noEscape: true };
  const available = [...Object.keys(knownHelpers), ...handlebarsHelpers].join(', ');

  // Inside a partial, errors point at the prompt-file line that (first) includes it.
  const check = (text: string, inclusion?: Inclusion): void => {
    const lineOf = (line: number | undefined) => inclusion?.line ?? (line === undefined ? undefined : line + location.bodyStart);
    const where = (line: number | undefined) => (inclusion && line !== undefined ? ` (line ${line} of partial "${inclusion.chain.join('" → "')}")` : '');
    try {
      Handlebars.precompile(text, options);
    } catch (error) {
      const { message, lineNumber, column } = error as Error & { lineNumber?: number; column?: number };
      const helper = /unknown helper (\S+)/.exec(message)?.[1];
      throw new ConfigError(
        helper ? `Unknown template helper "${helper}"${where(lineNumber)}` : `Cannot compile prompt template: ${message.split('\n')[0]}${where(lineNumber)}`,
        {
          file: location.file,
          line: lineOf(lineNumber),
          column: inclusion || column === undefined ? undefined : column + 1,
          hint: `Prompt templates may use only these helpers: ${available}. A variable is written {{name}}, without arguments.`,
          docs: 'prompts.md#template',
        },
      );
    }
    if (partials === undefined) return;
    for (const use of partialUses(Handlebars.parse(text))) {
      const source = partials[use.name];
      if (source === undefined) {
        throw new ConfigError(`Partial "${use.name}" not found${where(use.line)}`, {
          file: location.file,
          line: lineOf(use.line),
          hint: `Create _${use.name}.prompt in the prompt's folder, or fix the name in {{> ${use.name}}}.`,
          docs: 'prompts.md#template',
        });
      }
      if (inclusion?.chain.includes(use.name)) continue; // recursion is Handlebars' business, not an endless check
      reached.add(use.name);
      check(source, { chain: [...(inclusion?.chain ?? []), use.name], line: lineOf(use.line)! });
    }
  };
  check(template);
  return [...reached];
}

/** `{{> name}}` uses with a literal name, minus inline partials the template defines itself. */
function partialUses(program: hbs.AST.Program): PartialUse[] {
  const uses: PartialUse[] = [];
  const inline = new Set<string>();
  const visit = (node: hbs.AST.Program | undefined): void => {
    for (const statement of node?.body ?? []) {
      if (statement.type === 'PartialStatement' || statement.type === 'PartialBlockStatement') {
        const partial = statement as hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement;
        // The types say a path or a subexpression (a dynamic name); the grammar also takes `{{> "name"}}`.
        const name = partial.name as hbs.AST.Node;
        if (name.type === 'PathExpression' && !(name as hbs.AST.PathExpression).data) {
          uses.push({ name: (name as hbs.AST.PathExpression).original, line: partial.loc.start.line });
        } else if (name.type === 'StringLiteral') uses.push({ name: (name as hbs.AST.StringLiteral).value, line: partial.loc.start.line });
        if (statement.type === 'PartialBlockStatement') visit((statement as hbs.AST.PartialBlockStatement).program);
      } else if (statement.type === 'BlockStatement' || statement.type === 'DecoratorBlock') {
        const block = statement as hbs.AST.BlockStatement;
        const first = block.params[0];
        if (statement.type === 'DecoratorBlock' && (block.path as hbs.AST.PathExpression).original === 'inline' && first?.type === 'StringLiteral') {
          inline.add((first as hbs.AST.StringLiteral).value);
        }
        visit(block.program);
        visit(block.inverse);
      }
    }
  };
  visit(program);
  return uses.filter((use) => !inline.has(use.name));
}
