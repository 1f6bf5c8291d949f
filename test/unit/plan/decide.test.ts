import { describe, expect, it } from 'vitest';
import { analyseArgs } from '../../../src/args/analyse.ts';
import { parseMountinfo } from '../../../src/mounts/mountinfo.ts';
import { locateConfig } from '../../../src/mounts/locate.ts';
import { decide } from '../../../src/plan/decide.ts';
import type { Facts, PersistentFacts, Plan } from '../../../src/plan/types.ts';
import type { FileState } from '../../../src/config/read.ts';

const TOKEN = 'tok_SECRET_1234567890abcdef';
const ROOT = '1 0 0:1 / / rw - overlay overlay rw';

interface Scenario {
  argv: string[];
  env?: Record<string, string>;
  mounts?: string[];
  state?: FileState;
  writable?: boolean;
  dirExists?: boolean;
  homeUsable?: boolean;
  execve?: boolean;
  tokenFile?: Facts['tokenFile'];
  legacy?: PersistentFacts['legacy'];
}

function facts(s: Scenario): Facts {
  const env: Record<string, string> = { HOME: '/home/k6', ...s.env };
  const args = analyseArgs(s.argv);
  const location = locateConfig({
    configFlag: args.config?.path,
    env: { K6_CONFIG: env['K6_CONFIG'], K6_PERSIST_DIR: env['K6_PERSIST_DIR'], HOME: env['HOME'], XDG_CONFIG_HOME: env['XDG_CONFIG_HOME'] },
    mounts: parseMountinfo([ROOT, ...(s.mounts ?? [])].join('\n')),
    cwd: '/home/k6',
  });
  const persistent: PersistentFacts | undefined = location.path
    ? { path: location.path, state: s.state ?? { kind: 'missing' }, dirExists: s.dirExists ?? true, writable: s.writable ?? true, ...(s.legacy ? { legacy: s.legacy } : {}) }
    : undefined;
  return {
    argv: s.argv,
    argv0: 'k6',
    env,
    settings: { k6Binary: '/usr/libexec/k6-persist/k6', persistDir: env['K6_PERSIST_DIR'], quiet: false, debug: false, handover: 'auto', mountinfoPath: '/proc/self/mountinfo', pauseAt: undefined },
    args,
    location,
    ...(persistent ? { persistent } : {}),
    homeUsable: s.homeUsable ?? true,
    ...(s.tokenFile ? { tokenFile: s.tokenFile } : {}),
    execve: s.execve ?? true,
    uid: 12345,
    gid: 12345,
  };
}

const present = (text: string): FileState => ({ kind: 'present', text, uid: 12345, gid: 12345, mode: 0o600 });
const namedVolume = '2 1 8:1 /var/lib/docker/volumes/k6-config/_data /config rw,relatime - ext4 /dev/vda rw';
const readOnlyBind = '2 1 8:1 /srv/k6 /config ro,relatime - ext4 /dev/vda rw';
const anonymous = `2 1 8:1 /var/lib/docker/volumes/${'0f'.repeat(32)}/_data /config rw,relatime - ext4 /dev/vda rw`;

function run(plan: Plan) {
  if (plan.kind !== 'run') throw new Error(`expected a run plan, got: ${plan.message}`);
  return plan;
}

