// Logging in from a secret instead of argv, rotating a token while keeping the saved stack, and
// the stack kept alone in a ConfigMap for a token from the environment (issue 11, items 1, 2, 5).
//
// A login without --token takes the token of K6_CLOUD_TOKEN_FILE (or a non-empty
// K6_CLOUD_TOKEN) and hands it to k6's login as --token of that one child: what is checked here
// is everything a user or another process can see from outside (docker inspect, both output
// streams with the debug trace on, every file on the volume, the container's /tmp after the
// login) and what reached the mock cloud. The mock knows only the tokens listed below: any
// other one gets 401.
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { K6_VERSIONS, type K6Version, type Mount, imageFor, noCloudFlags, runOnce } from './support/containers.ts';
import { type E2eCloud, makeToken, masked } from './support/cloud.ts';
import { IMAGE_UID, cloudOf, hostFile, jsonOf, show, tokenLeaks, viewFile, volumeDir, wrapperLines } from './support/observe.ts';
import { Resources } from './support/resources.ts';
import { useCloudAndScripts } from './support/lifecycle.ts';
import { secretVolumeDir, treeSnapshot } from './kubernetes/support.ts';

const FIRST = makeToken('first');
const ROTATED = makeToken('rotated');
const REFUSED = makeToken('refused'); // not known to the mock: 401
const STACK = 'cred-stack';
const STACK_ID = 6101;
const PROJECT_ID = 61;
const OTHER = 'cred-other';
const OTHER_ID = 6102;
const OTHER_PROJECT = 62;
const STACK_URL = `https://${STACK}.grafana.net`;
const ALL = [FIRST, ROTATED, REFUSED];

const V2 = K6_VERSIONS.filter((v) => !v.startsWith('1.'));
const V1 = K6_VERSIONS.filter((v) => v.startsWith('1.'));
/** describe.each over versions, which may be none when K6_PERSIST_E2E_VERSIONS names only others. */
const forVersions = (versions: readonly K6Version[]) => (versions.length > 0 ? describe.each(versions) : describe.skip.each(['(none selected)']));

let cloud: E2eCloud;
let scripts: string;
const res = new Resources();

useCloudAndScripts(
  {
    tokens: [FIRST, ROTATED],
    stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: PROJECT_ID }, [OTHER]: { stackId: OTHER_ID, defaultProjectId: OTHER_PROJECT } },
  },
  res,
  (c, s) => {
    cloud = c;
    scripts = s;
  },
);

/**
 * The README's recipe: the token in a file alone in a 0700 directory of its owner, the file
 * itself (0644, so the image's user can read it) mounted read-only at /run/secrets/k6-token.
 */
function tokenFileMount(token: string): Mount {
  const dir = res.dir(0, 0, 0o700);
  return { source: hostFile(join(dir, 'token'), `${token}\n`, 0, 0, 0o644), target: '/run/secrets/k6-token', mode: 'ro' };
}
const TOKEN_FILE_ENV = { K6_CLOUD_TOKEN_FILE: '/run/secrets/k6-token' };

interface Kept {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** What Docker keeps of the container: `docker inspect`'s Path, Args, Config.Cmd, Config.Entrypoint, Config.Env. */
  inspect: { Path: string; Args: string[]; Config: { Cmd: string[] | null; Entrypoint: string[] | null; Env: string[] } };
}

/** `docker run` without --rm, so the container can be inspected after it exited; then removed. */
async function runKept(options: { version: K6Version; args: string[]; env?: Record<string, string>; mounts?: Mount[]; entrypoint?: string }): Promise<Kept> {
  const name = `k6p-e2e-cred-${randomBytes(4).toString('hex')}`;
  const flags = [
    ...Object.entries({ ...cloud.env, ...options.env }).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    ...(options.mounts ?? []).flatMap((m) => ['-v', `${m.source}:${m.target}${m.mode === 'ro' ? ':ro' : ''}`]),
    ...(options.entrypoint ? ['--entrypoint', options.entrypoint] : []),
  ];
  const started = await execa('docker', ['run', '--name', name, '--network', 'host', ...noCloudFlags(), ...flags, imageFor(options.version), ...options.args], {
    reject: false,
    timeout: 120_000,
    stdin: 'ignore',
    stripFinalNewline: false,
  });
  try {
    const inspected = await execa('docker', ['inspect', name]);
    const [inspect] = JSON.parse(inspected.stdout) as [Kept['inspect']];
    return { exitCode: started.exitCode ?? -1, stdout: String(started.stdout), stderr: String(started.stderr), inspect };
  } finally {
    await execa('docker', ['rm', '--force', name], { reject: false });
  }
}

