import { Command, CommanderError, Option } from 'commander';
import { AssayError } from '@assay/spec';
import { collectVar, ignoredPromptfooFlags } from './commands/promptfoo-flags.ts';

class UsageError extends AssayError {
  constructor(message: string) {
    super(message, { hint: 'Run `assay --help` or `assay <command> --help`.', docs: 'cli.md' });
    this.name = 'UsageError';
  }
}

const integer = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new UsageError(`${name} must be a positive whole number, got "${value}"`);
  return parsed;
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

const port = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${value}"`);
  return parsed;
};

const percent = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 100) throw new UsageError(`--weight must be a whole percentage from 1 to 100, got "${value}"`);
  return parsed;
};

const days = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new UsageError(`--overdue must be a whole number of days, got "${value}"`);
  return parsed;
};

/** `--expires`: days from now (`90d`), a day (`2026-12-31`, its start in UTC) or a time (`2026-12-31T18:00:00Z`). */
const expiry = (value: string) => {
  const days = /^(\d+)d$/.exec(value)?.[1];
  let time = NaN;
  if (days !== undefined) time = Date.now() + Number(days) * 86_400_000;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    time = Date.parse(`${value}T00:00:00Z`);
    // Date.parse rolls 2026-02-30 over to March; a day that does not come back the same is not a day.
    if (Number.isFinite(time) && !new Date(time).toISOString().startsWith(value)) time = NaN;
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(value)) time = Date.parse(value);
  if (!Number.isFinite(time)) throw new UsageError(`--expires must be a number of days (90d), a date (2026-12-31) or a time (2026-12-31T18:00:00Z), got "${value}"`);
  // Refused here too, before the project is created, not only by the store.
  if (time <= Date.now()) throw new UsageError(`--expires ${value} is not in the future: the key would never work`);
  return new Date(time).toISOString();
};

const serverOption = () => new Option('--server <url>', 'the Assay server (default $ASSAY_SERVER, else http://127.0.0.1:7400)');

/**
 * The `assay` command. Actions are imported lazily so `assay --help` stays fast.
 * `run()` resolves to the exit code; nothing here calls process.exit.
 */
