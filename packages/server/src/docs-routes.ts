import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Hono } from 'hono';
import { Marked, type Tokens } from 'marked';
import { HttpProblem } from './problem.ts';

/** GitHub's heading anchors: what `docs/api.md#conflict` and the problem `type` links point at. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

const markdown = new Marked({
  gfm: true,
  renderer: {
    heading(this: { parser: { parseInline(tokens: Tokens.Heading['tokens']): string } }, token: Tokens.Heading) {
      return `<h${token.depth} id="${slug(token.text)}">${this.parser.parseInline(token.tokens)}</h${token.depth}>\n`;
    },
  },
});

const stylesheet = `
body { font: 15px/1.55 system-ui, sans-serif; color: #1f2937; max-width: 860px; margin: 2rem auto; padding: 0 1.25rem; }
a { color: #1d4ed8; } h1, h2, h3 { line-height: 1.25; } h3 { margin-top: 1.6rem; }
code, pre { font: 13px/1.45 ui-monospace, monospace; background: #f3f4f6; border-radius: 4px; }
code { padding: 0.1rem 0.3rem; } pre { padding: 0.8rem 1rem; overflow-x: auto; } pre code { padding: 0; background: none; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 14px; } th, td { border: 1px solid #e5e7eb; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f9fafb; } :target { background: #fef9c3; }
`;

/**
 * The user docs (docs/*.md) under /docs/: HTML for browsers, the Markdown itself for anything
 * else. Error responses link here (`type: /docs/api.md#conflict`), so the links open on any
 * install, offline included.
 */
export function docsRoutes(docsRoot: string) {
  const app = new Hono();
  app.get('/docs.css', (context) => context.body(stylesheet, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  app.get('/:page{[a-z0-9-]+\\.md}', async (context) => {
    const page = context.req.param('page');
    const file = path.join(docsRoot, page);
    if (!existsSync(file)) throw new HttpProblem(404, 'not-found', 'Not found', `No docs page ${page}.`);
    const source = await readFile(file, 'utf8');
    if (!(context.req.header('accept') ?? '').includes('text/html')) {
      return context.body(source, 200, { 'content-type': 'text/markdown; charset=utf-8' });
    }
    const title = /^# (.+)$/m.exec(source)?.[1]?.replace(/`/g, '') ?? page;
    const body = markdown.parse(source, { async: false });
    return context.html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${title.replace(/[<>&"]/g, '')} · Assay docs</title><link rel="stylesheet" href="/docs/docs.css"></head><body>${body}</body></html>`,
    );
  });
  return app;
}
