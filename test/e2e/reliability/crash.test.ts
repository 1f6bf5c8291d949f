// Crash safety in containers (issue 5): the container is killed (`docker kill`, SIGKILL to the
// wrapper, which is its main process) while the login save is held at each step by the test
// hook K6_PERSIST_PAUSE_AT. The volume's file is then the old one or the new one, complete;
// the next login in a new container cleans up what the dead one left (lock, temp file).
//
// A lock left by a dead process counts as stale once it is older than 10 s (README guarantee 2,
// written out here rather than taken from the code). For `locked` the next login really waits for
// that (the recovery path as users meet it), and the wait is timed against the documented 10 s;
// for the other steps the test ages the lock from the host (utimes, like `touch -d`) to 11 s.
import { existsSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cloudOf, jsonOf, listDir, seedVolume, show, viewFile, volumeDir } from '../support/observe.ts';
import { type E2eCloud, makeToken, startCloud } from '../support/cloud.ts';
import { imageFor, runOnce } from '../support/containers.ts';
import { Resources } from '../support/resources.ts';
import { killWhenLogged, wrapperLines } from './support.ts';

const OLD_TOKEN = makeToken('crashold');
const NEW_TOKEN = makeToken('crashnew');
const AFTER_TOKEN = makeToken('crashafter');
const STACK = { slug: 'crash-stack', stackId: 6100, projectId: 61 };
const OLD = { keep: 'me', collectors: { cloud: { token: OLD_TOKEN, stackID: 1, stackURL: 'https://old.grafana.net', defaultProjectID: 1 } } };
const LOCK_NAME = '.config.json.k6-persist.lock';

let cloud: E2eCloud;
const res = new Resources();
beforeAll(async () => {
  cloud = await startCloud({ tokens: [NEW_TOKEN, AFTER_TOKEN], stacks: { [STACK.slug]: { stackId: STACK.stackId, defaultProjectId: STACK.projectId } } });
});
afterAll(async () => {
  await cloud?.close();
});
afterEach(async () => {
  await res.cleanup();
});

const login = (volume: string, token: string, env: Record<string, string> = {}) => ({
  image: imageFor('2.2.0'),
  command: ['cloud', 'login', '--token', token, '--stack', STACK.slug],
  env: { ...cloud.env, ...env },
  mounts: [{ source: volume, target: '/config' }],
});

// What each step has done when the pause hits it (src/config/atomic-write.ts): the content the
// file must have after the kill, and what the dead process leaves next to it.
const STEPS = [
  { step: 'locked', content: 'old', leftovers: [LOCK_NAME] },
  { step: 'write', content: 'old', leftovers: [LOCK_NAME, 'temp'] },
  { step: 'sync', content: 'old', leftovers: [LOCK_NAME, 'temp'] },
  { step: 'rename', content: 'old', leftovers: [LOCK_NAME, 'temp'] },
  { step: 'verify', content: 'new', leftovers: [LOCK_NAME] },
] as const;

describe.each(STEPS)('docker kill while the login save is paused at $step', ({ step, content, leftovers }) => {
  it(`leaves the ${content} file complete; the next login cleans up`, async () => {
    const volume = await res.volume('k6p-rel-crash');
    const dir = await volumeDir(volume);
    await seedVolume(volume, 'config.json', JSON.stringify(OLD, null, 2));

    const killed = await killWhenLogged(login(volume, NEW_TOKEN, { K6_PERSIST_PAUSE_AT: step }), new RegExp(`paused at ${step} \\(K6_PERSIST_PAUSE_AT\\)`));
    expect(wrapperLines(killed.stderr)).toContain(`k6-persist: paused at ${step} (K6_PERSIST_PAUSE_AT)`);
    // Killed before it could say it saved anything.
    expect(killed.stderr).not.toMatch(/login saved/);

    const config = jsonOf(viewFile(join(dir, 'config.json')));
    expect(config['keep']).toBe('me');
    expect(cloudOf(config)['token']).toBe(content === 'old' ? OLD_TOKEN : NEW_TOKEN);
    if (content === 'new') expect(cloudOf(config)['stackID']).toBe(STACK.stackId);
    const left = listDir(dir).filter((name) => name !== 'config.json');
    expect(left.map((name) => (name === LOCK_NAME ? name : name.includes('.k6-persist-') && name.endsWith('.tmp') ? 'temp' : name)).sort()).toEqual([...leftovers].sort());

    const lock = join(dir, LOCK_NAME);
    // When the dead login took its lock: its age counts from here.
    const lockedAt = statSync(lock).mtimeMs;
    if (step !== 'locked') {
      const old = (Date.now() - 11_000) / 1000;
      utimesSync(lock, old, old);
    }
    const next = await runOnce(login(volume, AFTER_TOKEN));
    expect(next.exitCode, show(next)).toBe(0);
    if (step === 'locked') {
      // Recovered by waiting out the dead login's lock, not by ignoring it: saved (the new file's
      // time) not before the lock was 10 s old, and well before a 15 s timeout or a 25 s
      // staleness could explain it. After the wait come k6's whole login (a Node start, the
      // token check) and the save: seconds on a loaded 2-core machine, hence the margin.
      const savedAfter = statSync(join(dir, 'config.json')).mtimeMs - lockedAt;
      expect(savedAfter, `saved ${savedAfter} ms after the dead login took the lock`).toBeGreaterThanOrEqual(10_000);
      expect(savedAfter, `saved ${savedAfter} ms after the dead login took the lock`).toBeLessThan(20_000);
    }
    const after = jsonOf(viewFile(join(dir, 'config.json')));
    expect(cloudOf(after)['token']).toBe(AFTER_TOKEN);
    expect(after['keep']).toBe('me');
    expect(listDir(dir)).toEqual(['config.json']);
    expect(existsSync(lock)).toBe(false);
  });
});
