// Where the login can live besides a named volume at /config: a host directory owned by the
// user (with and without --user), a single config.json file, k6's own default directory, and a
// file the user names with -c / K6_CONFIG. Each case is checked from the host side.
import { chownSync, mkdirSync, statSync, symlinkSync } from 'node:fs';
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
  seedVolume,
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
    // The token comes from the file the login wrote; run -o cloud never sends the stack (audit D1).
    expect(cloud.requestsTo('POST /v1/tests').map((r) => [r.authorization, r.stackId, r.status])).toEqual([[`Token ${TOKEN}`, undefined, 200]]);
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

// Each refusal names a fix that works for this mount, and following it works.
describe('the fix each refusal names works for its mount', () => {
  it("README's host-directory recipe where ~/.k6 does not exist yet: Docker makes it root's, and the error says mkdir -p, not the --user already given", async () => {
    const parent = res.dir(0, 0, 0o755);
    const missing = join(parent, 'dot-k6');
    const spec = { user: `${HOST_UID}:${HOST_UID}`, mounts: [{ source: missing, target: '/config' }] };
    const refused = await container({ ...spec, command: LOGIN });
    expect(refused.exitCode, show(refused)).toBe(255);
    expect(statSync(missing).uid).toBe(0); // Docker created it, as root
    const said = wrapperLines(refused.stderr).join('\n');
    expect(said).toContain(`already runs as uid ${HOST_UID}`);
    expect(said).toContain('mkdir -p');
    expect(said).not.toContain('--user');
    expect(cloud.requests()).toEqual([]);

    // The fix: the directory made by its user first (as `mkdir -p` by uid 4242 would).
    const made = res.dir(HOST_UID, HOST_UID, 0o755);
    const login = await container({ ...spec, mounts: [{ source: made, target: '/config' }], command: LOGIN });
    expect(login.exitCode, show(login)).toBe(0);
    expect(viewFile(join(made, 'config.json'))?.stat.uid).toBe(HOST_UID);
  });

  it('--tmpfs /config (root:root 0770): told to mount the tmpfs for its uid or use a named volume; no host-directory advice; the fix works', async () => {
    const run = await container({ tmpfs: { '/config': 'rw' }, mounts: [scriptMount()], command: ['run', '/scripts/test.js'] });
    expect(run.exitCode, show(run)).toBe(104);
    const runSaid = wrapperLines(run.stderr).join('\n');
    expect(runSaid).toContain(`--tmpfs /config:uid=${IMAGE_UID},gid=${IMAGE_UID}`);
    expect(runSaid).not.toMatch(/host directory|--user/);

    // A login reads the file first: the same refusal, whose named volume also keeps the login.
    const login = await container({ tmpfs: { '/config': 'rw' }, command: LOGIN });
    expect(login.exitCode, show(login)).toBe(104);
    const loginSaid = wrapperLines(login.stderr).join('\n');
    expect(loginSaid).toContain('-v k6-config:/config');
    expect(loginSaid).toContain('which also keeps a login');
    expect(loginSaid).not.toMatch(/host directory|--user/);
    expect(cloud.requests()).toEqual([]);

    // The fix works: the tmpfs given to the image's user.
    const fixed = await container({ tmpfs: { '/config': `rw,uid=${IMAGE_UID},gid=${IMAGE_UID}` }, mounts: [scriptMount()], command: ['run', '/scripts/test.js'] });
    expect(fixed.exitCode, show(fixed)).toBe(0);
  });

  it('a read-only named volume: only the Docker fix, no word of Kubernetes Secrets', async () => {
    const volume = await res.volume();
    await seedVolume(volume, 'config.json', '{}\n');
    const login = await container({ mounts: [{ source: volume, target: '/config', mode: 'ro' }], command: LOGIN });
    expect(login.exitCode, show(login)).toBe(255);
    const said = wrapperLines(login.stderr).join('\n');
    expect(said).toContain('drop `:ro`');
    expect(said).not.toMatch(/Kubernetes|Secret|readOnly: true/);
  });

  it('a named volume mounted away from /config (root-owned, from the image): mount it at /config, and that works', async () => {
    const volume = await res.volume();
    const data = (command: string[]) => container({ mounts: [{ source: volume, target: '/data' }], command });
    const refused = await data(['cloud', 'login', '-c', '/data/config.json', '--token', TOKEN, '--stack', STACK]);
    expect(refused.exitCode, show(refused)).toBe(255);
    const said = wrapperLines(refused.stderr).join('\n');
    expect(said).toContain("only /config belongs to the image's user: mount the volume at /config instead (and drop -c/--config)");
    expect(said).not.toMatch(/host directory|--user/);

    const fresh = await res.volume();
    const login = await container({ mounts: [{ source: fresh, target: '/config' }], command: LOGIN });
    expect(login.exitCode, show(login)).toBe(0);
  });

  it('a fresh /config named volume used with --user 4242:4242: the image\'s own user or its group 0 named, and --user 4242:0 works', async () => {
    const volume = await res.volume();
    // /config is 12345:0 0770: uid 4242 may not even look inside, so the file cannot be read (104).
    const refused = await container({ user: `${HOST_UID}:${HOST_UID}`, mounts: [{ source: volume, target: '/config' }], command: LOGIN });
    expect(refused.exitCode, show(refused)).toBe(104);
    const said = wrapperLines(refused.stderr).join('\n');
    expect(said).toContain(`The volume belongs to uid ${IMAGE_UID} (group 0, mode 0770)`);
    expect(said).toContain("the image's own user, so drop `--user`");
    expect(said).toContain(`\`--user ${HOST_UID}:0\``);
    expect(said).not.toMatch(/host directory|fresh/);

    const withGroup = await container({ user: `${HOST_UID}:0`, mounts: [{ source: volume, target: '/config' }], command: LOGIN });
    expect(withGroup.exitCode, show(withGroup)).toBe(0);
  });

  it('a named volume another uid (4242) owns: that uid named, not a host directory; running as it works', async () => {
    const volume = await res.volume();
    // Docker fills a new volume from the image once, on its first mount; after that it is the owner's.
    await seedVolume(volume, 'notes.txt', 'kept\n', 0o644);
    chownSync(await volumeDir(volume), HOST_UID, HOST_UID);
    const refused = await container({ mounts: [{ source: volume, target: '/config' }], command: LOGIN });
    expect(refused.exitCode, show(refused)).toBe(255);
    const said = wrapperLines(refused.stderr).join('\n');
    expect(said).toContain(`The volume belongs to uid ${HOST_UID}`);
    expect(said).toContain(`--user ${HOST_UID}:${HOST_UID}`);
    expect(said).toContain('fresh named volume');
    expect(said).not.toContain('host directory');

    const asOwner = await container({ user: `${HOST_UID}:${HOST_UID}`, mounts: [{ source: volume, target: '/config' }], command: LOGIN });
    expect(asOwner.exitCode, show(asOwner)).toBe(0);
  });

  it('a single config.json the host user owns with mode 0666: the login lands, and a warning says the token is readable by others, with the chmod', async () => {
    const dir = res.dir(0, 0, 0o755);
    const path = hostFile(join(dir, 'config.json'), '{}\n', HOST_UID, HOST_UID, 0o666);
    const login = await container({ mounts: [{ source: path, target: '/config/config.json' }], command: LOGIN });
    expect(login.exitCode, show(login)).toBe(0);
    const file = viewFile(path);
    expect(cloudOf(jsonOf(file))).toMatchObject({ token: TOKEN });
    expect([file?.stat.uid, file?.mode.toString(8)]).toEqual([HOST_UID, '666']);
    const said = wrapperLines(login.stderr).join('\n');
    expect(said).toMatch(/warning: the k6 Cloud token is now in \/config\/config\.json, whose mode 0666 lets other users read it; it belongs to uid 4242/);
    expect(said).toContain('`chmod 600`');
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);
  });

  it('the same file owned by the image user: made 0600 by the login, and no warning', async () => {
    const dir = res.dir(0, 0, 0o755);
    const path = hostFile(join(dir, 'config.json'), '{}\n', IMAGE_UID, IMAGE_UID, 0o666);
    const login = await container({ mounts: [{ source: path, target: '/config/config.json' }], command: LOGIN });
    expect(login.exitCode, show(login)).toBe(0);
    expect(viewFile(path)?.mode.toString(8)).toBe('600');
    expect(wrapperLines(login.stderr).join('\n')).not.toContain('warning');
  });

  it('a Secret mounted without fsGroup (files root:root 0440): the group to add, never "delete the file"; with it, the run works', async () => {
    // Laid out as kubelet writes a Secret volume: config.json -> ..data/config.json.
    const dir = res.dir(0, 0, 0o755);
    const payload = join(dir, '..2026_01_01_00_00_00.1');
    mkdirSync(payload, { mode: 0o755 });
    hostFile(join(payload, 'config.json'), `${JSON.stringify({ collectors: { cloud: { token: TOKEN, stackID: STACK_ID, defaultProjectID: PROJECT_ID } } })}\n`, 0, 0, 0o440);
    symlinkSync('..2026_01_01_00_00_00.1', join(dir, '..data'));
    symlinkSync('..data/config.json', join(dir, 'config.json'));
    const mounts = [{ source: dir, target: '/config', mode: 'ro' as const }, scriptMount()];

    const inDocker = await container({ mounts, command: ['cloud', 'run', '/scripts/test.js'] });
    expect(inDocker.exitCode, show(inDocker)).toBe(104);
    const dockerSaid = wrapperLines(inDocker.stderr).join('\n');
    expect(dockerSaid).toContain('`docker run --group-add 0 ...`');
    expect(dockerSaid).not.toMatch(/delete|log in again/);

    const inPod = await container({ mounts, env: { KUBERNETES_SERVICE_HOST: '127.0.0.1' }, command: ['cloud', 'run', '/scripts/test.js'] });
    expect(inPod.exitCode, show(inPod)).toBe(104);
    const podSaid = wrapperLines(inPod.stderr).join('\n');
    expect(podSaid).toContain("securityContext.fsGroup` (kubelet then gives the Secret's files that group)");
    expect(podSaid).toContain('`runAsGroup: 0`');
    expect(podSaid).not.toMatch(/delete|log in again|docker run/);

    cloud.clear();
    const withGroup = await container({ mounts, user: `${IMAGE_UID}:0`, command: ['cloud', 'run', '/scripts/test.js'] });
    expect(withGroup.exitCode, show(withGroup)).toBe(0);
    expect(cloud.requestsTo('POST /cloud/v6/validate_options').map((r) => r.authorization)).toEqual([`Bearer ${TOKEN}`]);
  });
});
