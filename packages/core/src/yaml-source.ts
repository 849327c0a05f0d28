import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
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
    value: document.toJS({ maxAliasCount: 100 }),
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

/** Formats a zod-style issue path as `tests[3].assert[0].type`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
