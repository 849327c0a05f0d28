import { parse, type Node, type Options } from 'acorn';

export type CheckedCode = { body: string } | { problem: string };

const options: Options = { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, locations: true };

/**
 * Parses the code of a javascript assertion or transform on the host, without running it: an
 * expression (`output.length < 10`) becomes `return (...)`, anything else is a function body whose
 * last statement, when it is an expression, gives the result (`const n = output.length; n > 3`).
 * That runs everything promptfoo runs (one line is `return <line>` there, several lines a function
 * body), and statements that promptfoo would make return `undefined`. The sandbox has no modules,
 * so `import()` and `import.meta` are refused here as well, a second layer in front of the sandbox
 * (which has no module loader).
 */
export function checkJavascript(code: string): CheckedCode {
  const expression = `return (\n${code}\n);`;
  const asExpression = tryParse(expression, 1);
  let body: string;
  let program: Node;
  if ('program' in asExpression) {
    body = expression;
    program = asExpression.program;
  } else {
    const asBody = tryParse(code, 0);
    if (!('program' in asBody)) return { problem: `does not parse: ${/\breturn\b/.test(code) ? asBody.problem : asExpression.problem}` };
    program = asBody.program;
    body = returnLastExpression(code, program);
  }
  const imported = findImport(program);
  if (imported) return { problem: `cannot use \`${imported}\`: the sandbox has no modules, files or network` };
  return { body };
}

/** `code` with `return ` before its last statement when that is an expression (not a directive such as 'use strict'). */
function returnLastExpression(code: string, program: Node): string {
  const last = (program as Node & { body: (Node & { directive?: string })[] }).body.at(-1);
  if (!last || last.type !== 'ExpressionStatement' || last.directive !== undefined) return code;
  return `${code.slice(0, last.start)}return ${code.slice(last.start)}`;
}

function tryParse(source: string, linesAdded: number): { program: Node } | { problem: string } {
  try {
    return { program: parse(source, options) };
  } catch (error) {
    const { message, loc } = error as SyntaxError & { loc?: { line: number; column: number } };
    // acorn appends "(line:column)" of the wrapped source; say it in the user's lines.
    const text = message.replace(/\s*\(\d+:\d+\)$/, '');
    return { problem: loc ? `${text} at line ${Math.max(1, loc.line - linesAdded)}, column ${loc.column + 1}` : text };
  }
}

/** The first `import(...)` or `import.meta` in the tree, if any. */
function findImport(root: Node): string | undefined {
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      stack.push(...(node as unknown[]));
      continue;
    }
    const type = (node as { type?: unknown }).type;
    if (type === 'ImportExpression') return 'import()';
    if (type === 'MetaProperty' && (node as { meta?: { name?: string } }).meta?.name === 'import') return 'import.meta';
    for (const [key, value] of Object.entries(node)) if (key !== 'loc' && typeof value === 'object') stack.push(value);
  }
  return undefined;
}
