import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coveringMount, locateConfig } from '../../../src/mounts/locate.ts';
import { isSameOrAncestor } from '../../../src/mounts/paths.ts';
import { fixtureMounts } from './fixtures.ts';

const pathLike = fc.oneof(
  fc.constantFrom(undefined, '', '/', '.', '..', '/config', '/home/k6', 'rel/dir', '/a//b/../c/', '/config/config.json'),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.array(fc.constantFrom('a', '..', '.', '', 'config', 'k6', 'config.json'), { maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
);
const mountSets = fc.constantFrom(
  fixtureMounts('docker-named-volume'),
  fixtureMounts('docker-mixed'),
  fixtureMounts('kubernetes-pod'),
  [],
);

describe('locateConfig, property-based', () => {
  it('never throws, and any path it returns is absolute, normalised and held by the mount it reports', () => {
    fc.assert(
      fc.property(
        fc.record({ configFlag: pathLike, K6_CONFIG: pathLike, K6_PERSIST_DIR: pathLike, HOME: pathLike, XDG_CONFIG_HOME: pathLike, cwd: pathLike }),
        mountSets,
        ({ configFlag, cwd, ...env }, mounts) => {
          const location = locateConfig({ configFlag, env, mounts, cwd: cwd ?? '/' });
          expect(location.path === undefined).toBe(location.source === 'none');
          if (location.path === undefined) return;
          expect(location.path.startsWith('/')).toBe(true);
          expect(location.path).not.toMatch(/\/\/|\/\.\.?(\/|$)|.\/$/);
          expect(location.mount?.mountPoint).toBe(coveringMount(location.path, mounts)?.mountPoint);
          if (location.mount) expect(isSameOrAncestor(location.mount.mountPoint, location.path)).toBe(true);
          expect(location.singleFile).toBe(location.mount?.mountPoint === location.path);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
