// File-system failures in real containers (issue 5): each one gives one clear error paragraph
// that names the file, says what is wrong and how to fix it, and changes nothing; except EBUSY
// (a single file bind-mounted), where the in-place fallback makes the login succeed. Also the
// full disk: a small tmpfs filled up, the login fails with "volume is full", old file intact.
import { chmodSync, chownSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_UID, cloudOf, hostFile, jsonOf, listDir, seedVolume, show, viewFile, volumeDir } from '../support/observe.ts';
import { type E2eCloud, makeToken, startCloud } from '../support/cloud.ts';
import { type ContainerSpec, imageFor, runOnce } from '../support/containers.ts';
import { Resources } from '../support/resources.ts';
import { shell, wrapperLines } from './support.ts';

const TOKEN = makeToken('fserr');
const STACK = 'fs-stack';
const OLD = `${JSON.stringify({ keep: 'me', collectors: { cloud: { token: 'tok-old-0000000000' } } }, null, 2)}\n`;

let cloud: E2eCloud;
const res = new Resources();
beforeAll(async () => {
  cloud = await startCloud({ tokens: [TOKEN], stacks: { [STACK]: { stackId: 6200, defaultProjectId: 62 } } });
});
afterAll(async () => {
  await cloud?.close();
});
afterEach(async () => {
  cloud.clear();
  await res.cleanup();
});

const LOGIN = ['cloud', 'login', '--token', TOKEN, '--stack', STACK];

function spec(mounts: ContainerSpec['mounts'], extra: Partial<ContainerSpec> = {}): ContainerSpec {
  return { image: imageFor('2.2.0'), command: LOGIN, env: { ...cloud.env, ...(extra.env ?? {}) }, mounts, ...extra, ...(extra.env ? { env: { ...cloud.env, ...extra.env } } : {}) };
}

/** The wrapper's error paragraph(s), one string. */
function said(outcome: { stderr: string }): string {
  return wrapperLines(outcome.stderr).join('\n');
}

/** A refusal before k6 runs must not even reach the cloud. */
function expectK6NotStarted(): void {
  expect(cloud.requests()).toEqual([]);
}

