import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { ConfigError, outputFormats, type CaseResult, type OutputFormat, type RunSummary, type SummaryCell } from '@assay/spec';
import { cellLabel, truncate } from './format.ts';
import { writeHtmlReport } from './html-report/write-html-report.ts';
import type { OutputRun } from './output-run.ts';

export type { OutputRun } from './output-run.ts';

const formats: Readonly<Record<string, OutputFormat>> = outputFormats;

/** Longest model output written to CSV cells and JUnit bodies; spreadsheets choke on more. */
export const maxOutputChars = 10_000;

/**
 * The output format for a file name, from its extension.
 * @throws ConfigError for an extension Assay cannot write.
 */
export function outputFormatOf(file: string): OutputFormat {
  const format = formats[extname(file).toLowerCase()];
  if (!format) {
    throw new ConfigError(`Cannot write results to "${file}": unknown output format "${extname(file) || '(none)'}".`, {
      field: 'output',
      hint: 'use .json, .jsonl, .csv, .xml or .html',
      docs: 'output-formats.md',
    });
  }
  return format;
}

/**
 * Writes a run to `file` as JSON, JSON Lines, CSV, JUnit XML or an HTML report, chosen by the extension.
 * Results are streamed to disk with backpressure; memory stays flat however large the run.
 *
 * @example
 * await writeOutputFile('results.xml', { record, summary, results: () => store.results(record.id) });
 */
export async function writeOutputFile(file: string, run: OutputRun): Promise<void> {
  const format = outputFormatOf(file);
  await mkdir(dirname(file), { recursive: true });
  const sink = new Sink(file);
  try {
    if (format === 'json') await writeJson(sink, run);
    else if (format === 'jsonl') await writeJsonLines(sink, run);
    else if (format === 'csv') await writeCsv(sink, run);
    else if (format === 'html') await writeHtmlReport(sink, run);
    else await writeJunit(sink, run);
    await sink.close();
  } catch (error) {
    sink.destroy();
    throw error;
  }
}

/** A file write stream that waits for `drain` when its buffer is full. */
class Sink {
  readonly stream: WriteStream;

  constructor(file: string) {
    this.stream = createWriteStream(file);
  }

  async write(chunk: string | Buffer): Promise<void> {
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await finished(this.stream);
  }

  destroy(): void {
    this.stream.destroy();
  }
}

/** The cell as written to files: a fixed key order that reads well (`ci95` next to `passRate`). */
export function serializeCell(cell: SummaryCell) {
  return {
    prompt: cell.prompt,
    provider: cell.provider,
    n: cell.n,
    passed: cell.passed,
    passRate: cell.passRate,
    ci95: cell.ci95,
    meanScore: cell.meanScore,
    scoreCi95: cell.scoreCi95,
    ...(cell.repeats ? { repeats: cell.repeats } : {}),
    errors: cell.errors,
    cost: cell.cost,
    costPerCase: cell.costPerCase,
    costPerPass: cell.costPerPass,
    tokens: cell.tokens,
    meanLatencyMs: cell.meanLatencyMs,
  };
}

function serializeSummary(summary: RunSummary) {
  return { ...summary, cells: summary.cells.map(serializeCell) };
}

// ---------------------------------------------------------------------------------------------
// JSON and JSON Lines

async function writeJson(sink: Sink, { record, summary, results, comparison, promptComparison }: OutputRun): Promise<void> {
  const head = JSON.stringify({
    runId: record.id,
    ...(record.label ? { label: record.label } : {}),
    status: record.status,
    createdAt: record.createdAt,
    summary: serializeSummary(summary),
    ...(comparison ? { comparison } : {}),
    ...(promptComparison ? { promptComparison } : {}),
  });
  // Reopen the object to append the results array one element at a time.
  await sink.write(`${head.slice(0, -1)},"results":[`);
  let first = true;
  for await (const result of results()) {
    await sink.write(`${first ? '\n' : ',\n'}${JSON.stringify(result)}`);
    first = false;
  }
  await sink.write(first ? ']}\n' : '\n]}\n');
}

