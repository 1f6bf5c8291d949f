// Hostile config files through the whole wrapper (issue 5): the real bundle, random unusable
// files (non-object JSON, byte-order marks, truncated JSON, garbage), deep nesting, duplicate
// keys, 10 MB and oversized files, symlink loops, FIFOs, directories. Never an internal error,
// never a write to a file that could not be parsed, always a message naming the file.
import fc from 'fast-check';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWrapper } from '../support.ts';
import { deeplyNested, unusableTextArb } from '../../unit/property/arbitraries.ts';
import { cloudOf, list, readJson, sandbox, wrapperLines, removeSandboxes } from './support.ts';

const TOKEN = 'tok-HOSTILE-SECRET-0123456789';

function login(box: ReturnType<typeof sandbox>, extra: Record<string, string> = {}) {
  return runWrapper(['cloud', 'login', '--token', TOKEN], { ...box.env, FAKE_K6_LOGIN_TOKEN: TOKEN, ...extra });
}

/** What every refusal must look like: exit 104, one error paragraph naming the file, no token, no crash. */
function expectRefusal(result: { exitCode?: number | undefined; stderr: string }, path: string, reason: RegExp) {
  const lines = wrapperLines(String(result.stderr));
  expect(result.exitCode, String(result.stderr)).toBe(104);
  expect(lines.join('\n')).not.toMatch(/internal error/);
  expect(lines.join('\n')).toContain(path);
  expect(lines.join('\n')).toMatch(reason);
  expect(String(result.stderr)).not.toContain(TOKEN);
}


