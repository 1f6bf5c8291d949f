// The podman CLI as a user types it, as root or as an unprivileged user (rootless). Never
// Podman's Docker-compatible socket: through it `docker run --rm` always exits 0
// (docs/containers.md, "Podman's Docker-compatible socket").
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { noCloudFlags, type Outcome } from '../../e2e/support/containers.ts';
import type { PodmanContext } from './context.ts';

export type PodmanMode = 'root' | 'rootless';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
}

export class PodmanCli {
  readonly mode: PodmanMode;
  private readonly context: PodmanContext;

  constructor(mode: PodmanMode, context: PodmanContext) {
    this.mode = mode;
    this.context = context;
  }

  get image(): string {
    return this.context.image;
  }

  /** The uid and gid a user of this mode has on the host: root, or the rootless user. */
  get hostUser(): { uid: number; gid: number } {
    return this.mode === 'root' ? { uid: 0, gid: 0 } : { uid: this.context.rootless.uid, gid: this.context.rootless.gid };
  }

  /** The host uid behind a uid inside a container of the default user namespace. */
  hostUidOf(containerUid: number): number {
    if (this.mode === 'root' || containerUid === 0) return this.mode === 'root' ? containerUid : this.context.rootless.uid;
    return this.context.rootless.subuidStart + containerUid - 1;
  }

  /** `podman ARGS...`, with the exit code and both streams; never throws for a non-zero exit. */
  async podman(args: readonly string[], options: RunOptions = {}): Promise<Outcome> {
    const rootless = this.context.rootless;
    const [file, argv, env, cwd] =
      this.mode === 'root'
        ? ['podman', [...args], { PATH, HOME: '/root', CONTAINERS_CONF: this.context.containersConf }, '/']
        : [
            'setpriv',
            ['--reuid', String(rootless.uid), '--regid', String(rootless.gid), '--init-groups', 'podman', ...args],
            {
              PATH,
              HOME: rootless.home,
              USER: rootless.name,
              LOGNAME: rootless.name,
              // No logind on these machines: scripts/podman.sh makes this directory.
              XDG_RUNTIME_DIR: `/run/user/${rootless.uid}`,
              CONTAINERS_CONF: this.context.containersConf,
            },
            rootless.home,
          ];
    const result = await execa(file, argv, {
      env,
      extendEnv: false,
      cwd,
      reject: false,
      timeout: options.timeoutMs ?? 120_000,
      input: options.input ?? '',
      stripFinalNewline: false,
    });
    if (result.timedOut) throw new Error(`podman (${this.mode}) timed out: ${args.join(' ')}`);
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  /** podman ARGS that must succeed; its stdout. */
  async ok(args: readonly string[]): Promise<string> {
    const result = await this.podman(args);
    if (result.exitCode !== 0) throw new Error(`podman (${this.mode}) ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
    return result.stdout.trim();
  }

  /**
   * `podman run --rm --network host [flags] IMAGE COMMAND...`: the exit code is the container's
   * (the point of using the CLI). Cloud calls go to a closed port unless `flags` name a cloud.
   */
  run(flags: readonly string[], command: readonly string[], options: RunOptions = {}): Promise<Outcome> {
    return this.podman(['run', '--rm', '--network', 'host', ...noCloudFlags(), ...flags, this.image, ...command], options);
  }

  async createVolume(): Promise<string> {
    const name = `k6p-podman-${randomBytes(4).toString('hex')}`;
    await this.ok(['volume', 'create', name]);
    return name;
  }

  async removeVolume(name: string): Promise<void> {
    await this.podman(['volume', 'rm', '--force', name]);
  }

  /** The host directory behind a named volume (readable here: the tests run as root). */
  async volumeDir(name: string): Promise<string> {
    return this.ok(['volume', 'inspect', '--format', '{{.Mountpoint}}', name]);
  }

  /** Starts `podman run -d` and resolves once `logLine` is in the container's output. */
  async startDetached(flags: readonly string[], command: readonly string[], logLine: RegExp, timeoutMs = 60_000): Promise<string> {
    const name = `k6p-podman-${randomBytes(4).toString('hex')}`;
    await this.ok(['run', '-d', '--name', name, '--network', 'host', ...noCloudFlags(), ...flags, this.image, ...command]);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const logs = await this.podman(['logs', name]);
      if (logLine.test(logs.stdout) || logLine.test(logs.stderr)) return name;
      const state = await this.ok(['inspect', '--format', '{{.State.Status}}', name]);
      if (state !== 'running') throw new Error(`container ${name} is ${state} before printing ${logLine}: ${logs.stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`container ${name} did not print ${logLine} within ${timeoutMs} ms`);
  }

  /** What a stopped container left: its exit code and output. */
  async outcomeOf(name: string): Promise<Outcome> {
    const exitCode = Number(await this.ok(['inspect', '--format', '{{.State.ExitCode}}', name]));
    const logs = await this.podman(['logs', name]);
    return { exitCode, stdout: logs.stdout, stderr: logs.stderr };
  }

  async removeContainer(name: string): Promise<void> {
    await this.podman(['rm', '--force', '--time', '0', name]);
  }
}
