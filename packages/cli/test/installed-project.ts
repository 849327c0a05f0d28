// What the install tests share: the environment a new user's shell has (Node 24 of this
// repository first, no provider keys, no npm variables of this repository's own run) and a
// synchronous `run` in a project folder.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** Node 24 of this repository first, as for `npx` here; npm itself is the system's. */
const PATH = [path.join(repositoryRoot, 'node_modules/node/bin'), process.env.PATH].join(path.delimiter);
export const installEnv: NodeJS.ProcessEnv = { ...process.env, PATH, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
for (const key of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'ANTHROPIC_API_KEY', 'ASSAY_DATABASE_URL', 'ASSAY_DATA_DIR', 'INIT_CWD', 'npm_command', 'npm_package_json']) delete installEnv[key];

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runIn(cwd: string, command: string, args: string[], timeout = 120_000): RunResult {
  const result = spawnSync(command, args, { cwd, env: installEnv, encoding: 'utf8', timeout });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** This repository's TypeScript compiler on a project's tsconfig.json. */
export const typecheck = (project: string): RunResult => runIn(project, process.execPath, [path.join(repositoryRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);

/** A typed assay.config.ts and a tsconfig.json with a project's usual settings (no allowImportingTsExtensions). */
export const typedConfig = [
  "import { defineConfig, type SuiteInput } from '@assay/cli';",
  '',
  "const tests: SuiteInput['tests'] = [{ vars: { text: 'good morning' }, assert: [{ type: 'contains', value: 'good morning' }] }];",
  "export default defineConfig({ prompts: [{ id: 'inline', template: 'Say: {{text}}' }], providers: ['echo'], tests });",
  '',
].join('\n');
export const projectTsconfig = JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [] }, files: ['assay.config.ts'] });
