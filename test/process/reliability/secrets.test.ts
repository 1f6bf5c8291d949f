// Secrets (issue 5), through the real bundle on the host: a recognisable token run through
// every scenario never appears in what the wrapper prints (notices, errors, debug output, the
// status command), is never added to k6's arguments, and lands only in 0600 files; the private
// staging directory is 0700 while k6 uses it and gone afterwards. Container variant:
// test/e2e/reliability/secrets.test.ts.
import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBundle, runWrapper } from '../support.ts';
import { list, modeOf, readJson, sandbox, tokenLeaks, wrapperLines, type Sandbox, removeSandboxes } from './support.ts';

/** Its middle (what k6's masking hides) is distinctive: any 6 characters of it identify it. */
const TOKEN = 'tok-Q7xZ9wK3mP2vL8nR4tY6-e9f1';

interface Report {
  argv: string[];
  umask: string | null;
  env: { K6_CONFIG: string | null; K6_CLOUD_TOKEN: string | null; HOME: string | null };
  homeMode: string | null;
  config: { path: string; mode: string; dir: string; dirMode: string } | null;
}

function reportOf(box: Sandbox): Report {
  return readJson(join(box.root, 'report.json')) as Report;
}

/** Nothing of the token in anything the run printed, on either stream. */
function expectNoLeak(result: { stdout: unknown; stderr: unknown }): void {
  expect(tokenLeaks(result, TOKEN), `${String(result.stdout)}\n${String(result.stderr)}`).toEqual([]);
}

