// Helpers for reproducing Kubernetes conditions with `docker run` (docs/containers.md,
// "Kubernetes"): script folders, a host folder laid out like a Secret volume, the docker CLI for
// what testcontainers does not do (stop with a grace period, kill with a signal, exec, a real
// terminal), and a look inside a running container.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import fse from 'fs-extra';
import { noCloudFlags } from '../support/containers.ts';

/** A folder of test scripts, readable by any uid (it is mounted read-only like a ConfigMap). */
export function scriptsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'k6p-k8s-scripts-'));
  chmodSync(dir, 0o755);
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o644);
  }
  return dir;
}

/** A stand-in test script: the directives (test/k6-standin/script.ts) decide how the run goes. */
export function standinScript(...directives: string[]): string {
  return `${directives.map((d) => `// standin: ${d}`).join('\n')}\nexport default function () {}\n`;
}

export function removeDir(dir: string): void {
  fse.removeSync(dir);
}

/**
 * What `k6 run -v` logs at debug level as it installs its SIGINT/SIGTERM trap (cmd/common.go
 * handleTestAbortSignals: this log call, then signal.Notify, in the same goroutine with nothing
 * blocking between). k6 prints the `execution: local` description BEFORE that (audit D9,
 * docs/k6-behaviour.md SIG-2): a signal sent on seeing the description may still meet Go's
 * default and kill k6 by the signal, with no summary and no 105. A test that needs k6 to handle
 * a signal runs k6 with `-v` and sends it only once this line is out; with `--quiet` it is
 * still logged, since -q does not silence debug logs.
 */
export const K6_TRAP_INSTALLED = /Trapping interrupt signals/;

/**
 * A TCP port that nothing listens on at 127.0.0.1 right now, for an explicit `--address`: k6 exits
 * 106 when the address it was given is taken (audit E14), and containers here share the host's
 * network, where any k6 1.x already holds localhost:6565 by default.
 */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return port;
}

/**
 * A host folder laid out as kubelet lays out a Secret volume (its AtomicWriter): each key is a
 * symlink `key -> ..data/key`, `..data` a symlink to a timestamped payload folder. Mounted with
 * `:ro`, as kubelet mounts Secrets.
 */
export function secretVolumeDir(keys: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'k6p-k8s-secret-'));
  const payload = '..2026_01_01_00_00_00.123';
  mkdirSync(join(dir, payload));
  for (const [key, value] of Object.entries(keys)) {
    writeFileSync(join(dir, payload, key), value);
    // kubelet's default mode for Secret files.
    chmodSync(join(dir, payload, key), 0o644);
  }
  chmodSync(join(dir, payload), 0o755);
  symlinkSync(payload, join(dir, '..data'));
  for (const key of Object.keys(keys)) symlinkSync(`..data/${key}`, join(dir, key));
  chmodSync(dir, 0o755);
  return dir;
}

