// Survivors of the mutation run of src/plan (03:22, b919a90) in facts.ts readUserNamespace: the
// /proc/self/uid_map probe that picks the advice for a volume the wrapper cannot use (rootless
// Podman/Docker shift host uids). This machine's own uid_map is the identity map, so node:fs is
// mocked to read that one path from a file the test writes (or from a missing one, as on a system
// without /proc); every other read goes to the real file system.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { decide } from '../../../src/plan/decide.ts';
import { gatherFacts } from '../../../src/plan/facts.ts';
import type { Settings } from '../../../src/settings/env.ts';

const uidMap = vi.hoisted(() => ({ path: '' }));
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: unknown, options?: unknown) =>
    (actual.readFileSync as (p: unknown, o?: unknown) => unknown)(path === '/proc/self/uid_map' ? uidMap.path : path, options)) as typeof actual.readFileSync;
  return { ...actual, readFileSync, default: { ...actual, readFileSync } };
});

const root = mkdtempSync(join(tmpdir(), 'k6p-userns-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const mountinfo = join(root, 'mountinfo');
writeFileSync(mountinfo, '1 0 0:1 / / rw - overlay overlay rw\n');

const settings: Settings = {
  k6Binary: '/usr/libexec/k6-persist/k6',
  persistDir: undefined,
  quiet: false,
  debug: false,
  handover: 'auto',
  mountinfoPath: mountinfo,
  pauseAt: undefined,
};

/** A run with `-c` into a directory that does not exist: a config the wrapper cannot use, so the user namespace is looked up. */
function troubledRun(map: string | undefined) {
  uidMap.path = join(root, `uid_map-${Math.random().toString(36).slice(2)}`);
  if (map !== undefined) writeFileSync(uidMap.path, map);
  const facts = gatherFacts(['run', '-c', join(root, 'typo', 'config.json'), 'x.js'], 'k6', { HOME: root }, settings);
  const plan = decide(facts);
  if (plan.kind !== 'run') throw new Error(`expected a run, got: ${plan.message}`);
  return { facts, runtime: plan.situation?.runtime };
}

describe('the user-namespace probe behind the advice for an unusable config', () => {
  it('a shifted uid map (rootless Podman: 0 → 1000, then a subordinate range) is a user namespace: the advice is the one for shifted uids', () => {
    const { facts, runtime } = troubledRun('         0       1000          1\n         1     100000      65536\n');
    expect(facts.persistent).toMatchObject({ writable: false, writeProblem: 'ENOENT' });
    expect(facts.userNamespace).toBe(true);
    expect(runtime).toBe('user-namespace');
  });

  it('the identity map is no user namespace: the advice is the Docker one', () => {
    const { facts, runtime } = troubledRun('         0          0 4294967295\n');
    expect(facts.userNamespace).toBe(false);
    expect(runtime).toBe('docker');
  });

  it('no /proc/self/uid_map (no /proc, not Linux): nothing says the uids are shifted, the advice is the Docker one', () => {
    const { facts, runtime } = troubledRun(undefined);
    expect(facts.userNamespace).toBe(false);
    expect(runtime).toBe('docker');
  });
});
