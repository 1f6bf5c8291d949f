// The login commands: which requests they make, what they save, what they print.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import {
  STACK,
  TOKEN,
  VERSIONS,
  bundlePath,
  cloudCollector,
  cloudEnv,
  errorMessages,
  k6,
  logLines,
  mockCloud,
  standardCloud,
  tempDir,
  waitForOutput,
  writeJson,
} from './support.ts';

const configOf = (home: string) => path.join(home, '.config', 'k6', 'config.json');
const STACK_URL = `https://${STACK.slug}.grafana.net`;

describe('k6 login cloud (1.8.1)', () => {
  it('saves --token without validating it and prints it with the saved path', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6('1.8.1', ['login', 'cloud', '--token', 'unchecked-token'], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests).toEqual([]);
    expect(cloudCollector(configOf(home))['token']).toBe('unchecked-token');
    expect(result.stdout).toContain('  token: unchecked-token\n');
    expect(result.stdout).toContain(`Logged in successfully, token saved in ${configOf(home)}\n`);
  });

  it('accepts the short -t flag', async () => {
    const home = tempDir();
    const result = await k6('1.8.1', ['login', 'cloud', '-t', 'short-flag-token'], { home });
    expect(result.exitCode).toBe(0);
    expect(cloudCollector(configOf(home))['token']).toBe('short-flag-token');
  });

  it('asks Email: and Password: on stdin and logs in with POST /v1/login', async () => {
    const home = tempDir();
    const cloud = await mockCloud({ logins: [{ email: 'me@example.com', password: 's3cret', token: 'from-login' }] });
    const result = await k6('1.8.1', ['login', 'cloud'], { home, env: cloudEnv(cloud), input: 'me@example.com\ns3cret\n' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Email: .*Password: /s);
    expect(cloud.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v1/login',
        body: { email: 'me@example.com', password: 's3cret' },
        status: 200,
      }),
    ]);
    expect(cloudCollector(configOf(home))['token']).toBe('from-login');
  });

  it('fails with EOF when stdin ends before the prompts are answered, leaving the file alone', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: 'kept' } } });
    const before = fs.readFileSync(configOf(home), 'utf8');
    const result = await k6('1.8.1', ['login', 'cloud'], { home, input: '' });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toContain('EOF');
    expect(logLines(result.stderr).map((l) => l.msg)).toContain('Stdin is not a terminal, falling back to plain text input');
    expect(fs.readFileSync(configOf(home), 'utf8')).toBe(before);
  });

  it('fails when the email/password login is refused, leaving the file alone', async () => {
    const home = tempDir();
    const cloud = await mockCloud({ logins: [{ email: 'me@example.com', password: 'right', token: 'x' }] });
    const result = await k6('1.8.1', ['login', 'cloud'], { home, env: cloudEnv(cloud), input: 'me@example.com\nwrong\n' });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toContain('(401/E2) Invalid email or password');
    expect(fs.existsSync(configOf(home))).toBe(false);
  });

  it.runIf(fs.existsSync('/usr/bin/script'))('turns echo off for the password when stdin is a terminal', async () => {
    const home = tempDir();
    const cloud = await mockCloud({ logins: [{ email: 'typed@example.com', password: 'hidden-pass', token: 'tty-token' }] });
    // util-linux `script` gives the stand-in a pseudo-terminal; the terminal echoes what is typed.
    const command = `${process.execPath} ${bundlePath('1.8.1')} login cloud`;
    const child = execa('script', ['-qec', command, '/dev/null'], {
      cwd: home,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, TERM: 'dumb', ...cloudEnv(cloud) },
      extendEnv: false,
      reject: false,
      timeout: 20_000,
      stdin: 'pipe',
    });
    await waitForOutput(child, /Email: $/m);
    child.stdin?.write('typed@example.com\r');
    await waitForOutput(child, /Password: /);
    child.stdin?.write('hidden-pass\r');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toContain('typed@example.com');
    expect(String(result.stdout)).not.toContain('hidden-pass');
    expect(cloud.requests[0]?.body).toEqual({ email: 'typed@example.com', password: 'hidden-pass' });
    expect(cloudCollector(configOf(home))['token']).toBe('tty-token');
  });

  it('--show rewrites the file with what it read (dropping unknown keys) and prints the token', async () => {
    const home = tempDir();
    writeJson(configOf(home), { unknownTop: 1, collectors: { cloud: { token: 'stored', extra: true } } });
    const result = await k6('1.8.1', ['login', 'cloud', '--show'], { home });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('  token: stored\n');
    const written = JSON.parse(fs.readFileSync(configOf(home), 'utf8')) as Record<string, unknown>;
    expect(written).not.toHaveProperty('unknownTop');
    expect(cloudCollector(configOf(home))).not.toHaveProperty('extra');
    expect(cloudCollector(configOf(home))['token']).toBe('stored');
  });

  it('-r writes "token": null and prints "token reset"', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: 'stored', stackID: 5 } } });
    const result = await k6('1.8.1', ['login', 'cloud', '-r'], { home });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('  token reset\n');
    expect(result.stdout).not.toContain('Logged in successfully');
    expect(cloudCollector(configOf(home))).toMatchObject({ token: null, stackID: 5 });
  });

  it('resets whenever --reset is present, even as --reset=false and next to --token', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: 'stored' } } });
    const result = await k6('1.8.1', ['login', 'cloud', '--reset=false', '--token', 'new'], { home });
    expect(result.exitCode).toBe(0);
    expect(cloudCollector(configOf(home))['token']).toBeNull();
  });
});

