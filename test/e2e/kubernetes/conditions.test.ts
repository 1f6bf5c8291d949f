// Kubernetes conditions reproduced with docker run flags (docs/containers.md, "Kubernetes conditions without a cluster"):
// readOnlyRootFilesystem (--read-only + a tmpfs /tmp), OpenShift's random uid with gid 0, an
// arbitrary numeric user, a Secret volume (read-only, ..data symlinks), and a PVC shared by Jobs
// running as different users (a named volume). The mock cloud on 127.0.0.1 shows which token k6
// actually used.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type E2eCloud, makeToken, startCloud } from '../support/cloud.ts';
import { type ContainerSpec, type Mount, imageFor, runOnce } from '../support/containers.ts';
import { createVolume, hostDir, removeHostDir, removeVolume } from '../support/volumes.ts';
import { removeDir, scriptsDir, secretVolumeDir, standinScript, treeSnapshot } from './support.ts';

const IMAGE = imageFor('2.2.0');
const OPENSHIFT_USER = '1000680000:0';
const STACK = { slug: 'my-stack', stackId: 4711, defaultProjectId: 815 };
const TOKEN_A = makeToken('first');
const TOKEN_B = makeToken('second');

let cloud: E2eCloud;
let scripts: string;
const volumes: string[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  cloud = await startCloud({ tokens: [TOKEN_A, TOKEN_B], stacks: { [STACK.slug]: { stackId: STACK.stackId, defaultProjectId: STACK.defaultProjectId } } });
  scripts = scriptsDir({ 'test.js': standinScript('duration=200ms') });
});

afterAll(async () => {
  await cloud?.close();
  if (scripts) removeDir(scripts);
  for (const volume of volumes) await removeVolume(volume).catch(() => undefined);
  for (const dir of dirs) removeDir(dir);
});

async function newVolume(): Promise<string> {
  const name = await createVolume('k6p-k8s');
  volumes.push(name);
  return name;
}

const scriptsMount = (): Mount => ({ source: scripts, target: '/scripts', mode: 'ro' });
const configMount = (source: string, mode: 'rw' | 'ro' = 'rw'): Mount => ({ source, target: '/config', mode });

/** kubelet puts the API server's address in every container of a Pod; the wrapper's advice then speaks Kubernetes. */
const POD_ENV = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '443' };

function k6(args: string[], spec: Partial<ContainerSpec> = {}) {
  return runOnce({ image: IMAGE, command: args, ...spec, env: { ...POD_ENV, ...cloud.env, ...spec.env } });
}

const login = (token: string) => ['cloud', 'login', '--token', token, '--stack', STACK.slug];
const cloudRun = ['cloud', 'run', '/scripts/test.js'];

/** The token k6 sent with `cloud run` (v2: POST /cloud/v6/validate_options, Bearer). */
function tokensSeenByCloudRun(): Array<string | undefined> {
  return cloud.requestsTo('POST /cloud/v6/validate_options').map((r) => r.authorization?.replace(/^Bearer /, ''));
}

/** The persistent file as the image's user sees it (uid 12345 made it 0600). */
async function configOnVolume(volume: string, user = '12345:12345'): Promise<{ exitCode: number; text: string; listing: string }> {
  const result = await runOnce({
    image: IMAGE,
    entrypoint: ['sh', '-c', 'ls -ln /config | tail -n +2; echo ---; cat /config/config.json'],
    user,
    mounts: [configMount(volume, 'ro')],
  });
  const [listing = '', text = ''] = result.stdout.split('---\n');
  return { exitCode: result.exitCode, text, listing };
}

