// An empty config (as `touch` leaves it) rewritten as `{}` stays what its owner made it: same
// owner, same mode. A host user's file must stay readable by them; only a login, which puts a
// token there, makes a file 0600. Needs root to hand files to other uids.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rewriteEmptyKeepingOwner } from '../../../src/config/atomic-write.ts';

const isRoot = process.getuid?.() === 0;
const sandbox = mkdtempSync(join(tmpdir(), 'k6p-reset-'));
chmodSync(sandbox, 0o755);
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

function emptyFile(name: string, uid: number, gid: number, mode: number): { dir: string; path: string } {
  const dir = mkdtempSync(join(sandbox, `${name}-`));
  chmodSync(dir, 0o777);
  const path = join(dir, 'config.json');
  writeFileSync(path, '');
  chownSync(path, uid, gid);
  chmodSync(path, mode);
  return { dir, path };
}

const MODULE = new URL('../../../src/config/atomic-write.ts', import.meta.url).pathname;

/** rewriteEmptyKeepingOwner run as another uid, which may write the file but not chown it. */
function resetAs(uid: number, path: string): { ok: boolean; output: string } {
  const script = `import { rewriteEmptyKeepingOwner } from ${JSON.stringify(MODULE)};
try { console.log(JSON.stringify(rewriteEmptyKeepingOwner(${JSON.stringify(path)}, '{}\\n', { inPlace: false }))); }
catch (error) { console.log('FAILED ' + error.code); }`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { uid, gid: uid, encoding: 'utf8' });
  return { ok: !output.startsWith('FAILED'), output };
}

describe.skipIf(!isRoot)('rewriteEmptyKeepingOwner', () => {
  it('as root: replaced by rename, keeping the host user\'s owner and mode (0644, not 0600)', () => {
    const { dir, path } = emptyFile('root', 1000, 1001, 0o644);
    expect(rewriteEmptyKeepingOwner(path, '{}\n', { inPlace: false }).method).toBe('rename');
    const stat = statSync(path);
    expect(readFileSync(path, 'utf8')).toBe('{}\n');
    expect([stat.uid, stat.gid, stat.mode & 0o7777]).toEqual([1000, 1001, 0o644]);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('as a uid that may write the file but not own it: rewritten in place, owner and mode untouched', () => {
    const { dir, path } = emptyFile('other', 2000, 2000, 0o666);
    const result = resetAs(12345, path);
    expect(result.output).toContain('"method":"in-place"');
    const stat = statSync(path);
    expect(readFileSync(path, 'utf8')).toBe('{}\n');
    expect([stat.uid, stat.gid, stat.mode & 0o7777]).toEqual([2000, 2000, 0o666]);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('as a uid that may not write the file: fails and leaves it as it was, even where the directory would allow a rename', () => {
    const { dir, path } = emptyFile('readonly', 2000, 2000, 0o644);
    const result = resetAs(12345, path);
    expect(result).toEqual({ ok: false, output: 'FAILED EACCES\n' });
    const stat = statSync(path);
    expect(readFileSync(path, 'utf8')).toBe('');
    expect([stat.uid, stat.mode & 0o7777]).toEqual([2000, 0o644]);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it("as the owner: replaced by rename, keeping the owner's mode", () => {
    const { path } = emptyFile('owner', 12345, 12345, 0o640);
    expect(resetAs(12345, path).output).toContain('"method":"rename"');
    const stat = statSync(path);
    expect([stat.uid, stat.gid, stat.mode & 0o7777]).toEqual([12345, 12345, 0o640]);
  });
});