describe('k6 cloud login', () => {
  it('1.8.1 validates --token without a stack via POST /v1/validate-token', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6('1.8.1', ['cloud', 'login', '--token', TOKEN], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v1/validate-token',
        authorization: `Token ${TOKEN}`,
        body: { token: TOKEN },
      }),
    ]);
    expect(cloudCollector(configOf(home))).toMatchObject({ token: TOKEN, stackID: null, stackURL: null });
    expect(result.stdout).toContain(`Logged in successfully, token and stack info saved in ${configOf(home)}`);
    expect(result.stdout).toContain(`  token: ${TOKEN}\n`);
  });

  it('2.2.0 refuses --token without --stack: no request, file untouched', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6('2.2.0', ['cloud', 'login', '--token', TOKEN], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr).join('\n')).toMatch(/stack/);
    expect(cloud.requests).toEqual([]);
    expect(fs.existsSync(configOf(home))).toBe(false);
  });

  it.each(VERSIONS)('%s with a stack slug: GET /cloud/v6/auth with Bearer and X-Stack-Url, saves the stack', async (version) => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', 'login', '-t', TOKEN, '--stack', STACK.slug], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/cloud/v6/auth',
        authorization: `Bearer ${TOKEN}`,
        stackUrl: STACK_URL,
      }),
    ]);
    expect(cloudCollector(configOf(home))).toMatchObject({
      token: TOKEN,
      stackID: STACK.stackId,
      stackURL: STACK_URL,
      defaultProjectID: STACK.defaultProjectId,
    });
    expect(result.stdout).toContain(`  stack-id: ${STACK.stackId}\n`);
    expect(result.stdout).toContain(`  default-project-id: ${STACK.defaultProjectId}\n`);
  });

  it.each(VERSIONS)('%s accepts --stack as a full URL', async (version) => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', 'login', '-t', TOKEN, '--stack', STACK_URL], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]?.stackUrl).toBe(STACK_URL);
    expect(cloudCollector(configOf(home))['stackURL']).toBe(STACK_URL);
  });

  it.each(VERSIONS)('%s turns a 401 into a failed login and leaves the file untouched', async (version) => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: 'previous' } } });
    const before = fs.readFileSync(configOf(home), 'utf8');
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', 'login', '-t', 'wrong-token', '--stack', STACK.slug], {
      home,
      env: cloudEnv(cloud),
    });
    expect(result.exitCode).toBe(255);
    expect(cloud.requests.map((r) => r.status)).toEqual([401]);
    expect(errorMessages(result.stderr).join('\n')).toContain('Invalid token');
    expect(fs.readFileSync(configOf(home), 'utf8')).toBe(before);
  });

  it('1.8.1 turns a 401 from validate-token into a failed login', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6('1.8.1', ['cloud', 'login', '-t', 'wrong-token'], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toContain("can't validate the API token: (401/E2) Invalid token");
    expect(fs.existsSync(configOf(home))).toBe(false);
  });

  it('2.2.0 masks a long token: first 4 and last 4 characters', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6('2.2.0', ['cloud', 'login', '-t', TOKEN, '--stack', STACK.slug], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`  token: tok-${'*'.repeat(TOKEN.length - 8)}cdef\n`);
    expect(result.stdout).not.toContain(TOKEN);
  });

  it('2.2.0 masks a token shorter than 12 characters entirely', async () => {
    const home = tempDir();
    const cloud = await mockCloud({ tokens: ['short-tok'], stacks: { acme: { stackId: 1, defaultProjectId: 2 } } });
    const result = await k6('2.2.0', ['cloud', 'login', '-t', 'short-tok', '--stack', 'acme'], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('  token: *********\n');
    expect(result.stdout).not.toContain('short-tok');
  });

  it.each(VERSIONS)('%s -s prints the stored login without writing or calling the cloud', async (version) => {
    const home = tempDir();
    writeJson(configOf(home), { unknownTop: true, collectors: { cloud: { token: TOKEN, stackID: 9, stackURL: STACK_URL } } });
    const before = fs.readFileSync(configOf(home), 'utf8');
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', 'login', '-s'], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('  stack-id: 9\n');
    expect(result.stdout).toContain(`  stack-url: ${STACK_URL}\n`);
    expect(cloud.requests).toEqual([]);
    expect(fs.readFileSync(configOf(home), 'utf8')).toBe(before);
  });

  it.each(VERSIONS)('%s -r clears token and stack keys to null', async (version) => {
    const home = tempDir();
    writeJson(configOf(home), {
      collectors: { cloud: { token: TOKEN, stackID: 9, stackURL: STACK_URL, defaultProjectID: 3, projectID: 8 } },
    });
    const result = await k6(version, ['cloud', 'login', '-r'], { home });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('  token and stack info reset\n');
    expect(cloudCollector(configOf(home))).toMatchObject({
      token: null,
      stackID: null,
      stackURL: null,
      defaultProjectID: null,
      projectID: 8,
    });
  });

  it.each(VERSIONS)('%s resets with --reset=false too', async (version) => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN } } });
    const result = await k6(version, ['cloud', 'login', '--reset=false'], { home });
    expect(result.exitCode).toBe(0);
    expect(cloudCollector(configOf(home))['token']).toBeNull();
  });

  it('2.2.0 asks for token and stack when --token is missing', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6('2.2.0', ['cloud', 'login'], { home, env: cloudEnv(cloud), input: `${TOKEN}\n${STACK.slug}\n` });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Token: .*Stack \[None\]: /s);
    expect(cloud.requests[0]).toMatchObject({ path: '/cloud/v6/auth', authorization: `Bearer ${TOKEN}`, stackUrl: STACK_URL });
    expect(cloudCollector(configOf(home))['stackID']).toBe(STACK.stackId);
  });
});
