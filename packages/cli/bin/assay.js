#!/usr/bin/env -S node --max-semi-space-size=8
// Kept tiny: `assay --version` must not load the CLI.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${version}\n`);
} else {
  // Caches compiled (and type-stripped) modules on disk: faster start-up, less memory.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  const { main } = await import('../src/main.ts');
  process.exitCode = await main(args);
}
