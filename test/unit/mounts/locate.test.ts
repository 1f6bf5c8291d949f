import { describe, expect, it } from 'vitest';
import { coveringMount, k6DefaultConfigPath, k6LegacyConfigPath, locateConfig, type LocateInput } from '../../../src/mounts/locate.ts';
import { parseMountinfo, type MountEntry } from '../../../src/mounts/mountinfo.ts';
import { fixtureMounts, line } from './fixtures.ts';

const ROOT_LINE = '1 0 0:1 / / rw,relatime - overlay overlay rw';
const HOME = '/home/k6';

/** A container with the root filesystem and one mount per [mountPoint, root] pair. */
function mounts(...points: Array<string | [string, string]>): MountEntry[] {
  const lines = points.map((point, i) => {
    const [mountPoint, root] = typeof point === 'string' ? [point, `/srv/host${i}`] : point;
    return line({ id: 10 + i, parent: 1, mountPoint, root });
  });
  return parseMountinfo([ROOT_LINE, ...lines].join('\n'));
}

function locate(overrides: Partial<LocateInput> & { env?: LocateInput['env'] } = {}) {
  return locateConfig({ env: { HOME }, mounts: mounts(), cwd: HOME, ...overrides });
}

describe('1. the user chose a file', () => {
  it('takes -c/--config first', () => {
    const location = locate({ configFlag: '/cfg/k6.json', env: { HOME, K6_CONFIG: '/env.json', K6_PERSIST_DIR: '/persist' }, mounts: mounts('/config') });
    expect(location).toMatchObject({ source: 'flag', path: '/cfg/k6.json', singleFile: false, candidates: [] });
    expect(location.reason).toContain('-c/--config');
    expect(location.reason).toContain('/cfg/k6.json');
  });

  it('takes K6_CONFIG when there is no flag', () => {
    const location = locate({ env: { HOME, K6_CONFIG: '/env/k6.json', K6_PERSIST_DIR: '/persist' }, mounts: mounts('/config') });
    expect(location).toMatchObject({ source: 'K6_CONFIG', path: '/env/k6.json' });
    expect(location.reason).toContain('K6_CONFIG');
  });

  it('resolves relative paths against cwd and normalises them', () => {
    expect(locate({ configFlag: 'cfg/./k6.json', cwd: '/work' }).path).toBe('/work/cfg/k6.json');
    expect(locate({ configFlag: '../k6.json', cwd: '/work/sub/' }).path).toBe('/work/k6.json');
    expect(locate({ env: { K6_CONFIG: 'k6.json' }, cwd: '/tmp' }).path).toBe('/tmp/k6.json');
    expect(locate({ configFlag: '//cfg///k6.json' }).path).toBe('/cfg/k6.json');
  });

  it('treats an empty flag or K6_CONFIG as not given', () => {
    expect(locate({ configFlag: '', env: { HOME, K6_CONFIG: '/env.json' } }).source).toBe('K6_CONFIG');
    expect(locate({ env: { HOME, K6_CONFIG: '' } }).source).toBe('none');
  });

  it('reports the mount holding the chosen file', () => {
    const location = locate({ configFlag: '/config/sub/k6.json', mounts: mounts('/config', '/other') });
    expect(location.mount?.mountPoint).toBe('/config');
    expect(location.singleFile).toBe(false);
  });

  it('says singleFile when the chosen file is itself a mount point', () => {
    const location = locate({ configFlag: '/cfg/k6.json', mounts: mounts('/cfg', '/cfg/k6.json') });
    expect(location.mount?.mountPoint).toBe('/cfg/k6.json');
    expect(location.singleFile).toBe(true);
  });

  it('reports no mount for a file in the container root filesystem', () => {
    const location = locate({ configFlag: '/etc/k6.json', mounts: mounts('/config') });
    expect(location.mount).toBeUndefined();
    expect(location.singleFile).toBe(false);
  });
});

