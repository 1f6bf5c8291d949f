// The launcher's direct start (src/boot/direct-start.ts): a command the wrapper would only pass
// through goes to k6 without the wrapper. The examples pin down when; the property holds every
// direct start to what the wrapper itself would have done, on a real file system: the settings
// validated by readSettings, the facts gathered by gatherFacts, the plan made by decide.
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fse from 'fs-extra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directStartK6, type DirectStartFacts } from '../../../src/boot/direct-start.ts';
import { cloudCommandNotices } from '../../../src/credentials/from-facts.ts';
import { decide } from '../../../src/plan/decide.ts';
import { gatherFacts } from '../../../src/plan/facts.ts';
import { isUsableHome } from '../../../src/plan/probes.ts';
import { DEFAULT_K6_BIN } from '../../../src/settings/defaults.ts';
import { readSettings } from '../../../src/settings/env.ts';

const HOME = '/home/k6';

function direct(argv: string[], env: NodeJS.ProcessEnv = {}, more: Partial<DirectStartFacts> = {}): string | undefined {
  return directStartK6({ argv, env: { HOME, ...env }, execve: true, homeUsable: (home) => home === HOME, ...more });
}

describe('directStartK6: when the launcher starts k6 itself', () => {
  it.each([['version'], ['version', '--json'], ['help'], ['help', 'cloud', 'login'], ['completion', 'bash'], ['new', 'script.js']])('%j: the default k6', (...argv) => {
    expect(direct(argv)).toBe(DEFAULT_K6_BIN);
  });

  it('takes K6_PERSIST_K6_BIN when it is an absolute path, and the default when it is blank', () => {
    expect(direct(['version'], { K6_PERSIST_K6_BIN: '/opt/k6/bin/k6' })).toBe('/opt/k6/bin/k6');
    expect(direct(['version'], { K6_PERSIST_K6_BIN: '  ' })).toBe(DEFAULT_K6_BIN);
  });

  it('ignores blank settings, as the wrapper does, and variables that only start alike', () => {
    expect(direct(['version'], { K6_PERSIST_DEBUG: '', K6_PERSIST_HANDOVER: ' ', K6_PERSISTENT: 'x', K6_CONFIG: '/nowhere', K6_CLOUD_TOKEN_FILE: '/nowhere' })).toBe(DEFAULT_K6_BIN);
  });

  it.each([
    ['no command', []],
    ['a command that reads the config', ['run', 'x.js']],
    ['a login', ['cloud', 'login', '--token', 'T']],
    ['a flag first (cobra would still find `version`, but that is the wrapper\'s analysis to make)', ['-q', 'version']],
    ['--version', ['--version']],
    ['an unknown word', ['frobnicate']],
    ['a config-free word that is not the first', ['run', 'version']],
  ])('not for %s', (_what, argv) => {
    expect(direct(argv)).toBeUndefined();
  });

  it.each(['K6_PERSIST_DEBUG', 'K6_PERSIST_QUIET', 'K6_PERSIST_HANDOVER', 'K6_PERSIST_DIR', 'K6_PERSIST_MOUNTINFO', 'K6_PERSIST_PAUSE_AT', 'K6_PERSIST_WRITE_CODE_CACHE', 'K6_PERSIST_SOMETHING_NEW'])(
    'not when %s is given: the wrapper validates and applies it',
    (name) => {
      expect(direct(['version'], { [name]: '1' })).toBeUndefined();
    },
  );

  it('not for a relative K6_PERSIST_K6_BIN, which the wrapper refuses', () => {
    expect(direct(['version'], { K6_PERSIST_K6_BIN: 'k6' })).toBeUndefined();
  });

  it('not without a usable HOME (the wrapper gives k6 a private one), asking about HOME itself', () => {
    const asked: Array<string | undefined> = [];
    const homeUsable = (home: string | undefined) => {
      asked.push(home);
      return false;
    };
    expect(direct(['version'], { HOME: '/' }, { homeUsable })).toBeUndefined();
    expect(asked).toEqual(['/']);
  });

  it('not without process.execve: the wrapper spawns k6 then', () => {
    expect(direct(['version'], {}, { execve: false })).toBeUndefined();
  });
});

let sandbox: string;
beforeAll(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'k6p-direct-'));
  mkdirSync(join(sandbox, 'home'));
  mkdirSync(join(sandbox, 'config'));
  writeFileSync(join(sandbox, 'config', 'config.json'), '{"collectors":{"cloud":{"token":"stored-token-123456"}}}');
  writeFileSync(join(sandbox, 'broken.json'), '{"collectors": [');
  writeFileSync(join(sandbox, 'empty.json'), '');
  writeFileSync(join(sandbox, 'token'), 'file-token-123456\n');
  writeFileSync(join(sandbox, 'blank-token'), '\n');
});
afterAll(() => fse.removeSync(sandbox));

