// The command tree of the reproduced k6, per version, as data. args.ts walks it the way
// cobra/pflag do; main.ts maps each `handler` name to the code that runs it.
import { FEATURES } from './version.ts';

export type FlagKind = 'bool' | 'string' | 'stringArray' | 'int';

export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  readonly kind: FlagKind;
  /** pflag NoOptDefVal: `--flag` alone takes this value; a value must then be `--flag=v`. */
  readonly noOptDefault?: string;
  readonly usage: string;
}

export type ArgsRule =
  | { readonly kind: 'none' }
  | { readonly kind: 'any' }
  | { readonly kind: 'max'; readonly n: number }
  | { readonly kind: 'exact'; readonly n: number; readonly message?: string };

export type HandlerName =
  | 'run'
  | 'cloud'
  | 'cloudRun'
  | 'cloudLogin'
  | 'loginCloud'
  | 'version'
  | 'help'
  | 'new'
  | 'archive'
  | 'inspect'
  | 'unsupported';

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** Absent for pure groups (`k6 login`): cobra prints their help. */
  readonly handler?: HandlerName;
  readonly args: ArgsRule;
  readonly flags: readonly FlagSpec[];
  /** Root only: flags every subcommand accepts, anywhere after `k6`. */
  readonly persistentFlags?: readonly FlagSpec[];
  readonly children: readonly CommandSpec[];
}

const flag = (name: string, kind: FlagKind, usage: string, short?: string): FlagSpec =>
  short === undefined ? { name, kind, usage } : { name, kind, usage, short };

const SCRIPT_ARG: ArgsRule = {
  kind: 'exact',
  n: 1,
  message: 'arg should either be "-", if reading script from stdin, or a path to a script file',
};

const ROOT_PERSISTENT: readonly FlagSpec[] = [
  flag('config', 'string', 'JSON config file', 'c'),
  flag('verbose', 'bool', 'enable verbose logging', 'v'),
  flag('quiet', 'bool', 'disable progress updates', 'q'),
  flag('no-color', 'bool', 'disable colored output'),
  flag('address', 'string', 'address for the REST API server', 'a'),
  flag('log-output', 'string', "change the output for k6 logs: 'stderr', 'stdout', 'none'"),
  flag('log-format', 'string', 'log output format: text, json, raw'),
  flag('log-ns-timestamps', 'bool', 'switch log timestamp precision to nanoseconds'),
  flag('profiling-enabled', 'bool', 'enable profiling (pprof) endpoints'),
  flag('secret-source', 'stringArray', 'setting secret sources for k6'),
];

/** Test options shared by run, cloud, cloud run, archive (optionFlagSet + runtime options). */
const OPTION_FLAGS: readonly FlagSpec[] = [
  flag('vus', 'int', 'number of virtual users', 'u'),
  flag('duration', 'string', 'test duration limit', 'd'),
  flag('iterations', 'int', 'script total iteration limit', 'i'),
  flag('stage', 'stringArray', 'add a stage, as `[duration]:[target]`', 's'),
  flag('execution-segment', 'string', 'limit execution to the specified segment'),
  flag('execution-segment-sequence', 'string', 'the execution segment sequence'),
  flag('paused', 'bool', 'start the test in a paused state', 'p'),
  flag('no-setup', 'bool', "don't run setup()"),
  flag('no-teardown', 'bool', "don't run teardown()"),
  flag('max-redirects', 'int', 'follow at most n redirects'),
  flag('batch', 'int', 'max parallel batch reqs'),
  flag('batch-per-host', 'int', 'max parallel batch reqs per host'),
  flag('rps', 'int', 'limit requests per second'),
  flag('user-agent', 'string', 'user agent for http requests'),
  { name: 'http-debug', kind: 'string', noOptDefault: 'headers', usage: 'log all HTTP requests and responses' },
  flag('insecure-skip-tls-verify', 'bool', 'skip verification of TLS certificates'),
  flag('no-connection-reuse', 'bool', 'disable keep-alive connections'),
  flag('no-vu-connection-reuse', 'bool', "don't reuse connections between iterations"),
  flag('min-iteration-duration', 'string', 'minimum amount of time k6 will take executing a single iteration'),
  flag('throw', 'bool', 'throw warnings (like failed http requests) as errors', 'w'),
  flag('blacklist-ip', 'stringArray', 'blacklist an `ip range` from being called'),
  flag('block-hostnames', 'stringArray', 'block a case-insensitive hostname `pattern`'),
  flag('summary-trend-stats', 'string', 'define stats for trend metrics'),
  flag('summary-time-unit', 'string', 'define the time unit used to display the trend stats'),
  flag('summary-mode', 'string', 'summary mode: compact, full or disabled'),
  flag('system-tags', 'string', 'only include these system tags in metrics'),
  flag('tag', 'stringArray', 'add a `tag` to be applied to all samples, as `[name]=[value]`'),
  flag('console-output', 'string', 'redirects the console logging to the provided output file'),
  flag('discard-response-bodies', 'bool', 'read but do not process or save HTTP response bodies'),
  flag('local-ips', 'string', 'client IP Ranges and/or CIDRs from which each VU will be making requests'),
  flag('dns', 'string', 'DNS resolver configuration'),
  flag('include-system-env-vars', 'bool', 'pass the real system environment variables to the runtime'),
  flag('compatibility-mode', 'string', 'JavaScript compiler compatibility mode'),
  flag('type', 'string', 'override test type, "js" or "archive"', 't'),
  flag('env', 'stringArray', 'add/override environment variable with `VAR=value`', 'e'),
  flag('no-thresholds', 'bool', "don't run thresholds"),
  flag('no-summary', 'bool', "don't show the summary at the end of the test"),
  flag('summary-export', 'string', 'output the end-of-test summary report to JSON file'),
  flag('traces-output', 'string', 'set the output for k6 traces'),
  flag('setup-timeout', 'string', 'setup() timeout'),
  flag('teardown-timeout', 'string', 'teardown() timeout'),
];

