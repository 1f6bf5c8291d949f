// gatherFacts on a real file system: what it finds out about the config file, its directory,
// HOME and K6_CLOUD_TOKEN_FILE. The suite runs as root here, for whom every permission check
// passes, so "cannot write" is produced the one way that stops root too: a read-only tmpfs.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decidingDirectory, gatherFacts, isKubeletPayload, isUserNamespace } from '../../../src/plan/facts.ts';
import type { Settings } from '../../../src/settings/env.ts';

const root = mkdtempSync(join(tmpdir(), 'k6p-facts-'));
const mounted: string[] = [];
const servers: Server[] = [];
afterAll(() => {
  for (const server of servers) server.close();
  for (const dir of mounted.reverse()) execFileSync('umount', [dir]);
  rmSync(root, { recursive: true, force: true });
});

/** A tmpfs at `dir` made by `fill` and then remounted read-only; false where mounting is not allowed. */
function readOnlyTmpfs(dir: string, fill: (dir: string) => void): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0755', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return false;
  }
  mounted.push(dir);
  fill(dir);
  execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'ignore' });
  return true;
}

let readOnly = false;
const ro = join(root, 'ro');
beforeAll(() => {
  readOnly = readOnlyTmpfs(ro, (dir) => {
    mkdirSync(join(dir, 'vol'));
    writeFileSync(join(dir, 'vol', 'config.json'), '{}\n');
    mkdirSync(join(dir, 'payload', '..2026_01_02_03_04_05.1'), { recursive: true });
    writeFileSync(join(dir, 'payload', '..2026_01_02_03_04_05.1', 'config.json'), '{}\n');
    symlinkSync('..2026_01_02_03_04_05.1', join(dir, 'payload', '..data'));
    symlinkSync('..data/config.json', join(dir, 'payload', 'config.json'));
    mkdirSync(join(dir, 'home'));
  });
});

const emptyMountinfo = join(root, 'mountinfo-empty');
writeFileSync(emptyMountinfo, '');

function settings(extra: Partial<Settings> = {}): Settings {
  return {
    k6Binary: '/usr/libexec/k6-persist/k6',
    persistDir: undefined,
    quiet: false,
    debug: false,
    handover: 'auto',
    mountinfoPath: emptyMountinfo,
    pauseAt: undefined,
    ...extra,
  };
}

const home = join(root, 'home');
mkdirSync(home);
const facts = (argv: string[], env: NodeJS.ProcessEnv = { HOME: home }, extra: Partial<Settings> = {}) =>
  gatherFacts(argv, 'k6', env, settings(extra));

