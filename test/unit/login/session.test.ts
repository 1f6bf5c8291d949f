// A login session against a k6 double (a shell script): where its line says the login lives,
// and what happens around another login's lock, before and after k6 ran.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockPathFor } from '../../../src/config/lock.ts';
import { runLogin, supplyFlags } from '../../../src/login/session.ts';
import type { Situation } from '../../../src/report/advice.ts';
import type { Logger } from '../../../src/report/log.ts';
import type { LoginPlan } from '../../../src/plan/types.ts';

const sandbox = mkdtempSync(join(tmpdir(), 'k6p-session-'));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

// Writes the token it is given into the file k6 was pointed at (K6_CONFIG), as a login does;
// FAKE_TAKE_LOCK: takes that lock meanwhile, as a concurrent login would; FAKE_ARGS: records its
// arguments there, one a line; FAKE_EXIT: fails with that code first, as a refused login does.
const FAKE_K6 = join(sandbox, 'k6');
writeFileSync(
  FAKE_K6,
  `#!/bin/sh
touch "$FAKE_RAN"
[ -n "$FAKE_ARGS" ] && printf '%s\n' "$@" > "$FAKE_ARGS"
[ -n "$FAKE_EXIT" ] && exit "$FAKE_EXIT"
[ -n "$FAKE_TAKE_LOCK" ] && echo "other 1" > "$FAKE_TAKE_LOCK"
printf '{"collectors":{"cloud":{"token":"%s","stackID":4242}}}\\n' "$FAKE_TOKEN" > "$K6_CONFIG"
echo "Logged in successfully, token saved in $K6_CONFIG"
`,
);
chmodSync(FAKE_K6, 0o755);

const TOKEN = 'tok_session_1234567890abcd';

function setup(existing?: string) {
  const dir = mkdtempSync(join(sandbox, 'vol-'));
  const path = join(dir, 'config.json');
  if (existing !== undefined) writeFileSync(path, existing, { mode: 0o600 });
  const place: Situation = { path, source: 'K6_PERSIST_DIR', uid: 12345, gid: 12345, groups: [], runtime: 'docker' };
  const plan: LoginPlan = { place, configFlag: undefined, initialText: existing ?? '{}\n', reset: false, inPlace: false, writable: true, saves: true, pauseAt: undefined };
  const said: string[] = [];
  const debug: string[] = [];
  const log: Logger = { notice: (text) => said.push(text), error: (text) => said.push(text), debug: (text) => debug.push(text) };
  const ran = join(dir, 'k6-ran');
  const k6 = (env: Record<string, string> = {}) => ({
    file: FAKE_K6,
    argv0: 'k6',
    args: ['cloud', 'login', '--token', TOKEN],
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', FAKE_RAN: ran, FAKE_TOKEN: TOKEN, ...env },
  });
  return { path, plan, said, debug, log, ran, k6 };
}

describe('runLogin', () => {
  it('a login that changes nothing still prints where the login lives, saying it is unchanged', async () => {
    const stored = `{"collectors":{"cloud":{"token":"${TOKEN}","stackID":4242}}}\n`;
    const t = setup(stored);
    expect(await runLogin(t.plan, t.k6(), t.log)).toBe(0);
    expect(t.said).toEqual([`k6 Cloud login unchanged in ${t.path} (chosen with K6_PERSIST_DIR), in the container's own file system: token tok_******************abcd, stack 4242.`]);
    expect(readFileSync(t.path, 'utf8')).toBe(stored);
  });

  it('a login that changes the token says where it was saved', async () => {
    const t = setup('{}\n');
    expect(await runLogin(t.plan, t.k6(), t.log)).toBe(0);
    expect(t.said).toEqual([expect.stringMatching(/^k6 Cloud login saved to .*: token tok_\*+abcd, stack 4242\.$/)]);
    expect(t.debug).toContain(`saved ${t.path} by rename`);
  });

  it('a file rewritten in place is said so in plain words', async () => {
    const t = setup('{}\n');
    expect(await runLogin({ ...t.plan, inPlace: true }, t.k6(), t.log)).toBe(0);
    expect(t.debug).toContain(`saved ${t.path} by in-place rewrite`);
  });

  it('a lock another login holds for too long stops the login before k6 runs: no "Logged in successfully" first', async () => {
    const t = setup('{}\n');
    writeFileSync(lockPathFor(t.path), 'other 1\n');
    expect(await runLogin(t.plan, t.k6(), t.log, { lockTimeoutMs: 300 })).toBe(255);
    expect(existsSync(t.ran)).toBe(false);
    expect(t.said).toEqual([expect.stringMatching(/^error: another login has held .*\.config\.json\.k6-persist\.lock for too long, so k6 was not started and nothing was changed\./)]);
    expect(readFileSync(t.path, 'utf8')).toBe('{}\n');
  });

  it('--show alone does not wait for a lock: it saves nothing', async () => {
    const t = setup(`{"collectors":{"cloud":{"token":"${TOKEN}","stackID":4242}}}\n`);
    writeFileSync(lockPathFor(t.path), 'other 1\n');
    expect(await runLogin({ ...t.plan, saves: false }, t.k6(), t.log, { lockTimeoutMs: 300 })).toBe(0);
    expect(existsSync(t.ran)).toBe(true);
  });

  it('a lock taken by another login while k6 ran: the error says k6\'s success was about its private copy, and nothing was saved', async () => {
    const t = setup('{}\n');
    expect(await runLogin(t.plan, t.k6({ FAKE_TAKE_LOCK: lockPathFor(t.path) }), t.log, { lockTimeoutMs: 300 })).toBe(255);
    expect(existsSync(t.ran)).toBe(true);
    expect(t.said).toEqual([expect.stringContaining(`"Logged in successfully" above refers to the private working copy it was given: nothing was saved to ${t.path}`)]);
    expect(readFileSync(t.path, 'utf8')).toBe('{}\n');
  });
});

