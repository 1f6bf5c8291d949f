// Runs the real bundle (as the image would) against fake-k6.mjs, on the host.
import { execa, type ResultPromise } from 'execa';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const fakeK6 = join(root, 'test/process/fake-k6.mjs');

let bundlePromise: Promise<string> | undefined;

/** Every directory this test file made in the temp directory, removed when the file is done. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Builds both bundles once per test file into a private directory (files run in parallel);
 * resolves to that directory. */
function bundles(): Promise<string> {
  bundlePromise ??= (async () => {
    const dir = scratch('k6p-bundle-');
    chmodSync(dir, 0o755); // readable by UNPRIVILEGED too
    await execa(process.execPath, ['scripts/build.ts', '--node-path', process.execPath, '--outdir', dir], { cwd: root });
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

export interface WrapperOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  detached?: boolean;
  /** Run as this uid/gid (the suite may run as root, for whom every directory is writable). */
  user?: { uid: number; gid: number };
}

/** An unprivileged user for cases about permissions, when the suite itself runs as root. */
export const UNPRIVILEGED = { uid: 65534, gid: 65534 };

/** Environment with nothing from the developer's own shell that could change a decision. */
export function baseEnv(home: string, report: string): Record<string, string> {
  // The wrapper's own temp files (a private HOME left behind by execve, login staging) go
  // beside the report, so they are removed with the test's directory.
  const tmp = join(dirname(report), 'tmp');
  mkdirSync(tmp, { recursive: true });
  return {
    TMPDIR: tmp,
    PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    K6_PERSIST_K6_BIN: fakeK6,
    // An empty mount table: the tests choose their mounts explicitly.
    K6_PERSIST_MOUNTINFO: '/dev/null',
    FAKE_K6_REPORT: report,
  };
}

export async function runWrapper(args: string[], env: Record<string, string | undefined>, options: WrapperOptions = {}) {
  const file = await bundle();
  return execa(file, args, {
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
