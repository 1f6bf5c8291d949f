// The lock's file handle and its deadline. A login holds the lock once per save, but `status`
// and every run wait on it too: a descriptor left open per lock taken would pile up in a long-lived
// process, and a deadline that allowed one more attempt after it would run past the time limit.
// node:fs's openSync and closeSync are watched here (they still do the real thing).
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, expect, it, vi } from 'vitest';

const handles = vi.hoisted(() => ({ open: new Map<number, string>() }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    openSync: (...args: Parameters<typeof fs.openSync>) => {
      const fd = fs.openSync(...args);
      handles.open.set(fd, String(args[0]));
      return fd;
    },
    closeSync: (fd: number) => {
      handles.open.delete(fd);
      return fs.closeSync(fd);
    },
  };
});

const { LockTimeoutError, lockPathFor, withConfigLock } = await import('../../../src/config/lock.ts');

const root = mkdtempSync(join(tmpdir(), 'k6p-lock-handles-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let config: string;
beforeEach(() => {
  config = join(mkdtempSync(join(root, 'case-')), 'config.json');
  handles.open.clear();
});
afterEach(() => vi.restoreAllMocks());

it('taking and releasing the lock leaves no descriptor of it open, while held or after', () => {
  const lock = lockPathFor(config);
  const openWhileHeld = withConfigLock(config, () => [...handles.open.values()].filter((path) => path === lock));
  expect(openWhileHeld).toEqual([]);
  expect([...handles.open.values()]).toEqual([]);
  expect(existsSync(lock)).toBe(false);
});

it('at the deadline it gives up without another attempt, even where one more would recover a stale lock', () => {
  const lock = lockPathFor(config);
  writeFileSync(lock, 'dead holder\n');
  const now = Date.now();
  const seconds = Math.floor((now - 60_000) / 1000);
  utimesSync(lock, seconds, seconds);
  vi.spyOn(Date, 'now').mockReturnValue(now);
  const body = vi.fn();
  expect(() => withConfigLock(config, body, 0)).toThrow(LockTimeoutError);
  expect(body).not.toHaveBeenCalled();
});
