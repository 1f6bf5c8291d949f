// Every error names a fix that works for the case at hand, and no other: the message chosen for
// each kind of mount, owner, mode and runtime. Each row says what must be there and what must
// not (the fix of another case).
import { describe, expect, it } from 'vitest';
import { classifyMount } from '../../../src/mounts/classify.ts';
import { parseMountinfoLine } from '../../../src/mounts/mountinfo.ts';
import type { Situation } from '../../../src/report/advice.ts';
import { messages } from '../../../src/report/messages.ts';
import { line } from '../mounts/fixtures.ts';

const POD = '/var/lib/kubelet/pods/7c1e4b2a-6f0d-4c39-9d1e-2b8a5f3c9e10/volumes';

function mountOf(parts: Parameters<typeof line>[0]) {
  const entry = parseMountinfoLine(line({ mountPoint: '/config', ...parts }));
  if (!entry) throw new Error('bad test line');
  return classifyMount(entry);
}

const MOUNTS = {
  named: mountOf({ root: '/var/lib/docker/volumes/k6-config/_data' }),
  namedReadOnly: mountOf({ root: '/var/lib/docker/volumes/k6-config/_data', options: 'ro,relatime' }),
  namedAtData: mountOf({ root: '/var/lib/docker/volumes/k6-data/_data', mountPoint: '/data' }),
  anonymous: mountOf({ root: `/var/lib/docker/volumes/${'ab'.repeat(32)}/_data` }),
  bind: mountOf({ root: '/home/alice/.k6' }),
  bindReadOnly: mountOf({ root: '/home/alice/.k6', options: 'ro,relatime' }),
  tmpfs: mountOf({ root: '/', fsType: 'tmpfs', source: 'tmpfs' }),
  secret: mountOf({ root: `${POD}/kubernetes.io~secret/k6-cloud-config`, options: 'ro,relatime', fsType: 'tmpfs' }),
  configMap: mountOf({ root: `${POD}/kubernetes.io~configmap/k6-config`, options: 'ro,relatime' }),
  emptyDir: mountOf({ root: `${POD}/kubernetes.io~empty-dir/k6-config` }),
  emptyDirReadOnly: mountOf({ root: `${POD}/kubernetes.io~empty-dir/k6-config`, options: 'ro,relatime' }),
  pvc: mountOf({ root: `${POD}/kubernetes.io~csi/pvc-1234/mount` }),
  pvcReadOnly: mountOf({ root: `${POD}/kubernetes.io~csi/pvc-1234/mount`, options: 'ro,relatime' }),
};

function situation(over: Partial<Situation>): Situation {
  return { path: '/config/config.json', source: 'mount', uid: 12345, gid: 12345, groups: [], runtime: 'docker', kubeletPayload: false, dirWritable: false, ...over };
}

const DOCKER_ONLY = /runAsUser|runAsGroup|fsGroup|readOnly: true|Kubernetes|Secret|emptyDir|PersistentVolumeClaim/;
const KUBERNETES_ONLY = /docker run|--user|--group-add|`:ro`|--tmpfs|named volume/;
const HOST_DIRECTORY = /host directory/;

interface Row {
  name: string;
  message: string;
  has: Array<string | RegExp>;
  hasNot: RegExp[];
}

