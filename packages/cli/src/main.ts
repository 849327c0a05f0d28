import { formatError } from './format-error.ts';
import { createProgram } from './program.ts';

/** Runs the CLI and returns the exit code. The bin entry is the only place that sets it. */
export async function main(args: string[]): Promise<number> {
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
