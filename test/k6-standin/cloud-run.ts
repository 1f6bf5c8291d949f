// `k6 cloud run` (and v1.x's deprecated `k6 cloud <script>`): the test runs IN THE CLOUD. k6
// builds an archive, has the cloud validate its options, uploads it, starts the run, then
// polls the run every 2 s until the cloud reports it finished, and exits by the cloud's
// result: 0, 99 (thresholds crossed) or 97 (the test failed).
//
// v1.x (cloudapi v1, `Authorization: Token`): POST /v1/validate-options, POST
//   /v1/archive-upload, GET /v1/test-progress/<ref>; stop: POST /v1/tests/<ref>/stop. X-Stack-Id
//   goes with every call when a stack is configured; without one k6 logs the DEPRECATED line.
// v2.x (cloud/v6, Bearer + X-Stack-Id; a token and a stack are required): POST
//   /cloud/v6/validate_options, POST /cloud/v6/projects/<id>/load_tests (on 409: find it by
//   name and PUT its script), POST /cloud/v6/load_tests/<id>/start, GET
//   /cloud/v6/test_runs/<id>; stop: POST /cloud/v6/test_runs/<id>/abort.
//
// The archive carries the consolidated token in options.cloud (cloud.go: tmpCloudConfig
// ["token"]), so the token leaves the machine inside the upload too.
//
// Signals: the trap is installed once the run has started and BEFORE the description is
// printed. The first SIGINT/SIGTERM asks the cloud to stop the run and k6 keeps polling until
// the cloud says it has stopped; only a second signal exits 105 at once.
import path from 'node:path';
import { V1_RUN_STATUS, V1Client, V6Client, type V6Progress } from './cloud-api.ts';
import { type CloudConfig, applyLayer, consolidateCloudConfig, urlForResults } from './cloud-config.ts';
import { writeArchive } from './archive.ts';
import { decodeCloudCollector } from './config-file.ts';
import { ExitCode, K6Error, wrapError } from './errors.ts';
import { BANNER, goDuration, logger, out } from './output.ts';
import { type Plan, type RunContext, describe, plan, readConfig, sleep } from './run-plan.ts';
import { type LoadedTest, type ScriptCloudOptions, loadTest } from './script.ts';
import { GO_SIGNAL_NAME, trapAbortSignals } from './signals.ts';
import { FEATURES, K6_VERSION } from './version.ts';

const ERR_UNAUTHENTICATED =
  'To run tests in Grafana Cloud, you must first authenticate. Run the `k6 cloud login` command, or check the docs ' +
  'https://grafana.com/docs/grafana-cloud/testing/k6/author-run/tokens-and-cli-authentication for additional authentication methods.';
const CLOUD_AUTH_HELP =
  'Run `k6 cloud login` to authenticate, or check the docs for other options at ' +
  'https://grafana.com/docs/grafana-cloud/testing/k6/author-run/tokens-and-cli-authentication';
const POLL_INTERVAL_MS = 2000;

/** What the archive's options.cloud becomes (GetTemporaryCloudConfig + the consolidated values). */
function archiveCloudOptions(script: ScriptCloudOptions | undefined, cloud: CloudConfig): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (script?.token !== undefined) options['token'] = script.token;
  if (script?.projectId !== undefined) options['projectID'] = script.projectId;
  if (script?.name !== undefined) options['name'] = script.name;
  if (script?.stackId !== undefined) options['stackID'] = script.stackId;
  if (cloud.token !== undefined) options['token'] = cloud.token;
  if (cloud.name !== undefined) options['name'] = cloud.name;
  if (cloud.projectIdSet) options['projectID'] = cloud.projectId;
  return options;
}

interface CloudArchive {
  options: Record<string, unknown>;
  setProjectId(id: number): void;
  tar(): Buffer;
}

