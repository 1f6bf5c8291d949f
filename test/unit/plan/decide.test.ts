import { describe, expect, it } from 'vitest';
import { analyseArgs } from '../../../src/args/analyse.ts';
import { parseMountinfo } from '../../../src/mounts/mountinfo.ts';
import { locateConfig } from '../../../src/mounts/locate.ts';
import { decide } from '../../../src/plan/decide.ts';
import type { Facts, PersistentFacts, Plan } from '../../../src/plan/types.ts';
import type { FileState } from '../../../src/config/read.ts';
import { maskToken } from '../../../src/config/mask.ts';

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
  dir?: PersistentFacts['dir'];
  kubeletPayload?: boolean;
  writeProblem?: string;
  uid?: number;
  gid?: number;
  userNamespace?: boolean;
  k6Major?: number;
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
    ? {
        path: location.path,
        state: s.state ?? { kind: 'missing' },
        dirExists: s.dirExists ?? true,
        writable: s.writable ?? true,
        ...(s.legacy ? { legacy: s.legacy } : {}),
        ...(s.dir ? { dir: s.dir } : {}),
        ...(s.kubeletPayload ? { kubeletPayload: true } : {}),
        ...(s.writeProblem ? { writeProblem: s.writeProblem } : {}),
      }
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
    uid: s.uid ?? 12345,
    gid: s.gid ?? 12345,
    groups: [],
    ...(s.userNamespace !== undefined ? { userNamespace: s.userNamespace } : {}),
    ...(s.k6Major !== undefined ? { k6Major: s.k6Major } : {}),
  };
}

