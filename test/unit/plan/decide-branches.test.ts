// decide, branch by branch: which refusal message (the exact one, for the exact situation), which
// handover, which preparation steps, what the login plan and the situation hold. The facts are
// written out here rather than gathered, so each case sets exactly what it is about.
import { describe, expect, it } from 'vitest';
import { analyseArgs } from '../../../src/args/analyse.ts';
import type { FileState } from '../../../src/config/read.ts';
import { locateConfig } from '../../../src/mounts/locate.ts';
import { parseMountinfo } from '../../../src/mounts/mountinfo.ts';
import { decide } from '../../../src/plan/decide.ts';
import { EXIT_GENERIC_ERROR, EXIT_INVALID_CONFIG, type Facts, type PersistentFacts, type Plan } from '../../../src/plan/types.ts';
import type { Situation } from '../../../src/report/advice.ts';
import { messages, unusableConfigMessage } from '../../../src/report/messages.ts';
import type { Settings } from '../../../src/settings/env.ts';

const ROOT = '1 0 0:1 / / rw - overlay overlay rw';
const NAMED = '2 1 8:1 /var/lib/docker/volumes/k6-config/_data /config rw,relatime - ext4 /dev/vda rw';
const READ_ONLY = '2 1 8:1 /srv/k6 /config ro,relatime - ext4 /dev/vda rw';
const BIND = '2 1 8:1 /srv/k6 /config rw,relatime - ext4 /dev/vda rw';
const ANONYMOUS = `2 1 8:1 /var/lib/docker/volumes/${'ab'.repeat(32)}/_data /config rw,relatime - ext4 /dev/vda rw`;
const SINGLE_FILE = '2 1 8:1 /srv/k6/config.json /config/config.json rw,relatime - ext4 /dev/vda rw';
const SECRET = '2 1 0:60 /var/lib/kubelet/pods/u/volumes/kubernetes.io~secret/k6 /config ro,relatime - tmpfs tmpfs rw';
const PATH = '/config/config.json';

const SETTINGS: Settings = {
  k6Binary: '/usr/libexec/k6-persist/k6',
  persistDir: undefined,
  quiet: false,
  debug: false,
  handover: 'auto',
  mountinfoPath: '/proc/self/mountinfo',
  pauseAt: undefined,
};

interface Case {
  argv: string[];
  env?: Record<string, string>;
  mount?: string;
  persistent?: Partial<PersistentFacts>;
  settings?: Partial<Settings>;
  facts?: Partial<Facts>;
}

function factsFor(c: Case): Facts {
  const env: Record<string, string> = { HOME: '/home/k6', ...c.env };
  const args = analyseArgs(c.argv);
  const mounts = parseMountinfo([ROOT, ...(c.mount ? [c.mount] : [])].join('\n'));
  const location = locateConfig({
    configFlag: args.config?.path,
    env: { K6_CONFIG: env['K6_CONFIG'], K6_PERSIST_DIR: undefined, HOME: env['HOME'], XDG_CONFIG_HOME: env['XDG_CONFIG_HOME'] },
    mounts,
    cwd: '/home/k6',
  });
  const persistent: PersistentFacts | undefined = location.path
    ? { path: location.path, state: { kind: 'missing' }, dirExists: true, writable: true, ...c.persistent }
    : undefined;
  return {
    argv: c.argv,
    argv0: 'k6',
    env,
    settings: { ...SETTINGS, ...c.settings },
    args,
    location,
    ...(persistent ? { persistent } : {}),
    homeUsable: true,
    execve: true,
    uid: 12345,
    gid: 12345,
    groups: [],
    ...c.facts,
  };
}

const plan = (c: Case): Plan => decide(factsFor(c));

function run(c: Case): Extract<Plan, { kind: 'run' }> {
  const p = plan(c);
  if (p.kind !== 'run') throw new Error(`expected a run, got the refusal: ${p.message}`);
  return p;
}

