// carryOut: each preparation step done on a real file system, what k6 is then started with, the
// scratch directories removed afterwards, and each failure reported the way the plan says.
// k6 is a shell script that records its arguments and environment; the handover is `spawn`
// throughout except where exec fails before replacing the process (a real execve would replace
// the test runner itself).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { carryOut } from '../../../src/plan/carry-out.ts';
import { EXIT_GENERIC_ERROR, type LoginPlan, type Plan, type Prepare } from '../../../src/plan/types.ts';
import { messages } from '../../../src/report/messages.ts';
import { recordingLogger } from './recording-logger.ts';
import type { Situation } from '../../../src/report/advice.ts';

const root = mkdtempSync(join(tmpdir(), 'k6p-carry-out-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dir: string;
let recorded: string;
beforeEach(() => {
  dir = mkdtempSync(join(root, 'case-'));
  recorded = join(dir, 'k6-saw');
});

/** A k6 that writes its argv, its environment and the config it was pointed at, then exits 7. */
function fakeK6(): string {
  const file = join(dir, 'k6');
  writeFileSync(
    file,
    [
      '#!/bin/sh',
      `out=${JSON.stringify(recorded)}`,
      'printf "%s\\n" "$@" > "$out.args"',
      'env > "$out.env"',
      '[ -n "$K6_CONFIG" ] && cat "$K6_CONFIG" > "$out.config" && stat -c %a "$K6_CONFIG" > "$out.config-mode"',
      '[ -n "$HOME" ] && [ -d "$HOME" ] && echo yes > "$out.home-existed"',
      '[ -n "$K6_REMOVE_HOME" ] && rm -rf "$HOME"',
      'exit 7',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return file;
}

function saw(): { args: string[]; env: Record<string, string>; config?: string; homeExisted: boolean } {
  const env = Object.fromEntries(
    readFileSync(`${recorded}.env`, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const config = existsSync(`${recorded}.config`) ? readFileSync(`${recorded}.config`, 'utf8') : undefined;
  return {
    args: readFileSync(`${recorded}.args`, 'utf8').split('\n').slice(0, -1),
    env,
    ...(config === undefined ? {} : { config }),
    homeExisted: existsSync(`${recorded}.home-existed`),
  };
}

const k6Started = () => existsSync(`${recorded}.args`);

function runPlan(overrides: Partial<Extract<Plan, { kind: 'run' }>> = {}, env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }): Extract<Plan, { kind: 'run' }> {
  return {
    kind: 'run',
    notices: [],
    debug: [],
    prepare: [],
    k6: { file: fakeK6(), argv0: 'k6', args: ['run', 'script.js'], env },
    handover: 'spawn',
    ...overrides,
  };
}

describe('a refusal', () => {
  it('logs its debug lines and its message as an error, starts nothing, and exits with its code', async () => {
    const { log, lines } = recordingLogger();
    const code = await carryOut({ kind: 'refuse', exitCode: 104, message: 'error: no', debug: ['one', 'two'] }, log);
    expect(code).toBe(104);
    expect(lines).toEqual([['debug', 'one'], ['debug', 'two'], ['error', 'error: no']]);
  });
});

describe('a run', () => {
  it('logs the debug lines, then the notices, then starts k6 with the arguments and environment planned, and returns its exit code', async () => {
    const { log, lines } = recordingLogger();
    const plan = runPlan({ notices: ['careful', 'really'], debug: ['why'] });
    plan.k6.env['K6_CONFIG_MARK'] = 'from-the-plan';
    expect(await carryOut(plan, log)).toBe(7);
    expect(lines).toEqual([['debug', 'why'], ['notice', 'careful'], ['notice', 'really'], ['debug', `spawn ${plan.k6.file}`]]);
    expect(saw().args).toEqual(['run', 'script.js']);
    expect(saw().env['K6_CONFIG_MARK']).toBe('from-the-plan');
  });
});

describe('preparing the persistent file', () => {
  it('makes missing directories, private to the user', async () => {
    const made = join(dir, 'a', 'b', 'k6');
    const { log } = recordingLogger();
    await carryOut(runPlan({ prepare: [{ kind: 'mkdir', path: made }] }), log);
    expect(statSync(made).isDirectory()).toBe(true);
    expect(statSync(made).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
    expect(k6Started()).toBe(true);
  });

  it('creates a missing config as {} with mode 0600, and says so', async () => {
    const path = join(dir, 'config.json');
    const { log, of } = recordingLogger();
    await carryOut(runPlan({ prepare: [{ kind: 'create-config', path }] }), log);
    expect(readFileSync(path, 'utf8')).toBe('{}\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(of('debug')).toContain(`create ${path}: created`);
  });

  it('leaves a config that appeared meanwhile as it is', async () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"collectors":{}}', { mode: 0o644 });
    const { log, of } = recordingLogger();
    await carryOut(runPlan({ prepare: [{ kind: 'create-config', path }] }), log);
    expect(readFileSync(path, 'utf8')).toBe('{"collectors":{}}');
    expect(of('debug')).toContain(`create ${path}: exists`);
  });

  it.each([
    [false, 'by rename'],
    [true, 'in place'],
  ])('rewrites an empty config as {} keeping its mode (in place: %s)', async (inPlace, how) => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '', { mode: 0o644 });
    chmodSync(path, 0o644);
    const { log, of } = recordingLogger();
    await carryOut(runPlan({ prepare: [{ kind: 'reset-empty-config', path, inPlace, orPrivate: true }] }), log);
    expect(readFileSync(path, 'utf8')).toBe('{}\n');
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(of('debug')).toContain(`${path} was empty: rewritten as {} (${how}), owner and mode kept`);
    expect(saw().env['K6_CONFIG']).toBeUndefined();
  });

  it('takes a config of blanks for empty', async () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, ' \n\t\n');
    const { log, of } = recordingLogger();
    await carryOut(runPlan({ prepare: [{ kind: 'reset-empty-config', path, inPlace: false, orPrivate: true }] }), log);
    expect(readFileSync(path, 'utf8')).toBe('{}\n');
    expect(of('debug')).toContain(`${path} was empty: rewritten as {} (by rename), owner and mode kept`);
  });

  it('leaves an empty config alone when it was filled before the lock was taken', async () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"a":1}\n');
    const { log, of } = recordingLogger();
    await carryOut(runPlan({ prepare: [{ kind: 'reset-empty-config', path, inPlace: false, orPrivate: true }] }), log);
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n');
    expect(of('debug')).toContain(`${path} was empty: filled meanwhile`);
  });

  it('gives k6 a private {} when an empty config cannot be rewritten, and removes it afterwards', async () => {
    const path = join(dir, 'gone', 'config.json');
    const { log, of } = recordingLogger();
    expect(await carryOut(runPlan({ prepare: [{ kind: 'reset-empty-config', path, inPlace: false, orPrivate: true }] }), log)).toBe(7);
    expect(of('debug')).toContain(`${path} is empty and could not be rewritten (ENOENT)`);
    const { env, config } = saw();
    expect(env['K6_CONFIG']).toMatch(new RegExp(`^${tmpdir()}/k6-persist-config-[^/]+/config\\.json$`));
    expect(config).toBe('{}\n');
    expect(of('debug')).toContain(`the config is empty and cannot be rewritten: K6_CONFIG=${env['K6_CONFIG']}, a private {}`);
    expect(existsSync(env['K6_CONFIG']!)).toBe(false);
  });

  it('leaves K6_CONFIG alone when the user chose the empty file that cannot be rewritten', async () => {
    const path = join(dir, 'gone', 'config.json');
    const { log } = recordingLogger();
    await carryOut(runPlan({ prepare: [{ kind: 'reset-empty-config', path, inPlace: false, orPrivate: false }] }), log);
    expect(saw().env['K6_CONFIG']).toBeUndefined();
  });

  it('points k6 at a private {} for a private-config step, readable by this user only', async () => {
    const { log } = recordingLogger();
    await carryOut(runPlan({ prepare: [{ kind: 'private-config' }] }), log);
    const { env, config } = saw();
    expect(config).toBe('{}\n');
    expect(readFileSync(`${recorded}.config-mode`, 'utf8').trim()).toBe('600');
    expect(existsSync(env['K6_CONFIG']!)).toBe(false);
  });
});

