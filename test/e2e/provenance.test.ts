// Where the credentials come from, in the image: `k6-persist status --json` gives each value's
// source (env, token-file, config, none), whether the environment shadows the saved one, and the
// token's fingerprint (the first 12 hex digits of its SHA-256, computed here from the secret).
// Cloud commands get one `k6-persist:` notice on stderr when the environment shadows the saved
// login or token and stack come from different places, and on 2.x a hint when a command that
// needs a stack has none; never with -q, never on stdout (byte for byte plain k6's), and k6's exit
// code stays k6's.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { K6_VERSIONS, type K6Version, type Mount, imageFor, plainImageFor, runOnce } from './support/containers.ts';
import { type E2eCloud, makeToken, masked } from './support/cloud.ts';
import { hostFile, seedVolume, show, tokenLeaks, wrapperLines } from './support/observe.ts';
import { Resources } from './support/resources.ts';
import { useCloudAndScripts } from './support/lifecycle.ts';

const SAVED = makeToken('saved');
const FROM_ENV = makeToken('provenv');
const SECRET = makeToken('secret');
const ALL = [SAVED, FROM_ENV, SECRET];
const STACK = 'prov-stack';
const STACK_ID = 6701;
const PROJECT_ID = 83;
const STACK_URL = `https://${STACK}.grafana.net`;

let cloud: E2eCloud;
let scripts: string;
const res = new Resources();

useCloudAndScripts({ tokens: ALL, stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: PROJECT_ID } } }, res, (c, s) => {
  cloud = c;
  scripts = s;
});

const sha12 = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 12);
const major = (version: K6Version) => Number.parseInt(version.split('.')[0] ?? '0', 10);
const LOGIN = { token: SAVED, stackID: STACK_ID, stackURL: STACK_URL, defaultProjectID: PROJECT_ID };

async function volumeWith(cloudSection: Record<string, unknown>): Promise<string> {
  const volume = await res.volume();
  await seedVolume(volume, 'config.json', `${JSON.stringify({ collectors: { cloud: cloudSection } }, null, 2)}\n`);
  return volume;
}

function secretMount(token: string): Mount {
  const dir = res.dir(0, 0, 0o755);
  hostFile(join(dir, 'k6-token'), `${token}\n`, 0, 0, 0o644);
  return { source: dir, target: '/run/secrets', mode: 'ro' };
}

async function statusJson(version: K6Version, volume: string | undefined, env: Record<string, string>, mounts: Mount[] = []) {
  const outcome = await runOnce({
    image: imageFor(version),
    entrypoint: ['k6-persist'],
    command: ['status', '--json'],
    env: { ...cloud.env, ...env },
    mounts: [...(volume ? [{ source: volume, target: '/config' }] : []), ...mounts],
  });
  expect(outcome.exitCode, show(outcome)).toBe(0);
  expect(tokenLeaks(outcome, ALL), show(outcome)).toEqual([]);
  return JSON.parse(outcome.stdout).credentials as Record<string, Record<string, unknown>>;
}

