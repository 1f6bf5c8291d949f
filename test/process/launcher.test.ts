// The image's `k6` is the launcher (src/launcher.ts): it runs the wrapper bundle beside it from
// the V8 code cache the image build makes. These run the built launcher against a fake k6 and
// show what a user can rely on: the cache is made by one run, used by every uid, and anything
// wrong with it (absent, made for another bundle, refused by V8) changes nothing but the words
// of the debug line: k6 gets the same arguments and its exit code comes back.
import { execa } from 'execa';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { reachableDir, removeDir } from './stage.ts';
import { UNPRIVILEGED, baseEnv, bundle, scratch } from './support.ts';

const isRoot = process.getuid?.() === 0;
const CACHE = 'k6-persist.cjs.v8-cache';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

/** A directory as the image's /usr/libexec/k6-persist: the launcher and the wrapper bundle. */
async function installed(): Promise<string> {
  const from = join(await bundle(), '..');
  const dir = reachableDir('k6p-launcher-');
  dirs.push(dir);
  for (const name of ['k6-persist-launcher.cjs', 'k6-persist.cjs']) {
    copyFileSync(join(from, name), join(dir, name));
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

let env: Record<string, string>;
let report: string;
beforeEach(() => {
  const dir = scratch('k6p-launch-');
  chmodSync(dir, 0o755);
  report = join(dir, 'report.json');
  env = { ...baseEnv(join(dir, 'home'), report), K6_PERSIST_DEBUG: '1', FAKE_K6_EXIT: '7' };
  chownSync(dir, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
  chownSync(env['TMPDIR']!, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
});

/** The installed launcher with `args` and exactly `startEnv`: its exit code, stderr, and the argv k6 reported (if k6 ran). */
async function runLauncher(dir: string, args: string[], startEnv: Record<string, string>, user?: { uid: number; gid: number }) {
  rmSync(report, { force: true });
  const result = await execa(join(dir, 'k6-persist-launcher.cjs'), args, { env: startEnv, extendEnv: false, reject: false, ...(user ?? {}) });
  const argv = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as { argv: string[] }).argv : undefined;
  return { exitCode: result.exitCode, stderr: result.stderr, argv };
}

async function launch(dir: string, extraEnv: Record<string, string> = {}, user?: { uid: number; gid: number }) {
  const run = await runLauncher(dir, ['run', '--vus', '2', 'x.js'], { ...env, ...extraEnv }, user);
  const cacheLine = run.stderr.split('\n').find((line) => line.startsWith('k6-persist: debug: code ca'));
  return { ...run, cacheLine };
}

/** The cache as the image build makes it: one run that exits normally (spawn hand-over). */
async function makeCache(dir: string): Promise<void> {
  const made = await launch(dir, { K6_PERSIST_WRITE_CODE_CACHE: '1', K6_PERSIST_HANDOVER: 'spawn' });
  expect(made.exitCode, made.stderr).toBe(7);
  chmodSync(join(dir, CACHE), 0o644);
}

describe('the launcher', () => {
  it('without a cache compiles the bundle, says so, and hands k6 its arguments and exit code', async () => {
    const dir = await installed();
    const run = await launch(dir);
    expect(run.cacheLine).toBe('k6-persist: debug: code cache: absent, the bundle was compiled now');
    expect(run.argv).toEqual(['run', '--vus', '2', 'x.js']);
    expect(run.exitCode).toBe(7);
    expect(existsSync(join(dir, CACHE))).toBe(false);
  });

  it('makes the cache in one run, holding the bundle it was made from, and the next start uses it', async () => {
    const dir = await installed();
    await makeCache(dir);
    const file = readFileSync(join(dir, CACHE));
    const source = readFileSync(join(dir, 'k6-persist.cjs'));
    expect(file.readUInt32LE(0)).toBe(source.length);
    expect(file.subarray(4, 4 + source.length).equals(source)).toBe(true);
    // V8's data follows: more than the top level of a 90 kB bundle, since it was made after a run.
    expect(file.length - 4 - source.length).toBeGreaterThan(20_000);
    expect(readdirTemporary(dir)).toEqual([]);
    const run = await launch(dir);
    expect(run.cacheLine).toBe('k6-persist: debug: code cache: used');
    expect(run.argv).toEqual(['run', '--vus', '2', 'x.js']);
    expect(run.exitCode).toBe(7);
  });

  it.runIf(isRoot)('a root-owned 0644 cache is used by another uid, which writes nothing', async () => {
    const dir = await installed();
    await makeCache(dir);
    const before = statSync(join(dir, CACHE));
    const run = await launch(dir, {}, UNPRIVILEGED);
    expect(run.cacheLine, run.stderr).toBe('k6-persist: debug: code cache: used');
    expect(run.exitCode, run.stderr).toBe(7);
    const after = statSync(join(dir, CACHE));
    expect([after.ino, after.mtimeMs, after.uid]).toEqual([before.ino, before.mtimeMs, 0]);
  });

  it('a bundle replaced by another of the same length runs its own code, not the cached one', async () => {
    const dir = await installed();
    await makeCache(dir);
    // The same length, one letter changed in the debug line the new code prints.
    const bundlePath = join(dir, 'k6-persist.cjs');
    const text = readFileSync(bundlePath, 'utf8');
    expect(text).toContain('code cache: ');
    writeFileSync(bundlePath, text.replace('code cache: ', 'code cachE: '));
    expect(statSync(bundlePath).size).toBe(Buffer.byteLength(text));
    const run = await launch(dir);
    expect(run.cacheLine).toBe('k6-persist: debug: code cachE: made for another bundle, the bundle was compiled now');
    expect(run.argv).toEqual(['run', '--vus', '2', 'x.js']);
    expect(run.exitCode).toBe(7);
  });

  it.each([
    [
      // V8's header (magic number, version and flag hashes) is the first bytes of its data.
      'V8 data it refuses (damaged, or from another Node)',
      (file: Buffer) => {
        const start = 4 + file.readUInt32LE(0);
        for (let i = start; i < start + 16; i += 1) file[i] = file[i]! ^ 0xff;
        return file;
      },
      'rejected by V8 (another Node build or other V8 flags), the bundle was compiled now',
    ],
    ['a truncated cache file', (file: Buffer) => file.subarray(0, 100), 'made for another bundle, the bundle was compiled now'],
  ])('%s is not used: the bundle is compiled, k6 runs the same', async (_what, damage, words) => {
    const dir = await installed();
    await makeCache(dir);
    writeFileSync(join(dir, CACHE), damage(readFileSync(join(dir, CACHE))));
    const run = await launch(dir);
    expect(run.cacheLine).toBe(`k6-persist: debug: code cache: ${words}`);
    expect(run.argv).toEqual(['run', '--vus', '2', 'x.js']);
    expect(run.exitCode).toBe(7);
  });
});

/**
 * A command the wrapper would only pass through (src/boot/direct-start.ts) is handed to k6 by the
 * launcher itself. The wrapper bundle is replaced here by one that only says it ran: k6 starting
 * without that line is the proof that the wrapper was not loaded.
 */
describe('the launcher\'s direct start', () => {
  const WRAPPER_RAN = 'the wrapper bundle ran';

  async function withMarkerBundle(): Promise<string> {
    const dir = await installed();
    writeFileSync(join(dir, 'k6-persist.cjs'), `process.stderr.write(${JSON.stringify(`${WRAPPER_RAN}\n`)}); process.exit(99);\n`);
    return dir;
  }

  /** The image's own environment: no K6_PERSIST_* setting but K6_PERSIST_K6_BIN, and a usable HOME. */
  function imageEnv(): Record<string, string> {
    const { K6_PERSIST_DEBUG: _debug, K6_PERSIST_MOUNTINFO: _mountinfo, ...rest } = env;
    mkdirSync(rest['HOME']!, { recursive: true });
    return rest;
  }

  it.each([[['version']], [['version', '--json']], [['help', 'cloud']], [['completion', 'bash']]])('%j goes to k6 with its arguments, environment and exit code, the wrapper never loaded', async (args) => {
    const dir = await withMarkerBundle();
    const run = await runLauncher(dir, args, imageEnv());
    expect(run.stderr).not.toContain(WRAPPER_RAN);
    expect(run.argv).toEqual(args);
    expect(run.exitCode).toBe(7);
  });

  it.each([
    ['a command that reads the config', ['run', 'x.js'], {}],
    ['a K6_PERSIST_* setting', ['version'], { K6_PERSIST_DEBUG: '1' }],
    ['HOME "/" (k6 gets a private HOME from the wrapper)', ['version'], { HOME: '/' }],
  ])('%s goes through the wrapper', async (_what, args, extra) => {
    const dir = await withMarkerBundle();
    const run = await runLauncher(dir, args, { ...imageEnv(), ...extra });
    expect(run.stderr).toContain(WRAPPER_RAN);
    expect(run.exitCode).toBe(99);
    expect(run.argv).toBeUndefined();
  });

  it('a k6 that cannot be started is left to the wrapper, which says what to do', async () => {
    const dir = await installed();
    const run = await runLauncher(dir, ['version'], { ...imageEnv(), K6_PERSIST_K6_BIN: join(dir, 'no-such-k6') });
    expect(run.stderr).toContain(`error: the real k6 binary ${join(dir, 'no-such-k6')} cannot be started (ENOENT)`);
    expect(run.exitCode).not.toBe(0);
  });

  it('k6 starts with no signal ignored or blocked (Node ignores SIGPIPE and SIGXFSZ for itself)', async () => {
    const dir = await withMarkerBundle();
    const out = join(dir, 'status.txt');
    const k6 = join(dir, 'k6-status');
    writeFileSync(k6, `#!/bin/sh\ngrep -E '^Sig(Ign|Blk):' /proc/self/status > "${out}"\n`, { mode: 0o755 });
    const run = await runLauncher(dir, ['version'], { ...imageEnv(), K6_PERSIST_K6_BIN: k6 });
    expect(run.stderr).not.toContain(WRAPPER_RAN);
    expect(run.exitCode).toBe(0);
    const status = Object.fromEntries(readFileSync(out, 'utf8').trim().split('\n').map((line) => line.split(/:\s+/)));
    expect({ ignored: BigInt(`0x${status['SigIgn']}`), blocked: BigInt(`0x${status['SigBlk']}`) }).toEqual({ ignored: 0n, blocked: 0n });
  });
});

function readdirTemporary(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.tmp'));
}
