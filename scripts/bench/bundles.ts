// The wrapper bundles the benchmark starts on the host: the production build (scripts/build.ts,
// exactly as the Dockerfile runs it) and variants of it for the start-up options tried (a Node
// flag in the shebang, a V8 snapshot, a compile cache). Every bundle is written to a directory
// outside the repository, so it loads without any node_modules.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, parse } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');

export interface BundleVariant {
  name: string;
  /** The executable the benchmark starts (a shebang file, as /usr/bin/k6 in the image). */
  wrapper: string;
  /** The JavaScript file itself (for its size). */
  file: string;
  /** Extra environment the variant needs (NODE_COMPILE_CACHE). */
  env?: Record<string, string>;
  /** What a maintainer would change to ship it. */
  change: string;
  /** A run after the build, untimed: fills the compile cache once. Node writes the cache when it
   * exits normally, which a process replaced by execve never does: so the priming run spawns. */
  prime?: { args: string[]; env: Record<string, string> };
}

function run(file: string, args: readonly string[], env?: Record<string, string>): void {
  const result = spawnSync(file, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} failed: ${result.stderr}${result.error ?? ''}`);
}

/** A plain copy of src/ (for a build context or the snapshot entry). */
export function copySrc(dest: string): void {
  cpSync(join(REPO, 'src'), dest, { recursive: true });
}

/** One file from `entry`, bundled with the options scripts/build.ts gives the wrapper bundle. */
export async function bundleAsWrapper(entry: string, outfile: string): Promise<void> {
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node22', minify: true, legalComments: 'eof', logLevel: 'error' });
}

/** The production bundle, built by the project's own build script with the interpreter in the
 * shebang, as in the image. */
export function buildProduction(outDir: string, nodePath: string): BundleVariant {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'k6-persist.cjs');
  run(process.execPath, ['scripts/build.ts', '--node-path', nodePath, '--outdir', outDir]);
  return { name: 'as built', wrapper: file, file, change: 'none: the current build' };
}

/** The production bundle with a Node flag added to its shebang (Linux passes everything after
 * the interpreter as ONE argument, so one flag). */
export function buildWithFlag(options: { name: string; outDir: string; nodePath: string; flag: string; change: string }): BundleVariant {
  const production = buildProduction(options.outDir, options.nodePath);
  const text = readFileSync(production.file, 'utf8');
  const shebang = `#!${options.nodePath}\n`;
  if (!text.startsWith(shebang)) throw new Error(`${production.file}: expected the shebang ${shebang.trim()}`);
  writeFileSync(production.file, `#!${options.nodePath} ${options.flag}\n${text.slice(shebang.length)}`);
  return { ...production, name: options.name, change: options.change };
}

/** A V8 start-up snapshot of the wrapper path (scripts/bench/variants/snapshot-entry.ts): the
 * modules are loaded and initialised at build time; a start deserialises the heap. */
export async function buildSnapshot(options: {
  name: string;
  outDir: string;
  nodePath: string;
  change: string;
}): Promise<BundleVariant> {
  const dir = join(options.outDir, options.name.replace(/[^a-z0-9]+/gi, '-'));
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'snapshot-entry.cjs');
  await bundleAsWrapper(join(REPO, 'scripts/bench/variants/snapshot-entry.ts'), entry);
  const blob = join(dir, 'k6-persist.blob');
  run(options.nodePath, ['--snapshot-blob', blob, '--build-snapshot', entry]);
  const wrapper = join(dir, 'k6');
  // The blob holds the whole heap, so it is what the image would carry instead of the bundle.
  writeFileSync(wrapper, `#!${options.nodePath} --snapshot-blob=${blob}\n`);
  chmodSync(wrapper, 0o755);
  return { name: options.name, wrapper, file: blob, change: options.change };
}

/** NODE_COMPILE_CACHE: V8's code cache for the bundle, filled by one untimed run first (as an image
 * build step would). Node writes the cache only on a normal exit, never in a process replaced by
 * execve, so the priming run spawns k6 instead. */
export function withCompileCache(variant: BundleVariant, cacheDir: string): BundleVariant {
  return {
    ...variant,
    env: { NODE_COMPILE_CACHE: cacheDir },
    prime: { args: ['version'], env: { K6_PERSIST_HANDOVER: 'spawn' } },
  };
}

export function fileSize(path: string): number {
  return statSync(path).size;
}

/** Every module specifier a bundle imports or requires, and those that are not Node built-ins. */
export function externalImports(path: string): { all: string[]; nonBuiltin: string[] } {
  const text = readFileSync(path, 'utf8');
  const found = new Set<string>();
  const patterns = [/\bfrom\s*["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g, /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g, /^\s*import\s*["']([^"']+)["']/gm];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) if (match[1]) found.add(match[1]);
  const all = [...found].sort();
  return { all, nonBuiltin: all.filter((s) => !isBuiltin(s)) };
}

/** node_modules directories Node's resolution could reach from a file (there should be none). */
export function reachableNodeModules(file: string): string[] {
  const hits: string[] = [];
  let dir = dirname(file);
  const root = parse(dir).root;
  for (;;) {
    if (existsSync(join(dir, 'node_modules'))) hits.push(join(dir, 'node_modules'));
    if (dir === root) break;
    dir = dirname(dir);
  }
  return hits;
}
