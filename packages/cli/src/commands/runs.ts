import { openStore } from '@assay/store';

export async function runsCommand(options: { limit: number; label?: string }): Promise<number> {
  const store = await openStore({ cwd: process.cwd() });
  try {
    const runs = await store.listRuns({ limit: options.limit, label: options.label });
    if (runs.length === 0) {
      process.stdout.write(options.label ? `No run labelled "${options.label}". Label one with \`assay eval --label ${options.label}\`.\n` : 'No runs yet. Start one with `assay eval`.\n');
      return 0;
    }
    for (const run of runs) {
      const done = run.summary ? `${run.summary.passed}/${run.summary.total} passed` : `${await store.countResults(run.id)}/${run.total} done`;
      process.stdout.write(`${run.id}  ${run.createdAt.slice(0, 19).replace('T', ' ')}  ${run.status.padEnd(11)}  ${done}  ${run.label ? `[${run.label}]  ` : ''}${run.configPath}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
