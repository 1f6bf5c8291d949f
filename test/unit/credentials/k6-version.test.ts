// The k6 major version from the file the image records at build time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { K6_VERSION_FILE, parseK6Major, readK6Major } from '../../../src/credentials/k6-version.ts';

const dir = mkdtempSync(join(tmpdir(), 'k6p-version-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it.each([
  ['k6 v2.2.0 (commit/00a9a1b7f5, go1.26.5, linux/amd64)\n', 2],
  ['k6 v1.8.1 (commit/standin, go1.24.6, linux/arm64)\nExtensions:\n  k6 v9.0.0\n', 1],
  ['k6 v10.0.0-rc1 (x)', 10],
  ['', undefined],
  ['garbage\nk6 v2.2.0', undefined],
  ['k6 version 2.2.0', undefined],
  [' k6 v2.2.0', undefined],
])('parseK6Major(%j) is %s', (text, major) => {
  expect(parseK6Major(text)).toBe(major);
});

it('reads the file beside the bundle; absent or unparseable gives no version', () => {
  expect(readK6Major(dir)).toBeUndefined();
  writeFileSync(join(dir, K6_VERSION_FILE), 'k6 v2.1.0 (commit/x, go1.26.5, linux/amd64)\n');
  expect(readK6Major(dir)).toBe(2);
  writeFileSync(join(dir, K6_VERSION_FILE), 'not k6\n');
  expect(readK6Major(dir)).toBeUndefined();
  expect(readK6Major(undefined)).toBeUndefined();
});