function refusal(c: Case): Extract<Plan, { kind: 'refuse' }> {
  const p = plan(c);
  if (p.kind !== 'refuse') throw new Error('expected a refusal, got a run');
  return p;
}

/** The situation decide describes for a case: where the file is, on what, and who asks. */
function situation(c: Case, extra: Partial<Situation> = {}): Situation {
  const facts = factsFor(c);
  return {
    path: facts.persistent!.path,
    source: facts.location.source,
    mount: facts.location.mount,
    uid: 12345,
    gid: 12345,
    groups: [],
    runtime: 'docker',
    dir: undefined,
    file: undefined,
    kubeletPayload: false,
    dirWritable: (facts.persistent!.writable) && !facts.location.singleFile,
    ...extra,
  };
}

const TOKEN = 'tok_0123456789abcdef';

describe('a login that cannot be saved is refused with the one message for why', () => {
  it.each<[string, Case]>([
    ['a read-only mount', { argv: ['cloud', 'login', '-t', TOKEN], mount: READ_ONLY, persistent: { writable: false } }],
    ['a read-only mount the checks found writable', { argv: ['cloud', 'login', '-t', TOKEN], mount: READ_ONLY }],
    ['a read-only file system under a rw mount', { argv: ['cloud', 'login', '-t', TOKEN], mount: BIND, persistent: { writable: false, writeProblem: 'EROFS' } }],
    ['a plain interactive login', { argv: ['cloud', 'login'], mount: READ_ONLY, persistent: { writable: false } }],
    ['a reset', { argv: ['login', 'cloud', '--show', '--reset'], mount: READ_ONLY, persistent: { writable: false } }],
    ['--show with a token', { argv: ['cloud', 'login', '-s', '-t', TOKEN], mount: READ_ONLY, persistent: { writable: false } }],
  ])('read-only: %s', (_what, c) => {
    const p = refusal(c);
    expect(p.message).toBe(messages.loginIntoReadOnly(situation(c)));
    expect(p.exitCode).toBe(EXIT_GENERIC_ERROR);
  });

  it.each<[string, Case]>([
    ['no permission', { argv: ['cloud', 'login', '-t', TOKEN], mount: BIND, persistent: { writable: false, writeProblem: 'EACCES' } }],
    ['not permitted', { argv: ['cloud', 'login', '-t', TOKEN], mount: BIND, persistent: { writable: false, writeProblem: 'EPERM' } }],
    ['no reason known', { argv: ['cloud', 'login', '-t', TOKEN], mount: BIND, persistent: { writable: false } }],
    ['a plain interactive login', { argv: ['cloud', 'login'], mount: BIND, persistent: { writable: false, writeProblem: 'EACCES' } }],
  ])('unwritable: %s', (_what, c) => {
    const p = refusal(c);
    expect(p.message).toBe(messages.loginIntoUnwritable(situation(c)));
    expect(p.exitCode).toBe(EXIT_GENERIC_ERROR);
  });

  it.each(['ENOENT', 'ENOSPC', 'ENOTDIR'])('anything else (%s) is named with its code', (code) => {
    const c: Case = { argv: ['cloud', 'login', '-t', TOKEN], mount: BIND, persistent: { writable: false, writeProblem: code } };
    expect(refusal(c).message).toBe(messages.cannotSave(situation(c), code));
  });

  it('--show alone is not refused on a read-only volume: it saves nothing', () => {
    const p = run({ argv: ['cloud', 'login', '--show'], mount: READ_ONLY, persistent: { writable: false, state: present('{}') } });
    expect(p.login).toMatchObject({ saves: false, writable: false });
  });
});

const present = (text: string, mode = 0o600): FileState => ({ kind: 'present', text, uid: 1000, gid: 1001, mode });

