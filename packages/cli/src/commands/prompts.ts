import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { diffPromptVersions, formatPromptVersionDiff, promptVersionFields, promptVersionInput, type PromptVersionContent } from '@assay/core';
import { AssayError, ConfigError, type Actor, type Label, type LabelTarget, type PromptVersion } from '@assay/spec';
import { partialsIn } from '@assay/runner';
import { formatError } from '../format-error.ts';
import { displayPath, findPromptFiles, localPromptPath } from '../prompt-files.ts';
import { RefusedError } from '../refused-error.ts';
import { createServerClient, logIn, type ServerClient } from '../server-client.ts';
import { ServerError } from '../server-error.ts';

export interface ServerCommandOptions {
  /** `--server`; default `$ASSAY_SERVER`, else http://127.0.0.1:7400. */
  server?: string;
}

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);

function client(options: ServerCommandOptions): ServerClient {
  return createServerClient({ server: options.server, onRetry: (message) => err(`${message}\n`) });
}

// ---------------------------------------------------------------------------------------------
// push, pull, diff

export interface PushCommandOptions extends ServerCommandOptions {
  name?: string;
  message?: string;
  author?: string;
  label?: string;
}

/**
 * `assay prompts push [paths...]`: checks every file locally (as an eval would load it), and only
 * when all are valid pushes them, one immutable version each (or the existing one for unchanged
 * content). With `--label` the label then moves to each pushed version.
 */
export async function pushCommand(paths: string[], options: PushCommandOptions): Promise<number> {
  const cwd = process.cwd();
  const files = findPromptFiles(paths, { cwd, name: options.name });
  const parsed: { name: string; content: PromptVersionContent }[] = [];
  const invalid: unknown[] = [];
  for (const file of files) {
    try {
      parsed.push({ name: file.name, content: await readPromptVersion(file.file, file.name, file.display) });
    } catch (error) {
      if (!AssayError.isInstance(error)) throw error;
      invalid.push(error);
    }
  }
  if (invalid.length === 1 && files.length === 1) throw invalid[0];
  if (invalid.length) {
    for (const error of invalid) err(`${formatError(error).message}\n`);
    throw new ConfigError(`${invalid.length} of ${files.length} prompt files are invalid; nothing was pushed`, { hint: 'Fix the files above and push again.', docs: 'prompts-registry.md' });
  }

  const server = client(options);
  const author = options.author ?? defaultAuthor(cwd);
  const width = Math.max(...parsed.map((prompt) => prompt.name.length));
  let refused = 0;
  for (const { name, content } of parsed) {
    const { version, created } = await server.pushPrompt({
      name,
      source: content.source,
      author,
      ...(options.message === undefined ? {} : { message: options.message }),
      ...(content.partials.length ? { partials: Object.fromEntries(content.partials.map((partial) => [partial.name, partial.source])) } : {}),
    });
    const using = version.partials.length ? `, with ${version.partials.map((partial) => `_${partial.name}.prompt`).join(', ')}` : '';
    let line = `${name.padEnd(width)}  v${version.version} (${created ? 'new' : 'unchanged'}${using})`;
    if (options.label) {
      try {
        const moved = await moveLabel(server, name, version.version, options.label, { message: options.message });
        line += moved ? `  ${options.label} → ${describeTargets(moved.targets)}` : `  ${options.label} already there`;
      } catch (error) {
        if (!(ServerError.isInstance(error) && error.reason === 'approval-required')) throw error;
        refused++;
        line += `  ${options.label} not moved: needs ${error.problem.requiredApprovals ?? 'an'} approval(s); ask with \`assay prompts promote ${name}@${version.version} --label ${options.label} --request\``;
      }
    }
    out(`${line}\n`);
  }
  return refused ? 1 : 0;
}

/** A local `.prompt` file as `push` sends it, with the partials (`_name.prompt`) beside it that it uses. */
function readPromptVersion(file: string, name: string, shown: string): Promise<PromptVersionContent> {
  return promptVersionInput(readFileSync(file, 'utf8'), { name, file: shown, partials: partialsIn(path.dirname(file)) });
}

export interface PullCommandOptions extends ServerCommandOptions {
  label?: string;
  version?: string;
  output?: string;
  force?: boolean;
}

