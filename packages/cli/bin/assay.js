#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=30
// Kept tiny: `assay --version` must not load the CLI.
// Plain JavaScript that any Node parses, so an old Node gets this sentence, not a stack.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`Assay needs Node >= 22 (found ${process.versions.node}); run it with \`npx assay\` from the project (it pins Node 24), or install Node 22+.\n`);
  process.exit(2);
}
// A closed pipe (`assay runs | head -1`) ends the command quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${version}\n`);
} else {
  // Caches compiled (and type-stripped) modules on disk: faster start-up, less memory.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  // In this repository the TypeScript sources run as they are; an installed package (where Node
  // strips no types) has the bundles of `npm run build:cli` instead, and no sources.
  const { existsSync } = await import('node:fs');
  const source = new URL('../src/main.ts', import.meta.url);
  const { main } = await import(existsSync(source) ? source.href : new URL('../dist/main.js', import.meta.url).href);
  process.exitCode = await main(args);
}
