// `k6 run`, `k6 cloud run` and the deprecated `k6 cloud <script>`: load the test, read the
// config file (exit 104 when that fails), make the first cloud API call where k6 makes one,
// then simulate the test run. Nothing is executed; script directives (script.ts) decide how
// long the run lasts and how it ends.
//
// Signals: the SIGINT/SIGTERM trap is installed BEFORE the execution description
// ("     execution: local|cloud") is printed, so a parent that has seen that line may signal.
// Deliberate simplifications: --paused and --linger are accepted but the run starts at once
// and ends at once; there is no REST API on --address; outputs other than cloud are accepted
// and write nothing.
import fs from 'node:fs';
import type { Invocation } from './args.ts';
import { v1CreateTestRun, v1ValidateOptions, v6ValidateOptions } from './cloud-api.ts';
import { type CloudConfig, consolidateCloudConfig } from './cloud-config.ts';
import type { ConfigLocation } from './config-path.ts';
import { type DiskConfig, decodeCloudCollector, loadConfigFile } from './config-file.ts';
import { ExitCode, K6Error, withExitCodeIfNone, wrapError } from './errors.ts';
import { BANNER, clock, goDuration, logger, out, renderFinalProgress, renderSummary } from './output.ts';
import { type LoadedTest, loadTest, parseGoDuration, testName } from './script.ts';
import { type AbortSignalName, GO_SIGNAL_NAME, trapAbortSignals } from './signals.ts';
import { FEATURES } from './version.ts';

export interface RunContext {
  readonly inv: Invocation;
  readonly config: ConfigLocation;
  readonly env: NodeJS.ProcessEnv;
  readonly quiet: boolean;
}

const ERR_UNAUTHENTICATED =
  'To run tests in Grafana Cloud, you must first authenticate. Run the `k6 cloud login` command, or check the docs ' +
  'https://grafana.com/docs/grafana-cloud/testing/k6/author-run/tokens-and-cli-authentication for additional authentication methods.';
const CLOUD_AUTH_HELP =
  'Run `k6 cloud login` to authenticate, or check the docs for other options at ' +
  'https://grafana.com/docs/grafana-cloud/testing/k6/author-run/tokens-and-cli-authentication';
const KNOWN_OUTPUTS = [
  'cloud',
  'csv',
  'experimental-opentelemetry',
  'experimental-prometheus-rw',
  'influxdb',
  'json',
  'opentelemetry',
  'web-dashboard',
];

/** Simulated length of a default one-iteration run. */
const ONE_ITERATION_MS = 100;

export interface Plan {
  durationMs: number;
  vus: number;
  /** True when no duration was given anywhere: k6 runs one iteration per VU. */
  iterationBased: boolean;
}

export function plan(ctx: RunContext, test: LoadedTest): Plan {
  const { flags } = ctx.inv;
  const flagDuration = flags.string('duration');
  const parsed = flagDuration === undefined ? undefined : parseGoDuration(flagDuration);
  if (flagDuration !== undefined && parsed === undefined) {
    throw new K6Error(`invalid argument ${JSON.stringify(flagDuration)} for "-d, --duration" flag: time: invalid duration ${JSON.stringify(flagDuration)}`);
  }
  const durationMs = parsed ?? test.directives.durationMs;
  return {
    durationMs: durationMs ?? ONE_ITERATION_MS,
    vus: flags.int('vus') ?? test.directives.vus ?? 1,
    iterationBased: durationMs === undefined,
  };
}

export function readConfig(ctx: RunContext): DiskConfig {
  try {
    return loadConfigFile(ctx.config);
  } catch (err) {
    throw withExitCodeIfNone(
      wrapError('failed to load the configuration file from the local file system', err),
      ExitCode.InvalidConfig,
    );
  }
}

function outputs(ctx: RunContext, disk: DiskConfig): string[] {
  const cli = ctx.inv.flags.array('out');
  let list: string[];
  if (cli.length > 0) list = cli;
  else if (ctx.env['K6_OUT'] !== undefined && ctx.env['K6_OUT'] !== '') list = ctx.env['K6_OUT'].split(',');
  else list = Array.isArray(disk['out']) ? disk['out'].filter((o): o is string => typeof o === 'string') : [];
  for (const entry of list) {
    const type = entry.split('=')[0] ?? '';
    if (!KNOWN_OUTPUTS.includes(type)) {
      throw new K6Error(`invalid output type '${type}', available types are: ${KNOWN_OUTPUTS.join(', ')}`);
    }
  }
  return list;
}

