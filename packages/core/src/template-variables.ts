import Handlebars from 'handlebars';

/** Dotprompt's built-in helpers: never template variables. */
const builtinHelpers = new Set([
  'role', 'history', 'section', 'media', 'json', 'ifEquals', 'unlessEquals',
  'if', 'unless', 'each', 'with', 'lookup', 'log', 'else', 'this',
]);

/**
 * Top-level variable names a Handlebars template reads (outside `#each`/`#with` scopes).
 * Used to report a variable with no value before any model is called.
 */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  const ast = Handlebars.parse(template);

  const visitExpression = (node: hbs.AST.Expression | undefined, scoped: boolean): void => {
    if (!node) return;
    if (node.type === 'PathExpression') {
      const path = node as hbs.AST.PathExpression;
      const head = path.parts[0];
      if (!scoped && path.depth === 0 && !path.data && head && !builtinHelpers.has(head) && !path.original.startsWith('this')) {
        names.add(head);
      }
    } else if (node.type === 'SubExpression') {
      const sub = node as hbs.AST.SubExpression;
      for (const param of sub.params) visitExpression(param, scoped);
      for (const pair of sub.hash?.pairs ?? []) visitExpression(pair.value, scoped);
    }
  };

  const visitCall = (
    path: hbs.AST.PathExpression | hbs.AST.Expression,
    params: hbs.AST.Expression[],
    hash: hbs.AST.Hash | undefined,
    scoped: boolean,
  ): void => {
    const isHelperCall = params.length > 0 || (hash?.pairs.length ?? 0) > 0;
    if (!isHelperCall) visitExpression(path, scoped);
    for (const param of params) visitExpression(param, scoped);
    for (const pair of hash?.pairs ?? []) visitExpression(pair.value, scoped);
  };

  const visitProgram = (program: hbs.AST.Program | undefined, scoped: boolean): void => {
    for (const statement of program?.body ?? []) {
      if (statement.type === 'MustacheStatement') {
        const mustache = statement as hbs.AST.MustacheStatement;
        visitCall(mustache.path, mustache.params, mustache.hash, scoped);
      } else if (statement.type === 'BlockStatement') {
        const block = statement as hbs.AST.BlockStatement;
        visitCall(block.path, block.params, block.hash, scoped);
        const helper = (block.path as hbs.AST.PathExpression).original;
        // Inside #each / #with the context changes, so names there are not top-level variables.
        const innerScoped = scoped || helper === 'each' || helper === 'with';
        visitProgram(block.program, innerScoped);
        visitProgram(block.inverse, scoped);
      }
    }
  };

  visitProgram(ast, false);
  return [...names];
}