/** `assay prompts pull <name>`: writes a version's `.prompt` file (the latest, a label's, or `--version`). */
export async function pullCommand(reference: string, options: PullCommandOptions): Promise<number> {
  const { name, version: pinned } = parseReference(reference);
  if (pinned !== undefined) {
    if (options.version !== undefined && parseVersion(options.version, '--version') !== pinned) {
      throw new ConfigError(`${reference} and --version ${options.version} name different versions`, { docs: 'prompts-registry.md' });
    }
    options = { ...options, version: String(pinned) };
  }
  if (options.label !== undefined && options.version !== undefined) {
    throw new ConfigError('Give --label or --version, not both', { hint: 'e.g. assay prompts pull support/triage --label production', docs: 'prompts-registry.md' });
  }
  const server = client(options);
  let version: PromptVersion;
  if (options.label !== undefined) {
    const resolved = await server.resolveLabel(name, options.label);
    const target = [...resolved.targets].sort((a, b) => b.weight - a.weight)[0]!;
    version = resolved.versions.find((candidate) => candidate.version === target.version)!;
    if (resolved.targets.length > 1) {
      err(`${name} ${options.label} is a canary (${describeTargets(resolved.targets)}); pulling v${target.version}. Choose with --version.\n`);
    }
  } else if (options.version !== undefined) {
    version = await server.getVersion(name, parseVersion(options.version, '--version'));
  } else {
    const latest = (await server.listVersions(name, { limit: 1 })).items[0];
    if (!latest) throw new ConfigError(`Prompt ${name} has no versions`, { hint: 'Push one with `assay prompts push`.', docs: 'prompts-registry.md' });
    version = latest;
  }

  if (options.output === '-') {
    out(version.source);
    return 0;
  }
  const cwd = process.cwd();
  const file = path.resolve(cwd, options.output ?? localPromptPath(name));
  // The partials the version uses go beside it, where `eval` and `push` look for them.
  const files = [
    { file, source: version.source, what: `${name} v${version.version}` },
    ...version.partials.map((partial) => ({ file: path.join(path.dirname(file), `_${partial.name}.prompt`), source: partial.source, what: `partial ${partial.name} of ${name} v${version.version}` })),
  ].map((entry) => ({ ...entry, shown: displayPath(entry.file, cwd), same: existsSync(entry.file) && readFileSync(entry.file, 'utf8') === entry.source }));
  for (const entry of files) {
    if (!entry.same && existsSync(entry.file) && !options.force) {
      throw new RefusedError(`${entry.shown} exists and differs from ${entry.what}; not overwritten`, {
        hint: `See what differs with \`assay prompts diff ${name} ${version.version}\`; overwrite with --force, or write elsewhere with -o <file>.`,
        docs: 'prompts-registry.md',
      });
    }
  }
  if (files.every((entry) => entry.same)) {
    out(`${files[0]!.shown} is already ${name} v${version.version}\n`);
    return 0;
  }
  for (const entry of files) {
    if (entry.same) continue;
    mkdirSync(path.dirname(entry.file), { recursive: true });
    writeFileSync(entry.file, entry.source);
    out(`Wrote ${entry.shown} (${entry.what})\n`);
  }
  return 0;
}

export interface DiffCommandOptions extends ServerCommandOptions {
  file?: string;
}

/** `assay prompts diff <name> <from> [to]`: two stored versions, or one against the local file. */
export async function diffCommand(name: string, from: string, to: string | undefined, options: DiffCommandOptions): Promise<number> {
  const fromVersion = parseVersion(from, '<from>');
  const server = client(options);
  const color = Boolean(process.stdout.isTTY);
  if (to !== undefined) {
    out(formatPromptVersionDiff(await server.diff(name, fromVersion, parseVersion(to, '<to>')), { color }));
    return 0;
  }

  const cwd = process.cwd();
  const file = path.resolve(cwd, options.file ?? localPromptPath(name));
  const shown = displayPath(file, cwd);
  if (!existsSync(file)) {
    throw new ConfigError(`No local file ${shown} to compare ${name} v${fromVersion} with`, {
      hint: `Name a second version (\`assay prompts diff ${name} ${fromVersion} <to>\`), point at the file with --file, or pull it first.`,
      docs: 'prompts-registry.md',
    });
  }
  const local = await readPromptVersion(file, name, shown);
  const remote = await server.getVersion(name, fromVersion);
  // The local file has no version number; 0 stands for it and the headers name the file instead.
  const diff = diffPromptVersions(remote, { ...local, version: 0 });
  if (diff.changes.length === 0) {
    out(`No differences between v${fromVersion} and ${shown}\n`);
    return 0;
  }
  const header = new RegExp(`^((?:\\u001b\\[[0-9;]*m)*(?:${promptVersionFields.join('|')}): v${fromVersion} → )v0`, 'gm');
  out(formatPromptVersionDiff(diff, { color }).replace(header, `$1${shown}`));
  return 0;
}

