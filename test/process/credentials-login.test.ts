// The bundle's login from a secret and its rotation, against the fake k6: what reaches k6's
// argv and environment, and that nothing the wrapper prints holds the token, debug output
// included. The k6 version comes from a k6-version file beside K6_PERSIST_K6_BIN, as in the image.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, fakeK6, runWrapper, scratch } from './support.ts';

const TOKEN = 'tok_secret_login_0123456789abcdef';
const NEW_TOKEN = 'tok_rotated_0123456789abcdef';
const STACK_URL = 'https://saved-stack.grafana.net';

interface Report {
  argv: string[];
  env: { K6_CLOUD_TOKEN: string | null };
}

/** A k6 of the given version: the fake, linked into a directory that holds the image's version record. */
function setup(version: string) {
  const dir = scratch();
  const home = join(dir, 'home');
  mkdirSync(home);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(fakeK6, join(bin, 'k6'));
  writeFileSync(join(bin, 'k6-version'), `k6 v${version} (commit/devel, go1.26.5, linux/amd64)\n`);
  const reportPath = join(dir, 'report.json');
  const vol = join(dir, 'vol');
  mkdirSync(vol);
  const secret = join(dir, 'k6-token');
  writeFileSync(secret, `${TOKEN}\n`);
  const env = { ...baseEnv(home, reportPath), K6_PERSIST_K6_BIN: join(bin, 'k6'), K6_PERSIST_DIR: vol, K6_PERSIST_DEBUG: '1' };
  return { env, vol, secret, config: join(vol, 'config.json'), report: () => JSON.parse(readFileSync(reportPath, 'utf8')) as Report };
}

const everything = (result: { stdout: unknown; stderr: unknown }) => `${String(result.stdout)}\n${String(result.stderr)}`;

describe('a login from a secret', () => {
  it('k6 2.x `cloud login --stack S` with K6_CLOUD_TOKEN_FILE: k6 gets --token=<token> after the command words, not in its environment', async () => {
    const t = setup('2.2.0');
    const result = await runWrapper(['cloud', 'login', '--stack', 'team'], { ...t.env, K6_CLOUD_TOKEN_FILE: t.secret, FAKE_K6_LOGIN_TOKEN: TOKEN });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(t.report().argv).toEqual(['cloud', 'login', `--token=${TOKEN}`, '--stack', 'team']);
    expect(t.report().env.K6_CLOUD_TOKEN).toBeNull();
    expect(JSON.parse(readFileSync(t.config, 'utf8')).collectors.cloud.token).toBe(TOKEN);
    expect(result.stderr).toContain(`(from K6_CLOUD_TOKEN_FILE ${t.secret})`);
    expect(result.stderr).toContain('k6-persist: debug: login: no --token given');
    expect(everything(result)).not.toContain(TOKEN.slice(4, -4));
  });

  it('k6 1.8.1 `login cloud` with K6_CLOUD_TOKEN: --token=<token> and -q, so k6 1.x does not print it', async () => {
    const t = setup('1.8.1');
    const result = await runWrapper(['login', 'cloud'], { ...t.env, K6_CLOUD_TOKEN: TOKEN, FAKE_K6_LOGIN_TOKEN: TOKEN });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(t.report().argv).toEqual(['login', 'cloud', `--token=${TOKEN}`, '-q']);
    expect(result.stderr).toContain('(from K6_CLOUD_TOKEN)');
    expect(everything(result)).not.toContain(TOKEN.slice(4, -4));
  });
});

describe('rotating a token on k6 2.x', () => {
  it('`cloud login --token NEW` without --stack on a volume holding a stack: k6 gets the saved stack URL', async () => {
    const t = setup('2.0.0');
    writeFileSync(t.config, JSON.stringify({ collectors: { cloud: { token: TOKEN, stackID: 77, stackURL: STACK_URL, defaultProjectID: 8 } } }));
    const result = await runWrapper(['cloud', 'login', '--token', NEW_TOKEN], { ...t.env, FAKE_K6_LOGIN_TOKEN: NEW_TOKEN });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(t.report().argv).toEqual(['cloud', 'login', `--stack=${STACK_URL}`, '--token', NEW_TOKEN]);
    expect(result.stderr).toContain(`debug: login: no --stack given: the stack saved in ${t.config}, ${STACK_URL}, is given to k6 as --stack`);
    expect(everything(result)).not.toContain(NEW_TOKEN.slice(4, -4));
  });

  it('an explicit --stack wins: nothing is added', async () => {
    const t = setup('2.2.0');
    writeFileSync(t.config, JSON.stringify({ collectors: { cloud: { token: TOKEN, stackID: 77, stackURL: STACK_URL } } }));
    const result = await runWrapper(['cloud', 'login', '--token', NEW_TOKEN, '--stack', 'other'], { ...t.env, FAKE_K6_LOGIN_TOKEN: NEW_TOKEN });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(t.report().argv).toEqual(['cloud', 'login', '--token', NEW_TOKEN, '--stack', 'other']);
  });
});
