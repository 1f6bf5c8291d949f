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

  it('falls back to the relative .config/k6/config.json, with a warning, when HOME and XDG_CONFIG_HOME are empty', async () => {
    const cwd = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, saveTokenArgs(version), { home: null, cwd, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloudCollector(path.join(cwd, '.config', 'k6', 'config.json'))['token']).toBe(TOKEN);
    expect(logLines(result.stderr)).toContainEqual(
      expect.objectContaining({ level: 'warning', msg: 'could not get config directory' }),
    );
  });

  it('ignores a relative XDG_CONFIG_HOME like Go does (relative .config under the working dir)', async () => {
    const home = tempDir();
    const cwd = tempDir();
    const result = await save(home, [], { XDG_CONFIG_HOME: 'relative/xdg' }, cwd);
    expect(result.exitCode).toBe(0);
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
    expect(cloud.requests.map((r) => [r.path, r.authorization])).toEqual([['/v1/tests', `Token ${TOKEN}`]]);
    expect(logLines(result.stderr).find((l) => l.level === 'warning')?.msg).toContain(
      `The configuration file has been found on the old default path (${JSON.stringify(legacyFile(home))})`,
    );
    expect(fs.existsSync(newFile(home))).toBe(false);
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

  it('2.2.0 ignores the legacy file when running', async () => {
    const home = tempDir();
    writeJson(legacyFile(home), { collectors: { cloud: { token: TOKEN } } });
    fs.writeFileSync(path.join(home, 'script.js'), '');
    const cloud = await standardCloud();
    const result = await k6('2.2.0', ['run', '-q', '-o', 'cloud', 'script.js'], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr).join('\n')).toContain('you must first authenticate');
    expect(cloud.requests).toEqual([]);
  });

  it('2.2.0 login does not migrate the legacy file', async () => {
    const home = tempDir();
    writeJson(legacyFile(home), { vus: 3 });
    const cloud = await standardCloud();
    const result = await k6('2.2.0', ['cloud', 'login', '-t', TOKEN, '--stack', STACK.slug], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(fs.readFileSync(newFile(home), 'utf8'))).toMatchObject({ vus: null });
  });
});
