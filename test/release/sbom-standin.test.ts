// The SBOM scanner stand-in (test/release/sbom-standin/scan.cjs) speaks BuildKit's SBOM generator
// protocol: one in-toto statement with an SPDX document per file system it is given, each regular
// file listed with its SHA-256, symlinks and directories not, nothing written for file systems it
// was not given.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const SCANNER = join(dirname(fileURLToPath(import.meta.url)), 'sbom-standin', 'scan.cjs');
const work = mkdtempSync(join(tmpdir(), 'k6p-sbom-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

it('writes <name>.spdx.json for the source and each extra, listing regular files with their SHA-256', () => {
  const core = join(work, 'src', 'core', 'sbom');
  const extras = join(work, 'src', 'extras');
  const out = join(work, 'out');
  for (const d of [join(core, 'usr', 'bin'), join(extras, 'sbom-build'), out]) mkdirSync(d, { recursive: true });
  writeFileSync(join(core, 'usr', 'bin', 'tool'), 'binary');
  symlinkSync('tool', join(core, 'usr', 'bin', 'alias'));
  writeFileSync(join(extras, 'sbom-build', 'a.txt'), 'a');

  execFileSync(process.execPath, [SCANNER], { env: { BUILDKIT_SCAN_DESTINATION: out, BUILDKIT_SCAN_SOURCE: core, BUILDKIT_SCAN_SOURCE_EXTRAS: extras } });

  expect(readdirSync(out).sort()).toEqual(['sbom-build.spdx.json', 'sbom.spdx.json']);
  const statement = JSON.parse(readFileSync(join(out, 'sbom.spdx.json'), 'utf8'));
  expect(statement).toMatchObject({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://spdx.dev/Document', predicate: { spdxVersion: 'SPDX-2.3', name: 'sbom' } });
  expect(statement.predicate.files.map((f: { fileName: string; checksums: Array<{ checksumValue: string }> }) => [f.fileName, f.checksums[0]?.checksumValue])).toEqual([['./usr/bin/tool', sha('binary')]]);
});

it('refuses to run without the variables BuildKit sets', () => {
  expect(() => execFileSync(process.execPath, [SCANNER], { env: {}, stdio: 'pipe' })).toThrow(/BUILDKIT_SCAN_DESTINATION and BUILDKIT_SCAN_SOURCE must be set/);
});
