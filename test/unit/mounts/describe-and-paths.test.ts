// The words for each kind of mount, and the lexical path helpers every mount decision rests on.
import fc from 'fast-check';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClassifiedMount, VolumeKind } from '../../../src/mounts/classify.ts';
import { describeMount } from '../../../src/mounts/describe.ts';
import { isSameOrAncestor, normalisePath, pathDepth, resolveAgainst } from '../../../src/mounts/paths.ts';

function mount(kind: VolumeKind, extra: Partial<ClassifiedMount> = {}): ClassifiedMount {
  return {
    entry: { mountId: 2, parentId: 1, major: 8, minor: 1, root: '/', mountPoint: '/config', mountOptions: [], optionalFields: [], fsType: 'ext4', source: '/dev/vda', superOptions: [] },
    mountPoint: '/config',
    kind,
    readOnly: false,
    ...extra,
  };
}

describe('describeMount', () => {
  it.each<[VolumeKind, Partial<ClassifiedMount>, string]>([
    ['named-volume', { volumeName: 'k6-config' }, 'the named volume "k6-config"'],
    ['named-volume', {}, 'the named volume "?"'],
    ['anonymous-volume', { volumeName: 'ab'.repeat(32) }, 'an anonymous volume'],
    ['bind', {}, 'a bind mount at /config'],
    ['tmpfs', {}, 'a tmpfs at /config'],
    ['kubernetes-secret', {}, 'a Kubernetes Secret volume at /config'],
    ['kubernetes-configmap', {}, 'a Kubernetes ConfigMap volume at /config'],
    ['kubernetes-empty-dir', {}, 'a Kubernetes emptyDir at /config'],
    ['kubernetes-volume', { plugin: 'csi' }, 'a Kubernetes volume at /config'],
    ['other', {}, 'a mount at /config'],
  ])('%s %j: %s', (kind, extra, words) => {
    expect(describeMount(mount(kind, extra))).toBe(words);
  });
});

describe('normalisePath', () => {
  it.each([
    ['/', '/'],
    ['', '/'],
    ['//', '/'],
    ['/config/', '/config'],
    ['/config//k6/./x/../config.json', '/config/k6/config.json'],
    ['config', '/config'],
    ['/..', '/'],
    ['/a/b/..', '/a'],
    ['/.', '/'],
    ['/a/.', '/a'],
    ['/a/..b', '/a/..b'],
    ['/a/.b/c', '/a/.b/c'],
    ['/a/b.', '/a/b.'],
    ['/a/.../b', '/a/.../b'],
    ['/home/k6/.config/k6', '/home/k6/.config/k6'],
  ])('%j -> %j', (path, normal) => {
    expect(normalisePath(path)).toBe(normal);
  });

  // The shortcut for paths that are normal already must never differ from normalising them.
  it('agrees with posix.normalize made absolute, without a trailing slash, on any path', () => {
    const reference = (path: string) => {
      const normal = posix.normalize(path.startsWith('/') ? path : `/${path}`);
      return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
    };
    const component = fc.constantFrom('', '.', '..', '...', '.a', '..a', 'a.', 'a..', 'config', 'k6', ' ', '\\');
    const path = fc.oneof(
      fc.array(component, { maxLength: 6 }).map((parts) => parts.join('/')),
      fc.array(component, { maxLength: 6 }).map((parts) => `/${parts.join('/')}`),
      fc.string({ unit: 'binary', maxLength: 16 }),
    );
    let checked = 0;
    fc.assert(
      fc.property(path, (p) => {
        checked += 1;
        expect(normalisePath(p)).toBe(reference(p));
      }),
      { numRuns: 2000 },
    );
    expect(checked).toBeGreaterThanOrEqual(2000);
  });
});

describe('resolveAgainst', () => {
  it.each([
    ['/work', 'k6.json', '/work/k6.json'],
    ['/work/', './a/../k6.json', '/work/k6.json'],
    ['/work', '/abs/k6.json', '/abs/k6.json'],
    ['/work', '../k6.json', '/k6.json'],
    ['relative/cwd', 'k6.json', '/relative/cwd/k6.json'],
    ['/work', '', '/work'],
  ])('%j + %j -> %j', (cwd, path, resolved) => {
    expect(resolveAgainst(cwd, path)).toBe(resolved);
  });
});

describe('isSameOrAncestor', () => {
  it.each([
    ['/config', '/config', true],
    ['/config', '/config/k6/config.json', true],
    ['/', '/anything', true],
    ['/', '/', true],
    ['/config', '/configs', false],
    ['/config', '/', false],
    ['/config/k6', '/config', false],
    ['/a/b', '/a/bc/d', false],
  ])('%j of %j: %s', (ancestor, path, expected) => {
    expect(isSameOrAncestor(ancestor, path)).toBe(expected);
  });
});

describe('pathDepth', () => {
  it.each([
    ['/', 0],
    ['/a', 1],
    ['/a/b', 2],
    ['/home/k6/.config/k6', 4],
  ])('%j: %d', (path, depth) => {
    expect(pathDepth(path)).toBe(depth);
  });
});
