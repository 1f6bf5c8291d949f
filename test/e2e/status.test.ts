// `k6-persist status --check` in the image against the mock cloud: each verdict with its exit
// code (0 valid, 1 rejected, 2 missing, 3 unreachable), its one reason line and --json's
// check.result; the request is the one k6 makes with the credentials k6 would use (environment
// included); --timeout bounds the wait; plain `status` sends nothing.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { K6_VERSIONS, type K6Version, type Mount, imageFor, runOnce } from './support/containers.ts';
import { type E2eCloud, makeToken, masked, startCloud } from './support/cloud.ts';
import { hostFile, seedVolume, show, tokenLeaks } from './support/observe.ts';
import { Resources } from './support/resources.ts';
import { useCloudAndScripts } from './support/lifecycle.ts';

const TOKEN = makeToken('check');
const WRONG = makeToken('wrong');
const STACK = 'check-stack';
const STACK_ID = 6601;
const OTHER = 'check-other';
const OTHER_ID = 6602;
const STACK_URL = `https://${STACK}.grafana.net`;

let cloud: E2eCloud;
const res = new Resources();

useCloudAndScripts(
  {
    tokens: [TOKEN],
    stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: 81 }, [OTHER]: { stackId: OTHER_ID, defaultProjectId: 82 } },
    tokenStacks: { [TOKEN]: [STACK] },
  },
  res,
  (c) => {
    cloud = c;
  },
);

async function loginVolume(cloudSection: Record<string, unknown> = { token: TOKEN, stackID: STACK_ID, stackURL: STACK_URL, defaultProjectID: 81 }): Promise<string> {
  const volume = await res.volume();
  await seedVolume(volume, 'config.json', `${JSON.stringify({ collectors: { cloud: cloudSection } }, null, 2)}\n`);
  return volume;
}

function status(version: K6Version, args: string[], spec: { volume?: string; env?: Record<string, string>; mounts?: Mount[]; hosts?: Record<string, string> } = {}) {
  return runOnce({
    image: imageFor(version),
    entrypoint: ['k6-persist'],
    command: ['status', ...args],
    env: { ...(spec.hosts ?? cloud.env), ...spec.env },
    mounts: [...(spec.volume ? [{ source: spec.volume, target: '/config' }] : []), ...(spec.mounts ?? [])],
  });
}

/** The `check` row of the text report: exactly one line. */
function checkLine(stdout: string): string {
  const lines = stdout.split('\n').filter((line) => /^check\s/.test(line));
  expect(lines, stdout).toHaveLength(1);
  return lines[0]!.replace(/^check\s+/, '');
}

const calls = () => cloud.requests().map((r) => [`${r.method} ${r.path}`, r.authorization, r.stackUrl ?? null, r.stackId ?? null, r.status]);

