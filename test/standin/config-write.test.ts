// What a login does to config.json: content rewrite, permissions, ownership failures, read-only
// mounts, and the non-atomic in-place write (docs/k6-behaviour.md WRITE-1 to WRITE-9).
import fs from 'node:fs';
import path from 'node:path';
import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import {
  OTHER_UID,
  STACK,
  TOKEN,
  VERSIONS,
  type Version,
  cloudCollector,
  cloudEnv,
  errorMessages,
  isRoot,
  k6,
  k6Under,
  readJson,
  saveTokenArgs,
  scriptedServer,
  spawnK6,
  standardCloud,
  tempDir,
  writeJson,
} from './support.ts';

const configOf = (home: string) => path.join(home, '.config', 'k6', 'config.json');
const mode = (p: string) => fs.statSync(p).mode & 0o777;
const PRIVATE: readonly Version[] = ['2.1.0', '2.2.0'];
const OPEN: readonly Version[] = ['1.8.1', '2.0.0'];

describe.each(VERSIONS)('k6 %s login rewrites config.json', (version) => {
  async function login(home: string, options: { uid?: number; env?: Record<string, string> } = {}) {
    const cloud = await standardCloud();
    return k6(version, saveTokenArgs(version), {
      home,
      env: { ...cloudEnv(cloud), ...options.env },
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
  }

  it('drops unknown top-level keys', async () => {
    const home = tempDir();
    writeJson(configOf(home), { myWrapperState: { volume: 'x' }, vus: 2 });
    expect((await login(home)).exitCode).toBe(0);
    expect(readJson(configOf(home))).not.toHaveProperty('myWrapperState');
  });

  it('keeps known option values and writes absent known options as null', async () => {
    const home = tempDir();
    writeJson(configOf(home), { vus: 2, userAgent: 'ua' });
    expect((await login(home)).exitCode).toBe(0);
    const written = readJson(configOf(home));
    expect(written).toMatchObject({ vus: 2, userAgent: 'ua', duration: null, iterations: null, linger: null, out: null });
  });

  it('keeps other collectors', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { influxdb: { addr: 'http://db:8086', db: 'k6' } } });
    expect((await login(home)).exitCode).toBe(0);
    expect(readJson(configOf(home))['collectors']).toMatchObject({ influxdb: { addr: 'http://db:8086', db: 'k6' } });
  });

  it('replaces collectors.cloud with the known cloud keys only', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: 'old', projectID: 12, customThing: 'gone' } } });
    expect((await login(home)).exitCode).toBe(0);
    const cloud = (readJson(configOf(home))['collectors'] as Record<string, Record<string, unknown>>)['cloud'];
    expect(cloud).not.toHaveProperty('customThing');
    expect(cloud).toMatchObject({ token: TOKEN, projectID: 12, name: null, host: null });
  });

  it('writes two-space indented JSON without a final newline', async () => {
    const home = tempDir();
    expect((await login(home)).exitCode).toBe(0);
    const text = fs.readFileSync(configOf(home), 'utf8');
    expect(text.startsWith('{\n  "')).toBe(true);
    expect(text).toMatch(/\n {2}"collectors": \{\n {4}"cloud": \{\n {6}"stackID": /);
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
  });

  it('E6: an empty (touched) file fails the login and the commands that read it', async () => {
    const home = tempDir();
    fs.mkdirSync(path.dirname(configOf(home)), { recursive: true });
    fs.writeFileSync(configOf(home), '');
    fs.writeFileSync(path.join(home, 'script.js'), '');
    const parseError = `couldn't parse the configuration from ${JSON.stringify(configOf(home))}: unexpected end of JSON input`;
    const result = await login(home);
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toEqual([parseError]);
    for (const args of [
      ['run', '-q', 'script.js'],
      ['inspect', '--execution-requirements', 'script.js'],
    ]) {
      const read = await k6(version, args, { home });
      expect(read.exitCode, args.join(' ')).toBe(104);
      expect(errorMessages(read.stderr)).toEqual([`failed to load the configuration file from the local file system: ${parseError}`]);
    }
    expect(fs.readFileSync(configOf(home), 'utf8')).toBe('');
  });

  it.runIf(isRoot)('exits 255 when the directory cannot be created (HOME not writable, as with docker --user)', async () => {
    const home = tempDir();
    fs.chmodSync(home, 0o755);
    const result = await login(home, { uid: OTHER_UID });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toContain(`mkdir ${path.join(home, '.config')}: permission denied`);
  });
});

