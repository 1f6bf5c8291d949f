// Starting the wrapper bundle from V8 code compiled when the image was built.
//
// Compiling the ~90 kB bundle is a good part of what the wrapper adds to every k6 start. Node's
// own compile cache (NODE_COMPILE_CACHE) keeps a directory per uid, so a container started with
// `--user`, an OpenShift random uid or a Kubernetes runAsUser would never find one made at build
// time. This cache is a single read-only file every uid reads. Whatever is wrong with it (absent,
// made by another Node, another V8 flag set, or for another bundle) only means the bundle is
// compiled as it would be without it: it can make a start slower, never different.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What became of the cache on this start; the wrapper's debug output names it. */
export type CacheUse = 'used' | 'rejected' | 'stale' | 'missing';

/**
 * V8 checks only the source's length against its cached code: a bundle replaced by another of
 * the same length (a derived image's COPY, a hand edit) would run the old code. So the file
 * starts with the bundle it was made from, compared byte for byte (a memcmp of ~90 kB, some
 * microseconds), then V8's data. Times are no help: an image's layers round the files' mtimes.
 */
const LENGTH_BYTES = 4;

export function cacheFile(bundle: Buffer, data: Buffer): Buffer {
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt32LE(bundle.length, 0);
  return Buffer.concat([length, bundle, data]);
}

/** V8's data when `file` was made from exactly this bundle; otherwise why there is none. */
export function cachedDataFor(file: Buffer | undefined, bundle: Buffer): { use: CacheUse; data?: Buffer } {
  if (file === undefined) return { use: 'missing' };
  const start = LENGTH_BYTES + bundle.length;
  if (file.length <= start || file.readUInt32LE(0) !== bundle.length || !file.subarray(LENGTH_BYTES, start).equals(bundle)) {
    return { use: 'stale' };
  }
  return { use: 'used', data: file.subarray(start) };
}

/**
 * The bundle as the function Node's CommonJS loader would wrap it in. Its shebang (kept so the
 * bundle also runs on its own) becomes a comment of the same length: a shebang is only valid
 * at the very start of a script, and the length is what V8 checks the cache against.
 */
export function asFunctionSource(text: string): string {
  const body = text.startsWith('#!') ? `//${text.slice(2)}` : text;
  return `(function (exports, require, module, __filename, __dirname) {${body}\n})`;
}

function readOptional(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Same directory and rename: a start running at the same moment reads the old file or the new, whole. */
export function writeCache(path: string, bundle: Buffer, data: Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, cacheFile(bundle, data), { mode: 0o644 });
  renameSync(temporary, path);
}

export interface BundleStart {
  bundle: string;
  cache: string;
  /**
   * Build time only: write the cache when the process exits, from everything compiled by then
   * (so the functions of the run that made it are cached too, not only the bundle's top level).
   */
  writeOnExit: boolean;
  /** Called with the outcome before the bundle runs, so the bundle can report it. */
  onCacheUse: (use: CacheUse) => void;
}

/** Compiles the bundle (from the cache when it fits) and runs it as the CommonJS module it is. */
export function runBundle(start: BundleStart, nodeRequire: NodeJS.Require): void {
  // Loaded here, not at the top: a direct start (direct-start.ts) never gets this far.
  const { Script } = process.getBuiltinModule('node:vm');
  const bundle = readFileSync(start.bundle);
  const found = cachedDataFor(readOptional(start.cache), bundle);
  const script = new Script(asFunctionSource(bundle.toString('utf8')), { filename: start.bundle, ...(found.data ? { cachedData: found.data } : {}) });
  const use: CacheUse = found.data && script.cachedDataRejected === true ? 'rejected' : found.use;
  if (start.writeOnExit) process.once('exit', () => writeCache(start.cache, bundle, script.createCachedData()));
  start.onCacheUse(use);
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, nodeRequire, module, start.bundle, dirname(start.bundle));
}