describe('decide: runs', () => {
  it('a run with a /config volume points k6 at it and creates the file', () => {
    const plan = run(decide(facts({ argv: ['run', 'script.js'], mounts: [namedVolume] })));
    expect(plan.k6.env['K6_CONFIG']).toBe('/config/config.json');
    expect(plan.prepare).toEqual([{ kind: 'create-config', path: '/config/config.json' }]);
    expect(plan.handover).toBe('exec');
    expect(plan.k6.args).toEqual(['run', 'script.js']);
  });

  it('without execve the run is spawned', () => {
    expect(run(decide(facts({ argv: ['run', 'x.js'], execve: false }))).handover).toBe('spawn');
  });

  it('a user -c wins and K6_CONFIG is not set for it', () => {
    const plan = run(decide(facts({ argv: ['run', '-c', '/data/k6.json', 'x.js'], mounts: [namedVolume] })));
    expect(plan.k6.env['K6_CONFIG']).toBeUndefined();
    expect(plan.prepare).toEqual([{ kind: 'create-config', path: '/data/k6.json' }]);
  });

  it('a read-only volume is read in place, never written', () => {
    const plan = run(decide(facts({ argv: ['run', 'x.js'], mounts: [readOnlyBind], state: present('{"collectors":{"cloud":{"token":"t"}}}'), writable: false })));
    expect(plan.k6.env['K6_CONFIG']).toBe('/config/config.json');
    expect(plan.prepare).toEqual([]);
  });

  it('a missing file on a read-only volume leaves k6 on its default', () => {
    const plan = run(decide(facts({ argv: ['run', 'x.js'], mounts: [readOnlyBind], writable: false })));
    expect(plan.k6.env['K6_CONFIG']).toBeUndefined();
    expect(plan.prepare).toEqual([]);
  });

  it('refuses invalid JSON with 104 and names the file', () => {
    const plan = decide(facts({ argv: ['run', 'x.js'], mounts: [namedVolume], state: present('{oops') }));
    expect(plan.kind).toBe('refuse');
    expect(plan.kind === 'refuse' && plan.exitCode).toBe(104);
    expect(plan.kind === 'refuse' && plan.message).toContain('/config/config.json');
  });

  it('refuses a directory where the file should be', () => {
    const plan = decide(facts({ argv: ['run', 'x.js'], mounts: [namedVolume], state: { kind: 'directory' } }));
    expect(plan.kind === 'refuse' && plan.message).toMatch(/is a directory/);
  });

  it.each([['version'], ['help'], ['new'], ['--help']])('`k6 %s` ignores a broken config', (command) => {
    const plan = decide(facts({ argv: [command], mounts: [namedVolume], state: present('garbage') }));
    expect(plan.kind).toBe('run');
  });

  it('an empty file is rewritten as {} rather than handed to k6', () => {
    const plan = run(decide(facts({ argv: ['run', 'x.js'], mounts: [namedVolume], state: present('') })));
    expect(plan.prepare).toEqual([{ kind: 'reset-empty-config', path: '/config/config.json', inPlace: false, orPrivate: true }]);
    expect(plan.k6.env['K6_CONFIG']).toBe('/config/config.json');
  });

  it('an empty file the user named with -c is theirs: no private {} in its place when it cannot be rewritten', () => {
    const plan = run(decide(facts({ argv: ['run', '-c', '/config/config.json', 'x.js'], mounts: [namedVolume], state: present('') })));
    expect(plan.prepare).toEqual([{ kind: 'reset-empty-config', path: '/config/config.json', inPlace: false, orPrivate: false }]);
  });

  it('an empty file that cannot be rewritten is not handed to k6: k6 gets a private {} (k6 refuses empty JSON)', () => {
    const plan = run(decide(facts({ argv: ['run', 'x.js'], mounts: [namedVolume], state: present(''), writable: false })));
    expect(plan.prepare).toEqual([{ kind: 'private-config' }]);
    expect(plan.k6.env['K6_CONFIG']).toBeUndefined();
  });

  it('a login with no volume and no usable HOME is said to be gone when the command ends, not saved in HOME', () => {
    const plan = run(decide(facts({ argv: ['cloud', 'login', '--token', TOKEN], env: { HOME: '/' }, homeUsable: false })));
    const said = plan.notices.join('\n');
    expect(said).toMatch(/HOME is not writable, so this login goes to a temporary directory and is gone when this command ends/);
    expect(said).not.toContain('/.config/k6/config.json');
    expect(said).toContain('-v k6-config:/config');
  });

  describe("a volume from before k6 v0.58 at ~/.config, holding only loadimpact/k6/config.json", () => {
    const homeConfigVolume = '2 1 0:50 /var/lib/docker/volumes/old/_data /home/k6/.config rw,relatime - ext4 /dev/vda rw';
    const legacy = { path: '/home/k6/.config/loadimpact/k6/config.json', text: '{"collectors":{"cloud":{"token":"old-login"}}}' };

    it('a run is pointed at it (as k6 1.x falls back to it), and nothing is created that would hide it', () => {
      const plan = run(decide(facts({ argv: ['cloud', 'run', 'x.js'], mounts: [homeConfigVolume], legacy })));
      expect(plan.prepare).toEqual([]);
      expect(plan.k6.env['K6_CONFIG']).toBe(legacy.path);
    });

    it('also under a private HOME, where k6 itself would not look', () => {
      const plan = run(decide(facts({ argv: ['cloud', 'run', 'x.js'], mounts: [homeConfigVolume], legacy, homeUsable: false })));
      expect(plan.k6.env['K6_CONFIG']).toBe(legacy.path);
    });

    it('not for k6 1.x `login influxdb`, which would rewrite the old file in place', () => {
      const plan = run(decide(facts({ argv: ['login', 'influxdb', 'http://127.0.0.1:8086/k6'], mounts: [homeConfigVolume], legacy })));
      expect(plan.k6.env['K6_CONFIG']).not.toBe(legacy.path);
    });

    it('not when the user names the new path with -c: it is created as usual', () => {
      const plan = run(decide(facts({ argv: ['run', '-c', '/home/k6/.config/k6/config.json', 'x.js'], mounts: [homeConfigVolume], legacy })));
      expect(plan.prepare).toContainEqual({ kind: 'create-config', path: '/home/k6/.config/k6/config.json' });
      expect(plan.k6.env['K6_CONFIG']).toBeUndefined();
    });

    it('a login starts from it, as k6 1.x migrates it, and saves to the new path', () => {
      const plan = run(decide(facts({ argv: ['cloud', 'login', '--token', TOKEN], mounts: [homeConfigVolume], legacy })));
      expect(plan.login?.initialText).toBe(legacy.text);
      expect(plan.login?.place.path).toBe('/home/k6/.config/k6/config.json');
    });
  });

  it('a login with no volume, an unusable HOME but XDG_CONFIG_HOME set is said to be saved there', () => {
    const plan = run(decide(facts({ argv: ['cloud', 'login', '--token', TOKEN], env: { HOME: '/', XDG_CONFIG_HOME: '/xdg' }, homeUsable: false })));
    expect(plan.notices.join('\n')).toContain('saved in /xdg/k6/config.json inside the container');
  });

  it('gives k6 a private HOME when HOME is unusable', () => {
    const plan = run(decide(facts({ argv: ['run', 'x.js'], env: { HOME: '/' }, homeUsable: false })));
    expect(plan.prepare).toContainEqual({ kind: 'private-home', setXdg: true });
  });

  it('K6_CLOUD_TOKEN_FILE becomes K6_CLOUD_TOKEN, trimmed', () => {
    const plan = run(decide(facts({ argv: ['run', 'x.js'], tokenFile: { path: '/run/secrets/t', content: `${TOKEN}\n` } })));
    expect(plan.k6.env['K6_CLOUD_TOKEN']).toBe(TOKEN);
  });

  it.each([['version'], ['help'], ['run', '--help']])('`k6 %s` is not held up by an unreadable K6_CLOUD_TOKEN_FILE', (...argv) => {
    const plan = run(decide(facts({ argv, tokenFile: { path: '/run/secrets/t', errorCode: 'ENOENT' } })));
    expect(plan.k6.env['K6_CLOUD_TOKEN']).toBeUndefined();
  });

  it('refuses K6_CLOUD_TOKEN together with K6_CLOUD_TOKEN_FILE', () => {
    const plan = decide(facts({ argv: ['run', 'x.js'], env: { K6_CLOUD_TOKEN: 'x' }, tokenFile: { path: '/t', content: 'y' } }));
    expect(plan.kind).toBe('refuse');
  });
});

