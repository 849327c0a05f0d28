import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defaultDataDirectory, openRegistryStore } from '@assay/store';
import type { Role } from '@assay/spec';

export interface CreateKeyOptions {
  project: string;
  role: Role;
  organization: string;
  name?: string;
  /** ISO timestamp after which the key no longer authenticates; one in the past is refused. */
  expiresAt?: string;
}

/**
 * `assay admin create-key`: for automation. Works on the store directly (no server needed),
 * creates the organisation and project when missing, and prints the key once — only its hash is kept.
 */
export async function createKeyCommand(options: CreateKeyOptions): Promise<number> {
  const cwd = process.cwd();
  const url = process.env.ASSAY_DATABASE_URL?.trim();
  let registry;
  if (url) {
    registry = await openRegistryStore({ postgres: { url } });
  } else {
    const directory = defaultDataDirectory(cwd);
    mkdirSync(directory, { recursive: true });
    registry = await openRegistryStore({ sqlite: { file: path.join(directory, 'assay.db') } });
  }
  try {
    const context = { actor: { type: 'system' as const, id: 'assay admin create-key' } };
    const { project, created } = await registry.ensureProject({ organization: options.organization, project: options.project }, context);
    const name = options.name ?? `${options.role} key (created ${new Date().toISOString().slice(0, 10)})`;
    const { apiKey, secret } = await registry.createApiKey(project.id, { name, role: options.role, ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }) }, context);
    const expires = apiKey.expiresAt ? `, expires ${apiKey.expiresAt}` : '';
    process.stderr.write(
      `${created ? `Created project ${options.organization}/${options.project}. ` : ''}API key ${apiKey.prefix}… (${options.role}${expires}) for ${options.organization}/${options.project}.\n` +
        'It is shown only this once; store it as a secret (e.g. ASSAY_API_KEY). Assay keeps only its hash.\n',
    );
    process.stdout.write(`${secret}\n`);
    return 0;
  } finally {
    await registry.close();
  }
}
