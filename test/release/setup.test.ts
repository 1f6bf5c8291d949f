// What the global set-up leaves in place for the round trip: the registry on loopback only, and
// the emulator registered so that it also works inside containers.
import { readFileSync } from 'node:fs';
import { arch } from 'node:os';
import { expect, it } from 'vitest';

/** The local addresses of the listening TCP sockets on a port, from /proc/net/tcp{,6}. */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      // local_address is field 1 (ADDR:PORT in hex), st is field 3 (0A = LISTEN).
      .filter((f) => f[3] === '0A' && f[1]?.endsWith(`:${hexPort}`))
      .map((f) => f[1]!.split(':')[0]!),
  );
}

it('the registry listens on 127.0.0.1:5000 and on no other address', () => {
  // 0100007F is 127.0.0.1 in the kernel's byte order; 00000000 would be every interface.
  expect(listeners(5000)).toEqual(['0100007F']);
});

it('the emulator of the other platform is enabled with the F flag (it runs inside containers)', () => {
  const entry = readFileSync(`/proc/sys/fs/binfmt_misc/${arch() === 'arm64' ? 'qemu-x86_64' : 'qemu-aarch64'}`, 'utf8');
  expect(entry.split('\n')[0]).toBe('enabled');
  expect(entry).toMatch(/^flags: \w*F\w*$/m);
});
