// The commands around a run: version, help, new, archive, inspect, and cobra-like errors.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSIONS, errorMessages, k6, tempDir, writeJson } from './support.ts';

describe.each(VERSIONS)('k6 %s', (version) => {
  it('`version` prints "k6 v<version> (commit/..., go..., <os>/<arch>)" with the platform it runs on', async () => {
    const result = await k6(version, ['version'], { home: tempDir() });
    expect(result.exitCode).toBe(0);
    const goArch = { x64: 'amd64', arm64: 'arm64' }[process.arch as 'x64' | 'arm64'] ?? process.arch;
    expect(result.stdout).toMatch(new RegExp(`^k6 v${version.replaceAll('.', '\\.')} \\(commit/\\w+, go[\\d.]+, ${process.platform}/${goArch}\\)\\n$`));
  });

  it('`--version` prints the same', async () => {
    const result = await k6(version, ['--version'], { home: tempDir() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^k6 v${version.replaceAll('.', '\\.')} `));
  });

  it.each([[['help']], [['-h']], [['--help']], [[]]])('`k6 %j` prints help and exits 0', async (args) => {
    const result = await k6(version, args, { home: tempDir() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Available Commands:');
    expect(result.stdout).toMatch(/^ {2}run\s/m);
    expect(result.stdout).toMatch(/^ {2}cloud\s/m);
  });

  it('lists the `login` command only where it exists', async () => {
    const result = await k6(version, ['help'], { home: tempDir() });
    expect(/^ {2}login\s/m.test(result.stdout)).toBe(version === '1.8.1');
  });

  it('`run --help` shows run flags and exits 0 without running', async () => {
    const result = await k6(version, ['run', '--help'], { home: tempDir() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('--out');
    expect(result.stdout).not.toContain('TOTAL RESULTS');
  });

  it('rejects an unknown command with a cobra-like error and 255', async () => {
    const result = await k6(version, ['frobnicate'], { home: tempDir() });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toEqual(['unknown command "frobnicate" for "k6"']);
  });

  it('rejects an unknown flag with 255', async () => {
    const result = await k6(version, ['run', '--frobnicate', 'x.js'], { home: tempDir() });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toEqual(['unknown flag: --frobnicate']);
  });

  it('rejects a flag without its value', async () => {
    const result = await k6(version, ['run', 'x.js', '-c'], { home: tempDir() });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toEqual(["flag needs an argument: 'c' in -c"]);
  });

  it('`new` writes script.js, and refuses to overwrite it without --force', async () => {
    const home = tempDir();
    const first = await k6(version, ['new'], { home });
    expect(first.exitCode).toBe(0);
    expect(fs.readFileSync(path.join(home, 'script.js'), 'utf8')).toContain('export default function');
    fs.writeFileSync(path.join(home, 'script.js'), 'mine');
    const second = await k6(version, ['new'], { home });
    expect(second.exitCode).toBe(255);
    expect(fs.readFileSync(path.join(home, 'script.js'), 'utf8')).toBe('mine');
    const forced = await k6(version, ['new', '--force'], { home });
    expect(forced.exitCode).toBe(0);
    expect(fs.readFileSync(path.join(home, 'script.js'), 'utf8')).not.toBe('mine');
  });

  it('`archive` writes archive.tar by default, and the archive can be run', async () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'test.js'), '// standin: exit=110\n');
    const archived = await k6(version, ['archive', 'test.js'], { home });
    expect(archived.exitCode).toBe(0);
    const tar = fs.readFileSync(path.join(home, 'archive.tar'));
    expect(tar.subarray(257, 262).toString('latin1')).toBe('ustar');
    expect(tar.toString('latin1')).toContain('metadata.json');
    fs.rmSync(path.join(home, 'test.js'));
    const run = await k6(version, ['run', '-q', 'archive.tar'], { home });
    expect(run.exitCode).toBe(110);
  });

  it('`archive -O` / `--archive-out` choose the output file', async () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'test.js'), '');
    expect((await k6(version, ['archive', 'test.js', '-O', 'a.tar'], { home })).exitCode).toBe(0);
    expect((await k6(version, ['archive', '--archive-out=b.tar', 'test.js'], { home })).exitCode).toBe(0);
    expect(fs.existsSync(path.join(home, 'a.tar'))).toBe(true);
    expect(fs.existsSync(path.join(home, 'b.tar'))).toBe(true);
    expect(fs.existsSync(path.join(home, 'archive.tar'))).toBe(false);
  });

  it('D15: plain `inspect` prints the script\'s own options, not the config file\'s, without a final newline', async () => {
    const home = tempDir();
    writeJson(path.join(home, '.config', 'k6', 'config.json'), { userAgent: 'from-config' });
    fs.writeFileSync(path.join(home, 'test.js'), '// standin: vus=3\n// standin: duration=20s\n');
    const result = await k6(version, ['inspect', 'test.js'], { home });
    expect(result.exitCode).toBe(0);
    const options = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(options).toMatchObject({ vus: 3, duration: '20s', userAgent: null });
    expect(options).not.toHaveProperty('totalDuration');
    expect(result.stdout.endsWith('}')).toBe(true);
  });

  it(`D15: plain \`inspect\` ${version === '1.8.1' || version === '2.0.0' ? 'does not read' : 'reads'} the config file (a missing -c file)`, async () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'test.js'), '');
    const missing = path.join(home, 'missing.json');
    const result = await k6(version, ['inspect', '-c', missing, 'test.js'], { home });
    if (version === '1.8.1' || version === '2.0.0') {
      expect(result.exitCode).toBe(0);
      expect(errorMessages(result.stderr)).toEqual([]);
    } else {
      expect(result.exitCode).toBe(104);
      expect(errorMessages(result.stderr)).toEqual([
        `failed to load the configuration file from the local file system: stat ${missing}: no such file or directory`,
      ]);
    }
  });

  it('D15: `inspect --execution-requirements` reads the config file in every version and shows its options', async () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'test.js'), '');
    const missing = path.join(home, 'missing.json');
    const failed = await k6(version, ['inspect', '--execution-requirements', '-c', missing, 'test.js'], { home });
    expect(failed.exitCode).toBe(104);
    writeJson(path.join(home, '.config', 'k6', 'config.json'), { userAgent: 'from-config' });
    const result = await k6(version, ['inspect', '--execution-requirements', 'test.js'], { home });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ userAgent: 'from-config' });
  });

  it('`inspect --execution-requirements` adds totalDuration and maxVUs', async () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'test.js'), '// standin: vus=3\n// standin: duration=20s\n');
    const result = await k6(version, ['inspect', '--execution-requirements', 'test.js'], { home });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ totalDuration: '50s', maxVUs: 3 });
  });
});

it.each(['2.0.0', '2.1.0', '2.2.0'] as const)('B2: %s has no `login` command any more', async (version) => {
  const result = await k6(version, ['login', 'cloud', '-t', 'x'], { home: tempDir() });
  expect(result.exitCode).toBe(255);
  expect(errorMessages(result.stderr)).toEqual(['unknown command "login" for "k6"']);
});

it('1.8.1 `login` alone prints its help', async () => {
  const result = await k6('1.8.1', ['login'], { home: tempDir() });
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toMatch(/^ {2}cloud\s/m);
});