const RUN_FLAGS: readonly FlagSpec[] = [
  ...OPTION_FLAGS,
  flag('out', 'stringArray', '`uri` for an external metrics database', 'o'),
  flag('linger', 'bool', 'keep the API server alive past test end', 'l'),
  flag('no-usage-report', 'bool', "don't send anonymous usage stats"),
  flag('features', 'stringArray', 'enable feature flags'),
];

const CLOUD_FLAGS: readonly FlagSpec[] = [
  ...OPTION_FLAGS,
  flag('exit-on-running', 'bool', 'exits when test reaches the running status'),
  flag('show-logs', 'bool', 'enable showing of logs when a test is executed in the cloud'),
  flag('upload-only', 'bool', 'only upload the test to the cloud without actually starting a test run'),
];

const LOGIN_FLAGS: readonly FlagSpec[] = [
  flag('token', 'string', 'specify `token` to use', 't'),
  flag('show', 'bool', 'display saved token and exit', 's'),
  flag('reset', 'bool', 'reset stored token', 'r'),
];

const unsupported = (name: string, summary: string): CommandSpec => ({
  name,
  summary,
  handler: 'unsupported',
  args: { kind: 'any' },
  flags: [],
  children: [],
});

function buildTree(): CommandSpec {
  const cloudChildren: CommandSpec[] = [
    {
      name: 'run',
      summary: 'Run a test in Grafana Cloud',
      handler: 'cloudRun',
      args: SCRIPT_ARG,
      flags: [...CLOUD_FLAGS, flag('local-execution', 'bool', 'executes the test locally')],
      children: [],
    },
    {
      name: 'login',
      summary: 'Authenticate with Grafana Cloud',
      handler: 'cloudLogin',
      args: { kind: 'none' },
      flags: [...LOGIN_FLAGS, flag('stack', 'string', 'specify the stack (URL or slug) where commands will run by default')],
      children: [],
    },
    unsupported('upload', 'Upload a test to Grafana Cloud without running it'),
  ];
  const children: CommandSpec[] = [
    { name: 'run', summary: 'Run a test', handler: 'run', args: SCRIPT_ARG, flags: RUN_FLAGS, children: [] },
    {
      name: 'cloud',
      summary: 'Run and manage Grafana Cloud tests',
      handler: 'cloud',
      // v2.x: no run flags and no Args rule, so `k6 cloud x.js` shows help (audit D4).
      args: FEATURES.cloudCommandRunsScripts ? { kind: 'max', n: 1 } : { kind: 'any' },
      flags: FEATURES.cloudCommandRunsScripts ? CLOUD_FLAGS : [],
      children: cloudChildren,
    },
    {
      name: 'new',
      summary: 'Create a test',
      handler: 'new',
      args: { kind: 'max', n: 1 },
      flags: [
        flag('force', 'bool', 'overwrite existing files', 'f'),
        flag('template', 'string', 'template type', 't'),
        flag('project-id', 'string', 'specify the Grafana Cloud project ID for the test'),
      ],
      children: [],
    },
    {
      name: 'archive',
      summary: 'Create an archive',
      handler: 'archive',
      args: SCRIPT_ARG,
      flags: [
        ...OPTION_FLAGS,
        flag('archive-out', 'string', 'archive output filename', 'O'),
        flag('exclude-env-vars', 'bool', 'do not embed any environment variables in the archive'),
      ],
      children: [],
    },
    {
      name: 'inspect',
      summary: 'Inspect a script or archive',
      handler: 'inspect',
      args: { kind: 'exact', n: 1 },
      flags: [
        flag('execution-requirements', 'bool', 'include calculations of execution requirements for the test'),
        flag('type', 'string', 'override file `type`, "js" or "archive"', 't'),
        flag('compatibility-mode', 'string', 'JavaScript compiler compatibility mode'),
      ],
      children: [],
    },
    { name: 'version', summary: 'Show application version', handler: 'version', args: { kind: 'none' }, flags: [], children: [] },
    unsupported('stats', 'Show test metrics'),
    unsupported('status', 'Show test status'),
  ];
  if (FEATURES.legacyLoginCommand) {
    children.push(
      {
        name: 'login',
        summary: 'Authenticate with a service',
        args: { kind: 'any' },
        flags: [],
        children: [
          {
            name: 'cloud',
            summary: 'Authenticate with k6 Cloud',
            handler: 'loginCloud',
            args: { kind: 'none' },
            flags: LOGIN_FLAGS,
            children: [],
          },
          unsupported('influxdb', 'Authenticate with InfluxDB'),
        ],
      },
      unsupported('pause', 'Pause a running test'),
      unsupported('resume', 'Resume a paused test'),
      unsupported('scale', 'Scale a running test'),
    );
  }
  children.push({ name: 'help', summary: 'Help about any command', handler: 'help', args: { kind: 'any' }, flags: [], children: [] });
  return {
    name: 'k6',
    summary: 'Grafana k6 is an easy-to-use, open-source load and performance testing tool',
    args: { kind: 'any' },
    flags: [flag('version', 'bool', 'Show version information')],
    persistentFlags: ROOT_PERSISTENT,
    children,
  };
}

export const ROOT: CommandSpec = buildTree();

export const HELP_FLAG: FlagSpec = flag('help', 'bool', 'help for this command', 'h');
