// The credentials from what gatherFacts read: the config k6 reads (the persistent file, or the
// pre-v0.58 one while that is missing), the place a login would go when there is no file yet,
// and the notices only for cloud commands, reading the k6 version only when a hint may need it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { analyseArgs } from '../../../src/args/analyse.ts';
import { cloudCommandNotices, configOfFacts, credentialsOfFacts } from '../../../src/credentials/from-facts.ts';
import type { Facts, PersistentFacts } from '../../../src/plan/types.ts';

const TEXT = '{"collectors":{"cloud":{"token":"tok_file_0123456789","stackID":42}}}';
const present = (text: string): PersistentFacts => ({
  path: '/config/config.json',
  state: { kind: 'present', text, uid: 1, gid: 1, mode: 0o600 } as PersistentFacts['state'],
  dirExists: true,
  writable: true,
});
const missing = (legacy?: { path: string; text: string }): PersistentFacts => ({
  path: '/home/k6/.config/k6/config.json',
  state: { kind: 'missing' } as PersistentFacts['state'],
  dirExists: true,
  writable: true,
  ...(legacy ? { legacy } : {}),
});

describe('configOfFacts', () => {
  it('the persistent file', () => {
    expect(configOfFacts({ persistent: present(TEXT) })).toEqual({ config: JSON.parse(TEXT), path: '/config/config.json' });
  });
  it('the pre-v0.58 file while the persistent one is missing', () => {
    expect(configOfFacts({ persistent: missing({ path: '/old.json', text: TEXT }) })).toEqual({ config: JSON.parse(TEXT), path: '/old.json' });
  });
  it('a volume without a file: no config, but its path', () => {
    expect(configOfFacts({ persistent: missing() })).toEqual({ path: '/home/k6/.config/k6/config.json' });
  });
  it('a file that is no JSON: no values from it', () => {
    expect(configOfFacts({ persistent: present('{nope') })).toEqual({ path: '/config/config.json' });
  });
  it('no volume at all', () => {
    expect(configOfFacts({})).toEqual({});
  });
});

it('credentialsOfFacts takes the environment and the token file the wrapper read', () => {
  const credentials = credentialsOfFacts({ persistent: present(TEXT), env: {}, tokenFile: { path: '/t', content: 'tok_secret_5555555555\n' } });
  expect(credentials.token).toMatchObject({ source: 'token-file', shadowed: true });
  expect(credentials.stackID).toMatchObject({ value: 42, source: 'config' });
  expect(credentials.configPath).toBe('/config/config.json');
});

describe('cloudCommandNotices', () => {
  const facts = (argv: string[], env: Record<string, string>, persistent?: PersistentFacts) =>
    ({ argv, args: analyseArgs(argv), env, ...(persistent ? { persistent } : {}) }) as unknown as Facts;

  it('a cloud command with a shadowed login gets the notice; another command gets nothing', () => {
    const env = { K6_CLOUD_TOKEN: 'tok_env_9876543210' };
    expect(cloudCommandNotices(facts(['cloud', 'run', 'x.js'], env, present(TEXT)), () => 2)).toEqual([expect.stringMatching(/^notice: K6_CLOUD_TOKEN overrides/)]);
    expect(cloudCommandNotices(facts(['run', 'x.js'], env, present(TEXT)), () => 2)).toEqual([]);
  });

  it('the version is read only for a token without a stack', () => {
    const version = vi.fn(() => 2);
    cloudCommandNotices(facts(['cloud', 'run', 'x.js'], {}, present(TEXT)), version);
    expect(version).not.toHaveBeenCalled();
    expect(cloudCommandNotices(facts(['cloud', 'run', 'x.js'], { K6_CLOUD_TOKEN: 'tok_env_9876543210' }), version)).toEqual([expect.stringMatching(/^hint: k6 2\.x/)]);
    expect(version).toHaveBeenCalledTimes(1);
    expect(cloudCommandNotices(facts(['cloud', 'run', 'x.js'], { K6_CLOUD_TOKEN: 'tok_env_9876543210' }), () => undefined)).toEqual([]);
  });

  // One reader of the k6 version for logins and hints: the record beside the k6 K6_PERSIST_K6_BIN names.
  it.each([
    ['k6 v2.2.0 (go1.24, linux/amd64)\n', [expect.stringMatching(/^hint: k6 2\.x/)]],
    ['k6 v1.8.1 (go1.24, linux/amd64)\n', []],
  ])('by default the version is that of the k6 the settings name (%j)', (printed, notices) => {
    const dir = mkdtempSync(join(tmpdir(), 'k6p-notice-version-'));
    try {
      writeFileSync(join(dir, 'k6-version'), printed);
      const withK6 = { ...facts(['cloud', 'run', 'x.js'], { K6_CLOUD_TOKEN: 'tok_env_9876543210' }), settings: { k6Binary: join(dir, 'k6') } } as unknown as Facts;
      expect(cloudCommandNotices(withK6)).toEqual(notices);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