export function createProgram(): { run(args: string[]): Promise<number>; command: Command } {
  let exitCode = 0;
  /** The arguments of this run (`assay eval --watch` runs `assay eval` with them again, without --watch). */
  let currentArgs: readonly string[] = [];
  const program = new Command('assay')
    .description('Evaluate prompts on golden datasets, compare runs with significance tests, and version prompts in a registry.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .exitOverride()
    // Root options (--version) only before the command, so `assay prompts pull x --version 3` reaches pull.
    .enablePositionalOptions()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError('(run `assay --help` for usage)');

  const evalProgram = program
    .command('eval')
    .description('Run a suite: prompts × providers × cases × repeats, scored by assertions.')
    .option('-c, --config <file>', 'suite file (assay YAML, assay.config.ts or promptfooconfig.yaml)')
    .option('-o, --output <file>', 'write results: .json, .jsonl, .csv, .xml (JUnit) or .html (report); repeatable', collect)
    .option('--repeat <k>', 'run every case k times', integer('--repeat'))
    .option('-j, --concurrency <n>', 'calls in flight at once', integer('--concurrency'))
    .option('--no-cache', 'do not read or write the on-disk response cache')
    .option('--record [cassette]', 'record responses to a cassette (default .assay/cassettes/<suite>.jsonl)')
    .option('--replay [cassette]', 'answer from a cassette only; never call a provider')
    .option('--resume [runId]', 'continue an interrupted run (the latest one when no id is given)')
    .option('--no-progress', 'no live progress bar')
    .option('--show-failures <n>', 'failed cases to print at the end', integer('--show-failures'), 10)
    .option('--baseline <run>', 'compare against a run id, run label or results .json file (significance-tested)')
    .option('--label <name>', 'label this run (e.g. main) so later runs can use it as --baseline')
    .option('--compare-prompts <a,b>', 'after the run, test prompt b against prompt a on the same cases')
    .option('--filter <regex>', 'only cases whose id or description matches (case-insensitive)')
    .option('--tag <tag>', 'only cases with this tag (repeatable)', collect)
    .option('--failing <run>', 'only the cases that failed or errored in this run (id or label)')
    .option('--first <n>', 'only the first n cases (after the other filters)', integer('--first'))
    .option('--prompt <id>', 'only this prompt (repeatable)', collect)
    .option('--provider <name>', 'only this provider, by label or id (repeatable)', collect)
    .addOption(new Option('--format <format>', 'force the config format').choices(['assay', 'promptfoo']))
    .option('--upload', 'after the run, upload it to the team server (needs ASSAY_API_KEY)')
    .addOption(serverOption())
    .option('--watch', 'run again whenever a prompt, suite or dataset changes (unchanged calls come from the cache); Ctrl-C stops')
    .option('--no-table', 'no results matrix on the console')
    .option('--no-write', 'keep the run in memory only (not in .assay/): it cannot be resumed, compared or uploaded later')
    .option('--env-file <file>', 'load environment variables from a .env file (they override the environment)')
    .option('--filter-errors-only <run>', 'only the cases that errored in this run (id, label, latest or results .json)')
    .option('--filter-metadata <key=value>', "only cases whose metadata's key includes value")
    .option('--filter-providers <regex>', 'only providers whose id or label matches')
    .addOption(new Option('--env-path <file>', 'promptfoo: --env-file').hideHelp())
    .addOption(new Option('--filter-targets <regex>', 'promptfoo: --filter-providers').hideHelp())
    // promptfoo's names for the options above, and its -t/-p/-r/--var (docs/promptfoo.md).
    .option('--max-concurrency <n>', 'promptfoo: --concurrency', integer('--max-concurrency'))
    .option('-n, --filter-first-n <n>', 'promptfoo: --first', integer('--filter-first-n'))
    .option('--filter-pattern <regex>', 'promptfoo: --filter')
    .option('--filter-failing <run>', 'promptfoo: --failing (also a results .json file)')
    .option('--retry-errors', 'promptfoo: --resume (runs the errored calls of the latest run again)')
    .option('--no-progress-bar', 'promptfoo: --no-progress')
    .option('-t, --tests <file>', "promptfoo: replace the config's tests with this file (CSV, JSON, JSONL, YAML)")
    .option('-v, --vars <file>', 'promptfoo: --tests')
    .option('-p, --prompts <files...>', "promptfoo: replace the config's prompts with these files")
    .option('-r, --providers <ids...>', "promptfoo: replace the config's providers with these ids")
    .option('--var <key=value>', 'promptfoo: set a variable for every test (repeatable; a test\'s own value wins)', collectVar);
  // promptfoo flags Assay does not honour: accepted, and named in one warning.
  for (const flags of Object.values(ignoredPromptfooFlags)) evalProgram.addOption(new Option(flags).hideHelp());
  evalProgram
    .action(async (options) => {
      const { applyPromptfooFlags } = await import('./commands/promptfoo-flags.ts');
      const ignored = applyPromptfooFlags(options);
      if (ignored) process.stderr.write(`Warning: ${ignored}\n`);
      if (options.watch) {
        const { evalWatchCommand } = await import('./commands/eval-watch.ts');
        exitCode = await evalWatchCommand(options, currentArgs);
        return;
      }
      const { evalCommand } = await import('./commands/eval.ts');
      exitCode = await evalCommand(options);
    });

  program
    .command('validate')
    .description('Check a suite, its prompts and datasets without calling a model.')
    .option('-c, --config <file>', 'suite file')
    .addOption(new Option('--format <format>', 'force the config format').choices(['assay', 'promptfoo']))
    .action(async (options) => {
      const { validateCommand } = await import('./commands/validate.ts');
      exitCode = await validateCommand(options);
    });

  program
    .command('init')
    .description('Scaffold a working project (a prompt, a dataset, a suite) in a folder.')
    .argument('[directory]', 'where to create it', '.')
    .option('--force', 'overwrite existing files')
    .action(async (directory, options) => {
      const { initCommand } = await import('./commands/init.ts');
      exitCode = await initCommand(directory, options);
    });

  program
    .command('demo')
    .description('Run the sample support-assistant project (offline on bundled responses, live with a key).')
    .option('--live', 'call the provider even without OPENAI_API_KEY (uses OPENAI_BASE_URL)')
    .option('-o, --output <file>', 'write results (.json, .jsonl, .csv, .xml, .html)', collect)
    .option('--no-progress', 'no live progress bar')
    .action(async (options) => {
      const { demoCommand } = await import('./commands/demo.ts');
      exitCode = await demoCommand(options);
    });

  const runs = program
    .command('runs')
    .description('List recent runs in the local store.')
    .option('-n, --limit <n>', 'how many', integer('--limit'), 20)
    .option('--label <name>', 'only runs with this label')
    .action(async (options) => {
      const { runsCommand } = await import('./commands/runs.ts');
      exitCode = await runsCommand(options);
    });
  runs
    .command('upload')
    .description('Upload a stored run to the team server (again: completes an upload that broke off).')
    .argument('<run>', 'run id or run label (the newest run with it)')
    .addOption(serverOption())
    .action(async (reference, options) => {
      const { runsUploadCommand } = await import('./commands/runs.ts');
      exitCode = await runsUploadCommand(reference, options);
    });

  runs
    .command('export')
    .description('Write a stored run to result files (.json, .jsonl, .csv, .xml, .html), without calling a model.')
    .argument('<run>', 'run id or run label (the newest run with it)')
    .requiredOption('-o, --output <file>', 'file to write; the extension picks the format (repeatable)', collect)
    .action(async (reference, options) => {
      const { runsExportCommand } = await import('./commands/runs.ts');
      exitCode = await runsExportCommand(reference, options);
    });

  program
    .command('compare')
    .description('Compare two runs: per-cell differences with intervals, paired significance tests and flipped cases.')
    .argument('<baseline>', 'run id, run label, or results .json file')
    .argument('<candidate>', 'run id, run label, or results .json file')
    .option('--json', 'print the comparison as JSON')
    .option('--confidence <level>', 'confidence for intervals and tests', '0.95')
    .option('-o, --output <file>', 'write the comparison report (.json or .html)', collect)
    .option('--fail-on-regression', 'exit 1 when any cell or metric is significantly worse')
    .action(async (baseline, candidate, options) => {
      const { compareCommand } = await import('./commands/compare.ts');
      exitCode = await compareCommand(baseline, candidate, options);
    });

  program
    .command('plan')
    .description('How many cases (and repeats) a comparison needs to detect a given difference.')
    .requiredOption('--baseline-rate <rate>', 'expected pass rate of the baseline, e.g. 0.9')
    .requiredOption('--detect <difference>', 'smallest difference worth detecting, e.g. 0.03')
    .option('--power <power>', 'probability of detecting it', '0.8')
    .option('--alpha <alpha>', 'significance level (two-sided)', '0.05')
    .option('--repeats <k>', 'repeats per case', integer('--repeats'), 1)
    .option('--icc <rho>', 'correlation of repeats of one case (0 = independent, 1 = identical)')
    .option('--discordance <share>', 'expected share of cases whose outcome differs between the two prompts (paired design)')
    .option('--json', 'print the plan as JSON')
    .action(async (options) => {
      const { planCommand } = await import('./commands/plan.ts');
      exitCode = await planCommand(options);
    });

  const judge = program.command('judge').description('Calibrate LLM judges against human labels; measure agreement between raters.');
  judge
    .command('calibrate')
    .description('Run a judge on human-labelled cases: accuracy, Cohen\'s κ, confusion matrix, sensitivity, specificity.')
    .argument('<judge>', 'judge file (YAML)')
    .requiredOption('--labels <file>', 'human labels (JSONL)')
    .option('-j, --concurrency <n>', 'judge calls in flight at once', integer('--concurrency'))
    .option('--replay [cassette]', 'answer from a cassette only')
    .option('--record [cassette]', 'record judge responses to a cassette')
    .option('--no-cache', 'do not read or write the on-disk response cache')
    .option('--json', 'print the calibration as JSON')
    .action(async (judgeFile, options) => {
      const { judgeCalibrateCommand } = await import('./commands/judge.ts');
      exitCode = await judgeCalibrateCommand(judgeFile, options);
    });
  judge
    .command('agreement')
    .description('Agreement between human raters: Cohen\'s κ (two), Fleiss\' κ and Krippendorff\'s α (more), per criterion.')
    .requiredOption('--labels <file>', 'labels with a rater field (JSONL)')
    .option('--json', 'print the agreement as JSON')
    .action(async (options) => {
      const { judgeAgreementCommand } = await import('./commands/judge.ts');
      exitCode = await judgeAgreementCommand(options);
    });

  const admin = program.command('admin').description('Administration that works on the store directly, without a server.');
  admin
    .command('create-key')
    .description('Create a project-scoped API key (and the project, if missing); prints the key once.')
    .requiredOption('--project <name>', 'project the key belongs to')
    .addOption(new Option('--role <role>', 'what the key may do').choices(['viewer', 'editor', 'approver', 'admin']).makeOptionMandatory())
    .option('--org <name>', 'organisation of the project', 'default')
    .option('--name <name>', 'a name to recognise the key by')
    .option('--expires <when>', 'when the key stops working: days from now (90d), a date (2026-12-31) or a time (2026-12-31T18:00:00Z)', expiry)
    .action(async (options) => {
      const { createKeyCommand } = await import('./commands/admin.ts');
      exitCode = await createKeyCommand({ project: options.project, role: options.role, organization: options.org, name: options.name, expiresAt: options.expires });
    });

  program
    .command('serve')
    .description('Start the team server: prompt registry, approvals, uploaded runs and the dashboard.')
    .option('-p, --port <n>', 'port (0 = any free port)', port, 7400)
    .option('--host <address>', 'address to listen on (0.0.0.0: every interface, behind a TLS proxy)', '127.0.0.1')
    .option('--secure-cookies', 'mark session cookies Secure although the server speaks http (behind an https proxy)')
    .option('--trust-proxy [hops]', 'trust X-Forwarded-* headers from this many proxies in front (default 1; only proxies you run)', integer('--trust-proxy'))
    .option('--connect-timeout <seconds>', 'PostgreSQL: how long to retry a database that is down at start', integer('--connect-timeout'), 30)
    .action(async (options) => {
      const { serveCommand } = await import('./commands/serve.ts');
      exitCode = await serveCommand(options);
    });

  program
    .command('view')
    .description('Browse this folder\'s runs in the dashboard (runs, cases, comparisons): read-only, no login, on 127.0.0.1.')
    .option('-p, --port <n>', 'port (default 15500; a taken port moves to the next free one; 0 = any free port)', port)
    .option('--host <address>', 'loopback address to listen on: 127.0.0.1, ::1 or localhost (others are refused)', '127.0.0.1')
    .option('--open', 'open the runs page in the default browser')
    .action(async (options) => {
      const { viewCommand } = await import('./commands/view.ts');
      exitCode = await viewCommand(options);
    });

  const prompts = program.command('prompts').description('Publish, compare and promote prompts in the registry of an Assay server (ASSAY_SERVER, ASSAY_API_KEY).');
  prompts
    .command('push')
    .description('Check .prompt files locally, then push each as a new immutable version (unchanged content keeps its version).')
    .argument('[paths...]', '.prompt files or folders (default prompts/, else the current folder)')
    .option('--name <name>', 'the registry name for a single file (default: its path under prompts/ without .prompt)')
    .option('-m, --message <text>', 'what changed and why')
    .option('--author <name>', 'who wrote it (default git config user.name, else your login name)')
    .option('--label <label>', 'also move this label to each pushed version')
    .addOption(serverOption())
    .action(async (paths, options) => {
      const { pushCommand } = await import('./commands/prompts.ts');
      exitCode = await pushCommand(paths, options);
    });
  prompts
    .command('pull')
    .description("Write a version's .prompt file (the latest, a label's, or --version).")
    .argument('<prompt>', 'name or name@version, e.g. support/triage or support/triage@3')
    .option('--label <label>', 'the version this label serves')
    .option('--version <n>', 'this version')
    .option('-o, --output <file>', 'where to write it (default prompts/<name>.prompt; - for stdout)')
    .option('--force', 'overwrite a local file that differs')
    .addOption(serverOption())
    .action(async (name, options) => {
      const { pullCommand } = await import('./commands/prompts.ts');
      exitCode = await pullCommand(name, options);
    });
  prompts
    .command('diff')
    .description('What changed between two versions, or between a version and the local file.')
    .argument('<name>', 'prompt name')
    .argument('<from>', 'version (3 or v3)')
    .argument('[to]', 'version; without it, the local file prompts/<name>.prompt')
    .option('--file <path>', 'the local file to compare with')
    .addOption(serverOption())
    .action(async (name, from, to, options) => {
      const { diffCommand } = await import('./commands/prompts.ts');
      exitCode = await diffCommand(name, from, to, options);
    });
  prompts
    .command('promote')
    .description('Move a label to a version (the latest by default), or make a canary with --weight.')
    .argument('<prompt>', 'name or name@version, e.g. support/triage@3')
    .requiredOption('--label <label>', 'the label to move, e.g. production')
    .option('--weight <percent>', 'canary: this share of traffic for the version, the rest for what the label serves now', percent)
    .option('-m, --message <text>', 'why (kept in the label history)')
    .option('--request', 'if the move needs approval, create a change request instead of failing')
    .addOption(serverOption())
    .action(async (reference, options) => {
      const { promoteCommand } = await import('./commands/prompts.ts');
      exitCode = await promoteCommand(reference, options);
    });
  prompts
    .command('rollback')
    .description('Point a label back at what it served before its last move (no approval needed).')
    .argument('<name>', 'prompt name')
    .requiredOption('--label <label>', 'the label to roll back')
    .option('-m, --message <text>', 'why')
    .addOption(serverOption())
    .action(async (name, options) => {
      const { rollbackCommand } = await import('./commands/prompts.ts');
      exitCode = await rollbackCommand(name, options);
    });
  prompts
    .command('log')
    .description("A prompt's changelog and where its labels point.")
    .argument('<name>', 'prompt name')
    .option('--json', 'print it as JSON')
    .addOption(serverOption())
    .action(async (name, options) => {
      const { logCommand } = await import('./commands/prompts.ts');
      exitCode = await logCommand(name, options);
    });
  prompts
    .command('list')
    .description('Prompts with their latest version, owner, risk tier and last review.')
    .option('--overdue <days>', 'only prompts last reviewed more than this many days ago, or never', days)
    .option('--owner <owner>', 'only this owner')
    .addOption(new Option('--risk-tier <tier>', 'only this risk tier').choices(['low', 'medium', 'high', 'critical']))
    .option('--json', 'print them as JSON')
    .addOption(serverOption())
    .action(async (options) => {
      const { listCommand } = await import('./commands/prompts.ts');
      exitCode = await listCommand(options);
    });
  prompts
    .command('approve')
    .description("Approve (or --reject) someone else's change request; reviews are made by people (--as).")
    .argument('<id>', 'change request id')
    .option('--reject', 'reject it instead')
    .option('--comment <text>', 'a note for the requester')
    .option('--as <email>', 'review as this user (password from ASSAY_PASSWORD, or asked)')
    .option('--project <name>', 'the project of the request (default: the API key’s, or your only one)')
    .addOption(serverOption())
    .action(async (id, options) => {
      const { approveCommand } = await import('./commands/prompts.ts');
      exitCode = await approveCommand(id, options);
    });
  prompts
    .command('apply')
    .description('Move the label of an approved change request.')
    .argument('<id>', 'change request id')
    .addOption(serverOption())
    .action(async (id, options) => {
      const { applyCommand } = await import('./commands/prompts.ts');
      exitCode = await applyCommand(id, options);
    });

  program
    .command('mock-server')
    .description('Start an OpenAI/Anthropic-compatible mock model server with fault injection.')
    .option('-p, --port <port>', 'port (0 = any free port)', '8787')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .addOption(new Option('--mode <mode>', 'how to answer').choices(['echo', 'rules', 'cassette']).default('echo'))
    .option('--rules <file>', 'rules file (YAML or JSON)')
    .option('--cassette <file>', 'cassette file (JSONL)')
    .option('--latency <ms>', 'latency: "50" or a range "20-200"')
    .option('--rate-429 <share>', 'share of requests answered 429 with Retry-After')
    .option('--rate-5xx <share>', 'share of requests answered 5xx')
    .option('--rate-malformed <share>', 'share of responses with malformed JSON')
    .option('--rate-cut-stream <share>', 'share of streams cut mid-way')
    .option('--seed <n>', 'seed for fault sampling')
    .action(async (options) => {
      const { mockServerCommand } = await import('./commands/mock-server.ts');
      exitCode = await mockServerCommand(options);
    });

  return {
    command: program,
    async run(args) {
      exitCode = 0;
      currentArgs = args;
      if (args.length === 0) {
        // No command is a usage error (as for an unknown one): the help goes to stderr, exit 2.
        program.outputHelp({ error: true });
        return 2;
      }
      try {
        await program.parseAsync(args, { from: 'user' });
      } catch (error) {
        if (error instanceof CommanderError) {
          if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
          return 2;
        }
        throw error;
      }
      return exitCode;
    },
  };
}