describe('the persistent file', () => {
  it('in a writable directory, missing: writable, nothing else to say', () => {
    const dir = mkdtempSync(join(root, 'vol-'));
    const found = facts(['run', 'x.js'], { HOME: home }, { persistDir: dir });
    expect(found.persistent).toStrictEqual({ path: join(dir, 'config.json'), state: { kind: 'missing' }, dirExists: true, writable: true });
    expect(found).not.toHaveProperty('userNamespace');
  });

  it('in a directory the wrapper may create (K6_PERSIST_DIR): writable, the directory missing', () => {
    const dir = join(mkdtempSync(join(root, 'vol-')), 'a', 'b');
    expect(facts(['run', 'x.js'], { HOME: home }, { persistDir: dir }).persistent).toStrictEqual({
      path: join(dir, 'config.json'),
      state: { kind: 'missing' },
      dirExists: false,
      writable: true,
    });
  });

  it('in a directory the user named that is missing: ENOENT, with the directory that decides', () => {
    const base = mkdtempSync(join(root, 'vol-'));
    const path = join(base, 'typo', 'config.json');
    const found = facts(['run', '-c', path, 'x.js']);
    const stat = statSync(base);
    expect(found.persistent).toStrictEqual({
      path,
      state: { kind: 'missing' },
      dirExists: false,
      writable: false,
      writeProblem: 'ENOENT',
      dir: { path: base, uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777 },
    });
    expect(found.userNamespace).toBe(false);
  });

  it('present, owner and mode as stat gives them', () => {
    const dir = mkdtempSync(join(root, 'vol-'));
    writeFileSync(join(dir, 'config.json'), '{"a":1}', { mode: 0o640 });
    const state = facts(['run', 'x.js'], { HOME: home }, { persistDir: dir }).persistent?.state;
    expect(state).toStrictEqual({ kind: 'present', text: '{"a":1}', uid: process.getuid!(), gid: process.getgid!(), mode: 0o640 });
  });

  it('a single file mounted at the path: writable only where it exists (it cannot be created)', () => {
    const dir = mkdtempSync(join(root, 'vol-'));
    const path = join(dir, 'config.json');
    const mountinfo = join(dir, 'mountinfo');
    writeFileSync(mountinfo, `1 0 0:1 / / rw - overlay overlay rw\n2 1 8:1 /srv/c.json ${path} rw - ext4 /dev/vda rw\n`);
    const missing = facts(['run', 'x.js'], { HOME: home }, { persistDir: dir, mountinfoPath: mountinfo });
    expect(missing.location.singleFile).toBe(true);
    expect(missing.persistent).toMatchObject({ writable: false, writeProblem: 'ENOENT' });
    writeFileSync(path, '{}');
    const present = facts(['run', 'x.js'], { HOME: home }, { persistDir: dir, mountinfoPath: mountinfo });
    expect(present.persistent).toMatchObject({ writable: true });
    expect(present.persistent).not.toHaveProperty('writeProblem');
  });

  it('on a read-only file system: EROFS, with the directory, and whether a user namespace shifts the uids', (context) => {
    if (!readOnly) return context.skip('mounting a tmpfs is not permitted here');
    const found = facts(['run', 'x.js'], { HOME: home }, { persistDir: join(ro, 'vol') });
    const stat = statSync(join(ro, 'vol'));
    expect(found.persistent).toMatchObject({
      state: { kind: 'present', text: '{}\n' },
      dirExists: true,
      writable: false,
      writeProblem: 'EROFS',
      dir: { path: join(ro, 'vol'), uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777 },
    });
    expect(found.persistent).not.toHaveProperty('kubeletPayload');
    expect(found.userNamespace).toBe(false);
  });

  it('a missing directory on a read-only file system cannot be created', (context) => {
    if (!readOnly) return context.skip('mounting a tmpfs is not permitted here');
    expect(facts(['run', 'x.js'], { HOME: home }, { persistDir: join(ro, 'new', 'dir') }).persistent).toMatchObject({
      dirExists: false,
      writable: false,
      writeProblem: 'EROFS',
    });
  });

  it("recognises kubelet's payload layout when the file cannot be saved", (context) => {
    if (!readOnly) return context.skip('mounting a tmpfs is not permitted here');
    const found = facts(['run', 'x.js'], { HOME: home }, { persistDir: join(ro, 'payload') });
    expect(found.persistent).toMatchObject({ kubeletPayload: true, writable: false });
    // Through the link, the save would land in the payload directory.
    expect(found.persistent?.dir?.path).toBe(join(ro, 'payload', '..2026_01_02_03_04_05.1'));
  });
});

describe('HOME', () => {
  // Named by what HOME is, not its value: a test name holding a temp path would differ in every
  // run, and Stryker finds the tests that cover a mutant by name.
  it.each<[string, boolean, string | undefined]>([
    ['a writable directory', true, home],
    ['unset', false, undefined],
    ['empty', false, ''],
    ['the root directory', false, '/'],
    ['missing', false, join(root, 'no-home')],
    ['a file', false, emptyMountinfo],
  ])('%s: usable %s', (_what, usable, value) => {
    expect(facts(['version'], value === undefined ? {} : { HOME: value }).homeUsable).toBe(usable);
  });

  it('on a read-only file system is not usable', (context) => {
    if (!readOnly) return context.skip('mounting a tmpfs is not permitted here');
    expect(facts(['version'], { HOME: join(ro, 'home') }).homeUsable).toBe(false);
  });
});

describe('K6_CLOUD_TOKEN_FILE', () => {
  it('is read as it is', () => {
    const path = join(root, 'token');
    writeFileSync(path, ' tok \n');
    expect(facts(['run', 'x.js'], { HOME: home, K6_CLOUD_TOKEN_FILE: path }).tokenFile).toStrictEqual({ path, content: ' tok \n' });
  });

  it('that cannot be read gives the reason', () => {
    const path = join(root, 'no-token');
    expect(facts(['run', 'x.js'], { HOME: home, K6_CLOUD_TOKEN_FILE: path }).tokenFile).toStrictEqual({ path, errorCode: 'ENOENT' });
  });

  it('set empty is not set', () => {
    expect(facts(['run', 'x.js'], { HOME: home, K6_CLOUD_TOKEN_FILE: '' })).not.toHaveProperty('tokenFile');
    expect(facts(['run', 'x.js'], { HOME: home })).not.toHaveProperty('tokenFile');
  });
});

