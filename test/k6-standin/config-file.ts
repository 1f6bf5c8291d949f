// Reading and writing config.json the way k6 does, awkward parts included:
// - the file is decoded into k6's struct, so unknown keys are lost on the next write;
// - the write is NOT atomic: open with O_TRUNC, then write in place in several write() calls
//   (K6_STANDIN_WRITE_PAUSE_MS pauses between them so tests can kill the process mid-write);
// - v2.1+ creates the directory 0700 and the file 0600 and then chmods BOTH even when they
//   already exist, which fails with EPERM when the process does not own them;
// - v1.x reads the pre-v0.58 `loadimpact/k6/config.json` as a fallback and its login commands
//   copy it to the new default path, keeping the old file.
// Every failure here is a K6Error without an exit code (255); callers add 104 where k6 does.
import fs from 'node:fs';
import path from 'node:path';
import { type ConfigLocation, isDefaultPath } from './config-path.ts';
import { CLOUD_KEYS, TOP_LEVEL_KEYS, type KeySpec, canonicalKey, typeMismatch } from './config-schema.ts';
import { K6Error, goPathError, isErrno, wrapError } from './errors.ts';
import { logger } from './output.ts';
import { FEATURES } from './version.ts';

export type JsonObject = Record<string, unknown>;

/** The file's content as k6 sees it after json.Unmarshal: known keys only. */
export type DiskConfig = JsonObject;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Node's JSON.parse messages rewritten as encoding/json's, which is what k6 shows users.
function goJsonSyntaxError(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/Unexpected end|Unterminated string/.test(message)) return 'unexpected end of JSON input';
  const position = /position (\d+)/.exec(message);
  const token =
    /Unexpected token '(.)'/.exec(message)?.[1] ??
    (position ? text.charAt(Number(position[1])) : text.trimStart().charAt(0));
  const char = token === "'" ? "\\'" : token;
  if (message.includes('after JSON')) return `invalid character '${char}' after top-level value`;
  if (message.includes('Expected property name')) {
    return `invalid character '${char}' looking for beginning of object key string`;
  }
  if (message.includes("Expected ',' or '}'")) return `invalid character '${char}' after object key:value pair`;
  if (message.includes("Expected ',' or ']'")) return `invalid character '${char}' after array element`;
  if (message.includes("Expected ':'")) return `invalid character '${char}' after object key`;
  return `invalid character '${char}' looking for beginning of value`;
}

/** Decodes into the given key list the way encoding/json fills a struct (case-insensitive). */
function decodeStruct(raw: unknown, specs: readonly KeySpec[], structName: string): JsonObject {
  if (raw === null) return {};
  if (!isObject(raw)) {
    const kind = Array.isArray(raw) ? 'array' : typeof raw === 'boolean' ? 'bool' : typeof raw;
    throw new K6Error(`json: cannot unmarshal ${kind} into Go value of type ${structName}`);
  }
  const decoded: JsonObject = {};
  for (const [key, value] of Object.entries(raw)) {
    const spec = canonicalKey(specs, key);
    if (spec === undefined) continue;
    const mismatch = typeMismatch(spec, value, structName.replace(/^.*\./, ''));
    if (mismatch !== undefined) throw new K6Error(mismatch);
    decoded[spec.key] = value;
  }
  return decoded;
}

export function decodeConfig(text: string): DiskConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new K6Error(goJsonSyntaxError(text, err));
  }
  const config = decodeStruct(raw, TOP_LEVEL_KEYS, 'cmd.Config');
  const collectors = config['collectors'];
  if (collectors !== undefined && collectors !== null && !isObject(collectors)) {
    throw new K6Error(
      `json: cannot unmarshal ${Array.isArray(collectors) ? 'array' : typeof collectors} into Go struct field Config.collectors of type map[string]json.RawMessage`,
    );
  }
  return config;
}

/** `collectors.cloud` decoded into cloudapi.Config: unknown keys are dropped here. */
export function decodeCloudCollector(config: DiskConfig): JsonObject {
  const collectors = config['collectors'];
  if (!isObject(collectors) || collectors['cloud'] === undefined) return {};
  return decodeStruct(collectors['cloud'], CLOUD_KEYS, 'cloudapi.Config');
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
  const ordered: JsonObject = {};
  for (const spec of TOP_LEVEL_KEYS) {
    if (spec.key in config) ordered[spec.key] = config[spec.key];
    else if (spec.zero !== undefined) ordered[spec.key] = structuredClone(spec.zero);
  }
  const collectors = ordered['collectors'];
  if (isObject(collectors)) {
    // Go writes map keys sorted.
    ordered['collectors'] = Object.fromEntries(
      Object.keys(collectors)
        .sort()
        .map((k) => [k, collectors[k]]),
    );
  }
  // encoding/json escapes these even inside indented output; they can only occur in strings.
  return JSON.stringify(ordered, null, 2).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** cloudapi.Config re-encoded: every known key in struct order, unknown ones gone. */
export function encodeCloudCollector(cloud: JsonObject): JsonObject {
  const encoded: JsonObject = {};
  for (const spec of CLOUD_KEYS) encoded[spec.key] = spec.key in cloud ? cloud[spec.key] : null;
  return encoded;
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

/** Truncate, then write in place in two halves: a crash in between leaves a partial file. */
function writeInPlace(file: string, data: string, mode: number): void {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC, mode);
  } catch (err) {
    throw goPathError('open', file, err);
  }
  try {
    const bytes = Buffer.from(data, 'utf8');
    const half = Math.ceil(bytes.length / 2);
    const pause = Number(process.env['K6_STANDIN_WRITE_PAUSE_MS'] ?? '0');
    for (const [index, chunk] of [bytes.subarray(0, half), bytes.subarray(half)].entries()) {
      if (index > 0) sleepSync(Number.isFinite(pause) ? Math.min(pause, 60_000) : 0);
      let offset = 0;
      while (offset < chunk.length) offset += fs.writeSync(fd, chunk, offset);
    }
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
