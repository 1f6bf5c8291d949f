// The wrapper's input edge on hostile input (issue 5): gatherFacts reads argv, the environment,
// a mount table and the config file from a real file system. With garbage in every one of
// them (binary mount tables, a 10 MB one, symlink loops, FIFOs and directories where the config
// should be) it never throws, never blocks, and changes nothing on disk.
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fse from 'fs-extra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMountinfo } from '../../../src/mounts/mountinfo.ts';
import { gatherFacts } from '../../../src/plan/facts.ts';
import { decide } from '../../../src/plan/decide.ts';
import { readSettings } from '../../../src/settings/env.ts';

let sandbox: string;

/** A directory with every kind of thing a config path can meet. */
beforeAll(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'k6p-prop-facts-'));
  const at = (name: string) => join(sandbox, name);
  writeFileSync(at('good.json'), '{"collectors":{"cloud":{"token":"stored-token-123456"}}}');
  writeFileSync(at('bom.json'), '\uFEFF{}');
  writeFileSync(at('array.json'), '[1,2]');
  writeFileSync(at('empty.json'), '');
  mkdirSync(at('dir.json'));
  execFileSync('mkfifo', [at('fifo.json')]);
  symlinkSync('loop-b.json', at('loop-a.json'));
  symlinkSync('loop-a.json', at('loop-b.json'));
  symlinkSync('self.json', at('self.json'));
  symlinkSync('nowhere.json', at('dangling.json'));
  symlinkSync('good.json', at('link.json'));
  mkdirSync(at('vol'));
  symlinkSync('config.json', at('vol/config.json'));
  mkdirSync(at('home'));
});
afterAll(() => fse.removeSync(sandbox));

function listing(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    out.push(`${name} ${stat.mode.toString(8)} ${stat.size} ${stat.isFile() ? readFileSync(path, 'latin1') : ''}`);
    if (stat.isDirectory()) out.push(...listing(path).map((line) => `${name}/${line}`));
  }
  return out;
}

const configNames = ['good.json', 'bom.json', 'array.json', 'empty.json', 'dir.json', 'fifo.json', 'loop-a.json', 'self.json', 'dangling.json', 'link.json', 'vol/config.json', 'missing/deeper/config.json'];

const mountinfoText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.tuple(fc.array(
    fc.oneof(
      fc.constantFrom(
        '1 0 0:1 / / rw - overlay overlay rw',
        '2 1 8:1 /var/lib/docker/volumes/v/_data /config rw - ext4 /dev/vda rw',
        '3 1 8:1 /srv/config.json /config/config.json ro - ext4 /dev/vda rw',
        '4 1 0:9 / /config rw - tmpfs tmpfs rw',
        '5 4 0:9 / /config rw - tmpfs tmpfs rw',
      ),
      fc.string({ unit: 'binary', maxLength: 80 }),
    ),
    { maxLength: 8 },
  ), fc.constantFrom('\n', '\r\n', '\0')).map(([lines, separator]) => lines.join(separator)),
);

const argvArb = fc.tuple(
  fc.constantFrom(['cloud', 'login', '--token', 'tok-123456789012'], ['run', 'x.js'], ['login', 'cloud'], ['version'], ['cloud', 'login', '--show']),
  fc.option(fc.constantFrom(...configNames), { nil: undefined }),
  fc.constantFrom('-c', '--config=', '-c'),
).map(([command, name, spelling]) => {
  if (name === undefined) return command;
  const path = join(sandbox, name);
  return spelling === '--config=' ? [...command, `--config=${path}`] : [...command, spelling, path];
});

describe('gatherFacts + decide on a real file system, property-based', () => {
  it('never throws, never blocks, and changes nothing on disk', () => {
    const before = listing(sandbox);
    fc.assert(
      fc.property(
        argvArb,
        mountinfoText,
        fc.option(fc.constantFrom(...configNames.map((n) => n.replace(/\/?[^/]*$/, '') || '.')), { nil: undefined }),
        fc.constantFrom('home', 'missing-home', 'good.json', 'loop-a.json', '', '/'),
        (argv, mountinfo, persistDir, home) => {
          const mountinfoPath = join(sandbox, 'mountinfo.txt');
          writeFileSync(mountinfoPath, mountinfo);
          const env: NodeJS.ProcessEnv = {
            HOME: home.startsWith('/') || home === '' ? home : join(sandbox, home),
            K6_PERSIST_MOUNTINFO: mountinfoPath,
            ...(persistDir !== undefined ? { K6_PERSIST_DIR: join(sandbox, persistDir) } : {}),
          };
          const settings = readSettings(env);
          expect(settings.ok).toBe(true);
          if (!settings.ok) return;
          const plan = decide(gatherFacts(argv, 'k6', env, settings.settings));
          expect(['run', 'refuse']).toContain(plan.kind);
        },
      ),
      { numRuns: 400 },
    );
    writeFileSync(join(sandbox, 'mountinfo.txt'), '');
    expect(listing(sandbox).filter((line) => !line.startsWith('mountinfo.txt'))).toEqual(before.filter((line) => !line.startsWith('mountinfo.txt')));
  }, 60_000);

  it('reads a 10 MB mount table of garbage and real lines in bounded time', () => {
    const line = '2 1 8:1 /var/lib/docker/volumes/v/_data /config rw - ext4 /dev/vda rw';
    const junk = 'x'.repeat(200);
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 10 * 1024 * 1024; i += 1) {
      const piece = i % 2 === 0 ? line : `${junk} ${i} \\040\\\\ - -`;
      parts.push(piece);
      size += piece.length + 1;
    }
    const started = Date.now();
    const entries = parseMountinfo(parts.join('\n'));
    expect(entries.length).toBe(Math.ceil(parts.length / 2));
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});
