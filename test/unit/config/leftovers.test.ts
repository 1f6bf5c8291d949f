// removeEntries and olderThan: what a killed process left beside the config is removed by name and
// age, and nothing else; whatever cannot be listed or removed is skipped without an error.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { olderThan, removeEntries } from '../../../src/config/leftovers.ts';

const root = mkdtempSync(join(tmpdir(), 'k6p-leftovers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function dirWith(...names: string[]): string {
  const dir = mkdtempSync(join(root, 'd-'));
  for (const name of names) writeFileSync(join(dir, name), name);
  return dir;
}

describe('removeEntries', () => {
  it('removes the files whose names match, says which, and leaves the rest', () => {
    const dir = dirWith('a.tmp', 'b.tmp', 'config.json');
    expect(removeEntries(dir, (name) => name.endsWith('.tmp')).sort()).toEqual(['a.tmp', 'b.tmp']);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('keeps what shouldRemove refuses, asking with the full path', () => {
    const dir = dirWith('a.tmp', 'b.tmp');
    const asked: string[] = [];
    const removed = removeEntries(dir, () => true, (path) => {
      asked.push(path);
      return path.endsWith('a.tmp');
    });
    expect(removed).toEqual(['a.tmp']);
    expect(asked.sort()).toEqual([join(dir, 'a.tmp'), join(dir, 'b.tmp')]);
    expect(readdirSync(dir)).toEqual(['b.tmp']);
  });

  it('uses the remover it is given, with the full path', () => {
    const dir = dirWith('x');
    mkdirSync(join(dir, 'sub.tmp'));
    const removed = removeEntries(dir, (name) => name === 'sub.tmp', undefined, (path) => rmSync(path, { recursive: true }));
    expect(removed).toEqual(['sub.tmp']);
    expect(existsSync(join(dir, 'sub.tmp'))).toBe(false);
  });

  it('skips what cannot be removed or checked, and carries on with the rest', () => {
    const dir = dirWith('a.tmp', 'c.tmp');
    mkdirSync(join(dir, 'b.tmp'));
    // unlink of a directory fails; a check that throws counts as "not ours".
    const removed = removeEntries(dir, (name) => name.endsWith('.tmp'), (path) => {
      if (path.endsWith('c.tmp')) throw new Error('gone meanwhile');
      return true;
    });
    expect(removed).toEqual(['a.tmp']);
    expect(readdirSync(dir).sort()).toEqual(['b.tmp', 'c.tmp']);
  });

  it('finds nothing in a directory that cannot be listed', () => {
    expect(removeEntries(join(root, 'missing'), () => true)).toEqual([]);
    const file = join(dirWith('f'), 'f');
    expect(removeEntries(file, () => true)).toEqual([]);
  });
});

describe('olderThan', () => {
  it('is true only for a file last modified more than the given time before now', () => {
    const dir = dirWith('f');
    const path = join(dir, 'f');
    const mtime = new Date('2026-01-01T00:00:00Z');
    utimesSync(path, mtime, mtime);
    const modified = statSync(path).mtimeMs;
    expect(olderThan(1000, modified + 1001)(path)).toBe(true);
    expect(olderThan(1000, modified + 1000)(path)).toBe(false);
    expect(olderThan(1000, modified + 999)(path)).toBe(false);
  });

  it('measures from the present by default', () => {
    const path = join(dirWith('f'), 'f');
    expect(olderThan(60_000)(path)).toBe(false);
    const old = new Date(Date.now() - 120_000);
    utimesSync(path, old, old);
    expect(olderThan(60_000)(path)).toBe(true);
  });

  it('throws for a file that is not there, which removeEntries takes as "leave it"', () => {
    expect(() => olderThan(0)(join(root, 'missing'))).toThrow(/ENOENT/);
  });
});