describe('the process', () => {
  it('reports its ids, groups, execve and the input as given', () => {
    const env = { HOME: home, X: '1' };
    const found = gatherFacts(['run', 'x.js'], 'k6-name', env, settings());
    expect(found).toMatchObject({
      argv: ['run', 'x.js'],
      argv0: 'k6-name',
      env,
      uid: process.getuid!(),
      gid: process.getgid!(),
      groups: process.getgroups!(),
      execve: typeof (process as { execve?: unknown }).execve === 'function',
    });
    expect(found.args.command).toEqual(['run']);
  });

  it('reads the mount table it is given, and none when it cannot', () => {
    const mountinfo = join(root, 'mountinfo-config');
    writeFileSync(mountinfo, '1 0 0:1 / / rw - overlay overlay rw\n2 1 8:1 /var/lib/docker/volumes/v/_data /config rw - ext4 /dev/vda rw\n');
    expect(facts(['run', 'x.js'], { HOME: home }, { mountinfoPath: mountinfo }).location).toMatchObject({ source: 'mount', path: '/config/config.json' });
    expect(facts(['run', 'x.js'], { HOME: home }, { mountinfoPath: join(root, 'no-mountinfo') }).location.source).toBe('none');
  });
});

describe("k6's pre-v0.58 file beside the default one", () => {
  const token = (t: string) => JSON.stringify({ collectors: { cloud: { token: t } } });

  function homeWith(files: { current?: string; legacy?: string }): { env: NodeJS.ProcessEnv; mountinfo: string; current: string; legacy: string } {
    const h = mkdtempSync(join(root, 'home-'));
    const current = join(h, '.config', 'k6', 'config.json');
    const legacy = join(h, '.config', 'loadimpact', 'k6', 'config.json');
    mkdirSync(join(h, '.config', 'loadimpact', 'k6'), { recursive: true });
    if (files.legacy !== undefined) writeFileSync(legacy, files.legacy);
    if (files.current !== undefined) {
      mkdirSync(join(h, '.config', 'k6'));
      writeFileSync(current, files.current);
    }
    const mountinfo = join(h, 'mountinfo');
    writeFileSync(mountinfo, `1 0 0:1 / / rw - overlay overlay rw\n2 1 8:1 /var/lib/docker/volumes/v/_data ${h}/.config rw - ext4 /dev/vda rw\n`);
    return { env: { HOME: h }, mountinfo, current, legacy };
  }

  it.each<[string, { current?: string; legacy?: string }, boolean]>([
    ['the new one missing, the old one holding a login', { legacy: token('old') }, true],
    ['the new one missing, the old one holding other settings', { legacy: '{"collectors":{}}' }, true],
    ['the new one without a token, the old one with one', { current: '{}', legacy: token('old') }, true],
    ['the new one empty, the old one with a token', { current: '', legacy: token('old') }, true],
    ['both with a token', { current: token('new'), legacy: token('old') }, false],
    ['the new one without a token, the old one without either', { current: '{}', legacy: '{"x":1}' }, false],
    ['the old one empty', { legacy: '' }, false],
    ['the old one broken', { legacy: '{oops' }, false],
    ['no old one', {}, false],
  ])('%s: found %s', (_what, files, expected) => {
    const { env, mountinfo, legacy } = homeWith(files);
    const found = facts(['run', 'x.js'], env, { mountinfoPath: mountinfo }).persistent;
    if (expected) expect(found?.legacy).toStrictEqual({ path: legacy, text: files.legacy });
    else expect(found).not.toHaveProperty('legacy');
  });

  it('is not looked for when the config is not the default one', () => {
    const { env, legacy } = homeWith({ legacy: token('old') });
    const dir = mkdtempSync(join(root, 'vol-'));
    expect(facts(['run', 'x.js'], env, { persistDir: dir }).persistent).not.toHaveProperty('legacy');
    expect(legacy).toContain('loadimpact');
  });

  it('is not looked for beside a file that cannot be read', () => {
    const { env, mountinfo, current } = homeWith({ legacy: token('old') });
    mkdirSync(current, { recursive: true });
    const found = facts(['run', 'x.js'], env, { mountinfoPath: mountinfo }).persistent;
    expect(found?.state.kind).toBe('directory');
    expect(found).not.toHaveProperty('legacy');
  });
});

