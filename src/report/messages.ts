// Every sentence the wrapper says to a user, in one place. Each error is one paragraph that says
// what happened, to which file, and what to do. Pure: callers decide whether and where to print.
import { valueText } from '../config/document.ts';
import type { FileState } from '../config/read.ts';
import type { ClassifiedMount } from '../mounts/classify.ts';
import type { LocationSource } from '../mounts/locate.ts';

const VOLUME_FIX = 'docker run -v k6-config:/config ...';

export interface Place {
  path: string;
  source: LocationSource;
  mount?: ClassifiedMount | undefined;
}

export function describePlace(place: Place, options: { readOnlyNote?: boolean } = {}): string {
  const mount = place.mount;
  const via =
    place.source === 'flag'
      ? ' (chosen with -c/--config)'
      : place.source === 'K6_CONFIG'
        ? ' (chosen with K6_CONFIG)'
        : place.source === 'K6_PERSIST_DIR'
          ? ' (chosen with K6_PERSIST_DIR)'
          : '';
  if (!mount) return `${place.path}${via}, in the container's own file system`;
  const kind = describeMount(mount);
  const note = mount.readOnly && options.readOnlyNote !== false ? ' (read-only)' : '';
  return `${place.path}${via}, on ${kind}${note}`;
}

export function describeMount(mount: ClassifiedMount): string {
  switch (mount.kind) {
    case 'named-volume':
      return `the named volume "${mount.volumeName ?? '?'}"`;
    case 'anonymous-volume':
      return 'an anonymous volume';
    case 'bind':
      return `a bind mount at ${mount.mountPoint}`;
    case 'tmpfs':
      return `a tmpfs at ${mount.mountPoint}`;
    case 'kubernetes-secret':
      return `a Kubernetes Secret volume at ${mount.mountPoint}`;
    case 'kubernetes-configmap':
      return `a Kubernetes ConfigMap volume at ${mount.mountPoint}`;
    case 'kubernetes-empty-dir':
      return `a Kubernetes emptyDir at ${mount.mountPoint}`;
    case 'kubernetes-volume':
      return `a Kubernetes volume at ${mount.mountPoint}`;
    default:
      return `a mount at ${mount.mountPoint}`;
  }
}

