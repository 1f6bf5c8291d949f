// The -with-browser release, each platform pulled back by its digest and run: on a base whose
// Chromium brought a C++ runtime of its own (the stand-in of test/with-browser-standin/, marked),
// the image keeps that runtime, its Node for that platform runs with it, and a login on a volume
// serves a cloud run in a fresh container. Its index, tags, attestations and labels are checked
// with the plain flavour's (index.test.ts); on linux/amd64 the same base is also built and tested
// apart (test/image/with-browser.test.ts). arm64 runs under QEMU: few runs.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../e2e/support/containers.ts';
import { type E2eCloud, makeToken } from '../e2e/support/cloud.ts';
import { IMAGE_UID, savedLogin, show, tokenLeaks } from '../e2e/support/observe.ts';
import { Resources } from '../e2e/support/resources.ts';
import { useCloudAndScripts } from '../e2e/support/lifecycle.ts';
import { IMAGE, PLATFORMS, REPOSITORY, VERSION, imagesByPlatform, index } from './support/release.ts';

const TAG = `${VERSION}-with-browser`;
const MARKER = 'k6-persist with-browser stand-in';
const TOKEN = makeToken('rlwbq');
const STACK = 'release-flavour';
const STACK_ID = 7303;
const PROJECT_ID = 93;

let cloud: E2eCloud;
let scripts: string;
const res = new Resources();
useCloudAndScripts({ tokens: [TOKEN], stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: PROJECT_ID } } }, res, (c, s) => {
  cloud = c;
  scripts = s;
});

describe.each(PLATFORMS)(`${IMAGE}:${TAG}, %s, pulled back by digest`, (platform) => {
  let image = '';

  beforeAll(async () => {
    const digest = imagesByPlatform((await index(REPOSITORY, TAG)).index).get(platform)?.digest;
    if (!digest) throw new Error(`${IMAGE}:${TAG} has no ${platform} image`);
    image = `${IMAGE}@${digest}`;
    const pull = await execa('docker', ['pull', '-q', '--platform', platform, image], { reject: false });
    expect(pull.exitCode, pull.stderr).toBe(0);
  });

  afterAll(async () => {
    if (image) await execa('docker', ['image', 'rm', image], { reject: false });
  });

  it("keeps the base's C++ runtime, and its Node for this platform runs with it", async () => {
    const script = `tail -c 100 /usr/lib/libstdc++.so.6.0.30; /usr/libexec/k6-persist/node -p '"node " + process.platform + "/" + process.arch'`;
    const r = await execa('docker', ['run', '--rm', '--network', 'none', '--platform', platform, '--entrypoint', 'sh', image, '-c', script], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(MARKER);
    expect(r.stdout).toContain(`node linux/${platform.endsWith('amd64') ? 'x64' : 'arm64'}`);
  });

  it('a login on a named volume is used by cloud run in a fresh container', async () => {
    const volume = await res.volume('k6p-release-browser');
    const mounts = [{ source: volume, target: '/config' }];
    const login = await runOnce({ image, command: ['cloud', 'login', '--token', TOKEN, '--stack', STACK], env: cloud.env, mounts });
    expect(login.exitCode, show(login)).toBe(0);
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);
    expect(await savedLogin(volume)).toMatchObject({ cloud: { token: TOKEN, stackID: STACK_ID, defaultProjectID: PROJECT_ID }, uid: IMAGE_UID, mode: '600' });
    cloud.clear();

    const run = await runOnce({ image, command: ['cloud', 'run', '/scripts/test.js'], env: cloud.env, mounts: [...mounts, { source: scripts, target: '/scripts', mode: 'ro' }] });
    expect(run.exitCode, show(run)).toBe(0);
    expect(cloud.requestsTo('POST /cloud/v6/validate_options').map((r) => [r.authorization, r.stackId, r.status])).toEqual([[`Bearer ${TOKEN}`, String(STACK_ID), 200]]);
  });
});
