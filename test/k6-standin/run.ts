// `k6 run`: load the test, read the config file (exit 104 when that fails), set up the outputs
// (the cloud output makes its first API call here), then simulate the run. Nothing is
// executed; script directives (script.ts) decide how long the run lasts and how it ends.
//
// Order, as in k6's run.go, because it decides what a signal does:
//   REST API up -> outputs started -> execution description -> signal trap -> run
//   -> trap released -> outputs flushed and stopped (cloud: POST /v1/tests/<ref>) -> REST API
//   down -> end-of-test summary -> exit.
// A SIGINT/SIGTERM before the trap (including while the description is still being written) or
// after its release (during the flush and the summary) meets Go's default disposition: the
// process dies by the signal, with no summary and no 105 (signals.ts).
//
// Deliberate simplifications: --paused and --linger are accepted but the run starts at once
// and ends at once; outputs other than cloud are accepted and write nothing.
import fs from 'node:fs';
import { type CloudOutput, startCloudOutput } from './cloud-output.ts';
import type { DiskConfig } from './config-file.ts';
import { ExitCode, K6Error } from './errors.ts';
import { BANNER, clock, deliverPendingSignals, logger, out, outFlushed, renderFinalProgress, renderSummary } from './output.ts';
import { startRestApi } from './rest-api.ts';
import { type Plan, type RunContext, abortError, describe, directiveExit, plan, readConfig, sleep } from './run-plan.ts';
import { loadTest } from './script.ts';
import { type AbortSignalName, GO_SIGNAL_NAME, trapAbortSignals } from './signals.ts';

export { cloudCommand, cloudRunCommand } from './cloud-run.ts';
export { type Plan, type RunContext, maxDurationMs, plan, readConfig } from './run-plan.ts';

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

/** `k6 run`. */
export async function runCommand(ctx: RunContext): Promise<number> {
  if (!ctx.quiet) out(`${BANNER}\n`);
  const test = loadTest(ctx.inv.args[0] ?? '', ctx.inv.flags.string('type'));
  const disk = readConfig(ctx);
  const p = plan(ctx, test);
  const list = outputs(ctx, disk);

  const api = startRestApi(ctx, p.vus);
  let cloud: CloudOutput | undefined;
  let outputText = list.length === 0 ? '-' : list.join(', ');
  if (list.some((o) => o.split('=')[0] === 'cloud')) {
    cloud = await startCloudOutput(disk, ctx.env, test, p);
    outputText = list.map((o) => (o.split('=')[0] === 'cloud' ? (cloud?.description ?? o) : o)).join(', ');
  }

  await describe('local', test, outputText, p);
  await deliverPendingSignals();
  const trap = trapAbortSignals({
    onGraceful: (signal) => logger.debug('Stopping k6 in response to signal...', { sig: GO_SIGNAL_NAME[signal] }),
    hardStopMessage: 'Aborting k6 in response to signal',
  });
  const result = await simulate(ctx, p, trap.aborted);
  if (result.abortedBy !== undefined) await sleep(test.directives.teardownMs);
  trap.release();

  const noThresholds = ctx.inv.flags.bool('no-thresholds');
  const thresholdsFailed = test.directives.thresholds === 'fail' && !noThresholds;
  await cloud?.stop({ abortedByUser: result.abortedBy !== undefined, thresholdsFailed });
  if (api !== undefined) {
    api.status.tainted = thresholdsFailed;
    await api.close();
  }

  const counts = {
    durationMs: result.elapsedMs,
    vus: p.vus,
    iterations: result.abortedBy === undefined ? p.vus : 0,
    interrupted: result.abortedBy === undefined ? 0 : p.vus,
  };
  if (!ctx.quiet) out(renderFinalProgress(counts));
  if (!ctx.inv.flags.bool('no-summary')) {
    await outFlushed(renderSummary({ ...counts, thresholdsFailed, hasThresholds: test.directives.thresholds !== 'none' && !noThresholds }));
  }
  const exportPath = ctx.inv.flags.string('summary-export');
  if (exportPath !== undefined) {
    fs.writeFileSync(exportPath, `${JSON.stringify({ metrics: { iterations: { count: counts.iterations } } }, null, 4)}\n`);
  }
  // The trap is gone: a signal that came during the flush or the summary ends the process here.
  await deliverPendingSignals();

  if (result.abortedBy !== undefined) throw abortError(result.abortedBy);
  if (thresholdsFailed) {
    throw new K6Error("thresholds on metrics 'iteration_duration' have been crossed", ExitCode.ThresholdsHaveFailed);
  }
  if (test.directives.exitCode !== undefined) throw directiveExit(test.directives.exitCode);
  return 0;
}
