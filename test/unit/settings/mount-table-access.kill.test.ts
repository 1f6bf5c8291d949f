// K6_PERSIST_MOUNTINFO on a machine where access checks fail: the default mount table is never
// checked (without /proc, as off Linux, nothing is mounted and the wrapper must still run), and a
// named one that cannot be checked is refused with the errno, or EACCES when the failure has none.
// node:fs's accessSync is replaced here; everything else in node:fs is the real module.
import { afterEach, describe, expect, it, vi } from 'vitest';

const access = vi.hoisted(() => ({
  /** What accessSync throws for every path; undefined: the real accessSync. */
  failure: undefined as undefined | Error,
  checked: [] as string[],
}));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    accessSync: (...args: Parameters<typeof fs.accessSync>) => {
      access.checked.push(String(args[0]));
      if (access.failure) throw access.failure;
      return fs.accessSync(...args);
    },
  };
});

const { readSettings } = await import('../../../src/settings/env.ts');

afterEach(() => {
  access.failure = undefined;
  access.checked = [];
});

describe('K6_PERSIST_MOUNTINFO where nothing can be accessed', () => {
  it('the default mount table is taken unchecked, so a system without /proc still runs', () => {
    access.failure = Object.assign(new Error("ENOENT: no such file or directory, access '/proc/self/mountinfo'"), { code: 'ENOENT' });
    const result = readSettings({});
    expect(result).toMatchObject({ ok: true, settings: { mountinfoPath: '/proc/self/mountinfo' } });
    expect(access.checked).toEqual([]);
  });

  it('the default written out explicitly is the default: not checked either', () => {
    access.failure = Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
    expect(readSettings({ K6_PERSIST_MOUNTINFO: '/proc/self/mountinfo' })).toMatchObject({ ok: true });
    expect(access.checked).toEqual([]);
  });

  it('a named table is checked, and refused with the errno of the failure', () => {
    access.failure = Object.assign(new Error('EACCES: permission denied'), { code: 'EPERM' });
    expect(readSettings({ K6_PERSIST_MOUNTINFO: '/host/mountinfo' })).toEqual({
      ok: false,
      problems: ['K6_PERSIST_MOUNTINFO="/host/mountinfo": cannot be read (EPERM)'],
    });
    expect(access.checked).toEqual(['/host/mountinfo']);
  });

  it('a failure that carries no errno is refused as EACCES, never as "undefined"', () => {
    access.failure = new Error('refused');
    expect(readSettings({ K6_PERSIST_MOUNTINFO: '/host/mountinfo' })).toEqual({
      ok: false,
      problems: ['K6_PERSIST_MOUNTINFO="/host/mountinfo": cannot be read (EACCES)'],
    });
  });
});
