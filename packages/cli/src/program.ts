import { Command, CommanderError, Option } from 'commander';
import { AssayError } from '@assay/spec';

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

/**
 * The `assay` command. Actions are imported lazily so `assay --help` stays fast.
 * `run()` resolves to the exit code; nothing here calls process.exit.
 */
export function createProgram(): { run(args: string[]): Promise<number>; command: Command } {
  let exitCode = 0;
  const program = new Command('assay')
    .description('Evaluate, attack, ship and observe prompts.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError('(run `assay --help` for usage)');

  program
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
    .addOption(new Option('--format <format>', 'force the config format').choices(['assay', 'promptfoo']))
    .action(async (options) => {
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

  program
    .command('runs')
    .description('List recent runs in the local store.')
    .option('-n, --limit <n>', 'how many', integer('--limit'), 20)
    .option('--label <name>', 'only runs with this label')
    .action(async (options) => {
      const { runsCommand } = await import('./commands/runs.ts');
      exitCode = await runsCommand(options);
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
    .action(async (options) => {
      const { createKeyCommand } = await import('./commands/admin.ts');
      exitCode = await createKeyCommand({ project: options.project, role: options.role, organization: options.org, name: options.name });
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
      if (args.length === 0) {
        program.outputHelp();
        return 0;
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
