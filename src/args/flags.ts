// What k6's command line looks like to cobra/pflag: which subcommands exist and, per
// command, which flags take a value. This is the single place that knows flag arities;
// analyse.ts only interprets it. Read from grafana/k6 internal/cmd (root.go, options.go,
// runtime_options.go, config.go, cloud*.go, login*.go, archive.go, inspect.go), covering
// the v1.x and v2.x command sets together: a flag that only one line knows is harmless
// for the other, since k6 rejects it there anyway.

/**
 * How pflag treats the token after a flag.
 * - `value`: takes a value; `--f v`, `--f=v`, `-fv`, `-f=v`, `-f v` all work.
 * - `bool`: never consumes the next token; a value only via `--f=v` / `-f=v`.
 * - `optional-value`: a string flag with pflag's NoOptDefVal (e.g. `--http-debug`,
 *   `--once`); for parsing it behaves exactly like `bool`.
 */
export type FlagArity = 'value' | 'bool' | 'optional-value';

export interface FlagSpec {
  readonly long: string;
  readonly short?: string;
  readonly arity: FlagArity;
}

export type FlagTable = readonly FlagSpec[];

export interface CommandSpec {
  /** Flags this command defines itself (cobra "local" flags; not inherited by children). */
  readonly flags: FlagTable;
  readonly subcommands: ReadonlyMap<string, CommandSpec>;
}

type Spellings = readonly string[];

/** Builds a table from spellings like '-c --config' or '--log-output'. */
function flagTable(groups: { value?: Spellings; bool?: Spellings; optionalValue?: Spellings }): FlagTable {
  return [
    ...(groups.value ?? []).map((s) => spec(s, 'value')),
    ...(groups.bool ?? []).map((s) => spec(s, 'bool')),
    ...(groups.optionalValue ?? []).map((s) => spec(s, 'optional-value')),
  ];
}

function spec(spelling: string, arity: FlagArity): FlagSpec {
  let long = '';
  let short: string | undefined;
  for (const part of spelling.split(' ')) {
    if (part.startsWith('--')) long = part.slice(2);
    else if (part.startsWith('-')) short = part.slice(1);
  }
  return short === undefined ? { long, arity } : { long, short, arity };
}

function command(flags: FlagTable, subcommands: Record<string, CommandSpec> = {}): CommandSpec {
  // A Map, not the object itself: a token like "constructor" must never look like a subcommand.
  return { flags, subcommands: new Map(Object.entries(subcommands)) };
}

/** rootCmdPersistentFlagSet: accepted by every command, before or after the subcommand. */
export const ROOT_PERSISTENT_FLAGS = flagTable({
  value: ['-c --config', '-a --address', '--log-output', '--log-format', '--logformat', '--secret-source'],
  bool: ['-q --quiet', '-v --verbose', '--no-color', '--log-ns-timestamps', '--profiling-enabled'],
});

/**
 * Added by cobra to every command when it executes (InitDefaultHelpFlag), i.e. AFTER the
 * command was found: known when flags are parsed, unknown while the command path is walked.
 */
export const HELP_FLAGS = flagTable({ bool: ['-h --help'] });

/** Added by cobra to the root command only, also at execution time (Version is set). */
export const VERSION_FLAGS = flagTable({ bool: ['--version'] });

/** optionFlagSet: test options shared by run, cloud, archive. */
const TEST_OPTION_FLAGS = flagTable({
  value: [
    '-u --vus', '-d --duration', '-i --iterations', '-s --stage', '--execution-segment',
    '--execution-segment-sequence', '--max-redirects', '--batch', '--batch-per-host', '--rps',
    '--user-agent', '--min-iteration-duration', '--blacklist-ip', '--block-hostnames',
    '--summary-trend-stats', '--summary-time-unit', '--system-tags', '--tag', '--console-output',
    '--local-ips', '--dns',
  ],
  bool: [
    '-p --paused', '--no-setup', '--no-teardown', '--insecure-skip-tls-verify', '--no-connection-reuse',
    '--no-vu-connection-reuse', '-w --throw', '--discard-response-bodies',
  ],
  optionalValue: ['--http-debug'],
});

/** runtimeOptionFlagSet: shared by run, cloud, archive, inspect. Note `-t` is --type here. */
const RUNTIME_OPTION_FLAGS = flagTable({
  value: [
    '--compatibility-mode', '-t --type', '-e --env', '--summary-mode', '--summary-export', '--traces-output',
    '--js-profiling-scope', '--js-cpu-profile-output', '--js-runtime-trace-output', '--js-profile-id',
  ],
  bool: [
    '--include-system-env-vars', '--no-thresholds', '--no-summary', '--new-machine-readable-summary',
    '--js-profiling-enabled',
  ],
});

/** configFlagSet: `k6 run` only. */
const RUN_CONFIG_FLAGS = flagTable({
  value: ['-o --out'],
  bool: ['-l --linger', '--no-usage-report', '--once-each'],
  optionalValue: ['--once'],
});

/** cmdCloud.flagSet extras: `k6 cloud`, `k6 cloud run`, `k6 cloud upload`. */
const CLOUD_FLAGS = flagTable({ bool: ['--exit-on-running', '--show-logs', '--upload-only'] });

/** cmdCloudRun.flagSet: `k6 cloud run` local-execution switches (no shorthands there). */
const CLOUD_RUN_FLAGS = flagTable({
  bool: [
    '--local-execution', '--linger', '--no-usage-report', '--no-archive-upload', '--once-each',
    '--no-cloud-secrets', '--no-cloud-logs',
  ],
  optionalValue: ['--once'],
});

/** `k6 login cloud` (v1.x, removed in v2.0). Note `-s` is --show here, not --stage. */
const LOGIN_CLOUD_FLAGS = flagTable({ value: ['-t --token'], bool: ['-s --show', '-r --reset'] });

/** `k6 cloud login` (v0.54+): the same plus --stack (v1.6+). */
const CLOUD_LOGIN_FLAGS = [...LOGIN_CLOUD_FLAGS, ...flagTable({ value: ['--stack'] })];

const CLOUD_TEST_FLAGS = [...TEST_OPTION_FLAGS, ...RUNTIME_OPTION_FLAGS, ...CLOUD_FLAGS];

/** The command tree. The root's own flags are ROOT_PERSISTENT_FLAGS, merged in by the reader. */
export const ROOT_COMMAND: CommandSpec = command([], {
  run: command([...TEST_OPTION_FLAGS, ...RUNTIME_OPTION_FLAGS, ...RUN_CONFIG_FLAGS]),
  cloud: command(CLOUD_TEST_FLAGS, {
    login: command(CLOUD_LOGIN_FLAGS),
    run: command([...CLOUD_RUN_FLAGS, ...CLOUD_TEST_FLAGS]),
    upload: command(CLOUD_TEST_FLAGS),
  }),
  login: command([], {
    cloud: command(LOGIN_CLOUD_FLAGS),
    influxdb: command([]),
  }),
  archive: command([
    ...TEST_OPTION_FLAGS,
    ...RUNTIME_OPTION_FLAGS,
    ...flagTable({ value: ['-O --archive-out'], bool: ['--exclude-env-vars'] }),
  ]),
  inspect: command([...RUNTIME_OPTION_FLAGS, ...flagTable({ bool: ['--execution-requirements'] })]),
  version: command([]),
  new: command(flagTable({ value: ['-t --template', '--project-id'], bool: ['-f --force'] })),
  help: command([]),
  completion: command([]),
  pause: command([]),
  resume: command([]),
  scale: command(flagTable({ value: ['-u --vus', '-m --max'] })),
  stats: command([]),
  status: command([]),
});