describe('decide: logins', () => {
  it('a login into a named volume is staged and spawned, with no warning', () => {
    const plan = run(decide(facts({ argv: ['cloud', 'login', '--token', TOKEN, '--stack', 'acme'], mounts: [namedVolume] })));
    expect(plan.handover).toBe('spawn');
    expect(plan.login).toMatchObject({ reset: false, inPlace: false, writable: true, configFlag: undefined, initialText: '{}\n' });
    expect(plan.notices).toEqual([]);
    // The persistent file is written once, after k6 succeeds: no early create.
    expect(plan.prepare).toEqual([]);
  });

  it('starts the staging copy from the current file', () => {
    const text = '{"x":1,"collectors":{"cloud":{"token":"old"}}}';
    const plan = run(decide(facts({ argv: ['login', 'cloud', '-t', TOKEN], mounts: [namedVolume], state: present(text) })));
    expect(plan.login?.initialText).toBe(text);
  });

  it('keeps the user -c flag to re-point it at the staging copy', () => {
    const plan = run(decide(facts({ argv: ['cloud', 'login', '-c', '/data/k6.json', '--token', TOKEN] })));
    expect(plan.login?.configFlag?.path).toBe('/data/k6.json');
  });

  it('warns when no volume is mounted, and still runs k6', () => {
    const plan = run(decide(facts({ argv: ['cloud', 'login', '--token', TOKEN] })));
    expect(plan.notices.join(' ')).toMatch(/vanishes/);
    expect(plan.login).toBeUndefined();
  });

  it('warns about an anonymous volume', () => {
    const plan = run(decide(facts({ argv: ['cloud', 'login', '--token', TOKEN], mounts: [anonymous] })));
    expect(plan.notices.join(' ')).toMatch(/anonymous volume/);
  });

  it('refuses a login into a read-only volume', () => {
    const plan = decide(facts({ argv: ['cloud', 'login', '--token', TOKEN], mounts: [readOnlyBind], writable: false }));
    expect(plan.kind === 'refuse' && plan.message).toMatch(/read-only/);
  });

  it('refuses a login into an unwritable directory with the --user fix', () => {
    const plan = decide(facts({ argv: ['cloud', 'login', '--token', TOKEN], mounts: [namedVolume], writable: false }));
    expect(plan.kind === 'refuse' && plan.message).toContain('--user "$(id -u):$(id -g)"');
  });

  it.each([
    ['cloud', 'login', '--help'],
    ['cloud', 'login', '--token', 'x', '-h'],
    ['login', 'cloud', '--help'],
  ])('`%s %s %s` only prints help: no login, no refusal on a read-only volume', (...argv) => {
    const plan = run(decide(facts({ argv, mounts: [readOnlyBind], writable: false, state: present('{}') })));
    expect(plan.login).toBeUndefined();
    expect(plan.handover).toBe('exec');
  });

  it('allows --show on a read-only volume (it writes nothing)', () => {
    const plan = run(decide(facts({ argv: ['cloud', 'login', '--show'], mounts: [readOnlyBind], writable: false, state: present('{}') })));
    expect(plan.login?.writable).toBe(false);
  });

  it('never puts a token in a notice or debug line', () => {
    const plan = run(decide(facts({ argv: ['cloud', 'login', '--token', TOKEN], mounts: [anonymous], tokenFile: undefined })));
    expect([...plan.notices, ...plan.debug].join('\n')).not.toContain(TOKEN);
  });
});

