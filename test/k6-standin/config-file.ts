// Reading and writing config.json the way k6 does, awkward parts included:
// - the file is decoded into k6's struct, so unknown keys are lost on the next write, values are
//   re-encoded by their Go types (go-types.ts) and other collectors are kept byte for byte;
// - the write is NOT atomic: open with O_TRUNC, then ONE write() of the whole file, no fsync
//   (K6_STANDIN_WRITE_PAUSE_MS holds the truncated, still empty file open before that write,
//   so tests can kill the process in between, audit E7);
// - v2.1+ creates the directory 0700 and the file 0600 and then chmods BOTH even when they
//   already exist, which fails with EPERM when the process does not own them;
// - v1.x reads the pre-v0.58 `loadimpact/k6/config.json` as a fallback and its login commands
//   copy it to the new default path, keeping the old file.
// Every failure here is a K6Error without an exit code (255); callers add 104 where k6 does.
import fs from 'node:fs';
import path from 'node:path';
import { type ConfigLocation, isDefaultPath } from './config-path.ts';
import { CLOUD_KEYS, TOP_LEVEL_KEYS, type KeySpec, canonicalKey } from './config-schema.ts';
import { K6Error, goPathError, isErrno, wrapError } from './errors.ts';
import { GoRaw, type GoValue, type Node, goKind, marshalIndent, parseJson, toPlain } from './go-json.ts';
import { type DecodeState, decodeField } from './go-types.ts';
import { logger } from './output.ts';
import { FEATURES } from './version.ts';

export type JsonObject = Record<string, unknown>;

/** The file's content as k6 sees it after json.Unmarshal: known keys only, as Go values. */
export type DiskConfig = Record<string, GoValue>;

/** A decoded cloudapi.Config, as Go values (ints exact, durations in Go notation). */
export type CloudCollector = Record<string, GoValue>;

/** Decodes a JSON value into the given struct the way encoding/json fills one. */
function decodeStruct(node: Node, specs: readonly KeySpec[], goType: string): Record<string, GoValue> {
  if (node.kind === 'null') return {};
  if (node.kind !== 'object') throw new K6Error(`json: cannot unmarshal ${goKind(node)} into Go value of type ${goType}`);
  const state: DecodeState = {};
  const structName = goType.replace(/^.*\./, '');
  const decoded: Record<string, GoValue> = {};
  for (const [key, value] of node.entries) {
    const spec = canonicalKey(specs, key);
    if (spec === undefined) continue;
    decoded[spec.key] = decodeField(spec.type, value, `${structName}.${spec.key}`, state);
  }
  if (state.saved !== undefined) throw new K6Error(state.saved);
  return decoded;
}

export function decodeConfig(text: string): DiskConfig {
  return decodeStruct(parseJson(text), TOP_LEVEL_KEYS, 'cmd.Config');
}

function collectorsOf(config: DiskConfig): Record<string, GoValue> | undefined {
  const collectors = config['collectors'];
  return collectors !== null && typeof collectors === 'object' && !Array.isArray(collectors) && !(collectors instanceof GoRaw)
    ? (collectors as Record<string, GoValue>)
    : undefined;
}

/**
 * `collectors.cloud` decoded into cloudapi.Config, as login does before changing it: unknown
 * keys are dropped, and a value of the wrong type fails with Go's null.* message (audit D19).
 */
export function decodeCloudCollectorTyped(config: DiskConfig): CloudCollector {
  const raw = collectorsOf(config)?.['cloud'];
  if (!(raw instanceof GoRaw)) return {};
  return decodeStruct(parseJson(raw.text), CLOUD_KEYS, 'cloudapi.Config');
}

/** The same as plain JavaScript values, for code that only reads them. */
export function decodeCloudCollector(config: DiskConfig): JsonObject {
  return toPlain(decodeCloudCollectorTyped(config)) as JsonObject;
}

function readAndDecode(file: string): DiskConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const op = isErrno(err, 'EISDIR') ? 'read' : 'open';
    throw wrapError(`couldn't load the configuration from ${JSON.stringify(file)}`, goPathError(op, file, err));
  }
  try {
    return decodeConfig(text);
  } catch (err) {
    throw wrapError(`couldn't parse the configuration from ${JSON.stringify(file)}`, err);
  }
}

/** k6's readDiskConfig: a missing file is fine only at the default path. */
export function readDiskConfig(location: ConfigLocation): DiskConfig {
  try {
    fs.statSync(location.path);
  } catch (err) {
    if (isErrno(err, 'ENOENT') && isDefaultPath(location)) return {};
    throw goPathError('stat', location.path, err);
  }
  return readAndDecode(location.path);
}

/** What run/archive/inspect/cloud use: readDiskConfig plus the v1.x legacy-path fallback. */
export function loadConfigFile(location: ConfigLocation): DiskConfig {
  if (!FEATURES.legacyConfigPath || !isDefaultPath(location)) return readDiskConfig(location);
  try {
    fs.statSync(location.path);
    return readDiskConfig(location);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) return readDiskConfig(location);
  }
  try {
    fs.statSync(location.legacyPath);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return {};
    throw goPathError('stat', location.legacyPath, err);
  }
  const config = readAndDecode(location.legacyPath);
  logger.warn(
    `The configuration file has been found on the old default path (${JSON.stringify(location.legacyPath)}). ` +
      'Please, run again `k6 cloud login` or `k6 login` commands to migrate to the new default path.\n\n',
  );
  return config;
}

