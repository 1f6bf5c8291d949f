// runWrapper reports each of its steps as it finishes it (the benchmark's phases section times
// them, scripts/bench/phases/entry.ts): in order, once each, and none past a refusal of the
// settings. k6 here is /bin/true, started as a child (K6_PERSIST_HANDOVER=spawn), so the test
// process is never replaced.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runWrapper, type WrapperStep } from '../../../src/wrapper.ts';

let home: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'k6p-steps-'));
  for (const key of Object.keys(process.env)) if (key.startsWith('K6_PERSIST_') || key.startsWith('K6_CLOUD') || key === 'K6_CONFIG') vi.stubEnv(key, undefined);
  vi.stubEnv('HOME', home);
  vi.stubEnv('XDG_CONFIG_HOME', undefined);
  vi.stubEnv('K6_PERSIST_K6_BIN', '/bin/true');
  vi.stubEnv('K6_PERSIST_HANDOVER', 'spawn');
  // No volume: an empty mount table.
  writeFileSync(join(home, 'mountinfo'), '');
  vi.stubEnv('K6_PERSIST_MOUNTINFO', join(home, 'mountinfo'));
  vi.stubEnv('K6_PERSIST_QUIET', '1');
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(home, { recursive: true, force: true });
});

describe('runWrapper', () => {
  it('reports settings, facts and the decision, in that order, once each', async () => {
    const steps: WrapperStep[] = [];
    const code = await runWrapper(['run', 'x.js'], (step) => steps.push(step));
    expect(code).toBe(0);
    expect(steps).toEqual(['settings', 'facts', 'decide']);
  });

  it('reports no step when the settings are refused', async () => {
    vi.stubEnv('K6_PERSIST_HANDOVER', 'teleport');
    const steps: WrapperStep[] = [];
    const code = await runWrapper(['run', 'x.js'], (step) => steps.push(step));
    expect(code).not.toBe(0);
    expect(steps).toEqual([]);
  });
});
