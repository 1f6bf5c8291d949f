// Variant images of start-up options (`npm run bench -- --variants`): each is the project's own
// Dockerfile, build script and src/ copied into a temporary build context with the option added
// to the Dockerfile by an exact text edit (the benchmark fails if the text it edits is gone, rather
// than measure something else), built the way scripts/build-images.sh builds the test images on
// this machine (host network for RUN steps, the proxy's CA as the `ca` secret), on the same local
// base images.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { copySrc, REPO } from './bundles.ts';
import type { Fixtures, Images } from './container.ts';
import { docker, imageId, imageSize } from './docker.ts';
import { alternate, type Command, type Series } from './measure.ts';

export interface BuiltVariant {
  label: string;
  ref: string;
  id: string;
  bytes: number;
}

function replaceOnce(text: string, from: string, to: string, where: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`${where}: expected exactly one ${JSON.stringify(from.slice(0, 100))}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** Image variants measured against the image as built. */
export type ImageVariant = 'as built' | 'without code cache' | 'Node floor' | 'compile cache';

/** The Dockerfile's step that makes the V8 code cache (a variant without it drops the step). */
const CODE_CACHE_STEP = /\n# The V8 code cache of the wrapper bundle[^]*?\| grep -q 'code cache: used'\n/;

function withoutCodeCacheStep(text: string): string {
  const matches = text.match(new RegExp(CODE_CACHE_STEP.source, 'g')) ?? [];
  if (matches.length !== 1) throw new Error(`Dockerfile: expected exactly one code-cache step, found ${matches.length}`);
  return text.replace(CODE_CACHE_STEP, '\n');
}

const LAUNCHER_LINK = 'ln -s /usr/libexec/k6-persist/k6-persist-launcher.cjs /usr/local/bin/k6;';

/** Dockerfile -> NODE_COMPILE_CACHE, filled at build time by one run of the wrapper. Node keeps one
 * cache directory per uid and writes it only on a normal exit (never after execve), so the priming
 * run is made as the image's user, with K6_PERSIST_HANDOVER=spawn. It caches the bundle started
 * directly (k6 on PATH is the bundle, not the launcher, whose vm.Script Node's cache never sees). */
function compileCacheDockerfile(text: string): string {
  // Primed as the image's user, then made root's and read-only to everyone: other uids read
  // nothing of it (Node looks for <dir>/<version>-<arch>-<hash>-<uid>) and cannot create their
  // own directory there, so no run writes into the image.
  return replaceOnce(
    withoutCodeCache(text),
    'ENV K6_PERSIST_K6_BIN=/usr/bin/k6\n',
    'ENV K6_PERSIST_K6_BIN=/usr/bin/k6\n' +
      'ENV NODE_COMPILE_CACHE=/usr/libexec/k6-persist/compile-cache\n' +
      'RUN mkdir -p /usr/libexec/k6-persist/compile-cache && chown 12345:12345 /usr/libexec/k6-persist/compile-cache\n' +
      'USER 12345\n' +
      'RUN K6_PERSIST_HANDOVER=spawn /usr/local/bin/k6 version >/dev/null && ls /usr/libexec/k6-persist/compile-cache/*/* >/dev/null\n' +
      'USER root\n' +
      'RUN chown -R 0:0 /usr/libexec/k6-persist/compile-cache && chmod -R a+rX,go-w /usr/libexec/k6-persist/compile-cache\n',
    'Dockerfile',
  );
}

/** Dockerfile -> k6 on PATH is the wrapper bundle itself, compiled at every start (the build before the launcher). */
function withoutCodeCache(text: string): string {
  return replaceOnce(withoutCodeCacheStep(text), LAUNCHER_LINK, 'ln -s /usr/libexec/k6-persist/k6-persist.cjs /usr/local/bin/k6;', 'Dockerfile');
}

/**
 * Dockerfile -> k6 on PATH is a one-line Node program that only execve's the real k6: what any
 * Node entrypoint costs at least (Node's start, loading a main script, the execve), so the
 * wrapper's own share is its time over this one.
 */
function nodeFloor(text: string): string {
  const floor = "process.execve('/usr/bin/k6', ['k6', ...process.argv.slice(2)], process.env);";
  return replaceOnce(
    withoutCodeCacheStep(text),
    LAUNCHER_LINK,
    `printf '%s\\n' '#!/usr/libexec/k6-persist/node' "${floor}" >/usr/libexec/k6-persist/floor.cjs; chmod 0755 /usr/libexec/k6-persist/floor.cjs; ` +
      'ln -s /usr/libexec/k6-persist/floor.cjs /usr/local/bin/k6;',
    'Dockerfile',
  );
}

export function variantDockerfile(option: ImageVariant, text: string): string {
  switch (option) {
    case 'as built':
      return text;
    case 'without code cache':
      return withoutCodeCache(text);
    case 'Node floor':
      return nodeFloor(text);
    case 'compile cache':
      return compileCacheDockerfile(text);
  }
}

/** The variants worth an image of their own in the `variants` section. */
const IMAGE_OPTIONS: ImageVariant[] = ['without code cache', 'compile cache'];

function caBundle(): string | undefined {
  for (const candidate of [process.env['K6_PERSIST_CA_BUNDLE'], '/etc/ssl/certs/ca-certificates.crt']) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** A variant must still do the image's job: version, a run that finds the volume, status. */
function smokeCheck(ref: string, fixtures: Fixtures): void {
  const volume = ['-v', `${fixtures.volume}:/config`, '-v', `${fixtures.scriptsDir}:/scripts:ro`];
  const checks: Array<{ args: string[]; expect: RegExp; quietStderr: boolean }> = [
    { args: [ref, 'version'], expect: /k6 v/, quietStderr: true },
    { args: [...volume, ref, 'run', '/scripts/one.js'], expect: /iterations/, quietStderr: true },
    { args: [...volume, '--entrypoint', 'k6-persist', ref, 'status'], expect: /\/config\/config\.json/, quietStderr: false },
  ];
  for (const check of checks) {
    const result = spawnSync('docker', ['run', '--rm', '--network', 'none', ...check.args], { encoding: 'utf8', timeout: 120_000 });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.status !== 0 || !check.expect.test(output) || (check.quietStderr && /k6-persist|warning/i.test(result.stderr ?? ''))) {
      throw new Error(`${ref}: \`${check.args.slice(check.args.indexOf(ref) + 1).join(' ')}\` does not behave (exit ${result.status}): ${output.slice(-1500)}`);
    }
  }
}

