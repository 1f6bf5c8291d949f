import { execa } from 'execa';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UNPRIVILEGED, baseEnv, bundle, cliBundle, countingIn, countingKills, killsIn, runWrapper, scratch, startWrapper, waitForOutput } from './support.ts';

interface Report {
  argv: string[];
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  env: { K6_CONFIG: string | null; HOME: string | null; XDG_CONFIG_HOME: string | null; K6_CLOUD_TOKEN: string | null; NODE_OPTIONS: string | null };
  stdin: string | null;
  signals: string[];
  configSeen: string | null;
}

function setup() {
  const dir = scratch();
  const home = join(dir, 'home');
  mkdirSync(home);
  const reportPath = join(dir, 'report.json');
  const env = baseEnv(home, reportPath);
  const report = (): Report => JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
  return { dir, home, env, reportPath, report };
}

const TOKEN = 'tok_SECRET_1234567890abcdef';

/** `k6-persist ARGS`: the status command's own bundle, under its name as in the image. */
async function runStatus(t: ReturnType<typeof setup>, args: string[], env: Record<string, string>) {
  const link = join(t.dir, 'k6-persist');
  if (!existsSync(link)) symlinkSync(await cliBundle(), link);
  return execa(link, args, { env: { ...t.env, ...env }, extendEnv: false, reject: false });
}
const hasExecve = typeof (process as { execve?: unknown }).execve === 'function';

describe.each(['exec', 'spawn'] as const)('forwarding with hand-over %s', (handover) => {
  it('passes every argument verbatim and in order, -- included', async () => {
    const t = setup();
    const args = ['run', '--vus', '2', '-e', 'A=b c', '--out=json=x.json', 'script.js', '--', '-c', '--not-a-flag', ''];
    const result = await runWrapper(args, { ...t.env, K6_PERSIST_HANDOVER: handover });
    expect(result.exitCode).toBe(0);
    expect(t.report().argv).toEqual(args);
  });

  it('passes stdin through (k6 run - < script.js)', async () => {
    const t = setup();
    const script = 'export default function () {}\n'.repeat(1000);
    const result = await runWrapper(['run', '-'], { ...t.env, K6_PERSIST_HANDOVER: handover, FAKE_K6_READ_STDIN: '1' }, { input: script });
    expect(result.exitCode).toBe(0);
    expect(t.report().stdin).toBe(script);
  });

  it.each([0, 97, 99, 104, 105, 107, 110, 255])('exits with k6 exit code %i', async (code) => {
    const t = setup();
    const result = await runWrapper(['run', 'x.js'], { ...t.env, K6_PERSIST_HANDOVER: handover, FAKE_K6_EXIT: String(code) });
    expect(result.exitCode).toBe(code);
  });
});

