// Smoke tests of the built image's layout: what a user of grafana/k6 relies on is still there,
// every way of starting `k6` by name goes through the wrapper (/usr/local/bin/k6, first on PATH)
// to the real (here: stand-in) k6, which stays untouched at /usr/bin/k6.
//
// Needs the test images: bash scripts/build-images.sh (k6-persist:test-<version> for each of the
// e2e suite's default versions, DEFAULT_VERSIONS in test/e2e/support/containers.ts).
// Runs one-shot containers with the docker CLI; --network none because the engine here has no
// bridge network (and these tests need no network at all).
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLayout, removable } from '../../scripts/strip-elf.ts';
import { DEFAULT_VERSIONS } from '../e2e/support/containers.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const packageVersion = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;

const WRAPPER = '/usr/libexec/k6-persist/k6-persist.cjs';
const LAUNCHER = '/usr/libexec/k6-persist/k6-persist-launcher.cjs';
const CODE_CACHE = '/usr/libexec/k6-persist/k6-persist.cjs.v8-cache';
const CLI = '/usr/libexec/k6-persist/k6-persist-cli.cjs';
const REAL_K6 = '/usr/bin/k6';
const ON_PATH = '/usr/local/bin/k6';
const NODE = '/usr/libexec/k6-persist/node';

// K6_PERSIST_TEST_IMAGES="k6-persist:test-2.2.0=2.2.0 other:tag=1.8.1" overrides the list.
const defaultImages = DEFAULT_VERSIONS.split(/\s+/).filter(Boolean).map((v) => `k6-persist:test-${v}=${v}`).join(' ');
const images: Array<{ image: string; k6Version: string }> = (process.env['K6_PERSIST_TEST_IMAGES'] ?? defaultImages)
  .split(/\s+/)
  .filter(Boolean)
  .map((entry) => {
    const [image = '', k6Version = ''] = entry.split('=');
    return { image, k6Version };
  });

/** What the image is built from (the Dockerfile's COPYs): a change here makes an older image stale. */
const IMAGE_INPUTS = ['src', 'Dockerfile', 'scripts/build.ts', 'scripts/strip-elf.ts', 'package-lock.json', 'tsconfig.json'];

function git(args: string[]) {
  try {
    return { ok: true, out: execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim() };
  } catch {
    return { ok: false, out: '' };
  }
}

/**
 * Why the revision label does not name the commit this checkout's image inputs are at, or
 * undefined when it does. HEAD may have moved on since the build (commits to tests or docs);
 * the label must still be a commit of this history whose image inputs are the same as HEAD's.
 */
function revisionProblem(revision: string | undefined): string | undefined {
  if (revision === undefined || !/^[0-9a-f]{40}$/.test(revision)) return `"${revision}" is not a full commit id`;
  if (!git(['cat-file', '-e', `${revision}^{commit}`]).ok) return `${revision} is not a commit of this repository`;
  if (!git(['merge-base', '--is-ancestor', revision, 'HEAD']).ok) return `${revision} is not HEAD or an ancestor of it`;
  const changed = git(['diff', '--name-only', revision, 'HEAD', '--', ...IMAGE_INPUTS]);
  if (!changed.ok) return `git diff ${revision} HEAD failed`;
  if (changed.out !== '') return `the image is stale: since ${revision.slice(0, 12)} HEAD changed ${changed.out.split('\n').join(', ')} (rebuild with bash scripts/build-images.sh)`;
  return undefined;
}

interface ImageConfig {
  User: string;
  WorkingDir: string;
  Entrypoint: string[] | null;
  Cmd: string[] | null;
  Env: string[] | null;
  Volumes: Record<string, unknown> | null;
  Labels: Record<string, string> | null;
}

async function docker(args: string[]) {
  return execa('docker', args, { reject: false, stdin: 'ignore', timeout: 60_000 });
}

/** `docker run --rm` with no network; the exit code and output of the container. */
function run(image: string, args: string[], runFlags: string[] = []) {
  return docker(['run', '--rm', '--network', 'none', ...runFlags, image, ...args]);
}

/** Runs a shell script in the image and parses its `key=value` lines. */
async function facts(image: string, script: string, runFlags: string[] = []): Promise<Map<string, string>> {
  const result = await run(image, ['-c', script], ['--entrypoint', 'sh', ...runFlags]);
  expect(result.exitCode, result.stderr).toBe(0);
  const map = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) map.set(line.slice(0, at), line.slice(at + 1));
  }
  return map;
}