describe('a private HOME', () => {
  it.each([
    [true, 'also XDG_CONFIG_HOME under it'],
    [false, 'XDG_CONFIG_HOME left as it was'],
  ])('is made for k6 and removed afterwards (setXdg %s: %s)', async (setXdg) => {
    const { log, of } = recordingLogger();
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/nonexistent', XDG_CONFIG_HOME: '/xdg' };
    await carryOut(runPlan({ prepare: [{ kind: 'private-home', setXdg }] }, env), log);
    const seen = saw();
    expect(seen.env['HOME']).toMatch(new RegExp(`^${tmpdir()}/k6-persist-home-[^/]+$`));
    expect(seen.homeExisted).toBe(true);
    expect(seen.env['XDG_CONFIG_HOME']).toBe(setXdg ? join(seen.env['HOME']!, '.config') : '/xdg');
    expect(of('debug')).toContain(`private HOME for k6: ${seen.env['HOME']}`);
    expect(existsSync(seen.env['HOME']!)).toBe(false);
  });

  it('is no error when k6 removed it itself', async () => {
    const { log } = recordingLogger();
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', K6_REMOVE_HOME: '1' };
    expect(await carryOut(runPlan({ prepare: [{ kind: 'private-home', setXdg: false }] }, env), log)).toBe(7);
    expect(existsSync(saw().env['HOME']!)).toBe(false);
  });
});

