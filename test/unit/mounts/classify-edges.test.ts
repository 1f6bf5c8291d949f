// The edges of the mount classification: every kernel filesystem by name, and what does and does
// not count as kubelet's AtomicWriter payload directory (`..<timestamp>`) in a mount's root.
import { describe, expect, it } from 'vitest';
import { classifyMount } from '../../../src/mounts/classify.ts';
import { parseMountinfoLine } from '../../../src/mounts/mountinfo.ts';
import { line } from './fixtures.ts';

function kindOf(parts: Parameters<typeof line>[0]) {
  const entry = parseMountinfoLine(line(parts));
  if (!entry) throw new Error(`bad test line for ${JSON.stringify(parts)}`);
  return classifyMount(entry).kind;
}

describe("kernel filesystems are never anyone's volume", () => {
  it.each([
    'proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'devtmpfs', 'mqueue', 'securityfs', 'debugfs', 'tracefs', 'bpf',
    'pstore', 'hugetlbfs', 'fusectl', 'configfs', 'binfmt_misc', 'autofs', 'nsfs', 'efivarfs', 'selinuxfs', 'rpc_pipefs',
  ])('%s is other', (fsType) => {
    expect(kindOf({ fsType, source: fsType, mountPoint: '/config' })).toBe('other');
  });

  it.each(['ext4', 'fuse.sshfs', 'cifs', 'ceph', 'zfs', 'PROC', 'proc2'])("%s is a bind of someone's data", (fsType) => {
    expect(kindOf({ fsType, mountPoint: '/config', root: '/srv/k6' })).toBe('bind');
  });
});

describe("kubelet's AtomicWriter payload directory", () => {
  const STAMP = '..2026_11_28_10_58_09.1297563721';

  // On tmpfs a payload is a Secret's (or projected volume's); anything else there is plain tmpfs.
  it.each([
    `/${STAMP}/config.json`,
    `/${STAMP}`,
    `/${STAMP}/sub/config.json`,
    `/volume/${STAMP}/config.json`,
    `${STAMP}/config.json`,
    '/..2026_01_02_03_04_05.1/config.json',
  ])('%s is one', (root) => {
    expect(kindOf({ root, fsType: 'tmpfs', source: 'tmpfs' })).toBe('kubernetes-secret');
    expect(kindOf({ root })).toBe('kubernetes-configmap');
  });

  it.each([
    ['a name that only ends like one', `/x${STAMP}/config.json`],
    ['more after the fraction', `/${STAMP}x/config.json`],
    ['no fraction', '/..2026_11_28_10_58_09/config.json'],
    ['an empty fraction', '/..2026_11_28_10_58_09./config.json'],
    ['a letter in the fraction', '/..2026_11_28_10_58_09.12a4/config.json'],
    ['a three-digit year', '/..202_11_28_10_58_09.12/config.json'],
    ['a five-digit year', '/..20261_11_28_10_58_09.12/config.json'],
    ['four fields after the year', '/..2026_11_28_10_58.12/config.json'],
    ['six fields after the year', '/..2026_11_28_10_58_09_10.12/config.json'],
    ['a one-digit field', '/..2026_1_28_10_58_09.12/config.json'],
    ['a three-digit field', '/..2026_111_28_10_58_09.12/config.json'],
    ['dashes for underscores', '/..2026-11-28-10-58-09.12/config.json'],
    ['letters for digits', '/..abcd_ef_gh_ij_kl_mn.op/config.json'],
    ['one dot', '/.2026_11_28_10_58_09.12/config.json'],
    ['no dot before the fraction', '/..2026_11_28_10_58_09_12/config.json'],
    ["kubelet's ..data link itself", '/..data/config.json'],
  ])('%s is not one (%s)', (_why, root) => {
    expect(kindOf({ root, fsType: 'tmpfs', source: 'tmpfs' })).toBe('tmpfs');
    expect(kindOf({ root })).toBe('bind');
  });
});
