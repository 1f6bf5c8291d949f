// cloudCommandNotices reads the config for two questions (does `k6 run` send to the cloud, through
// the config's outputs? and what credentials apply?): it parses the file once for both, and not
// at all when the command line alone answers the first.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { analyseArgs } from '../../../src/args/analyse.ts';
import { cloudCommandNotices } from '../../../src/credentials/from-facts.ts';
import type { Facts, PersistentFacts } from '../../../src/plan/types.ts';

const parses = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../src/config/document.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/config/document.ts')>();
  return {
    ...actual,
    parseConfigText: (text: string) => {
      parses.count += 1;
      return actual.parseConfigText(text);
    },
  };
});

const TEXT = '{"collectors":{"cloud":{"token":"tok_file_0123456789","stackID":42}},"out":["cloud"]}';
const persistent: PersistentFacts = {
  path: '/config/config.json',
  state: { kind: 'present', text: TEXT, uid: 1, gid: 1, mode: 0o600 } as PersistentFacts['state'],
  dirExists: true,
  writable: true,
};
const facts = (argv: string[]) => ({ argv, args: analyseArgs(argv), env: { K6_CLOUD_TOKEN: 'tok_env_9876543210' }, persistent }) as unknown as Facts;

beforeEach(() => {
  parses.count = 0;
});

describe('the config behind a cloud command\'s notices', () => {
  it('`k6 run` whose outputs only the config names: parsed once for both questions', () => {
    expect(cloudCommandNotices(facts(['run', 'x.js']), () => 2)).toEqual([expect.stringMatching(/^notice: K6_CLOUD_TOKEN overrides/)]);
    expect(parses.count).toBe(1);
  });

  it('`k6 cloud run`: parsed once, for the credentials', () => {
    expect(cloudCommandNotices(facts(['cloud', 'run', 'x.js']), () => 2)).toEqual([expect.stringMatching(/^notice: K6_CLOUD_TOKEN overrides/)]);
    expect(parses.count).toBe(1);
  });

  it('`k6 run -o json`: not a cloud command, and the config is never parsed', () => {
    expect(cloudCommandNotices(facts(['run', '-o', 'json', 'x.js']), () => 2)).toEqual([]);
    expect(parses.count).toBe(0);
  });
});
