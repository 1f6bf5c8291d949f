// Reads the mountinfo fixtures of this folder (tests may do I/O; the modules under test may not).
import { readFileSync } from 'node:fs';
import { parseMountinfo, type MountEntry } from '../../../src/mounts/mountinfo.ts';

export type FixtureName = 'docker-named-volume' | 'docker-mixed' | 'docker-desktop' | 'kubernetes-pod' | 'malformed';

export function fixtureText(name: FixtureName): string {
  return readFileSync(new URL(`./fixtures/${name}.txt`, import.meta.url), 'utf8');
}

export function fixtureMounts(name: FixtureName): MountEntry[] {
  return parseMountinfo(fixtureText(name));
}

export function entryAt(mounts: readonly MountEntry[], mountPoint: string): MountEntry {
  const entry = mounts.find((m) => m.mountPoint === mountPoint);
  if (!entry) throw new Error(`no mount at ${mountPoint}`);
  return entry;
}

/** A mountinfo line for a one-off test: `line({ root: '/x', mountPoint: '/y' })`. */
export function line(parts: Partial<{
  id: number; parent: number; root: string; mountPoint: string; options: string; fsType: string; source: string; superOptions: string;
}>): string {
  const p = { id: 100, parent: 1, root: '/', mountPoint: '/mnt', options: 'rw,relatime', fsType: 'ext4', source: '/dev/sda1', superOptions: 'rw', ...parts };
  return `${p.id} ${p.parent} 8:1 ${p.root} ${p.mountPoint} ${p.options} - ${p.fsType} ${p.source} ${p.superOptions}`;
}
