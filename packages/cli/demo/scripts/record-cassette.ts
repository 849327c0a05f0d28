// Re-records the demo's bundled sample responses (cassettes/support.jsonl):
//   node packages/cli/demo/scripts/record-cassette.ts
// It serves scripts/sample-answers.json from the mock server and runs the demo suite with --record,
// so the cassette keys match exactly what `assay demo` sends.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestKey } from '@assay/providers';
import { startMockServer, type MockRule } from '@assay/providers/mock-server';

const demo = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const answers = JSON.parse(readFileSync(path.join(demo, 'scripts/sample-answers.json'), 'utf8')) as Record<'v1' | 'v2', Record<string, string>>;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const rules: MockRule[] = [];
for (const [version, byQuestion] of Object.entries(answers)) {
  for (const [question, content] of Object.entries(byQuestion)) {
    rules.push({
      match: { regex: `^${escape(question)}$`, ...(version === 'v2' ? { system: '(v2)' } : {}) },
      response: { content },
    });
  }
}
// v2 rules carry the stricter `system` match, so they must be tried first.
rules.sort((a, b) => Number(Boolean(b.match?.system)) - Number(Boolean(a.match?.system)));
const server = await startMockServer({ mode: 'rules', rules });
try {
  process.env.OPENAI_BASE_URL = `${server.url}/v1`;
  process.env.OPENAI_API_KEY = 'recording';
  const { main } = await import('../../src/main.ts');
  const code = await main([
    'eval', '-c', path.join(demo, 'evals/support.yaml'), '--no-cache', '--no-progress',
    '--record', path.join(demo, 'cassettes/support.jsonl'),
  ]);
  // The mock server stands in for the OpenAI API, which `assay demo` calls: key each answer for
  // OpenAI's default endpoint, not the mock server's URL (the base URL is part of cassette keys).
  const cassette = path.join(demo, 'cassettes/support.jsonl');
  const entries = readFileSync(cassette, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { key: string; provider: string; model: string; request: never; deployment?: unknown });
  for (const entry of entries) {
    entry.key = requestKey(entry.provider, entry.model, entry.request);
    entry.deployment = { baseUrl: 'https://api.openai.com/v1' };
  }
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  writeFileSync(cassette, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  console.log(`recorded (eval exit ${code}); mock server saw ${server.stats().requests} requests`);
} finally {
  await server.close();
}