describe.each(['exec', 'spawn'] as const)('a k6 binary that cannot be started, hand-over %s', (handover) => {
  it.each([
    ['missing', 'ENOENT', (dir: string) => join(dir, 'no-such-k6')],
    ['not executable', 'EACCES', (dir: string) => {
      const file = join(dir, 'k6');
      writeFileSync(file, '#!/bin/sh\nexit 0\n', { mode: 0o644 });
      return file;
    }],
    ['a directory', 'EISDIR|EACCES', (dir: string) => {
      const path = join(dir, 'k6-dir');
      mkdirSync(path, { mode: 0o755 });
      return path;
    }],
  ] as const)('%s: one clear error naming K6_PERSIST_K6_BIN, exit 255, no crash', async (_name, code, make) => {
    const t = setup();
    const result = await runWrapper(['run', 'x.js'], { ...t.env, K6_PERSIST_HANDOVER: handover, K6_PERSIST_K6_BIN: make(t.dir) });
    expect(result.exitCode).toBe(255);
    expect(result.stderr).toMatch(new RegExp(`cannot be started \\((${code})\\)`));
    expect(result.stderr).toMatch(/Set K6_PERSIST_K6_BIN/);
    // The image's own layout (Dockerfile: ENV K6_PERSIST_K6_BIN=/usr/bin/k6).
    expect(result.stderr).toContain('(the image sets it to /usr/bin/k6)');
    expect(result.stderr).not.toMatch(/stack trace|internal error/i);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

/** Runs a k6 that records the signal dispositions it started with; returns SigIgn and SigBlk. */
async function dispositionsOf(handover: 'exec' | 'spawn'): Promise<{ ignored: bigint; blocked: bigint }> {
  const t = setup();
  const k6 = join(t.dir, 'k6-status');
  const out = join(t.dir, 'status.txt');
  writeFileSync(k6, `#!/bin/sh\ngrep -E '^Sig(Ign|Blk):' /proc/self/status > "${out}"\n`, { mode: 0o755 });
  const result = await runWrapper(['version'], { ...t.env, K6_PERSIST_HANDOVER: handover, K6_PERSIST_K6_BIN: k6 });
  expect(result.exitCode, result.stderr).toBe(0);
  const status = Object.fromEntries(readFileSync(out, 'utf8').trim().split('\n').map((line) => line.split(/:\s+/)));
  return { ignored: BigInt(`0x${status['SigIgn']}`), blocked: BigInt(`0x${status['SigBlk']}`) };
}

describe('signal dispositions k6 starts with', () => {
  it('hand-over exec: nothing ignored that plain k6 would not have ignored (Node ignores SIGPIPE and SIGXFSZ for itself)', async () => {
    expect(await dispositionsOf('exec')).toEqual({ ignored: 0n, blocked: 0n });
  });

  // Not a test of the wrapper: libuv resets every disposition in a child it spawns, so this holds
  // whatever the wrapper does (removing its reset leaves it green). It checks that the Node the
  // wrapper runs on still does so, which the spawn hand-over relies on.
  it('hand-over spawn: Node itself starts a spawned child with default dispositions (a check of Node, not of the wrapper)', async () => {
    expect(await dispositionsOf('spawn')).toEqual({ ignored: 0n, blocked: 0n });
  });
});

describe('exit status when k6 is killed by a signal', () => {
  it.each([
    ['SIGKILL', 137],
    ['SIGSEGV', 139],
  ])('spawned k6 killed by %s makes the wrapper exit %i', async (signal, code) => {
    const t = setup();
    const result = await runWrapper(['run', 'x.js'], { ...t.env, K6_PERSIST_HANDOVER: 'spawn', FAKE_K6_KILL_SELF: signal });
    expect(result.exitCode).toBe(code);
  });

  it.runIf(hasExecve)('after execve the process itself dies by the signal, as plain k6 would', async () => {
    const t = setup();
    const result = await runWrapper(['run', 'x.js'], { ...t.env, K6_PERSIST_HANDOVER: 'exec', FAKE_K6_KILL_SELF: 'SIGKILL' });
    expect(result.signal).toBe('SIGKILL');
  });
});

// Counted at the wrapper: a preload logs every signal it sends (count-kill.cjs), so a forward
// made twice is seen every time. What k6 receives is checked too, but that check alone cannot
// see a duplicate: the kernel merges a second signal into a first one still pending.
describe('signals reach k6 exactly once', () => {
  function countingSetup() {
    const t = setup();
    const log = join(t.dir, 'kills.log');
    return { ...t, env: { ...t.env, ...countingKills(log) }, kills: () => killsIn(log), counting: () => countingIn(log) };
  }

  /** k6 in a session and process group of its own (setsid): a terminal's Ctrl-C reaches the wrapper only. */
  function expectOwnSession(report: Report, wrapperPid: number) {
    expect({ pgid: report.pgid, sid: report.sid }).toEqual({ pgid: report.pid, sid: report.pid });
    expect(report.pgid).not.toBe(wrapperPid);
  }

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const)('%s sent to the wrapper alone (docker stop, kill) is forwarded once', async (signal) => {
    const t = countingSetup();
    const { child } = await startWrapper(['run', 'x.js'], { ...t.env, K6_PERSIST_HANDOVER: 'spawn', FAKE_K6_WAIT: '1500' });
    await waitForOutput(child.stdout!, 'fake-k6 ready');
    child.kill(signal);
    const result = await child;
    const k6 = t.report();
    expectOwnSession(k6, child.pid!);
    expect(t.kills()).toEqual([{ sender: child.pid, target: k6.pid, signal }]);
    expect(k6.signals).toEqual([signal]);
    expect(result.exitCode).toBe(101);
  });

  it.each(['SIGINT', 'SIGQUIT'] as const)('%s sent to the whole process group (a terminal) is forwarded once and reaches k6 only that way', async (signal) => {
    const t = countingSetup();
    const { child } = await startWrapper(['run', 'x.js'], { ...t.env, K6_PERSIST_HANDOVER: 'spawn', FAKE_K6_WAIT: '1500' }, { detached: true });
    await waitForOutput(child.stdout!, 'fake-k6 ready');
    process.kill(-child.pid!, signal);
    const result = await child;
    const k6 = t.report();
    // Outside the group the terminal signals, k6 gets the wrapper's forward and nothing else.
    expectOwnSession(k6, child.pid!);
    expect(t.kills()).toEqual([{ sender: child.pid, target: k6.pid, signal }]);
    expect(k6.signals).toEqual([signal]);
    expect(result.exitCode).toBe(101);
  });

  it('a login (which keeps the wrapper as parent) forwards once too', async () => {
    const t = countingSetup();
    const { child } = await startWrapper(['cloud', 'login', '--token', TOKEN], {
      ...t.env,
      K6_PERSIST_DIR: join(t.dir, 'vol'),
      FAKE_K6_WAIT: '1500',
    });
    await waitForOutput(child.stdout!, 'fake-k6 ready');
    child.kill('SIGTERM');
    const result = await child;
    const k6 = t.report();
    expectOwnSession(k6, child.pid!);
    expect(t.kills()).toEqual([{ sender: child.pid, target: k6.pid, signal: 'SIGTERM' }]);
    expect(k6.signals).toEqual(['SIGTERM']);
    // k6's exit code comes through; the interrupted login saved nothing and left no staging copy.
    expect(result.exitCode).toBe(101);
    expect(existsSync(join(t.dir, 'vol', 'config.json'))).toBe(false);
    expect(readdirSync(t.env['TMPDIR']!)).toEqual([]);
  });

  it('nothing is sent to k6 when no signal arrives, and the count really runs in the wrapper', async () => {
    const t = countingSetup();
    const { child } = await startWrapper(['run', 'x.js'], { ...t.env, K6_PERSIST_HANDOVER: 'spawn' });
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(t.kills()).toEqual([]);
    // Loaded by the wrapper and, through the environment it passes on, by the k6 double.
    expect(t.counting().sort()).toEqual([child.pid, t.report().pid].sort());
  });
});

describe('execve hand-over', () => {
  it.runIf(hasExecve)('k6 replaces the wrapper: same pid, no Node parent left behind', async () => {
    const t = setup();
    const { child } = await startWrapper(['run', 'x.js'], t.env);
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(t.report().pid).toBe(child.pid);
  });


  it('K6_PERSIST_HANDOVER=spawn keeps the wrapper as parent', async () => {
    const t = setup();
    const { child } = await startWrapper(['run', 'x.js'], { ...t.env, K6_PERSIST_HANDOVER: 'spawn' });
    await child;
    expect(t.report().ppid).toBe(child.pid);
  });
});

describe('persistent config for runs', () => {
  it('K6_PERSIST_DIR: creates config.json ({} 0600) and points k6 at it with K6_CONFIG', async () => {
    const t = setup();
    const vol = join(t.dir, 'vol');
    mkdirSync(vol);
    const result = await runWrapper(['run', 'x.js'], { ...t.env, K6_PERSIST_DIR: vol });
    expect(result.exitCode).toBe(0);
    const path = join(vol, 'config.json');
    expect(t.report().env.K6_CONFIG).toBe(path);
    expect(readFileSync(path, 'utf8')).toBe('{}\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('a missing -c file is created so k6 accepts it; K6_CONFIG is left alone', async () => {
    const t = setup();
    const path = join(t.dir, 'data', 'k6.json');
    mkdirSync(join(t.dir, 'data'));
    const result = await runWrapper(['run', '--config', path, 'x.js'], t.env);
    expect(result.exitCode).toBe(0);
    expect(t.report().configSeen).toBe('{}\n');
    expect(t.report().env.K6_CONFIG).toBeNull();
  });

  it('a missing K6_CONFIG file is created', async () => {
    const t = setup();
    const path = join(t.dir, 'k6.json');
    await runWrapper(['run', 'x.js'], { ...t.env, K6_CONFIG: path });
    expect(t.report().configSeen).toBe('{}\n');
  });

  it('an invalid file stops before k6 with a clear error and stays byte for byte', async () => {
    const t = setup();
    const path = join(t.dir, 'k6.json');
    const bytes = '{"collectors": {"cloud": {"token": "' + TOKEN + '"'; // truncated mid-write
    writeFileSync(path, bytes);
    const result = await runWrapper(['run', '-c', path, 'x.js'], t.env);
    expect(result.exitCode).toBe(104);
    expect(result.stderr).toContain(path);
    expect(result.stderr).toMatch(/not valid JSON/);
    expect(`${result.stdout}\n${result.stderr}`).not.toContain(TOKEN);
    expect(existsSync(t.reportPath)).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(bytes);
  });

  it('version is not blocked by a broken config volume', async () => {
    const t = setup();
    const vol = join(t.dir, 'vol');
    mkdirSync(vol);
    writeFileSync(join(vol, 'config.json'), 'garbage');
    const result = await runWrapper(['version'], { ...t.env, K6_PERSIST_DIR: vol });
    expect(result.exitCode).toBe(0);
  });

  it('a mount at $HOME/.config/k6 found in mountinfo becomes K6_CONFIG', async () => {
    const t = setup();
    const mountPoint = join(t.home, '.config', 'k6');
    mkdirSync(mountPoint, { recursive: true });
    const mountinfo = join(t.dir, 'mountinfo');
    writeFileSync(mountinfo, `1 0 0:1 / / rw - overlay overlay rw\n2 1 8:1 /var/lib/docker/volumes/k6-config/_data ${mountPoint} rw,relatime - ext4 /dev/vda rw\n`);
    await runWrapper(['run', 'x.js'], { ...t.env, K6_PERSIST_MOUNTINFO: mountinfo });
    expect(t.report().env.K6_CONFIG).toBe(join(mountPoint, 'config.json'));
  });

  it('gives k6 a private writable HOME when HOME is unusable', async () => {
    const t = setup();
    await runWrapper(['run', 'x.js'], { ...t.env, HOME: join(t.dir, 'does-not-exist') });
    const { HOME, XDG_CONFIG_HOME } = t.report().env;
    expect(HOME).not.toBe(join(t.dir, 'does-not-exist'));
    expect(statSync(HOME!).isDirectory()).toBe(true);
    expect(XDG_CONFIG_HOME).toBe(join(HOME!, '.config'));
  });
});

describe('K6_CLOUD_TOKEN_FILE', () => {
  it('hands the file content to k6 as K6_CLOUD_TOKEN', async () => {
    const t = setup();
    const file = join(t.dir, 'token');
    writeFileSync(file, `${TOKEN}\n`);
    await runWrapper(['run', 'x.js'], { ...t.env, K6_CLOUD_TOKEN_FILE: file });
    expect(t.report().env.K6_CLOUD_TOKEN).toBe(TOKEN);
  });

  it('refuses when K6_CLOUD_TOKEN is set too', async () => {
    const t = setup();
    const file = join(t.dir, 'token');
    writeFileSync(file, TOKEN);
    const result = await runWrapper(['run', 'x.js'], { ...t.env, K6_CLOUD_TOKEN_FILE: file, K6_CLOUD_TOKEN: 'other' });
    expect(result.exitCode).toBe(255);
    expect(result.stderr).toMatch(/both K6_CLOUD_TOKEN and K6_CLOUD_TOKEN_FILE/);
    expect(existsSync(t.reportPath)).toBe(false);
  });

  it('refuses an unreadable file', async () => {
    const t = setup();
    const result = await runWrapper(['run', 'x.js'], { ...t.env, K6_CLOUD_TOKEN_FILE: join(t.dir, 'missing') });
    expect(result.exitCode).toBe(255);
    expect(result.stderr).toMatch(/ENOENT/);
  });
});

describe('login', () => {
  function volumeWith(t: ReturnType<typeof setup>, content: string) {
    const vol = join(t.dir, 'vol');
    mkdirSync(vol, { recursive: true });
    const path = join(vol, 'config.json');
    writeFileSync(path, content);
    return { vol, path };
  }

  it('k6 logs in against a staging copy; only its change is merged, everything else kept', async () => {
    const t = setup();
    const before = { mine: 1, collectors: { influxdb: { a: 1 }, cloud: { note: 'keep', token: 'old' } } };
    const { vol, path } = volumeWith(t, JSON.stringify(before));
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...t.env, K6_PERSIST_DIR: vol, FAKE_K6_LOGIN_TOKEN: TOKEN });
    expect(result.exitCode).toBe(0);
    const seen = t.report().env.K6_CONFIG!;
    expect(seen).not.toBe(path);
    expect(existsSync(seen)).toBe(false); // staging removed
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      mine: 1,
      collectors: { influxdb: { a: 1 }, cloud: { note: 'keep', token: TOKEN } },
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(result.stderr).toContain(`saved to ${path}`);
    expect(result.stderr).toContain('tok_');
    expect(`${result.stdout}\n${result.stderr}`).not.toContain(TOKEN);
  });

  it('re-points a -c argument at the staging copy and saves into the -c file', async () => {
    const t = setup();
    const { path } = volumeWith(t, '{}');
    const result = await runWrapper(['login', 'cloud', `--config=${path}`, '-t', TOKEN], { ...t.env, FAKE_K6_LOGIN_TOKEN: TOKEN });
    expect(result.exitCode).toBe(0);
    const argv = t.report().argv;
    expect(argv[0]).toBe('login');
    expect(argv[2]).toMatch(/^--config=.*\.k6-persist-login-.*config\.json$/);
    expect(argv.slice(3)).toEqual(['-t', TOKEN]);
    expect(JSON.parse(readFileSync(path, 'utf8')).collectors.cloud.token).toBe(TOKEN);
  });

  it('a failed login changes nothing', async () => {
    const t = setup();
    const { vol, path } = volumeWith(t, '{"collectors":{"cloud":{"token":"old"}}}');
    const result = await runWrapper(['cloud', 'login', '--token', 'bad'], {
      ...t.env,
      K6_PERSIST_DIR: vol,
      FAKE_K6_LOGIN_TOKEN: 'bad',
      FAKE_K6_EXIT: '255',
    });
    expect(result.exitCode).toBe(255);
    expect(readFileSync(path, 'utf8')).toBe('{"collectors":{"cloud":{"token":"old"}}}');
  });

  it('warns that a login without a volume vanishes with the container; -q silences it', async () => {
    const t = setup();
    const loud = await runWrapper(['cloud', 'login', '--token', TOKEN], t.env);
    expect(loud.stderr).toMatch(/vanishes with it/);
    expect(loud.stderr).toContain('-v k6-config:/config');
    const quiet = await runWrapper(['cloud', 'login', '-q', '--token', TOKEN], t.env);
    expect(quiet.stderr).toBe('');
    const quietEnv = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...t.env, K6_PERSIST_QUIET: '1' });
    expect(quietEnv.stderr).toBe('');
  });

  it('a config that is a symlink: the save goes to its target, with the lock and the clean-up of old temp files beside it', async () => {
    const t = setup();
    const vol = join(t.dir, 'vol');
    const data = join(t.dir, 'data');
    mkdirSync(vol);
    mkdirSync(data);
    writeFileSync(join(data, 'k6.json'), '{"keep":1}');
    symlinkSync('../data/k6.json', join(vol, 'config.json'));
    // Left by a writer killed long ago, beside the real file.
    const leftover = join(data, '.k6.json.k6-persist-1-dead.tmp');
    writeFileSync(leftover, '{"half');
    // The link's own directory is not writable for the user that logs in; the target's is.
    const isRoot = process.getuid?.() === 0;
    const user = isRoot ? UNPRIVILEGED : undefined;
    const out = join(t.dir, 'out');
    mkdirSync(out);
    if (user) {
      chmodSync(t.dir, 0o755);
      for (const path of [data, join(data, 'k6.json'), leftover, out, t.env['TMPDIR']!]) chownSync(path, user.uid, user.gid);
    }
    chmodSync(vol, 0o555);
    const env = { ...t.env, K6_PERSIST_DIR: vol, FAKE_K6_LOGIN_TOKEN: TOKEN, FAKE_K6_REPORT: join(out, 'report.json') };
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], env, user ? { user } : {});
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readlinkSync(join(vol, 'config.json'))).toBe('../data/k6.json');
    expect(JSON.parse(readFileSync(join(data, 'k6.json'), 'utf8'))).toMatchObject({ keep: 1, collectors: { cloud: { token: TOKEN } } });
    expect(readdirSync(data)).toEqual(['k6.json']);
    expect(readdirSync(vol)).toEqual(['config.json']);
  });

  it('a volume from before k6 v0.58 at ~/.config: runs are pointed at its file; a login keeps all of it in the new file', async () => {
    const t = setup();
    const configDir = join(t.home, '.config');
    const legacyPath = join(configDir, 'loadimpact', 'k6', 'config.json');
    mkdirSync(dirname(legacyPath), { recursive: true });
    const legacy = { teamNotes: 'from 2024', collectors: { influxdb: { db: 'k6' }, cloud: { token: 'old', projectID: 7 } } };
    writeFileSync(legacyPath, JSON.stringify(legacy));
    const mountinfo = mountinfoFor(t, configDir, '/var/lib/docker/volumes/old/_data', 'rw,relatime');
    const run = await runWrapper(['run', 'x.js'], { ...t.env, K6_PERSIST_MOUNTINFO: mountinfo });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(t.report().env.K6_CONFIG).toBe(legacyPath);
    expect(existsSync(join(configDir, 'k6'))).toBe(false);
    // This k6 double does not migrate the old file itself (k6 2.x does not either).
    const login = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...t.env, K6_PERSIST_MOUNTINFO: mountinfo, FAKE_K6_LOGIN_TOKEN: TOKEN });
    expect(login.exitCode, login.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(join(configDir, 'k6', 'config.json'), 'utf8'));
    expect(saved).toEqual({ teamNotes: 'from 2024', collectors: { influxdb: { db: 'k6' }, cloud: { token: TOKEN, projectID: 7 } } });
    expect(JSON.parse(readFileSync(legacyPath, 'utf8'))).toEqual(legacy);
  });

  it('a pre-v0.58 file that is empty is no login: runs are not pointed at it, the new file is made as usual', async () => {
    const t = setup();
    const configDir = join(t.home, '.config');
    const legacyPath = join(configDir, 'loadimpact', 'k6', 'config.json');
    mkdirSync(dirname(legacyPath), { recursive: true });
    writeFileSync(legacyPath, '');
    const mountinfo = mountinfoFor(t, configDir, '/var/lib/docker/volumes/old/_data', 'rw,relatime');
    const run = await runWrapper(['run', 'x.js'], { ...t.env, K6_PERSIST_MOUNTINFO: mountinfo });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(t.report().env.K6_CONFIG).toBe(join(configDir, 'k6', 'config.json'));
    expect(t.report().configSeen).toBe('{}\n');
  });

  it('`k6-persist status` on a pre-v0.58 volume shows the login runs use, masked', async () => {
    const t = setup();
    const configDir = join(t.home, '.config');
    const legacyPath = join(configDir, 'loadimpact', 'k6', 'config.json');
    mkdirSync(dirname(legacyPath), { recursive: true });
    writeFileSync(legacyPath, JSON.stringify({ collectors: { cloud: { token: TOKEN, stackID: 42 } } }));
    const mountinfo = mountinfoFor(t, configDir, '/var/lib/docker/volumes/old/_data', 'rw,relatime');
    const result = await runStatus(t, ['status', '--json'], { K6_PERSIST_MOUNTINFO: mountinfo });
    expect(result.exitCode, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status).toMatchObject({ legacyFile: legacyPath, stackID: 42, file: `missing: runs use ${legacyPath}` });
    expect(status.token).toMatch(/^tok_\*+cdef$/);
    expect(`${result.stdout}\n${result.stderr}`).not.toContain(TOKEN);
  });

  it('`k6-persist status` never fails on what a file holds where k6 expects a number', async () => {
    const t = setup();
    const { vol } = volumeWith(t, '{"collectors":{"cloud":{"token":"tok_0123456789abcdef","stackID":{"toString":1},"projectID":[1]}}}');
    const result = await runStatus(t, ['status'], { K6_PERSIST_DIR: vol });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/stack id\s+\{"toString":1\}/);
    expect(result.stderr).toBe('');
  });

  it('an empty config that cannot be rewritten: k6 gets a private {} instead of a file it would refuse', async () => {
    const t = setup();
    const vol = join(t.dir, 'vol');
    mkdirSync(vol);
    writeFileSync(join(vol, 'config.json'), '');
    chmodSync(vol, 0o555);
    // As root every directory is writable: then the wrapper runs as an unprivileged user.
    const isRoot = process.getuid?.() === 0;
    const out = join(t.dir, 'out');
    mkdirSync(out);
    if (isRoot) {
      chmodSync(t.dir, 0o755);
      for (const path of [out, t.env['TMPDIR']!]) chownSync(path, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
    }
    const report = join(out, 'report.json');
    const result = await runWrapper(['run', 'x.js'], { ...t.env, K6_PERSIST_DIR: vol, FAKE_K6_REPORT: report, K6_PERSIST_HANDOVER: 'spawn' }, isRoot ? { user: UNPRIVILEGED } : {});
    expect(result.exitCode, result.stderr).toBe(0);
    const seen = JSON.parse(readFileSync(report, 'utf8')) as Report;
    expect(seen.env.K6_CONFIG).not.toBe(join(vol, 'config.json'));
    expect(seen.configSeen).toBe('{}\n');
    expect(readFileSync(join(vol, 'config.json'), 'utf8')).toBe('');
    // The wrapper outlived k6 (spawn) and removed the private copy.
    expect(readdirSync(t.env['TMPDIR']!)).toEqual([]);
  });

  it('a stack id beyond what a JavaScript number holds (k6 keeps int64) is shown by status with its digits', async () => {
    const t = setup();
    // 2^53 + 1: a valid int64 for k6, not exactly a JavaScript number.
    const { vol } = volumeWith(t, '{"collectors":{"cloud":{"token":"tok_0123456789abcdef","stackID":9007199254740993}}}');
    for (const args of [['status'], ['status', '--json']]) {
      const result = await runStatus(t, args, { K6_PERSIST_DIR: vol });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/9007199254740993/);
      expect(result.stdout).not.toMatch(/9007199254740992/);
    }
  });

  it('-q silences the login line but never an error', async () => {
    const t = setup();
    const { vol, path } = volumeWith(t, '{}');
    const env = { ...t.env, K6_PERSIST_DIR: vol, FAKE_K6_LOGIN_TOKEN: TOKEN };
    const loud = await runWrapper(['cloud', 'login', '--token', TOKEN], env);
    expect(loud.exitCode, loud.stderr).toBe(0);
    expect(loud.stderr).toMatch(/k6-persist: k6 Cloud login saved to/);
    for (const [args, extra] of [
      [['cloud', 'login', '-q', '--token', TOKEN], {}],
      [['cloud', 'login', '--token', TOKEN], { K6_PERSIST_QUIET: '1' }],
    ] as const) {
      const quiet = await runWrapper([...args], { ...env, ...extra });
      expect(quiet.exitCode, quiet.stderr).toBe(0);
      expect(quiet.stderr).toBe('');
    }
    writeFileSync(path, '{"broken":');
    for (const [args, extra] of [
      [['run', '-q', 'x.js'], {}],
      [['cloud', 'login', '--quiet', '--token', TOKEN], { K6_PERSIST_QUIET: '1' }],
    ] as const) {
      const failed = await runWrapper([...args], { ...env, ...extra });
      expect(failed.exitCode).toBe(104);
      expect(failed.stderr).toMatch(/^k6-persist: error: the k6 config file .* cannot be used/);
    }
  });

  function mountinfoFor(t: ReturnType<typeof setup>, mountPoint: string, root: string, options: string) {
    const file = join(t.dir, 'mountinfo');
    writeFileSync(file, `1 0 0:1 / / rw - overlay overlay rw\n2 1 8:1 ${root} ${mountPoint} ${options} - ext4 /dev/vda rw\n`);
    return file;
  }

  it('refuses a login into a read-only volume before k6 runs, changing nothing', async () => {
    const t = setup();
    const mountPoint = join(t.home, '.config', 'k6');
    mkdirSync(mountPoint, { recursive: true });
    writeFileSync(join(mountPoint, 'config.json'), '{}');
    const mountinfo = mountinfoFor(t, mountPoint, '/srv/k6', 'ro,relatime');
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...t.env, K6_PERSIST_MOUNTINFO: mountinfo, FAKE_K6_LOGIN_TOKEN: TOKEN });
    expect(result.exitCode).toBe(255);
    expect(result.stderr).toMatch(/read-only/);
    expect(existsSync(t.reportPath)).toBe(false);
    expect(readFileSync(join(mountPoint, 'config.json'), 'utf8')).toBe('{}');
  });

  it('warns that an anonymous volume is deleted by --rm', async () => {
    const t = setup();
    const mountPoint = join(t.home, '.config', 'k6');
    mkdirSync(mountPoint, { recursive: true });
    const mountinfo = mountinfoFor(t, mountPoint, `/var/lib/docker/volumes/${'ab12'.repeat(16)}/_data`, 'rw,relatime');
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...t.env, K6_PERSIST_MOUNTINFO: mountinfo, FAKE_K6_LOGIN_TOKEN: TOKEN });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/anonymous volume/);
    expect(result.stderr).toMatch(/--rm/);
  });

  it('refuses a login into a directory this user cannot write, with the K6_PERSIST_DIR fix (no --user)', async () => {
    const t = setup();
    const vol = join(t.dir, 'vol');
    mkdirSync(vol);
    chmodSync(vol, 0o555);
    // As root every directory is writable: then the wrapper runs as an unprivileged user.
    const isRoot = process.getuid?.() === 0;
    if (isRoot) chmodSync(t.dir, 0o755);
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...t.env, K6_PERSIST_DIR: vol }, isRoot ? { user: UNPRIVILEGED } : {});
    expect(result.exitCode).toBe(255);
    expect(result.stderr).toMatch(/is not writable by uid \d+/);
    // No mount holds the directory: it is in the container's own file system, where --user cannot
    // help; the fix is to choose another directory with the setting that chose this one.
    const uid = isRoot ? UNPRIVILEGED.uid : process.getuid?.();
    expect(result.stderr).toContain(`${join(vol, 'config.json')} (chosen with K6_PERSIST_DIR), in the container's own file system is not writable by uid ${uid}`);
    expect(result.stderr).toContain(`Point K6_PERSIST_DIR at a directory uid ${uid} may write, or keep the login on a volume (\`docker run -v k6-config:/config ...\`).`);
    expect(result.stderr).not.toContain('--user');
    expect(existsSync(t.reportPath)).toBe(false);
    expect(readdirSync(vol)).toEqual([]);
  });
});