describe('K6_CLOUD_TOKEN_FILE', () => {
  const file = '/run/secrets/k6-token';

  it.each([
    ['an empty file', { path: file, content: '' }],
    ['a file of blanks', { path: file, content: ' \n\t\n' }],
    ['no content at all', { path: file }],
  ])('refuses %s, naming it', (_what, tokenFile) => {
    const p = refusal({ argv: ['run', 'x.js'], facts: { tokenFile } });
    expect(p.message).toBe(messages.tokenFileEmpty(file));
    expect(p.exitCode).toBe(EXIT_GENERIC_ERROR);
  });

  it('refuses a file that cannot be read, with the reason', () => {
    expect(refusal({ argv: ['run', 'x.js'], facts: { tokenFile: { path: file, errorCode: 'EACCES' } } }).message).toBe(
      messages.tokenFileUnreadable(file, 'EACCES'),
    );
  });

  it('refuses it beside K6_CLOUD_TOKEN, before reading it', () => {
    const p = refusal({ argv: ['run', 'x.js'], env: { K6_CLOUD_TOKEN: 'x' }, facts: { tokenFile: { path: file, errorCode: 'ENOENT' } } });
    expect(p.message).toBe(messages.tokenFileConflict());
  });

  it('takes it when K6_CLOUD_TOKEN is set but empty (k6 ignores an empty one)', () => {
    const p = run({ argv: ['run', 'x.js'], env: { K6_CLOUD_TOKEN: '' }, facts: { tokenFile: { path: file, content: ` ${TOKEN}\n` } } });
    expect(p.k6.env['K6_CLOUD_TOKEN']).toBe(TOKEN);
    expect(p.debug).toContain(`K6_CLOUD_TOKEN taken from K6_CLOUD_TOKEN_FILE ${file}`);
  });

  it('leaves the environment of the wrapper itself alone', () => {
    const facts = factsFor({ argv: ['run', 'x.js'], facts: { tokenFile: { path: file, content: TOKEN } } });
    const p = decide(facts);
    expect(p.kind === 'run' && p.k6.env['K6_CLOUD_TOKEN']).toBe(TOKEN);
    expect(facts.env['K6_CLOUD_TOKEN']).toBeUndefined();
  });

  it.each([['version'], ['help'], ['completion'], ['new'], ['run', '-h']])('is not read for `k6 %s`', (...argv) => {
    const p = run({ argv, facts: { tokenFile: { path: file, content: '' } } });
    expect(p.k6.env['K6_CLOUD_TOKEN']).toBeUndefined();
  });

  it('is not read for a bare `k6`', () => {
    expect(run({ argv: [], facts: { tokenFile: { path: file, content: '' } } }).kind).toBe('run');
  });
});

describe('handover', () => {
  it.each<[Settings['handover'], boolean, 'exec' | 'spawn']>([
    ['auto', true, 'exec'],
    ['exec', true, 'exec'],
    ['spawn', true, 'spawn'],
    ['auto', false, 'spawn'],
    ['exec', false, 'spawn'],
    ['spawn', false, 'spawn'],
  ])('K6_PERSIST_HANDOVER=%s with execve %s: %s', (handover, execve, expected) => {
    expect(run({ argv: ['run', 'x.js'], mount: NAMED, settings: { handover }, facts: { execve } }).handover).toBe(expected);
    expect(run({ argv: ['run', 'x.js'], settings: { handover }, facts: { execve } }).handover).toBe(expected);
  });

  it('a login is always spawned: the wrapper has to save after k6', () => {
    expect(run({ argv: ['cloud', 'login', '-t', TOKEN], mount: NAMED, settings: { handover: 'exec' } }).handover).toBe('spawn');
    expect(run({ argv: ['cloud', 'login', '-t', TOKEN], settings: { handover: 'exec' } }).handover).toBe('spawn');
  });

  it('`cloud login --help` is no login: nothing is staged and k6 is exec\'d', () => {
    const p = run({ argv: ['cloud', 'login', '--help'], mount: NAMED });
    expect(p.login).toBeUndefined();
    expect(p.handover).toBe('exec');
  });

  it('hands k6 the binary, argv0, arguments and environment', () => {
    const p = run({ argv: ['run', '-q', 'x.js'], env: { FOO: 'bar' }, settings: { k6Binary: '/opt/k6' }, facts: { argv0: 'k6-alias' } });
    expect(p.k6).toStrictEqual({ file: '/opt/k6', argv0: 'k6-alias', args: ['run', '-q', 'x.js'], env: { HOME: '/home/k6', FOO: 'bar' } });
  });
});