/** Every value Docker keeps about the container's command and environment. */
const keptValues = (kept: Kept) => [kept.inspect.Path, ...kept.inspect.Args, ...(kept.inspect.Config.Cmd ?? []), ...(kept.inspect.Config.Entrypoint ?? []), ...kept.inspect.Config.Env];

/** Every file on a volume (names relative to it) whose bytes hold the token, or a 6-character piece of its masked part. */
async function filesHolding(volume: string, token: string): Promise<string[]> {
  const root = await volumeDir(volume);
  const found: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = join(rel, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const text = readFileSync(join(root, path), 'latin1');
        const hidden = token.slice(4, -4);
        if (text.includes(token) || [...Array(hidden.length - 5).keys()].some((i) => text.includes(hidden.slice(i, i + 6)))) found.push(path);
      }
    }
  };
  walk('.');
  return found.sort();
}

const volumeFile = async (volume: string) => viewFile(join(await volumeDir(volume), 'config.json'));
const authCalls = () => cloud.requestsTo('GET /cloud/v6/auth').map((r) => [r.authorization, r.stackUrl, r.status]);

/** A volume that a `cloud login --token FIRST --stack STACK` of this version made. */
async function loggedIn(version: K6Version): Promise<string> {
  const volume = await res.volume();
  const login = await runOnce({ image: imageFor(version), command: ['cloud', 'login', '--token', FIRST, '--stack', STACK], env: cloud.env, mounts: [{ source: volume, target: '/config' }] });
  expect(login.exitCode, show(login)).toBe(0);
  cloud.clear();
  return volume;
}

/** A fresh container's `cloud run` with only the volume: the token and stack k6 sent. */
async function cloudRunWith(version: K6Version, volume: string): Promise<unknown[]> {
  cloud.clear();
  const run = await runOnce({
    image: imageFor(version),
    command: ['cloud', 'run', '/scripts/test.js'],
    env: cloud.env,
    mounts: [{ source: volume, target: '/config' }, { source: scripts, target: '/scripts', mode: 'ro' }],
  });
  expect(run.exitCode, show(run)).toBe(0);
  return cloud.requestsTo('POST /cloud/v6/validate_options').map((r) => [r.authorization, r.stackId, r.status]);
}