export async function buildVariantImages(
  fixtures: Fixtures | undefined,
  dir: string,
  log: (text: string) => void,
  baseRef = 'k6-persist-standin/k6:2.2.0',
  nodeRef = 'k6-persist-standin/node:24',
  options: ImageVariant[] = IMAGE_OPTIONS,
  refPrefix = 'k6p-bench-variant',
): Promise<BuiltVariant[]> {
  const built: BuiltVariant[] = [];
  const ca = caBundle();
  for (const option of options) {
    const tag = option.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    const ctx = join(dir, tag);
    mkdirSync(ctx, { recursive: true });
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.ts', 'scripts/strip-elf.ts', '.dockerignore']) {
      mkdirSync(dirname(join(ctx, f)), { recursive: true });
      copyFileSync(join(REPO, f), join(ctx, f));
    }
    copySrc(join(ctx, 'src'));
    const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    writeFileSync(join(ctx, 'Dockerfile'), variantDockerfile(option, dockerfile));
    const ref = `${refPrefix}:${tag}`;
    log(`building variant image ${ref}`);
    const args = [
      'buildx', 'build', '--load', '--network', 'host', '--progress', 'plain',
      '--build-arg', `K6_IMAGE=${baseRef}`, '--build-arg', `NODE_IMAGE=${nodeRef}`,
      ...(ca ? ['--secret', `id=ca,src=${ca}`] : []),
      '-t', ref, ctx,
    ];
    const result = spawnSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000 });
    writeFileSync(join(ctx, 'build.log'), `${result.stdout ?? ''}${result.stderr ?? ''}`);
    if (result.status !== 0) {
      throw new Error(`building ${ref} failed (exit ${result.status}, ${result.error ?? ''}):\n${`${result.stdout ?? ''}${result.stderr ?? ''}`.slice(-3000)}`);
    }
    // A base whose k6 is not the stand-in cannot run the smoke check's `run`.
    if (fixtures) smokeCheck(ref, fixtures);
    built.push({ label: option, ref, id: imageId(ref), bytes: imageSize(ref) });
  }
  return built;
}

export function variantWall(images: Images, built: BuiltVariant[], rounds: number): Series[] {
  const cmd = (label: string, id: string): Command => ({ label, file: 'docker', args: ['run', '--rm', '--network', 'none', id, 'version'], env: process.env });
  return alternate([cmd('plain', images.base), cmd('k6-persist as built', images.image), ...built.map((b) => cmd(b.label, b.id))], { rounds, warmup: 2 });
}

export function removeVariantImages(built: BuiltVariant[]): void {
  for (const b of built) docker(['image', 'rm', '-f', b.ref], { okCodes: [0, 1] });
}
