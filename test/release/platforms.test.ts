// Each platform of the pushed release, pulled back from the registry by its digest and run as a
// user runs it: the end-to-end core on linux/amd64 natively and on linux/arm64 under QEMU
// (3-5 s per `docker run` here, so each case is one the platform could really get wrong: the
// Node runtime and C++ libraries the image carries for that platform, the k6 it hands over to,
// file ownership and modes written by that platform's binaries, signals through the emulator).
// The mock cloud listens on 127.0.0.1; containers use the host network (docs/containers.md).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeContainer, outcomeOf, runOnce, startRunning } from '../e2e/support/containers.ts';
import { type E2eCloud, makeToken, masked } from '../e2e/support/cloud.ts';
import { IMAGE_UID, cloudOf, jsonOf, savedLogin, show, tokenLeaks, viewFile } from '../e2e/support/observe.ts';
import { Resources } from '../e2e/support/resources.ts';
import { useCloudAndScripts } from '../e2e/support/lifecycle.ts';
import { K6_TRAP_INSTALLED, dockerStop, removeDir, secretVolumeDir, standinScript } from '../e2e/kubernetes/support.ts';
import { IMAGE, PLATFORMS, REPOSITORY, VERSION, imagesByPlatform, index } from './support/release.ts';

const TOKEN = makeToken('release');
const STACK = 'release-stack';
const STACK_ID = 7301;
const PROJECT_ID = 91;
const HOST_UID = 1000;
const SUMMARY = '█ TOTAL RESULTS';
const HARD_STOP = 'Aborting k6 in response to signal';

let cloud: E2eCloud;
let scripts: string;
const res = new Resources();

useCloudAndScripts(
  { tokens: [TOKEN], stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: PROJECT_ID } } },
  res,
  (c, s) => {
    cloud = c;
    scripts = s;
  },
  {
    'test.js': 'export default function () {}\n',
    // Never ends by itself during a test; a 2 s teardown after the first signal.
    'long.js': standinScript('duration=120s', 'teardown=2s'),
  },
);

const scriptMount = () => ({ source: scripts, target: '/scripts', mode: 'ro' as const });
const loginArgs = ['cloud', 'login', '--token', TOKEN, '--stack', STACK];
/** k6 2.x's cloud run: the v6 API with the saved token and stack. */
const cloudRunCalls = () => cloud.requestsTo('POST /cloud/v6/validate_options').map((r) => [r.authorization, r.stackId, r.status]);
const EXPECTED_RUN_CALL = [`Bearer ${TOKEN}`, String(STACK_ID), 200];