// ---------------------------------------------------------------------------------------------
// promote, rollback

export interface PromoteCommandOptions extends ServerCommandOptions {
  label: string;
  /** Percent of traffic for a canary (1–99); 100 or unset moves the whole label. */
  weight?: number;
  message?: string;
  /** When the move needs approvals, create a change request instead of failing. */
  request?: boolean;
}

/**
 * `assay prompts promote <name>[@<version>] --label <label>`: moves the label (compare-and-set on
 * the revision just read). A protected move exits 1 unless `--request` asks for approval; a
 * label someone else moved in between exits 1 and says who, and is never retried blindly.
 */
export async function promoteCommand(reference: string, options: PromoteCommandOptions): Promise<number> {
  const { name, version: requested } = parseReference(reference);
  const server = client(options);
  const { prompt, labels } = await server.getPrompt(name);
  const version = requested ?? prompt.latestVersion;
  if (version > prompt.latestVersion) {
    throw new ConfigError(`${name} has no version ${version} (the latest is v${prompt.latestVersion})`, { hint: `See them with \`assay prompts log ${name}\`.`, docs: 'prompts-registry.md' });
  }
  const current = labels.find((label) => label.name === options.label);
  const targets = labelTargets(name, options.label, version, options.weight, current);
  if (current && sameTargets(current.targets, targets)) {
    out(`${name}  ${options.label} already → ${describeTargets(current.targets)} (revision ${current.revision})\n`);
    return 0;
  }
  try {
    const moved = await server.setLabel(name, options.label, { targets, expectedRevision: current?.revision ?? 0, ...(options.message === undefined ? {} : { message: options.message }) });
    out(`${name}  ${options.label} → ${describeTargets(moved.targets)} (revision ${moved.revision}${current ? `, was ${describeTargets(current.targets)}` : ''})\n`);
    return 0;
  } catch (error) {
    if (ServerError.isInstance(error) && error.reason === 'approval-required') {
      if (!options.request) {
        throw new ServerError(`Moving ${options.label} of ${name} to ${describeTargets(targets)} needs ${error.problem.requiredApprovals ?? 'one or more'} approval(s); nothing changed`, {
          status: error.status,
          problem: error.problem,
          hint: `Ask for approval with \`assay prompts promote ${name}@${version} --label ${options.label}${options.weight && options.weight < 100 ? ` --weight ${options.weight}` : ''} --request\`; an approver reviews it, then \`assay prompts apply <id>\` moves the label.`,
          docs: 'prompts-registry.md',
        });
      }
      const request = await server.createChangeRequest({ promptName: name, label: options.label, targets, ...(options.message === undefined ? {} : { message: options.message }) });
      out(
        `Change request ${request.id}: ${name} ${options.label} → ${describeTargets(request.targets)} needs ${request.requiredApprovals} approval(s) by an approver other than you.\n` +
          `  Review:   assay prompts approve ${request.id} --as <approver's email>   (or in the dashboard)\n` +
          `  Then:     assay prompts apply ${request.id}\n`,
      );
      return 0;
    }
    throw await explainConflict(server, name, options.label, error);
  }
}

export interface RollbackCommandOptions extends ServerCommandOptions {
  label: string;
  message?: string;
}

/** `assay prompts rollback <name> --label <label>`: back to what the label served before its last move. */
export async function rollbackCommand(name: string, options: RollbackCommandOptions): Promise<number> {
  const server = client(options);
  const { labels } = await server.getPrompt(name);
  const current = labels.find((label) => label.name === options.label);
  if (!current) {
    throw new ConfigError(`${name} has no label ${options.label}`, {
      hint: labels.length ? `Its labels: ${labels.map((label) => label.name).join(', ')}.` : 'It has no labels yet.',
      docs: 'prompts-registry.md',
    });
  }
  try {
    const label = await server.rollbackLabel(name, options.label, { expectedRevision: current.revision, ...(options.message === undefined ? {} : { message: options.message }) });
    out(`${name}  ${options.label} → ${describeTargets(label.targets)} (rolled back from ${describeTargets(current.targets)}; revision ${label.revision})\n`);
    return 0;
  } catch (error) {
    throw await explainConflict(server, name, options.label, error);
  }
}

