// Shared helpers for the stand-in tests: builds the bundles once per test run (a stamp file
// plus a lock, because vitest runs test files in parallel workers), runs the bundled k6 as a
// real process with a private HOME and no inherited K6_* variables, starts mock clouds, and
// parses k6's logfmt stderr. Importing this module registers the build and cleanup hooks.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ResultPromise, execa } from 'execa';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type MockCloud, type MockCloudOptions, startMockCloud } from '../mock-cloud/server.ts';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
/** The reproduced k6 releases (scripts/build-standin.ts builds one bundle each). */
export const VERSIONS = ['1.8.1', '2.0.0', '2.1.0', '2.2.0'] as const;
export type Version = (typeof VERSIONS)[number];
/** The 2.x releases, for behaviours all of v2 shares. */
export const V2_VERSIONS = ['2.0.0', '2.1.0', '2.2.0'] as const;

// K6_STANDIN_BUNDLE_DIR runs the tests against bundles built elsewhere (and builds nothing), e.g.
// from a deliberately broken copy of the stand-in, without touching the shared build/.
const PREBUILT = process.env['K6_STANDIN_BUNDLE_DIR'];
const BUILD_DIR = PREBUILT ?? path.join(REPO, 'build', 'k6-standin');
const STAMP = path.join(BUILD_DIR, '.stamp');
const LOCK = path.join(REPO, 'build', 'k6-standin.lock');

export function bundlePath(version: Version): string {
  return path.join(BUILD_DIR, `k6-${version}.cjs`);
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const files = [
    path.join(REPO, 'scripts', 'build-standin.ts'),
    ...fs
      .readdirSync(path.join(REPO, 'test', 'k6-standin'), { recursive: true, encoding: 'utf8' })
      .map((f) => path.join(REPO, 'test', 'k6-standin', f))
      .filter((f) => fs.statSync(f).isFile()),
  ].sort();
  for (const file of files) hash.update(file).update(fs.readFileSync(file));
  return hash.digest('hex');
}

const stampMatches = (hash: string): boolean => {
  try {
    return fs.readFileSync(STAMP, 'utf8') === hash && VERSIONS.every((v) => fs.existsSync(bundlePath(v)));
  } catch {
    return false;
  }
};

let building: Promise<void> | undefined;

/** Builds build/k6-standin/*.cjs unless the sources are unchanged since the last build. */
export function ensureBuilt(): Promise<void> {
  building ??= (async () => {
    const hash = sourceHash();
    if (stampMatches(hash)) return;
    fs.mkdirSync(path.dirname(LOCK), { recursive: true });
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        fs.closeSync(fs.openSync(LOCK, 'wx'));
        break;
      } catch {
        // Another worker is building; a lock older than a minute is left over from a crash.
        try {
          if (Date.now() - fs.statSync(LOCK).mtimeMs > 60_000) fs.rmSync(LOCK, { force: true });
        } catch {
          // lock vanished meanwhile
        }
        if (Date.now() > deadline) throw new Error('timed out waiting for the stand-in build lock');
        await sleep(200);
      }
    }
    try {
      if (stampMatches(hash)) return;
      await execa(process.execPath, ['scripts/build-standin.ts'], { cwd: REPO, timeout: 60_000 });
      fs.writeFileSync(STAMP, hash);
    } finally {
      fs.rmSync(LOCK, { force: true });
    }
  })();
  return building;
}

beforeAll(() => (PREBUILT === undefined ? ensureBuilt() : undefined), 120_000);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh directory, removed after the test. Mode 0755 so other uids can look inside. */
export function tempDir(prefix = 'k6-standin-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function mockCloud(options: MockCloudOptions): Promise<MockCloud> {
  const cloud = await startMockCloud(options);
  cleanups.push(() => cloud.close());
  return cloud;
}

/** Environment pointing both cloud APIs at a mock. */
export function cloudEnv(cloud: MockCloud): Record<string, string> {
  return { K6_CLOUD_HOST: cloud.url, K6_CLOUD_HOST_V6: cloud.url };
}

export interface K6Options {
  /** Working directory (defaults to `home`). */
  cwd?: string;
  /** HOME; pass null to leave HOME unset. */
  home?: string | null;
  env?: Record<string, string | undefined>;
  input?: string;
  uid?: number;
  gid?: number;
  timeoutMs?: number;
}

export interface K6Result {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
}

