// File-system failures of a login save on the host (issue 5), with real mounts: a full tmpfs
// (ENOSPC), a single file bind-mounted over the config (EBUSY on rename, then in place), a
// read-only bind mount (EROFS). They need root (mount); elsewhere they are skipped, and the
// container suite (test/e2e/reliability/filesystem.test.ts) covers them through Docker.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runWrapper } from '../support.ts';
import { list, modeOf, sandbox, wrapperLines, removeSandboxes } from './support.ts';

const OLD = `${JSON.stringify({ keep: 'me', collectors: { cloud: { token: 'tok-old-00000000000' } } }, null, 2)}\n`;
const TOKEN = 'tok-new-11111111111';

function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const box = sandbox('k6p-mountcheck-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', box.vol], { stdio: 'ignore' });
    execFileSync('umount', [box.vol]);
    return true;
  } catch {
    return false;
  }
}
const mountable = canMount();

const mounted: string[] = [];
afterEach(() => {
  for (const point of mounted.splice(0).reverse()) execFileSync('umount', [point]);
});
function mount(args: string[], point: string): void {
  execFileSync('mount', [...args, point]);
  mounted.push(point);
}

/** A host file with `text`, bind-mounted over the sandbox's config path (a single-file mount). */
function mountHostFile(box: ReturnType<typeof sandbox>, hostFile: string, text: string, mode: number): string {
  writeFileSync(hostFile, text, { mode });
  writeFileSync(box.config, '');
  mount(['--bind', hostFile], box.config);
  return hostFile;
}

/** The wrapper reads the real mount table here, so it sees these mounts as it would in a container. */
const realMounts = { K6_PERSIST_MOUNTINFO: '/proc/self/mountinfo' };


afterAll(removeSandboxes);
describe.runIf(mountable)('login saves on failing file systems (host, real mounts)', () => {
  it('ENOSPC: a full volume fails the login with "volume is full", the old file intact, nothing left behind', async () => {
    const box = sandbox('k6p-enospc-');
    mount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs'], box.vol);
    writeFileSync(box.config, OLD);
    // Fill every last block: the filler is written until the file system says no.
    try {
      writeFileSync(join(box.vol, 'filler'), Buffer.alloc(128 * 1024));
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...box.env, ...realMounts, FAKE_K6_LOGIN_TOKEN: TOKEN });
    expect(result.exitCode).toBe(255);
    const said = wrapperLines(result.stderr).join('\n');
    expect(said).toContain(box.config);
    expect(said).toContain('ENOSPC');
    expect(said).toMatch(/volume is full\. Free some space/);
    expect(said).toMatch(/previous file, if any, is unchanged/);
    expect(readFileSync(box.config, 'utf8')).toBe(OLD);
    // No temp file and no lock: a lock left here would hold up the next login.
    expect(list(box.vol)).toEqual(['config.json', 'filler']);
    expect(list(box.tmp)).toEqual([]);
  });

  it('ENOSPC on a single file mounted from a full volume: the in-place rewrite fails before any old byte changes', async () => {
    const box = sandbox('k6p-enospc-inplace-');
    const hostVol = join(box.root, 'host-vol');
    mkdirSync(hostVol);
    mount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs'], hostVol);
    // 4090 bytes: the login's stack keys push it past one 4 kB page, so it needs a block the
    // full volume does not have.
    const old = `${JSON.stringify({ keep: 'x', collectors: { cloud: { token: 'tok-old-00000000000' } } }, null, 2)}\n`;
    const pad = 4090 - old.length;
    const before = `${JSON.stringify({ keep: 'x'.repeat(1 + pad), collectors: { cloud: { token: 'tok-old-00000000000' } } }, null, 2)}\n`;
    expect(before.length).toBe(4090);
    const hostFile = join(hostVol, 'config.json');
    writeFileSync(hostFile, before, { mode: 0o600 });
    try {
      writeFileSync(join(hostVol, 'filler'), Buffer.alloc(128 * 1024));
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    writeFileSync(box.config, '');
    mount(['--bind', hostFile], box.config);
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...box.env, ...realMounts, FAKE_K6_LOGIN_TOKEN: TOKEN, FAKE_K6_STACK_ID: '4242' });
    expect(result.exitCode).toBe(255);
    const said = wrapperLines(result.stderr).join('\n');
    expect(said).toContain('ENOSPC');
    expect(said).toMatch(/volume is full/);
    expect(said).toMatch(/previous file, if any, is unchanged/);
    expect(readFileSync(hostFile, 'utf8')).toBe(before);
  });

  it('EBUSY: a single file bind-mounted over the config is rewritten in place and the login succeeds', async () => {
    const box = sandbox('k6p-ebusy-');
    const hostFile = mountHostFile(box, join(box.root, 'host-config.json'), OLD, 0o600);
    // The default mount table (/dev/null) hides the mount, so the wrapper tries rename first
    // and must recover from EBUSY itself.
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...box.env, FAKE_K6_LOGIN_TOKEN: TOKEN, K6_PERSIST_DEBUG: '1' });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/by in-place/);
    const saved = JSON.parse(readFileSync(hostFile, 'utf8'));
    expect(saved).toEqual({ keep: 'me', collectors: { cloud: { token: TOKEN } } });
    expect(list(box.vol)).toEqual(['config.json']);
    expect(modeOf(hostFile)).toBe(0o600);
  });

  it('EBUSY seen in the mount table: the single file is written in place from the start, and made 0600', async () => {
    const box = sandbox('k6p-ebusy-');
    const hostFile = mountHostFile(box, join(box.root, 'host-config.json'), OLD, 0o644);
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...box.env, ...realMounts, FAKE_K6_LOGIN_TOKEN: TOKEN, K6_PERSIST_DEBUG: '1' });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(hostFile, 'utf8')).collectors.cloud.token).toBe(TOKEN);
    expect(list(box.vol)).toEqual(['config.json']);
    expect(modeOf(hostFile)).toBe(0o600);
  });

  it('EROFS: a read-only volume refuses the login before k6 runs, says read-only and how to fix it', async () => {
    const box = sandbox('k6p-erofs-');
    writeFileSync(box.config, OLD);
    mount(['--bind', box.vol], box.vol);
    execFileSync('mount', ['-o', 'remount,bind,ro', box.vol]);
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...box.env, ...realMounts, FAKE_K6_LOGIN_TOKEN: TOKEN, FAKE_K6_REPORT: join(box.root, 'k6-ran') });
    expect(result.exitCode).toBe(255);
    const said = wrapperLines(result.stderr).join('\n');
    expect(said).toMatch(/is read-only\. Nothing was changed\. Mount the volume read-write/);
    expect(list(box.root)).not.toContain('k6-ran');
    expect(readFileSync(box.config, 'utf8')).toBe(OLD);
  });
});
