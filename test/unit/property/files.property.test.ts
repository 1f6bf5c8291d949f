// The file layer on hostile directories (issue 5): random trees of regular files, directories,
// FIFOs and symlinks (dangling ones, loops, chains) at and around the config path. Reading never
// throws and never blocks; replacing either writes exactly the new content through to the real
// file or fails with a ConfigWriteError that changed nothing; no temp or lock file is left either way.
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fse from 'fs-extra';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigWriteError, replaceFile } from '../../../src/config/atomic-write.ts';
import { lockPathFor, withConfigLock } from '../../../src/config/lock.ts';
import { readConfigFile } from '../../../src/config/read.ts';

const NAMES = ['config.json', 'a', 'b', 'c'] as const;
type Name = (typeof NAMES)[number];

type Node =
  | { kind: 'absent' }
  | { kind: 'file'; content: string }
  | { kind: 'dir' }
  | { kind: 'fifo' }
  | { kind: 'link'; to: Name | 'missing' | 'dir-of-a' };

const nodeArb: fc.Arbitrary<Node> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Node>({ kind: 'absent' }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map((content): Node => ({ kind: 'file', content })) },
  { weight: 1, arbitrary: fc.constant<Node>({ kind: 'dir' }) },
  { weight: 1, arbitrary: fc.constant<Node>({ kind: 'fifo' }) },
  { weight: 4, arbitrary: fc.constantFrom<Name | 'missing' | 'dir-of-a'>(...NAMES, 'missing', 'dir-of-a').map((to): Node => ({ kind: 'link', to })) },
);
const treeArb = fc.record(Object.fromEntries(NAMES.map((name) => [name, nodeArb])) as Record<Name, fc.Arbitrary<Node>>);

const roots: string[] = [];
afterAll(() => roots.forEach((dir) => fse.removeSync(dir)));

function build(tree: Record<Name, Node>): string {
  const dir = mkdtempSync(join(tmpdir(), 'k6p-prop-files-'));
  roots.push(dir);
  for (const name of NAMES) {
    const node = tree[name];
    const path = join(dir, name);
    switch (node.kind) {
      case 'file':
        writeFileSync(path, node.content);
        break;
      case 'dir':
        mkdirSync(path);
        break;
      case 'fifo':
        execFileSync('mkfifo', [path]);
        break;
      case 'link':
        symlinkSync(node.to === 'dir-of-a' ? 'a/x' : node.to, path);
        break;
      case 'absent':
        break;
    }
  }
  return dir;
}

function regularFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const stat = lstatSync(join(dir, name));
    if (stat.isFile()) files.set(name, readFileSync(join(dir, name), 'latin1'));
  }
  return files;
}

function isLeftover(name: string): boolean {
  return name.includes('.k6-persist-') || name.endsWith('.k6-persist.lock');
}

describe('reading and replacing the config among random symlinks, FIFOs and directories', () => {
  it('readConfigFile never throws, never blocks on a FIFO, and says ELOOP for a loop', () => {
    fc.assert(
      fc.property(treeArb, (tree) => {
        const dir = build(tree);
        const path = join(dir, 'config.json');
        const state = readConfigFile(path);
        expect(['missing', 'dangling-link', 'directory', 'not-regular', 'unreadable', 'too-large', 'present']).toContain(state.kind);
        let real: string | undefined;
        try {
          real = realpathSync(path);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ELOOP') expect(state).toEqual({ kind: 'unreadable', code: 'ELOOP' });
          // A link whose chain ends nowhere: never taken for a missing file that may be created.
          if (code === 'ENOENT' && tree['config.json'].kind === 'link') expect(state.kind).toBe('dangling-link');
        }
        if (real !== undefined) {
          const stat = statSync(real);
          if (stat.isFile()) expect(state).toMatchObject({ kind: 'present', text: readFileSync(real, 'utf8') });
          if (stat.isDirectory()) expect(state.kind).toBe('directory');
          if (stat.isFIFO()) expect(state.kind).toBe('not-regular');
        }
      }),
      { numRuns: 300 },
    );
    // 300 trees, each with a mkfifo process: seconds on a busy machine.
  }, 60_000);

  it('replaceFile writes through to the real file or fails with a ConfigWriteError that changed nothing, leaving no temp file', () => {
    // Either branch satisfies the property, so the successes are counted and the plain cases
    // (a regular file, or nothing yet) must succeed: a replaceFile that always refused would pass otherwise.
    let written = 0;
    let refused = 0;
    fc.assert(
      fc.property(treeArb, fc.string({ maxLength: 40 }), (tree, content) => {
        const plain = tree['config.json'].kind === 'file' || tree['config.json'].kind === 'absent';
        const dir = build(tree);
        const path = join(dir, 'config.json');
        const before = regularFiles(dir);
        let target: string | undefined;
        try {
          target = realpathSync(path);
        } catch {
          // A loop, a dangling link or nothing at all: see below.
        }
        try {
          const outcome = replaceFile(path, content);
          // Never onto a directory, and never by replacing a link (it writes through to the target).
          // (A FIFO or other non-file is refused before this point: session.ts reads first.)
          expect(target === undefined || !statSync(target).isDirectory()).toBe(true);
          if (tree['config.json'].kind === 'link') expect(lstatSync(path).isSymbolicLink()).toBe(true);
          expect(readFileSync(outcome.path, 'utf8')).toBe(content);
          expect(statSync(outcome.path).mode & 0o777).toBe(0o600);
          // Nothing else changed.
          for (const [name, bytes] of before) {
            if (join(dir, name) !== outcome.path) expect(readFileSync(join(dir, name), 'latin1')).toBe(bytes);
          }
          written += 1;
        } catch (error) {
          refused += 1;
          expect(plain, `refused to replace a ${tree['config.json'].kind}: ${String(error)}`).toBe(false);
          expect(error).toBeInstanceOf(ConfigWriteError);
          expect(regularFiles(dir)).toEqual(before);
          if (tree['config.json'].kind === 'link') expect(lstatSync(path).isSymbolicLink()).toBe(true);
        }
        expect(readdirSync(dir).filter(isLeftover)).toEqual([]);
      }),
      { numRuns: 300 },
    );
    expect(written).toBeGreaterThan(60);
    expect(refused).toBeGreaterThan(30);
  }, 60_000);

  it('withConfigLock releases the lock whatever the body does, and serialises nested attempts by timing out', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('return', 'throw', 'errno'), { minLength: 1, maxLength: 4 }), (bodies) => {
        const dir = mkdtempSync(join(tmpdir(), 'k6p-prop-lock-'));
        roots.push(dir);
        const path = join(dir, 'config.json');
        for (const body of bodies) {
          try {
            withConfigLock(path, () => {
              // While held, a second attempt cannot get in (it times out quickly here).
              expect(() => withConfigLock(path, () => 'inner', 60)).toThrow(/timed out/);
              if (body === 'throw') throw new Error('body failed');
              if (body === 'errno') throw Object.assign(new Error('ENOSPC: no space'), { code: 'ENOSPC' });
              return 'ok';
            });
          } catch (error) {
            expect(body).not.toBe('return');
            expect((error as Error).message).toMatch(/body failed|no space/);
          }
          expect(readdirSync(dir)).toEqual([]);
        }
        expect(() => statSync(lockPathFor(path))).toThrow();
      }),
      { numRuns: 10 },
    );
  }, 30_000);
});

