import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { chmodSync, existsSync, mkdtempSync, readFileSync, unlinkSync, utimesSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fse from 'fs-extra';
import { LOCK_STALE_MS, LockTimeoutError, lockPathFor, removeIfStale, withConfigLock } from '../../../src/config/lock.ts';

let dir: string;
let config: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'k6p-lock-'));
  config = join(dir, 'config.json');
});
afterEach(() => {
  fse.removeSync(dir);
});

describe('withConfigLock', () => {
  it('holds a lock file while the body runs and removes it after', () => {
    const seen = withConfigLock(config, () => existsSync(lockPathFor(config)));
    expect(seen).toBe(true);
    expect(existsSync(lockPathFor(config))).toBe(false);
  });

  it('releases the lock when the body throws', () => {
    expect(() =>
      withConfigLock(config, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(existsSync(lockPathFor(config))).toBe(false);
  });

  it('times out on a fresh lock held by someone else', () => {
    writeFileSync(lockPathFor(config), 'other');
    expect(() => withConfigLock(config, () => 1, 200)).toThrow(LockTimeoutError);
    expect(existsSync(lockPathFor(config))).toBe(true);
  });

  it('recovers a stale lock left by a killed process', () => {
    writeFileSync(lockPathFor(config), 'dead');
    const old = (Date.now() - LOCK_STALE_MS - 5_000) / 1000;
    utimesSync(lockPathFor(config), old, old);
    expect(withConfigLock(config, () => 'ran', 2_000)).toBe('ran');
    expect(existsSync(lockPathFor(config))).toBe(false);
  });

  it('never removes a lock that is not its own any more (recovered as stale and taken by another)', () => {
    withConfigLock(config, () => writeFileSync(lockPathFor(config), 'another process, after recovering it\n'));
    expect(readFileSync(lockPathFor(config), 'utf8')).toBe('another process, after recovering it\n');
    expect(readdirSync(dir)).toEqual(['.config.json.k6-persist.lock']);
  });

  it('where no lock file can be made (a file in a directory this user may not write), the body runs without one', () => {
    writeFileSync(config, '{}');
    chmodSync(config, 0o666);
    chmodSync(dir, 0o555);
    try {
      const module = pathToFileURL(join(import.meta.dirname, '../../../src/config/lock.ts')).href;
      const script = `import { withConfigLock } from ${JSON.stringify(module)};
        console.log(withConfigLock(${JSON.stringify(config)}, () => 'ran without a lock'));`;
      // As root every directory is writable: then an unprivileged user runs it.
      const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const said = execFileSync(process.execPath, ['--input-type=module', '-e', script], { ...asUser, encoding: 'utf8' });
      expect(said.trim()).toBe('ran without a lock');
      expect(readdirSync(dir)).toEqual(['config.json']);
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it('removes temp files and old set-aside locks a crashed writer left, and nothing else', () => {
    writeFileSync(config, '{}');
    writeFileSync(join(dir, '.config.json.k6-persist-123-abcd.tmp'), '{"half');
    const aside = join(dir, '.config.json.k6-persist.lock.aside-9-zz');
    writeFileSync(aside, 'dead');
    const old = (Date.now() - LOCK_STALE_MS - 5_000) / 1000;
    utimesSync(aside, old, old);
    writeFileSync(join(dir, 'other.json'), '{}');
    withConfigLock(config, () => undefined);
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'other.json']);
  });
});

describe('removeIfStale', () => {
  it('two waiters saw the same stale lock and the first already took a new one: the second leaves it alone', () => {
    const lock = lockPathFor(config);
    writeFileSync(lock, 'dead');
    const old = (Date.now() - LOCK_STALE_MS - 5_000) / 1000;
    utimesSync(lock, old, old);
    removeIfStale(lock, Date.now(), () => {
      // Between this waiter's check and its removal: the other waiter recovers the stale lock
      // and takes its own.
      unlinkSync(lock);
      writeFileSync(lock, 'live');
    });
    expect(readFileSync(lock, 'utf8')).toBe('live');
    expect(readdirSync(dir)).toEqual(['.config.json.k6-persist.lock']);
  });

  it('removes the stale lock it saw, leaving nothing aside', () => {
    const lock = lockPathFor(config);
    writeFileSync(lock, 'dead');
    const old = (Date.now() - LOCK_STALE_MS - 5_000) / 1000;
    utimesSync(lock, old, old);
    removeIfStale(lock, Date.now());
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves a fresh lock alone', () => {
    const lock = lockPathFor(config);
    writeFileSync(lock, 'live');
    removeIfStale(lock, Date.now());
    expect(readFileSync(lock, 'utf8')).toBe('live');
  });
});

describe('removeStaleLeftovers', () => {
  it('removes a stale lock and old temp files, but not fresh ones of a live writer', async () => {
    const { removeStaleLeftovers } = await import('../../../src/config/lock.ts');
    writeFileSync(config, '{}');
    const oldTemp = join(dir, '.config.json.k6-persist-1-aaaa.tmp');
    const freshTemp = join(dir, '.config.json.k6-persist-2-bbbb.tmp');
    writeFileSync(oldTemp, '{');
    writeFileSync(freshTemp, '{');
    writeFileSync(lockPathFor(config), 'dead');
    const old = (Date.now() - LOCK_STALE_MS - 5_000) / 1000;
    utimesSync(oldTemp, old, old);
    utimesSync(lockPathFor(config), old, old);
    const oldAside = join(dir, '.config.json.k6-persist.lock.aside-7-zz');
    writeFileSync(oldAside, 'dead');
    utimesSync(oldAside, old, old);
    removeStaleLeftovers(config);
    expect(readdirSync(dir).sort()).toEqual(['.config.json.k6-persist-2-bbbb.tmp', 'config.json']);
  });
});
