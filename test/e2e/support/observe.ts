// What a user can observe from outside the container: the files a volume or host directory
// holds (we run as root, so a named volume's data directory is readable on the host), the
// wrapper's own stderr lines, anything of a token in the output, and `docker run -i` for the
// cases that need stdin.
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

/** What a login left in a named volume's config.json: k6's Cloud section, and the file's owner and mode (octal). */
export async function savedLogin(volume: string): Promise<{ cloud: Record<string, unknown>; uid: number | undefined; mode: string | undefined }> {
  const file = viewFile(join(await volumeDir(volume), 'config.json'));
  return { cloud: cloudOf(jsonOf(file)), uid: file?.stat.uid, mode: file?.mode.toString(8) };
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

/** The wrapper's own lines (every stderr line it starts with `k6-persist:`): for assertions about
 * what it said. Leak checks read everything (tokenLeaks). */
export function wrapperLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('k6-persist:'));
}

export interface LeakOptions {
  /**
   * The k6 under test prints the token itself on a successful login: k6 1.x does, in full, as the
   * line `  token: <token>` on stdout (`login cloud` always, `cloud login` in its config print-out;
   * docs/k6-behaviour.md and the source audit). That is k6's documented output, which plain
   * grafana/k6 prints too and the wrapper passes through untouched: exactly one such line, with
   * exactly that text (after k6's own prompts at most, see isK6TokenLine), on stdout, is set aside
   * per token. Everything else is still scanned: the
   * same token on stderr, a second copy on stdout, the token inside any other line, any piece of
   * it anywhere. k6 2.x masks it, so by default nothing is set aside.
   */
  k6PrintsToken?: boolean;
}

/**
 * k6 1.x's `  token: <token>` line. After the interactive login's prompts, read from a stdin that
 * is not a terminal, it shares its line with them: they end without a newline (`  Email:
 * Password:   token: <token>`). Nothing else may stand on that line.
 */
function isK6TokenLine(line: string, token: string): boolean {
  const k6Text = `  token: ${token}`;
  if (!line.endsWith(k6Text)) return false;
  return /^(\s*(Email|Password):)*\s*$/.test(line.slice(0, line.length - k6Text.length));
}

/**
 * Where a token shows in what a run printed: all of stdout and stderr, not only the wrapper's
 * prefixed lines (a continuation line, or a stray write to stdout, is output too). Each finding
 * names the stream and either the full token or a 6-character piece of the part a mask hides
 * (all but its first and last 4 characters), so a partial leak counts as well.
 */
export function tokenLeaks(outcome: Pick<Outcome, 'stdout' | 'stderr'>, tokens: readonly string[], options: LeakOptions = {}): string[] {
  const found: string[] = [];
  for (const token of tokens) {
    let stdout = outcome.stdout;
    if (options.k6PrintsToken) {
      const lines = stdout.split('\n');
      const k6Line = lines.findIndex((line) => isK6TokenLine(line, token));
      if (k6Line >= 0) lines.splice(k6Line, 1);
      stdout = lines.join('\n');
    }
    const hidden = token.slice(4, -4);
    for (const [stream, text] of [['stdout', stdout], ['stderr', outcome.stderr]] as const) {
      if (text.includes(token)) found.push(`${stream}: the token ${token}`);
      for (let i = 0; i + 6 <= hidden.length; i += 1) {
        const piece = hidden.slice(i, i + 6);
        if (text.includes(piece)) found.push(`${stream}: "${piece}" of ${token}`);
      }
    }
  }
  return found;
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