describe('readOnlyRootFilesystem (--read-only, emptyDir /tmp)', () => {
  const readOnly = { readOnlyRoot: true, tmpfs: { '/tmp': 'rw,size=16m' } };

  test('a login into the mounted volume works and a later run uses it', async () => {
    const volume = await newVolume();
    cloud.clear();
    const loggedIn = await k6(login(TOKEN_A), { ...readOnly, mounts: [configMount(volume)] });
    expect(loggedIn.exitCode, loggedIn.stderr).toBe(0);
    expect(loggedIn.stderr).toMatch(/k6-persist: k6 Cloud login saved to \/config\/config\.json, on the named volume/);
    const ran = await k6(cloudRun, { ...readOnly, mounts: [configMount(volume, 'ro'), scriptsMount()] });
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(tokensSeenByCloudRun()).toEqual([TOKEN_A]);
  });

  test('a plain run needs no writable place at all', async () => {
    const ran = await k6(['run', '/scripts/test.js'], { readOnlyRoot: true, mounts: [scriptsMount()] });
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('█ TOTAL RESULTS');
  });

  test('with no writable /tmp or /dev/shm at all, the login stages on the volume itself and leaves nothing behind', async () => {
    const volume = await newVolume();
    cloud.clear();
    const loggedIn = await k6(login(TOKEN_A), {
      readOnlyRoot: true,
      // Docker (like kubelet) gives every container a writable /dev/shm; take it away too.
      tmpfs: { '/dev/shm': 'ro' },
      env: { K6_PERSIST_DEBUG: '1' },
      mounts: [configMount(volume)],
    });
    expect(loggedIn.exitCode, loggedIn.stderr).toBe(0);
    expect(loggedIn.stderr).toMatch(/login staging copy: \/config\/\.k6-persist-login-/);
    const after = await configOnVolume(volume);
    // config.json alone: the staging folder is gone.
    expect(after.listing.trim().split('\n')).toEqual([expect.stringMatching(/^-rw------- +1 12345 +12345 .* config\.json$/)]);
    expect(JSON.parse(after.text)).toMatchObject({ collectors: { cloud: { token: TOKEN_A } } });
  });
});

describe('OpenShift: a random uid with gid 0 and no passwd entry', () => {
  test('k6 runs with HOME=/ (the wrapper gives it a private HOME)', async () => {
    const ran = await k6(['run', '/scripts/test.js'], { user: OPENSHIFT_USER, env: { K6_PERSIST_DEBUG: '1' }, mounts: [scriptsMount()] });
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(ran.stderr).toContain('HOME "/" is not a writable directory: k6 gets a private one');
    expect(ran.stdout).toContain('█ TOTAL RESULTS');
  });

  test('a login into a new volume works (the image makes /config group-0 writable) and runs of that uid use it', async () => {
    const volume = await newVolume();
    cloud.clear();
    const loggedIn = await k6(login(TOKEN_B), { user: OPENSHIFT_USER, readOnlyRoot: true, tmpfs: { '/tmp': 'rw,size=16m' }, mounts: [configMount(volume)] });
    expect(loggedIn.exitCode, loggedIn.stderr).toBe(0);
    const ran = await k6(cloudRun, { user: OPENSHIFT_USER, mounts: [configMount(volume, 'ro'), scriptsMount()] });
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(tokensSeenByCloudRun()).toEqual([TOKEN_B]);
    // Saved by that uid, private to it (k6 2.1+ saves 0600 too).
    const saved = await configOnVolume(volume, OPENSHIFT_USER);
    expect(saved.listing).toMatch(/^-rw------- +1 1000680000 +0 /m);
  });
});

describe('a numeric non-root user without a passwd entry (--user 4242:4242)', () => {
  test('logs in into a host folder it owns and runs with that login', async () => {
    const dir = hostDir(4242, 4242, 0o700);
    dirs.push(dir);
    cloud.clear();
    const loggedIn = await k6(login(TOKEN_A), { user: '4242:4242', mounts: [configMount(dir)] });
    expect(loggedIn.exitCode, loggedIn.stderr).toBe(0);
    expect(loggedIn.stderr).toMatch(/saved to \/config\/config\.json, on a bind mount at \/config/);
    const ran = await k6(cloudRun, { user: '4242:4242', mounts: [configMount(dir), scriptsMount()] });
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(tokensSeenByCloudRun()).toEqual([TOKEN_A]);
  });
});

