// Survivors of the mutation run of src/plan (03:22, b919a90) in k6-version.ts: which k6 major a
// login is planned for (k6 1.x gets -q with a secret's token, 2.x the saved stack). The image's
// record sits beside the bundle (__dirname), which source run by vitest does not have: the record
// reader is pointed at a directory the test writes, as the bundle's directory would be.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { k6MajorOf } from '../../../src/plan/k6-version.ts';
import { DEFAULT_K6_BIN } from '../../../src/settings/defaults.ts';

const image = vi.hoisted(() => ({ dir: '' }));
vi.mock('../../../src/credentials/k6-version.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/credentials/k6-version.ts')>();
  return { ...actual, readK6Major: (dir: string | undefined = image.dir) => actual.readK6Major(dir) };
});

const root = mkdtempSync(join(tmpdir(), 'k6p-major-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
image.dir = join(root, 'libexec');
mkdirSync(image.dir);
writeFileSync(join(image.dir, 'k6-version'), 'k6 v1.8.1 (commit/devel, go1.24.4, linux/amd64)\n');

describe('the k6 major a login is planned for', () => {
  // The image's own k6 has no record beside it; on a machine where one is there, this case is not this one.
  it.skipIf(existsSync(join(DEFAULT_K6_BIN, '..', 'k6-version')))('the image\'s own k6 (/usr/bin/k6) is the version the image recorded at build time', () => {
    expect(k6MajorOf(DEFAULT_K6_BIN)).toBe(1);
  });

  it('a k6 named elsewhere (K6_PERSIST_K6_BIN) without a record of its own is unknown: the image\'s record does not describe it', () => {
    const bin = join(root, 'custom');
    mkdirSync(bin);
    expect(k6MajorOf(join(bin, 'k6'))).toBeUndefined();
  });

  it('a k6 named elsewhere with its own record is the version of that record, not the image\'s', () => {
    const bin = join(root, 'custom2');
    mkdirSync(bin);
    writeFileSync(join(bin, 'k6-version'), 'k6 v2.2.0 (commit/devel, go1.26.5, linux/amd64)\n');
    expect(k6MajorOf(join(bin, 'k6'))).toBe(2);
  });
});