function processEnv(options: K6Options): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
  if (options.home !== null && options.home !== undefined) env['HOME'] = options.home;
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value !== undefined) env[key] = value;
  }
  return env;
}

function spawnOptions(options: K6Options) {
  return {
    cwd: options.cwd ?? options.home ?? os.tmpdir(),
    env: processEnv(options),
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    timeout: options.timeoutMs ?? 20_000,
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  } as const;
}

/** Runs the stand-in to completion. */
export async function k6(version: Version, args: readonly string[], options: K6Options = {}): Promise<K6Result> {
  return k6Under([], version, args, options);
}

/**
 * Runs the stand-in to completion behind a launcher, e.g. `unshare --mount sh -c '...; exec
 * "$@"' sh`: the launcher's words come first, then node, the bundle and `args`.
 */
export async function k6Under(
  launcher: readonly string[],
  version: Version,
  args: readonly string[],
  options: K6Options = {},
): Promise<K6Result> {
  const command = [...launcher, process.execPath, bundlePath(version), ...args];
  const result = await execa(command[0] ?? '', command.slice(1), {
    ...spawnOptions(options),
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
  };
}

/** Starts the stand-in and leaves it running (for signal tests). */
export function spawnK6(version: Version, args: readonly string[], options: K6Options = {}): ResultPromise {
  return execa(process.execPath, [bundlePath(version), ...args], { ...spawnOptions(options), stdin: 'pipe' });
}

/**
 * Resolves with everything seen so far once `pattern` shows up on the process's stdout or
 * stderr (output arriving from now on); rejects after timeoutMs.
 */
export function waitForOutput(child: ResultPromise, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      if (pattern.test(seen)) finish();
    };
    const timer = setTimeout(() => {
      finish(new Error(`timed out after ${timeoutMs}ms waiting for ${pattern}; saw:\n${seen}`));
    }, timeoutMs);
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      if (err) reject(err);
      else resolve(seen);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

export interface LogLine {
  level: string;
  msg: string;
  fields: Record<string, string>;
}

/** Parses logrus text lines (`time="..." level=error msg="..." key=value`) from stderr. */
export function logLines(stderr: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('time=')) continue;
    const fields: Record<string, string> = {};
    for (const match of line.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
      const raw = match[2] ?? '';
      fields[match[1] ?? ''] = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    }
    const { level = '', msg = '', time: _time, ...rest } = fields;
    lines.push({ level, msg, fields: rest });
  }
  return lines;
}

export function errorMessages(stderr: string): string[] {
  return logLines(stderr)
    .filter((l) => l.level === 'error')
    .map((l) => l.msg);
}

export const isRoot = process.getuid?.() === 0;
/** An unprivileged uid/gid for ownership tests (the official image's k6 user). */
export const OTHER_UID = 12345;

export function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

export function writeJson(file: string, value: unknown, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2), { mode });
}

export function cloudCollector(file: string): Record<string, unknown> {
  const collectors = readJson(file)['collectors'] as Record<string, Record<string, unknown>>;
  return collectors['cloud'] ?? {};
}

export const TOKEN = 'tok-0123456789abcdef';
export const STACK = { slug: 'acme', stackId: 4242, defaultProjectId: 77 } as const;

/** A mock cloud that knows TOKEN and the `acme` stack. */
export function standardCloud(extra: MockCloudOptions = {}): Promise<MockCloud> {
  return mockCloud({
    tokens: [TOKEN],
    stacks: { [STACK.slug]: { stackId: STACK.stackId, defaultProjectId: STACK.defaultProjectId } },
    ...extra,
  });
}

/**
 * The command that saves TOKEN on each version without prompting: `login cloud -t` on 1.8.1
 * (no network), `cloud login -t --stack` on 2.x (needs the mock's env).
 */
export function saveTokenArgs(version: Version, token = TOKEN): string[] {
  return version === '1.8.1' ? ['login', 'cloud', '-t', token] : ['cloud', 'login', '-t', token, '--stack', STACK.slug];
}

export interface ScriptedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface ScriptedServer {
  readonly url: string;
  readonly requests: ScriptedRequest[];
}

/**
 * A one-off HTTP server on 127.0.0.1 whose every answer the test writes, for what the mock
 * cloud does not do (an `is_valid: false` answer, an answer held back until the test says so).
 */
export async function scriptedServer(
  answer: (request: ScriptedRequest) => Promise<{ status: number; body: unknown }> | { status: number; body: unknown },
): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      void Promise.resolve(answer(request)).then(({ status, body }) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests };
}
