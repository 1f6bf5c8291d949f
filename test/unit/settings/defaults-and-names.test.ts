// The K6_PERSIST_* settings one by one: each read from its own variable and nowhere else, its
// default when unset or blank, the spellings an on/off setting takes, and each refusal naming the
// variable with the value as written. (env.test.ts holds the mount table check and the wording of
// the on/off and handover errors.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PAUSE_POINTS, readSettings, type Settings } from '../../../src/settings/env.ts';

const scratch = mkdtempSync(join(tmpdir(), 'k6p-settings-names-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A mount table the test can name in K6_PERSIST_MOUNTINFO (a named one must be readable). */
const mountTable = join(scratch, 'mountinfo');
writeFileSync(mountTable, '');

function settings(env: NodeJS.ProcessEnv): Settings {
  const result = readSettings(env);
  if (!result.ok) throw new Error(`expected settings, got problems: ${result.problems.join('; ')}`);
  return result.settings;
}

function problems(env: NodeJS.ProcessEnv): string[] {
  const result = readSettings(env);
  if (result.ok) throw new Error(`expected problems, got settings ${JSON.stringify(result.settings)}`);
  return result.problems;
}

// What the README and the Dockerfile rely on: the real k6 where the base image has it
// (/usr/bin/k6; the wrapper is /usr/local/bin/k6, ahead of it on PATH), the mount table of the
// process itself, output on, exec where possible.
const DEFAULTS: Settings = {
  k6Binary: '/usr/bin/k6',
  persistDir: undefined,
  quiet: false,
  debug: false,
  handover: 'auto',
  mountinfoPath: '/proc/self/mountinfo',
  pauseAt: undefined,
};

const NAMES = ['K6_PERSIST_K6_BIN', 'K6_PERSIST_DIR', 'K6_PERSIST_QUIET', 'K6_PERSIST_DEBUG', 'K6_PERSIST_HANDOVER', 'K6_PERSIST_MOUNTINFO', 'K6_PERSIST_PAUSE_AT'];

describe('defaults', () => {
  it('are the documented ones for an empty environment', () => {
    expect(settings({})).toStrictEqual(DEFAULTS);
  });

  it("are kept beside variables that are not the wrapper's own, even close spellings", () => {
    expect(settings({ K6_PERSIST: '1', K6_PERSIST_QUIETLY: '1', k6_persist_quiet: '1', K6_CONFIG: '/x.json', '': 'k6' })).toStrictEqual(DEFAULTS);
  });

  it.each(['', ' ', '\t \n'])('apply to a blank value (%j) of every setting', (blank) => {
    expect(settings(Object.fromEntries(NAMES.map((name) => [name, blank])))).toStrictEqual(DEFAULTS);
  });
});

describe('each setting comes from its own variable', () => {
  // Named by the variable alone: a temp path in a test name would differ in every run, and
  // Stryker finds the tests that cover a mutant by name.
  it.each<[string, string, Partial<Settings>]>([
    ['K6_PERSIST_K6_BIN', '/opt/k6/bin/k6', { k6Binary: '/opt/k6/bin/k6' }],
    ['K6_PERSIST_DIR', '/data/k6', { persistDir: '/data/k6' }],
    ['K6_PERSIST_QUIET', '1', { quiet: true }],
    ['K6_PERSIST_DEBUG', '1', { debug: true }],
    ['K6_PERSIST_HANDOVER', 'spawn', { handover: 'spawn' }],
    ['K6_PERSIST_MOUNTINFO', mountTable, { mountinfoPath: mountTable }],
    ['K6_PERSIST_PAUSE_AT', 'rename', { pauseAt: 'rename' }],
  ])('%s', (name, value, changed) => {
    expect(settings({ [name]: value })).toStrictEqual({ ...DEFAULTS, ...changed });
  });

  it('keeps a path as written, surrounding spaces included', () => {
    expect(settings({ K6_PERSIST_K6_BIN: '/opt/k6 ' }).k6Binary).toBe('/opt/k6 ');
  });

  it('takes every pause point the crash tests use, and nothing else', () => {
    expect([...PAUSE_POINTS]).toEqual(['locked', 'write', 'sync', 'rename', 'in-place', 'verify']);
    for (const point of PAUSE_POINTS) expect(settings({ K6_PERSIST_PAUSE_AT: point }).pauseAt).toBe(point);
    expect(problems({ K6_PERSIST_PAUSE_AT: 'unlocked' })).toHaveLength(1);
  });
});

describe('on/off settings', () => {
  it.each(['1', 'true', 'yes', 'on', 'TRUE', 'Yes', ' On ', '\ttrue\n'])('read %j as on', (value) => {
    expect(settings({ K6_PERSIST_QUIET: value }).quiet).toBe(true);
    expect(settings({ K6_PERSIST_DEBUG: value }).debug).toBe(true);
  });

  it.each(['0', 'false', 'no', 'off', 'FALSE', 'No', ' OFF '])('read %j as off', (value) => {
    expect(settings({ K6_PERSIST_QUIET: value, K6_PERSIST_DEBUG: '1' })).toMatchObject({ quiet: false, debug: true });
    expect(settings({ K6_PERSIST_DEBUG: value, K6_PERSIST_QUIET: '1' })).toMatchObject({ debug: false, quiet: true });
  });

  it.each(['2', 'y', 'n', 'enabled', '-1', 'truee', '1 0', '00'])('refuse %j, naming the variable and the value', (value) => {
    const [problem, ...more] = problems({ K6_PERSIST_DEBUG: value });
    expect(more).toEqual([]);
    expect(problem?.startsWith(`K6_PERSIST_DEBUG=${JSON.stringify(value)}: use 1 or 0`)).toBe(true);
  });
});

describe('refusals', () => {
  it('a relative k6 binary, directory or mount table, each named with its value', () => {
    expect(problems({ K6_PERSIST_K6_BIN: 'k6' })).toEqual(['K6_PERSIST_K6_BIN="k6": must be an absolute path']);
    expect(problems({ K6_PERSIST_DIR: 'data/' })).toEqual(['K6_PERSIST_DIR="data/": must be an absolute path']);
    expect(problems({ K6_PERSIST_MOUNTINFO: 'proc/self/mountinfo' })).toEqual(['K6_PERSIST_MOUNTINFO="proc/self/mountinfo": must be an absolute path']);
  });

  it('every bad setting at once, in order, each with the value as it was written', () => {
    const found = problems({ K6_PERSIST_K6_BIN: ' k6', K6_PERSIST_QUIET: 'maybe', K6_PERSIST_HANDOVER: 'fork' });
    expect(found).toHaveLength(3);
    expect(found[0]).toBe('K6_PERSIST_K6_BIN=" k6": must be an absolute path');
    expect(found[1]).toMatch(/^K6_PERSIST_QUIET="maybe": use 1 or 0/);
    expect(found[2]).toMatch(/^K6_PERSIST_HANDOVER="fork": /);
  });
});
