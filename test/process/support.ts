// Runs the real bundle (as the image would) against fake-k6.mjs, on the host.
//
// Everything a test runs (this Node, both bundles, the k6 doubles, the kill-counting preload) is
// staged once per test file in a 0755 directory under the temp directory (stage.ts): cases that
// run as uid 65534 then work wherever the checkout sits, a 0700 home included.
import { execa, type ResultPromise } from 'execa';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { UNPRIVILEGED, reachableDir, repoRoot, stageFile, stageNode } from './stage.ts';

export { UNPRIVILEGED };

/** Every directory this test file made in the temp directory, removed when the file is done. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const stage = reachableDir('k6p-stage-');
made.push(stage);
/** The Node the bundles and the k6 doubles run on (#! of the bundles, `node` on PATH). */
export const stagedNode = stageNode(stage);
const fromHere = (path: string) => stageFile(join(repoRoot, 'test/process', path), join(stage, 'fakes', path));
fromHere('fake-k6-config-path.mjs');
export const fakeK6 = fromHere('fake-k6.mjs');
/** The reliability tests' k6 double (reliability/fake-k6-login.mjs). */
export const loginFake = fromHere('reliability/fake-k6-login.mjs');
const countKillPreload = stageFile(join(repoRoot, 'test/process/count-kill.cjs'), join(stage, 'count-kill.cjs'), 0o644);

/** Every path of the stage, for the test that proves uid 65534 reaches them. */
export const stagedPaths = (): Promise<string[]> =>
  bundles().then((dir) => [stagedNode, fakeK6, loginFake, countKillPreload, join(dir, 'k6-persist.cjs'), join(dir, 'k6-persist-cli.cjs'), join(dir, 'k6-persist-launcher.cjs')]);
export const stageRoot = stage;

let bundlePromise: Promise<string> | undefined;

/** Builds the bundles (wrapper, command, launcher) once per test file into the stage (files run in parallel); resolves to
 * their directory. */
function bundles(): Promise<string> {
  bundlePromise ??= (async () => {
    const dir = join(stage, 'bundles');
    mkdirSync(dir, { mode: 0o755 });
    await execa(process.execPath, ['scripts/build.ts', '--node-path', stagedNode, '--outdir', dir], { cwd: repoRoot });
    return dir;
  })();
  return bundlePromise;
}

/** The wrapper, as /usr/bin/k6 in the image. */
export async function bundle(): Promise<string> {
  return join(await bundles(), 'k6-persist.cjs');
}

/** The `k6-persist` command, as /usr/local/bin/k6-persist in the image. */
export async function cliBundle(): Promise<string> {
  return join(await bundles(), 'k6-persist-cli.cjs');
}

export function scratch(prefix = 'k6p-proc-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * Environment that makes the wrapper log every signal it sends to another process (its
 * forwarding to k6) into `log`; read it back with killsIn.
 */
export function countingKills(log: string): Record<string, string> {
  return { NODE_OPTIONS: `--require ${JSON.stringify(countKillPreload)}`, K6P_TEST_KILL_LOG: log };
}

export interface Kill {
  sender: number;
  target: number;
  signal: string;
}

function logLines(log: string): string[][] {
  let text: string;
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map((line) => line.split(' '));
}

/** The signals the wrapper sent, in order (none when it sent none). */
export function killsIn(log: string): Kill[] {
  return logLines(log)
    .filter((fields) => fields[1] !== 'loaded')
    .map(([sender, target, signal]) => ({ sender: Number(sender), target: Number(target), signal: signal ?? '' }));
}

/** The processes that loaded the counting preload (the wrapper, and a Node k6 double). */
export function countingIn(log: string): number[] {
  return logLines(log)
    .filter((fields) => fields[1] === 'loaded')
    .map(([pid]) => Number(pid));
}

export interface WrapperOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  detached?: boolean;
  /** Run as this uid/gid (the suite may run as root, for whom every directory is writable). */
  user?: { uid: number; gid: number };
  /** Start the wrapper under this umask (by default the runner's). */
  umask?: number;
}

/** Environment with nothing from the developer's own shell that could change a decision. */
export function baseEnv(home: string, report: string): Record<string, string> {
  // The wrapper's own temp files (a private HOME left behind by execve, login staging) go
  // beside the report, so they are removed with the test's directory.
  const tmp = join(dirname(report), 'tmp');
  mkdirSync(tmp, { recursive: true });
  return {
    TMPDIR: tmp,
    PATH: `${dirname(stagedNode)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    K6_PERSIST_K6_BIN: fakeK6,
    // An empty mount table: the tests choose their mounts explicitly.
    K6_PERSIST_MOUNTINFO: '/dev/null',
    FAKE_K6_REPORT: report,
  };
}

export async function runWrapper(args: string[], env: Record<string, string | undefined>, options: WrapperOptions = {}) {
  const file = await bundle();
  // Node cannot set a child's umask: a shell sets it and then becomes the wrapper.
  const [command, commandArgs] =
    options.umask === undefined ? [file, args] : ['/bin/sh', ['-c', `umask ${options.umask.toString(8).padStart(3, '0')} && exec "$0" "$@"`, file, ...args]];
  return execa(command, commandArgs, {
    env,
    extendEnv: false,
    reject: false,
    input: options.input ?? '',
    detached: options.detached ?? false,
    ...(options.user ?? {}),
  });
}

/** Wrapped in an object: a bare subprocess is a thenable, and awaiting it would wait for its exit. */
export async function startWrapper(
  args: string[],
  env: Record<string, string | undefined>,
  options: WrapperOptions = {},
): Promise<{ child: ResultPromise }> {
  const file = await bundle();
  return { child: execa(file, args, { env, extendEnv: false, reject: false, detached: options.detached ?? false, stdin: 'ignore' }) };
}

/** Resolves when the output stream has printed `marker` (bounded by the test timeout). */
export function waitForOutput(stream: NodeJS.ReadableStream, marker: string): Promise<void> {
  return new Promise((resolvePromise) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(marker)) {
        stream.off('data', onData);
        resolvePromise();
      }
    };
    stream.on('data', onData);
  });
}