const rows: Row[] = [
  // --- read-only ---------------------------------------------------------------------------
  {
    name: 'a read-only Docker named volume: only Docker advice, no Kubernetes Secret',
    message: messages.loginIntoReadOnly(situation({ mount: MOUNTS.namedReadOnly })),
    has: ['is read-only. Nothing was changed. Mount the volume read-write', 'drop `:ro`'],
    hasNot: [DOCKER_ONLY],
  },
  {
    name: 'a read-only host bind mount: drop :ro',
    message: messages.loginIntoReadOnly(situation({ mount: MOUNTS.bindReadOnly })),
    has: ['drop `:ro`'],
    hasNot: [DOCKER_ONLY],
  },
  {
    name: 'a Kubernetes Secret: only Secret advice, never "drop :ro"',
    message: messages.loginIntoReadOnly(situation({ mount: MOUNTS.secret, runtime: 'kubernetes' })),
    has: ['A Kubernetes Secret is always read-only', 'put the login in the Secret itself', 'K6_CLOUD_TOKEN_FILE'],
    hasNot: [/:ro/, /drop/, /readOnly: true/, /Mount the volume read-write/, KUBERNETES_ONLY],
  },
  {
    name: 'a folder laid out by kubelet (..data symlinks) on a read-only bind: Secret advice',
    message: messages.loginIntoReadOnly(situation({ mount: MOUNTS.bindReadOnly, kubeletPayload: true, runtime: 'kubernetes' })),
    has: ['on a bind mount at /config is read-only. Nothing was changed.', 'A Kubernetes Secret is always read-only'],
    hasNot: [/:ro/, /drop/],
  },
  {
    name: 'a Kubernetes ConfigMap: a token belongs in a Secret',
    message: messages.loginIntoReadOnly(situation({ mount: MOUNTS.configMap, runtime: 'kubernetes' })),
    has: ['ConfigMap is always read-only', 'in a Secret instead'],
    hasNot: [/:ro/, /drop/, KUBERNETES_ONLY],
  },
  {
    name: 'a read-only PVC: remove readOnly: true from the volumeMount',
    message: messages.loginIntoReadOnly(situation({ mount: MOUNTS.pvcReadOnly, runtime: 'kubernetes' })),
    has: ['remove `readOnly: true`'],
    hasNot: [KUBERNETES_ONLY, /Secret/],
  },
  {
    name: 'a read-only emptyDir: it goes with the Pod, use a PVC',
    message: messages.loginIntoReadOnly(situation({ mount: MOUNTS.emptyDirReadOnly, runtime: 'kubernetes' })),
    has: ['deleted with the Pod', 'PersistentVolumeClaim'],
    hasNot: [KUBERNETES_ONLY, /Secret/],
  },
  {
    name: "a read-only root file system with K6_PERSIST_DIR: a volume, not the owner's uid",
    message: messages.loginIntoReadOnly(situation({ path: '/home/k6/.config/k6/config.json', source: 'K6_PERSIST_DIR' })),
    has: ['`--read-only`', 'point K6_PERSIST_DIR into it', '-v k6-config:/config'],
    hasNot: [/run the container as/, /--user/, DOCKER_ONLY],
  },
  // --- not writable --------------------------------------------------------------------------
  {
    name: 'a tmpfs at /config (root:root 0770): tmpfs advice, not host-directory advice',
    message: messages.loginIntoUnwritable(situation({ mount: MOUNTS.tmpfs, dir: { path: '/config', uid: 0, gid: 0, mode: 0o770 } })),
    has: ['A tmpfs lasts only as long as its container', '-v k6-config:/config'],
    hasNot: [HOST_DIRECTORY, /--user/, DOCKER_ONLY],
  },
  {
    name: 'a named volume of another uid (4242): that uid, or a fresh volume; no host directory',
    message: messages.loginIntoUnwritable(situation({ mount: MOUNTS.named, dir: { path: '/config', uid: 4242, gid: 4242, mode: 0o755 } })),
    has: ['The volume belongs to uid 4242 (group 4242, mode 0755)', '`docker run --user 4242:4242 ...`', 'fresh named volume'],
    hasNot: [HOST_DIRECTORY, /\$\(id -u\)/, DOCKER_ONLY],
  },
  {
    name: "a fresh /config named volume (12345:0 0770) used with --user 4242:4242: the image's user, or group 0",
    message: messages.loginIntoUnwritable(situation({ uid: 4242, gid: 4242, mount: MOUNTS.named, dir: { path: '/config', uid: 12345, gid: 0, mode: 0o770 } })),
    has: ["the image's own user, so drop `--user`", '`--user 4242:0`'],
    hasNot: [HOST_DIRECTORY, /fresh/, DOCKER_ONLY],
  },
  {
    name: "an anonymous volume of another uid: the same as a named one",
    message: messages.loginIntoUnwritable(situation({ mount: MOUNTS.anonymous, dir: { path: '/config', uid: 4242, gid: 4242, mode: 0o755 } })),
    has: ['The volume belongs to uid 4242'],
    hasNot: [HOST_DIRECTORY, DOCKER_ONLY],
  },
  {
    name: 'a root-owned named volume away from /config: mount it at /config',
    message: messages.loginIntoUnwritable(situation({ path: '/data/config.json', source: 'flag', mount: MOUNTS.namedAtData, dir: { path: '/data', uid: 0, gid: 0, mode: 0o755 } })),
    has: ['only /config belongs to the image\'s user', 'mount the volume at /config instead (and drop -c/--config)'],
    hasNot: [HOST_DIRECTORY, /--user/, DOCKER_ONLY],
  },
  {
    name: 'a root-owned host directory, image user: create it yourself, then --user',
    message: messages.loginIntoUnwritable(situation({ mount: MOUNTS.bind, dir: { path: '/config', uid: 0, gid: 0, mode: 0o755 } })),
    has: ['mkdir -p', '--user "$(id -u):$(id -g)"', '-v k6-config:/config'],
    hasNot: [DOCKER_ONLY, /already runs as/],
  },
  {
    name: 'the README recipe with ~/.k6 missing: already --user 1000, so mkdir -p first and no --user again',
    message: messages.loginIntoUnwritable(situation({ uid: 1000, gid: 1000, mount: MOUNTS.bind, dir: { path: '/config', uid: 0, gid: 0, mode: 0o755 } })),
    has: ['already runs as uid 1000 (gid 1000)', 'mkdir -p "$HOME/.k6"', 'run the same command again'],
    hasNot: [/--user/, DOCKER_ONLY],
  },
  {
    name: 'a host directory of another uid: run as that owner',
    message: messages.loginIntoUnwritable(situation({ mount: MOUNTS.bind, dir: { path: '/config', uid: 4242, gid: 4242, mode: 0o755 } })),
    has: ['The host directory belongs to uid 4242', '`docker run --user 4242:4242 ...`', '--user "$(id -u):$(id -g)"'],
    hasNot: [/mkdir/, /--userns/, DOCKER_ONLY],
  },
  {
    name: 'a group-writable host directory of another group: --group-add',
    message: messages.loginIntoUnwritable(situation({ mount: MOUNTS.bind, dir: { path: '/config', uid: 4242, gid: 4000, mode: 0o775 } })),
    has: ['`--group-add 4000`'],
    hasNot: [DOCKER_ONLY],
  },
  {
    name: 'a host directory of this uid without write permission: chmod, nothing else',
    message: messages.loginIntoUnwritable(situation({ mount: MOUNTS.bind, dir: { path: '/config', uid: 12345, gid: 12345, mode: 0o555 } })),
    has: ['mode 0555', 'chmod u+w'],
    hasNot: [/--user/, /named volume/, DOCKER_ONLY],
  },
  {
    name: 'rootless Podman (a user namespace): keep-id, :U or --user 0:0, not Docker\'s --user',
    message: messages.loginIntoUnwritable(situation({ runtime: 'user-namespace', mount: MOUNTS.bind, dir: { path: '/config', uid: 65534, gid: 65534, mode: 0o755 } })),
    has: ['user namespace', '`--userns=keep-id --user "$(id -u):$(id -g)"`', '`--user 0:0`', ':U'],
    hasNot: [/docker run --user/, /mkdir/, DOCKER_ONLY],
  },
  {
    name: 'a PVC owned by root in a Pod: fsGroup',
    message: messages.loginIntoUnwritable(situation({ runtime: 'kubernetes', mount: MOUNTS.pvc, dir: { path: '/config', uid: 0, gid: 0, mode: 0o755 } })),
    has: ['`securityContext.fsGroup: 12345`'],
    hasNot: [KUBERNETES_ONLY, /runAsUser: 0/],
  },
  {
    name: 'a PVC of another uid in a Pod: runAsUser or fsGroup',
    message: messages.loginIntoUnwritable(situation({ runtime: 'kubernetes', mount: MOUNTS.pvc, dir: { path: '/config', uid: 4242, gid: 4242, mode: 0o755 } })),
    has: ['`runAsUser: 4242`', 'fsGroup'],
    hasNot: [KUBERNETES_ONLY],
  },
  {
    name: 'a writable-looking emptyDir that is not writable: it goes with the Pod anyway',
    message: messages.loginIntoUnwritable(situation({ runtime: 'kubernetes', mount: MOUNTS.emptyDir, dir: { path: '/config', uid: 0, gid: 0, mode: 0o755 } })),
    has: ['PersistentVolumeClaim'],
    hasNot: [KUBERNETES_ONLY],
  },
  {
    name: 'K6_PERSIST_DIR in the container\'s own file system, not writable: point it elsewhere or use a volume; no --user',
    message: messages.loginIntoUnwritable(situation({ path: '/opt/k6/config.json', source: 'K6_PERSIST_DIR', dir: { path: '/opt/k6', uid: 0, gid: 0, mode: 0o555 } })),
    has: ['Point K6_PERSIST_DIR at a directory uid 12345 may write', '-v k6-config:/config'],
    hasNot: [/--user/, HOST_DIRECTORY, DOCKER_ONLY],
  },
  {
    name: 'the same in a Pod: a PVC',
    message: messages.loginIntoUnwritable(situation({ runtime: 'kubernetes', path: '/opt/k6/config.json', source: 'K6_PERSIST_DIR', dir: { path: '/opt/k6', uid: 0, gid: 0, mode: 0o555 } })),
    has: ['Point K6_PERSIST_DIR at a directory', 'PersistentVolumeClaim mounted at /config'],
    hasNot: [KUBERNETES_ONLY, /The volume belongs/],
  },
  // --- not readable --------------------------------------------------------------------------
  {
    name: 'a run on a tmpfs /config (root:root 0770, the file cannot even be looked at): --tmpfs uid=, not --user for a host directory',
    message: messages.unreadableConfig('/config/config.json', 'EACCES', situation({ mount: MOUNTS.tmpfs, dir: { path: '/config', uid: 0, gid: 0, mode: 0o770 } })),
    has: ['`--tmpfs /config:uid=12345,gid=12345`', '-v k6-config:/config'],
    hasNot: [HOST_DIRECTORY, /--user/, DOCKER_ONLY],
  },
  {
    name: 'a Secret mounted without fsGroup (root, 0440) in a Pod: fsGroup or runAsGroup, never "delete the file"',
    message: messages.unreadableConfig('/config/config.json', 'EACCES', situation({ runtime: 'kubernetes', mount: MOUNTS.secret, file: { uid: 0, gid: 0, mode: 0o440 } })),
    has: ["the Secret's files", 'fsGroup', '`runAsGroup: 0`'],
    hasNot: [/delete/, /log in again/, KUBERNETES_ONLY],
  },
  {
    name: 'a Secret folder (0440, root) given to docker: --group-add',
    message: messages.unreadableConfig('/config/config.json', 'EACCES', situation({ mount: MOUNTS.bindReadOnly, kubeletPayload: true, file: { uid: 0, gid: 0, mode: 0o440 } })),
    has: ['`docker run --group-add 0 ...`'],
    hasNot: [/delete/, /log in again/, /fsGroup/, /runAsGroup/],
  },
  {
    name: 'a Secret readable by its owner only (0400) in a Pod: defaultMode with fsGroup, or runAsUser',
    message: messages.unreadableConfig('/config/config.json', 'EACCES', situation({ runtime: 'kubernetes', mount: MOUNTS.secret, file: { uid: 0, gid: 0, mode: 0o400 } })),
    has: ['defaultMode: 0440', 'fsGroup'],
    hasNot: [/delete/, KUBERNETES_ONLY],
  },
  {
    name: 'a login made by another uid (0600) on a Docker named volume the reader may not write: that uid or a fresh volume',
    message: messages.unreadableConfig('/config/config.json', 'EACCES', situation({ uid: 4242, gid: 4242, mount: MOUNTS.named, file: { uid: 12345, gid: 12345, mode: 0o600 } })),
    has: ['belongs to uid 12345 and only that user may read it', 'this container runs as uid 4242', '`docker run --user 12345:12345 ...`', 'fresh volume'],
    hasNot: [/delete the file/, HOST_DIRECTORY, DOCKER_ONLY],
  },
  {
    name: 'a login made by another uid on a shared PVC the reader may write (OpenShift): runAsUser, or delete and log in again',
    message: messages.unreadableConfig('/config/config.json', 'EACCES', situation({ runtime: 'kubernetes', uid: 1000680000, gid: 0, dirWritable: true, mount: MOUNTS.pvc, file: { uid: 12345, gid: 12345, mode: 0o600 } })),
    has: ['`runAsUser: 12345`', 'delete the file and log in again as uid 1000680000'],
    hasNot: [KUBERNETES_ONLY],
  },
  {
    name: 'a file readable by a group the container is not in: --group-add that group',
    message: messages.unreadableConfig('/config/config.json', 'EACCES', situation({ mount: MOUNTS.bind, file: { uid: 0, gid: 4000, mode: 0o640 } })),
    has: ['`docker run --group-add 4000 ...`'],
    hasNot: [/delete/, DOCKER_ONLY],
  },
  {
    name: 'in a user namespace, a file of an unmapped host uid: keep-id or :U',
    message: messages.unreadableConfig('/config/config.json', 'EACCES', situation({ runtime: 'user-namespace', mount: MOUNTS.bind, file: { uid: 65534, gid: 65534, mode: 0o600 } })),
    has: ['not mapped into the container', '--userns=keep-id', ':U'],
    hasNot: [/docker run --user/, DOCKER_ONLY],
  },
];