describe('decidingDirectory', () => {
  it('is the directory of the file, when it exists', () => {
    const dir = mkdtempSync(join(root, 'd-'));
    const stat = statSync(dir);
    expect(decidingDirectory(join(dir, 'config.json'))).toStrictEqual({ path: dir, uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777 });
  });

  it('is the nearest existing ancestor otherwise', () => {
    const dir = mkdtempSync(join(root, 'd-'));
    expect(decidingDirectory(join(dir, 'a', 'b', 'config.json'))?.path).toBe(dir);
  });

  it('is none when a file stands in the way', () => {
    const dir = mkdtempSync(join(root, 'd-'));
    writeFileSync(join(dir, 'file'), '');
    expect(decidingDirectory(join(dir, 'file', 'config.json'))).toBeUndefined();
  });

  it('is the directory of a link target', () => {
    const dir = mkdtempSync(join(root, 'd-'));
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'config.json'), '{}');
    symlinkSync(join(dir, 'real', 'config.json'), join(dir, 'config.json'));
    expect(decidingDirectory(join(dir, 'config.json'))?.path).toBe(join(dir, 'real'));
  });

  it('is "/" for a file at the top', () => {
    expect(decidingDirectory('/no-such-dir-k6p/x/config.json')?.path).toBe('/');
  });
});

describe('isKubeletPayload', () => {
  it("is a link into kubelet's ..data directory, and nothing else", () => {
    const dir = mkdtempSync(join(root, 'k-'));
    symlinkSync('..data/config.json', join(dir, 'payload.json'));
    symlinkSync('other/config.json', join(dir, 'other.json'));
    symlinkSync('x/..data/config.json', join(dir, 'deeper.json'));
    writeFileSync(join(dir, 'plain.json'), '');
    expect(isKubeletPayload(join(dir, 'payload.json'))).toBe(true);
    expect(isKubeletPayload(join(dir, 'other.json'))).toBe(false);
    expect(isKubeletPayload(join(dir, 'deeper.json'))).toBe(false);
    expect(isKubeletPayload(join(dir, 'plain.json'))).toBe(false);
    expect(isKubeletPayload(join(dir, 'missing.json'))).toBe(false);
  });
});

describe('isUserNamespace', () => {
  it.each([
    ['         0          0 4294967295\n', false],
    ['0 0 4294967295', false],
    ['\t0\t0\t4294967295  \n\n', false],
    ['', false],
    ['\n \n', false],
    ['         0       1000      65536\n', true],
    ['0 0 4294967294', true],
    ['1 0 4294967295', true],
    ['0 0 4294967295\n1 100000 65536\n', true],
  ])('%j: %s', (map, shifted) => {
    expect(isUserNamespace(map)).toBe(shifted);
  });
});

describe('more of the save problem', () => {
  const levels = (base: string, count: number) => join(base, ...Array.from({ length: count }, () => 'd'));

  it('a directory the wrapper would make is looked up at most 64 levels, then given up as missing', () => {
    const base = mkdtempSync(join(root, 'deep-'));
    expect(facts(['run', 'x.js'], { HOME: home }, { persistDir: levels(base, 63) }).persistent).toMatchObject({ writable: true });
    expect(facts(['run', 'x.js'], { HOME: home }, { persistDir: levels(base, 64) }).persistent).toMatchObject({ writable: false, writeProblem: 'ENOENT' });
  });

  it('a path the user named in an existing directory is writable', () => {
    const dir = mkdtempSync(join(root, 'vol-'));
    expect(facts(['run', '-c', join(dir, 'config.json'), 'x.js']).persistent).toMatchObject({ writable: true, dirExists: true });
  });

  it('a path named by K6_CONFIG in a missing directory is not made either', () => {
    const path = join(mkdtempSync(join(root, 'vol-')), 'typo', 'config.json');
    const found = facts(['run', 'x.js'], { HOME: home, K6_CONFIG: path });
    expect(found.location.source).toBe('K6_CONFIG');
    expect(found.persistent).toMatchObject({ path, writable: false, writeProblem: 'ENOENT' });
  });

  it('a single mounted "file" that is a directory cannot be saved', () => {
    const dir = mkdtempSync(join(root, 'vol-'));
    const path = join(dir, 'config.json');
    mkdirSync(path);
    const mountinfo = join(dir, 'mountinfo');
    writeFileSync(mountinfo, `1 0 0:1 / / rw - overlay overlay rw\n2 1 8:1 /srv/c.json ${path} rw - ext4 /dev/vda rw\n`);
    expect(facts(['run', 'x.js'], { HOME: home }, { persistDir: dir, mountinfoPath: mountinfo }).persistent).toMatchObject({
      state: { kind: 'directory' },
      writable: false,
      writeProblem: 'ENOENT',
    });
  });

  it('a file that cannot be opened brings the deciding directory and the user namespace along', async () => {
    const dir = mkdtempSync(join(root, 'vol-'));
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(join(dir, 'config.json'), resolve));
    const found = facts(['run', 'x.js'], { HOME: home }, { persistDir: dir });
    expect(found.persistent).toMatchObject({ state: { kind: 'unreadable', code: 'ENXIO' }, writable: true, dir: { path: dir } });
    expect(found.userNamespace).toBe(false);
  });

  it('no config location, nothing troubled: no user namespace looked up', () => {
    const found = facts(['run', 'x.js'], { HOME: home });
    expect(found.location.source).toBe('none');
    expect(found).not.toHaveProperty('persistent');
    expect(found).not.toHaveProperty('userNamespace');
  });
});

