// A short soak in real containers (issue 5): login/run cycles on one named volume, each step a
// container of its own as in CI, leave no growth: one file, constant size, 0600, owned by the
// image user. The 200-cycle soak runs on the host (test/process/reliability/soak.test.ts): 400
// container starts would take several minutes on two cores.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_UID, cloudOf, jsonOf, listDir, scriptsDir, show, viewFile, volumeDir } from '../support/observe.ts';
import { type E2eCloud, makeToken, startCloud } from '../support/cloud.ts';
import { imageFor, runOnce } from '../support/containers.ts';
import { Resources } from '../support/resources.ts';

const CYCLES = 10;
// Same length, so the file's size cannot change with the token.
const TOKENS = [makeToken('soaka'), makeToken('soakb')];
const STACK = { slug: 'soak-stack', stackId: 6400, projectId: 64 };

let cloud: E2eCloud;
let scripts: string;
const res = new Resources();
beforeAll(async () => {
  cloud = await startCloud({ tokens: TOKENS, stacks: { [STACK.slug]: { stackId: STACK.stackId, defaultProjectId: STACK.projectId } } });
  scripts = res.track(scriptsDir({ 'test.js': 'export default function () {}\n' }));
});
afterAll(async () => {
  await cloud?.close();
  await res.cleanup();
});

describe('soak in containers', () => {
  it(`${CYCLES} login/run cycles on one volume: one file, constant size, 0600, nothing else`, async () => {
    const volume = await res.volume('k6p-rel-soak');
    const dir = await volumeDir(volume);
    const mounts = [
      { source: volume, target: '/config' },
      { source: scripts, target: '/scripts', mode: 'ro' as const },
    ];
    const sizes: number[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle += 1) {
      const token = TOKENS[cycle % 2]!;
      const login = await runOnce({ image: imageFor('2.2.0'), command: ['cloud', 'login', '--token', token, '--stack', STACK.slug], env: cloud.env, mounts });
      expect(login.exitCode, `cycle ${cycle}: ${show(login)}`).toBe(0);
      const run = await runOnce({ image: imageFor('2.2.0'), command: ['run', '/scripts/test.js'], env: cloud.env, mounts });
      expect(run.exitCode, `cycle ${cycle}: ${show(run)}`).toBe(0);

      expect(listDir(dir), `cycle ${cycle}`).toEqual(['config.json']);
      const file = viewFile(join(dir, 'config.json'))!;
      expect(file.mode).toBe(0o600);
      expect(file.stat.uid).toBe(IMAGE_UID);
      expect(cloudOf(jsonOf(file))['token']).toBe(token);
      sizes.push(statSync(join(dir, 'config.json')).size);
    }
    expect(new Set(sizes).size, sizes.join(' ')).toBe(1);
    expect(cloud.requestsTo('GET /cloud/v6/auth')).toHaveLength(CYCLES);
  }, 240_000);
});
