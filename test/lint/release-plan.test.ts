// .github/scripts/release-plan.sh: which k6 versions the release builds, from grafana/k6's tags
// and the tags already published.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './support.ts';

const SCRIPT = join(REPO, '.github/scripts/release-plan.sh');
const SUPPORTED = '1.8.1 2.0.0 2.1.0 2.2.0';
const work = mkdtempSync(join(tmpdir(), 'k6p-release-plan-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// What grafana/k6's repository holds besides plain versions.
const NOISE = ['latest', 'master', '1.8.1-with-browser', '2.2.0-with-browser', '2.3.0-rc1', 'v2.2.0', '0.57.0', '1.7.9'];
let n = 0;

function plan(mode: string, upstream: string[] | undefined, published: string[] | undefined, supported = SUPPORTED) {
  n += 1;
  const up = join(work, `up-${n}.txt`);
  const pub = join(work, `pub-${n}.txt`);
  if (upstream) writeFileSync(up, `${upstream.join('\n')}\n`);
  if (published) writeFileSync(pub, `${published.join('\n')}\n`);
  const r = spawnSync('bash', [SCRIPT, mode, up, pub, supported], { encoding: 'utf8' });
  const out = Object.fromEntries(r.stdout.trim().split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { status: r.status, stderr: r.stderr, versions: out['versions'], latest: out['latest'] };
}

const TODAY = ['1.8.0', '1.8.1', '2.0.0', '2.1.0', '2.2.0', ...NOISE];
const PUBLISHED = ['1.8.1', '2.0.0', '2.1.0', '2.2.0', '1.8', '2.0', '2.1', '2.2', 'latest', '2.2.0-with-browser'];

describe('the schedule (new)', () => {
  it('builds nothing when every supported line is published', () => {
    expect(plan('new', TODAY, PUBLISHED)).toMatchObject({ status: 0, versions: '', latest: '2.2.0' });
  });

  it('builds a new patch of the newest line, which becomes latest', () => {
    expect(plan('new', [...TODAY, '2.2.1'], PUBLISHED)).toMatchObject({ status: 0, versions: '2.2.1', latest: '2.2.1' });
  });

  it('builds a new patch of an older line without taking latest from the newest', () => {
    expect(plan('new', [...TODAY, '2.1.1'], PUBLISHED)).toMatchObject({ status: 0, versions: '2.1.1', latest: '2.2.0' });
  });

  it('builds a new minor and a new major, in version order (2.10 after 2.9)', () => {
    expect(plan('new', [...TODAY, '2.9.0', '2.10.0', '3.0.0'], PUBLISHED)).toMatchObject({ status: 0, versions: '2.9.0 2.10.0 3.0.0', latest: '3.0.0' });
  });

  it('builds only the newest patch of a line, never an older one', () => {
    expect(plan('new', [...TODAY, '2.3.0', '2.3.1'], PUBLISHED)).toMatchObject({ versions: '2.3.1', latest: '2.3.1' });
  });

  it('builds every supported line into a repository with nothing published yet', () => {
    expect(plan('new', TODAY, undefined)).toMatchObject({ status: 0, versions: '1.8.1 2.0.0 2.1.0 2.2.0', latest: '2.2.0' });
    expect(plan('new', TODAY, [])).toMatchObject({ status: 0, versions: '1.8.1 2.0.0 2.1.0 2.2.0' });
  });
});

describe('a release (all)', () => {
  it('builds the newest patch of every line from the oldest supported one on, published or not', () => {
    expect(plan('all', TODAY, PUBLISHED)).toMatchObject({ status: 0, versions: '1.8.1 2.0.0 2.1.0 2.2.0', latest: '2.2.0' });
    expect(plan('all', [...TODAY, '2.2.1'], PUBLISHED)).toMatchObject({ versions: '1.8.1 2.0.0 2.1.0 2.2.1', latest: '2.2.1' });
  });

  it('starts at the oldest supported line', () => {
    expect(plan('all', TODAY, PUBLISHED, '2.1.0 2.2.0')).toMatchObject({ versions: '2.1.0 2.2.0' });
  });
});

describe('refusals', () => {
  it('an upstream list without any x.y.z tag (not what it should be)', () => {
    const r = plan('new', ['latest', 'master'], PUBLISHED);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('no x.y.z tag');
  });

  it('a missing upstream list, an unknown mode, no supported version', () => {
    expect(plan('new', undefined, PUBLISHED).stderr).toContain('cannot read the upstream tag list');
    expect(plan('sometimes', TODAY, PUBLISHED).stderr).toContain('MODE must be all or new');
    expect(plan('new', TODAY, PUBLISHED, '').stderr).toContain('SUPPORTED holds no x.y.z version');
  });
});