describe('where the config is looked for', () => {
  it('K6_CONFIG from the environment', () => {
    expect(facts(['run', 'x.js'], { HOME: home, K6_CONFIG: '/data/k6.json' }).location).toMatchObject({ source: 'K6_CONFIG', path: '/data/k6.json' });
  });

  it('a volume at $XDG_CONFIG_HOME/k6', () => {
    const mountinfo = join(root, 'mountinfo-xdg');
    writeFileSync(mountinfo, '1 0 0:1 / / rw - overlay overlay rw\n2 1 8:1 /var/lib/docker/volumes/v/_data /xdg/k6 rw - ext4 /dev/vda rw\n');
    expect(facts(['run', 'x.js'], { HOME: home, XDG_CONFIG_HOME: '/xdg' }, { mountinfoPath: mountinfo }).location).toMatchObject({
      source: 'mount',
      path: '/xdg/k6/config.json',
    });
  });

  it('no pre-v0.58 file beside a k6/config.json that is not k6\'s default one', () => {
    const base = mkdtempSync(join(root, 'not-default-'));
    mkdirSync(join(base, 'k6'));
    mkdirSync(join(base, 'loadimpact', 'k6'), { recursive: true });
    writeFileSync(join(base, 'loadimpact', 'k6', 'config.json'), JSON.stringify({ collectors: { cloud: { token: 'old' } } }));
    expect(facts(['run', 'x.js'], { HOME: home }, { persistDir: join(base, 'k6') }).persistent).not.toHaveProperty('legacy');
  });
});

describe('decidingDirectory, further', () => {
  it('gives up after 64 missing levels', () => {
    const base = mkdtempSync(join(root, 'deep-'));
    const levels = (count: number) => join(base, ...Array.from({ length: count }, () => 'd'), 'config.json');
    expect(decidingDirectory(levels(63))?.path).toBe(base);
    expect(decidingDirectory(levels(64))).toBeUndefined();
  });

  it('is none when a link loop stands in the way', () => {
    const dir = mkdtempSync(join(root, 'd-'));
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    expect(decidingDirectory(join(dir, 'loop-a', 'config.json'))).toBeUndefined();
  });
});

describe("the real k6's major version, as the image recorded it", () => {
  it('is read for a login from k6-version beside K6_PERSIST_K6_BIN, as `k6 version` printed it', () => {
    const dir = mkdtempSync(join(root, 'bin-'));
    writeFileSync(join(dir, 'k6-version'), 'k6 v1.8.1 (commit/73b044f9f9, go1.25.1, linux/amd64)\n');
    expect(facts(['cloud', 'login', '--stack', 's'], { HOME: home }, { k6Binary: join(dir, 'k6') }).k6Major).toBe(1);
  });

  it('is not read for anything but a login, and is unknown without a record or with one that names no version', () => {
    const dir = mkdtempSync(join(root, 'bin-'));
    writeFileSync(join(dir, 'k6-version'), 'k6 v2.2.0\n');
    expect(facts(['cloud', 'login'], { HOME: home }, { k6Binary: join(dir, 'k6') }).k6Major).toBe(2);
    expect(facts(['run', 'x.js'], { HOME: home }, { k6Binary: join(dir, 'k6') })).not.toHaveProperty('k6Major');
    // A k6 named elsewhere with no record: the image's own record (beside the wrapper) is not its.
    expect(facts(['cloud', 'login'], { HOME: home }, { k6Binary: join(root, 'nowhere', 'k6') })).not.toHaveProperty('k6Major');
    writeFileSync(join(dir, 'k6-version'), 'k6 (devel)\n');
    expect(facts(['cloud', 'login'], { HOME: home }, { k6Binary: join(dir, 'k6') })).not.toHaveProperty('k6Major');
  });
});
