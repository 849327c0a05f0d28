import path from 'node:path';
import { formatError } from './format-error.ts';
import { createProgram } from './program.ts';

/**
 * The folder the user typed the command in, when npm started us elsewhere: `npx assay` inside a
 * workspace package's subfolder (packages/cli/demo) runs in the package folder (packages/cli) and
 * keeps the original folder in INIT_CWD. Only then: INIT_CWD is also inherited by every process
 * an npm script starts, and one that chose its own folder must keep it.
 */
export function typedDirectory(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const typed = env.INIT_CWD;
  if (env.npm_command !== 'exec' || !typed || env.npm_package_json !== path.join(cwd, 'package.json')) return undefined;
  const inside = path.relative(cwd, typed);
  return inside && !inside.startsWith('..') && !path.isAbsolute(inside) ? typed : undefined;
}

/** Runs the CLI and returns the exit code. The bin entry is the only place that sets it. */
export async function main(args: string[]): Promise<number> {
  const typed = typedDirectory(process.env, process.cwd());
  // Relative paths (-c evals/suite.yaml) and the .assay/ store are the user's folder's.
  if (typed) process.chdir(typed);
  const program = createProgram();
  try {
    const code = await program.run(args);
    return code;
  } catch (error) {
    const { message, exitCode } = formatError(error);
    process.stderr.write(`${message}\n`);
    return exitCode;
  }
}