// ---------------------------------------------------------------------------------------------
// log, list

/** `assay prompts log <name>`: the changelog and where each label points. */
export async function logCommand(name: string, options: ServerCommandOptions & { json?: boolean }): Promise<number> {
  const server = client(options);
  const [changelog, { labels }] = await Promise.all([server.changelog(name), server.getPrompt(name)]);
  if (options.json) {
    out(`${JSON.stringify({ name, labels, entries: changelog.entries, markdown: changelog.markdown }, null, 2)}\n`);
    return 0;
  }
  out(`# ${name}\n\n${changelog.markdown}`);
  if (labels.length === 0) {
    out('\nNo labels yet. Move one with `assay prompts promote`.\n');
    return 0;
  }
  out('\nLabels:\n');
  const width = Math.max(...labels.map((label) => label.name.length));
  for (const label of labels) {
    out(`  ${label.name.padEnd(width)}  ${describeTargets(label.targets)}  (revision ${label.revision}, ${label.updatedAt.slice(0, 16).replace('T', ' ')} by ${describeActor(label.updatedBy)})\n`);
  }
  return 0;
}

export interface ListCommandOptions extends ServerCommandOptions {
  /** Only prompts last reviewed more than this many days ago (or never). */
  overdue?: number;
  owner?: string;
  riskTier?: string;
  json?: boolean;
}