describe('a Secret volume holding config.json (read-only, ..data symlinks)', () => {
  let secret: string;
  beforeAll(() => {
    secret = secretVolumeDir({
      'config.json': `${JSON.stringify({ collectors: { cloud: { token: TOKEN_A, stackID: STACK.stackId, defaultProjectID: STACK.defaultProjectId } } }, null, 2)}\n`,
    });
    dirs.push(secret);
  });

  test('`cloud run` uses its token and stack', async () => {
    cloud.clear();
    const ran = await k6(cloudRun, { mounts: [configMount(secret, 'ro'), scriptsMount()] });
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(tokensSeenByCloudRun()).toEqual([TOKEN_A]);
    expect(cloud.requestsTo('POST /cloud/v6/validate_options')[0]?.stackId).toBe(String(STACK.stackId));
  });

  test('a login against it is refused before k6 runs, says why and what to do, and changes nothing', async () => {
    const before = treeSnapshot(secret);
    cloud.clear();
    const loggedIn = await k6(login(TOKEN_B), { mounts: [configMount(secret, 'ro')] });
    expect(loggedIn.exitCode).toBe(255);
    expect(loggedIn.stderr).toMatch(/k6-persist: error: cannot save the k6 Cloud login: \/config\/config\.json, on a bind mount at \/config is read-only\. Nothing was changed\./);
    expect(loggedIn.stderr).toContain('A Kubernetes Secret is always read-only');
    expect(loggedIn.stderr).toContain('K6_CLOUD_TOKEN');
    expect(cloud.requests()).toEqual([]);
    expect(treeSnapshot(secret)).toEqual(before);
  });

  test('the token alone, as a Secret file named by K6_CLOUD_TOKEN_FILE, works too', async () => {
    const tokenSecret = secretVolumeDir({ token: `${TOKEN_B}\n` });
    dirs.push(tokenSecret);
    cloud.clear();
    const ran = await k6(cloudRun, {
      env: { K6_CLOUD_TOKEN_FILE: '/var/run/secrets/k6-cloud/token', K6_CLOUD_STACK_ID: String(STACK.stackId), K6_CLOUD_PROJECT_ID: String(STACK.defaultProjectId) },
      mounts: [{ source: tokenSecret, target: '/var/run/secrets/k6-cloud', mode: 'ro' }, scriptsMount()],
    });
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(tokensSeenByCloudRun()).toEqual([TOKEN_B]);
  });
});

describe('a PVC shared by a login Job and run Jobs of different users', () => {
  let volume: string;
  beforeAll(async () => {
    volume = await newVolume();
  });

  test('the login Job (uid 12345) saves the login; a run Job of the same uid uses it', async () => {
    cloud.clear();
    const loggedIn = await k6(login(TOKEN_A), { mounts: [configMount(volume)] });
    expect(loggedIn.exitCode, loggedIn.stderr).toBe(0);
    const ran = await k6(cloudRun, { user: '12345:12345', mounts: [configMount(volume, 'ro'), scriptsMount()] });
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(tokensSeenByCloudRun()).toEqual([TOKEN_A]);
  });

  // The saved file is 0600 and owned by uid 12345 (as k6 2.1+ saves it), so another uid cannot
  // read it: the wrapper stops before k6 starts, with k6's code for an invalid config.
  test('a run Job as 1000680000:0 cannot read it: exit 104 naming the file, nothing sent, nothing changed', async () => {
    cloud.clear();
    const ran = await k6(cloudRun, { user: OPENSHIFT_USER, mounts: [configMount(volume, 'ro'), scriptsMount()] });
    expect(ran.exitCode).toBe(104);
    // The fix names the uid that owns the file, for both ways out.
    expect(ran.stderr).toMatch(/k6-persist: error: the k6 config file \/config\/config\.json belongs to uid 12345 and only that user may read it/);
    expect(ran.stderr).toContain('this container runs as uid 1000680000');
    expect(ran.stderr).toContain('runAsUser: 12345');
    expect(ran.stderr).toContain('delete the file and log in again as uid 1000680000');
    expect(ran.stderr).toContain('k6 was not started and nothing was changed');
    expect(cloud.requests()).toEqual([]);
  });

  test('a re-login as 1000680000:0 is refused the same way and leaves the first login in place', async () => {
    const before = await configOnVolume(volume);
    cloud.clear();
    const relogin = await k6(login(TOKEN_B), { user: OPENSHIFT_USER, readOnlyRoot: true, tmpfs: { '/tmp': 'rw,size=16m' }, mounts: [configMount(volume)] });
    expect(relogin.exitCode).toBe(104);
    expect(relogin.stderr).toMatch(/belongs to uid 12345 and only that user may read it/);
    expect(cloud.requests()).toEqual([]);
    const after = await configOnVolume(volume);
    expect(after).toEqual(before);
    expect(JSON.parse(after.text)).toMatchObject({ collectors: { cloud: { token: TOKEN_A, stackID: STACK.stackId } } });
  });
});
