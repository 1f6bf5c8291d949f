// What a login does to config.json: content rewrite, permissions, ownership failures, and the
// non-atomic in-place write.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  OTHER_UID,
  TOKEN,
  VERSIONS,
  cloudEnv,
  errorMessages,
  isRoot,
  k6,
  readJson,
  saveTokenArgs,
  spawnK6,
  standardCloud,
  tempDir,
  writeJson,
} from './support.ts';

const configOf = (home: string) => path.join(home, '.config', 'k6', 'config.json');
const mode = (p: string) => fs.statSync(p).mode & 0o777;

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

  it('writes two-space indented JSON', async () => {
    const home = tempDir();
    expect((await login(home)).exitCode).toBe(0);
    const text = fs.readFileSync(configOf(home), 'utf8');
    expect(text.startsWith('{\n  "')).toBe(true);
    expect(text).toContain('\n  "collectors": {\n    "cloud": {\n      "token": ');
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
  });

  it.runIf(isRoot)('exits 255 when the directory cannot be created (HOME not writable, as with docker --user)', async () => {
    const home = tempDir();
    fs.chmodSync(home, 0o755);
    const result = await login(home, { uid: OTHER_UID });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toContain(`mkdir ${path.join(home, '.config')}: permission denied`);
  });
});

describe('file permissions, 2.0.0 (before v2.1)', () => {
  it('creates the directory 0755 and the file 0644 (before umask) and leaves existing modes alone', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    expect((await k6('2.0.0', saveTokenArgs('2.0.0'), { home, env: cloudEnv(cloud) })).exitCode).toBe(0);
    expect(mode(path.dirname(configOf(home)))).toBe(0o755 & ~process.umask());
    expect(mode(configOf(home))).toBe(0o644 & ~process.umask());
    fs.chmodSync(configOf(home), 0o640);
    expect((await k6('2.0.0', saveTokenArgs('2.0.0'), { home, env: cloudEnv(cloud) })).exitCode).toBe(0);
    expect(mode(configOf(home))).toBe(0o640);
  });
});

describe('file permissions, 2.2.0 (v2.1+ semantics)', () => {
  it('creates the directory 0700 and the file 0600', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    expect((await k6('2.2.0', saveTokenArgs('2.2.0'), { home, env: cloudEnv(cloud) })).exitCode).toBe(0);
    expect(mode(path.dirname(configOf(home)))).toBe(0o700);
    expect(mode(configOf(home))).toBe(0o600);
  });

  it('chmods an existing directory and file to 0700 and 0600', async () => {
    const home = tempDir();
    writeJson(configOf(home), {}, 0o644);
    fs.chmodSync(path.dirname(configOf(home)), 0o755);
    const cloud = await standardCloud();
    expect((await k6('2.2.0', saveTokenArgs('2.2.0'), { home, env: cloudEnv(cloud) })).exitCode).toBe(0);
    expect(mode(path.dirname(configOf(home)))).toBe(0o700);
    expect(mode(configOf(home))).toBe(0o600);
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
    const result = await k6('2.2.0', [...saveTokenArgs('2.2.0'), '-c', file], {
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

  it.runIf(isRoot)('fails with EPERM on a writable file it does not own inside its own directory', async () => {
    const home = tempDir();
    const volume = path.join(home, 'volume');
    fs.mkdirSync(volume, { mode: 0o700 });
    fs.chownSync(volume, OTHER_UID, OTHER_UID);
    const file = path.join(volume, 'config.json');
    writeJson(file, {}, 0o666);
    fs.chmodSync(file, 0o666);
    const cloud = await standardCloud();
    const result = await k6('2.2.0', [...saveTokenArgs('2.2.0'), '-c', file], {
      home,
      env: cloudEnv(cloud),
      uid: OTHER_UID,
      gid: OTHER_UID,
    });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toContain(`chmod ${file}: operation not permitted`);
    expect(mode(file)).toBe(0o666);
  });
});

describe('file permissions, 1.8.1 (up to v2.0 semantics)', () => {
  it('creates the directory 0755 and the file 0644', async () => {
    const home = tempDir();
    expect((await k6('1.8.1', saveTokenArgs('1.8.1'), { home })).exitCode).toBe(0);
    expect(mode(path.dirname(configOf(home)))).toBe(0o755);
    expect(mode(configOf(home))).toBe(0o644);
  });

  it('leaves the modes of an existing directory and file alone', async () => {
    const home = tempDir();
    writeJson(configOf(home), {});
    fs.chmodSync(path.dirname(configOf(home)), 0o770);
    fs.chmodSync(configOf(home), 0o660);
    expect((await k6('1.8.1', saveTokenArgs('1.8.1'), { home })).exitCode).toBe(0);
    expect(mode(path.dirname(configOf(home)))).toBe(0o770);
    expect(mode(configOf(home))).toBe(0o660);
  });

  it.runIf(isRoot)('writes into a writable directory and file it does not own', async () => {
    const home = tempDir();
    const volume = path.join(home, 'volume');
    fs.mkdirSync(volume);
    fs.chmodSync(volume, 0o777);
    const file = path.join(volume, 'config.json');
    writeJson(file, {});
    fs.chmodSync(file, 0o666);
    const result = await k6('1.8.1', [...saveTokenArgs('1.8.1'), '-c', file], { home, uid: OTHER_UID, gid: OTHER_UID });
    expect(result.exitCode).toBe(0);
    expect(readJson(file)['collectors']).toMatchObject({ cloud: { token: TOKEN } });
  });
});

describe.each(VERSIONS)('k6 %s writes config.json in place', (version) => {
  it('truncates first and writes in several steps: a crash mid-write leaves a partial file on the same inode', async () => {
    const home = tempDir();
    const file = configOf(home);
    writeJson(file, { vus: 1, collectors: { cloud: { token: 'previous' } } });
    const inode = fs.statSync(file).ino;
    const cloud = await standardCloud();
    const child = spawnK6(version, saveTokenArgs(version), {
      home,
      env: { ...cloudEnv(cloud), K6_STANDIN_WRITE_PAUSE_MS: '10000' },
    });
    // Poll (bounded) until the first part of the new content is on disk.
    let partial = '';
    for (let i = 0; i < 200 && !partial.includes('"paused"'); i++) {
      await new Promise((r) => setTimeout(r, 25));
      partial = fs.readFileSync(file, 'utf8');
    }
    child.kill('SIGKILL');
    await child;
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('"paused"');
    expect(() => JSON.parse(text)).toThrow();
    expect(text).not.toContain('previous');
    expect(fs.statSync(file).ino).toBe(inode);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['config.json']);
  });
});
