// Replacing the persistent config so that a reader or a crash only ever sees the old file or the
// new one: a temp file in the same directory (same file system, so rename is atomic), fsync,
// rename, fsync of the directory. The old owner and the 0600 mode are kept, because the file is a
// credential and often sits on a volume the host user owns.
import {
  closeSync,
  fstatSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  ftruncateSync,
  lstatSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeSync,
  constants,
} from 'node:fs';
// Loaded on first use: only a login writes a temp file.
const randomBytes = (size: number): Buffer => process.getBuiltinModule('node:crypto').randomBytes(size);
import { basename, dirname, join } from 'node:path';
import { errorCode } from './errno.ts';

export const CONFIG_FILE_MODE = 0o600;
export const TEMP_MARKER = '.k6-persist-';

export type WriteStep = 'resolve' | 'create-temp' | 'write' | 'sync' | 'rename' | 'in-place' | 'verify';

export class ConfigWriteError extends Error {
  readonly code: string;
  readonly step: WriteStep;
  readonly path: string;
  /** The file itself was changed before the failure (an in-place rewrite cut short, a rename
   * whose result reads back wrong): it is not the previous file any more. */
  readonly fileChanged: boolean;
  constructor(path: string, step: WriteStep, code: string, detail: string, fileChanged = false) {
    super(`${step} ${path}: ${code} ${detail}`.trim());
    this.name = 'ConfigWriteError';
    this.path = path;
    this.step = step;
    this.code = code;
    this.fileChanged = fileChanged;
  }
}

export interface WriteOutcome {
  /** 'in-place' only where the file itself is a mount point and rename answers EBUSY. */
  method: 'rename' | 'in-place';
  path: string;
}

export interface WriteOptions {
  /** The path is itself a mount point (a single file bind-mounted): rewrite it, rename cannot replace it. */
  inPlace?: boolean;
  /** The mode the file gets; by default 0600, a credential's. */
  mode?: number;
  /** Called between steps; the crash-safety tests pause here to kill the process mid-write. */
  onStep?: (step: WriteStep) => void;
}


function fail(path: string, step: WriteStep, error: unknown, fileChanged = false): never {
  if (error instanceof ConfigWriteError) throw error;
  const message = error instanceof Error ? error.message : String(error);
  throw new ConfigWriteError(path, step, errorCode(error), message.replace(/^[A-Z]+: /, ''), fileChanged);
}

/** Where a save of `path` lands: the file a symlink points to (see resolveTarget), else the path. */
export function saveTargetOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Writes through a symlink to its target, as a user editing the file would, instead of replacing the link. */
function resolveTarget(path: string): { target: string; owner?: { uid: number; gid: number } } {
  try {
    const target = realpathSync(path);
    const stat = lstatSync(target);
    return { target, owner: { uid: stat.uid, gid: stat.gid } };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      const link = safeLstat(path);
      if (link?.isSymbolicLink()) fail(path, 'resolve', error); // dangling: do not replace the link
      return { target: path };
    }
    return fail(path, 'resolve', error);
  }
}

function safeLstat(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Writes data[from..] at file position `at + from` (by default the same offset as in data). */
function writeAll(fd: number, data: Buffer, from = 0, at = 0): void {
  let offset = from;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset, at + offset);
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself has already happened.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function keepOwner(fd: number, owner: { uid: number; gid: number } | undefined): void {
  if (!owner) return;
  try {
    fchownSync(fd, owner.uid, owner.gid);
  } catch {
    // Only root (or the owner, for the group) may chown; a new owner is the best left then.
  }
}

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

export function replaceFile(path: string, content: string, hooks: WriteOptions = {}): WriteOutcome {
  const { target, owner } = resolveTarget(path);
  const data = Buffer.from(content, 'utf8');
  const mode = hooks.mode ?? CONFIG_FILE_MODE;
  if (hooks.inPlace) {
    hooks.onStep?.('in-place');
    writeInPlace(target, data, mode);
    hooks.onStep?.('verify');
    verify(target, data);
    return { method: 'in-place', path: target };
  }
  const temp = tempPathFor(target);
  let fd: number;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, CONFIG_FILE_MODE);
  } catch (error) {
    return fail(target, 'create-temp', error);
  }
  let renamed = false;
  try {
    hooks.onStep?.('write');
    try {
      writeAll(fd, data);
      keepOwner(fd, owner);
      fchmodSync(fd, mode);
    } catch (error) {
      fail(target, 'write', error);
    }
    hooks.onStep?.('sync');
    try {
      fsyncSync(fd);
    } catch (error) {
      fail(target, 'sync', error);
    }
    closeSync(fd);
    fd = -1;
    hooks.onStep?.('rename');
    try {
      renameSync(temp, target);
      renamed = true;
    } catch (error) {
      // A single file bind-mounted over the path cannot be replaced, only rewritten.
      if (errorCode(error) !== 'EBUSY') fail(target, 'rename', error);
    }
    if (!renamed) {
      unlinkQuietly(temp);
      hooks.onStep?.('in-place');
      writeInPlace(target, data, mode);
    } else {
      syncDirectory(dirname(target));
    }
  } finally {
    if (fd !== -1) closeSync(fd);
    if (!renamed) unlinkQuietly(temp);
  }
  hooks.onStep?.('verify');
  verify(target, data);
  return { method: renamed ? 'rename' : 'in-place', path: target };
}

