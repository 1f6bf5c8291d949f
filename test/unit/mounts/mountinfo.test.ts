import { describe, expect, it } from 'vitest';
import { formatMountinfoLine, parseMountinfo, parseMountinfoLine } from '../../../src/mounts/mountinfo.ts';
import { entryAt, fixtureMounts } from './fixtures.ts';

describe('parseMountinfo', () => {
  it('reads every field of a line', () => {
    const [entry] = parseMountinfo('36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue');
    expect(entry).toEqual({
      mountId: 36,
      parentId: 35,
      major: 98,
      minor: 0,
      root: '/mnt1',
      mountPoint: '/mnt2',
      mountOptions: ['rw', 'noatime'],
      optionalFields: ['master:1'],
      fsType: 'ext3',
      source: '/dev/root',
      superOptions: ['rw', 'errors=continue'],
    });
  });

  it('reads a whole Docker container, in file order', () => {
    const mounts = fixtureMounts('docker-named-volume');
    expect(mounts).toHaveLength(23);
    expect(mounts.map((m) => m.mountPoint).slice(0, 3)).toEqual(['/', '/proc', '/dev']);
    expect(entryAt(mounts, '/home/k6/.config/k6')).toMatchObject({
      mountId: 1248,
      parentId: 1240,
      major: 259,
      minor: 2,
      root: '/var/lib/docker/volumes/k6-config/_data',
      fsType: 'ext4',
      source: '/dev/nvme0n1p2',
      superOptions: ['rw', 'errors=remount-ro'],
    });
  });

  it('reads zero, one or more optional fields up to the separator', () => {
    const mounts = fixtureMounts('docker-mixed');
    expect(entryAt(mounts, '/').optionalFields).toEqual([]);
    expect(entryAt(mounts, '/mnt/odd dir').optionalFields).toEqual(['master:1']);
    expect(entryAt(mounts, '/results').optionalFields).toEqual(['shared:812', 'master:1']);
  });

  it('decodes the octal escapes of root, mount point and source', () => {
    const mounts = fixtureMounts('docker-mixed');
    expect(entryAt(mounts, '/scripts').root).toBe('/me/load tests');
    expect(entryAt(mounts, '/results').root).toBe('/srv/k6\tresults');
    expect(entryAt(mounts, '/mnt/odd dir').root).toBe('/opt/odd\\name\nend');
    const [entry] = parseMountinfo('1 0 0:50 / /x rw - fuse.sshfs me@host:/my\\040files rw');
    expect(entry?.source).toBe('me@host:/my files');
  });

  it('decodes escapes as bytes of UTF-8', () => {
    expect(parseMountinfo('1 0 8:1 /caf\\303\\251 /x rw - ext4 /dev/sda1 rw')[0]?.root).toBe('/café');
  });

  it('keeps a backslash that does not start a three-digit octal escape', () => {
    expect(parseMountinfo('1 0 8:1 /a\\9b\\40 /x rw - ext4 /dev/sda1 rw')[0]?.root).toBe('/a\\9b\\40');
    expect(parseMountinfo('1 0 8:1 /a\\400 /x rw - ext4 /dev/sda1 rw')[0]?.root).toBe('/a\\400');
  });

  it('splits options before decoding, so an escaped comma stays inside its option', () => {
    const [entry] = parseMountinfo('1 0 0:60 / /x rw - fuse.s3fs s3fs rw,user_id=0,label=a\\054b');
    expect(entry?.superOptions).toEqual(['rw', 'user_id=0', 'label=a,b']);
  });

  it('reads a read-only bind: `ro` in the per-mount options', () => {
    expect(entryAt(fixtureMounts('docker-mixed'), '/scripts').mountOptions).toEqual(['ro', 'relatime']);
  });

  it('finds the separator only after the six fixed fields, so a mount point "-" is a path', () => {
    expect(parseMountinfo('1 0 8:1 / - rw - ext4 /dev/sda1 rw')[0]).toMatchObject({ mountPoint: '-', fsType: 'ext4' });
  });

  it('keeps stacked mounts on one path, in mount order', () => {
    const mounts = parseMountinfo(
      ['1 0 0:1 / / rw - overlay overlay rw', '10 1 8:1 /first /config rw - ext4 /dev/sda1 rw', '11 10 8:1 /second /config rw - ext4 /dev/sda1 rw'].join('\n'),
    );
    expect(mounts.map((m) => [m.mountPoint, m.root])).toEqual([['/', '/'], ['/config', '/first'], ['/config', '/second']]);
  });

  it('skips malformed lines and keeps the good ones', () => {
    const mounts = fixtureMounts('malformed');
    expect(mounts.map((m) => m.mountId)).toEqual([1, 2, 8, 9, 10]);
  });

  it('accepts an empty source (two spaces) and tolerates CRLF line ends', () => {
    const mounts = fixtureMounts('malformed');
    expect(entryAt(mounts, '/empty-source')).toMatchObject({ source: '', superOptions: ['rw'] });
    expect(entryAt(mounts, '/windows').superOptions).toEqual(['rw']);
  });

  it('accepts a line without superblock options and ignores fields after them', () => {
    expect(parseMountinfoLine('1 0 8:1 / /x rw - ext4 /dev/sda1')?.superOptions).toEqual([]);
    expect(parseMountinfoLine('1 0 8:1 / /x rw - ext4 /dev/sda1 rw future-field')?.superOptions).toEqual(['rw']);
  });

  it.each([
    ['', 'empty'],
    ['1 0 8:1 / /x rw ext4 /dev/sda1 rw', 'no separator'],
    ['-1 0 8:1 / /x rw - ext4 /dev/sda1 rw', 'negative id'],
    ['1 0x 8:1 / /x rw - ext4 /dev/sda1 rw', 'non-decimal parent'],
    ['1 0 8 / /x rw - ext4 /dev/sda1 rw', 'device without minor'],
    ['1 0 8:1 / /x  - ext4 /dev/sda1 rw', 'empty mount options'],
    ['1 0 8:1 / /x rw -  /dev/sda1 rw', 'empty fs type'],
    ['1 0 8:1 / /x rw - ext4', 'no source'],
  ])('rejects %j (%s)', (text) => {
    expect(parseMountinfoLine(text)).toBeUndefined();
  });

  it('returns nothing for empty text', () => {
    expect(parseMountinfo('')).toEqual([]);
    expect(parseMountinfo('\n\n')).toEqual([]);
  });
});

describe('formatMountinfoLine', () => {
  it('writes what the kernel writes, escapes included', () => {
    const line = '2013 2001 259:2 /opt/odd\\134name\\012end /mnt/odd\\040dir rw,relatime master:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro';
    expect(formatMountinfoLine(parseMountinfoLine(line)!)).toBe(line);
  });
});
