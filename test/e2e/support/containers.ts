// Running the image the way a user does, through testcontainers: one-shot containers (login,
// run, version) that are waited for until they exit, with their exit code and both output
// streams, and long-running ones for signal tests. Every container joins the host network so it
// can reach the mock cloud on 127.0.0.1 (the engine here has no bridge network).
import { GenericContainer, StartupCheckStrategy, type StartedTestContainer, type StartupStatus, getContainerRuntimeClient } from 'testcontainers';
import type Dockerode from 'dockerode';

process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= 'localhost';

export const K6_VERSIONS = ['2.2.0', '1.8.1'] as const;
export type K6Version = (typeof K6_VERSIONS)[number];

/** The image under test (built by scripts/build-images.sh from the project's Dockerfile). */
export const imageFor = (version: K6Version) => `k6-persist:test-${version}`;
/** The plain stand-in for grafana/k6, without the wrapper: the problem as users have it today. */
export const plainImageFor = (version: K6Version) => `k6-persist-standin/k6:${version}`;

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
 * to the public k6 Cloud (k6's defaults).
 */
export const NO_CLOUD_ENV: Readonly<Record<string, string>> = {
  K6_CLOUD_HOST: 'http://127.0.0.1:9',
  K6_CLOUD_HOST_V6: 'http://127.0.0.1:9',
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