describe.each(K6_VERSIONS)('k6 %s', (version) => {
  it('exit 0, valid: the saved login, checked with k6\'s own login request (GET /cloud/v6/auth, Bearer, X-Stack-Url)', async () => {
    const volume = await loginVolume();
    const text = await status(version, ['--check'], { volume });
    expect(text.exitCode, show(text)).toBe(0);
    expect(checkLine(text.stdout)).toMatch(new RegExp(`^valid: k6 Cloud accepts the token ${escape(masked(TOKEN))} \\(from /config/config\\.json\\) for stack ${escape(STACK_URL)}`));
    expect(calls()).toEqual([['GET /cloud/v6/auth', `Bearer ${TOKEN}`, STACK_URL, null, 200]]);
    const json = await status(version, ['--check', '--json'], { volume });
    expect(json.exitCode, show(json)).toBe(0);
    expect(JSON.parse(json.stdout).check).toMatchObject({ result: 'valid', exitCode: 0, httpStatus: 200, stackID: STACK_ID });
    expect(tokenLeaks(text, [TOKEN])).toEqual([]);
    expect(tokenLeaks(json, [TOKEN])).toEqual([]);
  });

  it('exit 1, rejected (401): a K6_CLOUD_TOKEN the cloud does not know wins over the saved login, as in k6', async () => {
    const volume = await loginVolume();
    for (const args of [['--check'], ['--check', '--json']]) {
      const outcome = await status(version, args, { volume, env: { K6_CLOUD_TOKEN: WRONG } });
      expect(outcome.exitCode, show(outcome)).toBe(1);
      if (args.includes('--json')) expect(JSON.parse(outcome.stdout).check).toMatchObject({ result: 'rejected', httpStatus: 401 });
      else expect(checkLine(outcome.stdout)).toMatch(/^rejected: k6 Cloud refused the token .* \(from K6_CLOUD_TOKEN\) \(HTTP 401: Invalid token\).*log in again/);
      expect(tokenLeaks(outcome, [TOKEN, WRONG])).toEqual([]);
    }
    expect(cloud.requests().map((r) => [r.authorization, r.status])).toEqual([
      [`Bearer ${WRONG}`, 401],
      [`Bearer ${WRONG}`, 401],
    ]);
  });

  it('exit 1, rejected (403): K6_CLOUD_STACK_ID names a stack the token cannot use, sent as X-Stack-Id', async () => {
    const volume = await loginVolume();
    const outcome = await status(version, ['--check'], { volume, env: { K6_CLOUD_STACK_ID: String(OTHER_ID) } });
    expect(outcome.exitCode, show(outcome)).toBe(1);
    expect(checkLine(outcome.stdout)).toMatch(new RegExp(`^rejected: k6 Cloud does not let the token .* use stack id ${OTHER_ID} \\(from K6_CLOUD_STACK_ID\\) \\(HTTP 403.*another stack`));
    expect(calls()).toEqual([['GET /cloud/v6/projects', `Bearer ${TOKEN}`, null, String(OTHER_ID), 403]]);
    const json = await status(version, ['--check', '--json'], { volume, env: { K6_CLOUD_STACK_ID: String(OTHER_ID) } });
    expect(JSON.parse(json.stdout).check).toMatchObject({ result: 'rejected', httpStatus: 403 });
  });

  it('exit 2, missing: no token anywhere, and nothing is sent', async () => {
    const text = await status(version, ['--check'], { volume: await res.volume() });
    expect(text.exitCode, show(text)).toBe(2);
    expect(checkLine(text.stdout)).toMatch(/^missing: no k6 Cloud token in K6_CLOUD_TOKEN, K6_CLOUD_TOKEN_FILE or \/config\/config\.json\..*k6 cloud login/);
    const json = await status(version, ['--check', '--json']);
    expect(json.exitCode, show(json)).toBe(2);
    expect(JSON.parse(json.stdout).check).toMatchObject({ result: 'missing', exitCode: 2 });
    expect(cloud.requests()).toEqual([]);
  });

  it('exit 3, unreachable: the cloud is stopped', async () => {
    const stopped = await startCloud({ tokens: [TOKEN] });
    await stopped.close();
    const volume = await loginVolume();
    for (const args of [['--check'], ['--check', '--json']]) {
      const outcome = await status(version, args, { volume, hosts: stopped.env });
      expect(outcome.exitCode, show(outcome)).toBe(3);
      if (args.includes('--json')) expect(JSON.parse(outcome.stdout).check).toMatchObject({ result: 'unreachable', exitCode: 3 });
      else expect(checkLine(outcome.stdout)).toMatch(/^unreachable: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\..*K6_CLOUD_HOST_V6/);
    }
  });

  it('the token file is the token k6 would use, so it is the one checked', async () => {
    const dir = res.dir(0, 0, 0o755);
    hostFile(join(dir, 'k6-token'), `${TOKEN}\n`, 0, 0, 0o644);
    const outcome = await status(version, ['--check'], {
      volume: await loginVolume({ token: WRONG, stackID: STACK_ID, stackURL: STACK_URL }),
      env: { K6_CLOUD_TOKEN_FILE: '/run/secrets/k6-token' },
      mounts: [{ source: dir, target: '/run/secrets', mode: 'ro' }],
    });
    expect(outcome.exitCode, show(outcome)).toBe(0);
    expect(checkLine(outcome.stdout)).toContain('(from the token file /run/secrets/k6-token)');
    expect(calls()).toEqual([['GET /cloud/v6/auth', `Bearer ${TOKEN}`, STACK_URL, null, 200]]);
  });

  it('plain status (text and JSON) sends no request, with a login and the cloud reachable', async () => {
    const volume = await loginVolume();
    for (const args of [[], ['--json']]) {
      const outcome = await status(version, args, { volume, env: { K6_CLOUD_TOKEN: WRONG } });
      expect(outcome.exitCode, show(outcome)).toBe(0);
    }
    expect(cloud.requests()).toEqual([]);
  });
});

describe('--timeout (k6 2.2.0)', () => {
  let slow: E2eCloud;
  beforeAll(async () => {
    slow = await startCloud({ tokens: [TOKEN], stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: 81 } }, delays: [{ match: 'GET /cloud/v6/auth', ms: 60_000 }] });
  });
  afterAll(() => slow.close());

  it('an answer held back beyond --timeout 2 is unreachable after about 2 s, not after the answer', async () => {
    const volume = await loginVolume();
    const started = Date.now();
    const outcome = await status('2.2.0', ['--check', '--timeout', '2'], { volume, hosts: slow.env });
    const took = Date.now() - started;
    expect(outcome.exitCode, show(outcome)).toBe(3);
    expect(checkLine(outcome.stdout)).toMatch(/^unreachable: no answer from http:\/\/127\.0\.0\.1:\d+ within 2 s\..*--timeout/);
    expect(slow.requestsTo('GET /cloud/v6/auth')).toHaveLength(1);
    // The container's own start and stop take a few seconds on this machine; the answer would take 60.
    expect(took).toBeGreaterThanOrEqual(2_000);
    expect(took).toBeLessThan(15_000);
  });

  it('without --timeout the wait is the default 10 s', async () => {
    const volume = await loginVolume();
    const started = Date.now();
    const outcome = await status('2.2.0', ['--check', '--json'], { volume, hosts: slow.env });
    const took = Date.now() - started;
    expect(outcome.exitCode, show(outcome)).toBe(3);
    expect(JSON.parse(outcome.stdout).check).toMatchObject({ result: 'unreachable', reason: expect.stringContaining('within 10 s') });
    expect(took).toBeGreaterThanOrEqual(10_000);
    expect(took).toBeLessThan(25_000);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
