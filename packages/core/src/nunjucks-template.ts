// promptfoo's templates are Nunjucks. Assay renders them with @huggingface/jinja, a Jinja
// interpreter written for untrusted chat templates: values live in its own runtime types, so a
// template reaches no JavaScript object, prototype or constructor (`{{ x.constructor }}` is
// undefined) and runs no user code. Nunjucks itself compiles templates to JavaScript and can be
// made to run arbitrary code from a template, so it is not used.
import { Environment, Interpreter, parse, tokenize } from '@huggingface/jinja';
import { ConfigError } from '@assay/spec';

/** Where a template was written, for errors. */
export interface TemplateSource {
  file: string;
  /** Lines of the file above the template's first line. */
  lineOffset?: number;
}

/** A Nunjucks template compiled once; `render` fills it with a case's vars. */
export interface NunjucksTemplate {
  /** Top-level vars the template prints unconditionally (`{{ name }}` outside `{% if %}` and `{% for %}`). */
  variables: string[];
  render(vars: Record<string, unknown>): string;
}

/** The tags the interpreter knows, by their Nunjucks names. */
const blockTags: Record<string, string> = { if: 'endif', for: 'endfor', macro: 'endmacro', filter: 'endfilter', call: 'endcall', set: 'endset' };
const innerTags = new Set(['elif', 'else', 'break', 'continue']);
/** Nunjucks filters the interpreter has (`dump` is Jinja's `tojson`). */
const supportedFilters = [
  'abs', 'capitalize', 'default', 'dump', 'first', 'float', 'int', 'items', 'join', 'last', 'length', 'list', 'lower', 'map',
  'rejectattr', 'replace', 'reverse', 'safe', 'selectattr', 'sort', 'string', 'title', 'tojson', 'trim', 'unique', 'upper', 'indent',
];
const filterRenames: Record<string, string> = { dump: 'tojson' };
const templateDocs = 'promptfoo.md#templates';

type Node = { type: string; [key: string]: unknown };

/** An identifier's name (`value` of an Identifier node). */
const nameOf = (node: unknown): string | undefined => {
  const value = (node as { value?: unknown } | undefined)?.value;
  return typeof value === 'string' ? value : undefined;
};

/** True when `text` holds Nunjucks syntax at all; plain text needs no template. */
export const hasTemplateSyntax = (text: string): boolean => /\{\{|\{%|\{#/.test(text);

/**
 * Compiles a Nunjucks template (promptfoo's prompt syntax): `{{ var }}`, `{{ var | upper }}`,
 * `{% if %}`/`{% elif %}`/`{% else %}`, `{% for x in xs %}` with `loop.index`, `{% set %}`,
 * `{# comments #}`. Nothing is trimmed: the output is the text as written, filled in.
 *
 * @throws ConfigError at the file and line of a tag or filter Assay cannot render, or of a tag left open
 * @example
 * compileNunjucks('Hello {{ name | upper }}', { file: 'prompt.txt' }).render({ name: 'ada' }); // 'Hello ADA'
 */
export function compileNunjucks(source: string, where: TemplateSource): NunjucksTemplate {
  checkTags(source, where);
  let program: { body: Node[] };
  try {
    // The lexer drops one final newline (Jinja's default); the one added here is what it drops.
    program = parse(tokenize(`${source}\n`)) as unknown as { body: Node[] };
  } catch (error) {
    throw templateError(`Cannot parse the template: ${(error as Error).message}`, where, undefined, 'Check the {{ }} and {% %} pairs; a literal "{{" is written {{ "{{" }}.');
  }
  const variables = new Set<string>();
  const bound = new Set<string>();
  const filterCalls = new WeakSet<Node>();
  walk(program, (node, conditional) => {
    if (node.type === 'FilterExpression' || node.type === 'FilterStatement') {
      filterCalls.add(node.filter as Node);
      renameFilter(node, source, where);
    }
    if (node.type === 'Set' && (node.assignee as Node).type === 'Identifier') bound.add(nameOf(node.assignee)!);
    if (node.type === 'Macro') bound.add(nameOf(node.name)!);
    const callee = node.type === 'CallExpression' && !filterCalls.has(node) && (node.callee as Node).type === 'Identifier' ? nameOf(node.callee) : undefined;
    if (callee !== undefined && !bound.has(callee)) {
      const name = callee;
      throw templateError(`Function "${name}()" is not available in templates`, where, lineOf(source, new RegExp(`\\b${name}\\s*\\(`)), 'Templates call only the macros they define; pass the value in a var instead.');
    }
    if (!conditional) {
      const printed = printedVariable(node);
      if (printed !== undefined) variables.add(printed);
    }
  });
  for (const name of bound) variables.delete(name);
  return {
    variables: [...variables],
    render(vars) {
      const environment = new Environment();
      for (const [name, value] of Object.entries({ true: true, false: false, none: null, True: true, False: false, None: null, ...vars })) {
        environment.set(name, value);
      }
      try {
        return (new Interpreter(environment).run(program as never) as { value: string }).value;
      } catch (error) {
        throw templateError(`Cannot render the template: ${(error as Error).message}`, where, undefined, 'Check the filters against the values of this case (a filter of text applied to a list, a missing var).');
      }
    },
  };
}

/**
 * promptfoo's rules for vars before a prompt is filled in: one final newline is dropped from each
 * text var, and a `{{ name }}` in a var is replaced with the var `name` (the first placeholder of
 * each var whose var exists, over and over, five passes at most). Returns new vars.
 */
export function resolveVarReferences(vars: Record<string, unknown>): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(vars)) resolved[name] = typeof value === 'string' ? value.replace(/\n$/, '') : value;
  const placeholder = /\{\{\s*(\w+)\s*\}\}/;
  for (let pass = 0, changed = true; changed && pass < 5; pass++) {
    changed = false;
    for (const [name, value] of Object.entries(resolved)) {
      const match = typeof value === 'string' ? placeholder.exec(value) : null;
      if (!match || resolved[match[1]!] === undefined) continue;
      resolved[name] = (value as string).replace(match[0], () => String(resolved[match[1]!]));
      changed = true;
    }
  }
  return resolved;
}

/**
 * promptfoo renders a var that is itself a template with the other vars before filling in a text
 * prompt. A var that does not parse as a template (code, a literal `{{`) is kept as written.
 */
export function renderVarTemplates(vars: Record<string, unknown>, where: TemplateSource): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value !== 'string' || !hasTemplateSyntax(value)) {
      rendered[name] = value;
      continue;
    }
    let template: NunjucksTemplate;
    try {
      template = compileNunjucks(value, where);
    } catch {
      rendered[name] = value;
      continue;
    }
    rendered[name] = template.render(vars);
  }
  return rendered;
}

