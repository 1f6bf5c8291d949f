// What kind of volume a mountinfo entry is, seen from inside the container.
//
// The only trace a volume manager leaves in mountinfo is the `root` field: the directory of
// the source filesystem that was mounted. Docker and kubelet keep their volumes in
// directories with recognisable names, so the root of a bind of such a directory names it.
// Where a volume is a filesystem of its own (tmpfs, a block device, NFS), root is "/" (or a
// subdirectory of that filesystem) and nothing names the manager: we then fall back on the
// filesystem type.

import type { MountEntry } from './mountinfo.ts';
import { isSameOrAncestor, normalisePath } from './paths.ts';

export type VolumeKind =
  | 'bind'
  | 'named-volume'
  | 'anonymous-volume'
  | 'tmpfs'
  | 'kubernetes-secret'
  | 'kubernetes-configmap'
  | 'kubernetes-empty-dir'
  | 'kubernetes-volume'
  | 'other';

export interface ClassifiedMount {
  entry: MountEntry;
  /** entry.mountPoint, normalised. */
  mountPoint: string;
  kind: VolumeKind;
  readOnly: boolean;
  /** Docker volume name (the 64-hex id for anonymous ones) or Kubernetes volume name. */
  volumeName?: string;
  /** Kubernetes volume plugin as kubelet spells it (`secret`, `csi`, `nfs`, ...), when seen. */
  plugin?: string;
}

/**
 * Docker (also rootless Docker, Podman: `.../containers/storage/volumes/`) keeps a volume's
 * files in `<data-root>/volumes/<name>/_data`. The root may be shorter than the full host
 * path (`/docker/volumes/x/_data` on Docker Desktop, where /var/lib is its own filesystem)
 * and longer with a volume subpath, hence no anchoring on either side beyond components.
 */
const DOCKER_VOLUME = /(?:^|\/)volumes\/([^/]+)\/_data(?=\/|$)/g;

/** `docker volume create` without a name, and VOLUME in a Dockerfile, use 64 hex digits. */
const ANONYMOUS_VOLUME_NAME = /^[0-9a-f]{64}$/;

/** kubelet: `/var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~<plugin>/<name>`. */
const KUBELET_VOLUME = /(?:^|\/)volumes\/kubernetes\.io~([^/]+)\/([^/]+)/g;

/**
 * kubelet's AtomicWriter keeps secret, configMap, projected and downwardAPI payloads in a
 * `..<timestamp>` directory behind the `..data` symlink. A subPath mount of one key resolves
 * the symlink, so its root (inside the volume's own tmpfs) shows that directory.
 */
const ATOMIC_WRITER_PAYLOAD = /(?:^|\/)\.\.\d{4}(?:_\d{2}){5}\.\d+(?=\/|$)/;

const KUBERNETES_PLUGIN_KINDS: ReadonlyMap<string, VolumeKind> = new Map([
  ['secret', 'kubernetes-secret'],
  ['configmap', 'kubernetes-configmap'],
  ['empty-dir', 'kubernetes-empty-dir'],
  // Written by kubelet and mounted read-only like a secret; usually carries tokens.
  ['projected', 'kubernetes-secret'],
  // Written by kubelet and mounted read-only like a configMap; pod metadata only.
  ['downward-api', 'kubernetes-configmap'],
]);

/** Kernel-provided filesystems: never anyone's data. */
const PSEUDO_FILESYSTEMS = new Set([
  'proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'devtmpfs', 'mqueue', 'securityfs', 'debugfs',
  'tracefs', 'bpf', 'pstore', 'hugetlbfs', 'fusectl', 'configfs', 'binfmt_misc', 'autofs', 'nsfs',
  'efivarfs', 'selinuxfs', 'rpc_pipefs',
]);

const MEMORY_FILESYSTEMS = new Set(['tmpfs', 'ramfs']);

const SERVICE_ACCOUNT_DIRS = [
  '/var/run/secrets/kubernetes.io/serviceaccount',
  '/run/secrets/kubernetes.io/serviceaccount',
];