afterAll(removeSandboxes);
describe('unusable config files, through the real bundle', () => {
  it('any unusable file: login and run refuse with exit 104, and the file is left byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(unusableTextArb, fc.constantFrom('login', 'run'), async (text, command) => {
        const box = sandbox('k6p-hostile-');
        writeFileSync(box.config, text);
        const before = readFileSync(box.config);
        const result = command === 'login' ? await login(box) : await runWrapper(['run', 'x.js'], box.env);
        expectRefusal(result, box.config, /cannot be used: .*(byte-order mark|not valid JSON|not a JSON object|"collectors")/);
        expect(readFileSync(box.config).equals(before)).toBe(true);
        expect(list(box.vol)).toEqual(['config.json']);
        expect(list(box.tmp)).toEqual([]);
      }),
      { numRuns: 30 },
    );
  }, 120_000);

  it('a file made unusable while k6 logs in is not written: the save re-reads it under the lock and refuses', async () => {
    const box = sandbox('k6p-hostile-');
    writeFileSync(box.config, '{"keep":1}');
    const report = join(box.root, 'k6-started.json');
    const pending = login(box, { FAKE_K6_DELAY_MS: '800', FAKE_K6_REPORT: report });
    for (let i = 0; i < 200 && !existsSync(report); i += 1) await new Promise((done) => setTimeout(done, 20));
    // k6 has started on its staging copy, so the first read (before k6) found the file good and
    // only the re-read under the lock can catch what follows.
    expect(existsSync(report)).toBe(true);
    // Another hand (a user, another tool) breaks the file while k6 is busy with its copy.
    writeFileSync(box.config, '{"keep": 1, "truncat');
    const result = await pending;
    expectRefusal(result, box.config, /not valid JSON/);
    expect(readFileSync(box.config, 'utf8')).toBe('{"keep": 1, "truncat');
    expect(list(box.vol)).toEqual(['config.json']);
  });

  it.each([1_000, 5_000, 9_999])('a config nested %i levels inside its object is read, logged into and saved whole', async (depth) => {
    // Go's encoding/json (k6) reads up to 10000 levels in all (the file's own object is one), so
    // each of these is a file k6 uses and the wrapper must keep: no refusal, no internal error,
    // the nested value byte for byte.
    const box = sandbox('k6p-deep-');
    writeFileSync(box.config, deeplyNested(depth, 'deep'));
    const result = await login(box);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(wrapperLines(result.stderr).join('\n')).not.toMatch(/internal error|cannot be used/);
    expect(cloudOf(box.config)['token']).toBe(TOKEN);
    // Compared as text: JSON.stringify in this process would run out of stack at this depth.
    const saved = readFileSync(box.config, 'utf8').replace(/\s/g, '');
    expect(saved.includes(`"deep":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)).toBe(true);
    expect(list(box.vol)).toEqual(['config.json']);
  });

  it('a config nested deeper than k6 reads is refused with 104 and left as it is', async () => {
    const box = sandbox('k6p-deep-');
    const text = deeplyNested(10_000, 'deep');
    writeFileSync(box.config, text);
    const result = await login(box);
    expectRefusal(result, box.config, /nested deeper than the 10000 levels k6 reads/);
    expect(readFileSync(box.config, 'utf8')).toBe(text);
    expect(list(box.vol)).toEqual(['config.json']);
  });

  it('duplicate keys: the login keeps the value k6 reads (the last), and saves', async () => {
    const box = sandbox('k6p-dup-');
    writeFileSync(box.config, '{"keep":"first","keep":"second","collectors":{"cloud":{"token":"a","token":"b","note":1}}}');
    const result = await login(box);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readJson(box.config)).toEqual({ keep: 'second', collectors: { cloud: { token: TOKEN, note: 1 } } });
  });

  it('a 10 MB config: the login keeps every key of it, in bounded time', async () => {
    const box = sandbox('k6p-big-');
    const big: Record<string, unknown> = { collectors: { cloud: { token: 'old-token-123456' } } };
    for (let i = 0; i < 50_000; i += 1) big[`key-${i}`] = { n: i, s: 'y'.repeat(200) };
    writeFileSync(box.config, JSON.stringify(big));
    const started = Date.now();
    const result = await login(box);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    const after = readJson(box.config);
    expect(Object.keys(after)).toHaveLength(50_001);
    expect(after['key-49999']).toEqual({ n: 49_999, s: 'y'.repeat(200) });
    expect(after['collectors'].cloud.token).toBe(TOKEN);
    expect(list(box.vol)).toEqual(['config.json']);
    expect(list(box.tmp)).toEqual([]);
  }, 60_000);

  it('a file far larger than any config (17 MB) is refused unread and untouched', async () => {
    const box = sandbox('k6p-huge-');
    writeFileSync(box.config, Buffer.alloc(17 * 1024 * 1024, 0x20));
    const result = await login(box);
    expectRefusal(result, box.config, /bytes, far more than any k6 config/);
    expect(lstatSync(box.config).size).toBe(17 * 1024 * 1024);
  });

  it.each(['login', 'run'])('a symlink loop at the config path (%s): ELOOP with the fix, the links untouched', async (command) => {
    const box = sandbox('k6p-loop-');
    symlinkSync('other.json', box.config);
    symlinkSync('config.json', join(box.vol, 'other.json'));
    const result = command === 'login' ? await login(box) : await runWrapper(['run', 'x.js'], box.env);
    expectRefusal(result, box.config, /ELOOP.*symbolic link that loops.*Replace it/);
    expect(readlinkSync(box.config)).toBe('other.json');
    expect(list(box.vol)).toEqual(['config.json', 'other.json']);
  });

  it.each(['login', 'run'])('a dangling symlink at the config path (%s): refused with the fix, nothing created behind it', async (command) => {
    // As a Secret's ..data link is left when its target directory is gone.
    const box = sandbox('k6p-dangling-');
    symlinkSync('gone/config.json', box.config);
    const result = command === 'login' ? await login(box) : await runWrapper(['run', 'x.js'], box.env);
    expectRefusal(result, box.config, /symbolic link to gone\/config\.json, which does not exist.*Point the link at an existing file, or remove the link/);
    expect(readlinkSync(box.config)).toBe('gone/config.json');
    expect(list(box.vol)).toEqual(['config.json']);
    expect(existsSync(join(box.vol, 'gone'))).toBe(false);
  });

  it('a FIFO at the config path is refused at once (no hang), untouched', async () => {
    const box = sandbox('k6p-fifo-');
    execFileSync('mkfifo', [box.config]);
    const started = Date.now();
    const result = await login(box);
    expect(Date.now() - started).toBeLessThan(10_000);
    expectRefusal(result, box.config, /directory \(or another non-file\)/);
    expect(lstatSync(box.config).isFIFO()).toBe(true);
  });

  it('a directory where the file should be is refused with the fix, untouched', async () => {
    const box = sandbox('k6p-dir-');
    mkdirSync(box.config);
    writeFileSync(join(box.config, 'inside'), 'x');
    const result = await login(box);
    expectRefusal(result, box.config, /is a directory .*create the host file first/);
    expect(list(box.config)).toEqual(['inside']);
  });
});