/** `{{ name }}`, `{{ name.field }}` or `{{ name | filter }}` prints `name`; `default` makes it optional. */
function printedVariable(node: Node): string | undefined {
  let expression = node;
  while (expression.type === 'FilterExpression') {
    const filter = expression.filter as Node;
    if (nameOf(filter.type === 'Identifier' ? filter : filter.callee) === 'default') return undefined;
    expression = expression.operand as Node;
  }
  while (expression.type === 'MemberExpression') expression = expression.object as Node;
  const name = expression.type === 'Identifier' ? nameOf(expression) : undefined;
  return name === undefined || ['true', 'false', 'none', 'True', 'False', 'None', 'loop'].includes(name) ? undefined : name;
}

/**
 * Visits every node; `conditional` is true below an `{% if %}`, `{% for %}`, macro or set block,
 * and inside expressions (only a whole output statement at the top prints a var for sure).
 */
function walk(program: { body: Node[] }, visit: (node: Node, conditional: boolean) => void): void {
  const visitValue = (value: unknown, conditional: boolean): void => {
    if (Array.isArray(value)) for (const item of value) visitValue(item, conditional);
    else if (value instanceof Map) for (const entry of value) visitValue(entry, conditional);
    else if (value && typeof value === 'object' && typeof (value as Node).type === 'string') visitNode(value as Node, conditional);
  };
  const visitNode = (node: Node, conditional: boolean): void => {
    visit(node, conditional);
    for (const [key, value] of Object.entries(node)) {
      if (key !== 'type' && key !== 'operator') visitValue(value, true);
    }
  };
  for (const statement of program.body) visitNode(statement, false);
}

function renameFilter(node: Node, source: string, where: TemplateSource): void {
  const filter = node.filter as Node;
  const identifier = (filter.type === 'Identifier' ? filter : filter.callee) as Node & { value: string };
  const name = identifier.value;
  if (!supportedFilters.includes(name)) {
    throw templateError(
      `Filter "${name}" is not available in Assay's templates`,
      where,
      lineOf(source, new RegExp(`\\|\\s*${name}\\b`)),
      `Available filters: ${supportedFilters.join(', ')}. promptfoo's nunjucksFilters (JavaScript) are not run.`,
    );
  }
  identifier.value = filterRenames[name] ?? name;
}

/** Tags are checked by name and nesting before parsing, so an error names the tag and its line. */
function checkTags(source: string, where: TemplateSource): void {
  const open: { tag: string; line: number }[] = [];
  for (const match of source.matchAll(/\{%-?\s*(\w+)([^%]*)%\}/g)) {
    const tag = match[1]!;
    const line = source.slice(0, match.index).split('\n').length;
    if (tag in blockTags) {
      // `{% set x = value %}` needs no end tag; `{% set x %}…{% endset %}` does.
      if (tag !== 'set' || !match[2]!.includes('=')) open.push({ tag, line });
    } else if (Object.values(blockTags).includes(tag)) {
      const last = open.pop();
      if (last === undefined || blockTags[last.tag] !== tag) {
        throw templateError(`{% ${tag} %} without a matching {% ${Object.keys(blockTags).find((key) => blockTags[key] === tag)} %}`, where, line, last ? `The {% ${last.tag} %} on line ${last.line} is still open.` : 'Remove it, or add the opening tag.');
      }
    } else if (!innerTags.has(tag)) {
      throw templateError(
        `Template tag {% ${tag} %} is not available in Assay's templates`,
        where,
        line,
        'Assay renders {% if %}/{% elif %}/{% else %}, {% for %}, {% set %}, {% macro %} and {# comments #}; {% include %}, {% extends %}, {% raw %} and custom tags are not. Inline the text, or pass it as a var.',
      );
    }
  }
  const unclosed = open.pop();
  if (unclosed) throw templateError(`{% ${unclosed.tag} %} is never closed`, where, unclosed.line, `Add {% ${blockTags[unclosed.tag]} %} where the block ends.`);
}

function lineOf(source: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(source);
  return match ? source.slice(0, match.index).split('\n').length : undefined;
}

function templateError(message: string, where: TemplateSource, line: number | undefined, hint: string): ConfigError {
  return new ConfigError(message, { file: where.file, line: line === undefined ? undefined : line + (where.lineOffset ?? 0), hint, docs: templateDocs });
}
