// readConfigFile: every state a config path can be in, each produced on a real file system.
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_CONFIG_BYTES, readConfigFile } from '../../../src/config/read.ts';

const dir = mkdtempSync(join(tmpdir(), 'k6p-read-'));
const servers: Server[] = [];
afterAll(() => {
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

const at = (name: string) => join(dir, name);

describe('readConfigFile', () => {
  it('reads a present file with its owner and full mode, special bits included', () => {
    writeFileSync(at('config.json'), '{"a":"é"}');
    chmodSync(at('config.json'), 0o2640);
    expect(readConfigFile(at('config.json'))).toStrictEqual({
      kind: 'present',
      text: '{"a":"é"}',
      uid: process.getuid!(),
      gid: process.getgid!(),
      mode: 0o2640,
    });
  });

  it('reads an empty file as present and empty', () => {
    writeFileSync(at('empty.json'), '');
    expect(readConfigFile(at('empty.json'))).toMatchObject({ kind: 'present', text: '' });
  });

  it('reads a file up to the limit, and refuses one byte more with its size', () => {
    const path = at('big.json');
    closeSync(openSync(path, 'w'));
    truncateSync(path, MAX_CONFIG_BYTES);
    const read = readConfigFile(path);
    expect(read.kind).toBe('present');
    expect(read.kind === 'present' && read.text.length).toBe(MAX_CONFIG_BYTES);
    truncateSync(path, MAX_CONFIG_BYTES + 1);
    expect(readConfigFile(path)).toStrictEqual({ kind: 'too-large', size: MAX_CONFIG_BYTES + 1 });
    rmSync(path);
  });

  it('has a limit of 16 MiB', () => {
    expect(MAX_CONFIG_BYTES).toBe(16 * 1024 * 1024);
  });

  it.skipIf(!existsSync('/sys/devices/system/cpu/online'))('reads what is there when a file holds less than its size says (sysfs)', () => {
    // sysfs gives every attribute the size 4096; reading stops at the real end.
    const read = readConfigFile('/sys/devices/system/cpu/online');
    expect(read).toMatchObject({ kind: 'present', text: readFileSync('/sys/devices/system/cpu/online', 'utf8') });
  });

  it('says missing for nothing at all', () => {
    expect(readConfigFile(at('nothing.json'))).toStrictEqual({ kind: 'missing' });
  });

  it('says which target a dangling link points at', () => {
    symlinkSync('gone/config.json', at('dangling.json'));
    expect(readConfigFile(at('dangling.json'))).toStrictEqual({ kind: 'dangling-link', target: 'gone/config.json' });
  });

  it('follows a link to a file', () => {
    writeFileSync(at('target.json'), '{}');
    symlinkSync('target.json', at('link.json'));
    expect(readConfigFile(at('link.json'))).toMatchObject({ kind: 'present', text: '{}' });
  });

  it('says directory for a directory, also through a link', () => {
    mkdirSync(at('dir.json'));
    symlinkSync('dir.json', at('dir-link.json'));
    expect(readConfigFile(at('dir.json'))).toStrictEqual({ kind: 'directory' });
    expect(readConfigFile(at('dir-link.json'))).toStrictEqual({ kind: 'directory' });
  });

  it('says not-regular for a FIFO (without blocking) and a device', () => {
    execFileSync('mkfifo', [at('fifo.json')]);
    expect(readConfigFile(at('fifo.json'))).toStrictEqual({ kind: 'not-regular' });
    expect(readConfigFile('/dev/null')).toStrictEqual({ kind: 'not-regular' });
  });

  it('says unreadable with owner, group and mode when it can see them (a socket cannot be opened)', async () => {
    const path = at('socket.json');
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(path, resolve));
    chmodSync(path, 0o751);
    expect(readConfigFile(path)).toStrictEqual({ kind: 'unreadable', code: 'ENXIO', owner: process.getuid!(), group: process.getgid!(), mode: 0o751 });
  });

  it('says unreadable with the code alone when nothing can be seen', () => {
    symlinkSync('loop-b.json', at('loop-a.json'));
    symlinkSync('loop-a.json', at('loop-b.json'));
    writeFileSync(at('file'), '');
    expect(readConfigFile(at('loop-a.json'))).toStrictEqual({ kind: 'unreadable', code: 'ELOOP' });
    expect(readConfigFile(join(at('file'), 'config.json'))).toStrictEqual({ kind: 'unreadable', code: 'ENOTDIR' });
  });
});