describe.each(images)('$image', ({ image, k6Version }) => {
  let config: ImageConfig;

  beforeAll(async () => {
    const inspect = await docker(['image', 'inspect', '--format', '{{json .Config}}', image]);
    if (inspect.exitCode !== 0) {
      throw new Error(`image ${image} is missing: run bash scripts/build-images.sh first\n${inspect.stderr}`);
    }
    config = JSON.parse(inspect.stdout) as ImageConfig;
  });

  it('keeps the base image contract: numeric user 12345, /home/k6, ENTRYPOINT ["k6"], no CMD', () => {
    expect(config.User).toBe('12345');
    expect(config.WorkingDir).toBe('/home/k6');
    expect(config.Entrypoint).toEqual(['k6']);
    expect(config.Cmd ?? []).toEqual([]);
  });

  it('declares no VOLUME (an anonymous volume would lose the token on docker run --rm)', () => {
    expect(config.Volumes ?? {}).toEqual({});
  });

  it('tells the wrapper where the real k6 is', () => {
    expect(config.Env ?? []).toContain(`K6_PERSIST_K6_BIN=${REAL_K6}`);
  });

  it('carries the OCI labels', () => {
    const labels = config.Labels ?? {};
    expect(labels['org.opencontainers.image.title']).toBe('k6-persist');
    expect(labels['org.opencontainers.image.version']).toBe(packageVersion);
    expect(labels['org.opencontainers.image.licenses']).toBe('MIT');
    expect(labels['org.opencontainers.image.description']).toBe('grafana/k6 whose k6 Cloud login persists on a mounted volume');
    // scripts/build-images.sh labels the test images with the checked-out commit.
    if (process.env['K6_PERSIST_TEST_IMAGES'] === undefined) expect(revisionProblem(labels['org.opencontainers.image.revision'])).toBeUndefined();
    else expect(labels['org.opencontainers.image.revision']).toMatch(/^([0-9a-f]{40}|unknown)$/);
    expect(labels['org.opencontainers.image.base.name']).toMatch(new RegExp(`k6:${k6Version.replaceAll('.', '\\.')}$`));
  });

  it('routes k6 on PATH through the wrapper and keeps the real k6 and Node private', async () => {
    const f = await facts(
      image,
      [
        'echo uid=$(id -u)',
        'echo pwd=$(pwd)',
        'echo home=$HOME',
        'echo k6=$(command -v k6)',
        `echo k6_link=$(readlink ${ON_PATH})`,
        'echo status_link=$(readlink /usr/local/bin/k6-persist)',
        'echo node_on_path=$(command -v node)',
        `echo shebang=$(head -n 1 ${WRAPPER})`,
        `echo launcher_shebang=$(head -n 1 ${LAUNCHER})`,
        `echo cache=$(stat -c '%u:%g %a' ${CODE_CACHE})`,
        `echo cli_shebang=$(head -n 1 ${CLI})`,
        `[ -x "$K6_PERSIST_K6_BIN" ] && [ ! -L "$K6_PERSIST_K6_BIN" ] && echo real_k6=ok`,
        // The old layout's moved copy is gone.
        'ls -A /usr/libexec/k6-persist | tr "\\n" " " | sed "s/^/libexec=/"; echo',
        `echo node_version=$(${NODE} --version)`,
        'echo mnt=$(ls -A /mnt)',
      ].join('\n'),
    );
    expect(f.get('uid')).toBe('12345');
    expect(f.get('pwd')).toBe('/home/k6');
    expect(f.get('home')).toBe('/home/k6');
    expect(f.get('k6')).toBe(ON_PATH);
    expect(f.get('k6_link')).toBe(LAUNCHER);
    expect(f.get('status_link')).toBe(CLI);
    expect(f.get('node_on_path')).toBe('');
    expect(f.get('shebang')).toBe(`#!${NODE}`);
    expect(f.get('cli_shebang')).toBe(`#!${NODE}`);
    expect(f.get('launcher_shebang')).toBe(`#!${NODE}`);
    // Root's, read-only for everyone: no run writes to the image, every uid reads it.
    expect(f.get('cache')).toBe('0:0 644');
    expect(f.get('real_k6')).toBe('ok');
    expect(f.get('libexec')?.trim().split(' ').sort()).toEqual(['k6-persist-cli.cjs', 'k6-persist-launcher.cjs', 'k6-persist.cjs', 'k6-persist.cjs.v8-cache', 'k6-version', 'node']);
    expect(f.get('node_version')).toMatch(/^v24\./);
    // The Dockerfile's bind mount leaves nothing behind.
    expect(f.get('mnt')).toBe('');
  });

  it("answers the k6-operator's sh -c 'command -v k6'", async () => {
    const result = await run(image, ['-c', 'command -v k6'], ['--entrypoint', 'sh']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(ON_PATH);
  });

  it("leaves the base's /usr/bin/k6 exactly as it was (no copy of it in the image's own layer)", async () => {
    const base = config.Labels?.['org.opencontainers.image.base.name'] ?? '';
    const sum = async (ref: string) => {
      const r = await run(ref, ['-c', `ls -ln ${REAL_K6} | awk '{print $1, $3, $4, $5}'; sha256sum ${REAL_K6}`], ['--entrypoint', 'sh']);
      expect(r.exitCode, `${ref}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    expect(await sum(image)).toBe(await sum(base));
  });

  it('records what k6 version printed at build time beside the bundles', async () => {
    const result = await run(image, ['/usr/libexec/k6-persist/k6-version'], ['--entrypoint', 'cat']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`v${k6Version}`);
  });

  it('carries Node without debug info or symbol table (scripts/strip-elf.ts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6p-layout-'));
    const created = await docker(['create', '--network', 'none', image]);
    try {
      expect(created.exitCode, created.stderr).toBe(0);
      const copied = await docker(['cp', `${created.stdout.trim()}:${NODE}`, join(dir, 'node')]);
      expect(copied.exitCode, copied.stderr).toBe(0);
      const removableSections = readLayout(readFileSync(join(dir, 'node'))).sections.filter(removable).map((s) => s.name);
      expect(removableSections).toEqual([]);
    } finally {
      if (created.exitCode === 0) await docker(['rm', '-f', created.stdout.trim()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('docker run IMAGE version reaches the real k6', async () => {
    const result = await run(image, ['version']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`v${k6Version}`);
  });

  it('a command of k6: ["k6", ...] (Kubernetes) goes through PATH to the same place', async () => {
    const result = await run(image, ['version'], ['--entrypoint', 'k6']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`v${k6Version}`);
  });

  it("passes the real k6's exit code through", async () => {
    const args = ['no-such-command-k6-persist'];
    const direct = await run(image, args, ['--entrypoint', REAL_K6]);
    const wrapped = await run(image, args);
    expect(direct.exitCode).not.toBe(0);
    expect(wrapped.exitCode).toBe(direct.exitCode);
  });

  // The cache is made at build time (Dockerfile) for every uid, not per uid as Node's own is.
  it.each([
    ['the image user', []],
    ['--user 4242:4242', ['--user', '4242:4242']],
    ['an OpenShift uid on a read-only root filesystem', ['--user', '1000680000:0', '--read-only', '--tmpfs', '/tmp']],
  ])('starts the wrapper from the V8 code cache made at build time, as %s', async (_who, flags) => {
    const result = await run(image, ['version'], ['-e', 'K6_PERSIST_DEBUG=1', ...flags]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr.split('\n')[0]).toBe('k6-persist: debug: code cache: used');
    expect(result.stdout).toContain(`v${k6Version}`);
  });

  // src/boot/direct-start.ts, with the image's own Node, launcher and environment. The launcher runs
  // the bundle beside it: in a copy whose bundle only says that it ran, k6 starting without that
  // line shows the wrapper was not loaded.
  it('hands `version` to k6 without loading the wrapper, and `run` to the wrapper', async () => {
    const f = await facts(
      image,
      [
        'mkdir /tmp/libexec && cp /usr/libexec/k6-persist/*.cjs /tmp/libexec/',
        `printf '%s\\n' 'process.stderr.write("the wrapper bundle ran\\n"); process.exit(99);' >/tmp/libexec/k6-persist.cjs`,
        '/tmp/libexec/k6-persist-launcher.cjs version >/tmp/version.out 2>&1; echo version_exit=$?',
        'echo version_wrapper=$(grep -c "the wrapper bundle ran" /tmp/version.out)',
        `echo version_k6=$(grep -c "v${k6Version}" /tmp/version.out)`,
        '/tmp/libexec/k6-persist-launcher.cjs run /dev/null >/tmp/run.out 2>&1; echo run_exit=$?',
        'echo run_wrapper=$(grep -c "the wrapper bundle ran" /tmp/run.out)',
      ].join('; '),
    );
    expect(Object.fromEntries(f)).toEqual({ version_exit: '0', version_wrapper: '0', version_k6: '1', run_exit: '99', run_wrapper: '1' });
  });

  it('works for an arbitrary uid on a read-only root filesystem (OpenShift, readOnlyRootFilesystem)', async () => {
    const result = await run(image, ['version'], ['--user', '1000680000:0', '--read-only', '--tmpfs', '/tmp']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`v${k6Version}`);
  });
});