forVersions(V2)('k6 %s: a login from a secret', (version) => {
  it('`cloud login --stack S` with K6_CLOUD_TOKEN_FILE: the token is in no argument, no variable, no output, no debug line, no file but the config; a fresh container runs with it', async () => {
    const volume = await res.volume();
    // The login through a shell that lists the container's /tmp afterwards: the private staging copy must be gone.
    const kept = await runKept({
      version,
      entrypoint: 'sh',
      args: ['-c', 'k6 "$@"; code=$?; echo "tmp: $(ls -A /tmp | tr "\\n" " ")" >&2; exit $code', 'sh', 'cloud', 'login', '--stack', STACK],
      env: { ...TOKEN_FILE_ENV, K6_PERSIST_DEBUG: '1' },
      mounts: [{ source: volume, target: '/config' }, tokenFileMount(FIRST)],
    });
    expect(kept.exitCode, show(kept)).toBe(0);
    expect(authCalls()).toEqual([[`Bearer ${FIRST}`, STACK_URL, 200]]);
    expect(keptValues(kept).filter((value) => value.includes(FIRST))).toEqual([]);
    expect(kept.inspect.Config.Env).toContain('K6_CLOUD_TOKEN_FILE=/run/secrets/k6-token');
    // Both streams, the debug trace among them.
    expect(kept.stderr).toContain('k6-persist: debug: login: no --token given');
    expect(tokenLeaks(kept, ALL)).toEqual([]);
    const tmp = /^tmp: (.*)$/m.exec(kept.stderr)?.[1];
    expect(tmp, 'the listing of /tmp').toBeDefined();
    expect(tmp).not.toContain('.k6-persist-login-');
    expect(wrapperLines(kept.stderr)).toContain(
      `k6-persist: k6 Cloud login saved to /config/config.json, on the named volume "${volume}": token ${masked(FIRST)} (from K6_CLOUD_TOKEN_FILE /run/secrets/k6-token), stack ${STACK_ID}.`,
    );
    expect(await filesHolding(volume, FIRST)).toEqual(['config.json']);
    const file = await volumeFile(volume);
    expect(cloudOf(jsonOf(file))).toMatchObject({ token: FIRST, stackID: STACK_ID, stackURL: STACK_URL, defaultProjectID: PROJECT_ID });
    expect([file?.mode, file?.stat.uid]).toEqual([0o600, IMAGE_UID]);

    expect(await cloudRunWith(version, volume)).toEqual([[`Bearer ${FIRST}`, String(STACK_ID), 200]]);
  });

  it('`cloud login` with K6_CLOUD_TOKEN and neither flag, on a volume holding a stack: that stack is used and kept, and the line says so', async () => {
    const volume = await loggedIn(version);
    const login = await runOnce({ image: imageFor(version), command: ['cloud', 'login'], env: { ...cloud.env, K6_CLOUD_TOKEN: ROTATED }, mounts: [{ source: volume, target: '/config' }] });
    expect(login.exitCode, show(login)).toBe(0);
    expect(authCalls()).toEqual([[`Bearer ${ROTATED}`, STACK_URL, 200]]);
    expect(wrapperLines(login.stderr)).toContain(
      `k6-persist: k6 Cloud login saved to /config/config.json, on the named volume "${volume}": token ${masked(ROTATED)} (from K6_CLOUD_TOKEN), stack ${STACK_ID} (the saved stack ${STACK_URL}, kept: no --stack was given).`,
    );
    expect(tokenLeaks(login, ALL)).toEqual([]);
    expect(cloudOf(jsonOf(await volumeFile(volume)))).toMatchObject({ token: ROTATED, stackID: STACK_ID, stackURL: STACK_URL, defaultProjectID: PROJECT_ID });
  });

  it('a token the cloud refuses (401) changes nothing: the file byte for byte, its mode and owner', async () => {
    const volume = await loggedIn(version);
    const before = await volumeFile(volume);
    const login = await runOnce({
      image: imageFor(version),
      command: ['cloud', 'login'],
      env: { ...cloud.env, ...TOKEN_FILE_ENV },
      mounts: [{ source: volume, target: '/config' }, tokenFileMount(REFUSED)],
    });
    expect(login.exitCode, show(login)).not.toBe(0);
    expect(authCalls()).toEqual([[`Bearer ${REFUSED}`, STACK_URL, 401]]);
    const after = await volumeFile(volume);
    expect([after?.text, after?.mode, after?.stat.uid, after?.stat.gid, after?.stat.ino]).toEqual([before?.text, before?.mode, before?.stat.uid, before?.stat.gid, before?.stat.ino]);
    expect(wrapperLines(login.stderr)).toContain(
      `k6-persist: k6 refused the login, which was given the token from K6_CLOUD_TOKEN_FILE /run/secrets/k6-token (no --token was given) and the stack saved in /config/config.json, ${STACK_URL} (no --stack was given). Nothing was changed. To log in to another stack, give it with --stack. Check that K6_CLOUD_TOKEN_FILE /run/secrets/k6-token holds a valid k6 Cloud API token.`,
    );
    expect(tokenLeaks(login, ALL)).toEqual([]);
  });

  it('no stack given or saved: the secret is not used, a warning says to add --stack, and nothing reaches the cloud', async () => {
    const volume = await res.volume();
    const login = await runOnce({
      image: imageFor(version),
      command: ['cloud', 'login'],
      env: { ...cloud.env, ...TOKEN_FILE_ENV },
      mounts: [{ source: volume, target: '/config' }, tokenFileMount(FIRST)],
    });
    expect(login.exitCode, show(login)).not.toBe(0);
    expect(wrapperLines(login.stderr).join('\n')).toContain('k6-persist: warning: K6_CLOUD_TOKEN_FILE /run/secrets/k6-token holds a token, but k6 2.x logs in only with a stack');
    expect(cloud.requests()).toEqual([]);
    expect(tokenLeaks(login, ALL)).toEqual([]);
    expect(await volumeFile(volume)).toBeUndefined();
  });
});