function resolveProjectId(cloud: CloudConfig): number {
  if (cloud.projectId > 0) return cloud.projectId;
  if (cloud.stackId !== undefined && cloud.stackId !== 0) {
    if ((cloud.defaultProjectId ?? 0) > 0) {
      logger.warn(`No projectID specified, using default project of the ${cloud.stackUrl ?? `stack-${cloud.stackId}`} stack\n`);
      return cloud.defaultProjectId ?? 0;
    }
    throw new K6Error(
      'default stack configured but the default project ID is not available - please run `k6 cloud login` to refresh your configuration',
    );
  }
  return 0;
}

function resultsUrl(cloud: CloudConfig, ref: string): string {
  return cloud.stackUrl === undefined ? `https://app.k6.io/runs/${ref}` : `${cloud.stackUrl.replace(/\/+$/, '')}/a/k6-app/runs/${ref}`;
}

/** k6's gracefulStop default, added to the run length in "max duration". */
const GRACEFUL_STOP_MS = 30_000;

export function maxDurationMs(p: Plan): number {
  return p.iterationBased ? 600_000 + GRACEFUL_STOP_MS : p.durationMs + GRACEFUL_STOP_MS;
}

function describe(kind: 'local' | 'cloud', test: LoadedTest, output: string, p: Plan): void {
  const scenario = p.iterationBased
    ? `1 iterations for each of ${p.vus} VUs (maxDuration: 10m0s, gracefulStop: 30s)`
    : `${p.vus} looping VUs for ${goDuration(p.durationMs)} (gracefulStop: 30s)`;
  out(
    [
      `     execution: ${kind}`,
      `        script: ${test.arg}`,
      `        output: ${output}`,
      '',
      `     scenarios: (100.00%) 1 scenario, ${p.vus} max VUs, ${goDuration(maxDurationMs(p))} max duration (incl. graceful stop):`,
      `              * default: ${scenario}`,
      '',
      '',
    ].join('\n'),
  );
}

interface SimulationResult {
  elapsedMs: number;
  abortedBy: AbortSignalName | undefined;
}

/** Waits out the run, printing k6's non-TTY progress line every second, unless a signal comes first. */
async function simulate(ctx: RunContext, p: Plan, aborted: Promise<AbortSignalName>): Promise<SimulationResult> {
  const started = Date.now();
  const progress = setInterval(() => {
    if (!ctx.quiet) {
      out(`running (${clock(Date.now() - started)}), ${p.vus}/${p.vus} VUs, 0 complete and 0 interrupted iterations\n`);
    }
  }, 1000);
  let timer: NodeJS.Timeout | undefined;
  const finished = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), p.durationMs);
  });
  const abortedBy = await Promise.race([finished, aborted]);
  clearTimeout(timer);
  clearInterval(progress);
  return { elapsedMs: Date.now() - started, abortedBy };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function abortError(signal: AbortSignalName): K6Error {
  return new K6Error(`test run was aborted because k6 received a '${GO_SIGNAL_NAME[signal]}' signal`, ExitCode.ExternalAbort);
}

function directiveExit(code: number): K6Error {
  return new K6Error(`standin: the script asked for exit code ${code}`, code);
}

/** `k6 run`. */
export async function runCommand(ctx: RunContext): Promise<number> {
  if (!ctx.quiet) out(`${BANNER}\n`);
  const test = loadTest(ctx.inv.args[0] ?? '', ctx.inv.flags.string('type'));
  const disk = readConfig(ctx);
  const p = plan(ctx, test);
  const list = outputs(ctx, disk);

  let outputText = list.length === 0 ? '-' : list.join(', ');
  if (list.some((o) => o.split('=')[0] === 'cloud')) {
    const cloud = consolidateCloudConfig(decodeCloudCollector(disk), ctx.env, test.cloud);
    if (cloud.token === undefined || cloud.token === '') throw new K6Error(ERR_UNAUTHENTICATED);
    const ref = await v1CreateTestRun(cloud.host, cloud.token, cloud.stackId, {
      name: testName(test, cloud.name),
      projectId: resolveProjectId(cloud),
      vus: p.vus,
      durationSeconds: Math.ceil(p.durationMs / 1000),
      thresholds: test.directives.thresholds === 'none' ? {} : { iteration_duration: ['p(95)<1'] },
    });
    outputText = `cloud (${resultsUrl(cloud, ref)})`;
  }

  const trap = trapAbortSignals({
    onGraceful: (signal) => logger.debug('Stopping k6 in response to signal...', { sig: GO_SIGNAL_NAME[signal] }),
    hardStopMessage: 'Aborting k6 in response to signal',
  });
  describe('local', test, outputText, p);
  const result = await simulate(ctx, p, trap.aborted);
  if (result.abortedBy !== undefined) await sleep(test.directives.teardownMs);

  const noThresholds = ctx.inv.flags.bool('no-thresholds');
  const thresholdsFailed = test.directives.thresholds === 'fail' && !noThresholds;
  const counts = {
    durationMs: result.elapsedMs,
    vus: p.vus,
    iterations: result.abortedBy === undefined ? p.vus : 0,
    interrupted: result.abortedBy === undefined ? 0 : p.vus,
  };
  if (!ctx.quiet) out(renderFinalProgress(counts));
  if (!ctx.inv.flags.bool('no-summary')) {
    out(renderSummary({ ...counts, thresholdsFailed, hasThresholds: test.directives.thresholds !== 'none' && !noThresholds }));
  }
  const exportPath = ctx.inv.flags.string('summary-export');
  if (exportPath !== undefined) {
    fs.writeFileSync(exportPath, `${JSON.stringify({ metrics: { iterations: { count: counts.iterations } } }, null, 4)}\n`);
  }
  trap.release();

  if (result.abortedBy !== undefined) throw abortError(result.abortedBy);
  if (thresholdsFailed) {
    throw new K6Error("thresholds on metrics 'iteration_duration' have been crossed", ExitCode.ThresholdsHaveFailed);
  }
  if (test.directives.exitCode !== undefined) throw directiveExit(test.directives.exitCode);
  return 0;
}

