// A login that cannot outlive its container must say so: with no volume at all, and into an
// anonymous volume (`-v /config` with no name) that `docker run --rm` deletes. -q and
// K6_PERSIST_QUIET silence the warnings; they are the control that the warning is the
// wrapper's and not k6's.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { imageFor, runOnce } from './support/containers.ts';
import { type E2eCloud, makeToken, masked, startCloud } from './support/cloud.ts';
import { dockerRunInteractive, show, tokenLeaks, wrapperLines } from './support/observe.ts';

const TOKEN = makeToken('warnings');
const STACK = 'e2e-warnings';
const IMAGE = imageFor('2.2.0');
const LOGIN = ['cloud', 'login', '--token', TOKEN, '--stack', STACK];

let cloud: E2eCloud;

beforeAll(async () => {
  cloud = await startCloud({ tokens: [TOKEN], stacks: { [STACK]: { stackId: 5606, defaultProjectId: 76 } } });
});
afterAll(async () => {
  await cloud?.close();
});
afterEach(() => {
  cloud.clear();
});

describe('login with no volume', () => {
  it('succeeds (as in grafana/k6) and warns that the login vanishes with the container, with the fix', async () => {
    const login = await runOnce({ image: IMAGE, command: LOGIN, env: cloud.env });
    expect(login.exitCode, show(login)).toBe(0);
    const lines = wrapperLines(login.stderr);
    expect(lines.join('\n')).toMatch(/no config volume is mounted/);
    expect(lines.join('\n')).toContain('-v k6-config:/config');
    // The example login is one k6 2.x accepts for `cloud run`: with a stack.
    expect(lines.join('\n')).toContain('cloud login --token <token> --stack <stack>');
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);
    // k6 itself still did the login (against the cloud) and masked the token.
    expect(cloud.requestsTo('GET /cloud/v6/auth')).toHaveLength(1);
    expect(login.stdout).toContain(masked(TOKEN));
  });

  it.each([
    ['-q', { command: ['-q', ...LOGIN], env: {} }],
    ['K6_PERSIST_QUIET=1', { command: LOGIN, env: { K6_PERSIST_QUIET: '1' } }],
  ])('%s silences the warning', async (_how, variant) => {
    const login = await runOnce({ image: IMAGE, command: variant.command, env: { ...cloud.env, ...variant.env } });
    expect(login.exitCode, show(login)).toBe(0);
    expect(wrapperLines(login.stderr)).toEqual([]);
  });
});

describe('login into an anonymous volume', () => {
  it('warns that docker run --rm deletes it, and says to name the volume', async () => {
    // `-v /config` without a name: Docker creates an anonymous volume, and --rm (which the
    // helper passes) removes it again, so the test leaves nothing behind.
    const login = await dockerRunInteractive([
      '-e',
      `K6_CLOUD_HOST=${cloud.mock.url}`,
      '-e',
      `K6_CLOUD_HOST_V6=${cloud.mock.url}`,
      '-v',
      '/config',
      IMAGE,
      ...LOGIN,
    ]);
    expect(login.exitCode, show(login)).toBe(0);
    const lines = wrapperLines(login.stderr).join('\n');
    expect(lines).toContain('anonymous volume');
    expect(lines).toContain('--rm');
    expect(lines).toContain('-v k6-config:/config');
    expect(lines).not.toMatch(/no config volume is mounted/);
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);
  });
});
