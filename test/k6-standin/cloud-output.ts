// `k6 run -o cloud` (internal/output/cloud): streams a LOCAL run's results to the cloud.
// Unlike `k6 cloud run` it checks nothing locally: no token check (with no token the request
// simply goes out without Authorization and the cloud's 401 is the error), no X-Stack-Id ever,
// and no fallback to the login's default project (project_id is left out when it is 0).
// With K6_CLOUD_PUSH_REF_ID set (the k6-operator's runners) the test run already exists, so
// nothing is called at start or at the end.
import path from 'node:path';
import { type CreatedRun, V1Client } from './cloud-api.ts';
import { type CloudConfig, type ConsolidatedCloudConfig, applyLayer, consolidateCloudConfig, urlForResults } from './cloud-config.ts';
import { type DiskConfig, decodeCloudCollector } from './config-file.ts';
import { wrapError } from './errors.ts';
import { logger } from './output.ts';
import { type Plan, maxDurationMs } from './run-plan.ts';
import type { LoadedTest } from './script.ts';

export interface CloudOutput {
  /** `cloud (<url>)` for the description. */
  readonly description: string;
  /** StopWithTestError: tells the cloud how the run ended; failures are only logged. */
  stop(result: { abortedByUser: boolean; thresholdsFailed: boolean }): Promise<void>;
}

/** The stand-in's directive thresholds, as the script would declare them. */
export function scriptThresholds(test: LoadedTest): Record<string, string[]> {
  if (test.directives.thresholds === 'none') return {};
  return { iteration_duration: [test.directives.thresholds === 'fail' ? 'p(95)<1' : 'p(95)<60000'] };
}

/** cloud.New: everything that can fail before the run, wrapped as createOutputs wraps it. */
function configure(disk: DiskConfig, env: NodeJS.ProcessEnv, test: LoadedTest): ConsolidatedCloudConfig {
  try {
    const cloud = consolidateCloudConfig(decodeCloudCollector(disk), env, test.cloudPresent ? test.cloud : undefined, test.legacyCloud);
    if (cloud.warning !== undefined) logger.warn(cloud.warning);
    return cloud;
  } catch (err) {
    throw wrapError("could not create the 'cloud' output", err);
  }
}

function testName(test: LoadedTest, configured: string | undefined): string {
  if (configured !== undefined && configured !== '') return configured;
  if (test.file === undefined) return 'k6 test';
  return path.basename(test.file);
}

/** Output.Start: creates the cloud test run (POST /v1/tests) unless K6_CLOUD_PUSH_REF_ID names one. */
export async function startCloudOutput(disk: DiskConfig, env: NodeJS.ProcessEnv, test: LoadedTest, p: Plan): Promise<CloudOutput> {
  let cloud: CloudConfig = configure(disk, env, test);
  const client = new V1Client(cloud.host, cloud.token ?? '');
  const thresholds = scriptThresholds(test);

  let ref: string;
  let created: CreatedRun | undefined;
  if (cloud.pushRefId !== undefined) {
    ref = cloud.pushRefId;
    logger.debug('Directly pushing metrics without init', { output: 'cloud', testRunId: ref });
  } else {
    created = await client.createTestRun({
      name: testName(test, cloud.name),
      projectId: cloud.projectId,
      vus: p.vus,
      durationSeconds: Math.floor(maxDurationMs(p) / 1000),
      thresholds,
    });
    ref = created.referenceId;
    cloud = applyLayer(cloud, created);
  }

  return {
    description: `cloud (${urlForResults(ref, cloud)})`,
    async stop({ abortedByUser, thresholdsFailed }) {
      if (created === undefined) return;
      const results: Record<string, Record<string, boolean>> = {};
      for (const [metric, sources] of Object.entries(thresholds)) {
        results[metric] = Object.fromEntries(sources.map((s) => [s, thresholdsFailed]));
      }
      logger.debug('Metric emission stopped, calling cloud API...', { output: 'cloud' });
      try {
        await client.testFinished(ref, { tainted: thresholdsFailed, runStatus: abortedByUser ? 5 : 3, thresholds: results });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        logger.warn('Failed to send test finished to the cloud', { error: message, output: 'cloud' });
        logger.error('Stopping output 0 failed', { error: message });
      }
    },
  };
}
