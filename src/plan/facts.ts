// The I/O edge of the decision: read what the decision needs, change nothing.
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { analyseArgs } from '../args/analyse.ts';
import { readConfigFile, type FileState } from '../config/read.ts';
import { saveTargetOf } from '../config/atomic-write.ts';
import { errorCode } from '../config/errno.ts';
import { execveAvailable } from '../handover/exec.ts';
import { parseMountinfo } from '../mounts/mountinfo.ts';
import { k6DefaultConfigPath, k6LegacyConfigPath, locateConfig } from '../mounts/locate.ts';
import { resolveAgainst } from '../mounts/paths.ts';
import { parseConfigText } from '../config/document.ts';
import { summarizeCloud } from '../config/merge.ts';
import type { Ownership } from '../report/advice.ts';
import type { Settings } from '../settings/env.ts';
import type { Facts, PersistentFacts } from './types.ts';
import { k6MajorOf } from './k6-version.ts';
import { isDirectory, isUsableHome, writeProblem } from './probes.ts';

/** A directory that does not exist yet can be made when its nearest existing ancestor is writable. */
function createProblem(dir: string): string | undefined {
  let current = dir;
  for (let depth = 0; depth < 64; depth += 1) {
    if (isDirectory(current)) return writeProblem(current);
    const parent = dirname(current);
    if (parent === current) return 'ENOENT';
    current = parent;
  }
  return 'ENOENT';
}

/**
 * What stands in the way of saving the file, as an errno. The wrapper makes the directories of
 * the places it chose itself (a volume's k6 subdirectory, K6_PERSIST_DIR), never those of a path
 * the user typed: a missing directory there is most likely a typo or a missing mount.
 */
function saveProblem(path: string, state: FileState, singleFile: boolean, userChose: boolean): string | undefined {
  // A single file mounted over the path can only be rewritten in place.
  if (singleFile) return state.kind === 'present' ? writeProblem(path) : 'ENOENT';
  // Through a symlink the save lands beside the link's target, so that directory is the one to write.
  const dir = dirname(saveTargetOf(path));
  if (isDirectory(dir)) return writeProblem(dir); // rename needs the directory, not the old file
  return userChose ? 'ENOENT' : createProblem(dir);
}

/**
 * k6's pre-v0.58 file beside k6's default directory, when the config is k6's default one and is
 * missing (runs use the old file), or holds no Cloud token while the old file does (the old
 * login is hidden: worth a warning).
 */
function legacyConfig(path: string, state: FileState, env: NodeJS.ProcessEnv): PersistentFacts['legacy'] {
  if (state.kind !== 'missing' && !(state.kind === 'present' && !holdsToken(state.text))) return undefined;
  const defaultPath = resolveAgainst(process.cwd(), k6DefaultConfigPath(env));
  if (path !== defaultPath) return undefined;
  const legacyPath = k6LegacyConfigPath(path);
  const legacy = readConfigFile(legacyPath);
  if (legacy.kind !== 'present') return undefined;
  // An empty or broken old file holds nothing to use; k6 2.x ignores it anyway.
  const parsed = parseConfigText(legacy.text);
  if (!parsed.ok || parsed.empty) return undefined;
  if (state.kind === 'present' && !holdsToken(legacy.text)) return undefined;
  return { path: legacyPath, text: legacy.text };
}

function holdsToken(text: string): boolean {
  const parsed = parseConfigText(text);
  return parsed.ok && summarizeCloud(parsed.config).token !== undefined;
}