describe('2. K6_PERSIST_DIR', () => {
  it('puts config.json in it, ahead of any mount', () => {
    const location = locate({ env: { HOME, K6_PERSIST_DIR: '/persist/' }, mounts: mounts('/config', '/persist') });
    expect(location).toMatchObject({ source: 'K6_PERSIST_DIR', path: '/persist/config.json', singleFile: false, candidates: [] });
    expect(location.mount?.mountPoint).toBe('/persist');
    expect(location.reason).toContain('K6_PERSIST_DIR');
  });

  it('resolves a relative dir against cwd, and ignores an empty one', () => {
    expect(locate({ env: { K6_PERSIST_DIR: 'state' }, cwd: '/work' }).path).toBe('/work/state/config.json');
    expect(locate({ env: { HOME, K6_PERSIST_DIR: '' } }).source).toBe('none');
  });
});

describe('3. a mounted volume', () => {
  const env = { HOME, XDG_CONFIG_HOME: '/xdg' };
  it.each([
    ['/config', '/config/config.json'],
    ['/xdg/k6', '/xdg/k6/config.json'],
    ['/home/k6/.config/k6', '/home/k6/.config/k6/config.json'],
    ['/home/k6/.config', '/home/k6/.config/k6/config.json'],
    ['/home/k6/.config/loadimpact/k6', '/home/k6/.config/loadimpact/k6/config.json'],
  ])('a directory mounted at %s holds %s', (mountPoint, path) => {
    const location = locate({ env, mounts: mounts('/data', mountPoint) });
    expect(location).toMatchObject({ source: 'mount', path, singleFile: false });
    expect(location.mount?.mountPoint).toBe(mountPoint);
    expect(location.reason).toContain(mountPoint);
  });

  it.each([
    ['/var/lib/docker/volumes/k6-config/_data', 'rw', 'the named volume "k6-config" at /config holds /config/config.json'],
    ['/srv/k6', 'ro', 'a bind mount at /config (read-only) holds /config/config.json'],
    [`/var/lib/kubelet/pods/p/volumes/kubernetes.io~empty-dir/cfg`, 'rw', 'a Kubernetes emptyDir at /config holds /config/config.json'],
  ])('the reason (status "chosen by") describes a volume %s in the same words as the volume line', (root, options, reason) => {
    const location = locate({ mounts: parseMountinfo([ROOT_LINE, line({ id: 10, parent: 1, mountPoint: '/config', root, options: `${options},relatime` })].join('\n')) });
    expect(location.reason).toBe(reason);
    expect(location.reason).not.toMatch(/named-volume|kubernetes-empty-dir|a bind \(/);
  });

  it.each(['/config/config.json', '/xdg/k6/config.json', '/home/k6/.config/k6/config.json', '/home/k6/.config/loadimpact/k6/config.json'])(
    'a single file mounted at %s is the config',
    (path) => {
      const location = locate({ env, mounts: mounts(path) });
      expect(location).toMatchObject({ source: 'mount', path, singleFile: true });
      expect(location.mount?.mountPoint).toBe(path);
      expect(location.reason).toContain('single file');
    },
  );

  it.each([
    [['/xdg/k6', '/config'], '/config/config.json'],
    [['/home/k6/.config/k6', '/xdg/k6'], '/xdg/k6/config.json'],
    [['/home/k6/.config', '/home/k6/.config/k6'], '/home/k6/.config/k6/config.json'],
    [['/home/k6/.config/loadimpact/k6', '/home/k6/.config'], '/home/k6/.config/k6/config.json'],
    [['/xdg/k6/config.json', '/config'], '/config/config.json'],
  ])('prefers, among %j, the earlier candidate (%s)', (points, path) => {
    expect(locate({ env, mounts: mounts(...points) }).path).toBe(path);
  });

  it('prefers a file mounted over the candidate directory: it is what holds the path', () => {
    const location = locate({ env, mounts: mounts('/config', '/config/config.json') });
    expect(location.singleFile).toBe(true);
    expect(location.mount?.mountPoint).toBe('/config/config.json');
  });

  it('lists the candidate mount points in order, without duplicates', () => {
    expect(locate({ env: { HOME, XDG_CONFIG_HOME: '/home/k6/.config' } }).candidates).toEqual([
      '/config',
      '/config/config.json',
      '/home/k6/.config/k6',
      '/home/k6/.config/k6/config.json',
      '/home/k6/.config',
      '/home/k6/.config/loadimpact/k6',
      '/home/k6/.config/loadimpact/k6/config.json',
    ]);
  });

  it('skips candidates whose variable is unset or empty', () => {
    expect(locate({ env: {} }).candidates).toEqual(['/config', '/config/config.json']);
    expect(locate({ env: { HOME: '', XDG_CONFIG_HOME: '' } }).candidates).toEqual(['/config', '/config/config.json']);
    expect(locate({ env: { XDG_CONFIG_HOME: '/xdg' }, mounts: mounts('/home/k6/.config/k6') }).source).toBe('none');
  });

  it('skips a relative XDG_CONFIG_HOME, which Go rejects, but resolves a relative HOME against cwd', () => {
    expect(locate({ env: { XDG_CONFIG_HOME: 'xdg' }, cwd: '/work' }).candidates).toEqual(['/config', '/config/config.json']);
    expect(locate({ env: { HOME: 'me' }, cwd: '/work', mounts: mounts('/work/me/.config/k6') }).path).toBe('/work/me/.config/k6/config.json');
  });

  it('works with HOME=/ (a --user without a passwd entry)', () => {
    expect(locate({ env: { HOME: '/' }, mounts: mounts('/.config/k6') }).path).toBe('/.config/k6/config.json');
  });

  it('never takes a system mount for a candidate', () => {
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
    expect(locate({ env: { XDG_CONFIG_HOME: sa }, mounts: mounts(sa, `${sa}/k6`) }).source).toBe('none');
  });

  it('ignores mounts elsewhere', () => {
    const location = locate({ env, mounts: mounts('/data', '/scripts', '/home/k6/.cache') });
    expect(location.source).toBe('none');
  });

  it('matches mount points written with a trailing slash', () => {
    expect(locate({ mounts: mounts('/config/') }).path).toBe('/config/config.json');
  });
});

describe('4. none', () => {
  it('has no path, no mount, and says where it looked', () => {
    const location = locate({ env: { HOME } });
    expect(location.source).toBe('none');
    expect(location.path).toBeUndefined();
    expect(location.mount).toBeUndefined();
    expect(location.singleFile).toBe(false);
    expect(location.candidates).toContain('/home/k6/.config/k6');
    expect(location.reason).toContain('/config, /config/config.json, /home/k6/.config/k6');
  });
});

describe('realistic containers', () => {
  it('docker run -v k6-config:/home/k6/.config/k6', () => {
    const location = locateConfig({ env: { HOME }, mounts: fixtureMounts('docker-named-volume'), cwd: HOME });
    expect(location).toMatchObject({ source: 'mount', path: '/home/k6/.config/k6/config.json', singleFile: false });
    expect(location.mount).toMatchObject({ kind: 'named-volume', volumeName: 'k6-config', readOnly: false });
  });

  it('docker run with an anonymous /config and a file bind at the default path: /config comes first', () => {
    const location = locateConfig({ env: { HOME }, mounts: fixtureMounts('docker-mixed'), cwd: HOME });
    expect(location).toMatchObject({ source: 'mount', path: '/config/config.json' });
    expect(location.mount?.kind).toBe('anonymous-volume');
  });

  it('docker run with a file bind at the default path, found when /config is not mounted', () => {
    const withoutConfig = fixtureMounts('docker-mixed').filter((m) => m.mountPoint !== '/config');
    const location = locateConfig({ env: { HOME }, mounts: withoutConfig, cwd: HOME });
    expect(location).toMatchObject({ path: '/home/k6/.config/k6/config.json', singleFile: true });
    expect(location.mount?.kind).toBe('bind');
  });

  it('Docker Desktop with a named volume at /config', () => {
    const location = locateConfig({ env: { HOME }, mounts: fixtureMounts('docker-desktop'), cwd: HOME });
    expect(location.mount).toMatchObject({ kind: 'named-volume', volumeName: 'k6-login' });
  });

  it('a Kubernetes pod with an emptyDir at $HOME/.config', () => {
    const location = locateConfig({ env: { HOME }, mounts: fixtureMounts('kubernetes-pod'), cwd: HOME });
    expect(location).toMatchObject({ source: 'mount', path: '/home/k6/.config/k6/config.json', singleFile: false });
    expect(location.mount).toMatchObject({ kind: 'kubernetes-empty-dir', volumeName: 'k6-home' });
  });

  it('a Kubernetes pod pointing -c at a secret key mounted with subPath', () => {
    const location = locateConfig({ configFlag: '/etc/k6/config.json', env: { HOME }, mounts: fixtureMounts('kubernetes-pod'), cwd: HOME });
    expect(location).toMatchObject({ source: 'flag', singleFile: true });
    expect(location.mount).toMatchObject({ kind: 'kubernetes-secret', readOnly: true });
  });
});

describe('coveringMount', () => {
  it('takes the deepest mount point that is the path or an ancestor', () => {
    const all = mounts('/a', '/a/b', '/a/bc', '/a/b/c/d');
    expect(coveringMount('/a/b/c/file.json', all)?.mountPoint).toBe('/a/b');
    expect(coveringMount('/a/bc/file.json', all)?.mountPoint).toBe('/a/bc');
    expect(coveringMount('/a/b', all)?.mountPoint).toBe('/a/b');
  });

  it('never returns the container root filesystem', () => {
    expect(coveringMount('/etc/k6.json', mounts('/a'))).toBeUndefined();
    expect(coveringMount('/a/x', [])).toBeUndefined();
  });

  it('normalises the path it is given', () => {
    expect(coveringMount('/b/../a/./x/', mounts('/a'))?.mountPoint).toBe('/a');
  });

  it('takes the top of stacked mounts by their parent ids, whatever the order', () => {
    const stacked = parseMountinfo(
      [ROOT_LINE, line({ id: 11, parent: 10, root: '/top', mountPoint: '/c' }), line({ id: 10, parent: 1, root: '/bottom', mountPoint: '/c' })].join('\n'),
    );
    expect(coveringMount('/c/x', stacked)?.entry.root).toBe('/top');
  });

  it('takes the last of stacked mounts when their ids do not tell', () => {
    const stacked = parseMountinfo(
      [ROOT_LINE, line({ id: 10, parent: 1, root: '/first', mountPoint: '/c' }), line({ id: 11, parent: 1, root: '/second', mountPoint: '/c' })].join('\n'),
    );
    expect(coveringMount('/c/x', stacked)?.entry.root).toBe('/second');
  });

  it('classifies what it returns', () => {
    const volume = parseMountinfo(line({ mountPoint: '/c', root: '/var/lib/docker/volumes/v/_data', options: 'ro' }));
    expect(coveringMount('/c/x', volume)).toMatchObject({ kind: 'named-volume', volumeName: 'v', readOnly: true, mountPoint: '/c' });
  });
});

describe("k6's default config path, as Go's os.UserConfigDir gives it", () => {
  it.each([
    [{ HOME: '/home/k6' }, '/home/k6/.config/k6/config.json'],
    [{ HOME: '/home//k6/.' }, '/home/k6/.config/k6/config.json'],
    [{ HOME: '/home/k6', XDG_CONFIG_HOME: '/xdg' }, '/xdg/k6/config.json'],
    // A relative XDG_CONFIG_HOME is an error in Go; k6 then uses the relative .config.
    [{ HOME: '/home/k6', XDG_CONFIG_HOME: 'rel' }, '.config/k6/config.json'],
    [{}, '.config/k6/config.json'],
  ])('%j -> %s', (env, expected) => {
    expect(k6DefaultConfigPath(env)).toBe(expected);
  });

  it('the pre-v0.58 file sits beside k6 under loadimpact/', () => {
    expect(k6LegacyConfigPath('/home/k6/.config/k6/config.json')).toBe('/home/k6/.config/loadimpact/k6/config.json');
  });
});
