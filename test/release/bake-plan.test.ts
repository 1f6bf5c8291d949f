// The whole release group as `docker buildx bake --print` expands it (the round trip builds only
// release-2-2-0): one target per supported k6 version and flavour from ONE matrix target, each
// for both platforms with SBOM and provenance, tagged version, major.minor and (for LATEST_K6)
// latest, on its base pinned to the digest BASE_DIGESTS gives, which is also its label.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Target {
  args: Record<string, string>;
  tags: string[];
  platforms: string[];
  attest: string[];
  labels?: Record<string, string>;
}

function plan(env: Record<string, string>, ...targets: string[]): { group: Record<string, { targets: string[] }>; target: Record<string, Target> } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(IMAGE|RELEASE_K6_VERSIONS|LATEST_K6|K6_BASE|NODE_BASE|BASE_DIGESTS|SBOM|SBOM_GENERATOR|RELEASE_PLATFORMS|TAG|K6_VERSION)$/.test(k)));
  const out = execFileSync('docker', ['buildx', 'bake', '--print', ...targets], { cwd: ROOT, env: { ...clean, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out);
}

const VERSIONS = ['1.8.1', '2.0.0', '2.1.0', '2.2.0'];
const digest = (tag: string) => `sha256:${Buffer.from(tag).toString('hex').padEnd(64, '0').slice(0, 64)}`;

describe('docker buildx bake --print release', () => {
  const digests = VERSIONS.flatMap((v) => [v, `${v}-with-browser`]).map((t) => `${t}=${digest(t)}`).join(' ');
  const p = plan({ IMAGE: 'registry.example/k6-persist', BASE_DIGESTS: digests }, 'release');

  it('is one target per default version and flavour, made by the matrix', () => {
    const names = VERSIONS.flatMap((v) => [`release-${v.replaceAll('.', '-')}`, `release-${v.replaceAll('.', '-')}-with-browser`]);
    expect(p.group['release']?.targets.slice().sort()).toEqual(names.sort());
    expect(Object.keys(p.target).sort()).toEqual(names.sort());
  });

  it.each(VERSIONS.flatMap((v) => [[v, ''], [v, '-with-browser']]))('%s%s: both platforms, SBOM and provenance, its tags, its pinned base and label', (version, flavour) => {
    const t = p.target[`release-${version.replaceAll('.', '-')}${flavour}`]!;
    const mm = version.split('.').slice(0, 2).join('.');
    expect(t.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(t.attest.slice().sort()).toEqual(['type=provenance,mode=max', 'type=sbom']);
    expect(t.tags).toEqual([`registry.example/k6-persist:${version}${flavour}`, `registry.example/k6-persist:${mm}${flavour}`, ...(version === '2.2.0' ? [`registry.example/k6-persist:latest${flavour}`] : [])]);
    expect(t.args['K6_IMAGE']).toBe(`grafana/k6:${version}${flavour}@${digest(version + flavour)}`);
    expect(t.args['NODE_IMAGE']).toBe('node:24-alpine');
    expect(t.labels).toEqual({ 'org.opencontainers.image.base.digest': digest(version + flavour) });
  });

  it('without BASE_DIGESTS: bases by tag, no base digest label; LATEST_K6 moves latest', () => {
    const q = plan({ RELEASE_K6_VERSIONS: '2.1.0 2.2.0', LATEST_K6: '2.1.0' }, 'release');
    const t = q.target['release-2-1-0']!;
    expect([t.args['K6_IMAGE'], t.labels]).toEqual(['grafana/k6:2.1.0', undefined]);
    expect(t.tags).toEqual(['k6-persist:2.1.0', 'k6-persist:2.1', 'k6-persist:latest']);
    expect(q.target['release-2-2-0']!.tags).toEqual(['k6-persist:2.2.0', 'k6-persist:2.2']);
  });

  it('the test images stay single-platform on the stand-ins', () => {
    const t = plan({}, 'test').target['test-2-2-0']!;
    expect([t.platforms, t.args['K6_IMAGE'], t.args['NODE_IMAGE'], t.tags]).toEqual([undefined, 'k6-persist-standin/k6:2.2.0', 'k6-persist-standin/node:24', ['k6-persist:test-2.2.0']]);
  });
});