/**
 * Files and directories the runtime (Docker, kubelet) mounts into every container. Writing
 * a login there would be lost, or would corrupt name resolution or the token kubelet
 * rotates: they are never config volumes, whatever their mountinfo looks like.
 */
const SYSTEM_MOUNT_POINTS = [
  '/etc/hosts',
  '/etc/hostname',
  '/etc/resolv.conf',
  '/dev/termination-log',
  ...SERVICE_ACCOUNT_DIRS,
];

export function isSystemMount(mountPoint: string): boolean {
  const path = normalisePath(mountPoint);
  return SYSTEM_MOUNT_POINTS.some((systemPath) => isSameOrAncestor(systemPath, path));
}

export function classifyMount(entry: MountEntry): ClassifiedMount {
  const mountPoint = normalisePath(entry.mountPoint);
  return {
    entry,
    mountPoint,
    readOnly: isReadOnly(entry),
    ...kindOf(entry, mountPoint),
  };
}

/**
 * The per-mount `ro` is what `docker -v x:y:ro`, `--read-only`-style binds and kubelet's
 * readOnly volumes set, while their superblock stays `rw` (a secret's tmpfs is rw for
 * kubelet). A superblock mounted `ro` makes every mount of it read-only too (EROFS), even
 * when the per-mount flags say `rw`, so either one is enough.
 */
function isReadOnly(entry: MountEntry): boolean {
  return entry.mountOptions.includes('ro') || entry.superOptions.includes('ro');
}

type Kind = Pick<ClassifiedMount, 'kind' | 'volumeName' | 'plugin'>;

function kindOf(entry: MountEntry, mountPoint: string): Kind {
  // The container's own root filesystem is not a volume, whatever backs it.
  if (mountPoint === '/') return { kind: 'other' };
  const managed = volumeManagerKind(entry.root);
  if (managed) return managed;
  const memoryBacked = MEMORY_FILESYSTEMS.has(entry.fsType);
  if (ATOMIC_WRITER_PAYLOAD.test(entry.root)) {
    // Secrets and projected volumes live on tmpfs; configMaps and downwardAPI on disk.
    return { kind: memoryBacked ? 'kubernetes-secret' : 'kubernetes-configmap' };
  }
  // Only kubelet mounts here; the volume is a projected (formerly secret) tmpfs with root "/".
  if (SERVICE_ACCOUNT_DIRS.some((dir) => isSameOrAncestor(dir, mountPoint))) return { kind: 'kubernetes-secret' };
  if (memoryBacked) return { kind: 'tmpfs' };
  if (PSEUDO_FILESYSTEMS.has(entry.fsType)) return { kind: 'other' };
  // A directory or file of a real (disk or network) filesystem from outside the container:
  // `docker -v /host:/ctr`, hostPath, and also PVCs, whose filesystem root is the mount root.
  return { kind: 'bind' };
}

/**
 * The Docker or kubelet volume whose directory root lies in. When both appear (Docker in a
 * pod's emptyDir, or a kind node whose /var is a Docker volume), the innermost one, i.e.
 * the later match, is the volume this container sees.
 */
function volumeManagerKind(root: string): Kind | undefined {
  const docker = lastMatch(DOCKER_VOLUME, root);
  const kubelet = lastMatch(KUBELET_VOLUME, root);
  if (kubelet && (!docker || kubelet.index > docker.index)) {
    const plugin = kubelet[1]!;
    return { kind: KUBERNETES_PLUGIN_KINDS.get(plugin) ?? 'kubernetes-volume', volumeName: kubelet[2]!, plugin };
  }
  if (docker) {
    const name = docker[1]!;
    return { kind: ANONYMOUS_VOLUME_NAME.test(name) ? 'anonymous-volume' : 'named-volume', volumeName: name };
  }
  return undefined;
}

function lastMatch(pattern: RegExp, text: string): RegExpExecArray | undefined {
  let last: RegExpExecArray | undefined;
  for (const match of text.matchAll(pattern)) last = match as RegExpExecArray;
  return last;
}
