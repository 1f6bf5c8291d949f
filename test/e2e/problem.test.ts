// The problem k6-persist exists for, reproduced on the PLAIN stand-in for grafana/k6 (no
// wrapper): if these stop failing, the stand-in no longer behaves like k6 and every other e2e
// test proves less. The last case runs the same recipe on the k6-persist image as the contrast.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageFor, plainImageFor, runOnce } from './support/containers.ts';
import { type E2eCloud, makeToken } from './support/cloud.ts';
import {
  cloudOf,
  hostFile,
  jsonOf,
  listDir,
  show,
  tokenLeaks,
  viewFile,
  volumeDir,
} from './support/observe.ts';
import { Resources } from './support/resources.ts';
import { useCloudAndScripts } from './support/lifecycle.ts';

const TOKEN = makeToken('problem');
const STACK = 'e2e-problem';
const STACK_ID = 5101;
const PROJECT_ID = 71;
const OTHER_UID = 4242;

let cloud: E2eCloud;
let scripts: string;
const res = new Resources();

useCloudAndScripts({ tokens: [TOKEN], stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: PROJECT_ID } } }, res, (c, s) => {
  cloud = c;
  scripts = s;
});

describe('plain grafana/k6 stand-in (no wrapper)', () => {
  it('loses the login between two containers', async () => {
    const login = await runOnce({
      image: plainImageFor('2.2.0'),
      command: ['cloud', 'login', '--token', TOKEN, '--stack', STACK],
      env: cloud.env,
    });
    // The login itself succeeds: the cloud accepted the token...
    expect(login.exitCode, show(login)).toBe(0);
    expect(login.stdout).toContain('Logged in successfully');
    expect(cloud.requestsTo('GET /cloud/v6/auth').map((r) => r.authorization)).toEqual([`Bearer ${TOKEN}`]);

    // ...but the file went away with the container, so the next one has no token.
    const run = await runOnce({
      image: plainImageFor('2.2.0'),
      command: ['cloud', 'run', '/scripts/test.js'],
      env: cloud.env,
      mounts: [{ source: scripts, target: '/scripts', mode: 'ro' }],
    });
    expect(run.exitCode, show(run)).toBe(255);
    expect(run.stderr).toContain('access token not configured');
    expect(cloud.requestsTo('POST /cloud/v6/validate_options')).toEqual([]);
  });

  it.each([
    ['2.2.0', ['cloud', 'login', '-c', '/config/config.json', '--token', TOKEN, '--stack', STACK]],
    ['1.8.1', ['login', 'cloud', '-c', '/config/config.json', '--token', TOKEN]],
  ] as const)('k6 %s: the documented -c recipe fails on a fresh volume (missing file)', async (version, command) => {
    const volume = await res.volume();
    const login = await runOnce({
      image: plainImageFor(version),
      command: [...command],
      env: cloud.env,
      mounts: [{ source: volume, target: '/config' }],
    });
    expect(login.exitCode, show(login)).toBe(255);
    expect(login.stderr).toContain('stat /config/config.json: no such file or directory');
    expect(listDir(await volumeDir(volume))).toEqual([]);
  });

  it('k6 2.2.0: the -c recipe fails with EPERM on a host directory it may write but does not own', async () => {
    // Owned by another uid, mode 0777: k6 (uid 12345) can write there, but its chmod needs ownership.
    const dir = res.dir(OTHER_UID, OTHER_UID, 0o777);
    const file = hostFile(join(dir, 'config.json'), '{}\n', OTHER_UID, OTHER_UID, 0o666);
    const login = await runOnce({
      image: plainImageFor('2.2.0'),
      command: ['cloud', 'login', '-c', '/config/config.json', '--token', TOKEN, '--stack', STACK],
      env: cloud.env,
      mounts: [{ source: dir, target: '/config' }],
    });
    expect(login.exitCode, show(login)).toBe(255);
    expect(login.stderr).toContain('chmod /config: operation not permitted');
    expect(viewFile(file)?.text).toBe('{}\n');
  });
});

describe('the same host directory with the k6-persist image', () => {
  it('k6 2.2.0: the login lands there and a second container uses it', async () => {
    const dir = res.dir(OTHER_UID, OTHER_UID, 0o777);
    const login = await runOnce({
      image: imageFor('2.2.0'),
      command: ['cloud', 'login', '--token', TOKEN, '--stack', STACK],
      env: cloud.env,
      mounts: [{ source: dir, target: '/config' }],
    });
    expect(login.exitCode, show(login)).toBe(0);
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);
    const cloudConfig = cloudOf(jsonOf(viewFile(join(dir, 'config.json'))));
    expect(cloudConfig).toMatchObject({ token: TOKEN, stackID: STACK_ID, defaultProjectID: PROJECT_ID });

    const run = await runOnce({
      image: imageFor('2.2.0'),
      command: ['cloud', 'run', '/scripts/test.js'],
      env: cloud.env,
      mounts: [
        { source: dir, target: '/config' },
        { source: scripts, target: '/scripts', mode: 'ro' },
      ],
    });
    expect(run.exitCode, show(run)).toBe(0);
    expect(cloud.requestsTo('POST /cloud/v6/validate_options').map((r) => [r.authorization, r.stackId])).toEqual([
      [`Bearer ${TOKEN}`, String(STACK_ID)],
    ]);
  });
});
