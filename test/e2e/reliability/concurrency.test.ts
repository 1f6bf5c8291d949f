// Concurrency in real containers (issue 5): 8 containers log in with 8 different tokens (and
// stacks) against one named volume at the same moment, while 2 more containers keep reading the
// file. Every read is a JSON object; the file ends holding one login's token with that login's
// stack, every other key kept; no temp or lock file is left.
//
// No lost update: every login also sets a key only it sets (collectors.cloud["note-<i>"], added
// by a k6 in front of the real one, NOTE_ADDING_SHIM). The credential keys are the same for every
// login, so one login overwriting another's would be invisible there; a merge that starts from a
// file read before another login saved, or that is not serialised by the lock, drops that
// login's note. Host-level variant with 12 logins: test/process/reliability/concurrency.test.ts.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_UID, cloudOf, jsonOf, listDir, seedVolume, show, tokenLeaks, viewFile, volumeDir } from '../support/observe.ts';
import { type E2eCloud, makeToken, startCloud } from '../support/cloud.ts';
import { imageFor, runOnce } from '../support/containers.ts';
import { Resources } from '../support/resources.ts';
import { IMAGE_NODE, NOTE_ADDING_SHIM, afterBarrier, readerScript, readerSummary, release, waitForReady, wrapperLines } from './support.ts';

const LOGINS = 8;
const READERS = 2;
const logins = Array.from({ length: LOGINS }, (_, i) => ({
  token: makeToken(`conc${i}`),
  slug: `conc-stack-${i}`,
  stackId: 7100 + i,
  projectId: 800 + i,
}));
const INITIAL = {
  keep: 'me',
  collectors: {
    influxdb: { addr: 'http://127.0.0.1:8086' },
    cloud: { token: makeToken('initial'), stackID: 7000, stackURL: 'https://conc-stack-initial.grafana.net', defaultProjectID: 700, note: 'unknown cloud key' },
  },
};

let cloud: E2eCloud;
const res = new Resources();

beforeAll(async () => {
  cloud = await startCloud({
    tokens: logins.map((l) => l.token),
    stacks: Object.fromEntries(logins.map((l) => [l.slug, { stackId: l.stackId, defaultProjectId: l.projectId }])),
  });
});
afterAll(async () => {
  await cloud?.close();
  await res.cleanup();
});

describe('concurrent logins on one named volume (containers)', () => {
  it(`${LOGINS} logins at the same moment, ${READERS} readers all along: valid reads, one login whole, no login's change lost, other keys kept, nothing left`, async () => {
    const volume = await res.volume('k6p-rel-conc');
    const dir = await volumeDir(volume);
    await seedVolume(volume, 'config.json', JSON.stringify(INITIAL, null, 2));
    // A barrier every container waits on, so the logins start together rather than in the
    // order Docker happens to start them.
    const barrier = res.dir(IMAGE_UID, IMAGE_UID, 0o777);
    chmodSync(barrier, 0o777);
    const mounts = [
      { source: volume, target: '/config' },
      { source: barrier, target: '/barrier' },
    ];

    const readers = Array.from({ length: READERS }, (_, i) =>
      runOnce({ image: imageFor('2.2.0'), entrypoint: [IMAGE_NODE, '-e'], command: [readerScript(`reader-${i}`)], mounts }, 180_000),
    );
    const loginRuns = logins.map((login, i) =>
      runOnce(
        {
          image: imageFor('2.2.0'),
          entrypoint: ['sh', '-c'],
          command: [`${NOTE_ADDING_SHIM}\n${afterBarrier(`login-${i}`, `exec k6 cloud login --token ${login.token} --stack ${login.slug}`)}`],
          env: { ...cloud.env, K6_PERSIST_K6_BIN: '/tmp/k6-note', NOTE_KEY: `note-${i}`, NOTE_VALUE: `login ${i}` },
          mounts,
        },
        180_000,
      ),
    );
    await waitForReady(barrier, LOGINS + READERS);
    release(barrier);
    const loginOutcomes = await Promise.all(loginRuns);
    release(barrier, 'stop');
    const readerOutcomes = await Promise.all(readers);

    for (const outcome of loginOutcomes) {
      expect(outcome.exitCode, show(outcome)).toBe(0);
      expect(wrapperLines(outcome.stderr).join('\n')).toMatch(/k6 Cloud login saved to \/config\/config\.json/);
      expect(tokenLeaks(outcome, logins.map((l) => l.token))).toEqual([]);
    }
    const seenTokens = new Set<string>();
    for (const outcome of readerOutcomes) {
      expect(outcome.exitCode, show(outcome)).toBe(0);
      const summary = readerSummary(outcome);
      expect(summary.bad, JSON.stringify(summary)).toEqual([]);
      expect(summary.badCount).toBe(0);
      // rename() replaces the file atomically: it never goes missing either.
      expect(summary.missing).toBe(0);
      expect(summary.reads).toBeGreaterThan(100);
      summary.tokens.forEach((token) => seenTokens.add(token));
    }
    // The readers were reading while the logins saved: they saw the file change.
    expect(seenTokens.size, [...seenTokens].join(' ')).toBeGreaterThanOrEqual(2);

    const file = viewFile(join(dir, 'config.json'));
    const config = jsonOf(file);
    const saved = cloudOf(config);
    const winner = logins.find((l) => l.token === saved['token']);
    expect(winner, `final token ${String(saved['token'])}`).toBeDefined();
    // Intact: the token comes with its own login's stack, not another one's.
    expect({ stackID: saved['stackID'], stackURL: saved['stackURL'], defaultProjectID: saved['defaultProjectID'] }).toEqual({
      stackID: winner!.stackId,
      stackURL: `https://${winner!.slug}.grafana.net`,
      defaultProjectID: winner!.projectId,
    });
    // No login's change was lost: each one's own key is there.
    const notes = Object.fromEntries(Object.entries(saved).filter(([key]) => key.startsWith('note-')));
    expect(notes).toEqual(Object.fromEntries(logins.map((_, i) => [`note-${i}`, `login ${i}`])));
    expect(config['keep']).toBe('me');
    expect((config['collectors'] as Record<string, unknown>)['influxdb']).toEqual(INITIAL.collectors.influxdb);
    expect(saved['note']).toBe('unknown cloud key');
    expect(listDir(dir)).toEqual(['config.json']);
    expect(file!.mode).toBe(0o600);
    expect(file!.stat.uid).toBe(IMAGE_UID);
    // Every login was validated by the cloud: none was skipped.
    expect(cloud.requestsTo('GET /cloud/v6/auth')).toHaveLength(LOGINS);
  });
});
