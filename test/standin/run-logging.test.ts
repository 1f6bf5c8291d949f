// Logging settings from the environment (D16): K6_LOG_OUTPUT, K6_LOG_FORMAT, K6_NO_COLOR and
// NO_COLOR are read like their flags (the flags win), and a log format k6 does not know falls
// back to text without an error.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { VERSIONS, type Version, bundlePath, errorMessages, k6, tempDir } from './support.ts';

const FIRST_AND_LAST = [VERSIONS[0], VERSIONS[VERSIONS.length - 1]].filter((v): v is Version => v !== undefined);
const MISSING = 'The moduleSpecifier "missing.js"';

/** Runs k6 on a pseudo-terminal (util-linux `script`), where logrus colours its level names. */
async function onTerminal(version: Version, args: string[], env: Record<string, string>): Promise<string> {
  const home = tempDir();
  const command = [process.execPath, bundlePath(version), ...args].map((w) => `'${w}'`).join(' ');
  const result = await execa('script', ['-qec', command, '/dev/null'], {
    cwd: home,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, TERM: 'xterm', ...env },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 20_000,
  });
  return String(result.stdout);
}

describe.each(FIRST_AND_LAST)('k6 %s logging from the environment', (version) => {
  it('D16: K6_LOG_OUTPUT=stdout puts the log lines on stdout', async () => {
    const home = tempDir();
    const result = await k6(version, ['run', 'missing.js'], { home, env: { K6_LOG_OUTPUT: 'stdout' } });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stdout).join('\n')).toContain(MISSING);
    expect(result.stderr).toBe('');
  });

  it('D16: K6_LOG_OUTPUT=none drops them; --log-output beats the variable', async () => {
    const home = tempDir();
    const none = await k6(version, ['run', 'missing.js'], { home, env: { K6_LOG_OUTPUT: 'none' } });
    expect(`${none.stdout}${none.stderr}`).not.toContain(MISSING);
    const flag = await k6(version, ['run', '--log-output=stderr', 'missing.js'], { home, env: { K6_LOG_OUTPUT: 'none' } });
    expect(errorMessages(flag.stderr).join('\n')).toContain(MISSING);
  });

  it('D16: K6_LOG_FORMAT=json writes JSON lines; --log-format beats the variable', async () => {
    const home = tempDir();
    const json = await k6(version, ['run', 'missing.js'], { home, env: { K6_LOG_FORMAT: 'json' } });
    const line = JSON.parse(json.stderr.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'error' });
    expect(String(line['msg'])).toContain(MISSING);
    const raw = await k6(version, ['run', '--log-format=raw', 'missing.js'], { home, env: { K6_LOG_FORMAT: 'json' } });
    expect(raw.stderr.trim()).toMatch(/^The moduleSpecifier "missing.js"/);
  });

  it.each([
    ['--log-format=xml', ['--log-format=xml'], {}],
    ['K6_LOG_FORMAT=xml', [], { K6_LOG_FORMAT: 'xml' }],
  ])('D16: an unknown log format (%s) falls back to text with no error', async (_label, flags, env) => {
    const home = tempDir();
    const ok = await k6(version, ['run', ...flags, 'nothing.js'], { home, env });
    expect(ok.stderr).toContain('level=error');
    const fine = await k6(version, ['version', ...flags], { home, env });
    expect(fine.exitCode).toBe(0);
    expect(fine.stderr).toBe('');
  });

  it.each([
    ['nothing', {}, true],
    ['K6_NO_COLOR=1', { K6_NO_COLOR: '1' }, false],
    ['an empty K6_NO_COLOR (no effect)', { K6_NO_COLOR: '' }, true],
    ['NO_COLOR, even empty', { NO_COLOR: '' }, false],
  ])('D16: on a terminal, with %s set, the level is coloured: %s', async (_label, env, coloured) => {
    const output = await onTerminal(version, ['run', 'missing.js'], env);
    expect(output).toContain('ERRO');
    expect(output.includes('\x1b[31mERRO\x1b[0m')).toBe(coloured);
  });
});
