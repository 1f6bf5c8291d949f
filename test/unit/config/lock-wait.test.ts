// Waiting for another login's lock before k6 runs, without taking it: a lock held too long then
// stops the login before k6 says "Logged in successfully" about its private copy.
import { mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_STALE_MS, lockPathFor, waitForLockRelease } from '../../../src/config/lock.ts';

const sandbox = mkdtempSync(join(tmpdir(), 'k6p-lock-wait-'));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

function configIn(name: string): string {
  const dir = mkdtempSync(join(sandbox, `${name}-`));
  return join(dir, 'config.json');
}

describe('waitForLockRelease', () => {
  it('returns at once when no lock is held', () => {
    const started = Date.now();
    expect(waitForLockRelease(configIn('free'), 5_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('returns at once for a stale lock (the save recovers it), and leaves it there', () => {
    const config = configIn('stale');
    const lock = lockPathFor(config);
    writeFileSync(lock, 'dead 1\n');
    const old = (Date.now() - LOCK_STALE_MS - 5_000) / 1000;
    utimesSync(lock, old, old);
    expect(waitForLockRelease(config, 5_000)).toBe(true);
    expect(() => unlinkSync(lock)).not.toThrow();
  });

  it('gives up on a live lock after the time limit, without taking or removing it', () => {
    const config = configIn('held');
    const lock = lockPathFor(config);
    writeFileSync(lock, 'live 1\n');
    const started = Date.now();
    expect(waitForLockRelease(config, 300)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(() => unlinkSync(lock)).not.toThrow();
  });

  it('returns once a live lock is released', async () => {
    const config = configIn('released');
    const lock = lockPathFor(config);
    writeFileSync(lock, 'live 1\n');
    // The wait blocks this thread, so the release comes from another process.
    const { spawn } = await import('node:child_process');
    const releaser = spawn('sh', ['-c', `sleep 0.3; rm -f '${lock}'`]);
    const started = Date.now();
    expect(waitForLockRelease(config, 10_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    await new Promise((resolve) => releaser.once('exit', resolve));
  });
});