describe('an unusable HOME', () => {
  it('gives k6 a private one, with XDG_CONFIG_HOME under it unless that is set', () => {
    const noXdg = run({ argv: ['run', 'x.js'], env: { HOME: '/' }, facts: { homeUsable: false } });
    expect(noXdg.prepare).toEqual([{ kind: 'private-home', setXdg: true }]);
    expect(noXdg.debug).toContain('HOME "/" is not a writable directory: k6 gets a private one');
    const xdg = run({ argv: ['run', 'x.js'], env: { HOME: '/', XDG_CONFIG_HOME: '/xdg' }, facts: { homeUsable: false } });
    expect(xdg.prepare).toEqual([{ kind: 'private-home', setXdg: false }]);
  });

  it('names an unset HOME as empty', () => {
    const facts = factsFor({ argv: ['run', 'x.js'], facts: { homeUsable: false } });
    const { HOME: _home, ...withoutHome } = facts.env;
    const p = decide({ ...facts, env: withoutHome });
    expect(p.debug).toContain('HOME "" is not a writable directory: k6 gets a private one');
  });

  it('a usable HOME gets nothing', () => {
    expect(run({ argv: ['run', 'x.js'] }).prepare).toEqual([]);
  });
});

describe('a login with no volume', () => {
  it('says where the login is kept inside the container', () => {
    const p = run({ argv: ['cloud', 'login', '-t', TOKEN] });
    expect(p.notices).toEqual([messages.loginWithoutVolume('/home/k6/.config/k6/config.json', 'cloud-login')]);
    expect(p.handover).toBe('spawn');
  });

  it('with no usable HOME and no absolute XDG_CONFIG_HOME, says it is gone when the command ends', () => {
    const p = run({ argv: ['login', 'cloud', '-t', TOKEN], env: { HOME: '/', XDG_CONFIG_HOME: 'relative' }, facts: { homeUsable: false } });
    expect(p.notices).toEqual([messages.loginWithoutVolume(undefined, 'login-cloud')]);
  });

  it('warns about nothing for --show', () => {
    expect(run({ argv: ['cloud', 'login', '--show'] }).notices).toEqual([]);
  });

  it('debugs where the config was looked for', () => {
    const p = run({ argv: ['run', 'x.js'] });
    expect(p.debug).toContain(`config location: ${factsFor({ argv: ['run', 'x.js'] }).location.reason}`);
  });
});