describe('diagnostics', () => {
  it('K6_PERSIST_DEBUG=1 explains each decision without printing the token', async () => {
    const t = setup();
    const vol = join(t.dir, 'vol');
    mkdirSync(vol);
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], {
      ...t.env,
      K6_PERSIST_DIR: vol,
      K6_PERSIST_DEBUG: '1',
      FAKE_K6_LOGIN_TOKEN: TOKEN,
    });
    expect(result.stderr).toMatch(/debug: config location: .*K6_PERSIST_DIR/);
    expect(result.stderr).toMatch(/debug: login staging copy/);
    expect(result.stderr).toMatch(/debug: saved .* by rename/);
    expect(`${result.stdout}\n${result.stderr}`).not.toContain(TOKEN);
  });

  it('`k6-persist status --json` reports the location and a masked token', async () => {
    const t = setup();
    const vol = join(t.dir, 'vol');
    mkdirSync(vol);
    writeFileSync(join(vol, 'config.json'), JSON.stringify({ collectors: { cloud: { token: TOKEN, stackID: 42, defaultProjectID: 7 } } }));
    const result = await runStatus(t, ['status', '--json'], { K6_PERSIST_DIR: vol });
    expect(result.exitCode).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status).toMatchObject({ configPath: join(vol, 'config.json'), source: 'K6_PERSIST_DIR', stackID: 42, projectID: 7, writable: true, file: 'valid' });
    expect(status.token).toMatch(/^tok_\*+cdef$/);
    expect(`${result.stdout}\n${result.stderr}`).not.toContain(TOKEN);
  });

  it('invalid K6_PERSIST_* settings are refused with the variable named', async () => {
    const t = setup();
    const result = await runWrapper(['run', 'x.js'], { ...t.env, K6_PERSIST_QUIET: 'maybe' });
    expect(result.exitCode).toBe(255);
    expect(result.stderr).toMatch(/K6_PERSIST_QUIET="maybe"/);
  });
});
