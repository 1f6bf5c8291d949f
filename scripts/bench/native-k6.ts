// The start-up target of issue 13: the wrapper adds at most 3 ms over Node's own bare start in
// the same image, paired in one run:
//   docker run IMAGE version                                        (wrapper -> execve -> k6)
//   docker run --entrypoint /usr/libexec/k6-persist/node IMAGE -e 0  (Node alone)
// on a base whose k6 is a native program, as grafana/k6's Go binary is. The stand-in's k6 is a
// Node program, whose own start (~25 ms) would swamp what the wrapper adds; here /usr/bin/k6 is a
// `#!/bin/sh` script run by the base's static busybox that prints what the stand-in's `k6 version`
// printed (~1 ms). The images are built from the project's Dockerfile exactly as the variant
// images are (variants.ts): as built (the launcher and its V8 code cache), without the code cache
// (the bundle itself on PATH), and the Node floor: a one-line Node program that only execve's k6.
import { spawnSync } from 'node:child_process';
import { docker } from './docker.ts';
import { alternate, type Command, type Series } from './measure.ts';
import { buildVariantImages, type BuiltVariant } from './variants.ts';

export const NODE_IN_IMAGE = '/usr/libexec/k6-persist/node';

/** A copy of `standinBase` whose /usr/bin/k6 is a static-busybox script printing its version. */
export function buildNativeBase(standinBase: string, ref: string): void {
  const printed = docker(['run', '--rm', '--network', 'none', standinBase, 'version']);
  if (!/k6 v\d/.test(printed)) throw new Error(`${standinBase} version printed ${JSON.stringify(printed.slice(0, 200))}`);
  const b64 = Buffer.from(printed).toString('base64');
  const dockerfile = [
    `FROM ${standinBase}`,
    'USER root',
    `RUN echo ${b64} | base64 -d >/usr/lib/k6-native-version && ` +
      `printf '#!/bin/sh\\ncase "$1" in version) exec cat /usr/lib/k6-native-version ;; esac\\nexit 0\\n' >/usr/bin/k6 && ` +
      'chmod 0755 /usr/bin/k6 && /usr/bin/k6 version | grep -q "k6 v"',
    'USER 12345',
  ].join('\n');
  const built = spawnSync('docker', ['buildx', 'build', '--network', 'host', '--load', '--progress', 'plain', '-t', ref, '-'], {
    input: dockerfile,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (built.status !== 0) throw new Error(`building ${ref} failed: ${(built.stderr ?? '').slice(-2000)}`);
}

export interface NativeImages {
  base: string;
  variants: BuiltVariant[];
}

export async function buildNativeImages(standinBase: string, nodeRef: string, dir: string, log: (t: string) => void, tag: string): Promise<NativeImages> {
  const base = `k6p-bench-native-base:${tag}`;
  log(`building ${base}: ${standinBase} with a native k6`);
  buildNativeBase(standinBase, base);
  const variants = await buildVariantImages(undefined, dir, log, base, nodeRef, ['as built', 'without code cache', 'Node floor'], `k6p-bench-native-${tag}`);
  return { base, variants };
}

/** Per image: `version` through the wrapper and Node's bare start, alternated in every round. */
export function nativeStartup(native: NativeImages, rounds: number): Series[] {
  const run = (label: string, args: string[]): Command => ({ label, file: 'docker', args: ['run', '--rm', '--network', 'none', ...args], env: process.env });
  const commands: Command[] = [run('native k6 alone: version', [native.base, 'version'])];
  for (const v of native.variants) {
    commands.push(run(`${v.label}: version`, [v.id, 'version']));
    commands.push(run(`${v.label}: node -e 0`, ['--entrypoint', NODE_IN_IMAGE, v.id, '-e', '0']));
  }
  return alternate(commands, { rounds, warmup: 2 });
}

/** The same pair inside one container of each image: less noise than whole `docker run`s. */
export function nativeStartupInContainer(native: NativeImages, benchDir: string, rounds: number): Record<string, Series[]> {
  const out: Record<string, Series[]> = {};
  for (const v of native.variants) {
    const json = docker(['run', '--rm', '--network', 'none', '-v', `${benchDir}:/bench:ro`, '--entrypoint', NODE_IN_IMAGE, v.id, '/bench/inner-native.ts', String(rounds)], { timeoutMs: 600_000 });
    out[v.label] = JSON.parse(json) as Series[];
  }
  return out;
}

export function removeNativeImages(native: NativeImages): void {
  for (const ref of [...native.variants.map((v) => v.ref), native.base]) docker(['image', 'rm', '-f', ref], { okCodes: [0, 1] });
}

/** Image size measured the same way on every platform: `du -skx /` in a container of it. */
export function duKb(ref: string, platform: string): number {
  const out = docker(['run', '--rm', '--network', 'none', '--platform', platform, '--user', '0', '--entrypoint', 'sh', ref, '-c', 'du -skx / 2>/dev/null | cut -f1'], { timeoutMs: 300_000 });
  const kb = Number(out.trim());
  if (!Number.isFinite(kb) || kb <= 0) throw new Error(`du in ${ref} (${platform}) printed ${JSON.stringify(out)}`);
  return kb;
}
