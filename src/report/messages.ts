// Every sentence the wrapper says to a user, in one place. Each error is one paragraph that says
// what happened, to which file, and what to do. Pure: callers decide whether and where to print.
import { valueText } from '../config/document.ts';
import type { FileState } from '../config/read.ts';
import type { LoginKind } from '../args/analyse.ts';
import type { TokenSource } from '../plan/types.ts';
import type { ClassifiedMount } from '../mounts/classify.ts';
import { describeMount } from '../mounts/describe.ts';
import type { LocationSource } from '../mounts/locate.ts';
import { DEFAULT_K6_BIN } from '../settings/defaults.ts';
import { NAMED_VOLUME_FIX, fileOwnerAdvice, readOnlyAdvice, unreadableAdvice, unwritableAdvice, type Situation } from './advice.ts';

export { describeMount };

const VOLUME_FIX = NAMED_VOLUME_FIX;

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

/** The login to show as the fix, in the spelling the user's k6 knows. */
function exampleLogin(kind: LoginKind | undefined): string {
  // `login cloud` exists only in k6 1.x, which takes no --stack there.
  if (kind === 'login-cloud') return `\`${VOLUME_FIX} login cloud --token <token>\``;
  return `\`${VOLUME_FIX} cloud login --token <token> --stack <stack>\` (k6 2.x needs the stack; leave out --stack on k6 1.x before 1.6)`;
}

/** What the wrapper gave a login: where the token came from (a variable, never the token), the saved stack URL. */
export interface Supplied {
  tokenFrom?: string;
  stack?: string;
}

export function describeTokenSource(source: TokenSource): string {
  return source.kind === 'K6_CLOUD_TOKEN_FILE' ? `K6_CLOUD_TOKEN_FILE ${source.path}` : 'K6_CLOUD_TOKEN';
}

const tokenOrigin = (supplied: Supplied) => (supplied.tokenFrom ? ` (from ${supplied.tokenFrom})` : '');
const stackOrigin = (supplied: Supplied) => (supplied.stack ? ` (the saved stack ${supplied.stack}, kept: no --stack was given)` : '');

const uidOf = (situation: Situation | undefined) => situation?.uid ?? process.getuid?.() ?? '?';