const inSandbox = (name: string) => (name.startsWith('/') || name.trim() === '' ? name : join(sandbox, name));

const CONFIG_FREE = ['version', 'help', 'completion', 'new'];
const OTHER_FIRST = ['run', 'cloud', 'login', 'inspect', 'frobnicate', '-q', '--version', '-h'];
const LATER = ['bash', 'x.js', '--json', 'cloud', 'login', '--token', 'T', '-c', 'config/config.json', '--config=broken.json', '-h', '--quiet', 'version'];
const argvArb = fc
  .tuple(fc.oneof(fc.constantFrom(...CONFIG_FREE), fc.constantFrom(...OTHER_FIRST)), fc.array(fc.constantFrom(...LATER), { maxLength: 4 }))
  .map(([first, rest]) => [first, ...rest].map((word) => (word.endsWith('.json') ? word.replace(/^(--config=)?/, (flag) => `${flag}${sandbox}/`) : word)));

/** Mostly unset: each setting given would send the start to the wrapper. */
const rarely = <T>(...values: T[]) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...values) });
const envArb = fc.record({
  HOME: fc.oneof({ weight: 4, arbitrary: fc.constant('home') }, { weight: 1, arbitrary: fc.constantFrom(undefined, 'missing', 'config/config.json', '/', '') }),
  K6_CONFIG: fc.option(fc.constantFrom('config/config.json', 'broken.json', 'empty.json', 'missing.json'), { nil: undefined }),
  K6_CLOUD_TOKEN: fc.option(fc.constantFrom('env-token-123456', '', ' '), { nil: undefined }),
  K6_CLOUD_TOKEN_FILE: fc.option(fc.constantFrom('token', 'blank-token', 'missing-token'), { nil: undefined }),
  K6_PERSIST_K6_BIN: fc.option(fc.constantFrom('/usr/bin/k6', '/opt/k6', 'k6', '', ' '), { nil: undefined }),
  K6_PERSIST_DEBUG: rarely('1', '0', '', 'maybe'),
  K6_PERSIST_HANDOVER: rarely('spawn', 'exec', 'auto', ''),
  K6_PERSIST_DIR: rarely('config', '/relative-to-nothing', ''),
  K6_PERSIST_PAUSE_AT: rarely('write', ''),
});

const VOLUME_AT_CONFIG = (dir: string) => `2 1 8:1 /var/lib/docker/volumes/v/_data ${dir} rw - ext4 /dev/vda rw`;

describe('a direct start is what the wrapper would have done', () => {
  it('for any argv, environment and config: the same k6, arguments, environment (but K6_CONFIG) and exec hand-over; nothing prepared, said or refused', () => {
    let directStarts = 0;
    fc.assert(
      fc.property(argvArb, envArb, fc.boolean(), fc.boolean(), (argv, generated, volume, execve) => {
        const env: NodeJS.ProcessEnv = {};
        for (const [name, value] of Object.entries(generated)) {
          if (value !== undefined) env[name] = ['HOME', 'K6_CONFIG', 'K6_CLOUD_TOKEN_FILE', 'K6_PERSIST_DIR'].includes(name) ? inSandbox(value) : value;
        }
        const k6 = directStartK6({ argv, env, execve, homeUsable: isUsableHome });
        if (k6 === undefined) return;
        directStarts += 1;
        const settings = readSettings(env);
        expect(settings.ok, 'the wrapper would have refused its settings').toBe(true);
        if (!settings.ok) return;
        // The mount table is the one setting a direct start never reads: the wrapper's answer must not depend on it.
        const mountinfoPath = join(sandbox, 'mountinfo');
        writeFileSync(mountinfoPath, volume ? VOLUME_AT_CONFIG(join(sandbox, 'config')) : '');
        const facts = { ...gatherFacts(argv, 'k6', env, { ...settings.settings, mountinfoPath }), execve };
        const plan = decide(facts);
        expect(plan.kind).toBe('run');
        if (plan.kind !== 'run') return;
        expect(plan.handover).toBe('exec');
        expect(plan.login).toBeUndefined();
        expect(plan.prepare).toEqual([]);
        expect(plan.notices).toEqual([]);
        expect(cloudCommandNotices(facts)).toEqual([]);
        expect({ file: plan.k6.file, argv0: plan.k6.argv0, args: plan.k6.args }).toEqual({ file: k6, argv0: 'k6', args: argv });
        // K6_CONFIG is the wrapper's pointer to the persistent file, which these commands never read.
        const { K6_CONFIG: planned, ...plannedRest } = plan.k6.env;
        const { K6_CONFIG: given, ...givenRest } = env;
        expect(plannedRest).toEqual(givenRest);
        expect([given, facts.persistent?.path]).toContain(planned);
      }),
      { numRuns: 600 },
    );
    // Not vacuous: a good share of the inputs start k6 directly.
    expect(directStarts).toBeGreaterThan(20);
  }, 60_000);
});
