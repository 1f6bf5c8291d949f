// What the workflows promise (README, "Publishing to a registry of your own"), checked against
// the files they depend on: the bake file's release variables, the e2e suite's real-image
// settings, and the release plan's input from `docker buildx bake --print release`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO, runBlocks } from './support.ts';

type Obj = Record<string, unknown>;
const load = (name: string) => parse(readFileSync(join(REPO, '.github/workflows', name), 'utf8')) as Obj;
const ci = load('ci.yml');
const conformance = load('conformance.yml');
const release = load('release.yml');
const bake = readFileSync(join(REPO, 'docker-bake.hcl'), 'utf8');
const bakeVariables = new Set([...bake.matchAll(/^variable "(\w+)"/gm)].map((m) => m[1]));

const jobs = (w: Obj) => w['jobs'] as Record<string, Obj>;
const steps = (job: Obj) => (job['steps'] as Obj[]) ?? [];
const runs = (job: Obj) => steps(job).map((s) => String(s['run'] ?? '')).join('\n');

describe('CI', () => {
  it('runs npm test', () => {
    expect(runs(jobs(ci)['test']!)).toMatch(/\bnpm test\b/);
  });
});

describe('conformance', () => {
  const e2e = jobs(conformance)['e2e']!;
  const matrix = (e2e['strategy'] as Obj)['matrix'] as Obj;

  it('is callable by the release with the versions to check, and by hand', () => {
    const on = conformance['on'] as Obj;
    expect(Object.keys(on)).toEqual(expect.arrayContaining(['workflow_call', 'workflow_dispatch', 'pull_request']));
    expect(((on['workflow_call'] as Obj)['inputs'] as Obj)['k6-versions']).toMatchObject({ default: '1.8.1 2.0.0 2.1.0 2.2.0' });
  });

  it('builds on the real bases for both platforms, each natively', () => {
    expect(matrix['platform']).toEqual(['linux/amd64', 'linux/arm64']);
    expect(matrix['include']).toEqual([
      { platform: 'linux/amd64', runner: 'ubuntu-latest' },
      { platform: 'linux/arm64', runner: 'ubuntu-24.04-arm' },
    ]);
    const build = runs(e2e);
    expect(build).toContain('docker buildx bake --load --set "*.platform=$PLATFORM" default with-browser');
    // The bake file's default target builds on grafana/k6 and node:*-alpine.
    expect(bake).toMatch(/variable "K6_BASE" \{\s*default = "grafana\/k6"/);
    expect(bake).toMatch(/NODE_IMAGE = "\$\{NODE_BASE\}:\$\{NODE_VERSION\}-alpine"/);
  });

  it('runs the e2e suite in its real-image mode, with settings the suite reads', () => {
    const step = steps(e2e).find((s) => String(s['run']).includes('--project e2e'))!;
    const env = step['env'] as Record<string, string>;
    expect(env).toMatchObject({
      K6_PERSIST_E2E_REAL: '1',
      K6_PERSIST_E2E_IMAGE: 'k6-persist:conformance-{version}',
      K6_PERSIST_E2E_PLAIN_IMAGE: 'grafana/k6:{version}',
    });
    expect(env['K6_PERSIST_E2E_VERSIONS']).toContain('matrix.k6');
    const suite = readFileSync(join(REPO, 'test/e2e/support/containers.ts'), 'utf8');
    for (const name of Object.keys(env)) expect(suite, name).toContain(`'${name}'`);
    // sudo passes exactly these through.
    expect(String(step['run'])).toContain(`--preserve-env=${Object.keys(env).join(',')}`);
  });
});

describe('release', () => {
  const on = release['on'] as Obj;
  const publish = jobs(release)['publish']!;

  it('runs on a v* tag, on a schedule and by hand', () => {
    expect((on['push'] as Obj)['tags']).toEqual(['v*']);
    expect((on['schedule'] as Obj[])[0]?.['cron']).toMatch(/^\S+ \S+ \* \* \*$/);
    expect(on).toHaveProperty('workflow_dispatch');
  });

  it('publishes only after conformance passed on the planned versions', () => {
    expect(publish['needs']).toEqual(['plan', 'conformance']);
    expect(jobs(release)['conformance']).toMatchObject({
      uses: './.github/workflows/conformance.yml',
      with: { 'k6-versions': '${{ needs.plan.outputs.versions }}' },
    });
  });

  it("pushes the bake file's release group, giving it only variables the bake file declares", () => {
    expect(runs(publish)).toContain('docker buildx bake --push release');
    const passed = [
      ...Object.keys((publish['env'] as Obj) ?? {}),
      ...[...runs(publish).matchAll(/echo "(\w+)=/g)].map((m) => m[1]!),
      ...Object.keys((release['env'] as Obj) ?? {}),
    ].filter((name) => name !== 'REGISTRY');
    expect(passed.sort()).toEqual(['BASE_DIGESTS', 'IMAGE', 'LATEST_K6', 'RELEASE_K6_VERSIONS', 'REVISION', 'VERSION']);
    for (const name of passed) expect(bakeVariables, name).toContain(name);
  });

  it('the bake release group attests SBOM and provenance and tags version, major.minor and latest', () => {
    expect(bake).toMatch(/"type=provenance,mode=max"/);
    expect(bake).toMatch(/type=sbom/);
    expect(bake).toContain('"${IMAGE}:${k6}${flavour}"');
    expect(bake).toContain('k6 == LATEST_K6 ? ["${IMAGE}:latest${flavour}"]');
  });

  it("the plan reads the supported versions from the bake file's release group", () => {
    const block = runBlocks(join(REPO, '.github/workflows/release.yml')).find((b) => b.script.includes('supported=$('))!;
    const line = block.script.split('\n').find((l) => l.trimStart().startsWith('supported=$('))!;
    const r = spawnSync('bash', ['-c', `set -eo pipefail; ${line}\necho "$supported"`], { cwd: REPO, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const defaults = /variable "RELEASE_K6_VERSIONS" \{\s*default\s*=\s*"([^"]+)"/.exec(bake)?.[1];
    expect(r.stdout.trim()).toBe(defaults);
  });
});
