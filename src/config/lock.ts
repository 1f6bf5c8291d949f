// Serialises read-merge-write of the persistent file between containers sharing one volume.
// Atomic rename alone keeps every read whole, but two logins that read before either writes
// would each write a merge of the old file, and one login's changes would be lost.
//
// An O_EXCL lock file next to the config (same volume, so every container sees it), with a time
// limit and recovery of a lock left by a killed process. Hand-written because the maintained
// lock libraries install process-wide signal handlers, which would interfere with the wrapper's
// exactly-once signal forwarding to k6.
import { closeSync, openSync, readdirSync, statSync, unlinkSync, writeSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TEMP_MARKER } from './atomic-write.ts';

export const LOCK_STALE_MS = 10_000;
export const LOCK_TIMEOUT_MS = 15_000;
const RETRY_MS = 25;

export function lockPathFor(configPath: string): string {
  return join(dirname(configPath), `.${basename(configPath)}.k6-persist.lock`);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN';
}

function tryAcquire(lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    // Who holds it, for a person looking at a lock that will not go away.
    writeSync(fd, `${process.pid} ${new Date().toISOString()}\n`);
  } catch (error) {
    // A full volume: the lock file exists but the save cannot succeed; leave nothing behind.
    closeSync(fd);
    unlinkSync(lockPath);
    throw error;
  }
  closeSync(fd);
  return true;
}

function removeIfStale(lockPath: string, now: number): void {
  try {
    if (now - statSync(lockPath).mtimeMs > LOCK_STALE_MS) unlinkSync(lockPath);
  } catch {
    // Released or recovered by someone else in the meantime.
  }
}

/**
 * What a killed login left behind, when no save of this run will take the lock and clean it:
 * a stale lock, and temp files too old to belong to a live writer.
 */
export function removeStaleLeftovers(configPath: string): void {
  const now = Date.now();
  removeIfStale(lockPathFor(configPath), now);
  removeLeftoverTempFiles(configPath, (path) => now - statSync(path).mtimeMs > LOCK_STALE_MS);
}

/** Temp files of a writer that died mid-write; without a filter, only while holding the lock. */
export function removeLeftoverTempFiles(configPath: string, shouldRemove: (path: string) => boolean = () => true): string[] {
  const dir = dirname(configPath);
  const prefix = `.${basename(configPath)}${TEMP_MARKER}`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    try {
      if (!shouldRemove(join(dir, name))) continue;
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // Gone already.
    }
  }
  return removed;
}

export class LockTimeoutError extends Error {
  readonly code = 'ELOCKED';
  readonly lockPath: string;
  constructor(lockPath: string) {
    super(`timed out waiting for ${lockPath}`);
    this.lockPath = lockPath;
  }
}

export function withConfigLock<T>(configPath: string, body: () => T, timeoutMs = LOCK_TIMEOUT_MS): T {
  const lockPath = lockPathFor(configPath);
  const deadline = Date.now() + timeoutMs;
  let held = false;
  for (;;) {
    try {
      held = tryAcquire(lockPath);
    } catch (error) {
      // The directory cannot take a lock file (a single file mounted from a read-only parent):
      // such a file is rewritten in place, which no lock could make atomic anyway.
      if (['EACCES', 'EPERM', 'EROFS'].includes(codeOf(error))) return body();
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
    return body();
  } finally {
    try {
      unlinkSync(lockPath);
    } catch {
      // Recovered as stale by another process after an unusually long hold.
    }
  }
}
