import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, unlinkSync, utimesSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fse from 'fs-extra';
import { UNPRIVILEGED, reachableDir, removeDir, stageNode, stageScript } from '../../process/stage.ts';
import { LockTimeoutError, lockPathFor, removeIfStale, removeStaleLeftovers, withConfigLock } from '../../../src/config/lock.ts';

// The documented rule (README guarantee 2, docs/guarantees.md), written out here rather than
// imported from the code under test: a lock (or temp file) older than 10 s is a dead writer's.
const DEAD_AGE_MS = 11_000;
const LIVE_AGE_MS = 9_000;

/** Sets a file's times to `ageMs` before `now`. */
function age(path: string, ageMs: number, now = Date.now()): void {
  const then = (now - ageMs) / 1000;
  utimesSync(path, then, then);
}

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
    age(lockPathFor(config), DEAD_AGE_MS);
    expect(withConfigLock(config, () => 'ran', 2_000)).toBe('ran');
    expect(existsSync(lockPathFor(config))).toBe(false);
  });

  it('never removes a lock that is not its own any more (recovered as stale and taken by another)', () => {
    withConfigLock(config, () => writeFileSync(lockPathFor(config), 'another process, after recovering it\n'));
    expect(readFileSync(lockPathFor(config), 'utf8')).toBe('another process, after recovering it\n');
    expect(readdirSync(dir)).toEqual(['.config.json.k6-persist.lock']);
  });

  it('where no lock file can be made (a file in a directory this user may not write), the body runs without one', async () => {
    writeFileSync(config, '{}');
    chmodSync(config, 0o666);
    chmodSync(dir, 0o555);
    // Staged outside the checkout, so that the other user can run it wherever the clone sits.
    const stage = reachableDir('k6p-lock-stage-');
    try {
      const node = stageNode(stage);
      const script = await stageScript(stage, 'no-lock.mjs', `import { withConfigLock } from './src/config/lock.ts';
        console.log(withConfigLock(process.argv[2], () => 'ran without a lock'));`);
      // As root every directory is writable: then an unprivileged user runs it.
      const asUser = process.getuid?.() === 0 ? UNPRIVILEGED : {};
      const said = execFileSync(node, [script, config], { ...asUser, encoding: 'utf8' });
      expect(said.trim()).toBe('ran without a lock');
      expect(readdirSync(dir)).toEqual(['config.json']);
    } finally {
      chmodSync(dir, 0o700);
      removeDir(stage);
    }
  });

  it('removes temp files and old set-aside locks a crashed writer left, and nothing else', () => {
    writeFileSync(config, '{}');
    writeFileSync(join(dir, '.config.json.k6-persist-123-abcd.tmp'), '{"half');
    const aside = join(dir, '.config.json.k6-persist.lock.aside-9-zz');
    writeFileSync(aside, 'dead');
    age(aside, DEAD_AGE_MS);
    writeFileSync(join(dir, 'other.json'), '{}');
    withConfigLock(config, () => undefined);
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'other.json']);
  });
});

describe('removeIfStale', () => {
  it('two waiters saw the same stale lock and the first already took a new one: the second leaves it alone', () => {
    const lock = lockPathFor(config);
    writeFileSync(lock, 'dead');
    age(lock, DEAD_AGE_MS);
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
    age(lock, DEAD_AGE_MS);
    removeIfStale(lock, Date.now());
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the documented 10 s: a lock 9 s old is kept, one 11 s old is recovered', () => {
    const lock = lockPathFor(config);
    const now = Date.now();
    writeFileSync(lock, 'holder');
    age(lock, LIVE_AGE_MS, now);
    removeIfStale(lock, now);
    expect(readFileSync(lock, 'utf8')).toBe('holder');
    age(lock, DEAD_AGE_MS, now);
    removeIfStale(lock, now);
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
  it('removes a stale lock and old temp files, but not fresh ones of a live writer', () => {
    writeFileSync(config, '{}');
    const oldTemp = join(dir, '.config.json.k6-persist-1-aaaa.tmp');
    const freshTemp = join(dir, '.config.json.k6-persist-2-bbbb.tmp');
    writeFileSync(oldTemp, '{');
    writeFileSync(freshTemp, '{');
    writeFileSync(lockPathFor(config), 'dead');
    age(oldTemp, DEAD_AGE_MS);
    age(lockPathFor(config), DEAD_AGE_MS);
    const oldAside = join(dir, '.config.json.k6-persist.lock.aside-7-zz');
    writeFileSync(oldAside, 'dead');
    age(oldAside, DEAD_AGE_MS);
    removeStaleLeftovers(config);
    expect(readdirSync(dir).sort()).toEqual(['.config.json.k6-persist-2-bbbb.tmp', 'config.json']);
  });

  it('the documented 10 s: a lock and a temp file 9 s old are a live writer\'s and stay', () => {
    writeFileSync(config, '{}');
    const temp = join(dir, '.config.json.k6-persist-3-cccc.tmp');
    writeFileSync(temp, '{');
    writeFileSync(lockPathFor(config), 'live');
    const now = Date.now();
    age(temp, LIVE_AGE_MS, now);
    age(lockPathFor(config), LIVE_AGE_MS, now);
    removeStaleLeftovers(config);
    expect(readdirSync(dir).sort()).toEqual(['.config.json.k6-persist-3-cccc.tmp', '.config.json.k6-persist.lock', 'config.json']);
  });
});
