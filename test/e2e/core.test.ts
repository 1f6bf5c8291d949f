// The end-to-end core, on every k6 version under test (K6_PERSIST_E2E_VERSIONS: 1.8.1, 2.0.0,
// 2.1.0 and 2.2.0 by default). The versions differ where it hurts a wrapper (docs/k6-behaviour.md):
// 2.1 chmods the file and its directory to 0600/0700, 2.x needs a stack, 1.x has no banner and
// prints the token. Each case is what a user would do and what they would observe: the file on
// the volume or host directory, the exit code, and what reached the (mock) k6 Cloud.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { K6_VERSIONS, type K6Version, imageFor, runOnce } from './support/containers.ts';
import { type E2eCloud, makeToken } from './support/cloud.ts';
import { IMAGE_UID, cloudOf, jsonOf, show, tokenLeaks, viewFile, volumeDir } from './support/observe.ts';
import { Resources } from './support/resources.ts';
import { useCloudAndScripts } from './support/lifecycle.ts';
import { removeDir, secretVolumeDir, treeSnapshot } from './kubernetes/support.ts';

const TOKEN = makeToken('core');
const ENV_TOKEN = makeToken('coreenv');
const STACK = 'core-stack';
const STACK_ID = 6101;
const PROJECT_ID = 81;
const HOST_UID = 1000;

let cloud: E2eCloud;
let scripts: string;
const res = new Resources();

useCloudAndScripts(
  { tokens: [TOKEN, ENV_TOKEN], stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: PROJECT_ID } } },
  res,
  (c, s) => {
    cloud = c;
    scripts = s;
  },
);

const major = (version: K6Version) => Number.parseInt(version.split('.')[0] ?? '0', 10);
/** k6 1.x prints the saved token in full after a login (real k6 does; documented). */
const leakOptions = (version: K6Version) => ({ k6PrintsToken: major(version) < 2 });
const scriptMount = () => ({ source: scripts, target: '/scripts', mode: 'ro' as const });

/** `cloud login --token T --stack S`: the form every version from 1.6 on accepts (2.x needs the stack). */
const loginArgs = ['cloud', 'login', '--token', TOKEN, '--stack', STACK];

/** The credential the first cloud call of `cloud run` carried: v2 uses the v6 API with Bearer, v1 the v1 API with Token. */
function cloudRunCall(version: K6Version) {
  const [path, scheme] = major(version) >= 2 ? ['POST /cloud/v6/validate_options', 'Bearer'] : ['POST /v1/validate-options', 'Token'];
  return { calls: cloud.requestsTo(path), authorization: `${scheme} ${TOKEN}` };
}

describe.each(K6_VERSIONS)('k6 %s', (version) => {
  it('a login on a named volume is used by cloud run in a fresh container', async () => {
    const volume = await res.volume();
    const mounts = [{ source: volume, target: '/config' }];
    const login = await runOnce({ image: imageFor(version), command: loginArgs, env: cloud.env, mounts });
    expect(login.exitCode, show(login)).toBe(0);
    expect(tokenLeaks(login, [TOKEN], leakOptions(version))).toEqual([]);

    const file = viewFile(join(await volumeDir(volume), 'config.json'));
    expect(cloudOf(jsonOf(file))).toMatchObject({ token: TOKEN, stackID: STACK_ID, defaultProjectID: PROJECT_ID });
    expect(file?.mode.toString(8)).toBe('600');
    expect(file?.stat.uid).toBe(IMAGE_UID);
    cloud.clear();

    const run = await runOnce({ image: imageFor(version), command: ['cloud', 'run', '/scripts/test.js'], env: cloud.env, mounts: [...mounts, scriptMount()] });
    expect(run.exitCode, show(run)).toBe(0);
    const { calls, authorization } = cloudRunCall(version);
    expect(calls.map((r) => [r.authorization, r.stackId, r.status])).toEqual([[authorization, String(STACK_ID), 200]]);
  });

  it('a host directory bind-mounted with --user: the login file is the user\'s, 0600, and their next run uses it', async () => {
    const dir = res.dir(HOST_UID, HOST_UID, 0o755);
    const user = `${HOST_UID}:${HOST_UID}`;
    const mounts = [{ source: dir, target: '/config' }];
    const login = await runOnce({ image: imageFor(version), command: loginArgs, env: cloud.env, mounts, user });
    expect(login.exitCode, show(login)).toBe(0);

    const file = viewFile(join(dir, 'config.json'));
    expect(cloudOf(jsonOf(file))).toMatchObject({ token: TOKEN, stackID: STACK_ID });
    expect([file?.stat.uid, file?.stat.gid, file?.mode.toString(8)]).toEqual([HOST_UID, HOST_UID, '600']);
    // k6 2.1+ would chmod the directory to 0700; the wrapper's staged login leaves the user's directory as it was.
    expect((statSync(dir).mode & 0o7777).toString(8)).toBe('755');
    cloud.clear();

    const run = await runOnce({ image: imageFor(version), command: ['cloud', 'run', '/scripts/test.js'], env: cloud.env, mounts: [...mounts, scriptMount()], user });
    expect(run.exitCode, show(run)).toBe(0);
    expect(cloudRunCall(version).calls.map((r) => r.authorization)).toEqual([cloudRunCall(version).authorization]);
  });

  it('a read-only Secret-style mount is read in place by cloud run, and a login there is refused without touching it', async () => {
    const config = { collectors: { cloud: { token: TOKEN, stackID: STACK_ID, stackURL: `https://${STACK}.grafana.net`, defaultProjectID: PROJECT_ID } } };
    const dir = secretVolumeDir({ 'config.json': `${JSON.stringify(config, null, 2)}\n` });
    try {
      const before = treeSnapshot(dir);
      const mounts = [{ source: dir, target: '/config', mode: 'ro' as const }];
      const run = await runOnce({ image: imageFor(version), command: ['cloud', 'run', '/scripts/test.js'], env: cloud.env, mounts: [...mounts, scriptMount()] });
      expect(run.exitCode, show(run)).toBe(0);
      expect(cloudRunCall(version).calls.map((r) => r.authorization)).toEqual([cloudRunCall(version).authorization]);

      const login = await runOnce({ image: imageFor(version), command: loginArgs, env: cloud.env, mounts });
      expect(login.exitCode, show(login)).toBe(255);
      expect(login.stderr).toMatch(/k6-persist: .*read-only/s);
      expect(treeSnapshot(dir)).toEqual(before);
    } finally {
      removeDir(dir);
    }
  });

  it('run -o cloud with only K6_CLOUD_TOKEN and K6_CLOUD_STACK_ID in the environment (no volume) reaches the cloud', async () => {
    const env = { ...cloud.env, K6_CLOUD_TOKEN: ENV_TOKEN, K6_CLOUD_STACK_ID: String(STACK_ID) };
    const run = await runOnce({ image: imageFor(version), command: ['run', '-o', 'cloud', '/scripts/test.js'], env, mounts: [scriptMount()] });
    expect(run.exitCode, show(run)).toBe(0);
    // Real k6 sends no X-Stack-Id from the cloud output (docs/k6-behaviour.md, audit D1).
    expect(cloud.requestsTo('POST /v1/tests').map((r) => [r.authorization, r.stackId, r.status])).toEqual([[`Token ${ENV_TOKEN}`, undefined, 200]]);
    expect(tokenLeaks(run, [ENV_TOKEN])).toEqual([]);
  });
});