describe('each file-system failure: a clear message with the fix, nothing changed', () => {
  it('EACCES: a host directory the image user may not write: refused up front, --user as the fix', async () => {
    const dir = res.dir(0, 0, 0o755);
    const outcome = await runOnce(spec([{ source: dir, target: '/config' }]));
    expect(outcome.exitCode, show(outcome)).toBe(255);
    expect(said(outcome)).toMatch(/\/config\/config\.json, on a bind mount at \/config is not writable by uid 12345 \(gid 12345\).*Nothing was changed/);
    expect(said(outcome)).toContain('--user "$(id -u):$(id -g)"');
    expect(listDir(dir)).toEqual([]);
    expectK6NotStarted();
  });

  it('EACCES: a config file the image user may not read: the run stops with exit 104, the owner and the fix', async () => {
    const dir = res.dir(0, 0, 0o755);
    hostFile(join(dir, 'config.json'), OLD, 0, 0, 0o600);
    const outcome = await runOnce(spec([{ source: dir, target: '/config' }], { command: ['run', '/nonexistent.js'] }));
    expect(outcome.exitCode, show(outcome)).toBe(104);
    // What: the file, and that this uid may not read it. Fix: run as the owner (or start over).
    expect(said(outcome)).toContain('/config/config.json');
    expect(said(outcome)).toMatch(/uid 0 and only that user may read it.*this container runs as uid 12345/);
    expect(said(outcome)).toMatch(/--user 0/);
    expect(said(outcome)).toMatch(/k6 was not started and nothing was changed/);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(OLD);
  });

  it('EPERM: a sticky shared directory whose config belongs to someone else: the save fails with EPERM and the fix, old file intact', async () => {
    // /tmp-like (1777): the image user may create files there, but not replace root's file.
    const dir = res.dir(0, 0, 0o755);
    chmodSync(dir, 0o1777);
    hostFile(join(dir, 'config.json'), OLD, 0, 0, 0o666);
    const outcome = await runOnce(spec([{ source: dir, target: '/config' }]));
    expect(outcome.exitCode, show(outcome)).toBe(255);
    expect(said(outcome)).toMatch(/could not be saved to \/config\/config\.json \(EPERM\): .*--user "\$\(id -u\):\$\(id -g\)".*The previous file, if any, is unchanged/);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(OLD);
    expect(listDir(dir)).toEqual(['config.json']);
  });

  it('EROFS: a volume mounted read-only: refused up front, says read-only and how to fix it', async () => {
    const volume = await res.volume('k6p-rel-fs');
    const path = await seedVolume(volume, 'config.json', OLD);
    const outcome = await runOnce(spec([{ source: volume, target: '/config', mode: 'ro' }]));
    expect(outcome.exitCode, show(outcome)).toBe(255);
    expect(said(outcome)).toMatch(/\/config\/config\.json, on the named volume "k6p-rel-fs-[0-9a-f]+".* is read-only\. Nothing was changed\. Mount the volume read-write/);
    expect(readFileSync(path, 'utf8')).toBe(OLD);
    expectK6NotStarted();
  });

  it('EROFS: a read-only root file system (readOnlyRootFilesystem) with the config on it: says read-only, not "run as the owner"', async () => {
    // The directory exists and belongs to the image user (the image makes it): only the file
    // system is read-only, so `--user` cannot help; the message must say what can.
    const outcome = await runOnce(spec([], { readOnlyRoot: true, tmpfs: { '/tmp': 'rw' }, env: { K6_PERSIST_DIR: '/home/k6/.config/k6' } }));
    expect(outcome.exitCode, show(outcome)).toBe(255);
    expect(said(outcome)).toContain('/home/k6/.config/k6/config.json');
    expect(said(outcome)).toMatch(/read-only/);
    expect(said(outcome)).not.toMatch(/run the container as its owner/);
  });

  it('ENOSPC: a full tmpfs volume: the login fails with "volume is full", the old file intact, no lock or temp file left', async () => {
    const script = [
      `printf '%s' "$OLD" > /config/config.json`,
      // Fill every block that is left (dd stops at ENOSPC).
      'dd if=/dev/zero of=/config/filler bs=1024 2>/dev/null || true',
      `k6 ${LOGIN.join(' ')}`,
      'echo "EXIT=$?"',
      'echo "FILE_BEGIN"; cat /config/config.json; echo "FILE_END"',
      'echo "LS $(ls -A /config | tr "\\n" " ")"',
    ].join('\n');
    // uid/gid: Docker gives a tmpfs the mode of the image's directory but root as owner; a
    // user (or Kubernetes fsGroup) hands it to the image user the same way.
    const outcome = await shell({ image: imageFor('2.2.0'), env: { ...cloud.env, OLD }, tmpfs: { '/config': `size=64k,uid=${IMAGE_UID},gid=${IMAGE_UID}` } }, script);
    expect(outcome.stdout).toContain('EXIT=255');
    expect(said(outcome)).toMatch(/could not be saved to \/config\/config\.json \(ENOSPC\): the volume is full\. Free some space on it and try again\. The previous file, if any, is unchanged/);
    expect(outcome.stdout.split('FILE_BEGIN\n')[1]?.split('FILE_END')[0]).toBe(OLD);
    // A lock left behind would hold up the next login for LOCK_STALE_MS after space is freed.
    expect(outcome.stdout).toMatch(/^LS config\.json filler $/m);
  });

  it('EBUSY: a single config file bind-mounted: rename cannot replace it, the in-place write does, the login succeeds', async () => {
    const dir = res.dir(IMAGE_UID, IMAGE_UID, 0o755);
    const file = hostFile(join(dir, 'config.json'), OLD, IMAGE_UID, IMAGE_UID, 0o600);
    const outcome = await runOnce(spec([{ source: file, target: '/config/config.json' }], { env: { K6_PERSIST_DEBUG: '1' } }));
    expect(outcome.exitCode, show(outcome)).toBe(0);
    expect(said(outcome)).toMatch(/saved \/config\/config\.json by in-place/);
    const view = viewFile(file);
    const config = jsonOf(view);
    expect(cloudOf(config)['token']).toBe(TOKEN);
    expect(config['keep']).toBe('me');
    expect(view!.mode).toBe(0o600);
    expect(view!.stat.uid).toBe(IMAGE_UID);
    expect(listDir(dir)).toEqual(['config.json']);
  });

  it('ENOENT: -c into a directory that does not exist: says it does not exist and what to do', async () => {
    const outcome = await runOnce(spec([], { command: [...LOGIN, '-c', '/missing/dir/config.json'] }));
    expect(outcome.exitCode, show(outcome)).toBe(255);
    expect(said(outcome)).toContain('/missing/dir/config.json');
    expect(said(outcome)).toMatch(/does not exist/);
    expectK6NotStarted();
  });

  it.each([['login', LOGIN], ['run', ['run', '/nonexistent.js']]])('ELOOP: a symlink loop at the config path (%s): exit 104, ELOOP and the fix, links untouched', async (_what, command) => {
    const volume = await res.volume('k6p-rel-fs');
    const dir = await volumeDir(volume);
    chownSync(dir, IMAGE_UID, IMAGE_UID);
    symlinkSync('loop.json', join(dir, 'config.json'));
    symlinkSync('config.json', join(dir, 'loop.json'));
    const outcome = await runOnce(spec([{ source: volume, target: '/config' }], { command }));
    expect(outcome.exitCode, show(outcome)).toBe(104);
    expect(said(outcome)).toMatch(/\/config\/config\.json cannot be read \(ELOOP\): \/config\/config\.json is a symbolic link that loops .*Replace it with a regular file/);
    expect(listDir(dir)).toEqual(['config.json', 'loop.json']);
    expectK6NotStarted();
  });

  it('a directory where the file should be (inside a volume): exit 104 with the fix, untouched', async () => {
    const volume = await res.volume('k6p-rel-fs');
    const dir = await volumeDir(volume);
    chownSync(dir, IMAGE_UID, IMAGE_UID);
    mkdirSync(join(dir, 'config.json'));
    writeFileSync(join(dir, 'config.json', 'inside'), 'x');
    const outcome = await runOnce(spec([{ source: volume, target: '/config' }]));
    expect(outcome.exitCode, show(outcome)).toBe(104);
    expect(said(outcome)).toMatch(/\/config\/config\.json is a directory \(or another non-file\), where the k6 config file should be\. k6 was not started and nothing was changed\. Remove it/);
    expect(listDir(join(dir, 'config.json'))).toEqual(['inside']);
  });

  it('a directory bind-mounted as the config file (Docker made it for a missing host file): exit 104, "create the host file first"', async () => {
    const missingFileMadeDir = res.dir(0, 0, 0o755);
    const outcome = await runOnce(spec([{ source: missingFileMadeDir, target: '/config/config.json' }]));
    expect(outcome.exitCode, show(outcome)).toBe(104);
    expect(said(outcome)).toMatch(/create the host file first \(`echo \{\} > config\.json`\)/);
    expect(listDir(missingFileMadeDir)).toEqual([]);
  });
});