/**
 * A file that is itself a mount point can only be rewritten, never replaced. The space a longer
 * file needs is claimed first, past the old end, where the old content is untouched: a full
 * disk then fails before any old byte changes, and the old length is restored. Only then is the
 * old part overwritten, which needs no new blocks on an ordinary file system.
 */
function writeInPlace(target: string, data: Buffer, mode: number | undefined): void {
  let fd: number;
  try {
    // No O_TRUNC: the old content stays until the new one is in place.
    fd = openSync(target, constants.O_WRONLY);
  } catch (error) {
    return fail(target, 'in-place', error);
  }
  try {
    const oldSize = fstatSync(fd).size;
    if (data.length > oldSize) {
      try {
        writeAll(fd, data, oldSize);
        fsyncSync(fd);
      } catch (error) {
        try {
          ftruncateSync(fd, oldSize);
        } catch {
          // The old bytes are intact either way; only the file's end may hold part of the new tail.
        }
        fail(target, 'in-place', error);
      }
    }
    try {
      writeAll(fd, data.subarray(0, Math.min(oldSize, data.length)), 0, 0);
      ftruncateSync(fd, data.length);
      fsyncSync(fd);
    } catch (error) {
      fail(target, 'in-place', error, true);
    }
    try {
      // A credential, as a replaced file is: 0600 where this user may change the mode.
      if (mode !== undefined) fchmodSync(fd, mode);
    } catch {
      // Owned by someone else (a host user's file): its mode stays theirs (the login warns).
    }
  } finally {
    closeSync(fd);
  }
}

function verify(target: string, data: Buffer): void {
  let written: Buffer;
  try {
    written = readFileSync(target);
  } catch (error) {
    return fail(target, 'verify', error);
  }
  if (!written.equals(data)) {
    throw new ConfigWriteError(target, 'verify', 'EMISMATCH', 'the file read back differs from what was written', true);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or never created.
  }
}

/**
 * An empty config (as `touch` leaves it) rewritten as `content`, staying what its owner made it:
 * same owner, same mode. It holds no credential yet, so nothing is tightened; a user's host file
 * must stay readable by them. A process that may keep both (root, or the owner) replaces it
 * atomically; any other rewrites it in place, which keeps both by itself and, for a file with
 * nothing in it, loses nothing a crash could matter for. A file this user may not write fails
 * with a ConfigWriteError, unchanged.
 */
export function rewriteEmptyKeepingOwner(path: string, content: string, options: { inPlace: boolean }): WriteOutcome {
  const { target } = resolveTarget(path);
  let stat;
  try {
    stat = lstatSync(target);
  } catch (error) {
    return fail(target, 'resolve', error);
  }
  const uid = process.getuid?.();
  const mayKeepOwner = uid === 0 || uid === stat.uid;
  if (options.inPlace || !mayKeepOwner) {
    const data = Buffer.from(content, 'utf8');
    writeInPlace(target, data, undefined);
    verify(target, data);
    return { method: 'in-place', path: target };
  }
  return replaceFile(path, content, { mode: stat.mode & 0o7777 });
}

/** Creates an empty config (`{}`) only if nothing is there yet, so a racing writer is never clobbered. */
export function createEmptyConfig(path: string): 'created' | 'exists' {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, CONFIG_FILE_MODE);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return 'exists';
    return fail(path, 'create-temp', error);
  }
  try {
    writeAll(fd, Buffer.from('{}\n'));
    fchmodSync(fd, CONFIG_FILE_MODE);
    fsyncSync(fd);
  } catch (error) {
    fail(path, 'write', error);
  } finally {
    closeSync(fd);
  }
  syncDirectory(dirname(path));
  return 'created';
}
