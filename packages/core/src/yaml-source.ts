import { isMap, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import { ConfigError } from '@assay/spec';

export interface SourcePosition {
  line: number;
  column: number;
}

/** A parsed YAML document that can say where any value came from. */
export interface YamlSource {
  value: unknown;
  /** Line/column (1-based) of the value at `path`, or of its nearest existing parent. */
  locate(path: readonly PropertyKey[]): SourcePosition | undefined;
}

/**
 * Parses YAML keeping source positions, so schema errors can name a line.
 * @param lineOffset added to every line (for frontmatter that starts below a `---`).
 */
export function parseYamlSource(text: string, file: string, lineOffset = 0): YamlSource {
  const lineCounter = new LineCounter();
  const document: Document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const first = document.errors[0];
  if (first) {
    const position = first.linePos?.[0];
    throw new ConfigError(`Invalid YAML: ${first.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`, {
      file,
      line: position ? position.line + lineOffset : undefined,
      column: position?.col,
      hint: 'Check indentation and quoting on that line; strings containing ": " or starting with "{" need quotes.',
      docs: 'configuration.md',
    });
  }
  return {
    value: toValue(document, file, lineCounter, lineOffset),
    locate(path) {
      let node: unknown = document.contents;
      let found: Node | undefined = node as Node | undefined;
      for (const key of path) {
        if (isMap(node)) node = node.get(key, true);
        else if (isSeq(node) && typeof key === 'number') node = node.get(key, true);
        else break;
        if (node && typeof node === 'object' && 'range' in node) found = node as Node;
        else break;
      }
      const offset = found?.range?.[0];
      if (offset === undefined) return undefined;
      const position = lineCounter.linePos(offset);
      return { line: position.line + lineOffset, column: position.col };
    },
  };
}

/** Aliases (`*name`) may expand to at most this many nodes per anchor: plenty for `<<: *defaults`, not a billion laughs. */
const maxAliasCount = 100;

/**
 * The document as plain values. yaml refuses an alias it cannot resolve, or aliases nested so they
 * expand without bound (issue 10: a "billion laughs" frontmatter was a 500 and exit 70), with a
 * ReferenceError; that is a mistake in the file, at the alias.
 */
function toValue(document: Document, file: string, lineCounter: LineCounter, lineOffset: number): unknown {
  try {
    return document.toJS({ maxAliasCount });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const unresolved = /^Unresolved alias[^:]*: (.+)$/.exec(error.message)?.[1];
    let alias: Alias | undefined;
    visit(document, {
      Alias(_key, node) {
        if (unresolved !== undefined && node.source !== unresolved) return undefined;
        alias = node;
        return visit.BREAK;
      },
    });
    const position = alias?.range ? lineCounter.linePos(alias.range[0]) : undefined;
    throw new ConfigError(
      unresolved === undefined
        ? `Invalid YAML: aliases (*name) expand to more than ${maxAliasCount} copies of one anchor, the shape of a "billion laughs" attack`
        : `Invalid YAML: alias *${unresolved} refers to no anchor &${unresolved} before it`,
      {
        file,
        line: position ? position.line + lineOffset : undefined,
        column: position?.col,
        hint: unresolved === undefined ? 'Write the repeated values out, or use fewer and flatter anchors (&name) and aliases (*name).' : 'Define the anchor (&name) before using it.',
        docs: 'configuration.md',
      },
    );
  }
}

/** Formats a zod-style issue path as `tests[3].assert[0].type`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