forVersions(V2)('k6 %s: rotating a token keeps the saved stack', (version) => {
  it('`cloud login --token NEW` without --stack: k6 is given the saved stack, the file keeps it, the line says so, a fresh run uses both', async () => {
    const volume = await loggedIn(version);
    const saved = cloudOf(jsonOf(await volumeFile(volume)));
    const login = await runOnce({ image: imageFor(version), command: ['cloud', 'login', '--token', ROTATED], env: cloud.env, mounts: [{ source: volume, target: '/config' }] });
    expect(login.exitCode, show(login)).toBe(0);
    // The validation named the stack the volume held, as this k6 had saved it.
    expect(authCalls()).toEqual([[`Bearer ${ROTATED}`, saved['stackURL'], 200]]);
    expect(cloudOf(jsonOf(await volumeFile(volume)))).toStrictEqual({ ...saved, token: ROTATED });
    expect(wrapperLines(login.stderr)).toEqual([
      `k6-persist: k6 Cloud login saved to /config/config.json, on the named volume "${volume}": token ${masked(ROTATED)}, stack ${STACK_ID} (the saved stack ${String(saved['stackURL'])}, kept: no --stack was given).`,
    ]);
    expect(await cloudRunWith(version, volume)).toEqual([[`Bearer ${ROTATED}`, String(STACK_ID), 200]]);
  });

  it('from the token file, with neither flag: the same', async () => {
    const volume = await loggedIn(version);
    const login = await runOnce({
      image: imageFor(version),
      command: ['cloud', 'login'],
      env: { ...cloud.env, ...TOKEN_FILE_ENV },
      mounts: [{ source: volume, target: '/config' }, tokenFileMount(ROTATED)],
    });
    expect(login.exitCode, show(login)).toBe(0);
    expect(authCalls()).toEqual([[`Bearer ${ROTATED}`, STACK_URL, 200]]);
    expect(cloudOf(jsonOf(await volumeFile(volume)))).toMatchObject({ token: ROTATED, stackID: STACK_ID, stackURL: STACK_URL });
  });

  it('an explicit, different --stack wins', async () => {
    const volume = await loggedIn(version);
    const login = await runOnce({ image: imageFor(version), command: ['cloud', 'login', '--token', ROTATED, '--stack', OTHER], env: cloud.env, mounts: [{ source: volume, target: '/config' }] });
    expect(login.exitCode, show(login)).toBe(0);
    expect(authCalls()).toEqual([[`Bearer ${ROTATED}`, `https://${OTHER}.grafana.net`, 200]]);
    expect(cloudOf(jsonOf(await volumeFile(volume)))).toMatchObject({ token: ROTATED, stackID: OTHER_ID, stackURL: `https://${OTHER}.grafana.net`, defaultProjectID: OTHER_PROJECT });
    expect(wrapperLines(login.stderr).join('\n')).not.toContain('kept');
  });
});

forVersions(V1)('k6 %s: a login from a secret', (version) => {
  it('`login cloud` with K6_CLOUD_TOKEN_FILE: saved (k6 1.x does not validate it), never printed although k6 1.x prints a saved token; a run uses it', async () => {
    const volume = await res.volume();
    const kept = await runKept({ version, args: ['login', 'cloud'], env: { ...TOKEN_FILE_ENV, K6_PERSIST_DEBUG: '1' }, mounts: [{ source: volume, target: '/config' }, tokenFileMount(FIRST)] });
    expect(kept.exitCode, show(kept)).toBe(0);
    expect(keptValues(kept).filter((value) => value.includes(FIRST))).toEqual([]);
    expect(tokenLeaks(kept, ALL)).toEqual([]);
    expect(kept.stdout).toContain('Logged in successfully');
    expect(await filesHolding(volume, FIRST)).toEqual(['config.json']);
    expect(cloudOf(jsonOf(await volumeFile(volume)))).toMatchObject({ token: FIRST });

    cloud.clear();
    const run = await runOnce({ image: imageFor(version), command: ['run', '-o', 'cloud', '/scripts/test.js'], env: cloud.env, mounts: [{ source: volume, target: '/config' }, { source: scripts, target: '/scripts', mode: 'ro' }] });
    expect(run.exitCode, show(run)).toBe(0);
    expect(cloud.requestsTo('POST /v1/tests').map((r) => [r.authorization, r.status])).toEqual([[`Token ${FIRST}`, 200]]);
  });

  it('`cloud login` with K6_CLOUD_TOKEN_FILE: validated by the cloud, saved, never printed', async () => {
    const volume = await res.volume();
    const kept = await runKept({ version, args: ['cloud', 'login'], env: TOKEN_FILE_ENV, mounts: [{ source: volume, target: '/config' }, tokenFileMount(FIRST)] });
    expect(kept.exitCode, show(kept)).toBe(0);
    expect(cloud.requestsTo('POST /v1/validate-token').map((r) => [r.authorization, r.status])).toEqual([[`Token ${FIRST}`, 200]]);
    expect(keptValues(kept).filter((value) => value.includes(FIRST))).toEqual([]);
    expect(tokenLeaks(kept, ALL)).toEqual([]);
    expect(cloudOf(jsonOf(await volumeFile(volume)))).toMatchObject({ token: FIRST });
  });

  it('`cloud login` with a token the cloud refuses: nothing changes, byte for byte', async () => {
    const volume = await loggedIn(version);
    const before = await volumeFile(volume);
    const login = await runOnce({ image: imageFor(version), command: ['cloud', 'login'], env: { ...cloud.env, ...TOKEN_FILE_ENV }, mounts: [{ source: volume, target: '/config' }, tokenFileMount(REFUSED)] });
    expect(login.exitCode, show(login)).not.toBe(0);
    expect(cloud.requestsTo('POST /v1/validate-token').map((r) => r.status)).toEqual([401]);
    const after = await volumeFile(volume);
    expect([after?.text, after?.mode, after?.stat.uid, after?.stat.ino]).toEqual([before?.text, before?.mode, before?.stat.uid, before?.stat.ino]);
    expect(tokenLeaks(login, ALL)).toEqual([]);
  });
});

