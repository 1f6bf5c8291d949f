// Reading the persistent file without ever changing it. Every outcome is a value, not a throw,
// so the planner can decide what to say about it.
import { closeSync, fstatSync, lstatSync, openSync, readSync, readlinkSync, statSync, constants } from 'node:fs';
import { errorCode } from './errno.ts';

/** Far above any real k6 config; guards the wrapper's memory against a wrong mount. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export type FileState =
  | { kind: 'missing' }
  | { kind: 'dangling-link'; target: string }
  | { kind: 'directory' }
  | { kind: 'not-regular' }
  /** owner, group, mode: what stat could see of it (the advice names who may read it). */
  | { kind: 'unreadable'; code: string; owner?: number; group?: number; mode?: number }
  | { kind: 'too-large'; size: number }
  | { kind: 'present'; text: string; uid: number; gid: number; mode: number };


export function readConfigFile(path: string): FileState {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO mounted where the file should be must not hang the container.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') {
      return isDanglingOrMissing(path);
    }
    if (code === 'EISDIR') return { kind: 'directory' };
    return unreadable(path, code);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { kind: 'directory' };
    if (!stat.isFile()) return { kind: 'not-regular' };
    if (stat.size > MAX_CONFIG_BYTES) return { kind: 'too-large', size: stat.size };
    const buffer = Buffer.alloc(stat.size);
    let offset = 0;
    // The size can change under us (another writer); read what is there, bounded by the buffer.
    while (offset < buffer.length) {
      const read = readSync(fd, buffer, offset, buffer.length - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return {
      kind: 'present',
      text: buffer.subarray(0, offset).toString('utf8'),
      uid: stat.uid,
      gid: stat.gid,
      mode: stat.mode & 0o7777,
    };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EISDIR') return { kind: 'directory' };
    return { kind: 'unreadable', code };
  } finally {
    closeSync(fd);
  }
}

/** Who owns a file we may not read, and its mode: the message can then name who can. */
function unreadable(path: string, code: string): FileState {
  try {
    const stat = statSync(path);
    return { kind: 'unreadable', code, owner: stat.uid, group: stat.gid, mode: stat.mode & 0o7777 };
  } catch {
    return { kind: 'unreadable', code };
  }
}

function isDanglingOrMissing(path: string): FileState {
  // A dangling symlink (e.g. a Secret's ..data target gone) is not a file we may create: lstat,
  // because stat follows the link and fails exactly as open did.
  try {
    if (lstatSync(path).isSymbolicLink()) return { kind: 'dangling-link', target: readlinkSync(path) };
  } catch {
    // Nothing there at all.
  }
  return { kind: 'missing' };
}