function makeArchive(test: LoadedTest, p: Plan, cloudOptions: Record<string, unknown>): CloudArchive {
  const options: Record<string, unknown> = { vus: p.vus };
  if (!p.iterationBased) options['duration'] = goDuration(p.durationMs);
  const setCloud = (cloud: Record<string, unknown>): void => {
    options['cloud'] = cloud;
    // v1.x also keeps the legacy copy (arc.Options.External["loadimpact"]).
    if (FEATURES.scriptExtLoadimpact) options['ext'] = { loadimpact: cloud };
  };
  setCloud(cloudOptions);
  const file = test.file ?? path.join(process.cwd(), '-');
  return {
    options,
    setProjectId(id) {
      setCloud({ ...cloudOptions, projectID: id });
    },
    tar() {
      const metadata = {
        type: 'js',
        options,
        filename: `file://${file}`,
        pwd: `file://${path.dirname(file)}/`,
        env: {},
        k6version: K6_VERSION,
        goos: 'linux',
      };
      return writeArchive([
        { name: 'metadata.json', content: JSON.stringify(metadata, null, 2) },
        { name: 'data', content: test.source },
        { name: `scripts/file${file}`, content: test.source },
      ]);
    },
  };
}

/** resolveDefaultProjectID: projectID, else the login's default project of its stack. */
function resolveDefaultProjectId(cloud: CloudConfig): number {
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

interface Progress {
  /** What `test status:` shows. */
  readonly status: string;
  readonly finished: boolean;
  readonly running: boolean;
  /** How k6 exits for this result (thresholds 99, failed 97), if not 0. */
  readonly exitError?: K6Error;
}

interface RunHandle {
  /** What the description shows as output. */
  readonly url: string;
  stop(): Promise<void>;
  poll(): Promise<Progress>;
}

const failed = (message: string, code: number): K6Error => new K6Error(message, code);

async function startV1(cloud: CloudConfig, archive: CloudArchive, name: string): Promise<RunHandle> {
  const client = new V1Client(cloud.host, cloud.token ?? '', cloud.stackId ?? 0);
  await client.validateOptions(archive.options);
  let projectId = cloud.projectId;
  if (projectId === 0) {
    projectId = resolveDefaultProjectId(cloud);
    if (projectId > 0) archive.setProjectId(projectId);
    if (cloud.stackId === undefined || cloud.stackId === 0) {
      logger.warn(
        `DEPRECATED: No stack specified. ${projectId === 0 ? 'Falling back to the first available stack. ' : ''}` +
          'Consider setting a default stack via the `k6 cloud login` command or the `K6_CLOUD_STACK_ID` environment variable ' +
          'as this will become mandatory in the next major release.',
      );
    }
  }
  const created = await client.uploadArchive(name, projectId, archive.tar());
  const ref = created.referenceId;
  return {
    url: urlForResults(ref, applyLayer(cloud, created)),
    stop: () => client.stopTestRun(ref),
    async poll() {
      const progress = await client.testProgress(ref);
      const state = {
        status: progress.runStatusText,
        finished: progress.runStatus > V1_RUN_STATUS.Running,
        running: progress.runStatus === V1_RUN_STATUS.Running,
      };
      if (progress.resultStatus !== 1) return state;
      // A failed result after a normal end (or a threshold abort) is a threshold failure.
      const thresholds = progress.runStatus === V1_RUN_STATUS.Finished || progress.runStatus === V1_RUN_STATUS.AbortedThreshold;
      return {
        ...state,
        exitError: thresholds
          ? failed('Thresholds have been crossed', ExitCode.ThresholdsHaveFailed)
          : failed('The test has failed', ExitCode.CloudTestRunFailed),
      };
    },
  };
}

/** TestProgress.FormatStatus. */
function formatStatus(progress: V6Progress): string {
  if (progress.abortedByUser) return 'Aborted (by user)';
  if (progress.status === 'completed') return 'Finished';
  return progress.status
    .split('_')
    .map((word) => `${word.slice(0, 1).toUpperCase()}${word.slice(1)}`)
    .join(' ');
}

async function startV6(cloud: CloudConfig, archive: CloudArchive, name: string): Promise<RunHandle> {
  const prefix = 'Running cloud tests requires auth settings';
  if (cloud.token === undefined || cloud.token === '') {
    throw new K6Error(`${prefix}: access token not configured.\n${CLOUD_AUTH_HELP}`);
  }
  if (cloud.stackId === undefined || cloud.stackId === 0) {
    throw new K6Error(`${prefix}: stack ID not configured.\n${CLOUD_AUTH_HELP}`);
  }
  const client = new V6Client(cloud.hostV6, cloud.token, cloud.stackId);
  let projectId = cloud.projectId;
  if (projectId === 0) {
    projectId = resolveDefaultProjectId(cloud);
    if (projectId > 0) archive.setProjectId(projectId);
  }
  await client.validateOptions(projectId, archive.options);
  let loadTestId: number;
  try {
    loadTestId = await client.uploadTest(projectId, name, archive.tar());
  } catch (err) {
    throw wrapError('uploading test', err);
  }
  let run: { id: number; detailsUrl: string };
  try {
    run = await client.startTest(loadTestId);
  } catch (err) {
    throw wrapError('starting test', err);
  }
  return {
    url: run.detailsUrl,
    stop: () => client.stopTest(run.id),
    async poll() {
      const progress = await client.fetchTest(run.id);
      const state = {
        status: formatStatus(progress),
        finished: progress.status === 'completed' || progress.status === 'aborted',
        running: progress.status === 'running',
      };
      if (progress.result === 'failed') return { ...state, exitError: failed('Thresholds have been crossed', ExitCode.ThresholdsHaveFailed) };
      if (progress.result === 'error') return { ...state, exitError: failed('The test has failed', ExitCode.CloudTestRunFailed) };
      return state;
    },
  };
}

/** `k6 cloud run` and `k6 cloud <script>`. */
export async function cloudRunCommand(ctx: RunContext): Promise<number> {
  const test = loadTest(ctx.inv.args[0] ?? '', ctx.inv.flags.string('type'));
  const disk = readConfig(ctx);
  const p = plan(ctx, test);
  const script = test.cloudPresent ? test.cloud : undefined;
  if (!ctx.quiet) out(`${BANNER}\n`);
  const cloud = consolidateCloudConfig(decodeCloudCollector(disk), ctx.env, script, test.legacyCloud);
  if (!FEATURES.cloudRunUsesV6 && cloud.token === undefined) throw new K6Error(ERR_UNAUTHENTICATED);

  const archive = makeArchive(test, p, archiveCloudOptions(script ?? (FEATURES.scriptExtLoadimpact ? test.legacyCloud : undefined), cloud));
  const name = cloud.name !== undefined && cloud.name !== '' ? cloud.name : path.basename(test.file ?? '-');
  const run = FEATURES.cloudRunUsesV6 ? await startV6(cloud, archive, name) : await startV1(cloud, archive, name);

  const trap = trapAbortSignals({
    onGraceful: (signal) => {
      logger.info('Stopping cloud test run in response to signal...', { sig: GO_SIGNAL_NAME[signal] });
      // Not awaited: a second signal must still be able to end k6 while this request hangs.
      run.stop().then(
        () => logger.info('Successfully sent signal to stop the cloud test, now waiting for it to actually stop...'),
        (err: unknown) => logger.error('Stop cloud test error', { error: err instanceof Error ? err.message : String(err) }),
      );
    },
    hardStopMessage: "Aborting k6 in response to signal, we won't wait for the test to end.",
  });
  await describe('cloud', test, run.url, p);

  const exitOnRunning = ctx.inv.flags.bool('exit-on-running');
  let progress: Progress | undefined;
  // Like k6's ticker loop: poll errors are logged and polling goes on, even after a stop request.
  while (progress === undefined || !(progress.finished || (exitOnRunning && progress.running))) {
    await sleep(POLL_INTERVAL_MS);
    try {
      progress = await run.poll();
    } catch (err) {
      logger.error('Test progress error', { error: err instanceof Error ? err.message : String(err) });
    }
  }
  trap.release();

  if (ctx.quiet) logger.debug('Test finished', { run_status: progress.status });
  else out(`     test status: ${progress.status}\n`);
  if (progress.exitError !== undefined) throw progress.exitError;
  return 0;
}

/** `k6 cloud` itself: v1.x runs a script with it (deprecated); v2.x only shows its help. */
export async function cloudCommand(ctx: RunContext, showHelp: () => void): Promise<number> {
  if (!FEATURES.cloudCommandRunsScripts) {
    showHelp();
    return 0;
  }
  if (ctx.inv.args.length === 0) {
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
