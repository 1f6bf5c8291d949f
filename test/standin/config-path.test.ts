// Where the stand-in reads and writes config.json, and how -c/--config and K6_CONFIG choose it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  STACK,
  TOKEN,
  VERSIONS,
  cloudCollector,
  cloudEnv,
  errorMessages,
  k6,
  logLines,
  saveTokenArgs,
  standardCloud,
  tempDir,
  writeJson,
} from './support.ts';

describe.each(VERSIONS)('k6 %s config location', (version) => {
  async function save(home: string, extraArgs: string[] = [], env: Record<string, string | undefined> = {}, cwd?: string) {
    const cloud = await standardCloud();
    return k6(version, [...saveTokenArgs(version), ...extraArgs], {
      home,
      ...(cwd === undefined ? {} : { cwd }),
      env: { ...cloudEnv(cloud), ...env },
    });
  }

  it('uses $XDG_CONFIG_HOME/k6/config.json when XDG_CONFIG_HOME is set', async () => {
    const home = tempDir();
    const xdg = tempDir();
    const result = await save(home, [], { XDG_CONFIG_HOME: xdg });
    expect(result.exitCode).toBe(0);
    expect(cloudCollector(path.join(xdg, 'k6', 'config.json'))['token']).toBe(TOKEN);
    expect(fs.existsSync(path.join(home, '.config'))).toBe(false);
  });

  it('uses $HOME/.config/k6/config.json when XDG_CONFIG_HOME is unset', async () => {
    const home = tempDir();
    const result = await save(home);
    expect(result.exitCode).toBe(0);
    expect(cloudCollector(path.join(home, '.config', 'k6', 'config.json'))['token']).toBe(TOKEN);
  });

  it('D14: falls back to the relative .config/k6/config.json, silently, when HOME and XDG_CONFIG_HOME are empty', async () => {
    const cwd = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, saveTokenArgs(version), { home: null, cwd, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloudCollector(path.join(cwd, '.config', 'k6', 'config.json'))['token']).toBe(TOKEN);
    expect(result.stderr).toBe('');
  });

  it('D14: ignores a relative XDG_CONFIG_HOME like Go does (relative .config under the working dir), silently', async () => {
    const home = tempDir();
    const cwd = tempDir();
    const result = await save(home, [], { XDG_CONFIG_HOME: 'relative/xdg' }, cwd);
    expect(result.exitCode).toBe(0);
    expect(logLines(result.stderr)).toEqual([]);
    expect(fs.existsSync(path.join(cwd, '.config', 'k6', 'config.json'))).toBe(true);
    expect(fs.existsSync(path.join(home, '.config'))).toBe(false);
  });

  it.each([
    ['-c PATH', (p: string) => ['-c', p]],
    ['-cPATH', (p: string) => [`-c${p}`]],
    ['--config PATH', (p: string) => ['--config', p]],
    ['--config=PATH', (p: string) => [`--config=${p}`]],
  ])('accepts the config flag spelled %s', async (_spelling, spell) => {
    const home = tempDir();
    const file = path.join(tempDir(), 'custom.json');
    writeJson(file, {});
    const result = await save(home, spell(file));
    expect(result.exitCode).toBe(0);
    expect(cloudCollector(file)['token']).toBe(TOKEN);
    expect(fs.existsSync(path.join(home, '.config', 'k6', 'config.json'))).toBe(false);
  });

  it.each([
    ['right after k6', (args: string[], flag: string[]) => [...flag, ...args]],
    ['between the command words', (args: string[], flag: string[]) => [args[0] ?? '', ...flag, ...args.slice(1)]],
    ['at the end', (args: string[], flag: string[]) => [...args, ...flag]],
  ])('accepts --config %s', async (_where, place) => {
    const home = tempDir();
    const file = path.join(tempDir(), 'custom.json');
    writeJson(file, {});
    const cloud = await standardCloud();
    const result = await k6(version, place(saveTokenArgs(version), ['--config', file]), { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloudCollector(file)['token']).toBe(TOKEN);
  });

  it('lets -c beat K6_CONFIG', async () => {
    const home = tempDir();
    const flagFile = path.join(home, 'flag.json');
    const envFile = path.join(home, 'env.json');
    writeJson(flagFile, {});
    writeJson(envFile, {});
    const result = await save(home, ['-c', flagFile], { K6_CONFIG: envFile });
    expect(result.exitCode).toBe(0);
    expect(cloudCollector(flagFile)['token']).toBe(TOKEN);
    expect(fs.readFileSync(envFile, 'utf8')).toBe('{}');
  });

  it('lets K6_CONFIG beat the default path', async () => {
    const home = tempDir();
    const envFile = path.join(home, 'env.json');
    writeJson(envFile, {});
    const result = await save(home, [], { K6_CONFIG: envFile });
    expect(result.exitCode).toBe(0);
    expect(cloudCollector(envFile)['token']).toBe(TOKEN);
    expect(fs.existsSync(path.join(home, '.config', 'k6', 'config.json'))).toBe(false);
  });

  it('silently ignores a missing file at the default path', async () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'script.js'), '');
    const result = await k6(version, ['run', '-q', 'script.js'], { home });
    expect(result.exitCode).toBe(0);
    expect(errorMessages(result.stderr)).toEqual([]);
  });

  it('fails `run` with 104 and a stat error when the -c file is missing', async () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'script.js'), '');
    const missing = path.join(home, 'missing.json');
    const result = await k6(version, ['run', '-c', missing, 'script.js'], { home });
    expect(result.exitCode).toBe(104);
    expect(errorMessages(result.stderr).join('\n')).toContain(`stat ${missing}: no such file or directory`);
  });

  it('fails login with 255 and a stat error when the -c file is missing, creating nothing', async () => {
    const home = tempDir();
    const missing = path.join(home, 'volume', 'config.json');
    const result = await save(home, ['-c', missing]);
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toContain(`stat ${missing}: no such file or directory`);
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
  });

  it('D10: an interactive login with a missing -c file fails with the stat error before any prompt or request', async () => {
    const home = tempDir();
    const missing = path.join(home, 'volume', 'config.json');
    const cloud = await standardCloud();
    const commands = version === '1.8.1' ? [['login', 'cloud'], ['cloud', 'login']] : [['cloud', 'login']];
    for (const command of commands) {
      const result = await k6(version, [...command, '-c', missing], {
        home,
        env: cloudEnv(cloud),
        input: `me@example.com\npassword\n${TOKEN}\n${STACK.slug}\n`,
      });
      expect(result.exitCode, command.join(' ')).toBe(255);
      expect(errorMessages(result.stderr)).toEqual([`stat ${missing}: no such file or directory`]);
      expect(result.stdout).not.toMatch(/Email:|Token:|Stack/);
      expect(logLines(result.stderr).map((l) => l.msg)).not.toContain('Stdin is not a terminal, falling back to plain text input');
    }
    expect(cloud.requests).toEqual([]);
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
  });

  it('fails login when the K6_CONFIG file is missing', async () => {
    const home = tempDir();
    const missing = path.join(home, 'missing.json');
    const result = await save(home, [], { K6_CONFIG: missing });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toContain(`stat ${missing}: no such file or directory`);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('treats -c spelling out the default path like the default (missing file ignored)', async () => {
    const home = tempDir();
    const defaultPath = path.join(home, '.config', 'k6', 'config.json');
    const result = await save(home, ['-c', defaultPath]);
    expect(result.exitCode).toBe(0);
    expect(cloudCollector(defaultPath)['token']).toBe(TOKEN);
  });
});

