// What `k6 run` and `k6 cloud run` share: the command's context, the run plan (length and VUs
// from flags and script directives), reading the config file for a run (exit 104 when that
// fails), the execution description and k6's exit-code errors.
import type { Invocation } from './args.ts';
import type { ConfigLocation } from './config-path.ts';
import { type DiskConfig, loadConfigFile } from './config-file.ts';
import { ExitCode, K6Error, withExitCodeIfNone, wrapError } from './errors.ts';
import { goDuration, outFlushed } from './output.ts';
import { type LoadedTest, parseGoDuration } from './script.ts';
import { type AbortSignalName, GO_SIGNAL_NAME } from './signals.ts';

export interface RunContext {
  readonly inv: Invocation;
  readonly config: ConfigLocation;
  readonly env: NodeJS.ProcessEnv;
  readonly quiet: boolean;
}

/** Simulated length of a default one-iteration run. */
export const ONE_ITERATION_MS = 100;

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

/** k6's gracefulStop default, added to the run length in "max duration". */
const GRACEFUL_STOP_MS = 30_000;

/** lib.GetEndOffset of the plan: where the last step ends, graceful stop included. */
export function maxDurationMs(p: Plan): number {
  return p.iterationBased ? 600_000 + GRACEFUL_STOP_MS : p.durationMs + GRACEFUL_STOP_MS;
}

function descriptionText(kind: 'local' | 'cloud', test: LoadedTest, output: string, p: Plan): string {
  const scenario = p.iterationBased
    ? `1 iterations for each of ${p.vus} VUs (maxDuration: 10m0s, gracefulStop: 30s)`
    : `${p.vus} looping VUs for ${goDuration(p.durationMs)} (gracefulStop: 30s)`;
  return [
    `     execution: ${kind}`,
    `        script: ${test.arg}`,
    `        output: ${output}`,
    '',
    `     scenarios: (100.00%) 1 scenario, ${p.vus} max VUs, ${goDuration(maxDurationMs(p))} max duration (incl. graceful stop):`,
    `              * default: ${scenario}`,
    '',
    '',
  ].join('\n');
}

/** printExecutionDescription; resolves once stdout took it (a blocking write in k6). */
export function describe(kind: 'local' | 'cloud', test: LoadedTest, output: string, p: Plan): Promise<void> {
  return outFlushed(descriptionText(kind, test, output, p));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function abortError(signal: AbortSignalName): K6Error {
  return new K6Error(`test run was aborted because k6 received a '${GO_SIGNAL_NAME[signal]}' signal`, ExitCode.ExternalAbort);
}

export function directiveExit(code: number): K6Error {
  return new K6Error(`standin: the script asked for exit code ${code}`, code);
}
