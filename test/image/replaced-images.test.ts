// scripts/replaced-images.sh, which scripts/build-images.sh uses to clean up after a rebuild:
// only the images this run's tags pointed to before the build, and that no tag points to
// afterwards, are removed. Other dangling images, even ones carrying this project's labels (a
// second checkout's build on the same engine), stay.
//
// Builds nothing: the "images" are one-file `docker import`s made and removed by the test.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(root, 'scripts', 'replaced-images.sh');
const PROJECT_LABEL = 'org.opencontainers.image.title=k6-persist';

const made: string[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const id of made.splice(0)) await execa('docker', ['image', 'rm', '-f', id], { reject: false });
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function workDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replaced-images-'));
  dirs.push(dir);
  return dir;
}

/** A one-file image with the project's label; tagged when `tag` is given, dangling otherwise. */
async function importImage(tag?: string): Promise<string> {
  const dir = workDir();
  fs.writeFileSync(path.join(dir, 'marker'), randomBytes(16).toString('hex'));
  const tar = path.join(dir, 'rootfs.tar');
  await execa('tar', ['-C', dir, '-cf', tar, 'marker']);
  const args = ['import', '--change', `LABEL ${PROJECT_LABEL}`, tar, ...(tag === undefined ? [] : [tag])];
  const id = (await execa('docker', args)).stdout.trim();
  made.push(id);
  return id;
}

async function exists(id: string): Promise<boolean> {
  return (await execa('docker', ['image', 'inspect', id], { reject: false })).exitCode === 0;
}

async function containerdStore(): Promise<boolean> {
  const info = await execa('docker', ['info', '--format', '{{range .DriverStatus}}{{index . 0}}={{index . 1}};{{end}}']);
  return info.stdout.includes('driver-type=io.containerd.snapshotter.v1');
}

const tagOf = (name: string): string => `k6-persist-replaced-test-${randomBytes(4).toString('hex')}:${name}`;

describe('scripts/replaced-images.sh', () => {
  it('removes the image a rebuilt tag left untagged, and no other dangling image of the project', async () => {
    const rebuilt = tagOf('rebuilt');
    const unchanged = tagOf('unchanged');
    const fresh = tagOf('fresh');
    const oldImage = await importImage(rebuilt);
    const sameImage = await importImage(unchanged);
    const othersDangling = await importImage();
    const record = path.join(workDir(), 'before.txt');

    const recorded = await execa('bash', [SCRIPT, 'record', record, rebuilt, unchanged, fresh]);
    expect(recorded.exitCode).toBe(0);
    // A tag that did not exist before the build has nothing to replace.
    expect(fs.readFileSync(record, 'utf8')).toBe(`${rebuilt} ${oldImage}\n${unchanged} ${sameImage}\n`);

    // "The build": a new image under the rebuilt tag, and one under a tag that is new.
    const newImage = await importImage(rebuilt);
    const freshImage = await importImage(fresh);
    // The classic image store keeps the image a tag moved away from, untagged; the containerd
    // image store (what scripts/docker-engine.sh starts) deletes it with its last name.
    expect(await exists(oldImage)).toBe(!(await containerdStore()));

    const removed = await execa('bash', [SCRIPT, 'remove', record]);
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(await exists(oldImage)).toBe(false);
    if (await containerdStore()) expect(removed.stderr).toBe('');
    else expect(removed.stderr).toContain(`removed ${oldImage.replace('sha256:', '')} (was ${rebuilt})`);
    for (const kept of [newImage, freshImage, sameImage, othersDangling]) expect(await exists(kept)).toBe(true);
  });

  it('keeps a replaced image that still has another tag', async () => {
    const rebuilt = tagOf('rebuilt');
    const alias = tagOf('alias');
    const oldImage = await importImage(rebuilt);
    await execa('docker', ['tag', oldImage, alias]);
    const record = path.join(workDir(), 'before.txt');
    await execa('bash', [SCRIPT, 'record', record, rebuilt]);
    await importImage(rebuilt);

    const removed = await execa('bash', [SCRIPT, 'remove', record]);
    expect(removed.exitCode).toBe(0);
    expect(await exists(oldImage)).toBe(true);
    await execa('docker', ['image', 'rm', alias], { reject: false });
  });

  it('is what scripts/build-images.sh cleans up with: record before the stand-in bases and the bake, remove after, no prune', () => {
    const text = fs.readFileSync(path.join(root, 'scripts', 'build-images.sh'), 'utf8');
    const code = text
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    expect(code).not.toMatch(/docker\s+(image\s+|system\s+)?prune/);
    const recordAt = code.indexOf('replaced-images.sh record');
    const basesAt = code.indexOf('bash scripts/standin-images.sh');
    const bakeAt = code.indexOf('docker buildx bake \\');
    const removeAt = code.indexOf('replaced-images.sh remove');
    expect(recordAt).toBeGreaterThan(0);
    expect(basesAt).toBeGreaterThan(recordAt);
    expect(bakeAt).toBeGreaterThan(basesAt);
    expect(removeAt).toBeGreaterThan(bakeAt);
  });
});