describe.each(K6_VERSIONS)('k6 %s: status --json', (version) => {
  it('file only: every value from the config, the fingerprint that of the saved token', async () => {
    const credentials = await statusJson(version, await volumeWith(LOGIN), {});
    expect(credentials['token']).toEqual({ value: masked(SAVED), source: 'config', shadowed: false, fingerprint: sha12(SAVED) });
    expect(credentials['stackID']).toEqual({ value: STACK_ID, source: 'config', shadowed: false });
    expect(credentials['stackURL']).toEqual({ value: STACK_URL, source: 'config', shadowed: false });
    expect(credentials['projectID']).toEqual({ value: PROJECT_ID, source: 'config', shadowed: false });
  });

  it('file + K6_CLOUD_TOKEN: the env token, shadowing the saved one (both fingerprinted); an empty variable is ignored', async () => {
    const volume = await volumeWith(LOGIN);
    const credentials = await statusJson(version, volume, { K6_CLOUD_TOKEN: FROM_ENV, K6_CLOUD_STACK_ID: String(STACK_ID + 1) });
    expect(credentials['token']).toEqual({
      value: masked(FROM_ENV),
      source: 'env',
      from: 'K6_CLOUD_TOKEN',
      shadowed: true,
      saved: masked(SAVED),
      fingerprint: sha12(FROM_ENV),
      savedFingerprint: sha12(SAVED),
    });
    expect(credentials['stackID']).toMatchObject({ value: STACK_ID + 1, source: 'env', shadowed: true, saved: STACK_ID });
    const empty = await statusJson(version, volume, { K6_CLOUD_TOKEN: '', K6_CLOUD_STACK_ID: '' });
    expect(empty['token']).toMatchObject({ source: 'config', shadowed: false, fingerprint: sha12(SAVED) });
    expect(empty['stackID']).toMatchObject({ source: 'config', shadowed: false });
  });

  it('file + K6_CLOUD_TOKEN_FILE: the secret\'s token, shadowing the saved one; K6_CLOUD_STACK_URL ignored under the file\'s', async () => {
    const credentials = await statusJson(
      version,
      await volumeWith(LOGIN),
      { K6_CLOUD_TOKEN_FILE: '/run/secrets/k6-token', K6_CLOUD_STACK_URL: 'https://elsewhere.grafana.net' },
      [secretMount(SECRET)],
    );
    expect(credentials['token']).toMatchObject({ value: masked(SECRET), source: 'token-file', from: '/run/secrets/k6-token', shadowed: true, fingerprint: sha12(SECRET) });
    expect(credentials['stackURL']).toEqual({ value: STACK_URL, source: 'config', shadowed: false, ignored: 'K6_CLOUD_STACK_URL' });
  });

  it('env only: token, stack URL and project from the environment, nothing shadowed', async () => {
    const credentials = await statusJson(version, await res.volume(), {
      K6_CLOUD_TOKEN: FROM_ENV,
      K6_CLOUD_STACK_URL: STACK_URL,
      K6_CLOUD_PROJECT_ID: String(PROJECT_ID),
    });
    expect(credentials['token']).toEqual({ value: masked(FROM_ENV), source: 'env', from: 'K6_CLOUD_TOKEN', shadowed: false, fingerprint: sha12(FROM_ENV) });
    expect(credentials['stackURL']).toMatchObject({ value: STACK_URL, source: 'env', shadowed: false });
    expect(credentials['projectID']).toMatchObject({ value: PROJECT_ID, source: 'env', shadowed: false });
    expect(credentials['stackID']).toEqual({ value: null, source: 'none', shadowed: false });
  });

  it('nothing: every source none, no fingerprint', async () => {
    const credentials = await statusJson(version, undefined, {});
    for (const key of ['token', 'stackID', 'stackURL', 'projectID']) expect(credentials[key]).toMatchObject({ value: null, source: 'none', shadowed: false });
    expect(credentials['token']!['fingerprint']).toBeNull();
  });
});

/**
 * Two runs of one test differ only in numbers: the run id the mock hands out, and a local run's
 * measured durations and rates. Every other byte must be plain k6's.
 */
