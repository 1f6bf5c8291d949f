// Tokens that do not come from the volume: K6_CLOUD_TOKEN beats the stored login (k6's own
// precedence must survive the wrapper pointing k6 at the volume), and K6_CLOUD_TOKEN_FILE (a
// Docker/Kubernetes secret file) is handed to k6 as K6_CLOUD_TOKEN. Every token here is valid
// in the mock, so the assertions are about WHICH token arrives, not whether one does.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ContainerSpec, type Mount, imageFor, runOnce } from './support/containers.ts';
import { type E2eCloud, makeToken } from './support/cloud.ts';
import {
  hostFile,
  seedVolume,
  show,
  tokenLeaks,
  wrapperLines,
} from './support/observe.ts';
import { Resources } from './support/resources.ts';
import { useCloudAndScripts } from './support/lifecycle.ts';

const STORED = makeToken('stored');
const FROM_ENV = makeToken('fromenv');
const FROM_FILE = makeToken('fromfile');
const STACK = 'e2e-tokens';
const STACK_ID = 5505;
const PROJECT_ID = 75;
const ALL = [STORED, FROM_ENV, FROM_FILE];

let cloud: E2eCloud;
let scripts: string;
const res = new Resources();

useCloudAndScripts({ tokens: ALL, stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: PROJECT_ID } } }, res, (c, s) => {
  cloud = c;
  scripts = s;
});

/** A volume holding a login with the STORED token, as an earlier `cloud login` leaves it. */
async function loggedInVolume(): Promise<string> {
  const volume = await res.volume();
  const config = {
    collectors: { cloud: { token: STORED, stackID: STACK_ID, stackURL: `https://${STACK}.grafana.net`, defaultProjectID: PROJECT_ID } },
  };
  await seedVolume(volume, 'config.json', `${JSON.stringify(config, null, 2)}\n`);
  return volume;
}

/** A secret file on the host, mounted read-only like `docker run --secret` / a Kubernetes Secret. */
function secretMount(token: string): Mount {
  const dir = res.dir(0, 0, 0o755);
  // A trailing newline, as `echo "$TOKEN" > file` and most secret stores leave one.
  hostFile(join(dir, 'k6-token'), `${token}\n`, 0, 0, 0o644);
  return { source: dir, target: '/run/secrets', mode: 'ro' };
}

function container(spec: Partial<ContainerSpec> & { command: string[] }) {
  return runOnce({
    image: imageFor('2.2.0'),
    ...spec,
    env: { ...cloud.env, ...spec.env },
    mounts: [...(spec.mounts ?? []), { source: scripts, target: '/scripts', mode: 'ro' }],
  });
}

// A run now follows through past its first call (run -o cloud finishes with POST
// /v1/tests/<ref>, cloud run uploads, starts and polls), so the checks are: the first call of
// each flow, exactly, and which credentials the whole conversation carried.
const first = (methodAndPath: string) => cloud.requestsTo(methodAndPath).map((r) => [r.authorization, r.status]);
/** Every distinct token any request carried (undefined for a request without one). */
const tokensSeen = () => [...new Set(cloud.requests().map((r) => r.authorization?.replace(/^(Token|Bearer) /, '')))];

describe('K6_CLOUD_TOKEN', () => {
  it('beats the token stored in the volume (run -o cloud and cloud run)', async () => {
    const volume = await loggedInVolume();
    const spec = { mounts: [{ source: volume, target: '/config' }], env: { K6_CLOUD_TOKEN: FROM_ENV } };
    const run = await container({ ...spec, command: ['run', '-o', 'cloud', '/scripts/test.js'] });
    expect(run.exitCode, show(run)).toBe(0);
    const cloudRun = await container({ ...spec, command: ['cloud', 'run', '/scripts/test.js'] });
    expect(cloudRun.exitCode, show(cloudRun)).toBe(0);
    expect(first('POST /v1/tests')).toEqual([[`Token ${FROM_ENV}`, 200]]);
    expect(first('POST /cloud/v6/validate_options')).toEqual([[`Bearer ${FROM_ENV}`, 200]]);
    expect(tokensSeen()).toEqual([FROM_ENV]);
  });

  it('without it, the same volume gives the stored token (the control for the case above)', async () => {
    const volume = await loggedInVolume();
    const run = await container({ mounts: [{ source: volume, target: '/config' }], command: ['run', '-o', 'cloud', '/scripts/test.js'] });
    expect(run.exitCode, show(run)).toBe(0);
    expect(first('POST /v1/tests')).toEqual([[`Token ${STORED}`, 200]]);
    expect(tokensSeen()).toEqual([STORED]);
  });
});

describe('K6_CLOUD_TOKEN_FILE', () => {
  it('a mounted secret file supplies the token, with no volume at all', async () => {
    const run = await container({
      mounts: [secretMount(FROM_FILE)],
      env: { K6_CLOUD_TOKEN_FILE: '/run/secrets/k6-token' },
      command: ['run', '-o', 'cloud', '/scripts/test.js'],
    });
    expect(run.exitCode, show(run)).toBe(0);
    expect(first('POST /v1/tests')).toEqual([[`Token ${FROM_FILE}`, 200]]);
    expect(tokensSeen()).toEqual([FROM_FILE]);
    expect(tokenLeaks(run, ALL)).toEqual([]);
  });

  it('beats the stored token too, and the stack still comes from the volume (cloud run)', async () => {
    const volume = await loggedInVolume();
    const run = await container({
      mounts: [{ source: volume, target: '/config' }, secretMount(FROM_FILE)],
      env: { K6_CLOUD_TOKEN_FILE: '/run/secrets/k6-token' },
      command: ['cloud', 'run', '/scripts/test.js'],
    });
    expect(run.exitCode, show(run)).toBe(0);
    expect(cloud.requestsTo('POST /cloud/v6/validate_options').map((r) => [r.authorization, r.stackId, r.status])).toEqual([
      [`Bearer ${FROM_FILE}`, String(STACK_ID), 200],
    ]);
    expect(tokensSeen()).toEqual([FROM_FILE]);
    expect(tokenLeaks(run, ALL)).toEqual([]);
  });

  it('together with K6_CLOUD_TOKEN is refused before k6 starts, naming both', async () => {
    const run = await container({
      mounts: [secretMount(FROM_FILE)],
      env: { K6_CLOUD_TOKEN_FILE: '/run/secrets/k6-token', K6_CLOUD_TOKEN: FROM_ENV },
      command: ['run', '-o', 'cloud', '/scripts/test.js'],
    });
    expect(run.exitCode, show(run)).toBe(255);
    const lines = wrapperLines(run.stderr).join('\n');
    expect(lines).toContain('K6_CLOUD_TOKEN_FILE');
    expect(lines).toContain('K6_CLOUD_TOKEN ');
    expect(tokenLeaks(run, ALL)).toEqual([]);
    expect(cloud.requests()).toEqual([]);
  });
});