/** A ConfigMap holding only the stack, as kubelet lays it out (`config.json -> ..data/config.json`), mounted read-only at /config. */
function stackConfigMap(): Mount {
  const dir = res.track(secretVolumeDir({ 'config.json': JSON.stringify({ collectors: { cloud: { stackID: STACK_ID, stackURL: STACK_URL } } }) }));
  return { source: dir, target: '/config', mode: 'ro' };
}

forVersions(V2)('k6 %s: the stack in a ConfigMap, the token from the environment (the k6-operator\'s case)', (version) => {
  const withScripts = (mounts: Mount[]) => [...mounts, { source: scripts, target: '/scripts', mode: 'ro' as const }];

  it('`cloud run` sends the environment\'s token with the ConfigMap\'s stack, and the project given as K6_CLOUD_PROJECT_ID; the ConfigMap is not touched', async () => {
    const configMap = stackConfigMap();
    const before = treeSnapshot(configMap.source);
    const run = await runOnce({
      image: imageFor(version),
      command: ['cloud', 'run', '/scripts/test.js'],
      env: { ...cloud.env, K6_CLOUD_TOKEN: FIRST, K6_CLOUD_PROJECT_ID: String(PROJECT_ID) },
      mounts: withScripts([configMap]),
    });
    expect(run.exitCode, show(run)).toBe(0);
    const calls = cloud.requestsTo('POST /cloud/v6/validate_options');
    expect(calls.map((r) => [r.authorization, r.stackId, r.status])).toEqual([[`Bearer ${FIRST}`, String(STACK_ID), 200]]);
    expect(calls[0]?.body).toMatchObject({ project_id: PROJECT_ID });
    expect(treeSnapshot(configMap.source)).toEqual(before);
  });

  it('without a project, k6 2.x `cloud run` stops: a default project comes only from a login', async () => {
    const run = await runOnce({ image: imageFor(version), command: ['cloud', 'run', '/scripts/test.js'], env: { ...cloud.env, K6_CLOUD_TOKEN: FIRST }, mounts: withScripts([stackConfigMap()]) });
    expect(run.exitCode, show(run)).not.toBe(0);
    expect(run.stderr).toContain('default stack configured but the default project ID is not available');
  });

  it('without the ConfigMap, the same `cloud run` has no stack and never reaches the validation', async () => {
    const run = await runOnce({ image: imageFor(version), command: ['cloud', 'run', '/scripts/test.js'], env: { ...cloud.env, K6_CLOUD_TOKEN: FIRST, K6_CLOUD_PROJECT_ID: String(PROJECT_ID) }, mounts: withScripts([]) });
    expect(run.exitCode, show(run)).not.toBe(0);
    expect(run.stderr).toContain('stack ID not configured');
    expect(cloud.requestsTo('POST /cloud/v6/validate_options')).toEqual([]);
  });

  it('`run -o cloud` sends the token and no stack, with the ConfigMap or without it (k6\'s cloud output never sends one)', async () => {
    for (const mounts of [[stackConfigMap()], []]) {
      cloud.clear();
      const run = await runOnce({ image: imageFor(version), command: ['run', '-o', 'cloud', '/scripts/test.js'], env: { ...cloud.env, K6_CLOUD_TOKEN: FIRST }, mounts: withScripts(mounts) });
      expect(run.exitCode, show(run)).toBe(0);
      expect(cloud.requestsTo('POST /v1/tests').map((r) => [r.authorization, r.stackId, r.status])).toEqual([[`Token ${FIRST}`, undefined, 200]]);
    }
  });
});
