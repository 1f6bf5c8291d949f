// Survivors of the mutation run of src/plan (03:22, b919a90) in the login-from-a-secret code
// (decide.ts planSupply, secretToken, savedStack): what the wrapper adds to a login's command line
// (LoginPlan.supply: --token, --stack, -q), and what its login lines say, in the cases the other
// decide tests left out.
import { describe, expect, it } from 'vitest';
import { analyseArgs } from '../../../src/args/analyse.ts';
import type { FileState } from '../../../src/config/read.ts';
import { maskToken } from '../../../src/config/mask.ts';
import { locateConfig } from '../../../src/mounts/locate.ts';
import { parseMountinfo } from '../../../src/mounts/mountinfo.ts';
import { decide } from '../../../src/plan/decide.ts';
import type { Facts, Plan } from '../../../src/plan/types.ts';
import { messages } from '../../../src/report/messages.ts';

const TOKEN = 'tok_SECRET_1234567890abcdef';
const PATH = '/config/config.json';
const URL = 'https://saved-stack.grafana.net';
const NAMED = '2 1 8:1 /var/lib/docker/volumes/k6-config/_data /config rw,relatime - ext4 /dev/vda rw';
const present = (text: string): FileState => ({ kind: 'present', text, uid: 12345, gid: 12345, mode: 0o600 });
const withStack = present(JSON.stringify({ collectors: { cloud: { token: 'old_token_0123456789', stackID: 77, stackURL: URL } } }));

interface Login {
  argv: string[];
  env?: Record<string, string>;
  state?: FileState;
  k6Major?: number;
}

/** A login on a named volume at /config, as gathered; k6Major left out is a k6 of unknown version. */
function login(c: Login): Extract<Plan, { kind: 'run' }> {
  const env: Record<string, string> = { HOME: '/home/k6', ...c.env };
  const args = analyseArgs(c.argv);
  const location = locateConfig({
    configFlag: args.config?.path,
    env: { K6_CONFIG: undefined, K6_PERSIST_DIR: undefined, HOME: env['HOME'], XDG_CONFIG_HOME: undefined },
    mounts: parseMountinfo(['1 0 0:1 / / rw - overlay overlay rw', NAMED].join('\n')),
    cwd: '/home/k6',
  });
  const facts: Facts = {
    argv: c.argv,
    argv0: 'k6',
    env,
    settings: { k6Binary: '/usr/bin/k6', persistDir: undefined, quiet: false, debug: false, handover: 'auto', mountinfoPath: '/proc/self/mountinfo', pauseAt: undefined },
    args,
    location,
    persistent: { path: PATH, state: c.state ?? { kind: 'missing' }, dirExists: true, writable: true },
    homeUsable: true,
    execve: true,
    uid: 12345,
    gid: 12345,
    groups: [],
    ...(c.k6Major !== undefined ? { k6Major: c.k6Major } : {}),
  };
  const plan = decide(facts);
  if (plan.kind !== 'run' || !plan.login) throw new Error(`expected a login, got: ${JSON.stringify(plan)}`);
  return plan;
}

/** The debug lines that say what the wrapper adds to the login's command line. */
const supplyLines = (plan: Extract<Plan, { kind: 'run' }>) => plan.debug.filter((line) => /^login: (no --|-q )/.test(line));
const tokenLine = (source: string) => `login: no --token given: the token from ${source} (${maskToken(TOKEN)}) is given to k6 as --token`;
const stackLine = `login: no --stack given: the stack saved in ${PATH}, ${URL}, is given to k6 as --stack`;
const quietLine = 'login: -q for k6, which may print the token it saves in full (k6 1.x)';

describe('a login with no secret at all is left to k6 as typed', () => {
  it('k6 1.x `login cloud` without K6_CLOUD_TOKEN set: no --token is added and k6 prompts as usual', () => {
    const plan = login({ argv: ['login', 'cloud'], k6Major: 1 });
    expect(plan.login?.supply).toBeUndefined();
    expect(supplyLines(plan)).toEqual([]);
    expect(plan.k6.args).toEqual(['login', 'cloud']);
  });

  it('k6 2.x `cloud login` (interactive, no --token, no secret) on a volume holding a stack: neither the stack nor a token is added', () => {
    const plan = login({ argv: ['cloud', 'login'], state: withStack, k6Major: 2 });
    expect(plan.login?.supply).toBeUndefined();
    expect(supplyLines(plan)).toEqual([]);
  });
});

describe('a token typed on the command line wins over the secrets', () => {
  it('`cloud login --token typed --stack team` with K6_CLOUD_TOKEN set: nothing added, k6 saves the typed token', () => {
    const plan = login({ argv: ['cloud', 'login', '--token', 'typed_token_0123456789', '--stack', 'team'], env: { K6_CLOUD_TOKEN: TOKEN }, k6Major: 2 });
    expect(plan.login?.supply).toBeUndefined();
    expect(supplyLines(plan)).toEqual([]);
  });

  it('an unknown k6 rotating with `cloud login --token typed`: the saved stack is added, but no -q (the token shown is the one the user typed)', () => {
    const plan = login({ argv: ['cloud', 'login', '--token', 'typed_token_0123456789'], state: withStack });
    expect(plan.login?.supply).toStrictEqual({ at: 2, stack: URL, quiet: false });
    expect(supplyLines(plan)).toEqual([stackLine]);
  });
});

describe('a blank saved stackURL is no stack', () => {
  it.each([['  '], ['\t\n']])('k6 2.x `cloud login` with K6_CLOUD_TOKEN and a saved stackURL of %j: the secret is not used, and the warning names the saved stack id', (blank) => {
    const state = present(JSON.stringify({ collectors: { cloud: { stackID: 77, stackURL: blank } } }));
    const plan = login({ argv: ['cloud', 'login'], env: { K6_CLOUD_TOKEN: TOKEN }, state, k6Major: 2 });
    expect(plan.login?.supply).toBeUndefined();
    expect(plan.notices).toEqual([messages.secretLoginNeedsStack('K6_CLOUD_TOKEN', PATH, 77)]);
  });
});

describe('the login lines name exactly what is added', () => {
  it('k6 1.x `login cloud` with K6_CLOUD_TOKEN: the token line and the -q line, no stack line', () => {
    const plan = login({ argv: ['login', 'cloud'], env: { K6_CLOUD_TOKEN: TOKEN }, state: withStack, k6Major: 1 });
    expect(plan.login?.supply).toStrictEqual({ at: 2, token: { value: TOKEN, source: { kind: 'K6_CLOUD_TOKEN' } }, quiet: true });
    expect(supplyLines(plan)).toEqual([tokenLine('K6_CLOUD_TOKEN'), quietLine]);
  });

  it('k6 2.x `cloud login --stack team` with K6_CLOUD_TOKEN: the token line only (no stack taken from the file, no -q)', () => {
    const plan = login({ argv: ['cloud', 'login', '--stack', 'team'], env: { K6_CLOUD_TOKEN: TOKEN }, state: withStack, k6Major: 2 });
    expect(plan.login?.supply).toStrictEqual({ at: 2, token: { value: TOKEN, source: { kind: 'K6_CLOUD_TOKEN' } }, quiet: false });
    expect(supplyLines(plan)).toEqual([tokenLine('K6_CLOUD_TOKEN')]);
    expect(plan.debug.join('\n')).not.toContain(TOKEN);
  });
});
