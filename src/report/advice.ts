// What to do about a volume this user may not read or write: one fix that works for the case at
// hand (the kind of mount, who owns it, its mode, the runtime), never a list of fixes for other
// cases. Pure: the facts come from plan/facts.ts, chosen in plan/decide.ts.
import type { ClassifiedMount } from '../mounts/classify.ts';
import type { LocationSource } from '../mounts/locate.ts';

/** grafana/k6's user. The image prepares /config for it, so a new named volume there is its. */
export const IMAGE_UID = 12345;
/** The uid the kernel shows for a host uid not mapped into a user namespace. */
const OVERFLOW_UID = 65534;

export const NAMED_VOLUME_FIX = 'docker run -v k6-config:/config ...';

export interface Ownership {
  uid: number;
  gid: number;
  /** Permission bits, as stat gives them (& 0o7777). */
  mode: number;
}

/**
 * Where the container runs, as far as the fix differs: Kubernetes (kubelet volumes, or the
 * variables kubelet puts in every container), a user namespace (rootless Podman or Docker: the
 * uid map is not the identity), or plain Docker.
 */
export type Runtime = 'docker' | 'kubernetes' | 'user-namespace';

/** The config file and who is trying to use it: everything the advice depends on. */
export interface Situation {
  path: string;
  source: LocationSource;
  mount?: ClassifiedMount | undefined;
  uid: number;
  gid: number;
  /** Supplementary groups of this process. */
  groups: readonly number[];
  runtime: Runtime;
  /** The directory that decides whether the file can be saved (the file's, or its nearest existing ancestor). */
  dir?: (Ownership & { path: string }) | undefined;
  /** The config file itself, when stat could see it. */
  file?: Ownership | undefined;
  /** The file is kubelet's AtomicWriter layout (`config.json -> ..data/config.json`): a Secret or ConfigMap. */
  kubeletPayload?: boolean;
  /** This user may create and remove files beside the config file. */
  dirWritable?: boolean;
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
const groupMay = (mode: number, bit: 'r' | 'w') => (mode & (bit === 'r' ? 0o040 : 0o020)) !== 0;

function inGroup(s: Situation, gid: number): boolean {
  return s.gid === gid || s.groups.includes(gid);
}

function kubeletObject(s: Situation): 'Secret' | 'ConfigMap' | undefined {
  if (s.mount?.kind === 'kubernetes-secret') return 'Secret';
  if (s.mount?.kind === 'kubernetes-configmap') return 'ConfigMap';
  // The layout alone does not say which; a login belongs in a Secret.
  return s.kubeletPayload ? 'Secret' : undefined;
}

function chooserOf(s: Situation): string | undefined {
  if (s.source === 'flag') return '-c/--config';
  if (s.source === 'K6_CONFIG' || s.source === 'K6_PERSIST_DIR') return s.source;
  return undefined;
}

function kubeletObjectAdvice(object: 'Secret' | 'ConfigMap'): string {
  return object === 'Secret'
    ? 'A Kubernetes Secret is always read-only: put the login in the Secret itself (its config.json key, as a login writes it), or give k6 the token with K6_CLOUD_TOKEN / K6_CLOUD_TOKEN_FILE.'
    : 'A Kubernetes ConfigMap is always read-only, and no place for a token: put config.json in a Secret instead, or give k6 the token with K6_CLOUD_TOKEN / K6_CLOUD_TOKEN_FILE.';
}

/** A login saved in memory goes with the container (or Pod); making it writable would not keep it. */
function temporaryVolumeAdvice(s: Situation): string {
  if (s.runtime === 'kubernetes') {
    return 'An emptyDir (also one in memory) is deleted with the Pod, so a login saved there would be lost: keep it on a PersistentVolumeClaim mounted at /config.';
  }
  return `A tmpfs lasts only as long as its container, so a login saved there would be lost with it: keep it on a named volume (\`${NAMED_VOLUME_FIX}\`).`;
}

function rootFileSystemAdvice(s: Situation): string {
  const chooser = chooserOf(s);
  const point = chooser ? ` and point ${chooser} into it` : '';
  return s.runtime === 'kubernetes'
    ? `The container's root file system is read-only (\`readOnlyRootFilesystem: true\`): keep the login on a PersistentVolumeClaim mounted at /config${point}.`
    : `The container's root file system is read-only (\`--read-only\`): keep the login on a volume (\`${NAMED_VOLUME_FIX}\`)${point}.`;
}

/** The fix for a login into a volume mounted read-only (or a read-only file system). */
export function readOnlyAdvice(s: Situation): string {
  const object = kubeletObject(s);
  if (object) return kubeletObjectAdvice(object);
  if (!s.mount) return rootFileSystemAdvice(s);
  if (s.mount.kind === 'tmpfs' || s.mount.kind === 'kubernetes-empty-dir') return temporaryVolumeAdvice(s);
  if (s.runtime === 'kubernetes') {
    return 'Mount the volume read-write for the login (remove `readOnly: true` from its volumeMount), or log in once from a Job that mounts it read-write and keep `readOnly: true` in the Jobs that only run tests.';
  }
  return 'Mount the volume read-write for the login (drop `:ro`, or `readonly` in `--mount`), or log in once with a writable mount and mount it read-only for runs only.';
}

function userNamespaceAdvice(s: Situation, owner: Ownership | undefined): string {
  const seen = owner
    ? `; in here it belongs to uid ${owner.uid}${owner.uid === OVERFLOW_UID ? ', a host user not mapped into the container' : ''}`
    : '';
  return (
    `This container runs in a user namespace (rootless Podman or Docker), where host uids are shifted${seen}. ` +
    'Run as root in the container, which is you on the host (`--user 0:0`); or, with Podman, keep your own uid (`--userns=keep-id --user "$(id -u):$(id -g)"`) or let Podman hand the directory to the container\'s user (the `:U` volume option: `-v <dir>:/config:U`).'
  );
}

/** How to become `owner` (or join its group) in a Kubernetes Pod. */
function kubernetesOwnerAdvice(s: Situation, owner: Ownership | undefined, access: 'read' | 'write'): string {
  const fsGroup = s.gid === 0 ? IMAGE_UID : s.gid;
  const byGroup = `give the Pod \`securityContext.fsGroup: ${fsGroup}\` (kubelet then makes the volume ${access === 'read' ? 'readable' : 'writable'} by that group)`;
  if (!owner || owner.uid === 0) return `The volume belongs to ${owner ? 'root' : 'another user'} and uid ${s.uid} may not ${access} it: ${byGroup}.`;
  return `The volume belongs to uid ${owner.uid} (group ${owner.gid}, mode ${octal(owner.mode)}) and this Pod runs as uid ${s.uid}: run it as the owner (\`runAsUser: ${owner.uid}\`), or ${byGroup}.`;
}

function namedVolumeAdvice(s: Situation, dir: Ownership & { path: string }, access: 'read' | 'write'): string {
  const fresh = 'start over with a fresh named volume (`docker volume create k6-config-2`, mounted at /config)';
  if (dir.uid === s.uid) {
    return `The volume is this user's (uid ${s.uid}) but its mode ${octal(dir.mode)} does not let it ${access}: give the owner that permission (\`chmod u+${access === 'read' ? 'rx' : 'w'} ${dir.path}\` in a container running as uid ${s.uid}), or ${fresh}.`;
  }
  if (dir.uid === 0) {
    if (s.mount && s.mount.mountPoint !== '/config') {
      const chooser = chooserOf(s);
      return `A new named volume takes its owner from the image's directory at its mount point, and only /config belongs to the image's user: mount the volume at /config instead${chooser ? ` (and drop ${chooser})` : ''}.`;
    }
    return `The volume belongs to root: ${fresh}, which the image's user can write.`;
  }
  const group = groupMay(dir.mode, access === 'read' ? 'r' : 'w') && !inGroup(s, dir.gid) ? `, or keep your uid and add its group (\`--user ${s.uid}:${dir.gid}\`)` : '';
  const said = `The volume belongs to uid ${dir.uid} (group ${dir.gid}, mode ${octal(dir.mode)}), not to uid ${s.uid} that this container runs as`;
  // A fresh volume at /config would be the image user's again: no way out for another uid.
  if (dir.uid === IMAGE_UID) return `${said}: it is the image's own user, so drop \`--user\` (or use \`--user ${IMAGE_UID}:${dir.gid}\`)${group}.`;
  return `${said}: run as its owner (\`docker run --user ${dir.uid}:${dir.gid} ...\`)${group}, or ${fresh}.`;
}

function hostDirectoryAdvice(s: Situation, dir: Ownership & { path: string }, access: 'read' | 'write'): string {
  const volume = `or use a named volume (\`${NAMED_VOLUME_FIX}\`), which the image's user can write`;
  if (dir.uid === s.uid) {
    return `The host directory is this user's (uid ${s.uid}) but its mode ${octal(dir.mode)} does not let it ${access}: \`chmod u+${access === 'read' ? 'rx' : 'w'}\` it on the host.`;
  }
  if (dir.uid === 0 && s.uid !== 0) {
    const create = 'Docker creates a host directory that does not exist yet as root';
    if (s.uid !== IMAGE_UID) {
      // The user already runs as themselves (the README's recipe): repeating --user cannot help.
      return (
        `This container already runs as uid ${s.uid} (gid ${s.gid}), but the host directory belongs to root: ${create}. ` +
        `Create it as yourself before the run (\`mkdir -p "$HOME/.k6"\`, with your own path), or make an existing one yours (\`sudo chown "$(id -u):$(id -g)" <directory>\`), then run the same command again.`
      );
    }
    return (
      `The host directory belongs to root (${create}). Create it as yourself before mounting it (\`mkdir -p "$HOME/.k6"\`, with your own path) ` +
      `and run the container as yourself: \`docker run --user "$(id -u):$(id -g)" ...\`; ${volume}.`
    );
  }
  const group = groupMay(dir.mode, access === 'read' ? 'r' : 'w') && !inGroup(s, dir.gid) ? `, or add its group (\`--group-add ${dir.gid}\`)` : '';
  return `The host directory belongs to uid ${dir.uid} (group ${dir.gid}, mode ${octal(dir.mode)}): run the container as its owner, \`docker run --user ${dir.uid}:${dir.gid} ...\` (that is \`--user "$(id -u):$(id -g)"\` when the directory is yours)${group}; ${volume}.`;
}

function containerDirectoryAdvice(s: Situation, access: 'read' | 'write'): string {
  const chooser = chooserOf(s);
  const volume = s.runtime === 'kubernetes' ? 'a PersistentVolumeClaim mounted at /config' : `a volume (\`${NAMED_VOLUME_FIX}\`)`;
  return chooser ? `Point ${chooser} at a directory uid ${s.uid} may ${access}, or keep the login on ${volume}.` : `Keep the login on ${volume}.`;
}

/** The fix when the directory of the config file may not be written (EACCES, EPERM). */
export function unwritableAdvice(s: Situation, access: 'read' | 'write' = 'write'): string {
  const object = kubeletObject(s);
  if (object) return kubeletObjectAdvice(object);
  const dir = s.dir;
  if (s.mount?.kind === 'tmpfs' || s.mount?.kind === 'kubernetes-empty-dir') {
    if (access === 'write') return temporaryVolumeAdvice(s);
    // Reading: the tmpfs is there for this run; it only has to be this user's.
    if (s.runtime !== 'kubernetes' && s.mount.kind === 'tmpfs') {
      return `The tmpfs at ${s.mount.mountPoint} belongs to ${dir ? `uid ${dir.uid} (mode ${octal(dir.mode)})` : 'another user'}: mount it for this user (\`--tmpfs ${s.mount.mountPoint}:uid=${s.uid},gid=${s.gid}\`), or use a named volume (\`${NAMED_VOLUME_FIX}\`), which also keeps a login.`;
    }
  }
  if (!s.mount) return containerDirectoryAdvice(s, access);
  if (s.runtime === 'kubernetes') return kubernetesOwnerAdvice(s, dir, access);
  if (s.runtime === 'user-namespace') return userNamespaceAdvice(s, dir);
  if (!dir) {
    return `Run the container as the directory's owner (\`--user "$(id -u):$(id -g)"\` when it is yours), or use a named volume (\`${NAMED_VOLUME_FIX}\`).`;
  }
  if (s.mount.kind === 'named-volume' || s.mount.kind === 'anonymous-volume') return namedVolumeAdvice(s, dir, access);
  return hostDirectoryAdvice(s, dir, access);
}

/** How to run as `owner`, in this runtime's words. */
function runAs(s: Situation, uid: number, gid: number): string {
  return s.runtime === 'kubernetes' ? `\`runAsUser: ${uid}\`` : `\`docker run --user ${uid}:${gid} ...\``;
}

/**
 * The fix when the config file exists but may not be read. The file's owner and mode tell a
 * login saved by another uid (0600) from a file readable by a group this user is not in (a
 * Secret mounted without fsGroup) from a directory on the way that may not be searched.
 */
export function unreadableAdvice(s: Situation): string {
  const file = s.file;
  if (!file) return unwritableAdvice(s, 'read');
  if (file.uid === s.uid) {
    return `The file is this user's (uid ${s.uid}) but its mode ${octal(file.mode)} does not let it read: make it readable (\`chmod u+r\`).`;
  }
  if (s.runtime === 'user-namespace') return userNamespaceAdvice(s, file);
  const object = kubeletObject(s);
  if (groupMay(file.mode, 'r') && !inGroup(s, file.gid)) {
    const what = object ? `the ${object}'s files` : 'the file';
    if (s.runtime === 'kubernetes') {
      return `Group ${file.gid} may read ${what} (mode ${octal(file.mode)}) and this Pod is not in it: set the Pod's \`securityContext.fsGroup\`${object ? ` (kubelet then gives the ${object}'s files that group)` : ''}, or \`runAsGroup: ${file.gid}\`.`;
    }
    return `Group ${file.gid} may read ${what} (mode ${octal(file.mode)}) and this container is not in it: add the group, \`docker run --group-add ${file.gid} ...\`.`;
  }
  if (object) {
    return s.runtime === 'kubernetes'
      ? `The ${object}'s files are mode ${octal(file.mode)} for uid ${file.uid} only: give the volume \`defaultMode: 0440\` and the Pod \`securityContext.fsGroup\`, or run it as uid ${file.uid} (\`runAsUser: ${file.uid}\`).`
      : `The ${object}'s files are mode ${octal(file.mode)} for uid ${file.uid} only: run the container as that user (${runAs(s, file.uid, file.gid)}).`;
  }
  // A login saved by another uid (0600): only that uid reads it.
  const startOver = !s.dirWritable
    ? `start over on a fresh volume and log in there as uid ${s.uid}`
    : `${s.mount?.readOnly ? 'with the volume mounted read-write, ' : ''}delete the file and log in again as uid ${s.uid}`;
  const who = s.runtime === 'kubernetes' ? 'Job' : 'container';
  return `Run every ${who} that shares this volume as uid ${file.uid} (${runAs(s, file.uid, file.gid)}), or ${startOver}.`;
}

/** The fix when the file itself may not be replaced (its owner's, in a sticky or unwritable place). */
export function fileOwnerAdvice(s: Situation): string {
  const file = s.file;
  if (!file || file.uid === s.uid) return unwritableAdvice(s);
  if (s.runtime === 'kubernetes') return kubernetesOwnerAdvice(s, file, 'write');
  if (s.runtime === 'user-namespace') return userNamespaceAdvice(s, file);
  const sticky = s.dir && (s.dir.mode & 0o1000) !== 0 ? ' (in a sticky directory only a file\'s owner may replace it)' : '';
  return `The file belongs to uid ${file.uid}${sticky}: run the container as its owner (\`--user ${file.uid}:${file.gid}\`, or \`--user "$(id -u):$(id -g)"\` when it is yours), or have its owner remove it.`;
}
