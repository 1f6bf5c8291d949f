// The order of a save that makes it survive a power cut: the new content reaches the disk
// (fsync of the temp file) before the rename makes it the config, and the rename itself reaches
// the disk (fsync of the directory) after. Observed on the real file system calls.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import fse from 'fs-extra';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const calls: string[] = [];

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const pathOf = new Map<number, string>();
  const name = (path: string) => (path.includes('.k6-persist-') ? 'temp' : basename(path));
  return {
    ...fs,
    openSync: (path: string, ...rest: unknown[]) => {
      const fd = (fs.openSync as (...args: unknown[]) => number)(path, ...rest);
      pathOf.set(fd, String(path));
      return fd;
    },
    fsyncSync: (fd: number) => {
      calls.push(`fsync ${name(pathOf.get(fd) ?? '?')}`);
      return fs.fsyncSync(fd);
    },
    renameSync: (from: string, to: string) => {
      calls.push(`rename ${name(from)} -> ${name(to)}`);
      return fs.renameSync(from, to);
    },
  };
});

const { replaceFile, createEmptyConfig } = await import('../../../src/config/atomic-write.ts');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'k6p-durable-'));
  calls.length = 0;
});
afterEach(() => {
  fse.removeSync(dir);
});

describe('durability of a save', () => {
  it('replaceFile: fsync of the temp file, then the rename, then fsync of the directory', () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"old":1}');
    replaceFile(path, '{"new":1}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"new":1}\n');
    expect(calls).toEqual(['fsync temp', 'rename temp -> config.json', `fsync ${basename(dir)}`]);
  });

  it('an in-place rewrite (a single mounted file) is fsynced', () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"old":1}');
    replaceFile(path, '{"a longer new content":1}\n', { inPlace: true });
    // Once after claiming the space past the old end, once after the whole content.
    expect(calls).toEqual(['fsync config.json', 'fsync config.json']);
  });

  it('a new empty config is fsynced, and so is its directory', () => {
    createEmptyConfig(join(dir, 'config.json'));
    expect(calls).toEqual(['fsync config.json', `fsync ${basename(dir)}`]);
  });
});