afterAll(removeSandboxes);
describe('the token never leaks from the wrapper (host, real bundle)', () => {
  it('a successful login with debug output: masked line only, argv untouched, staging 0700 then gone, file 0600', async () => {
    const box = sandbox('k6p-secret-');
    const argv = ['cloud', 'login', '--token', TOKEN, '--stack', 'my-stack'];
    const result = await runWrapper(argv, { ...box.env, FAKE_K6_LOGIN_TOKEN: TOKEN, K6_PERSIST_DEBUG: '1' });
    expect(result.exitCode, result.stderr).toBe(0);
    expectNoLeak(result);
    expect(wrapperLines(result.stderr).join('\n')).toContain(`token ${TOKEN.slice(0, 4)}${'*'.repeat(TOKEN.length - 8)}${TOKEN.slice(-4)}`);
    const report = reportOf(box);
    // The wrapper adds nothing: the token is where the user put it, and only there.
    expect(report.argv).toEqual(argv);
    expect(report.env.K6_CLOUD_TOKEN).toBeNull();
    expect(report.config).toMatchObject({ mode: '600', dirMode: '700' });
    expect(report.config!.dir.startsWith(box.tmp)).toBe(true);
    expect(existsSync(report.config!.dir)).toBe(false);
    expect(list(box.tmp)).toEqual([]);
    expect(modeOf(box.config)).toBe(0o600);
  });

  it('-c: only the path is re-pointed at the staging copy, in the spelling the user chose', async () => {
    const box = sandbox('k6p-secret-');
    const argv = ['cloud', 'login', `--config=${box.config}`, '-t', TOKEN];
    const result = await runWrapper(argv, { ...box.env, FAKE_K6_LOGIN_TOKEN: TOKEN, K6_PERSIST_DEBUG: '1' });
    expect(result.exitCode, result.stderr).toBe(0);
    expectNoLeak(result);
    const report = reportOf(box);
    expect(report.argv).toEqual(['cloud', 'login', `--config=${report.config!.path}`, '-t', TOKEN]);
    expect(report.config!.dir.startsWith(box.tmp)).toBe(true);
    expect(readJson(box.config)['collectors'].cloud.token).toBe(TOKEN);
  });

  it('a failed login (k6 exits 255): nothing saved, nothing leaked, nothing left', async () => {
    const box = sandbox('k6p-secret-');
    writeFileSync(box.config, '{"keep":1}');
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...box.env, FAKE_K6_LOGIN_TOKEN: TOKEN, FAKE_K6_EXIT: '255', K6_PERSIST_DEBUG: '1' });
    expect(result.exitCode).toBe(255);
    expectNoLeak(result);
    expect(readJson(box.config)).toEqual({ keep: 1 });
    expect(list(box.tmp)).toEqual([]);
  });

  it('K6_CLOUD_TOKEN_FILE: the token reaches k6 through its environment only, never argv or output', async () => {
    const box = sandbox('k6p-secret-');
    const secret = join(box.root, 'token');
    writeFileSync(secret, `${TOKEN}\n`, { mode: 0o400 });
    const result = await runWrapper(['run', 'x.js'], { ...box.env, K6_CLOUD_TOKEN_FILE: secret, K6_PERSIST_DEBUG: '1', K6_PERSIST_HANDOVER: 'spawn' });
    expect(result.exitCode, result.stderr).toBe(0);
    expectNoLeak(result);
    const report = reportOf(box);
    expect(report.argv).toEqual(['run', 'x.js']);
    expect(report.env.K6_CLOUD_TOKEN).toBe(TOKEN);
  });

  it.each([
    ['both K6_CLOUD_TOKEN and K6_CLOUD_TOKEN_FILE', { K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_TOKEN_FILE: '/nonexistent' }],
    ['a bad setting next to the token', { K6_CLOUD_TOKEN: TOKEN, K6_PERSIST_DEBUG: 'maybe' }],
  ])('error messages (%s) do not show the token', async (_what, extra) => {
    const box = sandbox('k6p-secret-');
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...box.env, ...extra });
    expect(result.exitCode).toBe(255);
    expect(wrapperLines(result.stderr).length).toBeGreaterThan(0);
    expectNoLeak(result);
  });

  it.each([
    ['the bare token (`echo "$TOKEN" > config.json`)', `${TOKEN}\n`],
    ['an unquoted token', `{"collectors":{"cloud":{"token": ${TOKEN}}}}`],
    ['a truncated login', `{"collectors":{"cloud":{"token":"${TOKEN}`],
  ])('a config file holding %s: the refusal names the file but shows none of the token', async (_what, text) => {
    // The parser's own message quotes the text around the error; for a file that is mostly a
    // token, that quote is the token.
    const box = sandbox('k6p-secret-');
    writeFileSync(box.config, text);
    for (const argv of [['run', 'x.js'], ['cloud', 'login', '--token', 'tok-other-000000000000']]) {
      const result = await runWrapper(argv, { ...box.env, K6_PERSIST_DEBUG: '1' });
      expect(result.exitCode).toBe(104);
      expect(wrapperLines(result.stderr).join('\n')).toContain(box.config);
      expectNoLeak(result);
    }
  });

  it('the status command shows the stored token masked, in text and JSON', async () => {
    const box = sandbox('k6p-secret-');
    writeFileSync(box.config, JSON.stringify({ collectors: { cloud: { token: TOKEN, stackID: 7 } } }), { mode: 0o600 });
    // Installed as k6-persist, as in the image.
    const asStatus = join(box.root, 'bin', 'k6-persist');
    mkdirSync(join(box.root, 'bin'));
    symlinkSync(await cliBundle(), asStatus);
    for (const args of [['status'], ['status', '--json']]) {
      const result = await execa(asStatus, args, { env: box.env, extendEnv: false, reject: false });
      expect(result.exitCode, result.stderr).toBe(0);
      expectNoLeak(result);
      expect(result.stdout).toContain(`${TOKEN.slice(0, 4)}${'*'.repeat(TOKEN.length - 8)}${TOKEN.slice(-4)}`);
    }
  });

  it('a staging copy a killed login left on the volume (no writable /tmp then) is removed by the next login once over 1 h old, not before', async () => {
    const box = sandbox('k6p-secret-');
    writeFileSync(box.config, '{}');
    // README: abandoned staging copies older than an hour are removed; written out here rather
    // than imported from the code under test.
    const ages = { 'dead61m': 61 * 60_000, 'young59m': 59 * 60_000, 'live01': 0 };
    const now = Date.now();
    for (const [name, ageMs] of Object.entries(ages)) {
      const dir = join(box.vol, `.k6-persist-login-${name}`);
      mkdirSync(dir, { mode: 0o700 });
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ collectors: { cloud: { token: 'tok-left-behind-0000' } } }), { mode: 0o600 });
      utimesSync(dir, (now - ageMs) / 1000, (now - ageMs) / 1000);
    }
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...box.env, FAKE_K6_LOGIN_TOKEN: TOKEN });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(list(box.vol)).toEqual(['.k6-persist-login-live01', '.k6-persist-login-young59m', 'config.json']);
  });

  it('a user without a usable HOME: the private HOME is 0700 and a login leaves no temp directory behind', async () => {
    const box = sandbox('k6p-secret-');
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...box.env, HOME: '/', FAKE_K6_LOGIN_TOKEN: TOKEN });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = reportOf(box);
    expect(report.env.HOME).not.toBe('/');
    expect(report.env.HOME!.startsWith(box.tmp)).toBe(true);
    // Seen by k6 while it ran: nobody else may look into its HOME.
    expect(report.homeMode).toBe('700');
    // The login spawned k6 and waited for it, so it cleans up after.
    expect(readdirSync(box.tmp)).toEqual([]);
  });

  it('the config written from nothing is 0600 even under a permissive umask', async () => {
    const box = sandbox('k6p-secret-');
    chmodSync(box.vol, 0o777);
    const run = await runWrapper(['run', 'x.js'], box.env, { umask: 0o000 });
    expect(run.exitCode, run.stderr).toBe(0);
    // The umask was really 000: k6, which inherits it from the wrapper, reports it.
    expect(reportOf(box).umask).toBe('0000');
    expect(modeOf(box.config)).toBe(0o600);
    const result = await runWrapper(['cloud', 'login', '--token', TOKEN], { ...box.env, FAKE_K6_LOGIN_TOKEN: TOKEN }, { umask: 0o000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(reportOf(box).umask).toBe('0000');
    expect(modeOf(box.config)).toBe(0o600);
  });
});
