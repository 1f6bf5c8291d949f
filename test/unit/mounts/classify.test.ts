import { describe, expect, it } from 'vitest';
import { classifyMount, isSystemMount, type VolumeKind } from '../../../src/mounts/classify.ts';
import { parseMountinfoLine } from '../../../src/mounts/mountinfo.ts';
import { entryAt, fixtureMounts, line, type FixtureName } from './fixtures.ts';

const ANONYMOUS = '8c41e2a9f07b3d5c6e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f';
const POD = '/var/lib/kubelet/pods/7c1e4b2a-6f0d-4c39-9d1e-2b8a5f3c9e10/volumes';

function classifyLine(text: string) {
  const entry = parseMountinfoLine(text);
  if (!entry) throw new Error(`bad test line: ${text}`);
  return classifyMount(entry);
}

interface Expectation {
  kind: VolumeKind;
  readOnly: boolean;
  volumeName?: string;
}

describe('classifyMount on realistic containers', () => {
  const table: Array<[FixtureName, string, Expectation]> = [
    ['docker-named-volume', '/', { kind: 'other', readOnly: false }],
    ['docker-named-volume', '/proc', { kind: 'other', readOnly: false }],
    ['docker-named-volume', '/dev', { kind: 'tmpfs', readOnly: false }],
    ['docker-named-volume', '/sys', { kind: 'other', readOnly: true }],
    ['docker-named-volume', '/home/k6/.config/k6', { kind: 'named-volume', readOnly: false, volumeName: 'k6-config' }],
    ['docker-named-volume', '/etc/hosts', { kind: 'bind', readOnly: false }],
    ['docker-mixed', '/config', { kind: 'anonymous-volume', readOnly: false, volumeName: ANONYMOUS }],
    ['docker-mixed', '/scripts', { kind: 'bind', readOnly: true }],
    ['docker-mixed', '/home/k6/.config/k6/config.json', { kind: 'bind', readOnly: false }],
    ['docker-mixed', '/tmp', { kind: 'tmpfs', readOnly: false }],
    ['docker-mixed', '/k6-readonly', { kind: 'bind', readOnly: true }],
    ['docker-desktop', '/config', { kind: 'named-volume', readOnly: false, volumeName: 'k6-login' }],
    ['docker-desktop', '/scripts', { kind: 'bind', readOnly: false }],
    ['kubernetes-pod', '/home/k6/.config', { kind: 'kubernetes-empty-dir', readOnly: false, volumeName: 'k6-home' }],
    ['kubernetes-pod', '/scripts', { kind: 'kubernetes-configmap', readOnly: true, volumeName: 'k6-scripts' }],
    ['kubernetes-pod', '/etc/k6-secret', { kind: 'tmpfs', readOnly: true }],
    ['kubernetes-pod', '/etc/k6/config.json', { kind: 'kubernetes-secret', readOnly: true }],
    ['kubernetes-pod', '/cache', { kind: 'tmpfs', readOnly: false }],
    ['kubernetes-pod', '/var/run/secrets/kubernetes.io/serviceaccount', { kind: 'kubernetes-secret', readOnly: true }],
    ['kubernetes-pod', '/dev/termination-log', { kind: 'bind', readOnly: false }],
    ['kubernetes-pod', '/results', { kind: 'bind', readOnly: false }],
    ['kubernetes-pod', '/data', { kind: 'bind', readOnly: false }],
  ];
  it.each(table)('%s %s', (fixture, mountPoint, expected) => {
    const classified = classifyMount(entryAt(fixtureMounts(fixture), mountPoint));
    expect({ kind: classified.kind, readOnly: classified.readOnly, volumeName: classified.volumeName }).toEqual({
      volumeName: undefined,
      ...expected,
    });
    expect(classified.mountPoint).toBe(mountPoint);
  });
});

describe('Docker volumes', () => {
  it.each([
    ['/var/lib/docker/volumes/k6/_data', 'k6'],
    ['/docker/volumes/k6/_data', 'k6'], // Docker Desktop: /var/lib is its own filesystem
    ['/var/lib/docker/volumes/k6/_data/sub/dir', 'k6'], // volume-subpath
    ['/home/me/.local/share/docker/volumes/k6/_data', 'k6'], // rootless Docker
    ['/var/lib/containers/storage/volumes/k6/_data', 'k6'], // Podman
    ['volumes/k6/_data', 'k6'],
  ])('names the volume of root %s', (root, name) => {
    expect(classifyLine(line({ root }))).toMatchObject({ kind: 'named-volume', volumeName: name });
  });

  it('calls a volume named by 64 lowercase hex digits anonymous, and nothing else', () => {
    expect(classifyLine(line({ root: `/var/lib/docker/volumes/${ANONYMOUS}/_data` })).kind).toBe('anonymous-volume');
    expect(classifyLine(line({ root: `/var/lib/docker/volumes/${ANONYMOUS.slice(1)}/_data` })).kind).toBe('named-volume');
    expect(classifyLine(line({ root: `/var/lib/docker/volumes/${ANONYMOUS.toUpperCase()}/_data` })).kind).toBe('named-volume');
  });

  it.each(['/srv/volumes/k6/data', '/srv/myvolumes/k6/_data', '/srv/volumes/k6/_database', '/var/lib/docker/volumes/_data'])(
    'does not see a volume in root %s',
    (root) => {
      expect(classifyLine(line({ root })).kind).toBe('bind');
    },
  );
});