describe('when the temp directory is unusable', () => {
  const saved = process.env['TMPDIR'];
  afterAll(() => {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
  });

  it('k6 still runs without a private HOME or private config, as without the wrapper', async () => {
    const { log, of } = recordingLogger();
    const plan = runPlan({ prepare: [{ kind: 'private-home', setXdg: true }, { kind: 'private-config' }] }, { PATH: '/usr/bin:/bin', HOME: '/h' });
    process.env['TMPDIR'] = join(dir, 'no-such-tmp');
    try {
      expect(await carryOut(plan, log)).toBe(7);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
    expect(of('debug')).toEqual(expect.arrayContaining(['no private-home (ENOENT)', 'no private config for k6 (ENOENT)']));
    expect(saw().env['HOME']).toBe('/h');
    expect(saw().env['K6_CONFIG']).toBeUndefined();
    expect(of('error')).toEqual([]);
  });
});

describe('a preparation that fails', () => {
  it.each<[string, (d: string) => Prepare, 'directory' | 'file', string]>([
    ['a directory under a file', (d) => ({ kind: 'mkdir', path: join(d, 'file', 'k6') }), 'directory', 'ENOTDIR'],
    ['a config in a missing directory', (d) => ({ kind: 'create-config', path: join(d, 'missing', 'config.json') }), 'file', 'ENOENT'],
  ])('stops before k6 with the advice for %s', async (_what, step, what, code) => {
    writeFileSync(join(dir, 'file'), '');
    const prepare = step(dir);
    const situation: Situation = { path: join(dir, 'config.json'), source: 'mount', uid: 1, gid: 1, groups: [], runtime: 'docker', dirWritable: false };
    const { log, of } = recordingLogger();
    expect(await carryOut(runPlan({ prepare: [prepare], situation }), log)).toBe(EXIT_GENERIC_ERROR);
    expect(of('error')).toEqual([messages.prepareFailed(what, (prepare as { path: string }).path, code, situation)]);
    expect(k6Started()).toBe(false);
  });
});

describe('a k6 that cannot be started', () => {
  it.each<[string, (d: string) => string, 'exec' | 'spawn', string]>([
    ['missing, spawned', (d) => join(d, 'no-k6'), 'spawn', 'ENOENT'],
    ['missing, exec', (d) => join(d, 'no-k6'), 'exec', 'ENOENT'],
    ['under a file, spawned', (d) => join(d, 'file', 'k6'), 'spawn', 'ENOTDIR'],
    ['under a file, exec', (d) => join(d, 'file', 'k6'), 'exec', 'ENOTDIR'],
    ['a directory, exec', (d) => d, 'exec', 'EISDIR'],
    ['a directory, spawned', (d) => d, 'spawn', 'EACCES'],
    ['not executable, spawned', (d) => join(d, 'file'), 'spawn', 'EACCES'],
  ])('%s: says which binary and why, and exits 255', async (_case, file, handover, code) => {
    writeFileSync(join(dir, 'file'), '#!/bin/sh\n', { mode: 0o644 });
    const plan = runPlan({ handover });
    plan.k6.file = file(dir);
    const { log, of } = recordingLogger();
    expect(await carryOut(plan, log)).toBe(EXIT_GENERIC_ERROR);
    expect(of('error')).toEqual([messages.k6NotFound(plan.k6.file, code)]);
    expect(of('debug')).toContain(`${handover} ${plan.k6.file}`);
  });

  it('lets any other error through, still removing what it made', async () => {
    const plan = runPlan({ prepare: [{ kind: 'private-home', setXdg: false }] });
    plan.k6.args = ['a\0b'];
    const { log, of } = recordingLogger();
    await expect(carryOut(plan, log)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    const home = of('debug').find((line) => line.startsWith('private HOME for k6: '))!.slice('private HOME for k6: '.length);
    expect(existsSync(home)).toBe(false);
  });
});

describe('a login', () => {
  it('is run as a login, whose k6 exit code is returned', async () => {
    const place = join(dir, 'volume');
    mkdirSync(place);
    const login: LoginPlan = {
      place: { path: join(place, 'config.json'), source: 'mount', uid: 0, gid: 0, groups: [], runtime: 'docker', dirWritable: true },
      configFlag: undefined,
      initialText: '{}\n',
      reset: false,
      inPlace: false,
      writable: true,
      saves: false,
      pauseAt: undefined,
    };
    const { log, of } = recordingLogger();
    expect(await carryOut(runPlan({ login }), log)).toBe(7);
    expect(saw().env['K6_CONFIG']).toMatch(/config\.json$/);
    expect(saw().env['K6_CONFIG']).not.toBe(join(place, 'config.json'));
    expect(of('debug').some((line) => line.startsWith('login staging copy: '))).toBe(true);
    expect(of('debug')).not.toContain(`spawn ${join(dir, 'k6')}`);
  });
});
