// The K6_PERSIST_* settings: what is accepted is what the error text says is accepted, and a
// value that would be silently wrong is refused, naming the variable.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../../src/settings/env.ts';

const dir = mkdtempSync(join(tmpdir(), 'k6p-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(env: NodeJS.ProcessEnv): string[] {
  const result = readSettings(env);
  return result.ok ? [] : result.problems;
}

describe('K6_PERSIST_MOUNTINFO', () => {
  it('a mount table that does not exist is refused, naming the variable (it would hide every volume)', () => {
    const said = problems({ K6_PERSIST_MOUNTINFO: '/nope' });
    expect(said).toEqual(['K6_PERSIST_MOUNTINFO="/nope": cannot be read (ENOENT)']);
  });

  it('a readable one is taken', () => {
    const table = join(dir, 'mountinfo');
    writeFileSync(table, '');
    const result = readSettings({ K6_PERSIST_MOUNTINFO: table });
    expect(result.ok && result.settings.mountinfoPath).toBe(table);
  });

  it('the default is not checked: without /proc nothing is mounted', () => {
    const result = readSettings({});
    expect(result.ok && result.settings.mountinfoPath).toBe('/proc/self/mountinfo');
  });
});

describe('on/off settings (K6_PERSIST_QUIET, K6_PERSIST_DEBUG)', () => {
  it('the error names every spelling that is accepted', () => {
    const [said] = problems({ K6_PERSIST_QUIET: 'maybe' });
    expect(said).toBe('K6_PERSIST_QUIET="maybe": use 1 or 0 (also true/yes/on or false/no/off)');
  });

  it('every spelling the error names is accepted, with the meaning it says', () => {
    const [said] = problems({ K6_PERSIST_DEBUG: 'maybe' });
    const spellings = /use (\S+) or (\S+) \(also (\S+) or (\S+)\)/.exec(said ?? '');
    expect(spellings).not.toBeNull();
    const [, one, zero, ons, offs] = spellings!;
    for (const value of [one!, ...ons!.split('/')]) {
      const result = readSettings({ K6_PERSIST_DEBUG: value });
      expect(result.ok && result.settings.debug, value).toBe(true);
    }
    for (const value of [zero!, ...offs!.split('/')]) {
      const result = readSettings({ K6_PERSIST_DEBUG: value.toUpperCase() });
      expect(result.ok && result.settings.debug, value).toBe(false);
    }
  });
});

describe('K6_PERSIST_HANDOVER', () => {
  it.each(['auto', 'exec', 'spawn'])('takes %s', (value) => {
    const result = readSettings({ K6_PERSIST_HANDOVER: value });
    expect(result.ok && result.settings.handover).toBe(value);
  });

  it('refuses anything else, listing what it takes', () => {
    const [said] = problems({ K6_PERSIST_HANDOVER: 'fork' });
    expect(said).toMatch(/^K6_PERSIST_HANDOVER="fork": .*"auto".*"exec".*"spawn"/);
  });
});
