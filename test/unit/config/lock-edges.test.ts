// The lock's edges: what it writes into the lock file, what its clean-up leaves alone beside the
// config, when a lock counts as stale to the millisecond, and when the removal of a stale lock
// even starts.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCK_STALE_MS, LockTimeoutError, lockPathFor, removeIfStale, removeStaleLeftovers, waitForLockRelease, withConfigLock } from '../../../src/config/lock.ts';

const root = mkdtempSync(join(tmpdir(), 'k6p-lock-edges-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dir: string;
let config: string;
beforeEach(() => {
  dir = mkdtempSync(join(root, 'case-'));
  config = join(dir, 'config.json');
});
afterEach(() => vi.restoreAllMocks());

/** Sets a file's modification time to a whole second, `ageMs` before `now`; returns that mtime in ms. */
function setAge(path: string, ageMs: number, now = Date.now()): number {
  const seconds = Math.floor((now - ageMs) / 1000);
  utimesSync(path, seconds, seconds);
  return seconds * 1000;
}

it('the lock file says who holds it, since when, with a nonce of its own', () => {
  const before = Date.now();
  const text = withConfigLock(config, () => readFileSync(lockPathFor(config), 'utf8'));
  const match = /^(\d+) (\S+) ([a-z0-9]+)\n$/.exec(text);
  expect(match).not.toBeNull();
  expect(Number(match![1])).toBe(process.pid);
  expect(Date.parse(match![2]!)).toBeGreaterThanOrEqual(before - 1000);
  expect(match![2]).toBe(new Date(Date.parse(match![2]!)).toISOString());
  expect(match![3]!.length).toBeGreaterThan(4);
  const other = withConfigLock(config, () => readFileSync(lockPathFor(config), 'utf8'));
  expect(other).not.toBe(text);
});

it("the clean-up under the lock removes this config's leftovers and nothing else in the directory", () => {
  const keep = [
    'notes.tmp',
    'old.json',
    '.config.json.k6-persist-keep',
    '.other.json.k6-persist-1-ab.tmp',
    'config.json.k6-persist.lock.aside-1-x',
    '.other.json.k6-persist.lock.aside-1-x',
  ];
  for (const name of keep) {
    writeFileSync(join(dir, name), 'not yours');
    setAge(join(dir, name), 60_000);
  }
  writeFileSync(join(dir, '.config.json.k6-persist-77-abcd.tmp'), '{"half');
  const aside = join(dir, '.config.json.k6-persist.lock.aside-9-zz');
  writeFileSync(aside, 'dead');
  setAge(aside, 60_000);
  withConfigLock(config, () => undefined);
  expect(readdirSync(dir).sort()).toEqual([...keep].sort());
});

it("removeStaleLeftovers, without the lock, removes only what is old and this config's", () => {
  writeFileSync(join(dir, 'notes.tmp'), '');
  setAge(join(dir, 'notes.tmp'), 60_000);
  const temp = join(dir, '.config.json.k6-persist-77-abcd.tmp');
  writeFileSync(temp, '');
  setAge(temp, 60_000);
  removeStaleLeftovers(config);
  expect(readdirSync(dir)).toEqual(['notes.tmp']);
});

describe('removeIfStale', () => {
  it('does not even start on a lock that is not stale, to the millisecond, or not there', () => {
    const lock = lockPathFor(config);
    writeFileSync(lock, 'holder');
    const modified = setAge(lock, 5_000);
    const afterCheck = vi.fn();
    removeIfStale(lock, modified + LOCK_STALE_MS, afterCheck);
    expect(afterCheck).not.toHaveBeenCalled();
    expect(readFileSync(lock, 'utf8')).toBe('holder');
    removeIfStale(join(dir, 'missing.lock'), Date.now(), afterCheck);
    expect(afterCheck).not.toHaveBeenCalled();
  });

  it('removes a lock one millisecond past the limit', () => {
    const lock = lockPathFor(config);
    writeFileSync(lock, 'holder');
    const modified = setAge(lock, 60_000);
    const afterCheck = vi.fn();
    removeIfStale(lock, modified + LOCK_STALE_MS + 1, afterCheck);
    expect(afterCheck).toHaveBeenCalledOnce();
    expect(existsSync(lock)).toBe(false);
  });

  it('has a limit of 10 s', () => {
    expect(LOCK_STALE_MS).toBe(10_000);
  });
});

describe('waitForLockRelease', () => {
  it('takes a lock exactly at the limit as live, and one a millisecond older as stale', () => {
    const lock = lockPathFor(config);
    writeFileSync(lock, 'holder');
    const modified = setAge(lock, 60_000);
    vi.spyOn(Date, 'now').mockReturnValue(modified + LOCK_STALE_MS);
    expect(waitForLockRelease(config, 0)).toBe(false);
    vi.spyOn(Date, 'now').mockReturnValue(modified + LOCK_STALE_MS + 1);
    expect(waitForLockRelease(config, 0)).toBe(true);
  });
});

it('a lock held too long times out with ELOCKED, naming the lock', () => {
  const lock = lockPathFor(config);
  writeFileSync(lock, 'holder');
  let error: unknown;
  try {
    withConfigLock(config, () => undefined, 0);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(LockTimeoutError);
  expect(error).toMatchObject({ code: 'ELOCKED', lockPath: lock, message: `timed out waiting for ${lock}` });
});