describe.each(PLATFORMS)('%s, pulled back by digest', (platform) => {
  let image = '';

  beforeAll(async () => {
    const digest = imagesByPlatform((await index(REPOSITORY, VERSION)).index).get(platform)?.digest;
    if (!digest) throw new Error(`${IMAGE}:${VERSION} has no ${platform} image`);
    image = `${IMAGE}@${digest}`;
    const pull = await execa('docker', ['pull', '-q', '--platform', platform, image], { reject: false });
    expect(pull.exitCode, pull.stderr).toBe(0);
    const inspected = await execa('docker', ['image', 'inspect', '-f', '{{.Os}}/{{.Architecture}}', image]);
    expect(inspected.stdout.trim()).toBe(platform);
  });

  afterAll(async () => {
    if (image) await execa('docker', ['image', 'rm', image], { reject: false });
  });

  it('a login on a named volume is used by cloud run in a fresh container, and k6-persist status shows it', async () => {
    const volume = await res.volume('k6p-release');
    const mounts = [{ source: volume, target: '/config' }];
    const login = await runOnce({ image, command: loginArgs, env: cloud.env, mounts });
    expect(login.exitCode, show(login)).toBe(0);
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);
    expect(await savedLogin(volume)).toMatchObject({ cloud: { token: TOKEN, stackID: STACK_ID, defaultProjectID: PROJECT_ID }, uid: IMAGE_UID, mode: '600' });
    cloud.clear();

    const run = await runOnce({ image, command: ['cloud', 'run', '/scripts/test.js'], env: cloud.env, mounts: [...mounts, scriptMount()] });
    expect(run.exitCode, show(run)).toBe(0);
    expect(cloudRunCalls()).toEqual([EXPECTED_RUN_CALL]);

    const status = await runOnce({ image, entrypoint: ['k6-persist'], command: ['status'], env: cloud.env, mounts });
    expect(status.exitCode, show(status)).toBe(0);
    expect(status.stdout).toContain('/config/config.json');
    expect(status.stdout).toContain(masked(TOKEN));
    // What `k6 version` printed when the image was built: that platform's k6 (an amd64 k6 in the
    // arm64 image would have run natively and said linux/amd64).
    expect(status.stdout).toContain(`k6 v${VERSION} (commit/standin, go1.24.6, ${platform})`);
    expect(tokenLeaks(status, [TOKEN])).toEqual([]);
  });

  // Made by that platform's Node at build time (emulated for arm64), and still the bundle's after the push and pull.
  it('starts the wrapper from the V8 code cache it was built with, as another uid too', async () => {
    const run = await runOnce({ image, command: ['version'], env: { K6_PERSIST_DEBUG: '1' }, user: '4242:4242' });
    expect(run.exitCode, show(run)).toBe(0);
    expect(run.stderr.split('\n')[0]).toBe('k6-persist: debug: code cache: used');
    expect(run.stdout).toContain(`k6 v${VERSION} (commit/standin, go1.24.6, ${platform})`);
  });

  it("a host directory with --user: the login file is the user's, 0600, the directory's mode kept", async () => {
    const dir = res.dir(HOST_UID, HOST_UID, 0o755);
    const login = await runOnce({ image, command: loginArgs, env: cloud.env, mounts: [{ source: dir, target: '/config' }], user: `${HOST_UID}:${HOST_UID}` });
    expect(login.exitCode, show(login)).toBe(0);
    const file = viewFile(join(dir, 'config.json'));
    expect(cloudOf(jsonOf(file))).toMatchObject({ token: TOKEN, stackID: STACK_ID });
    expect([file?.stat.uid, file?.stat.gid, file?.mode.toString(8)]).toEqual([HOST_UID, HOST_UID, '600']);
    expect((statSync(dir).mode & 0o7777).toString(8)).toBe('755');
  });

  it('a read-only Secret-style mount is read in place by cloud run', async () => {
    const config = { collectors: { cloud: { token: TOKEN, stackID: STACK_ID, stackURL: `https://${STACK}.grafana.net`, defaultProjectID: PROJECT_ID } } };
    const dir = secretVolumeDir({ 'config.json': `${JSON.stringify(config, null, 2)}\n` });
    try {
      const mounts = [{ source: dir, target: '/config', mode: 'ro' as const }, scriptMount()];
      const run = await runOnce({ image, command: ['cloud', 'run', '/scripts/test.js'], env: cloud.env, mounts });
      expect(run.exitCode, show(run)).toBe(0);
      expect(cloudRunCalls()).toEqual([EXPECTED_RUN_CALL]);
    } finally {
      removeDir(dir);
    }
  });

  it('docker stop reaches k6 once: it ends its run gracefully (summary, exit 105), no hard stop', async () => {
    const started = await startRunning({ image, command: ['run', '-v', '/scripts/long.js'], mounts: [scriptMount()] }, K6_TRAP_INSTALLED, 120_000);
    const id = started.getId();
    try {
      await dockerStop(id, 30);
      const result = await outcomeOf(id);
      expect(result.exitCode, result.stderr).toBe(105);
      expect(result.stdout.split(SUMMARY)).toHaveLength(2);
      expect(result.stderr.split(`level=error msg="test run was aborted because k6 received a 'terminated' signal"`)).toHaveLength(2);
      expect(result.stderr).not.toContain(HARD_STOP);
    } finally {
      await removeContainer(id);
    }
  });
});
