// The I/O edge of the decision: read what the decision needs, change nothing.
import { accessSync, readFileSync, statSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { analyseArgs } from '../args/analyse.ts';
import { readConfigFile } from '../config/read.ts';
import { execveAvailable } from '../handover/exec.ts';
import { parseMountinfo } from '../mounts/mountinfo.ts';
import { locateConfig } from '../mounts/locate.ts';
import type { Settings } from '../settings/env.ts';
import type { Facts, PersistentFacts } from './types.ts';

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A directory that does not exist yet is writable when its nearest existing ancestor is. */
function canCreateIn(dir: string): boolean {
  let current = dir;
  for (let depth = 0; depth < 64; depth += 1) {
    if (isDirectory(current)) return canWrite(current);
    const parent = dirname(current);
    if (parent === current) return false;
    current = parent;
  }
  return false;
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
  if (location.path) {
    const dir = dirname(location.path);
    const state = readConfigFile(location.path);
    const dirExists = isDirectory(dir);
    const writable = location.singleFile
      ? state.kind === 'present' && canWrite(location.path)
      : dirExists
        ? canWrite(dir) // rename needs the directory, not the old file
        : canCreateIn(dir);
    persistent = { path: location.path, state, dirExists, writable };
  }
  const home = env['HOME'];
  const homeUsable = home !== undefined && home !== '' && home !== '/' && isDirectory(home) && canWrite(home);
  let tokenFile: Facts['tokenFile'];
  const tokenPath = env['K6_CLOUD_TOKEN_FILE'];
  if (tokenPath) {
    try {
      tokenFile = { path: tokenPath, content: readFileSync(tokenPath, 'utf8') };
    } catch (error) {
      tokenFile = { path: tokenPath, errorCode: (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN' };
    }
  }
  return {
    argv,
    argv0,
    env,
    settings,
    args,
    location,
    ...(persistent ? { persistent } : {}),
    homeUsable,
    ...(tokenFile ? { tokenFile } : {}),
    execve: execveAvailable(),
    uid: process.getuid?.() ?? -1,
    gid: process.getgid?.() ?? -1,
  };
}