/** `assay prompts list`: every prompt with its latest version and governance fields. */
export async function listCommand(options: ListCommandOptions): Promise<number> {
  const server = client(options);
  const lastReviewedBefore = options.overdue === undefined ? undefined : new Date(Date.now() - options.overdue * 86_400_000).toISOString().slice(0, 10);
  const prompts = [];
  let cursor: string | undefined;
  do {
    const page = await server.listPrompts({ limit: 500, owner: options.owner, riskTier: options.riskTier, lastReviewedBefore, cursor });
    prompts.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  if (options.json) {
    out(`${JSON.stringify(prompts, null, 2)}\n`);
    return 0;
  }
  if (prompts.length === 0) {
    out(lastReviewedBefore ? `No prompt is overdue: every one was reviewed on or after ${lastReviewedBefore}.\n` : 'No prompts yet. Publish some with `assay prompts push`.\n');
    return 0;
  }
  const rows = [['NAME', 'LATEST', 'OWNER', 'RISK', 'LAST REVIEWED'], ...prompts.map((prompt) => [prompt.name, `v${prompt.latestVersion}`, prompt.owner ?? '-', prompt.riskTier ?? '-', prompt.lastReviewed ?? 'never'])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) out(`${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')}\n`);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// approve, apply

export interface ApproveCommandOptions extends ServerCommandOptions {
  reject?: boolean;
  comment?: string;
  /** Review as this person (the server accepts reviews from people only, not API keys). */
  as?: string;
  /** The project of the change request, when logging in with --as and no API key says it. */
  project?: string;
}

/**
 * `assay prompts approve <id>`: approve (or `--reject`) a change request. Reviews are made by
 * people, so `--as <email>` logs in (password from ASSAY_PASSWORD, or asked on a terminal); with
 * only an API key the server explains that a key cannot review.
 */
export async function approveCommand(id: string, options: ApproveCommandOptions): Promise<number> {
  const decision = options.reject ? 'reject' : 'approve';
  const input = { decision, ...(options.comment === undefined ? {} : { comment: options.comment }) } as const;
  let request;
  if (options.as === undefined) {
    try {
      request = await client(options).reviewChangeRequest(id, input);
    } catch (error) {
      // Whatever the key's role, the store takes reviews from people only.
      if (!(ServerError.isInstance(error) && error.status === 403)) throw error;
      throw new ServerError(error.message, {
        status: 403,
        problem: error.problem,
        hint: `Reviews are made by people, not API keys: \`assay prompts approve ${id} --as <your email>\` (password from ASSAY_PASSWORD, or asked), or approve it in the dashboard.`,
        docs: 'prompts-registry.md',
      });
    }
  } else {
    const password = process.env.ASSAY_PASSWORD || (await askPassword(`Password for ${options.as}: `));
    const onRetry = (message: string) => err(`${message}\n`);
    const session = await logIn({ server: options.server, email: options.as, password, onRetry });
    let server = createServerClient({ server: options.server, session, onRetry });
    try {
      const projectId = await sessionProject(server, options);
      server = createServerClient({ server: options.server, session: { ...session, projectId }, onRetry });
      request = await server.reviewChangeRequest(id, input);
    } finally {
      await server.logOut().catch(() => {});
    }
  }
  const approvals = request.reviews.filter((review) => review.decision === 'approve').length;
  const what = `${request.promptName} ${request.label} → ${describeTargets(request.targets)}`;
  if (request.status === 'approved') out(`Change request ${id} (${what}) is approved. Apply it with: assay prompts apply ${id}\n`);
  else if (request.status === 'rejected') out(`Change request ${id} (${what}) is rejected.\n`);
  else out(`Change request ${id} (${what}): ${approvals} of ${request.requiredApprovals} approvals; it needs ${request.requiredApprovals - approvals} more.\n`);
  return 0;
}

/** `assay prompts apply <id>`: moves the label of an approved change request (CI can do this with an editor key). */
export async function applyCommand(id: string, options: ServerCommandOptions): Promise<number> {
  const { changeRequest, label } = await client(options).applyChangeRequest(id);
  out(`Applied change request ${id}: ${changeRequest.promptName}  ${label.name} → ${describeTargets(label.targets)} (revision ${label.revision})\n`);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// helpers

/**
 * Moves `label` of `name` to `version` (whole label), reading its revision first. Resolves to the
 * label after the move, or null when it already pointed there.
 */
async function moveLabel(server: ServerClient, name: string, version: number, labelName: string, options: { message?: string }): Promise<Label | null> {
  const { labels } = await server.getPrompt(name);
  const current = labels.find((label) => label.name === labelName);
  const targets = [{ version, weight: 100 }];
  if (current && sameTargets(current.targets, targets)) return null;
  try {
    return await server.setLabel(name, labelName, { targets, expectedRevision: current?.revision ?? 0, ...(options.message === undefined ? {} : { message: options.message }) });
  } catch (error) {
    throw await explainConflict(server, name, labelName, error);
  }
}

/** For a 409 on a label move: re-read the label and say who moved it; any other error as it was. */
async function explainConflict(server: ServerClient, name: string, labelName: string, error: unknown): Promise<unknown> {
  if (!(ServerError.isInstance(error) && error.status === 409 && error.problem.currentRevision !== undefined)) return error;
  let moved = `${labelName} of ${name} was moved by someone else since it was read (now revision ${error.problem.currentRevision})`;
  try {
    const latest = (await server.labelHistory(name, labelName, { limit: 1 })).items[0];
    if (latest) {
      const note = latest.message ? `: "${latest.message}"` : '';
      moved = `${labelName} of ${name} was moved to ${describeTargets(latest.targets)} by ${describeActor(latest.actor)} at ${latest.createdAt.slice(0, 19).replace('T', ' ')} (revision ${latest.revision}${note})`;
    }
  } catch {
    // The conflict is what matters; who caused it is a courtesy.
  }
  return new ServerError(`${moved}; nothing changed`, {
    status: 409,
    problem: error.problem,
    hint: `Check where it points now (\`assay prompts log ${name}\`) and run the command again if the move still makes sense.`,
    docs: 'prompts-registry.md',
  });
}

/** The targets a promotion sends: the whole label, or a canary beside the one version it serves now. */
function labelTargets(name: string, labelName: string, version: number, weight: number | undefined, current: Label | undefined): LabelTarget[] {
  if (weight === undefined || weight === 100) return [{ version, weight: 100 }];
  if (!current) {
    throw new ConfigError(`--weight ${weight} splits ${labelName} between v${version} and the version it serves now, but ${name} has no label ${labelName} yet`, {
      hint: `Promote a version to it first: \`assay prompts promote ${name}@<version> --label ${labelName}\`.`,
      docs: 'prompts-registry.md',
    });
  }
  const others = current.targets.filter((target) => target.version !== version);
  if (others.length !== 1) {
    const why = others.length === 0 ? `already serves only v${version}` : `is a canary of two other versions (${describeTargets(current.targets)})`;
    throw new ConfigError(`Cannot make a ${weight}% canary of v${version}: ${labelName} ${why}`, {
      hint: 'A canary splits traffic between the new version and the one version the label serves now; promote one version fully first.',
      docs: 'prompts-registry.md',
    });
  }
  return [
    { version, weight },
    { version: others[0]!.version, weight: 100 - weight },
  ];
}

function sameTargets(a: readonly LabelTarget[], b: readonly LabelTarget[]): boolean {
  const key = (targets: readonly LabelTarget[]) => JSON.stringify([...targets].sort((x, y) => x.version - y.version).map((target) => [target.version, target.weight]));
  return key(a) === key(b);
}

/** `v3`, or `v3 10%, v2 90%` for a canary (the heavier version last). */
export function describeTargets(targets: readonly LabelTarget[]): string {
  if (targets.length === 1 && targets[0]!.weight === 100) return `v${targets[0]!.version}`;
  return [...targets]
    .sort((a, b) => a.weight - b.weight)
    .map((target) => `v${target.version} ${target.weight}%`)
    .join(', ');
}

function describeActor(actor: Actor): string {
  if (actor.type === 'user') return `user ${actor.id}`;
  if (actor.type === 'api-key') return `API key ${actor.id}`;
  return actor.id ? `Assay (${actor.id})` : 'Assay';
}

/** `3` or `v3` → 3. */
export function parseVersion(value: string, what: string): number {
  const match = /^v?(\d+)$/i.exec(value.trim());
  const version = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new ConfigError(`${what} must be a version number like 3 or v3, got "${value}"`, { docs: 'prompts-registry.md' });
  }
  return version;
}

/** `support/triage@3` → { name, version: 3 }; `support/triage` → the latest. */
function parseReference(reference: string): { name: string; version?: number } {
  const at = reference.lastIndexOf('@');
  if (at === -1) return { name: reference };
  return { name: reference.slice(0, at), version: parseVersion(reference.slice(at + 1), `The version in "${reference}"`) };
}

/** Who pushes: `git config user.name` when git knows, else the login name. */
function defaultAuthor(cwd: string): string {
  try {
    const name = execFileSync('git', ['config', 'user.name'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    if (name) return name.slice(0, 200);
  } catch {
    // No git, or no user.name configured.
  }
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The project a logged-in reviewer acts in: --project, the API key's project, or their only project. */
async function sessionProject(server: ServerClient, options: ApproveCommandOptions): Promise<string> {
  const { projects } = await server.session();
  if (options.project !== undefined) {
    const found = projects.find(({ project }) => project.name === options.project || project.id === options.project);
    if (!found) throw new ConfigError(`You are not a member of a project "${options.project}"`, { hint: `Your projects: ${projects.map(({ project }) => project.name).join(', ') || 'none'}.`, docs: 'prompts-registry.md' });
    return found.project.id;
  }
  if (process.env.ASSAY_API_KEY?.trim()) {
    const keyProject = (await createServerClient({ server: options.server }).session()).apiKey?.projectId;
    if (keyProject) return keyProject;
  }
  if (projects.length === 1) return projects[0]!.project.id;
  throw new ConfigError('Which project is the change request in?', {
    hint: `Pass --project <name> (your projects: ${projects.map(({ project }) => project.name).join(', ') || 'none'}), or set ASSAY_API_KEY to a key of that project.`,
    docs: 'prompts-registry.md',
  });
}

/** Reads a password from the terminal without echoing it. */
async function askPassword(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    throw new ConfigError('No password: set ASSAY_PASSWORD, or run the command in a terminal to be asked', { hint: 'Reviews are made by people; --as logs in with their dashboard password.', docs: 'prompts-registry.md' });
  }
  err(question);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      input.on('data', (chunk: string) => {
        for (const character of chunk) {
          if (character === '\r' || character === '\n') return resolve(value);
          if (character === '\u0003') return reject(new RefusedError('Interrupted'));
          value = character === '\u007f' || character === '\b' ? value.slice(0, -1) : value + character;
        }
      });
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    input.removeAllListeners('data');
    err('\n');
  }
}
