// Lexical path helpers on node:path/posix (pure: no file system, no process.cwd()).
import { posix } from 'node:path';

/** A slash that is doubled or ends the path, or a `.` or `..` component: what normalising changes. */
const NOT_NORMAL = /\/\/|\/$|\/\.\.?(?:\/|$)/;

/** Absolute, `.`/`..` and duplicate slashes folded, no trailing slash (except "/"). */
export function normalisePath(path: string): string {
  // Mount points and the paths built from them are nearly always normal already; posix.normalize
  // walks every character in JavaScript, and a start calls this for every line of the mount table.
  if (path.startsWith('/') && !NOT_NORMAL.test(path)) return path;
  const normalised = posix.normalize(path.startsWith('/') ? path : `/${path}`);
  return normalised.length > 1 && normalised.endsWith('/') ? normalised.slice(0, -1) : normalised;
}

/**
 * path made absolute against cwd, normalised. A relative cwd is taken from "/" rather than
 * from process.cwd(), which would make this impure.
 */
export function resolveAgainst(cwd: string, path: string): string {
  return normalisePath(path.startsWith('/') ? path : posix.join(normalisePath(cwd), path));
}

/** True when ancestor is path itself or one of its parent directories (both normalised). */
export function isSameOrAncestor(ancestor: string, path: string): boolean {
  if (ancestor === path || ancestor === '/') return true;
  return path.startsWith(`${ancestor}/`);
}

/** Number of components: "/" is 0, "/a/b" is 2. */
export function pathDepth(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}
