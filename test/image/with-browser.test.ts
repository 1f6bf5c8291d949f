// The -with-browser flavour (issue 13: tags `<k6 version>-with-browser`). grafana/k6's
// `-with-browser` image adds Chromium, its settings and the C++ runtime Chromium's packages bring
// (k6-source-audit.md B5). The Dockerfile brings Node's C++ runtime to /usr/lib only where the
// base has none, so that such a base keeps the copy its own packages were built against: the one
// branch of the Dockerfile the plain images never take.
//
// The base is the stand-in of test/with-browser-standin/ (its C++ runtime marked, so a copy that
// replaced it would show), built here for the machine's platform; the project's Dockerfile is
// built on it with only the base names switched, then run as a user runs it. The release round
// trip pushes and pulls back both platforms of the same (test/release/with-browser.test.ts).
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeToken } from '../e2e/support/cloud.ts';
import type { E2eCloud } from '../e2e/support/cloud.ts';
import { runOnce } from '../e2e/support/containers.ts';
import { useCloudAndScripts } from '../e2e/support/lifecycle.ts';
import { IMAGE_UID, savedLogin, show, tokenLeaks } from '../e2e/support/observe.ts';
import { Resources } from '../e2e/support/resources.ts';
import { caSecret } from './support.ts';

const REPO = resolve(import.meta.dirname, '../..');
const STANDIN_K6 = 'k6-persist-standin/k6:2.2.0';
const STANDIN_NODE = 'k6-persist-standin/node:24';
const suffix = randomBytes(4).toString('hex');
const BASE = `k6p-with-browser-base-test:2.2.0-with-browser-${suffix}`;
const IMAGE = `k6p-with-browser-test:${suffix}`;
const MARKER = 'k6-persist with-browser stand-in';
const BROWSER_ENV = ['CHROME_BIN=/usr/bin/chromium-browser', 'CHROME_PATH=/usr/lib/chromium/', 'K6_BROWSER_HEADLESS=true', 'K6_BROWSER_ARGS=no-sandbox'];
const CXX_RUNTIME = ['/usr/lib/libstdc++.so.6.0.30', '/usr/lib/libgcc_s.so.1'];

const TOKEN = makeToken('imwbq');
const STACK = 'flavour-stack';
const STACK_ID = 7302;
const PROJECT_ID = 92;

const docker = (args: string[]) => execa('docker', args, { reject: false, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });

/** What `docker image inspect` says of the settings a base hands down. */
async function settingsOf(ref: string): Promise<{ env: string[]; user: string; entrypoint: string[]; workdir: string }> {
  const r = await docker(['image', 'inspect', '-f', '{{json .Config}}', ref]);
  expect(r.exitCode, r.stderr).toBe(0);
  const c = JSON.parse(r.stdout) as { Env: string[] | null; User: string; Entrypoint: string[] | null; WorkingDir: string };
  return { env: c.Env ?? [], user: c.User, entrypoint: c.Entrypoint ?? [], workdir: c.WorkingDir };
}

/** sha256 of files inside an image (as root: the test reads, the image's own user need not). */
async function sums(ref: string, files: readonly string[]): Promise<string[]> {
  const r = await docker(['run', '--rm', '--network', 'none', '--user', '0', '--entrypoint', 'sha256sum', ref, ...files]);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0]!);
}

let cloud: E2eCloud;
let scripts: string;
const res = new Resources();
useCloudAndScripts({ tokens: [TOKEN], stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: PROJECT_ID } } }, res, (c, s) => {
  cloud = c;
  scripts = s;
});

beforeAll(async () => {
  const have = await docker(['image', 'inspect', STANDIN_K6, STANDIN_NODE]);
  if (have.exitCode !== 0) throw new Error(`${STANDIN_K6} or ${STANDIN_NODE} is missing: run bash scripts/build-images.sh first`);
  const builtBase = await docker([
    'buildx', 'build', '--network', 'host', '--load',
    '--build-arg', `K6_STANDIN=${STANDIN_K6}`, '--build-arg', `NODE_STANDIN=${STANDIN_NODE}`,
    '-t', BASE, join(REPO, 'test/with-browser-standin'),
  ]);
  expect(builtBase.exitCode, builtBase.stderr.slice(-3000)).toBe(0);
  const built = await docker([
    'buildx', 'build', '--network', 'host', '--load', ...caSecret(),
    '--build-arg', `K6_IMAGE=${BASE}`, '--build-arg', `NODE_IMAGE=${STANDIN_NODE}`,
    '-t', IMAGE, REPO,
  ]);
  expect(built.exitCode, built.stderr.slice(-3000)).toBe(0);
}, 900_000);

afterAll(async () => {
  await docker(['image', 'rm', '-f', IMAGE, BASE]);
});

describe('the image built on a -with-browser base', () => {
  it("keeps the base's C++ runtime, which Node then runs with", async () => {
    const [base, image] = await Promise.all([sums(BASE, CXX_RUNTIME), sums(IMAGE, CXX_RUNTIME)]);
    expect(image).toEqual(base);
    const marked = await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', IMAGE, '-c', `tail -c 100 ${CXX_RUNTIME[0]}`]);
    expect(marked.stdout).toContain(MARKER);
    const node = await docker(['run', '--rm', '--network', 'none', '--entrypoint', '/usr/libexec/k6-persist/node', IMAGE, '-p', 'process.versions.node']);
    expect(node.exitCode, node.stderr).toBe(0);
    expect(node.stdout.trim()).toMatch(/^24\./);
  });

  it("keeps the browser's settings, the user, the entrypoint and the working directory of the base", async () => {
    const [base, image] = await Promise.all([settingsOf(BASE), settingsOf(IMAGE)]);
    expect(image.env).toEqual(expect.arrayContaining(BROWSER_ENV));
    expect(base.env).toEqual(expect.arrayContaining(BROWSER_ENV));
    expect({ user: image.user, entrypoint: image.entrypoint, workdir: image.workdir }).toEqual({ user: base.user, entrypoint: base.entrypoint, workdir: base.workdir });
    const chromium = await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', IMAGE, '-c', '"$CHROME_BIN"']);
    expect(chromium.stdout).toContain(MARKER);
  });

  it('a login on a named volume is used by cloud run in a fresh container', async () => {
    const volume = await res.volume('k6p-with-browser');
    const mounts = [{ source: volume, target: '/config' }];
    const login = await runOnce({ image: IMAGE, command: ['cloud', 'login', '--token', TOKEN, '--stack', STACK], env: cloud.env, mounts });
    expect(login.exitCode, show(login)).toBe(0);
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);
    expect(await savedLogin(volume)).toMatchObject({ cloud: { token: TOKEN, stackID: STACK_ID, defaultProjectID: PROJECT_ID }, uid: IMAGE_UID, mode: '600' });
    cloud.clear();

    const run = await runOnce({ image: IMAGE, command: ['cloud', 'run', '/scripts/test.js'], env: cloud.env, mounts: [...mounts, { source: scripts, target: '/scripts', mode: 'ro' }] });
    expect(run.exitCode, show(run)).toBe(0);
    expect(cloud.requestsTo('POST /cloud/v6/validate_options').map((r) => [r.authorization, r.stackId, r.status])).toEqual([[`Bearer ${TOKEN}`, String(STACK_ID), 200]]);
  });
});
