// Where the k6 config file that should hold the Cloud login lives. Pure: the caller reads
// the environment and mountinfo and passes them in.
//
// Order, first match wins:
//  1. the user's own choice: -c/--config, else K6_CONFIG (k6's own precedence);
//  2. K6_PERSIST_DIR, the wrapper's explicit setting: <dir>/config.json;
//  3. a mounted volume at a place where a k6 config is expected (see candidateMountPoints);
//  4. none: nothing persistent was found.

import { classifyMount, isSystemMount, type ClassifiedMount } from './classify.ts';
import { describeMount } from './describe.ts';
import type { MountEntry } from './mountinfo.ts';
import { isSameOrAncestor, normalisePath, pathDepth, resolveAgainst } from './paths.ts';

export interface LocateInput {
  configFlag?: string | undefined;
  env: {
    K6_CONFIG?: string | undefined;
    K6_PERSIST_DIR?: string | undefined;
    HOME?: string | undefined;
    XDG_CONFIG_HOME?: string | undefined;
  };
  mounts: MountEntry[];
  cwd: string;
}

export type LocationSource = 'flag' | 'K6_CONFIG' | 'K6_PERSIST_DIR' | 'mount' | 'none';

export interface Location {
  source: LocationSource;
  /** Absolute config.json path; undefined iff source is 'none'. */
  path?: string;
  /** The mount holding path: the deepest mount point that is path or an ancestor, topmost when stacked. */
  mount?: ClassifiedMount;
  /** The mount point IS the file (a single-file bind mount). */
  singleFile: boolean;
  /** One human sentence, for debug output. */
  reason: string;
  /** The mount points looked for in step 3, in order (empty when an earlier step decided). */
  candidates: string[];
}

const CONFIG_FILE = 'config.json';

export function locateConfig(input: LocateInput): Location {
  return (
    fromUserChoice(input) ??
    fromPersistDir(input) ??
    fromCandidateMounts(input) ?? {
      source: 'none',
      singleFile: false,
      reason: `no -c/--config, K6_CONFIG or K6_PERSIST_DIR, and no volume is mounted at ${listOr(candidateMountPoints(input))}`,
      candidates: candidateMountPoints(input),
    }
  );
}

/**
 * The mount that holds path: the deepest mount point that is path or an ancestor of it,
 * the topmost one when several are stacked there. The container's root filesystem ("/") is
 * not a volume and never returned: undefined means "in the container's own file system".
 */
export function coveringMount(path: string, mounts: readonly MountEntry[]): ClassifiedMount | undefined {
  const target = normalisePath(path);
  let deepest: MountEntry[] = [];
  let deepestDepth = 0;
  for (const entry of mounts) {
    const mountPoint = normalisePath(entry.mountPoint);
    if (mountPoint === '/' || !isSameOrAncestor(mountPoint, target)) continue;
    const depth = pathDepth(mountPoint);
    if (depth > deepestDepth) [deepest, deepestDepth] = [[], depth];
    if (depth === deepestDepth) deepest.push(entry);
  }
  const top = topmost(deepest);
  return top && classifyMount(top);
}

/**
 * Of mounts stacked on one mount point, the one on top: a mount stacked on another has the
 * other's id as parent, so the top is the one no other is stacked on. mountinfo lists mounts
 * in mount order, so when the ids do not tell (hand-made entries), the last one wins.
 */
function topmost(stacked: readonly MountEntry[]): MountEntry | undefined {
  const stackedOn = new Set(stacked.map((entry) => entry.parentId));
  const uncovered = stacked.filter((entry) => !stackedOn.has(entry.mountId));
  return uncovered.length === 1 ? uncovered[0] : stacked.at(-1);
}

function fromUserChoice(input: LocateInput): Location | undefined {
  const flag = nonEmpty(input.configFlag);
  const env = nonEmpty(input.env.K6_CONFIG);
  const [source, chosen] = flag !== undefined ? (['flag', flag] as const) : (['K6_CONFIG', env] as const);
  if (chosen === undefined) return undefined;
  const path = resolveAgainst(input.cwd, chosen);
  const named = source === 'flag' ? 'the -c/--config flag' : 'K6_CONFIG';
  return atPath(source, path, input.mounts, `${named} names ${path}`);
}

function fromPersistDir(input: LocateInput): Location | undefined {
  const dir = nonEmpty(input.env.K6_PERSIST_DIR);
  if (dir === undefined) return undefined;
  const path = resolveAgainst(input.cwd, `${dir}/${CONFIG_FILE}`);
  return atPath('K6_PERSIST_DIR', path, input.mounts, `K6_PERSIST_DIR is ${dir}, so the config is ${path}`);
}

function atPath(source: LocationSource, path: string, mounts: readonly MountEntry[], reason: string): Location {
  const mount = coveringMount(path, mounts);
  return {
    source,
    path,
    ...(mount ? { mount } : {}),
    singleFile: mount?.mountPoint === path,
    reason,
    candidates: [],
  };
}

