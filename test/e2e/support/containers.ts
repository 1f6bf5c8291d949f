// Running the image the way a user does, through testcontainers: one-shot containers (login,
// run, version) that are waited for until they exit, with their exit code and both output
// streams, and long-running ones for signal tests. Every container joins the host network so it
// can reach the mock cloud on 127.0.0.1 (the engine here has no bridge network).
//
// Which images the suite runs, from the environment (all optional):
//
//   K6_PERSIST_E2E_VERSIONS      the k6 versions under test, separated by spaces or commas
//                                (default below, DEFAULT_VERSIONS). Tests that cover every version
//                                iterate over them; tests of one version's behaviour name it
//                                (PINNED_VERSIONS), and those images must exist too.
//   K6_PERSIST_E2E_IMAGE         the image with the wrapper, `{version}` replaced by each version
//                                (default `k6-persist:test-{version}`, built by scripts/build-images.sh).
//   K6_PERSIST_E2E_PLAIN_IMAGE   the plain k6 image without the wrapper, the problem as users have
//                                it today (default `k6-persist-standin/k6:{version}`).
//   K6_PERSIST_E2E_REAL=1        the images are built on the real grafana/k6, not on the k6
//                                stand-in: the global set-up (standin-guard.ts) accepts them, and
//                                the tests that steer the stand-in (`// standin:` directives) or
//                                look at its internals are skipped, each with its reason
//                                (requireStandIn). Skipped tests are then allowed by scripts/test.sh.
//
// Example, the real images of a release candidate:
//   K6_PERSIST_E2E_REAL=1 K6_PERSIST_E2E_IMAGE='k6-persist:rc-{version}' \
//   K6_PERSIST_E2E_PLAIN_IMAGE='grafana/k6:{version}' npx vitest run --project e2e
import { GenericContainer, StartupCheckStrategy, type StartedTestContainer, type StartupStatus, getContainerRuntimeClient } from 'testcontainers';
import type Dockerode from 'dockerode';

process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= 'localhost';

/** Adding a version to the suite is adding it here (and building its images). */
export const DEFAULT_VERSIONS = '1.8.1 2.0.0 2.1.0 2.2.0';

/** Versions some tests name directly, for behaviour only they have (2.x stack logins, 1.x `login cloud`). */
export const PINNED_VERSIONS = ['2.2.0', '1.8.1'] as const;

export type K6Version = string;

function versionsFrom(value: string | undefined): readonly K6Version[] {
  const list = (value ?? '').split(/[\s,]+/).filter(Boolean);
  if (value !== undefined && list.length === 0) throw new Error('K6_PERSIST_E2E_VERSIONS is set but names no version');
  for (const version of list) {
    if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`K6_PERSIST_E2E_VERSIONS: "${version}" is not a k6 version like 2.2.0`);
  }
  return list;
}

export const K6_VERSIONS: readonly K6Version[] = versionsFrom(process.env['K6_PERSIST_E2E_VERSIONS'] ?? DEFAULT_VERSIONS);

function fromTemplate(variable: string, fallback: string, version: K6Version): string {
  const template = process.env[variable] || fallback;
  if (!template.includes('{version}')) throw new Error(`${variable}="${template}" has no {version} to replace`);
  return template.replaceAll('{version}', version);
}

/** The image under test (by default built by scripts/build-images.sh from the project's Dockerfile). */
export const imageFor = (version: K6Version) => fromTemplate('K6_PERSIST_E2E_IMAGE', 'k6-persist:test-{version}', version);
/** The plain k6 (by default the stand-in for grafana/k6), without the wrapper: the problem as users have it today. */
export const plainImageFor = (version: K6Version) => fromTemplate('K6_PERSIST_E2E_PLAIN_IMAGE', 'k6-persist-standin/k6:{version}', version);

/** Every version whose images some test runs. */
export const versionsInUse = (): K6Version[] => [...new Set<K6Version>([...K6_VERSIONS, ...PINNED_VERSIONS])];

/** K6_PERSIST_E2E_REAL=1: the images run the real k6, not the stand-in. */
export const REAL_K6 = process.env['K6_PERSIST_E2E_REAL'] === '1';

/**
 * Call first in a test that only means something on the k6 stand-in (it steers a run with
 * `// standin:` directives, or looks at the stand-in's process): on real k6 it is skipped, with
 * `why` as the reason shown by the reporter.
 */
export function requireStandIn(context: { skip: (note?: string) => void }, why: string): void {
  if (REAL_K6) context.skip(`needs the k6 stand-in (K6_PERSIST_E2E_REAL=1): ${why}`);
}