/** Owner and mode of the directory that decides a save: the file's own, or its nearest existing ancestor. */
export function decidingDirectory(path: string): (Ownership & { path: string }) | undefined {
  let current = dirname(saveTargetOf(path));
  for (let depth = 0; depth < 64; depth += 1) {
    try {
      const stat = statSync(current);
      if (stat.isDirectory()) return { path: current, uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777 };
      return undefined;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') return undefined;
    }
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return undefined;
}

/** kubelet's AtomicWriter makes each key of a Secret or ConfigMap a symlink into `..data/`. */
export function isKubeletPayload(path: string): boolean {
  try {
    return readlinkSync(path).startsWith('..data/');
  } catch {
    return false;
  }
}

/**
 * Whether this process runs in a user namespace: anything but the identity map `0 0 4294967295`
 * means host uids are shifted (rootless Podman or Docker), and so is the right fix for a volume.
 */
export function isUserNamespace(uidMap: string): boolean {
  const lines = uidMap.split('\n').map((line) => line.trim()).filter(Boolean);
  if (lines.length === 0) return false;
  return !(lines.length === 1 && lines[0]!.split(/\s+/).join(' ') === '0 0 4294967295');
}

function readUserNamespace(): boolean {
  try {
    return isUserNamespace(readFileSync('/proc/self/uid_map', 'utf8'));
  } catch {
    // Not Linux, or no /proc: nothing says the uids are shifted.
    return false;
  }
}

function readMountinfo(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // Not Linux, or /proc not mounted: behave as if nothing were mounted.
    return '';
  }
}

export function gatherFacts(argv: readonly string[], argv0: string, env: NodeJS.ProcessEnv, settings: Settings): Facts {
  const args = analyseArgs(argv);
  const mounts = parseMountinfo(readMountinfo(settings.mountinfoPath));
  const location = locateConfig({
    configFlag: args.config?.path,
    env: {
      K6_CONFIG: env['K6_CONFIG'],
      K6_PERSIST_DIR: settings.persistDir,
      HOME: env['HOME'],
      XDG_CONFIG_HOME: env['XDG_CONFIG_HOME'],
    },
    mounts,
    cwd: process.cwd(),
  });
  let persistent: PersistentFacts | undefined;
  // Only for the advice of an error: not read on a run that goes well.
  let troubled = false;
  if (location.path) {
    const dir = dirname(location.path);
    const state = readConfigFile(location.path);
    const dirExists = isDirectory(dir);
    const userChose = location.source === 'flag' || location.source === 'K6_CONFIG';
    const problem = saveProblem(location.path, state, location.singleFile, userChose);
    const legacy = state.kind === 'missing' || state.kind === 'present' ? legacyConfig(location.path, state, env) : undefined;
    troubled = problem !== undefined || state.kind === 'unreadable';
    const deciding = troubled ? decidingDirectory(location.path) : undefined;
    const kubeletPayload = troubled && isKubeletPayload(location.path);
    persistent = {
      path: location.path,
      state,
      dirExists,
      writable: problem === undefined,
      ...(problem ? { writeProblem: problem } : {}),
      ...(legacy ? { legacy } : {}),
      ...(deciding ? { dir: deciding } : {}),
      ...(kubeletPayload ? { kubeletPayload } : {}),
    };
  }
  const homeUsable = isUsableHome(env['HOME']);
  let tokenFile: Facts['tokenFile'];
  const tokenPath = env['K6_CLOUD_TOKEN_FILE'];
  if (tokenPath) {
    try {
      tokenFile = { path: tokenPath, content: readFileSync(tokenPath, 'utf8') };
    } catch (error) {
      tokenFile = { path: tokenPath, errorCode: errorCode(error) };
    }
  }
  // Only a login differs between k6 1.x and 2.x in what the wrapper does.
  const k6Major = args.login ? k6MajorOf(settings.k6Binary) : undefined;
  return {
    argv,
    argv0,
    env,
    settings,
    args,
    location,
    ...(k6Major !== undefined ? { k6Major } : {}),
    ...(persistent ? { persistent } : {}),
    homeUsable,
    ...(tokenFile ? { tokenFile } : {}),
    execve: execveAvailable(),
    uid: process.getuid?.() ?? -1,
    gid: process.getgid?.() ?? -1,
    groups: process.getgroups?.() ?? [],
    ...(troubled ? { userNamespace: readUserNamespace() } : {}),
  };
}
