// Edges of the mount table reading and of the config location that the main tests leave open:
// anchored patterns, stacked and nested mounts listed in unusual orders, escapes, and the exact
// words of the "nothing found" reason.
import { describe, expect, it } from 'vitest';
import { classifyMount } from '../../../src/mounts/classify.ts';
import { decodeOctalEscapes, encodeOctalEscapes } from '../../../src/mounts/escape.ts';
import { coveringMount, k6DefaultConfigPath, k6LegacyConfigPath, locateConfig } from '../../../src/mounts/locate.ts';
import { parseMountinfo, parseMountinfoLine } from '../../../src/mounts/mountinfo.ts';
import { normalisePath } from '../../../src/mounts/paths.ts';
import { line } from './fixtures.ts';

const HEX64 = '0123456789abcdef'.repeat(4);

function classify(root: string) {
  const entry = parseMountinfoLine(line({ root }));
  if (!entry) throw new Error(`bad test line for ${root}`);
  return classifyMount(entry);
}

describe('anonymous Docker volumes are exactly 64 hex digits', () => {
  it.each([
    [HEX64, 'anonymous-volume'],
    [`${HEX64}0`, 'named-volume'],
    [`x${HEX64}`, 'named-volume'],
    [`${HEX64}-x`, 'named-volume'],
  ])('%s: %s', (name, kind) => {
    expect(classify(`/var/lib/docker/volumes/${name}/_data`)).toMatchObject({ kind, volumeName: name });
  });
});

it('finds a kubelet volume at the very start of a relative root, as it finds a Docker one', () => {
  expect(classify('volumes/kubernetes.io~secret/k6')).toMatchObject({ kind: 'kubernetes-secret', volumeName: 'k6', plugin: 'secret' });
  expect(classify('/srv/myvolumes/kubernetes.io~secret/k6').kind).toBe('bind');
});

describe('the device field', () => {
  it.each(['a8:1', '8:1x', '8:', ':1', '8-1'])('%j makes the line invalid', (device) => {
    expect(parseMountinfoLine(`36 35 ${device} / /mnt rw - ext4 /dev/sda1 rw`)).toBeUndefined();
  });

  it('is read as major and minor', () => {
    expect(parseMountinfoLine('36 35 253:17 / /mnt rw - ext4 /dev/sda1 rw')).toMatchObject({ major: 253, minor: 17 });
  });
});

it('ignores empty optional fields (two spaces) rather than keeping them', () => {
  expect(parseMountinfoLine('36 35 98:0 /mnt1 /mnt2 rw  master:1  shared:2 - ext3 /dev/root rw')?.optionalFields).toEqual(['master:1', 'shared:2']);
});

describe('octal escapes', () => {
  it('leaves a field without any escape exactly as it is, even text UTF-8 cannot hold', () => {
    expect(decodeOctalEscapes('/mnt/\uD800x')).toBe('/mnt/\uD800x');
    expect(decodeOctalEscapes('/mnt/é')).toBe('/mnt/é');
  });

  it('escapes a backslash and a carriage return whatever else is special', () => {
    expect(encodeOctalEscapes('a\\b\rc d', '')).toBe('a\\134b\\015c d');
    expect(encodeOctalEscapes('a\\b\rc d', ' ')).toBe('a\\134b\\015c\\040d');
  });
});

describe('coveringMount', () => {
  const at = (id: number, parent: number, mountPoint: string) => line({ id, parent, mountPoint, root: `/srv/${id}` });

  it('takes the deepest mount even when a shallower one is listed after it', () => {
    const mounts = parseMountinfo([at(1, 0, '/'), at(20, 1, '/config/k6'), at(10, 1, '/config')].join('\n'));
    expect(coveringMount('/config/k6/config.json', mounts)?.entry.mountId).toBe(20);
  });

  it('takes the last of several stacked mounts when their ids do not tell which is on top', () => {
    const mounts = parseMountinfo([at(1, 0, '/'), at(10, 1, '/config'), at(11, 1, '/config'), at(12, 1, '/config')].join('\n'));
    expect(coveringMount('/config/config.json', mounts)?.entry.mountId).toBe(12);
  });

  it('takes the one no other is stacked on, wherever it is listed', () => {
    const mounts = parseMountinfo([at(1, 0, '/'), at(12, 10, '/config'), at(10, 1, '/config'), at(11, 1, '/config')].join('\n'));
    // 10 is covered by 12; 11 and 12 are both uncovered: the order decides, and 11 is last.
    expect(coveringMount('/config/config.json', mounts)?.entry.mountId).toBe(11);
    const clear = parseMountinfo([at(1, 0, '/'), at(12, 10, '/config'), at(10, 1, '/config')].join('\n'));
    expect(coveringMount('/config/config.json', clear)?.entry.mountId).toBe(12);
  });
});

it('names every place looked at when nothing is found, the last one after "or"', () => {
  const location = locateConfig({ env: { HOME: '/home/k6', XDG_CONFIG_HOME: '/xdg' }, mounts: [], cwd: '/' });
  expect(location.reason).toBe(
    'no -c/--config, K6_CONFIG or K6_PERSIST_DIR, and no volume is mounted at /config, /config/config.json, /xdg/k6, ' +
      '/xdg/k6/config.json, /home/k6/.config/k6, /home/k6/.config/k6/config.json, /home/k6/.config, ' +
      '/home/k6/.config/loadimpact/k6 or /home/k6/.config/loadimpact/k6/config.json',
  );
});

describe("k6's default and pre-v0.58 paths", () => {
  it('keeps a default under a relative HOME relative, as Go does', () => {
    expect(k6DefaultConfigPath({ HOME: 'rel' })).toBe('rel/.config/k6/config.json');
    expect(k6DefaultConfigPath({ HOME: '/home//k6/' })).toBe('/home/k6/.config/k6/config.json');
  });

  it('replaces only the final k6/config.json with the old directory', () => {
    expect(k6LegacyConfigPath('/x/k6/config.json/.config/k6/config.json')).toBe('/x/k6/config.json/.config/loadimpact/k6/config.json');
  });
});

it('normalises a relative path with a trailing slash to an absolute one', () => {
  expect(normalisePath('config/')).toBe('/config');
  expect(normalisePath('config/k6/')).toBe('/config/k6');
});