describe('legacy loadimpact/k6/config.json', () => {
  const legacyFile = (home: string) => path.join(home, '.config', 'loadimpact', 'k6', 'config.json');
  const newFile = (home: string) => path.join(home, '.config', 'k6', 'config.json');

  it('1.8.1 `run` reads the legacy file as a fallback, with a warning', async () => {
    const home = tempDir();
    writeJson(legacyFile(home), { collectors: { cloud: { token: TOKEN } } });
    fs.writeFileSync(path.join(home, 'script.js'), '');
    const cloud = await standardCloud();
    const result = await k6('1.8.1', ['run', '-q', '-o', 'cloud', 'script.js'], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests.find((r) => r.path === '/v1/tests')?.authorization).toBe(`Token ${TOKEN}`);
    expect(logLines(result.stderr).find((l) => l.level === 'warning')?.msg).toContain(
      `The configuration file has been found on the old default path (${JSON.stringify(legacyFile(home))})`,
    );
    expect(fs.existsSync(newFile(home))).toBe(false);
  });

  it('B1: 1.8.1 `login cloud` copies the legacy file to the DEFAULT path even with -c (0755/0644), keeping the old one', async () => {
    const home = tempDir();
    writeJson(legacyFile(home), { vus: 3 });
    const custom = path.join(home, 'custom.json');
    writeJson(custom, {});
    const result = await k6('1.8.1', ['login', 'cloud', '-t', TOKEN, '-c', custom], { home });
    expect(result.exitCode).toBe(0);
    expect(fs.readFileSync(newFile(home), 'utf8')).toBe(fs.readFileSync(legacyFile(home), 'utf8'));
    expect(fs.statSync(path.dirname(newFile(home))).mode & 0o777).toBe(0o755 & ~process.umask());
    expect(fs.statSync(newFile(home)).mode & 0o777).toBe(0o644 & ~process.umask());
    expect(cloudCollector(custom)['token']).toBe(TOKEN);
  });

  it('B1: 1.8.1 `login cloud` migrates on EVERY run: the legacy file overwrites a valid new default file', async () => {
    const home = tempDir();
    writeJson(legacyFile(home), { vus: 3, collectors: { cloud: { token: 'old' } } });
    writeJson(newFile(home), { vus: 5, collectors: { cloud: { token: 'newer' } } });
    const result = await k6('1.8.1', ['login', 'cloud', '-r'], { home });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(fs.readFileSync(newFile(home), 'utf8'))).toMatchObject({ vus: 3 });
  });

  it('B1: 1.8.1 `cloud login` migrates only while the new default file is missing or not valid JSON', async () => {
    const home = tempDir();
    writeJson(legacyFile(home), { vus: 3 });
    writeJson(newFile(home), { vus: 5 });
    const cloud = await standardCloud();
    const kept = await k6('1.8.1', ['cloud', 'login', '-t', TOKEN], { home, env: cloudEnv(cloud) });
    expect(kept.exitCode).toBe(0);
    expect(JSON.parse(fs.readFileSync(newFile(home), 'utf8'))).toMatchObject({ vus: 5 });
    fs.writeFileSync(newFile(home), '{ not json');
    const migrated = await k6('1.8.1', ['cloud', 'login', '-t', TOKEN], { home, env: cloudEnv(cloud) });
    expect(migrated.exitCode).toBe(0);
    expect(JSON.parse(fs.readFileSync(newFile(home), 'utf8'))).toMatchObject({ vus: 3 });
  });

  it('1.8.1 login copies the legacy file to the new path and keeps the old one', async () => {
    const home = tempDir();
    writeJson(legacyFile(home), { vus: 3, collectors: { cloud: { token: 'old' }, influxdb: { db: 'k6' } } });
    const before = fs.readFileSync(legacyFile(home), 'utf8');
    const result = await k6('1.8.1', ['login', 'cloud', '-t', TOKEN], { home });
    expect(result.exitCode).toBe(0);
    expect(fs.readFileSync(legacyFile(home), 'utf8')).toBe(before);
    const migrated = JSON.parse(fs.readFileSync(newFile(home), 'utf8')) as Record<string, unknown>;
    expect(migrated['vus']).toBe(3);
    expect(migrated['collectors']).toMatchObject({ cloud: { token: TOKEN }, influxdb: { db: 'k6' } });
    expect(logLines(result.stderr).map((l) => l.msg).join('\n')).toContain('the configuration file has been migrated');
  });

  it.each(['2.0.0', '2.1.0', '2.2.0'] as const)('B1: %s ignores the legacy file when reading the config', async (version) => {
    const home = tempDir();
    writeJson(legacyFile(home), { userAgent: 'from-legacy' });
    fs.writeFileSync(path.join(home, 'script.js'), '');
    const result = await k6(version, ['inspect', '--execution-requirements', 'script.js'], { home });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ userAgent: null });
    expect(result.stderr).toBe('');
  });

  it('B1: 1.8.1 `inspect --execution-requirements` reads the legacy file too, with the warning', async () => {
    const home = tempDir();
    writeJson(legacyFile(home), { userAgent: 'from-legacy' });
    fs.writeFileSync(path.join(home, 'script.js'), '');
    const result = await k6('1.8.1', ['inspect', '--execution-requirements', 'script.js'], { home });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ userAgent: 'from-legacy' });
    expect(logLines(result.stderr).map((l) => l.level)).toEqual(['warning']);
  });

  it('B1: 2.2.0 login does not migrate the legacy file', async () => {
    const home = tempDir();
    writeJson(legacyFile(home), { vus: 3 });
    const cloud = await standardCloud();
    const result = await k6('2.2.0', ['cloud', 'login', '-t', TOKEN, '--stack', STACK.slug], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(fs.readFileSync(newFile(home), 'utf8'))).toMatchObject({ vus: null });
  });
});