describe('the login plan', () => {
  it('holds exactly what the login needs', () => {
    const p = run({ argv: ['cloud', 'login', '-t', TOKEN], mount: NAMED, persistent: { state: present('{"a":1}') }, settings: { pauseAt: 'rename' } });
    expect(p.login).toStrictEqual({
      place: situation({ argv: ['cloud', 'login', '-t', TOKEN], mount: NAMED, persistent: { state: present('{"a":1}') } }, { file: { uid: 1000, gid: 1001, mode: 0o600 } }),
      configFlag: undefined,
      initialText: '{"a":1}',
      reset: false,
      inPlace: false,
      writable: true,
      saves: true,
      pauseAt: 'rename',
    });
    expect(p.situation).toBe(p.login!.place);
    expect(p.debug).toContain('login: k6 works on a private staging copy; changes under collectors.cloud are merged into /config/config.json');
  });

  it('keeps the -c flag only when the path came from it', () => {
    expect(run({ argv: ['cloud', 'login', '-c', '/data/c.json', '-t', TOKEN] }).login?.configFlag).toEqual(analyseArgs(['cloud', 'login', '-c', '/data/c.json', '-t', TOKEN]).config);
    expect(run({ argv: ['cloud', 'login', '-t', TOKEN], env: { K6_CONFIG: '/data/c.json' } }).login?.configFlag).toBeUndefined();
  });

  it('rewrites a single mounted file in place', () => {
    const p = run({ argv: ['cloud', 'login', '-t', TOKEN], mount: SINGLE_FILE, persistent: { state: present('{}') } });
    expect(p.login).toMatchObject({ inPlace: true });
    expect(p.login?.place.dirWritable).toBe(false);
  });

  it('resets with -r', () => {
    expect(run({ argv: ['login', 'cloud', '-r'], mount: NAMED }).login).toMatchObject({ reset: true, saves: true });
  });

  it('creates nothing early, but the directory the save needs, once', () => {
    expect(run({ argv: ['cloud', 'login', '-t', TOKEN], mount: NAMED, persistent: { dirExists: false } }).prepare).toEqual([{ kind: 'mkdir', path: '/config' }]);
    expect(run({ argv: ['cloud', 'login', '-t', TOKEN], mount: NAMED }).prepare).toEqual([]);
    expect(run({ argv: ['cloud', 'login', '--show'], mount: NAMED, persistent: { dirExists: false } }).prepare).toEqual([{ kind: 'mkdir', path: '/config' }]);
  });

  it('warns of an anonymous volume only when it saves', () => {
    expect(run({ argv: ['cloud', 'login', '-t', TOKEN], mount: ANONYMOUS }).notices).toEqual([messages.loginIntoAnonymousVolume(PATH)]);
    expect(run({ argv: ['cloud', 'login', '--show'], mount: ANONYMOUS, persistent: { state: present('{}') } }).notices).toEqual([]);
    expect(run({ argv: ['cloud', 'login', '-t', TOKEN], mount: NAMED }).notices).toEqual([]);
  });
});