/** First API call of a cloud test run; returns the results URL the description shows. */
async function startCloudRun(cloud: CloudConfig, p: Plan): Promise<string> {
  const options = { vus: p.vus, duration: goDuration(p.durationMs) };
  if (!FEATURES.cloudRunUsesV6) {
    if (cloud.token === undefined) throw new K6Error(ERR_UNAUTHENTICATED);
    await v1ValidateOptions(cloud.host, cloud.token, cloud.stackId, options);
    resolveProjectId(cloud);
    return resultsUrl(cloud, '1');
  }
  const prefix = 'Running cloud tests requires auth settings';
  if (cloud.token === undefined || cloud.token === '') {
    throw new K6Error(`${prefix}: access token not configured.\n${CLOUD_AUTH_HELP}`);
  }
  if (cloud.stackId === undefined || cloud.stackId === 0) {
    throw new K6Error(`${prefix}: stack ID not configured.\n${CLOUD_AUTH_HELP}`);
  }
  const projectId = resolveProjectId(cloud);
  await v6ValidateOptions(cloud.hostV6, cloud.token, cloud.stackId, projectId, options);
  return resultsUrl(cloud, '1');
}

/** `k6 cloud run` and `k6 cloud <script>`. */
export async function cloudRunCommand(ctx: RunContext): Promise<number> {
  const test = loadTest(ctx.inv.args[0] ?? '', ctx.inv.flags.string('type'));
  const disk = readConfig(ctx);
  const p = plan(ctx, test);
  const cloud = consolidateCloudConfig(decodeCloudCollector(disk), ctx.env, test.cloud);
  if (!ctx.quiet) out(`${BANNER}\n`);
  const url = await startCloudRun(cloud, p);

  const trap = trapAbortSignals({
    onGraceful: (signal) => {
      logger.info('Stopping cloud test run in response to signal...', { sig: GO_SIGNAL_NAME[signal] });
      logger.info('Successfully sent signal to stop the cloud test, now waiting for it to actually stop...');
    },
    hardStopMessage: "Aborting k6 in response to signal, we won't wait for the test to end.",
  });
  describe('cloud', test, url, p);
  const result = await simulate(ctx, p, trap.aborted);
  if (result.abortedBy !== undefined) await sleep(test.directives.teardownMs);
  trap.release();

  if (result.abortedBy !== undefined) {
    out('     test status: Aborted (by user)\n');
    throw abortError(result.abortedBy);
  }
  out('     test status: Finished\n');
  if (test.directives.thresholds === 'fail') throw new K6Error('Thresholds have been crossed', ExitCode.ThresholdsHaveFailed);
  if (test.directives.exitCode !== undefined) throw directiveExit(test.directives.exitCode);
  return 0;
}

/** `k6 cloud` itself: a deprecated way to run a script, or (v2) help without arguments. */
export async function cloudCommand(ctx: RunContext, showHelp: () => void): Promise<number> {
  if (ctx.inv.args.length === 0) {
    if (FEATURES.bareCloudShowsHelp) {
      showHelp();
      return 0;
    }
    throw new K6Error(
      'the "k6 cloud" command expects either a subcommand such as "run" or "login", or a single argument consisting in a ' +
        'path to a script/archive, or the `-` symbol instructing the command to read the test content from stdin; received no arguments',
    );
  }
  logger.warn(
    'Running tests directly with "k6 cloud <file>" is deprecated. Use "k6 cloud run <file>" instead. This behavior will be removed in a future release.',
  );
  return cloudRunCommand(ctx);
}