/** Succeeds once the container has stopped, whatever its exit code: the test asserts the code. */
class ExitedStartupCheck extends StartupCheckStrategy {
  override async checkStartupState(client: Dockerode, containerId: string): Promise<StartupStatus> {
    const info = await client.getContainer(containerId).inspect();
    return info.State.Running || info.State.Paused ? 'PENDING' : 'SUCCESS';
  }
}

export interface Mount {
  /** A host path (bind mount) or a volume name. */
  source: string;
  target: string;
  mode?: 'rw' | 'ro';
}

/**
 * Where k6's Cloud calls go unless a test names its mock cloud: a closed port on 127.0.0.1.
 * Containers share the host's network, so a test that forgot would otherwise send the stand-in
 * to the public k6 Cloud (k6's defaults). Real k6 (K6_PERSIST_E2E_REAL=1) would also send its
 * anonymous usage report at the end of a run: switched off the way k6 documents.
 */
export const NO_CLOUD_ENV: Readonly<Record<string, string>> = {
  K6_CLOUD_HOST: 'http://127.0.0.1:9',
  K6_CLOUD_HOST_V6: 'http://127.0.0.1:9',
  ...(REAL_K6 ? { K6_NO_USAGE_REPORT: 'true' } : {}),
};

/** The same as `docker run` flags, to put before the test's own (a later -e wins). */
export const noCloudFlags = (): string[] => Object.entries(NO_CLOUD_ENV).flatMap(([key, value]) => ['-e', `${key}=${value}`]);

export interface ContainerSpec {
  image: string;
  command?: string[];
  entrypoint?: string[];
  env?: Record<string, string>;
  mounts?: Mount[];
  user?: string;
  /** Kubernetes readOnlyRootFilesystem. */
  readOnlyRoot?: boolean;
  tmpfs?: Record<string, string>;
  workingDir?: string;
  /** docker run --init */
  init?: boolean;
}

class SpecContainer extends GenericContainer {
  constructor(spec: ContainerSpec) {
    super(spec.image);
    this.withNetworkMode('host').withAutoRemove(false);
    if (spec.command) this.withCommand(spec.command);
    if (spec.entrypoint) this.withEntrypoint(spec.entrypoint);
    this.withEnvironment({ ...NO_CLOUD_ENV, ...spec.env });
    if (spec.user) this.withUser(spec.user);
    if (spec.tmpfs) this.withTmpFs(spec.tmpfs);
    if (spec.workingDir) this.withWorkingDir(spec.workingDir);
    if (spec.mounts) this.withBindMounts(spec.mounts.map((m) => ({ source: m.source, target: m.target, mode: m.mode ?? 'rw' })));
    if (spec.readOnlyRoot) this.hostConfig.ReadonlyRootfs = true;
    if (spec.init) this.hostConfig.Init = true;
    // Images exist only locally here; never try a registry.
    this.withPullPolicy({ shouldPull: () => false });
  }
}

export interface Outcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Docker's multiplexed log format: 8-byte frame headers, stream 1 = stdout, 2 = stderr. */
function demux(buffer: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const stream = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const frame = buffer.subarray(offset + 8, offset + 8 + size);
    (stream === 2 ? err : out).push(frame);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

export async function outcomeOf(containerId: string): Promise<Outcome> {
  const client = await getContainerRuntimeClient();
  const container = client.container.getById(containerId);
  const info = await container.inspect();
  const logs = (await container.logs({ follow: false, stdout: true, stderr: true })) as unknown as Buffer;
  return { exitCode: info.State.ExitCode, ...demux(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs))) };
}

async function removeContainer(id: string): Promise<void> {
  const client = await getContainerRuntimeClient();
  await client.container.getById(id).remove({ force: true });
}

/** Runs a container to completion and returns what a user would see. */
export async function runOnce(spec: ContainerSpec, timeoutMs = 120_000): Promise<Outcome> {
  const started = await new SpecContainer(spec)
    .withWaitStrategy(new ExitedStartupCheck())
    .withStartupTimeout(timeoutMs)
    .start();
  try {
    return await outcomeOf(started.getId());
  } finally {
    await removeContainer(started.getId());
  }
}

/** Starts a container that keeps running; the caller stops it and reads outcomeOf(id). */
export async function startRunning(spec: ContainerSpec, logLine: RegExp, timeoutMs = 60_000): Promise<StartedTestContainer> {
  const { Wait } = await import('testcontainers');
  return new SpecContainer(spec).withWaitStrategy(Wait.forLogMessage(logLine)).withStartupTimeout(timeoutMs).start();
}

export { removeContainer };
