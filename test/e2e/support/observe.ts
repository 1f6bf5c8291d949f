// What a user can observe from outside the container: the files a volume or host directory
// holds (we run as root, so a named volume's data directory is readable on the host), the
// wrapper's own stderr lines, and `docker run -i` for the cases that need stdin.
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, lstatSync, mkdtempSync, readFileSync, readdirSync, type Stats, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { getContainerRuntimeClient } from 'testcontainers';
import { noCloudFlags, type Outcome } from './containers.ts';

/** The host directory behind a named (or anonymous) volume. */
export async function volumeDir(name: string): Promise<string> {
  const client = await getContainerRuntimeClient();
  const info = (await client.container.dockerode.getVolume(name).inspect()) as { Mountpoint: string };
  return info.Mountpoint;
}

export interface FileView {
  readonly text: string;
  readonly stat: Stats;
  /** Permission bits only, e.g. 0o600. */
  readonly mode: number;
}

/** A file on the host (or in a volume's data directory), or undefined when it does not exist. */
export function viewFile(path: string): FileView | undefined {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return { text: readFileSync(path, 'utf8'), stat, mode: stat.mode & 0o7777 };
}

export function listDir(path: string): string[] {
  return readdirSync(path).sort();
}

/** Parsed JSON of a config file, with a readable failure when it is not JSON. */
export function jsonOf(view: FileView | undefined): Record<string, unknown> {
  if (view === undefined) throw new Error('the config file does not exist');
  return JSON.parse(view.text) as Record<string, unknown>;
}

/** collectors.cloud of a parsed config, or {}. */
export function cloudOf(config: Record<string, unknown>): Record<string, unknown> {
  const collectors = config['collectors'] as Record<string, unknown> | undefined;
  return (collectors?.['cloud'] as Record<string, unknown> | undefined) ?? {};
}

/**
 * A host directory of test scripts, readable by any uid (the image runs as 12345), to mount at
 * /scripts:ro. Each value is a script body.
 */
export function scriptsDir(scripts: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'k6p-scripts-'));
  chmodSync(dir, 0o755);
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, name), body, { mode: 0o644 });
  }
  return dir;
}

/** A file on the host with given owner and mode (e.g. a pre-existing config or a secret). */
export function hostFile(path: string, text: string, uid: number, gid: number, mode: number): string {
  writeFileSync(path, text);
  chownSync(path, uid, gid);
  chmodSync(path, mode);
  return path;
}

/** The wrapper's own lines: every stderr line it writes starts with `k6-persist:`. */
export function wrapperLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('k6-persist:'));
}

/** The wrapper must never print a token in full, whatever happened. */
export function tokenLeaks(outcome: Pick<Outcome, 'stderr'>, tokens: readonly string[]): string[] {
  return wrapperLines(outcome.stderr).filter((line) => tokens.some((token) => line.includes(token)));
}

/** A one-line description of an outcome for assertion messages. */
export function show(outcome: Outcome): string {
  return `exit ${outcome.exitCode}\n--- stdout\n${outcome.stdout}\n--- stderr\n${outcome.stderr}`;
}

export interface DockerRunOptions {
  /** Written to the container's stdin (docker run -i), then closed. */
  input?: string;
  timeoutMs?: number;
}

/**
 * `docker run --rm -i --network host ARGS...` through the docker CLI, for what testcontainers
 * cannot do (stdin). The caller passes every other flag, the image and the command.
 */
export async function dockerRunInteractive(args: readonly string[], options: DockerRunOptions = {}): Promise<Outcome> {
  // A name, so a container whose client timed out can still be removed (--rm alone would not).
  const name = `k6p-e2e-i-${randomBytes(4).toString('hex')}`;
  const result = await execa('docker', ['run', '--rm', '-i', '--name', name, '--network', 'host', ...noCloudFlags(), ...args], {
    input: options.input ?? '',
    reject: false,
    timeout: options.timeoutMs ?? 120_000,
    stripFinalNewline: false,
  });
  if (result.timedOut) {
    await execa('docker', ['rm', '-f', name], { reject: false });
    throw new Error(`docker run timed out: ${args.join(' ')}`);
  }
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** The image's user, as in grafana/k6. */
export const IMAGE_UID = 12345;

/**
 * Puts a config file into a named volume from the host, owned by the image's user as a volume
 * the image itself had written would be (the volume's root too), and returns its host path.
 */
export async function seedVolume(name: string, fileName: string, text: string, mode = 0o600): Promise<string> {
  const dir = await volumeDir(name);
  chownSync(dir, IMAGE_UID, IMAGE_UID);
  chmodSync(dir, 0o755);
  return hostFile(join(dir, fileName), text, IMAGE_UID, IMAGE_UID, mode);
}
