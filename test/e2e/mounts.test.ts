// Where the login can live besides a named volume at /config: a host directory owned by the
// user (with and without --user), a single config.json file, k6's own default directory, and a
// file the user names with -c / K6_CONFIG. Each case is checked from the host side.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ContainerSpec, imageFor, runOnce } from './support/containers.ts';
import { type E2eCloud, makeToken } from './support/cloud.ts';
import {
  IMAGE_UID,
  cloudOf,
  hostFile,
  jsonOf,
  listDir,
  show,
  tokenLeaks,
  viewFile,
  volumeDir,
  wrapperLines,
} from './support/observe.ts';
import { Resources } from './support/resources.ts';
import { useCloudAndScripts } from './support/lifecycle.ts';

const TOKEN = makeToken('mounts');
const STACK = 'e2e-mounts';
const STACK_ID = 5303;
const PROJECT_ID = 73;
const HOST_UID = 4242;
const IMAGE = imageFor('2.2.0');
const LOGIN = ['cloud', 'login', '--token', TOKEN, '--stack', STACK];

let cloud: E2eCloud;
let scripts: string;
const res = new Resources();

useCloudAndScripts({ tokens: [TOKEN], stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: PROJECT_ID } } }, res, (c, s) => {
  cloud = c;
  scripts = s;
});

const scriptMount = () => ({ source: scripts, target: '/scripts', mode: 'ro' as const });

function container(spec: Omit<ContainerSpec, 'image'>) {
  return runOnce({ image: IMAGE, ...spec, env: { ...cloud.env, ...spec.env } });
}

/** A later `cloud run` in a fresh container must reach the cloud with the stored token and stack. */
async function expectCloudRunUsesLogin(spec: Omit<ContainerSpec, 'image' | 'command'>) {
  cloud.clear();
  const outcome = await container({ ...spec, command: ['cloud', 'run', '/scripts/test.js'], mounts: [...(spec.mounts ?? []), scriptMount()] });
  expect(outcome.exitCode, show(outcome)).toBe(0);
  expect(cloud.requestsTo('POST /cloud/v6/validate_options').map((r) => [r.authorization, r.stackId])).toEqual([
    [`Bearer ${TOKEN}`, String(STACK_ID)],
  ]);
}

describe('a host directory owned by another uid (4242, mode 0755)', () => {
  it('with --user 4242:4242 the login works and the host user keeps owning the file', async () => {
    const dir = res.dir(HOST_UID, HOST_UID, 0o755);
    const spec = { user: `${HOST_UID}:${HOST_UID}`, mounts: [{ source: dir, target: '/config' }] };
    const login = await container({ ...spec, command: LOGIN });
    expect(login.exitCode, show(login)).toBe(0);
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);

    const file = viewFile(join(dir, 'config.json'));
    expect(cloudOf(jsonOf(file))).toMatchObject({ token: TOKEN, stackID: STACK_ID });
    expect([file?.stat.uid, file?.stat.gid, file?.mode.toString(8)]).toEqual([HOST_UID, HOST_UID, '600']);

    await expectCloudRunUsesLogin(spec);
  });

  it('without --user the login fails with the fix in the message, and nothing is written', async () => {
    const dir = res.dir(HOST_UID, HOST_UID, 0o755);
    const login = await container({ command: LOGIN, mounts: [{ source: dir, target: '/config' }] });
    expect(login.exitCode, show(login)).toBe(255);
    const lines = wrapperLines(login.stderr).join('\n');
    expect(lines).toContain('--user "$(id -u):$(id -g)"');
    expect(lines).toContain('/config');
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);
    expect(listDir(dir)).toEqual([]);
    // Refused before k6 ran: the token never went anywhere.
    expect(cloud.requests()).toEqual([]);
  });
});

describe('other places for the config', () => {
  it('a single config.json bind-mounted as a file at /config/config.json is updated in place', async () => {
    const dir = res.dir(0, 0, 0o755);
    const path = hostFile(join(dir, 'config.json'), '{}\n', IMAGE_UID, IMAGE_UID, 0o600);
    const inode = viewFile(path)?.stat.ino;
    const spec = { mounts: [{ source: path, target: '/config/config.json' }] };

    const login = await container({ ...spec, command: LOGIN });
    expect(login.exitCode, show(login)).toBe(0);
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);
    const file = viewFile(path);
    expect(cloudOf(jsonOf(file))).toMatchObject({ token: TOKEN, stackID: STACK_ID });
    // The host's file itself, not a replacement the bind mount would not show.
    expect(file?.stat.ino).toBe(inode);

    await expectCloudRunUsesLogin(spec);
  });

  it("k6's default directory /home/k6/.config/k6 mounted instead of /config", async () => {
    const volume = await res.volume();
    const spec = { mounts: [{ source: volume, target: '/home/k6/.config/k6' }] };
    const login = await container({ ...spec, command: LOGIN });
    expect(login.exitCode, show(login)).toBe(0);
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);
    const file = viewFile(join(await volumeDir(volume), 'config.json'));
    expect(cloudOf(jsonOf(file))).toMatchObject({ token: TOKEN, stackID: STACK_ID });
    expect(file?.mode.toString(8)).toBe('600');

    await expectCloudRunUsesLogin(spec);
  });

  it('an explicit -c /data/k6.json on a mounted /data: created by the login, used by --config=', async () => {
    const dir = res.dir(IMAGE_UID, IMAGE_UID, 0o755);
    const mounts = [{ source: dir, target: '/data' }];
    const login = await container({ mounts, command: ['cloud', 'login', '-c', '/data/k6.json', '--token', TOKEN, '--stack', STACK] });
    expect(login.exitCode, show(login)).toBe(0);
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);
    // Exactly the file the user named; nothing next to it.
    expect(listDir(dir)).toEqual(['k6.json']);
    expect(cloudOf(jsonOf(viewFile(join(dir, 'k6.json'))))).toMatchObject({ token: TOKEN, stackID: STACK_ID });

    cloud.clear();
    const outcome = await container({ mounts: [...mounts, scriptMount()], command: ['run', '--config=/data/k6.json', '-o', 'cloud', '/scripts/test.js'] });
    expect(outcome.exitCode, show(outcome)).toBe(0);
    expect(cloud.requestsTo('POST /v1/tests').map((r) => [r.authorization, r.stackId])).toEqual([[`Token ${TOKEN}`, String(STACK_ID)]]);
  });

  it('K6_CONFIG=/data/k6.json: a run creates the missing file ({} 0600), a login fills it', async () => {
    const dir = res.dir(IMAGE_UID, IMAGE_UID, 0o755);
    const spec = { mounts: [{ source: dir, target: '/data' }], env: { K6_CONFIG: '/data/k6.json' } };

    // k6 itself refuses a K6_CONFIG file that does not exist; the wrapper creates it first.
    const first = await container({ ...spec, mounts: [...spec.mounts, scriptMount()], command: ['run', '/scripts/test.js'] });
    expect(first.exitCode, show(first)).toBe(0);
    const created = viewFile(join(dir, 'k6.json'));
    expect(jsonOf(created)).toEqual({});
    expect(created?.mode.toString(8)).toBe('600');

    const login = await container({ ...spec, command: LOGIN });
    expect(login.exitCode, show(login)).toBe(0);
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);
    expect(listDir(dir)).toEqual(['k6.json']);
    expect(cloudOf(jsonOf(viewFile(join(dir, 'k6.json'))))).toMatchObject({ token: TOKEN, stackID: STACK_ID });

    await expectCloudRunUsesLogin(spec);
  });
});
