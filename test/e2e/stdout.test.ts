// Nothing the wrapper says goes to stdout: that stream is k6's. The k6-operator parses the
// initializer's stdout as JSON (docs/k6-behaviour.md, K8S), and k6 2.x prints its login banner
// there. So a command through the wrapper prints exactly what plain k6 prints, byte for byte, even
// when the wrapper has a warning or a login line to add (they go to stderr).
import { describe, expect, it } from 'vitest';
import { K6_VERSIONS, type K6Version, imageFor, plainImageFor, runOnce } from './support/containers.ts';
import { type E2eCloud, makeToken } from './support/cloud.ts';
import { seedVolume, show, wrapperLines } from './support/observe.ts';
import { Resources } from './support/resources.ts';
import { useCloudAndScripts } from './support/lifecycle.ts';

const TOKEN = makeToken('stdout');
const STACK = 'stdout-stack';

let cloud: E2eCloud;
let scripts: string;
const res = new Resources();

useCloudAndScripts(
  { tokens: [TOKEN], stacks: { [STACK]: { stackId: 7301, defaultProjectId: 91 } } },
  res,
  (c, s) => {
    cloud = c;
    scripts = s;
  },
  { 'test.js': 'export const options = { vus: 2, duration: "1s" };\nexport default function () {}\n' },
);

const major = (version: K6Version) => Number.parseInt(version.split('.')[0] ?? '0', 10);

describe.each(K6_VERSIONS)('k6 %s', (version) => {
  it('a login prints on stdout exactly what plain k6 prints; the wrapper\'s own lines are on stderr', async () => {
    const login = major(version) >= 2 ? ['cloud', 'login', '--token', TOKEN, '--stack', STACK] : ['cloud', 'login', '--token', TOKEN];
    // An anonymous volume: the wrapper warns (docker run --rm deletes it) and prints its login line.
    const wrapped = await runOnce({ image: imageFor(version), command: login, env: cloud.env, mounts: [{ source: await res.volume(), target: '/config' }] });
    expect(wrapped.exitCode, show(wrapped)).toBe(0);
    expect(wrapperLines(wrapped.stderr).length, wrapped.stderr).toBeGreaterThan(0);

    // Plain k6 with the file it needs given by -c (it refuses a missing one).
    const volume = await res.volume();
    await seedVolume(volume, 'config.json', '{}\n');
    const plain = await runOnce({ image: plainImageFor(version), command: [...login, '-c', '/config/config.json'], env: cloud.env, mounts: [{ source: volume, target: '/config' }] });
    expect(plain.exitCode, show(plain)).toBe(0);

    // k6 names the file it wrote: the wrapper's private staging copy, or the -c file.
    const samePath = (text: string) => text.replace(/\/[^\s"]*\/config\.json/g, '<config>');
    expect(samePath(wrapped.stdout)).toBe(samePath(plain.stdout));
    expect(wrapped.stdout.split('\n').filter((line) => line.startsWith('k6-persist:'))).toEqual([]);
  });

  it('inspect --execution-requirements (the k6-operator initializer) prints the same JSON as plain k6', async () => {
    const command = ['inspect', '--execution-requirements', '/scripts/test.js'];
    const mounts = [{ source: scripts, target: '/scripts', mode: 'ro' as const }];
    // A fresh volume at /config: the wrapper points k6 at it and creates the file first.
    const wrapped = await runOnce({ image: imageFor(version), command, env: cloud.env, mounts: [...mounts, { source: await res.volume(), target: '/config' }] });
    const plain = await runOnce({ image: plainImageFor(version), command, env: cloud.env, mounts });
    expect(wrapped.exitCode, show(wrapped)).toBe(0);
    expect(plain.exitCode, show(plain)).toBe(0);
    expect(wrapped.stdout).toBe(plain.stdout);
    expect(() => JSON.parse(wrapped.stdout)).not.toThrow();
  });
});