describe('the advice in each error fits its case', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    for (const wanted of row.has) {
      if (typeof wanted === 'string') expect(row.message).toContain(wanted);
      else expect(row.message).toMatch(wanted);
    }
    for (const unwanted of row.hasNot) expect(row.message).not.toMatch(unwanted);
  });

  it('covers every kind of mount the classifier knows', () => {
    const kinds = new Set(Object.values(MOUNTS).map((mount) => mount.kind));
    for (const kind of ['named-volume', 'anonymous-volume', 'bind', 'tmpfs', 'kubernetes-secret', 'kubernetes-configmap', 'kubernetes-empty-dir', 'kubernetes-volume']) {
      expect(kinds, kind).toContain(kind);
    }
    expect(rows.length).toBeGreaterThan(25);
  });
});

describe('the no-volume warning shows a login k6 accepts', () => {
  it('`cloud login` is shown with --stack (k6 2.x needs it), noting that 1.x before 1.6 has none', () => {
    const text = messages.loginWithoutVolume('/home/k6/.config/k6/config.json', 'cloud-login');
    expect(text).toContain('cloud login --token <token> --stack <stack>`');
    expect(text).toMatch(/leave out --stack on k6 1\.x before 1\.6/);
  });

  it('`login cloud` (k6 1.x only) is shown as the user typed it, without --stack', () => {
    const text = messages.loginWithoutVolume('/home/k6/.config/k6/config.json', 'login-cloud');
    expect(text).toContain('login cloud --token <token>`');
    expect(text).not.toContain('--stack');
  });
});