const sameRun = (stdout: string) => stdout.replace(/\/[^\s"()]*\/config\.json/g, '<config>').replace(/\d+(\.\d+)?/g, '0');

interface Case {
  volume?: string;
  env?: Record<string, string>;
  command: string[];
}

/** The same command through the wrapper (volume at /config) and through plain k6 (the file by -c). */
async function wrappedAndPlain(version: K6Version, c: Case) {
  const mounts: Mount[] = [{ source: scripts, target: '/scripts', mode: 'ro' }];
  const volumeMount = c.volume ? [{ source: c.volume, target: '/config' }] : [];
  const env = { ...cloud.env, ...c.env };
  const wrapped = await runOnce({ image: imageFor(version), command: c.command, env, mounts: [...mounts, ...volumeMount] });
  const plainCommand = c.volume ? [...c.command.slice(0, -1), '-c', '/config/config.json', ...c.command.slice(-1)] : c.command;
  const plain = await runOnce({ image: plainImageFor(version), command: plainCommand, env, mounts: [...mounts, ...volumeMount] });
  expect(wrapped.exitCode, `${show(wrapped)}\n--- plain\n${show(plain)}`).toBe(plain.exitCode);
  expect(sameRun(wrapped.stdout)).toBe(sameRun(plain.stdout));
  expect(wrapped.stdout).not.toContain('k6-persist');
  expect(tokenLeaks(wrapped, ALL)).toEqual([]);
  return { wrapped, plain };
}

const noticeLines = (stderr: string) => wrapperLines(stderr).filter((line) => /^k6-persist: (notice|hint):/.test(line));

describe.each(K6_VERSIONS)('k6 %s: notices on cloud commands', (version) => {
  it('cloud run, K6_CLOUD_TOKEN over a saved login: one notice (shadowed, and the stack from the file); none with -q', async () => {
    const volume = await volumeWith(LOGIN);
    const { wrapped } = await wrappedAndPlain(version, { volume, env: { K6_CLOUD_TOKEN: FROM_ENV }, command: ['cloud', 'run', '/scripts/test.js'] });
    expect(wrapped.exitCode, show(wrapped)).toBe(0);
    const notices = noticeLines(wrapped.stderr);
    expect(notices, wrapped.stderr).toHaveLength(1);
    expect(notices[0]).toContain(`K6_CLOUD_TOKEN overrides the token saved in /config/config.json (k6 uses ${masked(FROM_ENV)}, not ${masked(SAVED)})`);
    expect(notices[0]).toContain(`the stack (id ${STACK_ID}) from /config/config.json`);
    const quiet = await wrappedAndPlain(version, { volume, env: { K6_CLOUD_TOKEN: FROM_ENV }, command: ['cloud', 'run', '-q', '/scripts/test.js'] });
    expect(noticeLines(quiet.wrapped.stderr), quiet.wrapped.stderr).toEqual([]);
  });

  it('run -o cloud, a token file over a saved login: one notice naming the file; the stack is not used there (D1)', async () => {
    const volume = await volumeWith(LOGIN);
    const dir = res.dir(0, 0, 0o755);
    hostFile(join(dir, 'k6-token'), `${SECRET}\n`, 0, 0, 0o644);
    const env = { ...cloud.env, K6_CLOUD_TOKEN_FILE: '/run/secrets/k6-token' };
    const mounts: Mount[] = [
      { source: scripts, target: '/scripts', mode: 'ro' },
      { source: volume, target: '/config' },
      { source: dir, target: '/run/secrets', mode: 'ro' },
    ];
    const wrapped = await runOnce({ image: imageFor(version), command: ['run', '--out', 'cloud', '/scripts/test.js'], env, mounts });
    expect(wrapped.exitCode, show(wrapped)).toBe(0);
    const notices = noticeLines(wrapped.stderr);
    expect(notices, wrapped.stderr).toHaveLength(1);
    expect(notices[0]).toMatch(/^k6-persist: notice: the token file \/run\/secrets\/k6-token overrides the token saved in \/config\/config\.json/);
    expect(notices[0]).not.toContain('stack');
    expect(wrapped.stdout).not.toContain('k6-persist');
    expect(cloud.requestsTo('POST /v1/tests').map((r) => r.authorization)).toEqual([`Token ${SECRET}`]);
    expect(tokenLeaks(wrapped, ALL)).toEqual([]);
  });

  it('no notice with the saved login alone, nor for a command that is no cloud command', async () => {
    const volume = await volumeWith(LOGIN);
    const { wrapped } = await wrappedAndPlain(version, { volume, command: ['cloud', 'run', '/scripts/test.js'] });
    expect(noticeLines(wrapped.stderr), wrapped.stderr).toEqual([]);
    const local = await runOnce({
      image: imageFor(version),
      command: ['run', '/scripts/test.js'],
      env: { ...cloud.env, K6_CLOUD_TOKEN: FROM_ENV },
      mounts: [{ source: scripts, target: '/scripts', mode: 'ro' }, { source: volume, target: '/config' }],
    });
    expect(local.exitCode, show(local)).toBe(0);
    expect(noticeLines(local.stderr), local.stderr).toEqual([]);
  });

  it(`cloud run with a token and no stack: ${'the 2.x hint once, naming the three ways; none on 1.x'}`, async () => {
    const { wrapped } = await wrappedAndPlain(version, { env: { K6_CLOUD_TOKEN: FROM_ENV }, command: ['cloud', 'run', '/scripts/test.js'] });
    const notices = noticeLines(wrapped.stderr);
    if (major(version) >= 2) {
      expect(notices, wrapped.stderr).toHaveLength(1);
      expect(notices[0]).toMatch(/^k6-persist: hint: k6 2\.x needs a stack for `k6 cloud run`/);
      for (const way of ['K6_CLOUD_STACK_ID', 'k6 cloud login --stack', '"stackID"', 'ConfigMap mounted at /config']) expect(notices[0]).toContain(way);
    } else {
      expect(notices, wrapped.stderr).toEqual([]);
    }
  });

  it('run -o cloud with a token and no stack: no hint (it needs no stack, D1)', async () => {
    const { wrapped } = await wrappedAndPlain(version, { env: { K6_CLOUD_TOKEN: FROM_ENV }, command: ['run', '-o', 'cloud', '/scripts/test.js'] });
    expect(wrapped.exitCode, show(wrapped)).toBe(0);
    expect(noticeLines(wrapped.stderr), wrapped.stderr).toEqual([]);
  });
});

describe('k6 2.2.0: the version comes from the file the image recorded', () => {
  it('an unparseable k6-version file gives no hint; the recorded one gives it', async () => {
    const script = (prepare: string) =>
      runOnce({
        image: imageFor('2.2.0'),
        user: '0:0',
        entrypoint: ['sh', '-c'],
        command: [`${prepare}k6 cloud run /scripts/test.js`],
        env: { ...cloud.env, K6_CLOUD_TOKEN: FROM_ENV },
        mounts: [{ source: scripts, target: '/scripts', mode: 'ro' }],
      });
    const recorded = await script('');
    expect(noticeLines(recorded.stderr), recorded.stderr).toEqual([expect.stringMatching(/^k6-persist: hint: k6 2\.x/)]);
    const garbled = await script('echo "not a version" > /usr/libexec/k6-persist/k6-version; ');
    const absent = await script('rm /usr/libexec/k6-persist/k6-version; ');
    for (const outcome of [garbled, absent]) {
      expect(outcome.exitCode, show(outcome)).toBe(recorded.exitCode);
      expect(noticeLines(outcome.stderr), outcome.stderr).toEqual([]);
    }
  });
});