export const messages = {
  loginWithoutVolume: (defaultPath: string | undefined) =>
    (defaultPath
      ? `warning: no config volume is mounted, so this login is saved in ${defaultPath} inside the container and vanishes with it. `
      : 'warning: no config volume is mounted and HOME is not writable, so this login goes to a temporary directory and is gone when this command ends. ') +
    `Mount a volume at /config to keep it, e.g. \`${VOLUME_FIX} cloud login --token <token>\`, and later runs with the same volume use it with no flag.`,

  loginIntoAnonymousVolume: (path: string) =>
    `warning: ${path} is on an anonymous volume (one without a name). If it comes from \`-v /config\` without a name, \`docker run --rm\` deletes it when the container exits, and the login with it. ` +
    `Name the volume instead (\`${VOLUME_FIX}\`) so the next container finds the login.`,

  loginIntoReadOnly: (place: Place) =>
    `error: cannot save the k6 Cloud login: ${describePlace(place, { readOnlyNote: false })} is read-only. Nothing was changed. ` +
    `Mount the volume read-write for the login (drop \`:ro\` / \`readOnly: true\`), or log in once with a writable volume and mount it read-only for runs only. ` +
    `A Kubernetes Secret is always read-only: put the token in the Secret itself, or use K6_CLOUD_TOKEN / K6_CLOUD_TOKEN_FILE.`,

  loginIntoUnwritable: (place: Place, uid: number, gid: number) =>
    `error: cannot save the k6 Cloud login: ${describePlace(place)} is not writable by uid ${uid} (gid ${gid}), the user k6 runs as. Nothing was changed. ` +
    `For a host directory, run the container as its owner: \`docker run --user "$(id -u):$(id -g)" ...\`; or use a named volume (\`${VOLUME_FIX}\`), which the image's user can write.`,

  invalidConfig: (path: string, problem: string) =>
    `error: the k6 config file ${path} cannot be used: ${problem}. k6 was not started and the file was left exactly as it is. ` +
    `Fix or remove that file (a valid one is a JSON object such as {"collectors":{"cloud":{"token":"..."}}}), then run the command again.`,

  unreadableConfig: (path: string, code: string, owner?: number) => {
    const uid = process.getuid?.();
    if ((code === 'EACCES' || code === 'EPERM') && owner !== undefined && owner !== uid) {
      return (
        `error: the k6 config file ${path} belongs to uid ${owner} and only that user may read it (a credential is kept mode 0600); this container runs as uid ${uid ?? '?'}. ` +
        `k6 was not started and nothing was changed. Run every container or Job that shares this volume as uid ${owner} (\`docker run --user ${owner}\`, Kubernetes \`runAsUser: ${owner}\`), or delete the file and log in again as uid ${uid ?? '?'}.`
      );
    }
    const fix =
      code === 'EACCES' || code === 'EPERM'
        ? `the user k6 runs as (uid ${uid ?? '?'}) may not read it or a directory on the way to it. Make it readable for that user, or run the container as the file's owner (\`--user "$(id -u):$(id -g)"\` for a host directory).`
        : fixForCode(code, path);
    return `error: the k6 config file ${path} cannot be read (${code}): ${fix} k6 was not started and nothing was changed.`;
  },

  configNotAFile: (path: string) =>
    `error: ${path} is a directory (or another non-file), where the k6 config file should be. k6 was not started and nothing was changed. ` +
    `Remove it or point -c/--config, K6_CONFIG or K6_PERSIST_DIR somewhere else; with Docker, a file bind mount whose host file did not exist creates a directory: create the host file first (\`echo {} > config.json\`).`,

  danglingConfigLink: (path: string, target: string) =>
    `error: the k6 config file ${path} is a symbolic link to ${target}, which does not exist. k6 was not started and nothing was changed. ` +
    `Point the link at an existing file, or remove the link so that a new file can be created there.`,

  configTooLarge: (path: string, size: number) =>
    `error: ${path} is ${size} bytes, far more than any k6 config file; it is probably not one. k6 was not started and nothing was changed. Point the config at the right file.`,

  tokenFileConflict: () =>
    'error: both K6_CLOUD_TOKEN and K6_CLOUD_TOKEN_FILE are set, so it is not clear which token k6 should use. k6 was not started. Unset one of them.',

  tokenFileUnreadable: (path: string, code: string) =>
    `error: K6_CLOUD_TOKEN_FILE names ${path}, which cannot be read (${code}). k6 was not started. Check the secret is mounted at that path and readable by uid ${process.getuid?.() ?? '?'}.`,

  tokenFileEmpty: (path: string) =>
    `error: K6_CLOUD_TOKEN_FILE names ${path}, which is empty. k6 was not started. Put the k6 Cloud API token in that file (or secret key).`,

  badSettings: (problems: string[]) =>
    `error: k6-persist settings are invalid: ${problems.join('; ')}. k6 was not started. Fix or unset those variables (see the README for each K6_PERSIST_* setting).`,

  cannotSave: (place: Place, code: string) =>
    `error: cannot save the k6 Cloud login to ${describePlace(place)} (${code}): ${fixForCode(code, place.path)} Nothing was changed.`,

  stagingFailed: (code: string) =>
    `error: k6-persist could not create a private working directory for the login (${code}). Nothing was changed. Give the container a writable /tmp (e.g. \`--tmpfs /tmp\`) or set TMPDIR to a writable directory.`,

  k6LeftInvalidConfig: (problem: string) =>
    `error: k6 reported success but left a config that cannot be read (${problem}); the persistent config was not changed. Run the login again; if it repeats, report it with K6_PERSIST_DEBUG=1 output.`,

  writeFailed: (path: string, code: string, fileChanged = false) =>
    `error: the k6 Cloud login could not be saved to ${path} (${code}): ${fixForCode(code, path)} ` +
    (fileChanged
      ? 'The rewrite stopped part way, so the file may now be incomplete: once the cause is fixed, log in again to write it whole.'
      : 'The previous file, if any, is unchanged.'),

  prepareFailed: (what: 'directory' | 'file', path: string, code: string) =>
    `error: could not create ${what === 'directory' ? `the directory ${path} for the k6 config file` : `the k6 config file ${path}`} (${code}): ${fixForCode(code, path)} k6 was not started.`,

  loginSaved: (place: Place, summary: { token?: string; stack?: unknown }) =>
    `k6 Cloud login saved to ${describePlace(place)}` +
    (summary.token ? `: token ${summary.token}` : '') +
    (summary.stack != null ? `, stack ${valueText(summary.stack)}` : '') +
    '.',

  loginCleared: (place: Place) => `k6 Cloud login removed from ${describePlace(place)}.`,

  lockTimeout: (lockPath: string) =>
    `error: the k6 Cloud login could not be saved: another container has held ${lockPath} for too long. The previous file is unchanged. ` +
    `If no other login is running, remove that lock file and log in again.`,

  k6NotFound: (path: string, code: string) =>
    `error: the real k6 binary ${path} cannot be started (${code}). Set K6_PERSIST_K6_BIN to its absolute path (the image sets it to /usr/libexec/k6-persist/k6).`,
};

export function fixForCode(code: string, path: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `the user k6 runs as (uid ${process.getuid?.() ?? '?'}) may not write there. For a host directory run the container as its owner (\`--user "$(id -u):$(id -g)"\`), or use a named volume.`;
    case 'EROFS':
      return 'the file system is read-only. Mount the volume read-write for logins.';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the volume is full. Free some space on it and try again.';
    case 'EBUSY':
      return 'the file is busy (a mount point that cannot be replaced). Mount its directory instead of the single file.';
    case 'ENOENT':
      return `a directory on the way to ${path} does not exist. Create it or mount a volume there.`;
    case 'ELOOP':
      return `${path} is a symbolic link that loops (or too many links deep). Replace it with a regular file or a link to one.`;
    case 'EISDIR':
      return `${path} is a directory. Remove it or point the config elsewhere.`;
    case 'ENOTDIR':
      return `a part of ${path} that should be a directory is a file. Fix the path.`;
    default:
      return 'check the volume and its permissions.';
  }
}

/** Why the file at the config path cannot be used, for every state but a file or nothing. */
export function unusableConfigMessage(path: string, state: Exclude<FileState, { kind: 'present' | 'missing' }>): string {
  switch (state.kind) {
    case 'directory':
    case 'not-regular':
      return messages.configNotAFile(path);
    case 'too-large':
      return messages.configTooLarge(path, state.size);
    case 'dangling-link':
      return messages.danglingConfigLink(path, state.target);
    case 'unreadable':
      return messages.unreadableConfig(path, state.code, state.owner);
  }
}
