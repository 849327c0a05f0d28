import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Runs every docs page's examples as written. A page's fenced blocks tagged `file=<path>` are
 * written into a fresh project folder; blocks tagged `run` (optionally `exit=<code>`) are shell
 * commands run there in order, with `npx assay` pointing at this checkout.
 */
const docsDirectory = path.dirname(fileURLToPath(import.meta.url));
const bin = fileURLToPath(new URL('../packages/cli/bin/assay.js', import.meta.url));
const pages = readdirSync(docsDirectory).filter((name) => name.endsWith('.md'));

interface Block {
  info: string;
  body: string;
  line: number;
}

function blocks(markdown: string): Block[] {
  const found: Block[] = [];
  const pattern = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(pattern)) {
    found.push({ info: match[1]!.trim(), body: match[2]!, line: markdown.slice(0, match.index).split('\n').length });
  }
  return found;
}

describe.each(pages)('docs/%s', (page) => {
  const markdown = readFileSync(path.join(docsDirectory, page), 'utf8');
  const pageBlocks = blocks(markdown);
  const runs = pageBlocks.filter((block) => /(^|\s)run(\s|$)/.test(block.info));

  it('has at least one example that runs', () => {
    expect(runs.length, `${page} needs a \`\`\`sh run block`).toBeGreaterThan(0);
  });

  // A page runs many commands (each may take up to 60 s below): the default 30 s is for one test, not a page.
  it('runs its examples as written', { timeout: 300_000 }, () => {
    const project = mkdtempSync(path.join(tmpdir(), 'assay-docs-'));
    // The example project has Assay installed, as a user's would (`assay.config.ts` imports it).
    symlinkSync(fileURLToPath(new URL('../node_modules', import.meta.url)), path.join(project, 'node_modules'));
    try {
      for (const block of pageBlocks) {
        const file = /(?:^|\s)file=(\S+)/.exec(block.info)?.[1];
        if (!file) continue;
        mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
        writeFileSync(path.join(project, file), block.body);
      }
      for (const block of runs) {
        const expected = Number(/(?:^|\s)exit=(\d+)/.exec(block.info)?.[1] ?? 0);
        for (const command of block.body.split('\n').filter((line) => line.trim() && !line.trim().startsWith('#'))) {
          const shell = command.replace(/^npx assay\b/, `"${process.execPath}" "${bin}"`);
          const result = spawnSync('bash', ['-c', shell], {
            cwd: project,
            encoding: 'utf8',
            env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', ASSAY_DATA_DIR: path.join(project, '.assay') },
            timeout: 60_000,
          });
          expect(result.status, `docs/${page}:${block.line} \`${command}\`\n${result.stdout}\n${result.stderr}`).toBe(expected);
        }
      }
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