describe('runLogin with what the wrapper supplies (a token from a secret, the saved stack)', () => {
  const URL = 'https://saved.grafana.net';
  const fromFile = { value: TOKEN, source: { kind: 'K6_CLOUD_TOKEN_FILE' as const, path: '/run/secrets/k6-token' } };

  it('supplyFlags: each flag carries its value after `=`, so nothing can come between them; -q last', () => {
    expect(supplyFlags({ at: 2, token: fromFile, stack: URL, quiet: true })).toEqual([`--token=${TOKEN}`, `--stack=${URL}`, '-q']);
    expect(supplyFlags({ at: 2, stack: URL, quiet: false })).toEqual([`--stack=${URL}`]);
    expect(supplyFlags({ at: 2, quiet: false })).toEqual([]);
  });

  it('k6 gets the flags right after the command words and -c re-pointed at the staging copy; the line names the sources, never the token', async () => {
    const t = setup('{}\n');
    const argsFile = join(t.path, '..', 'args');
    const plan = { ...t.plan, configFlag: { path: '/mine.json', flagIndex: 0, valueIndex: 1, form: 'separate' as const, valueOffset: 0 }, supply: { at: 4, token: fromFile, stack: URL, quiet: false } };
    const k6 = { ...t.k6({ FAKE_ARGS: argsFile }), args: ['-c', '/mine.json', 'cloud', 'login', '-v'] };
    expect(await runLogin(plan, k6, t.log)).toBe(0);
    const args = readFileSync(argsFile, 'utf8').trimEnd().split('\n');
    expect(args).toEqual(['-c', expect.stringMatching(/\/\.k6-persist-login-[^/]+\/config\.json$/), 'cloud', 'login', `--token=${TOKEN}`, `--stack=${URL}`, '-v']);
    expect(t.said).toEqual([
      expect.stringMatching(
        /^k6 Cloud login saved to .*: token tok_\*+abcd \(from K6_CLOUD_TOKEN_FILE \/run\/secrets\/k6-token\), stack 4242 \(the saved stack https:\/\/saved\.grafana\.net, kept: no --stack was given\)\.$/,
      ),
    ]);
    expect([...t.said, ...t.debug].join('\n')).not.toContain(TOKEN);
  });

  it('the same login again says "unchanged", with the same sources', async () => {
    const t = setup(`{"collectors":{"cloud":{"token":"${TOKEN}","stackID":4242}}}\n`);
    expect(await runLogin({ ...t.plan, supply: { at: 2, token: fromFile, quiet: false } }, t.k6(), t.log)).toBe(0);
    expect(t.said).toEqual([expect.stringMatching(/^k6 Cloud login unchanged in .*: token tok_\*+abcd \(from K6_CLOUD_TOKEN_FILE \/run\/secrets\/k6-token\), stack 4242\.$/)]);
  });

  it('a refused login changes nothing and says which token and stack k6 was given, and how to change them', async () => {
    const stored = `{"collectors":{"cloud":{"token":"old","stackID":4242,"stackURL":"${URL}"}}}\n`;
    const t = setup(stored);
    expect(await runLogin({ ...t.plan, supply: { at: 2, token: { value: TOKEN, source: { kind: 'K6_CLOUD_TOKEN' } }, stack: URL, quiet: false } }, t.k6({ FAKE_EXIT: '255' }), t.log)).toBe(255);
    expect(readFileSync(t.path, 'utf8')).toBe(stored);
    expect(t.said).toEqual([
      `k6 refused the login, which was given the token from K6_CLOUD_TOKEN (no --token was given) and the stack saved in ${t.path}, ${URL} (no --stack was given). Nothing was changed. To log in to another stack, give it with --stack. Check that K6_CLOUD_TOKEN holds a valid k6 Cloud API token.`,
    ]);
    expect([...t.said, ...t.debug].join('\n')).not.toContain(TOKEN);
  });

  it('a refused login the wrapper added nothing to gets no such line (k6 said why)', async () => {
    const t = setup('{}\n');
    expect(await runLogin(t.plan, t.k6({ FAKE_EXIT: '255' }), t.log)).toBe(255);
    expect(t.said).toEqual([]);
  });
});
