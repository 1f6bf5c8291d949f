import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync, mkdirSync, lstatSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fse from 'fs-extra';
import { UNPRIVILEGED, reachableDir, removeDir, stageNode, stageScript } from '../../process/stage.ts';
import { ConfigWriteError, createEmptyConfig, replaceFile, type WriteStep } from '../../../src/config/atomic-write.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'k6p-write-'));
});
afterEach(() => {
  fse.removeSync(dir);
});

const isRoot = process.getuid?.() === 0;

describe('replaceFile', () => {
  it('replaces the content by rename, with mode 0600, leaving no temp file', () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"old":true}', { mode: 0o644 });
    const outcome = replaceFile(path, '{"new":true}\n');
    expect(outcome).toEqual({ method: 'rename', path });
    expect(readFileSync(path, 'utf8')).toBe('{"new":true}\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('creates the file when it does not exist', () => {
    const path = join(dir, 'config.json');
    replaceFile(path, '{}\n');
    expect(readFileSync(path, 'utf8')).toBe('{}\n');
  });

  it.runIf(isRoot)('keeps the owner of the file it replaces', () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{}');
    execFileSync('chown', ['4321:4322', path]);
    replaceFile(path, '{"a":1}\n');
    const stat = statSync(path);
    expect([stat.uid, stat.gid]).toEqual([4321, 4322]);
  });

  it('writes through a symlink to its target instead of replacing the link', () => {
    const target = join(dir, 'real.json');
    const link = join(dir, 'config.json');
    writeFileSync(target, '{}');
    symlinkSync('real.json', link);
    replaceFile(link, '{"a":1}\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('real.json');
    expect(readFileSync(target, 'utf8')).toBe('{"a":1}\n');
  });

  it('refuses a dangling symlink rather than replacing it', () => {
    const link = join(dir, 'config.json');
    symlinkSync('missing.json', link);
    expect(() => replaceFile(link, '{}')).toThrow(ConfigWriteError);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('reports ELOOP for a symlink loop, untouched', () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    symlinkSync(b, a);
    symlinkSync(a, b);
    try {
      replaceFile(a, '{}');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigWriteError);
      expect((error as ConfigWriteError).code).toBe('ELOOP');
    }
  });

  it('fails with EACCES in a directory it may not write, leaving the old file', async () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, 'old');
    chmodSync(dir, 0o555);
    const stage = reachableDir('k6p-write-stage-');
    try {
      if (!isRoot) {
        expect(() => replaceFile(path, 'new')).toThrow(/EACCES/);
      } else {
        // Root may write anywhere: the same call, made by an unprivileged user in a child, from
        // files staged outside the checkout (which that user may not be able to reach).
        const node = stageNode(stage);
        const script = await stageScript(stage, 'replace.mjs', `import { replaceFile } from './src/config/atomic-write.ts';
          try { replaceFile(process.argv[2], 'new'); console.log('written'); } catch (e) { console.log(e.name, e.code); }`);
        const said = execFileSync(node, [script, path], { ...UNPRIVILEGED, encoding: 'utf8' });
        expect(said.trim()).toBe('ConfigWriteError EACCES');
      }
      expect(readFileSync(path, 'utf8')).toBe('old');
      expect(readdirSync(dir)).toEqual(['config.json']);
    } finally {
      chmodSync(dir, 0o700);
      removeDir(stage);
    }
  });

  it('goes through its steps in order: write, sync, rename, verify', () => {
    const path = join(dir, 'config.json');
    const steps: WriteStep[] = [];
    replaceFile(path, '{}', { onStep: (step) => steps.push(step) });
    expect(steps).toEqual(['write', 'sync', 'rename', 'verify']);
  });

  it('never leaves the target half-written when a step throws before the rename', () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"old":1}');
    expect(() =>
      replaceFile(path, '{"new":1}', {
        onStep: (step) => {
          if (step === 'rename') throw Object.assign(new Error('simulated crash'), { code: 'EIO' });
        },
      }),
    ).toThrow(/simulated crash/);
    expect(readFileSync(path, 'utf8')).toBe('{"old":1}');
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('reads the file back: what differs from what was written is an error that says the file changed', () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"old":1}');
    try {
      replaceFile(path, '{"new":1}', {
        onStep: (step) => {
          // Something between the write and the read-back (a faulty file system, another hand).
          if (step === 'verify') writeFileSync(path, '{"other":1}');
        },
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigWriteError);
      expect(error).toMatchObject({ code: 'EMISMATCH', step: 'verify', fileChanged: true });
    }
  });

  it('rewrites in place when asked (a single file mounted over the path)', () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"a much longer old content":1}');
    const outcome = replaceFile(path, '{"b":2}\n', { inPlace: true });
    expect(outcome.method).toBe('in-place');
    expect(readFileSync(path, 'utf8')).toBe('{"b":2}\n');
  });
});

// The real EBUSY: a file bind-mounted over another cannot be renamed onto. Needs root (mount).
function tryBindMount(source: string, target: string): boolean {
  try {
    execFileSync('mount', ['--bind', source, target], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('replaceFile on a single-file bind mount', () => {
  it.runIf(isRoot)('falls back to an in-place write when rename answers EBUSY', (context) => {
    const host = join(dir, 'host.json');
    const mounted = join(dir, 'mnt', 'config.json');
    mkdirSync(join(dir, 'mnt'));
    writeFileSync(host, '{"old":"content that is longer than the new one"}');
    writeFileSync(mounted, '');
    if (!tryBindMount(host, mounted)) {
      context.skip('mount --bind is not permitted here');
      return;
    }
    try {
      const outcome = replaceFile(mounted, '{"new":1}\n');
      expect(outcome.method).toBe('in-place');
      // The host side of the mount sees the new content: nothing was written beside it.
      expect(readFileSync(host, 'utf8')).toBe('{"new":1}\n');
      expect(readdirSync(join(dir, 'mnt'))).toEqual(['config.json']);
    } finally {
      execFileSync('umount', [mounted]);
    }
  });
});

describe('createEmptyConfig', () => {
  it('creates {} with mode 0600', () => {
    const path = join(dir, 'config.json');
    expect(createEmptyConfig(path)).toBe('created');
    expect(readFileSync(path, 'utf8')).toBe('{}\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('never touches a file that already exists', () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, 'precious');
    expect(createEmptyConfig(path)).toBe('exists');
    expect(readFileSync(path, 'utf8')).toBe('precious');
  });
});
