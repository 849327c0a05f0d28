// Bare references for the eval-overhead benchmark: the least work an eval tool could do for the
// generated suite. It reads the same tests.csv or tests.jsonl, row by row as it sends (like Assay,
// it never holds the whole dataset), renders the same prompt, sends one OpenAI chat completion
// per row at a fixed concurrency, and checks that each reply contains the row's word and is
// longer than 3 characters (the suite's two assertions). Nothing is stored.
//
//   node bench/eval-overhead/reference-loop.ts --client fetch|http|sdk --base-url http://127.0.0.1:PORT/v1 --tests tests.csv|tests.jsonl [-j 16] [--load-assay]
//
// --client fetch  the global `fetch`
// --client http   node:http on a keep-alive agent: the cheapest client Node has
// --client sdk    the AI SDK's OpenAI chat model, `doGenerate` called directly, on Assay's
//                 keep-alive fetch: the hot path the issue prescribes, with nothing around it
// --load-assay    first import the module graph of `assay eval` (without running anything), to
//                 see what loading Assay's libraries alone costs in start-up CPU and memory
//
// Prints one JSON line {"total","passed","failed","errors"} and exits 0 when every case passed.
import http from 'node:http';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    client: { type: 'string', default: 'fetch' },
    'base-url': { type: 'string' },
    tests: { type: 'string' },
    concurrency: { type: 'string', short: 'j', default: '16' },
    model: { type: 'string', default: 'gpt-4o-mini' },
    'load-assay': { type: 'boolean', default: false },
  },
});
const client = values.client;
if (!values['base-url'] || !values.tests || (client !== 'fetch' && client !== 'http' && client !== 'sdk')) {
  process.stderr.write('usage: reference-loop.ts --client fetch|http|sdk --base-url http://127.0.0.1:PORT/v1 --tests tests.csv|tests.jsonl [-j 16] [--load-assay]\n');
  process.exit(2);
}
if (values['load-assay']) await import('../../packages/cli/src/commands/eval.ts');

type TestRow = { id: string; word: string };
const testsFile = values.tests;
/**
 * The rows, read as they are asked for. The benchmark writes a plain two-column CSV (id,word)
 * with no quoting, so a split is enough. A JSONL line is a test case with `vars` (or the vars).
 */
async function* readRows(): AsyncGenerator<TestRow> {
  const jsonl = testsFile.endsWith('.jsonl');
  let columns: { id: number; word: number } | undefined;
  for await (const line of createInterface({ input: createReadStream(testsFile), crlfDelay: Infinity })) {
    if (!line) continue;
    if (jsonl) {
      const record = JSON.parse(line) as TestRow | { vars: TestRow };
      yield 'vars' in record ? record.vars : record;
    } else if (!columns) {
      const header = line.split(',');
      columns = { id: header.indexOf('id'), word: header.indexOf('word') };
    } else {
      const cells = line.split(',');
      yield { id: cells[columns.id]!, word: cells[columns.word]! };
    }
  }
}

const baseUrl = values['base-url'].replace(/\/$/, '');
const url = `${baseUrl}/chat/completions`;
const concurrency = Math.max(1, Number(values.concurrency));
const headers = { 'content-type': 'application/json', authorization: 'Bearer bench' };
const requestBody = (content: string) => JSON.stringify({ model: values.model, messages: [{ role: 'user', content }] });
type Reply = { status: number; output: string };

async function viaFetch(content: string): Promise<Reply> {
  const response = await fetch(url, { method: 'POST', headers, body: requestBody(content) });
  if (!response.ok) {
    await response.arrayBuffer();
    return { status: response.status, output: '' };
  }
  const body = (await response.json()) as { choices?: { message?: { content?: string } }[] };
  return { status: response.status, output: body.choices?.[0]?.message?.content ?? '' };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function viaHttp(content: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300) return resolve({ status, output: '' });
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { choices?: { message?: { content?: string } }[] };
        resolve({ status, output: body.choices?.[0]?.message?.content ?? '' });
      });
    });
    request.on('error', reject);
    request.end(requestBody(content));
  });
}

let viaSdk: ((content: string) => Promise<Reply>) | undefined;
if (client === 'sdk') {
  const { createOpenAI } = await import('@ai-sdk/openai');
  const { keepAliveFetch } = await import('../../packages/providers/src/keep-alive-fetch.ts');
  const model = createOpenAI({ apiKey: 'bench', baseURL: baseUrl, fetch: keepAliveFetch }).chat(values.model);
  viaSdk = async (content) => {
    const result = await model.doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: content }] }] });
    let output = '';
    for (const part of result.content) if (part.type === 'text') output += part.text;
    return { status: 200, output };
  };
}

const call = client === 'fetch' ? viaFetch : client === 'http' ? viaHttp : viaSdk!;
// An async generator queues concurrent next() calls, so the workers can share it.
const rows = readRows();
let total = 0;
let passed = 0;
let failed = 0;
let errors = 0;

async function worker(): Promise<void> {
  for (;;) {
    const { value: row, done } = await rows.next();
    if (done) return;
    total++;
    try {
      const { status, output } = await call(`Reply with the word ${row.word} please, case ${row.id}`);
      if (status < 200 || status >= 300) errors++;
      else if (output.includes(row.word) && output.length > 3) passed++;
      else failed++;
    } catch {
      errors++;
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));
process.stdout.write(`${JSON.stringify({ total, passed, failed, errors })}\n`);
process.exitCode = passed === total ? 0 : 1;
// The keep-alive agents would hold the process open for their idle timeout.
process.exit();
