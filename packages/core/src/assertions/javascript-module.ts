import { parse, type Node } from 'acorn';

type ModuleNode = Node & {
  body: (Node & {
    declaration?: (Node & { id?: { name: string } | null; declarations?: { id: Node & { name?: string } }[] }) | null;
    specifiers?: { local: { name: string }; exported: { name?: string; value?: string } }[];
    source?: unknown;
  })[];
};

/**
 * Turns the source of a promptfoo assertion or transform file (`module.exports = (output, context)
 * => …`, `export default function …`, or a named export picked with `file://x.js:name`) into a
 * function body for the sandbox: the module runs there as a function of its own and its export is
 * called with `(output, context)`. A file that imports other modules cannot run there (the sandbox
 * has no modules or files), and says so; `require` throws when called.
 *
 * @example
 * javascriptModuleBody('module.exports = (output) => output.length > 3;', 'file://check.js');
 * // { body: '// file://check.js\n…return __pick(output, context);' }
 */
export function javascriptModuleBody(source: string, reference: string, exportName?: string): { body: string } | { problem: string } {
  let program: ModuleNode;
  try {
    program = parse(source, { ecmaVersion: 'latest', sourceType: 'module', allowReturnOutsideFunction: false, allowHashBang: true }) as ModuleNode;
  } catch (error) {
    return { problem: `does not parse: ${(error as Error).message}` };
  }
  // ES module syntax becomes assignments to `module.exports`, which the sandbox's function has.
  const edits: { start: number; end: number; text: string }[] = [];
  const exportsAtEnd: string[] = [];
  for (const statement of program.body) {
    if (statement.type === 'ImportDeclaration' || ((statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportAllDeclaration') && statement.source)) {
      return { problem: `imports another module (line ${lineOf(source, statement.start)}); the sandbox has no modules or files, so the file must be self-contained` };
    }
    if (statement.type === 'ExportDefaultDeclaration') {
      edits.push({ start: statement.start, end: statement.declaration!.start, text: 'module.exports.default = ' });
    } else if (statement.type === 'ExportNamedDeclaration' && statement.declaration) {
      const declaration = statement.declaration;
      edits.push({ start: statement.start, end: declaration.start, text: '' });
      const names = declaration.declarations ? declaration.declarations.map((item) => item.id.name) : [declaration.id?.name];
      for (const name of names) {
        if (name === undefined) return { problem: `has an export Assay cannot read (line ${lineOf(source, statement.start)}); export functions by name or as default` };
        exportsAtEnd.push(`module.exports[${JSON.stringify(name)}] = ${name};`);
      }
    } else if (statement.type === 'ExportNamedDeclaration') {
      edits.push({ start: statement.start, end: statement.end, text: '' });
      for (const specifier of statement.specifiers ?? []) {
        exportsAtEnd.push(`module.exports[${JSON.stringify(specifier.exported.name ?? specifier.exported.value)}] = ${specifier.local.name};`);
      }
    }
  }
  let code = source;
  for (const edit of edits.sort((a, b) => b.start - a.start)) code = code.slice(0, edit.start) + edit.text + code.slice(edit.end);
  const wanted = exportName === undefined ? 'its default export' : `a function named ${JSON.stringify(exportName)}`;
  const body = [
    `// ${reference}`,
    'const __module = { exports: {} };',
    `const __require = (name) => { throw new Error('require(' + JSON.stringify(String(name)) + ') is not available: ${reference} runs in the sandbox, which has no modules'); };`,
    '(function (module, exports, require) {',
    code.replace(/^#!.*/, ''),
    ...exportsAtEnd,
    '})(__module, __module.exports, __require);',
    `const __exported = __module.exports;`,
    exportName === undefined
      ? `const __pick = typeof __exported === 'function' ? __exported : __exported && __exported.default;`
      : `const __pick = __exported && __exported[${JSON.stringify(exportName)}];`,
    `if (typeof __pick !== 'function') throw new TypeError(${JSON.stringify(`${reference} must export ${wanted}`)});`,
    'return __pick(output, context);',
  ].join('\n');
  return { body };
}

function lineOf(source: string, offset: number): number {
  let line = 1;
  for (let index = source.indexOf('\n'); index !== -1 && index < offset; index = source.indexOf('\n', index + 1)) line++;
  return line;
}