describe('the situation handed to advice', () => {
  it('for a run: the file, its owner and mode, the mount and who runs', () => {
    const c: Case = { argv: ['run', 'x.js'], mount: NAMED, persistent: { state: present('{}', 0o640) }, facts: { groups: [4, 5] } };
    expect(run(c).situation).toStrictEqual(situation(c, { file: { uid: 1000, gid: 1001, mode: 0o640 }, groups: [4, 5] }));
  });

  it.each<[string, Case, Situation['runtime']]>([
    ['a kubelet volume', { argv: ['run', 'x.js'], mount: SECRET, persistent: { writable: false, state: present('{}') } }, 'kubernetes'],
    ['KUBERNETES_SERVICE_HOST', { argv: ['run', 'x.js'], mount: NAMED, env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' } }, 'kubernetes'],
    ['a user namespace', { argv: ['run', 'x.js'], mount: NAMED, facts: { userNamespace: true } }, 'user-namespace'],
    ['plain Docker', { argv: ['run', 'x.js'], mount: NAMED, facts: { userNamespace: false } }, 'docker'],
  ])('names the runtime of %s', (_what, c, runtime) => {
    expect(run(c).situation?.runtime).toBe(runtime);
  });

  it('carries the deciding directory and the payload layout', () => {
    const dir = { path: '/config', uid: 0, gid: 0, mode: 0o755 };
    const c: Case = { argv: ['run', 'x.js'], mount: NAMED, persistent: { dir, kubeletPayload: true, writable: false } };
    expect(run(c).situation).toMatchObject({ dir, kubeletPayload: true, dirWritable: false });
  });

  it.each<[string, FileState, Situation['file']]>([
    ['owner, group and mode known', { kind: 'unreadable', code: 'EACCES', owner: 0, group: 0, mode: 0o600 }, { uid: 0, gid: 0, mode: 0o600 }],
    ['no mode', { kind: 'unreadable', code: 'EACCES', owner: 0, group: 0 }, undefined],
    ['no group', { kind: 'unreadable', code: 'EACCES', owner: 0, mode: 0o600 }, undefined],
    ['no owner', { kind: 'unreadable', code: 'EACCES', group: 0, mode: 0o600 }, undefined],
  ])('an unreadable file is refused with advice that knows its %s', (_what, state, file) => {
    const c: Case = { argv: ['run', 'x.js'], mount: NAMED, persistent: { state } };
    const p = refusal(c);
    expect(p.message).toBe(unusableConfigMessage(PATH, state as never, situation(c, { file })));
    expect(p.exitCode).toBe(EXIT_INVALID_CONFIG);
  });
});

describe('a directory mounted read-only here may still be writable from elsewhere', () => {
  // dirWritable tells the advice whether this uid could fix the file from a read-write mount.
  const dirWritable = (dir: { uid: number; gid: number; mode: number }, facts: Partial<Facts> = {}) =>
    run({ argv: ['run', 'x.js'], mount: READ_ONLY, persistent: { writable: false, dir: { path: '/config', ...dir }, state: present('{}') }, facts }).situation
      ?.dirWritable;

  it.each<[string, { uid: number; gid: number; mode: number }, Partial<Facts>, boolean]>([
    ['root, whatever the mode', { uid: 1, gid: 1, mode: 0o500 }, { uid: 0 }, true],
    ['its owner with the write bit', { uid: 12345, gid: 1, mode: 0o700 }, {}, true],
    ['its owner without it, even when the group and others have it', { uid: 12345, gid: 12345, mode: 0o577 }, {}, false],
    ['its group with the group write bit', { uid: 1, gid: 12345, mode: 0o570 }, {}, true],
    ['its group without it, even when others have it', { uid: 1, gid: 12345, mode: 0o757 }, {}, false],
    ['a supplementary group with the group write bit', { uid: 1, gid: 44, mode: 0o570 }, { groups: [43, 44] }, true],
    ['anyone else with the others write bit', { uid: 1, gid: 1, mode: 0o552 }, {}, true],
    ['anyone else without it', { uid: 1, gid: 1, mode: 0o775 }, {}, false],
  ])('%s: %s', (_who, dir, facts, writable) => {
    expect(dirWritable(dir, facts)).toBe(writable);
  });

  it('never for a single mounted file, and not without the directory known', () => {
    const c: Case = { argv: ['run', 'x.js'], mount: SINGLE_FILE, persistent: { writable: true, state: present('{}'), dir: { path: '/config', uid: 12345, gid: 12345, mode: 0o700 } } };
    expect(run(c).situation?.dirWritable).toBe(false);
    expect(run({ argv: ['run', 'x.js'], mount: READ_ONLY, persistent: { writable: false, state: present('{}') } }).situation?.dirWritable).toBe(false);
  });
});

describe('commands that do not read the config', () => {
  it('are pointed at a file that exists, and at no file that does not', () => {
    expect(run({ argv: ['version'], mount: NAMED, persistent: { state: present('{}') } }).k6.env['K6_CONFIG']).toBe(PATH);
    expect(run({ argv: ['version'], mount: NAMED }).k6.env['K6_CONFIG']).toBeUndefined();
    expect(run({ argv: ['version'], mount: NAMED }).prepare).toEqual([]);
  });
});

describe('an empty config that cannot be rewritten', () => {
  it('is left to k6 where the user named it (-c or K6_CONFIG)', () => {
    expect(run({ argv: ['run', '-c', '/data/c.json', 'x.js'], persistent: { writable: false, state: present('') } }).prepare).toEqual([]);
    expect(run({ argv: ['run', 'x.js'], env: { K6_CONFIG: '/data/c.json' }, persistent: { writable: false, state: present('') } }).prepare).toEqual([]);
  });

  it('is rewritten where the user named it, but never swapped for a private {}', () => {
    expect(run({ argv: ['run', 'x.js'], env: { K6_CONFIG: '/data/c.json' }, persistent: { state: present('') } }).prepare).toEqual([
      { kind: 'reset-empty-config', path: '/data/c.json', inPlace: false, orPrivate: false },
    ]);
  });

  it('gives a --show login {} to start from, as a missing file does', () => {
    expect(run({ argv: ['cloud', 'login', '--show'], mount: READ_ONLY, persistent: { writable: false, state: present('') } }).login?.initialText).toBe('{}\n');
    expect(run({ argv: ['cloud', 'login', '--show'], mount: READ_ONLY, persistent: { writable: false } }).login?.initialText).toBe('{}\n');
  });
});

describe('the debug lines', () => {
  it('of a run with a volume: where the config is and that k6 is pointed at it, nothing else', () => {
    const c: Case = { argv: ['run', 'x.js'], mount: NAMED };
    expect(run(c).debug).toEqual([`config location: ${factsFor(c).location.reason}`, `K6_CONFIG=${PATH}`]);
  });

  it('of a missing file that cannot be created', () => {
    const c: Case = { argv: ['run', 'x.js'], mount: READ_ONLY, persistent: { writable: false } };
    expect(run(c).debug).toEqual([`config location: ${factsFor(c).location.reason}`, `${PATH} does not exist and cannot be created there`]);
  });

  describe('beside a pre-v0.58 file', () => {
    const HOME_CONFIG = '2 1 8:1 /var/lib/docker/volumes/old/_data /home/k6/.config rw,relatime - ext4 /dev/vda rw';
    const legacy = { path: '/home/k6/.config/loadimpact/k6/config.json', text: JSON.stringify({ collectors: { cloud: { token: 'old' } } }) };
    const current = '/home/k6/.config/k6/config.json';

    it('a run says it is pointed at the old file', () => {
      const c: Case = { argv: ['run', 'x.js'], mount: HOME_CONFIG, persistent: { legacy } };
      expect(run(c).debug).toEqual([
        `config location: ${factsFor(c).location.reason}`,
        `${current} does not exist but ${legacy.path} does: K6_CONFIG=${legacy.path}; a login starts from it`,
      ]);
    });

    it('another login says it is left to k6', () => {
      const c: Case = { argv: ['login', 'influxdb', 'http://127.0.0.1:8086/k6'], mount: HOME_CONFIG, persistent: { legacy } };
      expect(run(c).debug).toEqual([
        `config location: ${factsFor(c).location.reason}`,
        `${current} does not exist but ${legacy.path} does: \`login influxdb\` is left to k6, nothing is created`,
      ]);
    });

    it('a login that starts from it makes the directory the save needs, once, after what else is prepared', () => {
      expect(run({ argv: ['cloud', 'login', '-t', TOKEN], mount: HOME_CONFIG, persistent: { legacy, dirExists: false } }).prepare).toEqual([
        { kind: 'mkdir', path: '/home/k6/.config/k6' },
      ]);
      expect(
        run({ argv: ['cloud', 'login', '-t', TOKEN], env: { HOME: '/home/k6' }, mount: HOME_CONFIG, persistent: { legacy, dirExists: false }, facts: { homeUsable: false } }).prepare,
      ).toEqual([{ kind: 'private-home', setXdg: true }, { kind: 'mkdir', path: '/home/k6/.config/k6' }]);
      expect(run({ argv: ['cloud', 'login', '--show'], mount: HOME_CONFIG, persistent: { legacy, dirExists: false } }).prepare).toEqual([]);
    });

    it.each([
      ['holds no token', JSON.stringify({ collectors: { cloud: { host: 'x' } } })],
      ['is not JSON', '{oops'],
    ])('no warning when the old file %s', (_what, text) => {
      expect(run({ argv: ['run', 'x.js'], mount: HOME_CONFIG, persistent: { legacy: { ...legacy, text }, state: present('{}') } }).notices).toEqual([]);
    });
  });
});

it('keeps no -c for the login when the path came from K6_CONFIG, even with an empty -c on the line', () => {
  const p = run({ argv: ['cloud', 'login', '-c', '', '-t', TOKEN], env: { K6_CONFIG: '/data/c.json' } });
  expect(p.login?.place.path).toBe('/data/c.json');
  expect(p.login?.configFlag).toBeUndefined();
});
