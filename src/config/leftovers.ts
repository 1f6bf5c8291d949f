// Removing what a killed process left beside the config (temp files, locks set aside, staging
// copies): entries of one directory, picked by name, removed when old enough. Never throws: what
// cannot be listed or removed is someone else's or gone already.
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The names in `dir` that `matches` picks and `shouldRemove` (given the path) agrees to, removed
 * by `remove` (a file by default; a directory needs a remover of its own).
 */
export function removeEntries(
  dir: string,
  matches: (name: string) => boolean,
  shouldRemove: (path: string) => boolean = () => true,
  remove: (path: string) => void = unlinkSync,
): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter(matches);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (!shouldRemove(path)) continue;
      remove(path);
      removed.push(name);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}

/** For removeEntries: last modified more than `ms` before `now`. */
export const olderThan =
  (ms: number, now = Date.now()) =>
  (path: string): boolean =>
    now - statSync(path).mtimeMs > ms;