const present = (text: string): FileState => ({ kind: 'present', text, uid: 12345, gid: 12345, mode: 0o600 });
const namedVolume = '2 1 8:1 /var/lib/docker/volumes/k6-config/_data /config rw,relatime - ext4 /dev/vda rw';
const readOnlyBind = '2 1 8:1 /srv/k6 /config ro,relatime - ext4 /dev/vda rw';
const bindDir = '2 1 8:1 /home/alice/.k6 /config rw,relatime - ext4 /dev/vda rw';
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

    it.each([
      ['k6 1.x `login influxdb`', ['login', 'influxdb', 'http://127.0.0.1:8086/k6']],
      ['a mistyped login on k6 2.x (no `login` command there)', ['login', 'foo']],
      ['a bare `login`', ['login']],
    ])('%s: nothing is created that would hide the old login, and k6 is not pointed at the old file', (_what, argv) => {
      const plan = run(decide(facts({ argv, mounts: [homeConfigVolume], legacy })));
      expect(plan.prepare).toEqual([]);
      expect(plan.k6.env['K6_CONFIG']).toBeUndefined();
    });

    it('an unknown command is pointed at the old file, as runs are, and creates nothing', () => {
      const plan = run(decide(facts({ argv: ['frobnicate'], mounts: [homeConfigVolume], legacy })));
      expect(plan.prepare).toEqual([]);
      expect(plan.k6.env['K6_CONFIG']).toBe(legacy.path);
    });

    it('k6 1.x `login cloud` starts from it too', () => {
      const plan = run(decide(facts({ argv: ['login', 'cloud', '--token', TOKEN], mounts: [homeConfigVolume], legacy })));
      expect(plan.login?.initialText).toBe(legacy.text);
      expect(plan.login?.legacyPath).toBe(legacy.path);
    });

    it('a k6/config.json of {} beside it: runs warn that the old login is hidden, and how to bring it back', () => {
      const plan = run(decide(facts({ argv: ['cloud', 'run', 'x.js'], mounts: [homeConfigVolume], legacy, state: present('{}') })));
      const said = plan.notices.join('\n');
      expect(said).toContain('warning: /home/k6/.config/k6/config.json holds no k6 Cloud token');
      expect(said).toContain(legacy.path);
      expect(said).toMatch(/holds nothing else \(\{\}\): remove it/);
      expect(plan.k6.env['K6_CONFIG']).toBe('/home/k6/.config/k6/config.json');
    });

    it('a k6/config.json with other settings but no token beside it: warns, and says to log in again or copy', () => {
      const plan = run(decide(facts({ argv: ['run', 'x.js'], mounts: [homeConfigVolume], legacy, state: present('{"collectors":{"influxdb":{}}}') })));
      expect(plan.notices.join('\n')).toMatch(/holds no k6 Cloud token.*Log in again, or copy collectors\.cloud/);
    });

    it('a Cloud login needs no such warning: it is the fix', () => {
      const plan = run(decide(facts({ argv: ['cloud', 'login', '--token', TOKEN], mounts: [homeConfigVolume], legacy, state: present('{}') })));
      expect(plan.notices).toEqual([]);
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

  it('an unknown (future) command is pointed at the file like every other, which is created for it', () => {
    const plan = run(decide(facts({ argv: ['frobnicate', '--flag'], mounts: [namedVolume] })));
    expect(plan.prepare).toEqual([{ kind: 'create-config', path: '/config/config.json' }]);
    expect(plan.k6.env['K6_CONFIG']).toBe('/config/config.json');
  });

  it.each([[[] as string[]], [['completion', 'bash']], [['--help']]])('`k6 %s` still does not look at the config', (argv) => {
    const plan = run(decide(facts({ argv, mounts: [namedVolume] })));
    expect(plan.prepare).toEqual([]);
    expect(plan.k6.env['K6_CONFIG']).toBeUndefined();
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
    expect(plan.notices.join(' ')).toContain('cloud login --token <token> --stack <stack>');
    expect(plan.login).toBeUndefined();
  });

  it('a login that saves waits for the lock before k6 runs; --show alone does not', () => {
    expect(run(decide(facts({ argv: ['cloud', 'login', '--token', TOKEN], mounts: [namedVolume] }))).login?.saves).toBe(true);
    expect(run(decide(facts({ argv: ['cloud', 'login', '--show'], mounts: [namedVolume], state: present('{}') }))).login?.saves).toBe(false);
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

describe('decide: the advice fits the runtime and the owner', () => {
  /** A login saved by `uid` (0600), as another uid sees it. */
  const loginBy = (uid: number): FileState => ({ kind: 'unreadable', code: 'EACCES', owner: uid, group: uid, mode: 0o600 });

  it('Docker: a login made by another uid is read as that uid with docker run --user', () => {
    const plan = decide(facts({ argv: ['run', 'x.js'], mounts: [namedVolume], state: loginBy(12345), uid: 4242, gid: 4242, writable: false }));
    expect(plan.kind === 'refuse' && plan.exitCode).toBe(104);
    const message = plan.kind === 'refuse' ? plan.message : '';
    expect(message).toContain('`docker run --user 12345:12345 ...`');
    expect(message).not.toContain('runAsUser');
  });

  it('in a Pod (KUBERNETES_SERVICE_HOST set by kubelet): runAsUser, no docker flags', () => {
    const plan = decide(facts({ argv: ['run', 'x.js'], mounts: [namedVolume], state: loginBy(12345), uid: 4242, gid: 4242, writable: false, env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' } }));
    const message = plan.kind === 'refuse' ? plan.message : '';
    expect(message).toContain('`runAsUser: 12345`');
    expect(message).not.toMatch(/docker run|--user/);
  });

  it('a run Job on a read-only mount of a directory its group may write: delete the file once the volume is mounted read-write', () => {
    const roVolume = '2 1 8:1 /var/lib/docker/volumes/k6-config/_data /config ro,relatime - ext4 /dev/vda rw';
    const plan = decide(facts({ argv: ['run', 'x.js'], mounts: [roVolume], state: loginBy(12345), uid: 1000680000, gid: 0, writable: false, dir: { path: '/config', uid: 12345, gid: 0, mode: 0o770 } }));
    expect(plan.kind === 'refuse' && plan.message).toContain('with the volume mounted read-write, delete the file and log in again as uid 1000680000');
    const other = decide(facts({ argv: ['run', 'x.js'], mounts: [roVolume], state: loginBy(12345), uid: 4242, gid: 4242, writable: false, dir: { path: '/config', uid: 12345, gid: 0, mode: 0o770 } }));
    expect(other.kind === 'refuse' && other.message).toContain('start over on a fresh volume');
  });

  it('the README host-directory recipe with a directory Docker made for root: mkdir -p, not --user again', () => {
    const plan = decide(facts({ argv: ['cloud', 'login', '--token', TOKEN], mounts: [bindDir], uid: 1000, gid: 1000, writable: false, writeProblem: 'EACCES', dir: { path: '/config', uid: 0, gid: 0, mode: 0o755 } }));
    const message = plan.kind === 'refuse' ? plan.message : '';
    expect(message).toContain('mkdir -p');
    expect(message).not.toContain('--user');
  });

  it('the same under rootless Podman (a user namespace): keep-id, :U or --user 0:0', () => {
    const plan = decide(facts({ argv: ['cloud', 'login', '--token', TOKEN], mounts: [bindDir], writable: false, writeProblem: 'EACCES', userNamespace: true, dir: { path: '/config', uid: 65534, gid: 65534, mode: 0o755 } }));
    const message = plan.kind === 'refuse' ? plan.message : '';
    expect(message).toContain('--userns=keep-id');
    expect(message).toContain('`--user 0:0`');
  });

  it('a read-only bind laid out by kubelet (..data): Secret advice, not ":ro"', () => {
    const plan = decide(facts({ argv: ['cloud', 'login', '--token', TOKEN], mounts: [readOnlyBind], writable: false, kubeletPayload: true, state: present('{}') }));
    const message = plan.kind === 'refuse' ? plan.message : '';
    expect(message).toContain('A Kubernetes Secret is always read-only');
    expect(message).not.toContain(':ro');
  });
});

describe('decide: a login from a secret, and a rotation that keeps the saved stack', () => {
  const V2 = 2;
  const V20 = 2;
  const V1 = 1;
  const SECRET = { path: '/run/secrets/k6-token', content: `${TOKEN}\n` };
  const fromFile = { value: TOKEN, source: { kind: 'K6_CLOUD_TOKEN_FILE', path: SECRET.path } };
  const URL = 'https://saved-stack.grafana.net';
  const withStack = present(JSON.stringify({ collectors: { cloud: { token: 'old_token_0123456789', stackID: 77, stackURL: URL, defaultProjectID: 8 } } }));
  const idOnly = present('{"collectors":{"cloud":{"stackID":77}}}');
  const login = (s: Scenario) => run(decide(facts({ mounts: [namedVolume], ...s })));
  /** Everything the plan would print or log: it must never hold the token. */
  const said = (plan: ReturnType<typeof run>) => [...plan.notices, ...plan.debug].join('\n');

  it('2.x `cloud login --stack S` takes the token of K6_CLOUD_TOKEN_FILE, as --token of the login alone, never in its environment', () => {
    const plan = login({ argv: ['cloud', 'login', '--stack', 'team'], tokenFile: SECRET, k6Major: V2 });
    expect(plan.login?.supply).toStrictEqual({ at: 2, token: fromFile, quiet: false });
    expect(plan.k6.env['K6_CLOUD_TOKEN']).toBeUndefined();
    expect(plan.k6.args).toEqual(['cloud', 'login', '--stack', 'team']);
    expect(said(plan)).toContain(`the token from K6_CLOUD_TOKEN_FILE ${SECRET.path} (${maskToken(TOKEN)}) is given to k6 as --token`);
    expect(said(plan)).not.toContain(TOKEN.slice(4, -4));
  });

  it('takes a non-blank K6_CLOUD_TOKEN the same way; an empty or blank one is no token (k6 ignores an empty one)', () => {
    const plan = login({ argv: ['cloud', 'login', '--stack', 'team'], env: { K6_CLOUD_TOKEN: ` ${TOKEN} ` }, k6Major: V2 });
    expect(plan.login?.supply).toStrictEqual({ at: 2, token: { value: TOKEN, source: { kind: 'K6_CLOUD_TOKEN' } }, quiet: false });
    expect(said(plan)).not.toContain(TOKEN);
    for (const blank of ['', '  ']) {
      expect(login({ argv: ['cloud', 'login', '--stack', 'team'], env: { K6_CLOUD_TOKEN: blank }, k6Major: V2 }).login?.supply).toBeUndefined();
    }
  });

  it('2.x `cloud login` with neither flag on a volume holding a stack: the secret\'s token and the saved stack URL', () => {
    const plan = login({ argv: ['cloud', 'login'], tokenFile: SECRET, state: withStack, k6Major: V20 });
    expect(plan.login?.supply).toStrictEqual({ at: 2, token: fromFile, stack: URL, quiet: false });
    expect(said(plan)).toContain(`the stack saved in /config/config.json, ${URL}, is given to k6 as --stack`);
  });

  it('rotating: `cloud login --token NEW` without --stack keeps the saved stack; the token is the user\'s own', () => {
    const plan = login({ argv: ['cloud', 'login', '--token', 'new_token_0123456789'], state: withStack, k6Major: V2 });
    expect(plan.login?.supply).toStrictEqual({ at: 2, stack: URL, quiet: false });
  });

  it('an explicit --stack wins over the saved one, also with the token from a secret', () => {
    expect(login({ argv: ['cloud', 'login', '--token', 'x', '--stack', 'other'], state: withStack, k6Major: V2 }).login?.supply).toBeUndefined();
    expect(login({ argv: ['cloud', 'login', '--stack=other'], tokenFile: SECRET, state: withStack, k6Major: V2 }).login?.supply).toStrictEqual({ at: 2, token: fromFile, quiet: false });
  });

  it('2.x with a secret but no stack given or saved: the secret is not used (k6 asks for both), and a warning says to add --stack', () => {
    const plan = login({ argv: ['cloud', 'login'], tokenFile: SECRET, k6Major: V2 });
    expect(plan.login?.supply).toBeUndefined();
    expect(plan.notices).toEqual([expect.stringMatching(/^warning: K6_CLOUD_TOKEN_FILE \/run\/secrets\/k6-token holds a token, but k6 2\.x logs in only with a stack, and no --stack was given nor is one saved in \/config\/config\.json.*Add --stack <slug or URL>/)]);
    const ids = login({ argv: ['cloud', 'login'], tokenFile: SECRET, state: idOnly, k6Major: V2 });
    expect(ids.login?.supply).toBeUndefined();
    expect(ids.notices.join(' ')).toContain('holds stack id 77 but no stackURL');
  });

  it('2.x `--token` without a stack: nothing added; a stack id without its URL gets a warning, no stack at all is k6\'s to report', () => {
    const idPlan = login({ argv: ['cloud', 'login', '--token', 'x'], state: idOnly, k6Major: V2 });
    expect(idPlan.login?.supply).toBeUndefined();
    expect(idPlan.notices).toEqual([expect.stringContaining('/config/config.json holds stack id 77 but no stackURL; k6\'s login takes a stack\'s URL or slug')]);
    const none = login({ argv: ['cloud', 'login', '--token', 'x'], k6Major: V2 });
    expect(none.login?.supply).toBeUndefined();
    expect(none.notices).toEqual([]);
  });

  it('k6 1.x: `login cloud` and `cloud login` take the secret\'s token with -q (1.x prints a saved token in full); the stack is left to k6, which keeps it', () => {
    expect(login({ argv: ['login', 'cloud'], tokenFile: SECRET, state: withStack, k6Major: V1 }).login?.supply).toStrictEqual({ at: 2, token: fromFile, quiet: true });
    expect(login({ argv: ['cloud', 'login'], tokenFile: SECRET, state: withStack, k6Major: V1 }).login?.supply).toStrictEqual({ at: 2, token: fromFile, quiet: true });
    expect(login({ argv: ['cloud', 'login', '--token', 'x'], state: withStack, k6Major: V1 }).login?.supply).toBeUndefined();
    // Already quiet: nothing to add.
    expect(login({ argv: ['-q', 'login', 'cloud'], tokenFile: SECRET, k6Major: V1 }).login?.supply).toStrictEqual({ at: 3, token: fromFile, quiet: false });
  });

  it('an unknown k6 gets the stack as 2.x needs it and -q as 1.x needs it', () => {
    expect(login({ argv: ['cloud', 'login'], tokenFile: SECRET, state: withStack }).login?.supply).toStrictEqual({ at: 2, token: fromFile, stack: URL, quiet: true });
    expect(login({ argv: ['login', 'cloud'], tokenFile: SECRET }).login?.supply).toStrictEqual({ at: 2, token: fromFile, quiet: true });
  });

  it('k6 2.x has no `login cloud`: nothing is added to a command it refuses', () => {
    expect(login({ argv: ['login', 'cloud'], tokenFile: SECRET, k6Major: V2 }).login?.supply).toBeUndefined();
  });

  it.each([
    ['cloud', 'login', '--show'],
    ['cloud', 'login', '--reset'],
    ['cloud', 'login', '-r', '--stack', 'team'],
    ['login', 'cloud', '-s'],
  ])('`%s` is k6\'s alone: no token, no stack added', (...argv) => {
    expect(login({ argv, tokenFile: SECRET, state: withStack, k6Major: argv[0] === 'login' ? V1 : V2 }).login?.supply).toBeUndefined();
  });

  it('a flag missing its value would take what is added: nothing is added', () => {
    expect(login({ argv: ['cloud', 'login', '--stack'], tokenFile: SECRET, state: withStack, k6Major: V2 }).login?.supply).toBeUndefined();
  });

  it('the token file\'s rules hold for logins: beside K6_CLOUD_TOKEN, unreadable or empty, refused before k6 starts', () => {
    const argv = ['cloud', 'login', '--stack', 'team'];
    for (const [tokenFile, env] of [
      [SECRET, { K6_CLOUD_TOKEN: 'other' }],
      [{ path: SECRET.path, errorCode: 'EACCES' }, {}],
      [{ path: SECRET.path, content: ' \n' }, {}],
    ] as const) {
      const plan = decide(facts({ argv, mounts: [namedVolume], tokenFile, env, k6Major: V2 }));
      expect(plan.kind, JSON.stringify(tokenFile)).toBe('refuse');
      expect(plan.kind === 'refuse' && plan.exitCode).toBe(255);
    }
  });

  it('the volume\'s own stack is read from what the login starts from: a pre-v0.58 file too', () => {
    const homeConfigVolume = '2 1 8:1 /var/lib/docker/volumes/k6home/_data /home/k6/.config rw,relatime - ext4 /dev/vda rw';
    const legacy = { path: '/home/k6/.config/loadimpact/k6/config.json', text: withStack.kind === 'present' ? withStack.text : '' };
    const plan = run(decide(facts({ argv: ['cloud', 'login', '--token', 'x'], mounts: [homeConfigVolume], legacy, k6Major: V2 })));
    expect(plan.login?.supply).toStrictEqual({ at: 2, stack: URL, quiet: false });
  });
});