/** Everything about a folder tree that a write could change: names, kinds, link targets, modes, bytes, times. */
export function treeSnapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = join(rel, name);
      const full = join(dir, path);
      const st = lstatSync(full);
      const base = `${path} mode=${st.mode.toString(8)} uid=${st.uid} mtime=${st.mtimeMs} ctime=${st.ctimeMs}`;
      if (st.isSymbolicLink()) out.push(`${base} -> ${readlinkSync(full)}`);
      else if (st.isDirectory()) {
        out.push(`${base}/`);
        walk(path);
      } else out.push(`${base} sha256=${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk('.');
  return out;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

// ---------------------------------------------------------------------------------------------
// The docker CLI
// ---------------------------------------------------------------------------------------------

export async function docker(args: readonly string[], timeoutMs = 60_000) {
  const all = args[0] === 'run' ? ['run', ...noCloudFlags(), ...args.slice(1)] : [...args];
  return execa('docker', all, { reject: false, timeout: timeoutMs, stdin: 'ignore' });
}

/** `docker stop -t N`: SIGTERM (the image's stop signal), SIGKILL after N seconds, as kubelet does. */
export async function dockerStop(id: string, graceSeconds: number): Promise<number> {
  const started = Date.now();
  const result = await docker(['stop', '-t', String(graceSeconds), id], (graceSeconds + 30) * 1000);
  if (result.exitCode !== 0) throw new Error(`docker stop failed: ${result.stderr}`);
  return Date.now() - started;
}

/**
 * The pids inside a container whose command line contains `needle`, PID 1 and the searching
 * shell excluded. busybox has no pgrep -f with that precision, so /proc is read directly.
 */
export async function pidsIn(id: string, needle: string): Promise<number[]> {
  const script =
    'for p in /proc/[0-9]*; do n=${p#/proc/}; [ "$n" = 1 ] && continue; [ "$n" = "$$" ] && continue; ' +
    'case "$(tr "\\0" " " < "$p/cmdline" 2>/dev/null)" in *"$1"*) echo "$n";; esac; done';
  const result = await docker(['exec', id, 'sh', '-c', script, 'sh', needle]);
  if (result.exitCode !== 0) throw new Error(`docker exec failed: ${result.stderr}`);
  return result.stdout.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
}

/** The command line of the k6 stand-in's interpreter: only the real k6 (behind the wrapper) runs on it. */
export const STANDIN_K6_PROCESS = '/opt/k6-standin/node/bin/node';

// ---------------------------------------------------------------------------------------------
// A real terminal
// ---------------------------------------------------------------------------------------------

export interface TerminalRun {
  exitCode: number | undefined;
  /** Everything the terminal showed (stdout and stderr of the container share it). */
  screen: string;
  /** How many times the keys were typed. */
  typed: number;
}

/** One shell command line from words (script -c takes a string). */
function shellQuote(words: readonly string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`)).join(' ');
}

/**
 * Runs a command on a real pseudo-terminal, as a user in a shell would: util-linux `script`
 * allocates the pty and relays what is written to its stdin as typed keys, so `docker run -it`
 * puts that terminal in raw mode and the container's own terminal turns Ctrl-C into SIGINT for
 * its foreground process group. `keys` are typed `times` times, `gapMs` apart, `delayMs` after
 * `when` first appears on the screen.
 */
export async function runInTerminal(options: {
  command: readonly string[];
  when: RegExp;
  keys: string;
  times?: number;
  delayMs?: number;
  gapMs?: number;
  timeoutMs?: number;
}): Promise<TerminalRun> {
  const child = execa('script', ['-qfec', shellQuote(options.command), '/dev/null'], {
    reject: false,
    stdin: 'pipe',
    all: true,
    timeout: options.timeoutMs ?? 90_000,
    env: { TERM: 'xterm' },
  });
  let screen = '';
  let typed = 0;
  let armed = false;
  const timers: NodeJS.Timeout[] = [];
  child.all?.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    if (armed || !options.when.test(screen)) return;
    armed = true;
    const times = options.times ?? 1;
    for (let i = 0; i < times; i++) {
      timers.push(
        setTimeout(() => {
          child.stdin?.write(options.keys);
          typed++;
        }, (options.delayMs ?? 300) + i * (options.gapMs ?? 200)),
      );
    }
  });
  const result = await child;
  timers.forEach((t) => clearTimeout(t));
  return { exitCode: result.exitCode, screen: result.all ?? screen, typed };
}

/**
 * Like runInTerminal, for a dialogue: each answer is typed once its prompt has appeared on the
 * screen (after the previous answer), as a person at the terminal would.
 */
export async function answerInTerminal(command: readonly string[], dialogue: ReadonlyArray<{ prompt: RegExp; answer: string }>, timeoutMs = 90_000): Promise<TerminalRun> {
  const child = execa('script', ['-qfec', shellQuote(command), '/dev/null'], { reject: false, stdin: 'pipe', all: true, timeout: timeoutMs, env: { TERM: 'xterm' } });
  let screen = '';
  let next = 0;
  let seenUpTo = 0;
  child.all?.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    const step = dialogue[next];
    if (!step || !step.prompt.test(screen.slice(seenUpTo))) return;
    next += 1;
    seenUpTo = screen.length;
    setTimeout(() => child.stdin?.write(step.answer), 200);
  });
  const result = await child;
  return { exitCode: result.exitCode, screen: result.all ?? screen, typed: next };
}