/** The file content a login writes: Go's json.MarshalIndent(config, "", "  "), no final newline. */
export function serializeConfig(config: DiskConfig): string {
  const ordered: Record<string, GoValue> = {};
  for (const spec of TOP_LEVEL_KEYS) {
    const value = config[spec.key];
    if (value !== undefined) ordered[spec.key] = value;
    else if (spec.zero !== undefined) ordered[spec.key] = spec.zero;
  }
  const collectors = collectorsOf(ordered);
  if (collectors !== undefined) {
    // Go writes map keys sorted (byte order, as the keys are UTF-8 strings).
    const sorted = Object.create(null) as Record<string, GoValue>;
    for (const key of Object.keys(collectors).sort(compareUtf8)) sorted[key] = collectors[key] ?? null;
    ordered['collectors'] = sorted;
  }
  return marshalIndent(ordered);
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** cloudapi.Config re-encoded: every key of this version in struct order, null when unset. */
export function encodeCloudCollector(cloud: CloudCollector): Record<string, GoValue> {
  const encoded: Record<string, GoValue> = {};
  for (const spec of CLOUD_KEYS) encoded[spec.key] = cloud[spec.key] ?? null;
  return encoded;
}

/** Replaces collectors.cloud, keeping the other collectors (login's Collectors["cloud"] = ...). */
export function withCloudCollector(config: DiskConfig, cloud: CloudCollector): DiskConfig {
  const collectors = Object.assign(Object.create(null) as Record<string, GoValue>, collectorsOf(config));
  collectors['cloud'] = encodeCloudCollector(cloud);
  return { ...config, collectors };
}

function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** os.MkdirAll with Go's error reporting (the failing component is named). */
function mkdirAll(dir: string, mode: number): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    stat = undefined;
  }
  if (stat !== undefined) {
    if (stat.isDirectory()) return;
    throw goPathError('mkdir', dir, Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }));
  }
  const parent = path.dirname(dir);
  if (parent !== dir) mkdirAll(parent, mode);
  try {
    fs.mkdirSync(dir, { mode });
  } catch (err) {
    try {
      if (fs.lstatSync(dir).isDirectory()) return;
    } catch {
      // fall through to the mkdir error
    }
    throw goPathError('mkdir', dir, err);
  }
}

function chmod(target: string, mode: number): void {
  try {
    fs.chmodSync(target, mode);
  } catch (err) {
    throw goPathError('chmod', target, err);
  }
}

/**
 * afero.WriteFile: open with O_TRUNC, one write, close; no fsync. A crash after the open leaves
 * an empty file, which every later command then fails to parse.
 */
function writeInPlace(file: string, data: string, mode: number): void {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC, mode);
  } catch (err) {
    throw goPathError('open', file, err);
  }
  try {
    const pause = Number(process.env['K6_STANDIN_WRITE_PAUSE_MS'] ?? '0');
    sleepSync(Number.isFinite(pause) ? Math.min(pause, 60_000) : 0);
    const bytes = Buffer.from(data, 'utf8');
    // Go's File.Write loops over short writes inside the one call.
    let offset = 0;
    while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset);
  } catch (err) {
    throw goPathError('write', file, err);
  } finally {
    fs.closeSync(fd);
  }
}

export function writeDiskConfig(location: ConfigLocation, config: DiskConfig): void {
  const data = serializeConfig(config);
  const dir = path.dirname(location.path);
  if (FEATURES.privateConfigFile) {
    mkdirAll(dir, 0o700);
    chmod(dir, 0o700);
    writeInPlace(location.path, data, 0o600);
    chmod(location.path, 0o600);
  } else {
    mkdirAll(dir, 0o755);
    writeInPlace(location.path, data, 0o644);
  }
}

/** v1.x: copy the legacy file over the DEFAULT path (not the -c one), keeping the old file. */
export function migrateLegacyConfigIfAny(location: ConfigLocation): void {
  if (!FEATURES.legacyConfigPath) return;
  try {
    try {
      fs.statSync(location.legacyPath);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw goPathError('stat', location.legacyPath, err);
    }
    mkdirAll(path.dirname(location.defaultPath), 0o755);
    let data: string;
    try {
      data = fs.readFileSync(location.legacyPath, 'utf8');
    } catch (err) {
      throw goPathError('open', location.legacyPath, err);
    }
    writeInPlace(location.defaultPath, data, 0o644);
    logger.info(
      `Note, the configuration file has been migrated from the old default path (${JSON.stringify(location.legacyPath)}) ` +
        `to the new one (${JSON.stringify(location.defaultPath)}). ` +
        'Clean up the old path after you verified that you can run tests by using the new configuration.\n\n',
    );
  } catch (err) {
    throw wrapError("move from the old to the new configuration's filepath failed", err);
  }
}

/** v1.x `cloud login` skips the migration once the new default file holds valid JSON. */
export function migrationCompleted(location: ConfigLocation): boolean {
  let text: string;
  try {
    text = fs.readFileSync(location.defaultPath, 'utf8');
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) {
      logger.error(`Failed to check if the migration has been done: ${goPathError('open', location.defaultPath, err).message}`);
    }
    return false;
  }
  try {
    decodeConfig(text);
    return true;
  } catch {
    return false;
  }
}
