// Global set-up of the release project: the registry round trip is built before any test runs.
// scripts/build-images.sh with the release target runs scripts/qemu.sh (arm64 emulation),
// scripts/registry.sh (127.0.0.1:5000), the stand-in bases for both platforms, pushes their
// registry copies and runs `docker buildx bake --push` for release-<VERSION>: linux/amd64 and
// linux/arm64 from the unchanged Dockerfile, with SBOM and provenance. Its log goes to
// build/release-build.log; its last lines are in the error when it fails.
//
// K6_PERSIST_RELEASE_BUILD=0 skips the build while iterating on the tests (emulation and the
// registry are still set up); the tests then read what the registry holds.
//
// A registry this run started is stopped again after the tests; one that already ran stays.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REGISTRY, VERSION } from './release.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function script(name: string, ...args: string[]): void {
  const result = spawnSync('bash', [`scripts/${name}`, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 10 * 60_000 });
  if (result.status !== 0) throw new Error(`release: scripts/${name} ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${result.stderr}`);
}

const registryAnswers = (): boolean =>
  spawnSync('curl', ['-fsS', '-m', '2', '-o', '/dev/null', `http://${REGISTRY}/v2/`], { timeout: 5_000 }).status === 0;

export default function buildRelease(): () => void {
  const registryWasUp = registryAnswers();
  script('qemu.sh');
  script('registry.sh');
  const teardown = () => {
    if (!registryWasUp) script('registry.sh', 'stop');
  };
  if (process.env['K6_PERSIST_RELEASE_BUILD'] === '0') return teardown;
  const log = join(ROOT, 'build', 'release-build.log');
  mkdirSync(dirname(log), { recursive: true });
  const started = Date.now();
  const result = spawnSync('bash', ['scripts/build-images.sh', 'release'], {
    cwd: ROOT,
    env: { ...process.env, RELEASE_K6_VERSIONS: VERSION, LATEST_K6: VERSION, BUILDKIT_PROGRESS: 'plain' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 30 * 60_000,
  });
  writeFileSync(log, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.status !== 0) {
    teardown();
    const tail = readFileSync(log, 'utf8').trimEnd().split('\n').slice(-25).join('\n');
    throw new Error(`release: scripts/build-images.sh release failed (exit ${result.status ?? result.signal}); log ${log}:\n${tail}`);
  }
  console.log(`release: built and pushed in ${((Date.now() - started) / 1000).toFixed(1)} s (log ${log})`);
  return teardown;
}
