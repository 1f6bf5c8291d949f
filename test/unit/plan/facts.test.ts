// The facts the advice is chosen from, read from a real file system: the user namespace from the
// uid map, the directory that decides a save, kubelet's Secret layout, and a pre-v0.58 login
// hidden by a new file without a token.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decidingDirectory, gatherFacts, isKubeletPayload, isUserNamespace } from '../../../src/plan/facts.ts';
import { readSettings } from '../../../src/settings/env.ts';

const sandbox = mkdtempSync(join(tmpdir(), 'k6p-facts-'));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

describe('isUserNamespace (/proc/self/uid_map)', () => {
  it.each([
    ['         0          0 4294967295\n', false],
    ['0 0 4294967295', false],
    ['', false],
    // rootless Podman / Docker: root is the user, the rest a subordinate range
    ['         0       1000          1\n         1     100000      65536\n', true],
    // a Pod with hostUsers: false
    ['         0 1879048192      65536\n', true],
    ['         0          0      65536\n', true],
  ])('%j: %s', (map, expected) => {
    expect(isUserNamespace(map)).toBe(expected);
  });
});

describe('decidingDirectory', () => {
  it("is the file's own directory when it exists, with its owner and mode", () => {
    const dir = join(sandbox, 'own');
    mkdirSync(dir);
    chmodSync(dir, 0o750);
    expect(decidingDirectory(join(dir, 'config.json'))).toMatchObject({ path: dir, mode: 0o750 });
  });

  it('is the nearest existing ancestor when the directory is still to be made', () => {
    const dir = join(sandbox, 'ancestor');
    mkdirSync(dir);
    chmodSync(dir, 0o711);
    expect(decidingDirectory(join(dir, 'k6', 'sub', 'config.json'))).toMatchObject({ path: dir, mode: 0o711 });
  });
});

describe('isKubeletPayload', () => {
  it("is true for kubelet's `config.json -> ..data/config.json`, false for a plain file or another link", () => {
    const dir = join(sandbox, 'secret');
    mkdirSync(join(dir, '..2026_01_01_00_00_00.1'), { recursive: true });
    writeFileSync(join(dir, '..2026_01_01_00_00_00.1', 'config.json'), '{}');
    symlinkSync('..2026_01_01_00_00_00.1', join(dir, '..data'));
    symlinkSync('..data/config.json', join(dir, 'config.json'));
    symlinkSync('elsewhere/config.json', join(dir, 'other.json'));
    writeFileSync(join(dir, 'plain.json'), '{}');
    expect(isKubeletPayload(join(dir, 'config.json'))).toBe(true);
    expect(isKubeletPayload(join(dir, 'other.json'))).toBe(false);
    expect(isKubeletPayload(join(dir, 'plain.json'))).toBe(false);
  });
});

describe('a pre-v0.58 login beside k6/config.json', () => {
  function factsFor(newFile: string | undefined, legacyFile: string) {
    const home = mkdtempSync(join(sandbox, 'home-'));
    const config = join(home, '.config');
    mkdirSync(join(config, 'k6'), { recursive: true });
    mkdirSync(join(config, 'loadimpact', 'k6'), { recursive: true });
    if (newFile !== undefined) writeFileSync(join(config, 'k6', 'config.json'), newFile);
    writeFileSync(join(config, 'loadimpact', 'k6', 'config.json'), legacyFile);
    const mountinfo = join(home, 'mountinfo');
    writeFileSync(mountinfo, `1 0 0:1 / / rw - overlay overlay rw\n2 1 8:1 /var/lib/docker/volumes/old/_data ${config} rw - ext4 /dev/vda rw\n`);
    const env = { HOME: home, K6_PERSIST_MOUNTINFO: mountinfo };
    const settings = readSettings(env);
    if (!settings.ok) throw new Error(settings.problems.join());
    return { facts: gatherFacts(['run', 'x.js'], 'k6', env, settings.settings), legacyPath: join(config, 'loadimpact', 'k6', 'config.json') };
  }
  const withToken = '{"collectors":{"cloud":{"token":"old-login"}}}';

  it('is read when the new file is missing (runs use it)', () => {
    const { facts, legacyPath } = factsFor(undefined, withToken);
    expect(facts.persistent?.legacy?.path).toBe(legacyPath);
  });

  it('is read when the new file holds no token while it holds one (it is hidden)', () => {
    const { facts, legacyPath } = factsFor('{}', withToken);
    expect(facts.persistent?.legacy?.path).toBe(legacyPath);
  });

  it('is not read when the new file has a token of its own, nor when the old one has none', () => {
    expect(factsFor('{"collectors":{"cloud":{"token":"new"}}}', withToken).facts.persistent?.legacy).toBeUndefined();
    expect(factsFor('{}', '{"collectors":{"influxdb":{}}}').facts.persistent?.legacy).toBeUndefined();
  });
});