async function writeJsonLines(sink: Sink, { record, summary, results, comparison, promptComparison }: OutputRun): Promise<void> {
  const header = {
    type: 'run',
    runId: record.id,
    ...(record.label ? { label: record.label } : {}),
    status: record.status,
    createdAt: record.createdAt,
    summary: serializeSummary(summary),
    ...(comparison ? { comparison } : {}),
    ...(promptComparison ? { promptComparison } : {}),
  };
  await sink.write(`${JSON.stringify(header)}\n`);
  for await (const result of results()) {
    await sink.write(`${JSON.stringify({ type: 'result', ...result })}\n`);
  }
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180: CRLF rows, fields with `"`, `,`, CR or LF quoted, quotes doubled)

export const csvColumns = [
  'runId',
  'key',
  'prompt',
  'provider',
  'caseId',
  'repeat',
  'pass',
  'score',
  'error',
  'latencyMs',
  'inputTokens',
  'outputTokens',
  'cost',
  'output',
  'failedAssertions',
] as const;

function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRow(values: (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

function failedReasons(result: CaseResult): string[] {
  return result.assertions.filter((assertion) => !assertion.pass).map((assertion) => assertion.reason || assertion.type);
}

async function writeCsv(sink: Sink, { results }: OutputRun): Promise<void> {
  await sink.write(csvRow([...csvColumns]));
  for await (const result of results()) {
    await sink.write(
      csvRow([
        result.runId,
        result.key,
        result.promptId,
        result.providerId,
        result.caseId,
        result.repeat,
        result.pass,
        result.score,
        result.error,
        result.latencyMs,
        result.usage.inputTokens,
        result.usage.outputTokens,
        result.cost,
        truncate(result.output, maxOutputChars),
        failedReasons(result).join(' | '),
      ]),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// JUnit XML

// Characters XML 1.0 cannot carry at all, not even as `&#n;`: C0 controls other than tab/LF/CR,
// lone surrogates, U+FFFE and U+FFFF. Model output contains ANSI escapes and stray NULs often enough.
const invalidXmlCharacters = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const xmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // In attributes, parsers normalise raw whitespace to spaces; references survive.
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#9;',
};

function replaceInvalid(text: string): string {
  return text.replace(invalidXmlCharacters, (character) => `\\u${character.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** Escapes text content; invalid characters become a visible `\u001b`. */
export function escapeXmlText(text: string): string {
  return replaceInvalid(text).replace(/[&<>]/g, (character) => xmlEntities[character]!);
}

/** Escapes an attribute value, keeping newlines and tabs as character references. */
export function escapeXmlAttribute(text: string): string {
  return replaceInvalid(text).replace(/[&<>"'\n\r\t]/g, (character) => xmlEntities[character]!);
}

/** Seconds with millisecond precision, as JUnit readers expect. */
function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(3);
}

/** Message attributes stay short; the full list goes in the element body. */
const maxMessageChars = 1_000;

function testcaseXml(result: CaseResult, classname: string): string {
  const name = `${result.caseId}#${result.repeat}`;
  let xml = `    <testcase classname="${escapeXmlAttribute(classname)}" name="${escapeXmlAttribute(name)}" time="${seconds(result.latencyMs)}"`;
  if (result.error !== undefined) {
    xml += `>\n      <error message="${escapeXmlAttribute(truncate(result.error, maxMessageChars))}" type="error">${escapeXmlText(result.error)}</error>\n`;
  } else if (!result.pass) {
    const reasons = failedReasons(result);
    const message = reasons.length > 0 ? reasons.join(' | ') : `score ${result.score} below the pass mark`;
    const body = [...reasons.map((reason) => `- ${reason}`), '', 'output:', truncate(result.output, maxOutputChars)].join('\n');
    xml += `>\n      <failure message="${escapeXmlAttribute(truncate(message, maxMessageChars))}" type="assertion">${escapeXmlText(body)}</failure>\n`;
  } else {
    return `${xml}/>\n`;
  }
  return `${xml}    </testcase>\n`;
}

interface SuiteGroup {
  label: string;
  cell?: SummaryCell;
  tests: number;
  failures: number;
  errors: number;
  timeMs: number;
  /** Byte ranges of this suite's testcases in the scratch file: offset, length, offset, length, … */
  spans: number[];
}

/**
 * Results arrive interleaved across cells but JUnit nests testcases per suite. Testcases go to a
 * scratch file in arrival order while each suite remembers only its byte ranges (adjacent ranges
 * merged); the second pass copies the ranges out suite by suite.
 */
async function writeJunit(sink: Sink, { record, summary, results }: OutputRun): Promise<void> {
  const groups = new Map<string, SuiteGroup>();
  for (const cell of summary.cells) {
    const label = cellLabel(cell.prompt, cell.provider);
    groups.set(label, { label, cell, tests: 0, failures: 0, errors: 0, timeMs: 0, spans: [] });
  }

  const directory = await mkdtemp(join(tmpdir(), 'assay-junit-'));
  try {
    const scratchPath = join(directory, 'testcases.xml');
    const scratch = new Sink(scratchPath);
    let offset = 0;
    try {
      for await (const result of results()) {
        const label = cellLabel(result.promptId, result.providerId);
        let group = groups.get(label);
        if (!group) {
          group = { label, tests: 0, failures: 0, errors: 0, timeMs: 0, spans: [] };
          groups.set(label, group);
        }
        group.tests += 1;
        if (result.error !== undefined) group.errors += 1;
        else if (!result.pass) group.failures += 1;
        group.timeMs += result.latencyMs;

        const chunk = Buffer.from(testcaseXml(result, label));
        const spans = group.spans;
        const last = spans.length - 2;
        if (last >= 0 && spans[last]! + spans[last + 1]! === offset) spans[last + 1] = spans[last + 1]! + chunk.length;
        else spans.push(offset, chunk.length);
        offset += chunk.length;
        await scratch.write(chunk);
      }
      await scratch.close();
    } catch (error) {
      scratch.destroy();
      throw error;
    }

    let tests = 0;
    let failures = 0;
    let errors = 0;
    for (const group of groups.values()) {
      tests += group.tests;
      failures += group.failures;
      errors += group.errors;
    }
    await sink.write('<?xml version="1.0" encoding="UTF-8"?>\n');
    await sink.write(
      `<testsuites name="${escapeXmlAttribute(`assay ${record.id}`)}" tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds(summary.durationMs)}" timestamp="${escapeXmlAttribute(record.createdAt)}">\n`,
    );

    const handle = await open(scratchPath, 'r');
    try {
      for (const group of groups.values()) {
        await sink.write(
          `  <testsuite name="${escapeXmlAttribute(group.label)}" tests="${group.tests}" failures="${group.failures}" errors="${group.errors}" time="${seconds(group.timeMs)}">\n`,
        );
        await sink.write(propertiesXml(group.cell));
        for (let index = 0; index < group.spans.length; index += 2) {
          let position = group.spans[index]!;
          let remaining = group.spans[index + 1]!;
          while (remaining > 0) {
            // A fresh buffer per chunk: the write stream may still hold the previous one.
            const buffer = Buffer.allocUnsafe(Math.min(remaining, 64 * 1024));
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
            if (bytesRead === 0) throw new Error(`JUnit scratch file ended early at byte ${position}`);
            await sink.write(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
            position += bytesRead;
            remaining -= bytesRead;
          }
        }
        await sink.write('  </testsuite>\n');
      }
    } finally {
      await handle.close();
    }
    await sink.write('</testsuites>\n');
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function propertiesXml(cell: SummaryCell | undefined): string {
  if (!cell) return '';
  const properties: [string, number | null][] = [
    ['passRate', cell.passRate],
    ['n', cell.n],
    ['ci95Low', cell.ci95?.[0] ?? null],
    ['ci95High', cell.ci95?.[1] ?? null],
    ['meanScore', cell.meanScore],
    ['scoreCi95Low', cell.scoreCi95?.[0] ?? null],
    ['scoreCi95High', cell.scoreCi95?.[1] ?? null],
  ];
  if (cell.repeats) {
    properties.push(
      ['repeats', cell.repeats.k],
      ['passAtK', cell.repeats.passAtK],
      ['passAllK', cell.repeats.passAllK],
      ['flakyCases', cell.repeats.flakyCases],
      ['flakinessRate', cell.repeats.flakinessRate],
    );
  }
  const lines = properties.map(([name, value]) => `      <property name="${name}" value="${value ?? ''}"/>\n`);
  return `    <properties>\n${lines.join('')}    </properties>\n`;
}
