// What the image adds to its base, read from `docker save`: no second copy of k6 (grafana/k6's
// binary is tens of MB; a RUN that touches /usr/bin/k6 makes the overlay copy it whole into the
// image's own layer), and at most 112 MB in all (issue 13: the base plus 112 MB).
//
// The stand-in's k6 is a small script, which would hide a copy. So this builds a base whose k6 is
// as large as the real one (the stand-in k6 with 48 MB of random text in a comment: it still
// runs, and no compression can shrink a copy of it away), then the project's Dockerfile on it,
// exactly as scripts/build-images.sh builds the test images (host network, the CA secret).
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caSecret } from './support.ts';

const REPO = resolve(import.meta.dirname, '../..');
const STANDIN_K6 = process.env['K6_PERSIST_PADDED_FROM'] ?? 'k6-persist-standin/k6:2.2.0';
const STANDIN_NODE = 'k6-persist-standin/node:24';
const PAD_BYTES = 48_000_000;
const LIMIT_BYTES = 112_000_000;
const suffix = randomBytes(4).toString('hex');
const PADDED_BASE = `k6p-padded-base-test:${suffix}`;
const IMAGE = `k6p-padded-test:${suffix}`;
const work = mkdtempSync(join(tmpdir(), 'k6p-layers-'));

interface Layer {
  diffId: string;
  blob: string;
}
interface Entry {
  path: string;
  size: number;
  type: string;
}

const docker = (args: string[], input?: string) => execa('docker', args, { input, reject: false, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });

/** The layers of a `docker save` of one image, in order, with their blobs on disk. */
async function savedLayers(ref: string, dir: string): Promise<Layer[]> {
  const tar = join(dir, 'image.tar');
  const saved = await docker(['save', '-o', tar, ref]);
  expect(saved.exitCode, saved.stderr).toBe(0);
  await execa('tar', ['-xf', tar, '-C', dir]);
  rmSync(tar);
  // docker save writes manifest.json (Docker's format) beside the OCI layout in both stores.
  const [manifest] = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Array<{ Config: string; Layers: string[] }>;
  const config = JSON.parse(readFileSync(join(dir, manifest!.Config), 'utf8')) as { rootfs: { diff_ids: string[] } };
  return manifest!.Layers.map((blob, i) => ({ blob: join(dir, blob), diffId: config.rootfs.diff_ids[i]! }));
}

/** Regular files of a layer (any compression GNU tar can read). */
async function entries(blob: string): Promise<Entry[]> {
  const listed = await execa('tar', ['--numeric-owner', '-tvf', blob], { maxBuffer: 64 * 1024 * 1024 });
  return listed.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const f = line.split(/\s+/);
      return { type: f[0]![0]!, size: Number(f[2]), path: f.slice(5).join(' ').replace(/ -> .*$/, '') };
    });
}

async function sha256Of(blob: string, path: string): Promise<string> {
  const r = await execa('sh', ['-c', 'tar -xOf "$1" "$2" | sha256sum', 'sh', blob, path]);
  return r.stdout.split(' ')[0]!;
}

let k6: { size: number; sha: string };
let own: Array<Layer & { entries: Entry[] }>;

beforeAll(async () => {
  const have = await docker(['image', 'inspect', STANDIN_K6, STANDIN_NODE]);
  if (have.exitCode !== 0) throw new Error(`${STANDIN_K6} or ${STANDIN_NODE} is missing: run bash scripts/build-images.sh first`);

  // The padded base: the stand-in k6 made as large as the real one, nothing else changed.
  const padded = [
    `FROM ${STANDIN_K6}`,
    'USER root',
    `RUN { cat /usr/bin/k6; printf '\\n/*\\n'; head -c ${(PAD_BYTES * 3) / 4} /dev/urandom | base64; printf '*/\\n'; } >/tmp/k6 && cat /tmp/k6 >/usr/bin/k6 && rm /tmp/k6 && /usr/bin/k6 version >/dev/null`,
    'USER 12345',
  ].join('\n');
  const base = await docker(['buildx', 'build', '--network', 'host', '--load', '-t', PADDED_BASE, '-'], padded);
  expect(base.exitCode, base.stderr).toBe(0);

  const built = await docker([
    'buildx', 'build', '--network', 'host', '--load', ...caSecret(),
    '--build-arg', `K6_IMAGE=${PADDED_BASE}`, '--build-arg', `NODE_IMAGE=${STANDIN_NODE}`,
    '-t', IMAGE, REPO,
  ]);
  expect(built.exitCode, built.stderr.slice(-3000)).toBe(0);

  const sum = await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', PADDED_BASE, '-c', 'wc -c </usr/bin/k6; sha256sum /usr/bin/k6']);
  expect(sum.exitCode, sum.stderr).toBe(0);
  const [size, sha] = sum.stdout.split(/\s+/);
  k6 = { size: Number(size), sha: sha! };

  const baseDir = join(work, 'base');
  const imageDir = join(work, 'image');
  for (const d of [baseDir, imageDir]) await execa('mkdir', ['-p', d]);
  const baseIds = new Set((await savedLayers(PADDED_BASE, baseDir)).map((l) => l.diffId));
  const layers = await savedLayers(IMAGE, imageDir);
  own = [];
  for (const layer of layers.filter((l) => !baseIds.has(l.diffId))) own.push({ ...layer, entries: await entries(layer.blob) });
}, 900_000);

afterAll(async () => {
  await docker(['image', 'rm', '-f', IMAGE, PADDED_BASE]);
  rmSync(work, { recursive: true, force: true });
});

describe('the layers the image adds to a base with a real-sized k6', () => {
  it('starts from a k6 as large as the real one', () => {
    expect(k6.size).toBeGreaterThan(PAD_BYTES);
    expect(own.length).toBeGreaterThan(0);
  });

  it('hold no copy of k6: no file with its content, none at its path, no whiteout of it', async () => {
    const sameSize = own.flatMap((l) => l.entries.filter((e) => e.type === '-' && e.size === k6.size).map((e) => ({ blob: l.blob, path: e.path })));
    const copies = [];
    for (const c of sameSize) if ((await sha256Of(c.blob, c.path)) === k6.sha) copies.push(c.path);
    expect(copies).toEqual([]);
    const paths = own.flatMap((l) => l.entries.map((e) => e.path.replace(/^\.\//, '')));
    expect(paths.filter((p) => p === 'usr/bin/k6' || p === 'usr/bin/.wh.k6')).toEqual([]);
    // Nothing of about k6's size slipped in either (a changed copy would not hash the same).
    expect(own.flatMap((l) => l.entries.filter((e) => Math.abs(e.size - k6.size) < k6.size * 0.1).map((e) => e.path))).toEqual([]);
  });

  it(`add at most ${LIMIT_BYTES / 1e6} MB in all`, () => {
    const added = own.reduce((sum, l) => sum + l.entries.reduce((s, e) => s + (e.type === '-' ? e.size : 0), 0), 0);
    expect(added, `${added} bytes added`).toBeGreaterThan(50_000_000);
    expect(added, `${added} bytes added`).toBeLessThanOrEqual(LIMIT_BYTES);
  });
});
