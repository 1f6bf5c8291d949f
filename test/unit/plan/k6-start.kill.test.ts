// Survivors of the mutation run of src/plan (03:22, b919a90) in carry-out.ts: a k6 the system
// cannot execute (ENOEXEC, e.g. a binary for another CPU) and the clean-up after k6. On glibc,
// spawn falls back to /bin/sh for ENOEXEC and never reports it; musl (the Alpine-based k6 image)
// reports it, so the child start is mocked to fail that way. rmSync is watched (and still done)
// to see what the wrapper deletes.
import { existsSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { carryOut } from '../../../src/plan/carry-out.ts';
import { EXIT_GENERIC_ERROR, type Plan } from '../../../src/plan/types.ts';
import { recordingLogger } from './recording-logger.ts';
import { messages } from '../../../src/report/messages.ts';

const removed = vi.hoisted(() => [] as unknown[]);
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const rmSync = ((path: unknown, options?: unknown) => {
    removed.push(path);
    return (actual.rmSync as (p: unknown, o?: unknown) => void)(path, options);
  }) as typeof actual.rmSync;
  return { ...actual, rmSync, default: { ...actual, rmSync } };
});
vi.mock('../../../src/handover/spawn.ts', () => ({
  runChild: () => Promise.reject(Object.assign(new Error('spawn /opt/k6/k6 ENOEXEC'), { code: 'ENOEXEC', errno: -8, syscall: 'spawn /opt/k6/k6' })),
}));

beforeEach(() => {
  removed.length = 0;
});

const spawnPlan = (prepare: Extract<Plan, { kind: 'run' }>['prepare'] = []): Extract<Plan, { kind: 'run' }> => ({
  kind: 'run',
  notices: [],
  debug: [],
  prepare,
  k6: { file: '/opt/k6/k6', argv0: 'k6', args: ['run', 'script.js'], env: { PATH: '/usr/bin:/bin' } },
  handover: 'spawn',
});

describe('a k6 the system cannot execute (ENOEXEC)', () => {
  it('says which binary cannot be started and why, and exits 255 instead of crashing with a stack trace', async () => {
    const { log, of } = recordingLogger();
    expect(await carryOut(spawnPlan(), log)).toBe(EXIT_GENERIC_ERROR);
    expect(of('error')).toEqual([messages.k6NotFound('/opt/k6/k6', 'ENOEXEC')]);
  });
});

describe('what the wrapper deletes after k6', () => {
  it('nothing, when it made no scratch directory', async () => {
    await carryOut(spawnPlan(), recordingLogger().log);
    expect(removed).toEqual([]);
  });

  it('exactly the private HOME it made for k6, and that is gone', async () => {
    const { log, of } = recordingLogger();
    await carryOut(spawnPlan([{ kind: 'private-home', setXdg: false }]), log);
    const home = of('debug').find((line) => line.startsWith('private HOME for k6: '))!.slice('private HOME for k6: '.length);
    expect(removed).toEqual([home]);
    expect(existsSync(home)).toBe(false);
  });
});