describe('decide: why a login cannot be saved', () => {
  const writeProblem = (code: string) => (f: Facts): Facts => ({ ...f, persistent: { ...f.persistent!, writable: false, writeProblem: code } });

  it('a read-only file system (EROFS) gets the read-only message, not the --user fix', () => {
    const plan = decide(writeProblem('EROFS')(facts({ argv: ['cloud', 'login', '--token', TOKEN], env: { K6_PERSIST_DIR: '/home/k6/.config/k6' } })));
    expect(plan.kind === 'refuse' && plan.message).toMatch(/is read-only/);
    expect(plan.kind === 'refuse' && plan.message).not.toContain('--user');
  });

  it('a missing directory (ENOENT) says so', () => {
    const plan = decide(writeProblem('ENOENT')(facts({ argv: ['cloud', 'login', '-c', '/missing/dir/config.json', '--token', TOKEN] })));
    expect(plan.kind === 'refuse' && plan.message).toMatch(/does not exist/);
    expect(plan.kind === 'refuse' && plan.message).not.toContain('--user');
  });

  it('EACCES keeps the --user fix', () => {
    const plan = decide(writeProblem('EACCES')(facts({ argv: ['cloud', 'login', '--token', TOKEN], mounts: [namedVolume] })));
    expect(plan.kind === 'refuse' && plan.message).toContain('--user "$(id -u):$(id -g)"');
  });
});
