import { fileURLToPath } from 'node:url';
import { AssayError, ConfigError, ProviderError } from '@assay/spec';

/** The docs folder of this installation: a link that always opens, online or not. */
const docsBase = fileURLToPath(new URL('../../../docs/', import.meta.url));

/** A user mistake or provider failure as one short paragraph; never a stack trace. */
export function formatError(error: unknown): { message: string; exitCode: number } {
  if (AssayError.isInstance(error)) {
    const lines: string[] = [];
    const location = error instanceof ConfigError ? error.location : undefined;
    const field = error instanceof ConfigError && error.field ? ` (field ${error.field})` : '';
    const provider = error instanceof ProviderError ? `[${error.provider}] ` : '';
    lines.push(`Error: ${location ? `${location}: ` : ''}${provider}${error.message}${field}`);
    if (error.hint) lines.push(`  Hint: ${error.hint}`);
    if (error.docs) lines.push(`  Docs: ${docsBase}${error.docs}`);
    return { message: lines.join('\n'), exitCode: error.exitCode };
  }
  const unexpected = error as Error;
  return {
    message: `Internal error: ${unexpected?.stack ?? String(error)}\nThis is a bug in Assay; please report it with the command you ran.`,
    exitCode: 70,
  };
}