interface Candidate {
  /** A directory (or, for single files, the file) where a mounted volume is looked for. */
  readonly mountPoint: string;
  /** The config file a volume mounted there holds. */
  readonly configPath: string;
}

/**
 * Where someone who wants k6's login kept mounts a volume, in order:
 *  - /config: a short place that does not depend on HOME or the uid (the wrapper's convention);
 *  - $XDG_CONFIG_HOME/k6 and $HOME/.config/k6: k6's own default directory (Go's
 *    os.UserConfigDir), so mounting it works even without this wrapper;
 *  - $HOME/.config: a volume one level up still holds k6/config.json;
 *  - $HOME/.config/loadimpact/k6: the pre-v0.58 default, for volumes made back then.
 * For each, a single file bind-mounted at its config.json counts too. A relative
 * XDG_CONFIG_HOME is skipped: Go's os.UserConfigDir rejects it, so k6 never uses it. A
 * relative HOME is not rejected by Go: k6 resolves it against its working directory.
 */
function candidates({ env, cwd }: Pick<LocateInput, 'env' | 'cwd'>): Candidate[] {
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  const home = nonEmpty(env.HOME);
  const dirs: Array<{ dir: string; configPath: string }> = [{ dir: '/config', configPath: `/config/${CONFIG_FILE}` }];
  if (xdg !== undefined && xdg.startsWith('/')) dirs.push(inDir(`${xdg}/k6`));
  if (home !== undefined) {
    const config = `${home}/.config`;
    dirs.push(inDir(`${config}/k6`), { dir: config, configPath: `${config}/k6/${CONFIG_FILE}` }, inDir(`${config}/loadimpact/k6`));
  }
  const seen = new Set<string>();
  const list: Candidate[] = [];
  for (const { dir, configPath } of dirs) {
    for (const mountPoint of [dir, configPath].map((path) => resolveAgainst(cwd, path))) {
      if (seen.has(mountPoint)) continue;
      seen.add(mountPoint);
      list.push({ mountPoint, configPath: resolveAgainst(cwd, configPath) });
    }
  }
  return list;
}

function inDir(dir: string): { dir: string; configPath: string } {
  return { dir, configPath: `${dir}/${CONFIG_FILE}` };
}

function candidateMountPoints(input: Pick<LocateInput, 'env' | 'cwd'>): string[] {
  return candidates(input).map((candidate) => candidate.mountPoint);
}

function fromCandidateMounts(input: LocateInput): Location | undefined {
  const considered = candidates(input);
  const mountPoints = new Set(
    input.mounts.map((entry) => normalisePath(entry.mountPoint)).filter((point) => !isSystemMount(point)),
  );
  const hit = considered.find((candidate) => mountPoints.has(candidate.mountPoint));
  if (hit === undefined) return undefined;
  const mount = coveringMount(hit.configPath, input.mounts);
  const singleFile = mount?.mountPoint === hit.configPath;
  const what = singleFile ? `a single file is mounted at ${hit.configPath}` : `${describeVolume(mount, hit.mountPoint)} holds ${hit.configPath}`;
  return {
    source: 'mount',
    path: hit.configPath,
    ...(mount ? { mount } : {}),
    singleFile,
    reason: what,
    candidates: considered.map((candidate) => candidate.mountPoint),
  };
}

/** The same prose as the status command's volume line, so "chosen by" reads like it. */
function describeVolume(mount: ClassifiedMount | undefined, mountPoint: string): string {
  if (!mount) return `a volume at ${mountPoint}`;
  const words = describeMount(mount);
  const where = words.includes(mount.mountPoint) ? '' : ` at ${mount.mountPoint}`;
  return `${words}${where}${mount.readOnly ? ' (read-only)' : ''}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function listOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** k6's default config file (Go's os.UserConfigDir + k6/config.json), as k6 itself computes it. */
export function k6DefaultConfigPath(env: { HOME?: string | undefined; XDG_CONFIG_HOME?: string | undefined }): string {
  // Go's os.UserConfigDir: XDG_CONFIG_HOME if set (an error when relative), else $HOME/.config
  // (an error when HOME is empty); on an error k6 uses the relative `.config`.
  const { XDG_CONFIG_HOME: xdg, HOME: home } = env;
  const configDir = xdg ? (xdg.startsWith('/') ? xdg : undefined) : home ? `${home}/.config` : undefined;
  if (configDir === undefined) return '.config/k6/config.json';
  const path = `${configDir}/k6/config.json`;
  return path.startsWith('/') ? normalisePath(path) : path;
}

/** Where k6 before v0.58 kept it, beside k6's default directory; k6 1.x still reads it as a fallback. */
export function k6LegacyConfigPath(defaultPath: string): string {
  const configDir = defaultPath.replace(/\/k6\/config\.json$/, '');
  return `${configDir}/loadimpact/k6/config.json`;
}