describe.each(OPEN)('file permissions, %s (up to 2.0)', (version) => {
  it('creates the directory 0755 and the file 0644 (before umask) and leaves existing modes alone', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    expect((await k6(version, saveTokenArgs(version), { home, env: cloudEnv(cloud) })).exitCode).toBe(0);
    expect(mode(path.dirname(configOf(home)))).toBe(0o755 & ~process.umask());
    expect(mode(configOf(home))).toBe(0o644 & ~process.umask());
    fs.chmodSync(path.dirname(configOf(home)), 0o770);
    fs.chmodSync(configOf(home), 0o640);
    expect((await k6(version, saveTokenArgs(version), { home, env: cloudEnv(cloud) })).exitCode).toBe(0);
    expect(mode(path.dirname(configOf(home)))).toBe(0o770);
    expect(mode(configOf(home))).toBe(0o640);
  });

  it('E3: -c config.json (relative) leaves the working directory\'s mode alone', async () => {
    const cwd = tempDir();
    writeJson(path.join(cwd, 'config.json'), {});
    fs.chmodSync(cwd, 0o755);
    const cloud = await standardCloud();
    const result = await k6(version, [...saveTokenArgs(version), '-c', 'config.json'], { home: tempDir(), cwd, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(mode(cwd)).toBe(0o755);
  });

  it.runIf(isRoot)('writes into a writable directory and file it does not own', async () => {
    const home = tempDir();
    const volume = path.join(home, 'volume');
    fs.mkdirSync(volume);
    fs.chmodSync(volume, 0o777);
    const file = path.join(volume, 'config.json');
    writeJson(file, {});
    fs.chmodSync(file, 0o666);
    const cloud = await standardCloud();
    const result = await k6(version, [...saveTokenArgs(version), '-c', file], {
      home,
      env: cloudEnv(cloud),
      uid: OTHER_UID,
      gid: OTHER_UID,
    });
    expect(result.exitCode).toBe(0);
    expect(readJson(file)['collectors']).toMatchObject({ cloud: { token: TOKEN } });
  });
});

describe.each(PRIVATE)('file permissions, %s (2.1+: 0700/0600 and chmod)', (version) => {
  it('creates the directory 0700 and the file 0600', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    expect((await k6(version, saveTokenArgs(version), { home, env: cloudEnv(cloud) })).exitCode).toBe(0);
    expect(mode(path.dirname(configOf(home)))).toBe(0o700);
    expect(mode(configOf(home))).toBe(0o600);
  });

  it('chmods an existing directory and file to 0700 and 0600', async () => {
    const home = tempDir();
    writeJson(configOf(home), {}, 0o644);
    fs.chmodSync(path.dirname(configOf(home)), 0o755);
    const cloud = await standardCloud();
    expect((await k6(version, saveTokenArgs(version), { home, env: cloudEnv(cloud) })).exitCode).toBe(0);
    expect(mode(path.dirname(configOf(home)))).toBe(0o700);
    expect(mode(configOf(home))).toBe(0o600);
  });

  it('E3: -c config.json (relative) chmods the working directory to 0700', async () => {
    const cwd = tempDir();
    writeJson(path.join(cwd, 'config.json'), {});
    fs.chmodSync(cwd, 0o755);
    const cloud = await standardCloud();
    const result = await k6(version, [...saveTokenArgs(version), '-c', 'config.json'], { home: tempDir(), cwd, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(mode(cwd)).toBe(0o700);
    expect(cloudCollector(path.join(cwd, 'config.json'))['token']).toBe(TOKEN);
  });

  it.runIf(isRoot)('fails with EPERM and exit 255 on a writable directory it does not own, writing nothing', async () => {
    const home = tempDir();
    const volume = path.join(home, 'volume');
    fs.mkdirSync(volume, { mode: 0o777 });
    fs.chmodSync(volume, 0o777);
    const file = path.join(volume, 'config.json');
    writeJson(file, { vus: 1 }, 0o666);
    fs.chmodSync(file, 0o666);
    const before = fs.readFileSync(file, 'utf8');
    const cloud = await standardCloud();
    const result = await k6(version, [...saveTokenArgs(version), '-c', file], {
      home,
      env: cloudEnv(cloud),
      uid: OTHER_UID,
      gid: OTHER_UID,
    });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toContain(`chmod ${volume}: operation not permitted`);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(mode(volume)).toBe(0o777);
  });

  it.runIf(isRoot)(
    'E4: an owned directory with a foreign-owned writable file: the token is written, then chmod fails with exit 255',
    async () => {
      const home = tempDir();
      const volume = path.join(home, 'volume');
      fs.mkdirSync(volume, { mode: 0o700 });
      fs.chownSync(volume, OTHER_UID, OTHER_UID);
      const file = path.join(volume, 'config.json');
      writeJson(file, {}, 0o666);
      fs.chmodSync(file, 0o666);
      const cloud = await standardCloud();
      const result = await k6(version, [...saveTokenArgs(version), '-c', file], {
        home,
        env: cloudEnv(cloud),
        uid: OTHER_UID,
        gid: OTHER_UID,
      });
      expect(result.exitCode).toBe(255);
      expect(errorMessages(result.stderr)).toEqual([`chmod ${file}: operation not permitted`]);
      expect(mode(file)).toBe(0o666);
      // The exit code says "failed", yet the new token is already saved.
      expect(cloudCollector(file)['token']).toBe(TOKEN);
      expect(result.stdout).not.toContain('Logged in successfully');
    },
  );

  it.runIf(isRoot)(
    'E2: after the login (0600 file, 0700 dir) another uid gets EACCES: run, archive and inspect exit 104, even at the default path',
    async () => {
      const home = tempDir();
      const cloud = await standardCloud();
      expect((await k6(version, saveTokenArgs(version), { home, env: cloudEnv(cloud) })).exitCode).toBe(0);
      const work = tempDir();
      fs.writeFileSync(path.join(work, 'script.js'), '');
      fs.chmodSync(work, 0o777);
      for (const args of [
        ['run', '-q', 'script.js'],
        ['archive', '-O', 'a.tar', 'script.js'],
        ['inspect', 'script.js'],
      ]) {
        const result = await k6(version, args, { home, cwd: work, uid: OTHER_UID, gid: OTHER_UID });
        expect(result.exitCode, args[0]).toBe(104);
        expect(errorMessages(result.stderr)).toEqual([
          `failed to load the configuration file from the local file system: stat ${configOf(home)}: permission denied`,
        ]);
      }
    },
  );
});

// ---- read-only mounts (Kubernetes Secrets and ConfigMaps) -------------------------------------

function canMountReadOnly(): boolean {
  if (!isRoot) return false;
  const dir = fs.mkdtempSync('/tmp/k6-standin-ro-probe-');
  try {
    return (
      execaSync('unshare', ['--mount', 'sh', '-c', `mount --bind "${dir}" "${dir}" && mount -o remount,ro,bind "${dir}"`], {
        reject: false,
      }).exitCode === 0
    );
  } catch {
    return false;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const readOnlyMounts = canMountReadOnly();

/** Runs the stand-in in a private mount namespace where `dir` is a read-only bind mount. */
function underReadOnly(dir: string): string[] {
  return ['unshare', '--mount', 'sh', '-c', `mount --bind "${dir}" "${dir}" && mount -o remount,ro,bind "${dir}" && exec "$@"`, 'sh'];
}

describe.runIf(readOnlyMounts).each(VERSIONS)('k6 %s and a read-only config directory', (version) => {
  it(`E5: ${PRIVATE.includes(version) ? 'fails at chmod <dir> with EROFS before writing' : 'fails at open with "read-only file system"'}`, async () => {
    const volume = tempDir();
    const file = path.join(volume, 'config.json');
    writeJson(file, {});
    if (PRIVATE.includes(version)) fs.chmodSync(volume, 0o700); // the mode is already right
    const cloud = await standardCloud();
    const result = await k6Under(underReadOnly(volume), version, [...saveTokenArgs(version), '-c', file], {
      home: tempDir(),
      env: cloudEnv(cloud),
    });
    expect(result.exitCode).toBe(255);
    const expected = PRIVATE.includes(version) ? `chmod ${volume}: read-only file system` : `open ${file}: read-only file system`;
    expect(errorMessages(result.stderr)).toEqual([expected]);
    expect(fs.readFileSync(file, 'utf8')).toBe('{}');
  });

  it('E5: a file reached through the ..data symlinks of a Secret volume is read', async () => {
    const volume = tempDir();
    const stamp = path.join(volume, '..2026_12_01_00_00_00.000000000');
    fs.mkdirSync(stamp);
    writeJson(path.join(stamp, 'config.json'), { collectors: { cloud: { token: TOKEN, stackID: 9 } } });
    fs.symlinkSync(path.basename(stamp), path.join(volume, '..data'));
    fs.symlinkSync('..data/config.json', path.join(volume, 'config.json'));
    const result = await k6Under(underReadOnly(volume), version, ['cloud', 'login', '-s', '-q', '-c', path.join(volume, 'config.json')], {
      home: tempDir(),
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('  stack-id: 9\n');
  });
});

describe.each(VERSIONS)('k6 %s and a dangling config link', (version) => {
  it('E5: a dangling -c link is "no such file or directory"; at the default path it counts as missing', async () => {
    const home = tempDir();
    const link = path.join(home, 'link.json');
    fs.symlinkSync(path.join(home, 'gone', 'config.json'), link);
    const cloud = await standardCloud();
    const login = await k6(version, [...saveTokenArgs(version), '-c', link], { home, env: cloudEnv(cloud) });
    expect(login.exitCode).toBe(255);
    expect(errorMessages(login.stderr)).toEqual([`stat ${link}: no such file or directory`]);
    fs.mkdirSync(path.dirname(configOf(home)), { recursive: true });
    fs.symlinkSync(path.join(home, 'gone', 'config.json'), configOf(home));
    const show = await k6(version, ['cloud', 'login', '-s', '-q'], { home });
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toContain('  stack-id: <not set>\n');
  });
});

// ---- the write itself -------------------------------------------------------------------------

describe.each(VERSIONS)('k6 %s writes config.json in place', (version) => {
  it('E7: truncates, then writes once: a crash between the two leaves an EMPTY file on the same inode, which then fails runs', async () => {
    const home = tempDir();
    const file = configOf(home);
    writeJson(file, { vus: 1, collectors: { cloud: { token: 'previous' } } });
    const inode = fs.statSync(file).ino;
    const cloud = await standardCloud();
    const child = spawnK6(version, saveTokenArgs(version), {
      home,
      env: { ...cloudEnv(cloud), K6_STANDIN_WRITE_PAUSE_MS: '10000' },
    });
    // Poll (bounded) until the truncation is on disk.
    for (let i = 0; i < 400 && fs.statSync(file).size > 0; i++) await new Promise((r) => setTimeout(r, 25));
    // The same holds a moment later: nothing is written in parts.
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await child;
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    expect(fs.statSync(file).ino).toBe(inode);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['config.json']);
    fs.writeFileSync(path.join(home, 'script.js'), '');
    const run = await k6(version, ['run', '-q', 'script.js'], { home });
    expect(run.exitCode).toBe(104);
    expect(errorMessages(run.stderr).join('\n')).toContain('unexpected end of JSON input');
  });

  it('E7: the file is read before the network check and written after it without a re-read: a change made meanwhile is lost', async () => {
    const home = tempDir();
    const file = configOf(home);
    writeJson(file, { vus: 1 });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived: () => void = () => undefined;
    const requestArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    // The check answers only when the test lets it: the login is then between read and write.
    const server = await scriptedServer(async (request) => {
      arrived();
      await released;
      return request.path.startsWith('/cloud/v6/auth')
        ? { status: 200, body: { stack_id: STACK.stackId, default_project_id: STACK.defaultProjectId } }
        : { status: 200, body: { is_valid: true } };
    });
    const args = version === '1.8.1' ? ['cloud', 'login', '-t', TOKEN] : saveTokenArgs(version);
    const child = spawnK6(version, args, { home, env: { K6_CLOUD_HOST: server.url, K6_CLOUD_HOST_V6: server.url } });
    await requestArrived;
    writeJson(file, { vus: 2, collectors: { influxdb: { db: 'written-meanwhile' } } });
    release();
    const result = await child;
    expect(result.exitCode).toBe(0);
    const written = readJson(file);
    expect(written['vus']).toBe(1);
    expect(written['collectors']).not.toHaveProperty('influxdb');
    expect(cloudCollector(file)['token']).toBe(TOKEN);
  });
});