export const messages = {
  loginWithoutVolume: (defaultPath: string | undefined, kind?: LoginKind) =>
    (defaultPath
      ? `warning: no config volume is mounted, so this login is saved in ${defaultPath} inside the container and vanishes with it. `
      : 'warning: no config volume is mounted and HOME is not writable, so this login goes to a temporary directory and is gone when this command ends. ') +
    `Mount a volume at /config to keep it, e.g. ${exampleLogin(kind)}, and later runs with the same volume use it with no flag.`,

  loginIntoAnonymousVolume: (path: string) =>
    `warning: ${path} is on an anonymous volume (one without a name). If it comes from \`-v /config\` without a name, \`docker run --rm\` deletes it when the container exits, and the login with it. ` +
    `Name the volume instead (\`${VOLUME_FIX}\`) so the next container finds the login.`,

  loginIntoReadOnly: (situation: Situation) =>
    `error: cannot save the k6 Cloud login: ${describePlace(situation, { readOnlyNote: false })} is read-only. Nothing was changed. ${readOnlyAdvice(situation)}`,

  loginIntoUnwritable: (situation: Situation) =>
    `error: cannot save the k6 Cloud login: ${describePlace(situation)} is not writable by uid ${situation.uid} (gid ${situation.gid}), the user k6 runs as. Nothing was changed. ${unwritableAdvice(situation)}`,

  invalidConfig: (path: string, problem: string) =>
    `error: the k6 config file ${path} cannot be used: ${problem}. k6 was not started and the file was left exactly as it is. ` +
    `Fix or remove that file (a valid one is a JSON object such as {"collectors":{"cloud":{"token":"..."}}}), then run the command again.`,

  unreadableConfig: (path: string, code: string, situation?: Situation) => {
    const uid = uidOf(situation);
    const denied = code === 'EACCES' || code === 'EPERM';
    const file = situation?.file;
    if (denied && situation && file && file.uid !== situation.uid && (file.mode & 0o044) === 0 && !situation.kubeletPayload && !situation.mount?.kind.startsWith('kubernetes-')) {
      return (
        `error: the k6 config file ${path} belongs to uid ${file.uid} and only that user may read it (a credential is kept mode 0600); this container runs as uid ${uid}. ` +
        `k6 was not started and nothing was changed. ${unreadableAdvice(situation)}`
      );
    }
    const fix = denied
      ? `the user k6 runs as (uid ${uid}) may not read it or a directory on the way to it. ${situation ? unreadableAdvice(situation) : 'Make it readable for that user, or run the container as the file\'s owner.'}`
      : fixForCode(code, path, situation);
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

  cannotSave: (situation: Situation, code: string) =>
    `error: cannot save the k6 Cloud login to ${describePlace(situation)} (${code}): ${fixForCode(code, situation.path, situation)} Nothing was changed.`,

  stagingFailed: (code: string) =>
    `error: k6-persist could not create a private working directory for the login (${code}). Nothing was changed. Give the container a writable /tmp (e.g. \`--tmpfs /tmp\`) or set TMPDIR to a writable directory.`,

  k6LeftInvalidConfig: (problem: string) =>
    `error: k6 reported success but left a config that cannot be read (${problem}); the persistent config was not changed. Run the login again; if it repeats, report it with K6_PERSIST_DEBUG=1 output.`,

  writeFailed: (path: string, code: string, fileChanged = false, situation?: Situation) =>
    `error: the k6 Cloud login could not be saved to ${path} (${code}): ${fixForCode(code, path, situation, 'replace')} ` +
    (fileChanged
      ? 'The rewrite stopped part way, so the file may now be incomplete: once the cause is fixed, log in again to write it whole.'
      : 'The previous file, if any, is unchanged.'),

  prepareFailed: (what: 'directory' | 'file', path: string, code: string, situation?: Situation) =>
    `error: could not create ${what === 'directory' ? `the directory ${path} for the k6 config file` : `the k6 config file ${path}`} (${code}): ${fixForCode(code, path, situation)} k6 was not started.`,

  loginSaved: (place: Place, summary: { token?: string; stack?: unknown }, supplied: Supplied = {}) =>
    `k6 Cloud login saved to ${describePlace(place)}` +
    (summary.token ? `: token ${summary.token}${tokenOrigin(supplied)}` : '') +
    (summary.stack != null ? `, stack ${valueText(summary.stack)}${stackOrigin(supplied)}` : '') +
    '.',

  loginCleared: (place: Place) => `k6 Cloud login removed from ${describePlace(place)}.`,

  /** After a login that changed nothing: the user still learns where the login lives. */
  loginUnchanged: (place: Place, summary: { token?: string; stack?: unknown }, supplied: Supplied = {}) =>
    summary.token
      ? `k6 Cloud login unchanged in ${describePlace(place)}: token ${summary.token}${tokenOrigin(supplied)}` +
        (summary.stack != null ? `, stack ${valueText(summary.stack)}${stackOrigin(supplied)}` : '') +
        '.'
      : `no k6 Cloud login in ${describePlace(place)} (unchanged).`,

  /** k6 refused a login the wrapper gave a token or a stack to: say which, so the right one gets fixed. */
  loginRefusedWithSupplied: (path: string, supplied: Supplied) =>
    `k6 refused the login, which was given ${[
      supplied.tokenFrom ? `the token from ${supplied.tokenFrom} (no --token was given)` : '',
      supplied.stack ? `the stack saved in ${path}, ${supplied.stack} (no --stack was given)` : '',
    ]
      .filter(Boolean)
      .join(' and ')}. Nothing was changed.` +
    (supplied.stack ? ' To log in to another stack, give it with --stack.' : '') +
    (supplied.tokenFrom ? ` Check that ${supplied.tokenFrom} holds a valid k6 Cloud API token.` : ''),

  /** k6 2.x logs in only with a stack: the secret's token is not used without one. */
  secretLoginNeedsStack: (source: string, path: string, stackId: unknown) =>
    `warning: ${source} holds a token, but k6 2.x logs in only with a stack, and no --stack was given` +
    (stackId !== undefined ? ` (${path} holds stack id ${valueText(stackId)} but no stackURL, and a login takes a URL or slug)` : ` nor is one saved in ${path}`) +
    `, so k6 asks for the token and the stack itself. Add --stack <slug or URL> (\`cloud login --stack my-stack\`) to log in with the token from ${source}.`,

  /** A stack id alone cannot be given to k6's login. */
  loginNeedsStackUrl: (path: string, stackId: unknown) =>
    `warning: no --stack was given and ${path} holds stack id ${valueText(stackId)} but no stackURL; k6's login takes a stack's URL or slug, not its id. Add --stack <slug or URL>.`,

  /** The lock was held before k6 ran: nothing happened yet. */
  lockBusy: (lockPath: string) =>
    `error: another login has held ${lockPath} for too long, so k6 was not started and nothing was changed. ` +
    `If no other login is running, remove that lock file and log in again.`,

  /** The lock was taken by another login while k6 ran: k6 already said "Logged in successfully". */
  lockTimeout: (lockPath: string, path: string) =>
    `error: the k6 Cloud login could not be saved: another login has held ${lockPath} for too long. ` +
    `k6's "Logged in successfully" above refers to the private working copy it was given: nothing was saved to ${path}, and the previous file is unchanged. ` +
    `If no other login is running, remove that lock file and log in again.`,

  /** A single mounted file keeps the mode of its owner, who is not this user. */
  tokenReadableByOthers: (path: string, mode: number, owner: number) =>
    `warning: the k6 Cloud token is now in ${path}, whose mode ${`0${(mode & 0o777).toString(8)}`} lets other users read it; it belongs to uid ${owner}, so k6-persist may not make it 0600. ` +
    `On the host, run \`chmod 600\` on the file mounted there (or mount its directory instead of the single file, and the login is saved 0600).`,

  /** A k6/config.json without a token hides the pre-v0.58 login k6 1.x would otherwise use. */
  hiddenLegacyLogin: (path: string, legacyPath: string, holdsNothing: boolean) =>
    `warning: ${path} holds no k6 Cloud token, so the login in the pre-v0.58 file ${legacyPath} is not used (it applies only while ${path} does not exist). ` +
    (holdsNothing
      ? `${path} holds nothing else ({}): remove it and runs use the old login again (the next Cloud login then starts from it).`
      : `Log in again, or copy collectors.cloud from ${legacyPath} into ${path}.`),

  k6NotFound: (path: string, code: string) =>
    `error: the real k6 binary ${path} cannot be started (${code}). Set K6_PERSIST_K6_BIN to its absolute path (the image sets it to ${DEFAULT_K6_BIN}).`,
};

export function fixForCode(code: string, path: string, situation?: Situation, action: 'write' | 'replace' = 'write'): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM': {
      const said = `the user k6 runs as (uid ${uidOf(situation)}) may not ${action === 'replace' ? 'replace the file' : 'write there'}.`;
      if (!situation) return `${said} Run the container as the owner of the volume's directory, or use a named volume.`;
      return `${said} ${action === 'replace' ? fileOwnerAdvice(situation) : unwritableAdvice(situation)}`;
    }
    case 'EROFS':
      return `the file system is read-only. ${situation ? readOnlyAdvice(situation) : 'Mount the volume read-write for logins.'}`;
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
export function unusableConfigMessage(path: string, state: Exclude<FileState, { kind: 'present' | 'missing' }>, situation?: Situation): string {
  switch (state.kind) {
    case 'directory':
    case 'not-regular':
      return messages.configNotAFile(path);
    case 'too-large':
      return messages.configTooLarge(path, state.size);
    case 'dangling-link':
      return messages.danglingConfigLink(path, state.target);
    case 'unreadable':
      return messages.unreadableConfig(path, state.code, situation);
  }
}
