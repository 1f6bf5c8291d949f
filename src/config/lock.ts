// Serialises read-merge-write of the persistent file between containers sharing one volume.
// Atomic rename alone keeps every read whole, but two logins that read before either writes
// would each write a merge of the old file, and one login's changes would be lost.
//
// An O_EXCL lock file next to the config (same volume, so every container sees it), with a time
// limit and recovery of a lock left by a killed process. Hand-written because the maintained
// lock libraries install process-wide signal handlers, which would interfere with the wrapper's
// exactly-once signal forwarding to k6.
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TEMP_MARKER, saveTargetOf } from './atomic-write.ts';
import { errorCode } from './errno.ts';
import { olderThan, removeEntries } from './leftovers.ts';

export const LOCK_STALE_MS = 10_000;
export const LOCK_TIMEOUT_MS = 15_000;
const RETRY_MS = 25;

/** The lock sits beside the file a save really writes: through a symlink, beside its target, so
 * every path that leads to one file shares one lock, and the temp files are found where they are. */
export function lockPathFor(configPath: string): string {
  const target = saveTargetOf(configPath);
  return join(dirname(target), `.${basename(target)}.k6-persist.lock`);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}


/** What this process writes into a lock it holds: who, since when, and a nonce that makes it its own. */
function ownLockText(): string {
  return `${process.pid} ${new Date().toISOString()} ${Math.random().toString(36).slice(2)}\n`;
}

function tryAcquire(lockPath: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    // Who holds it, for a person looking at a lock that will not go away.
    writeSync(fd, text);
  } catch (error) {
    // A full volume: the lock file exists but the save cannot succeed; leave nothing behind.
    closeSync(fd);
    unlinkSync(lockPath);
    throw error;
  }
  closeSync(fd);
  return true;
}

/**
 * Takes a stale lock away without ever removing a live one. Two waiters may see the same stale
 * lock; if the first removes it and takes a new one, a plain unlink by the second would delete
 * that new, live lock. So the lock is first renamed aside (atomic: of all waiters only one gets
 * a given file), and removed only if what was renamed is still stale; a live lock renamed by
 * mistake is put back at once.
 */
export function removeIfStale(lockPath: string, now: number, afterCheck?: () => void): void {
  try {
    if (now - statSync(lockPath).mtimeMs <= LOCK_STALE_MS) return;
  } catch {
    return; // Released in the meantime.
  }
  afterCheck?.();
  // What was renamed aside must itself be stale: a live lock that took the stale one's place
  // (perhaps with the same inode number, reused at once) is put back.
  removeIfStill(lockPath, olderThan(LOCK_STALE_MS));
}

/**
 * Removes the lock file if it is still the one `isIt` expects; puts anything else back. Renaming
 * it aside first makes the check and the removal one step for every other process.
 */
function removeIfStill(lockPath: string, isIt: (aside: string) => boolean): void {
  const aside = `${lockPath}.aside-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // Gone already: released or recovered by someone else.
  }
  try {
    if (!isIt(aside)) linkSync(aside, lockPath);
  } catch {
    // A new lock is there already (or the check failed): the one renamed aside is then released
    // early; its holder finds it gone and leaves the other one alone.
  } finally {
    try {
      unlinkSync(aside);
    } catch {
      // Nothing to do.
    }
  }
}

/**
 * What a killed login left behind, when no save of this run will take the lock and clean it:
 * a stale lock, and temp files too old to belong to a live writer.
 */
export function removeStaleLeftovers(configPath: string): void {
  const now = Date.now();
  const lockPath = lockPathFor(configPath);
  removeIfStale(lockPath, now);
  removeLeftoverTempFiles(configPath, olderThan(LOCK_STALE_MS, now));
  removeLocksLeftAside(lockPath, now);
}

/** Locks renamed aside (see removeIfStill) by a process killed before it could remove them. */
function removeLocksLeftAside(lockPath: string, now: number): void {
  const prefix = `${basename(lockPath)}.aside-`;
  removeEntries(dirname(lockPath), (name) => name.startsWith(prefix), olderThan(LOCK_STALE_MS, now));
}

/** Temp files of a writer that died mid-write; without a filter, only while holding the lock. */
export function removeLeftoverTempFiles(configPath: string, shouldRemove: (path: string) => boolean = () => true): string[] {
  const target = saveTargetOf(configPath);
  const prefix = `.${basename(target)}${TEMP_MARKER}`;
  return removeEntries(dirname(target), (name) => name.startsWith(prefix) && name.endsWith('.tmp'), shouldRemove);
}

/** After an unusually long hold the lock may have been recovered as stale and taken by another
 * process: only a lock that still holds this process's own text is removed. */
function releaseIfOwn(lockPath: string, own: string): void {
  removeIfStill(lockPath, (aside) => readFileSync(aside, 'utf8') === own);
}

export class LockTimeoutError extends Error {
  readonly code = 'ELOCKED';
  readonly lockPath: string;
  constructor(lockPath: string) {
    super(`timed out waiting for ${lockPath}`);
    this.lockPath = lockPath;
  }
}

/**
 * Waits, without taking it, until no live lock is held on the file: gone, or stale (a save
 * recovers a stale lock itself). False when a live lock is still there after `timeoutMs`.
 */
export function waitForLockRelease(configPath: string, timeoutMs = LOCK_TIMEOUT_MS): boolean {
  const lockPath = lockPathFor(configPath);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let modified: number;
    try {
      modified = statSync(lockPath).mtimeMs;
    } catch {
      return true; // No lock (or none that can be seen): nothing to wait for.
    }
    const now = Date.now();
    if (now - modified > LOCK_STALE_MS) return true;
    if (now >= deadline) return false;
    sleep(RETRY_MS);
  }
}

export function withConfigLock<T>(configPath: string, body: () => T, timeoutMs = LOCK_TIMEOUT_MS): T {
  const lockPath = lockPathFor(configPath);
  const deadline = Date.now() + timeoutMs;
  const own = ownLockText();
  let held = false;
  for (;;) {
    try {
      held = tryAcquire(lockPath, own);
    } catch (error) {
      // The directory cannot take a lock file (a single file mounted from a read-only parent):
      // such a file is rewritten in place, which no lock could make atomic anyway.
      if (['EACCES', 'EPERM', 'EROFS'].includes(errorCode(error))) return body();
      throw error;
    }
    if (held) break;
    const now = Date.now();
    if (now >= deadline) throw new LockTimeoutError(lockPath);
    removeIfStale(lockPath, now);
    sleep(RETRY_MS);
  }
  try {
    removeLeftoverTempFiles(configPath);
    removeLocksLeftAside(lockPath, Date.now());
    return body();
  } finally {
    releaseIfOwn(lockPath, own);
  }
}
