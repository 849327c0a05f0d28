// Bare reference for the eval-overhead benchmark: the least work an eval tool could do for the
// generated suite. It reads the same tests.csv, renders the same prompt, sends one OpenAI chat
// completion per row with plain `fetch` at a fixed concurrency, and checks that each reply
// contains the row's word and is longer than 3 characters (the suite's two assertions).
//
//   node bench/eval-overhead/fetch-loop.ts --base-url http://127.0.0.1:PORT/v1 --tests tests.csv [-j 16]
//
// Prints one JSON line {"total","passed","failed","errors"} and exits 0 when every case passed.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    tests: { type: 'string' },
    concurrency: { type: 'string', short: 'j', default: '16' },
    model: { type: 'string', default: 'gpt-4o-mini' },
  },
});
if (!values['base-url'] || !values.tests) {
  process.stderr.write('usage: fetch-loop.ts --base-url http://127.0.0.1:PORT/v1 --tests tests.csv [-j 16]\n');
  process.exit(2);
}

// The benchmark writes a plain two-column CSV (id,word) with no quoting, so a split is enough.
const [header, ...lines] = readFileSync(values.tests, 'utf8').split('\n').filter((line) => line.length > 0);
const columns = header!.split(',');
const idColumn = columns.indexOf('id');
const wordColumn = columns.indexOf('word');
const rows = lines.map((line) => {
  const cells = line.split(',');
  return { id: cells[idColumn]!, word: cells[wordColumn]! };
});

const url = `${values['base-url'].replace(/\/$/, '')}/chat/completions`;
const concurrency = Math.max(1, Number(values.concurrency));
let next = 0;
let passed = 0;
let failed = 0;
let errors = 0;

async function worker(): Promise<void> {
  while (next < rows.length) {
    const row = rows[next++]!;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
        body: JSON.stringify({
          model: values.model,
          messages: [{ role: 'user', content: `Reply with the word ${row.word} please, case ${row.id}` }],
        }),
      });
      if (!response.ok) {
        await response.arrayBuffer();
        errors++;
        continue;
      }
      const body = (await response.json()) as { choices?: { message?: { content?: string } }[] };
      const output = body.choices?.[0]?.message?.content ?? '';
      if (output.includes(row.word) && output.length > 3) passed++;
      else failed++;
    } catch {
      errors++;
    }
  }
}

await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
process.stdout.write(`${JSON.stringify({ total: rows.length, passed, failed, errors })}\n`);
process.exitCode = passed === rows.length ? 0 : 1;