describe('Kubernetes volumes', () => {
  it.each([
    ['secret', 'kubernetes-secret'],
    ['configmap', 'kubernetes-configmap'],
    ['empty-dir', 'kubernetes-empty-dir'],
    ['projected', 'kubernetes-secret'],
    ['downward-api', 'kubernetes-configmap'],
    ['csi', 'kubernetes-volume'],
    ['nfs', 'kubernetes-volume'],
    ['local-volume', 'kubernetes-volume'],
  ] as const)('maps the kubelet plugin %s to %s', (plugin, kind) => {
    const classified = classifyLine(line({ root: `${POD}/kubernetes.io~${plugin}/vol-1` }));
    expect(classified).toMatchObject({ kind, volumeName: 'vol-1', plugin });
  });

  it('names a CSI volume by its directory, not the `mount` below it', () => {
    expect(classifyLine(line({ root: `${POD}/kubernetes.io~csi/pvc-3f2a/mount` }))).toMatchObject({
      kind: 'kubernetes-volume',
      volumeName: 'pvc-3f2a',
    });
  });

  it('recognises a subPath mount of an AtomicWriter volume by its ..<timestamp> directory', () => {
    const root = '/..2026_11_28_10_58_09.1297563721/config.json';
    expect(classifyLine(line({ root, fsType: 'tmpfs', source: 'tmpfs' })).kind).toBe('kubernetes-secret');
    expect(classifyLine(line({ root })).kind).toBe('kubernetes-configmap');
    expect(classifyLine(line({ root: '/..data/config.json' })).kind).toBe('bind');
  });

  it.each(['/var/run/secrets/kubernetes.io/serviceaccount', '/run/secrets/kubernetes.io/serviceaccount'])(
    'calls the tmpfs at %s a secret: only kubelet mounts there',
    (mountPoint) => {
      expect(classifyLine(line({ mountPoint, fsType: 'tmpfs', source: 'tmpfs', options: 'ro,relatime' })).kind).toBe('kubernetes-secret');
    },
  );

  it('takes the innermost manager when a path shows both', () => {
    // Docker in a pod's emptyDir: the container sees the Docker volume.
    const dind = `${POD}/kubernetes.io~empty-dir/docker-graph/volumes/k6/_data`;
    expect(classifyLine(line({ root: dind }))).toMatchObject({ kind: 'named-volume', volumeName: 'k6' });
    // A kind node whose /var is a Docker volume: the pod sees its emptyDir.
    const kind = `/var/lib/docker/volumes/${ANONYMOUS}/_data/lib/kubelet/pods/u/volumes/kubernetes.io~empty-dir/cache`;
    expect(classifyLine(line({ root: kind }))).toMatchObject({ kind: 'kubernetes-empty-dir', volumeName: 'cache' });
  });
});

describe('filesystem types', () => {
  it.each(['tmpfs', 'ramfs'])('calls %s memory', (fsType) => {
    expect(classifyLine(line({ fsType, source: fsType })).kind).toBe('tmpfs');
  });

  it.each(['proc', 'sysfs', 'devpts', 'cgroup2', 'mqueue', 'devtmpfs', 'bpf'])('calls the kernel filesystem %s other', (fsType) => {
    expect(classifyLine(line({ fsType, source: fsType })).kind).toBe('other');
  });

  it.each(['ext4', 'xfs', 'btrfs', 'nfs4', 'fakeowner', 'virtiofs', 'overlay'])('calls a directory of %s a bind', (fsType) => {
    expect(classifyLine(line({ root: '/srv/k6', fsType })).kind).toBe('bind');
  });

  it('calls whatever is mounted at / the container root, not a volume', () => {
    expect(classifyLine(line({ mountPoint: '/', fsType: 'overlay', source: 'overlay' })).kind).toBe('other');
    expect(classifyLine(line({ mountPoint: '/', root: '/var/lib/docker/volumes/k6/_data' })).kind).toBe('other');
  });
});

describe('read-only', () => {
  it.each([
    ['rw,relatime', 'rw', false],
    ['ro,relatime', 'rw', true], // docker -v x:y:ro, kubelet readOnly: superblock stays rw
    ['rw,relatime', 'ro', true], // a read-only filesystem is read-only through any mount
    ['rw,relatime', 'rw,errors=remount-ro', false], // `ro` must be a whole option
    ['rw,nosuid,noexec', 'rw,errors=ro-later', false],
  ])('mount options %s, super options %s -> %s', (options, superOptions, readOnly) => {
    expect(classifyLine(line({ options, superOptions })).readOnly).toBe(readOnly);
  });
});

it('normalises the mount point it reports', () => {
  const entry = { ...parseMountinfoLine(line({ mountPoint: '/config' }))!, mountPoint: '/config/./sub/../' };
  expect(classifyMount(entry).mountPoint).toBe('/config');
});

describe('isSystemMount', () => {
  it.each([
    '/etc/hosts',
    '/etc/hostname',
    '/etc/resolv.conf',
    '/dev/termination-log',
    '/var/run/secrets/kubernetes.io/serviceaccount',
    '/run/secrets/kubernetes.io/serviceaccount',
    '/var/run/secrets/kubernetes.io/serviceaccount/token',
    '/etc/hosts/',
    '/etc/../etc/resolv.conf',
  ])('%s is a system mount', (mountPoint) => {
    expect(isSystemMount(mountPoint)).toBe(true);
  });

  it.each([
    '/',
    '/etc',
    '/etc/hosts.d',
    '/etc/hostnames',
    '/var/run/secrets',
    '/run/secrets/kubernetes.io/serviceaccount-extra',
    '/config',
    '/home/k6/.config/k6',
    '/dev',
  ])('%s is not', (mountPoint) => {
    expect(isSystemMount(mountPoint)).toBe(false);
  });
});
