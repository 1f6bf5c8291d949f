// Every flag of every k6 command, one by one: does the wrapper read it as k6 (pflag) does?
// The lists below are k6's own flag sets (internal/cmd of grafana/k6, the v1.x and v2.x command
// sets together), written out per command as `k6 <command> --help` shows them. What matters for
// the wrapper is a flag's arity: a value flag takes the next token (so a `-c` after it is its
// value, not the config), a bool or optional-value flag never does (so the `-c` after it counts).
import { describe, expect, it } from 'vitest';
import { analyseArgs } from '../../../src/args/analyse.ts';

interface Flags {
  /** Flags that take a value, `--long` or `-s --long`. */
  value: string[];
  /** Bool flags and string flags with a default when written bare (pflag's NoOptDefVal). */
  bare: string[];
}

const ROOT_PERSISTENT: Flags = {
  value: ['-c --config', '-a --address', '--log-output', '--log-format', '--logformat', '--secret-source'],
  bare: ['-q --quiet', '-v --verbose', '--no-color', '--log-ns-timestamps', '--profiling-enabled'],
};

/** optionFlagSet: the test options of run, cloud, cloud run, cloud upload and archive. */
const TEST_OPTIONS: Flags = {
  value: [
    '-u --vus', '-d --duration', '-i --iterations', '-s --stage', '--execution-segment', '--execution-segment-sequence',
    '--max-redirects', '--batch', '--batch-per-host', '--rps', '--user-agent', '--min-iteration-duration',
    '--blacklist-ip', '--block-hostnames', '--summary-trend-stats', '--summary-time-unit', '--system-tags', '--tag',
    '--console-output', '--local-ips', '--dns',
  ],
  bare: [
    '-p --paused', '--no-setup', '--no-teardown', '--insecure-skip-tls-verify', '--no-connection-reuse',
    '--no-vu-connection-reuse', '-w --throw', '--discard-response-bodies', '--http-debug',
  ],
};

/** runtimeOptionFlagSet: run, cloud, cloud run, cloud upload, archive and inspect. */
const RUNTIME_OPTIONS: Flags = {
  value: [
    '--compatibility-mode', '-t --type', '-e --env', '--summary-mode', '--summary-export', '--traces-output',
    '--js-profiling-scope', '--js-cpu-profile-output', '--js-runtime-trace-output', '--js-profile-id',
  ],
  bare: ['--include-system-env-vars', '--no-thresholds', '--no-summary', '--new-machine-readable-summary', '--js-profiling-enabled'],
};

const CLOUD_EXTRAS: Flags = { value: [], bare: ['--exit-on-running', '--show-logs', '--upload-only'] };
const LOGIN: Flags = { value: ['-t --token'], bare: ['-s --show', '-r --reset'] };
const NONE: Flags = { value: [], bare: [] };

function join(...sets: Flags[]): Flags {
  return { value: sets.flatMap((set) => set.value), bare: sets.flatMap((set) => set.bare) };
}

const CLOUD_TEST = join(TEST_OPTIONS, RUNTIME_OPTIONS, CLOUD_EXTRAS);

/** Each command's own (local) flags; the root persistent ones and -h/--help come on top. */
const COMMANDS: Array<[string[], Flags]> = [
  [['run'], join(TEST_OPTIONS, RUNTIME_OPTIONS, { value: ['-o --out'], bare: ['-l --linger', '--no-usage-report', '--once-each', '--once'] })],
  [['cloud'], CLOUD_TEST],
  [['cloud', 'run'], join(CLOUD_TEST, {
    value: [],
    bare: ['--local-execution', '--linger', '--no-usage-report', '--no-archive-upload', '--once-each', '--no-cloud-secrets', '--no-cloud-logs', '--once'],
  })],
  [['cloud', 'upload'], CLOUD_TEST],
  [['cloud', 'login'], join(LOGIN, { value: ['--stack'], bare: [] })],
  [['login'], NONE],
  [['login', 'cloud'], LOGIN],
  [['login', 'influxdb'], NONE],
  [['archive'], join(TEST_OPTIONS, RUNTIME_OPTIONS, { value: ['-O --archive-out'], bare: ['--exclude-env-vars'] })],
  [['inspect'], join(RUNTIME_OPTIONS, { value: [], bare: ['--execution-requirements'] })],
  [['version'], NONE],
  [['new'], { value: ['-t --template', '--project-id'], bare: ['-f --force'] }],
  [['help'], NONE],
  [['completion'], NONE],
  [['pause'], NONE],
  [['resume'], NONE],
  [['scale'], { value: ['-u --vus', '-m --max'], bare: [] }],
  [['stats'], NONE],
  [['status'], NONE],
];

/** `-s --long` -> ['-s', '--long']; `--long` -> ['--long']. */
const spellings = (flag: string): string[] => flag.split(' ');

const everyLongFlag = new Set(COMMANDS.flatMap(([, flags]) => [...flags.value, ...flags.bare]).map((flag) => spellings(flag).at(-1)!));

describe.each(COMMANDS)('k6 %j', (command, own) => {
  const all = join(own, ROOT_PERSISTENT);

  it('is found as this command', () => {
    expect(analyseArgs(command).command).toEqual(command);
  });

  // `-c` right after a value flag is that flag's value: no config is chosen, nothing is unknown.
  it.each(all.value.flatMap(spellings))('%s takes the next token as its value', (flag) => {
    const analysis = analyseArgs([...command, flag, '-c', 'script.js']);
    expect(analysis.unknownFlags).toEqual([]);
    expect(analysis.flagMissingValue).toBeUndefined();
    if (flag === '-c' || flag === '--config') expect(analysis.config?.path).toBe('-c');
    else expect(analysis.config).toBeUndefined();
  });

  it.each(all.value.flatMap(spellings))('%s written last without a value is reported as missing it', (flag) => {
    expect(analyseArgs([...command, flag]).flagMissingValue).toBe(flag);
  });

  // `-c` right after a bare flag is the config flag: the flag never consumes the next token.
  it.each([...all.bare, '-h --help'].flatMap(spellings))('%s never takes the next token', (flag) => {
    const analysis = analyseArgs([...command, flag, '-c', '/cfg/config.json']);
    expect(analysis.unknownFlags).toEqual([]);
    expect(analysis.config?.path).toBe('/cfg/config.json');
  });

  it('does not know the flags that only other commands define', () => {
    const known = new Set([...all.value, ...all.bare].map((flag) => spellings(flag).at(-1)!));
    const foreign = [...everyLongFlag].filter((flag) => !known.has(flag));
    for (const flag of foreign) {
      expect(analyseArgs([...command, flag, '-c', '/cfg/config.json']), `${command.join(' ')} ${flag}`).toMatchObject({
        unknownFlags: [flag],
        config: { path: '/cfg/config.json' },
      });
    }
  });
});

describe('the root command', () => {
  it('knows --version, and only there', () => {
    expect(analyseArgs(['--version', '-c', '/cfg/config.json'])).toMatchObject({ unknownFlags: [], config: { path: '/cfg/config.json' } });
    for (const [command] of COMMANDS) expect(analyseArgs([...command, '--version']).unknownFlags).toEqual(['--version']);
  });

  it('has no local flags of its own besides it', () => {
    expect(analyseArgs(['--vus', '-c', '/cfg/config.json']).unknownFlags).toEqual(['--vus']);
  });
});

describe('shorthands that mean different flags under different commands', () => {
  it('-t is --type under run, --token under the logins, --template under new', () => {
    expect(analyseArgs(['run', '-t', 'T']).login).toBeUndefined();
    expect(analyseArgs(['cloud', 'login', '-t', 'T']).login?.token).toBe('T');
    expect(analyseArgs(['login', 'cloud', '-t', 'T']).login?.token).toBe('T');
    expect(analyseArgs(['new', '-t', '-c']).config).toBeUndefined();
  });

  it('-s is --stage (a value) under run and cloud, --show (bare) under the logins', () => {
    expect(analyseArgs(['cloud', 'run', '-s', '-c']).config).toBeUndefined();
    expect(analyseArgs(['cloud', 'login', '-s', '-c', '/a.json'])).toMatchObject({ login: { show: true }, config: { path: '/a.json' } });
    expect(analyseArgs(['login', 'cloud', '-s', '-c', '/a.json'])).toMatchObject({ login: { show: true }, config: { path: '/a.json' } });
  });

  it('-r is --reset under the logins and unknown elsewhere', () => {
    expect(analyseArgs(['cloud', 'login', '-r']).login?.reset).toBe(true);
    expect(analyseArgs(['run', '-r']).unknownFlags).toEqual(['-r']);
  });
});

describe('optional-value flags (pflag NoOptDefVal)', () => {
  it.each([
    ['run', '--http-debug'],
    ['cloud', '--http-debug'],
    ['archive', '--http-debug'],
    ['run', '--once'],
  ])('%s %s carries a value only written with =', (command, flag) => {
    expect(analyseArgs([command, `${flag}=full`, '-c', '/a.json'])).toMatchObject({ unknownFlags: [], config: { path: '/a.json' } });
    // Written bare, `full` is the script, not the flag's value: -c is still read.
    expect(analyseArgs([command, flag, 'full', '-c', '/a.json'])).toMatchObject({ unknownFlags: [], config: { path: '/a.json' } });
  });

  it('lets cobra walk past them to a subcommand, as they take nothing (`k6 cloud --http-debug login`)', () => {
    expect(analyseArgs(['cloud', '--http-debug', 'login']).command).toEqual(['cloud', 'login']);
    expect(analyseArgs(['cloud', '--show-logs', 'login']).command).toEqual(['cloud', 'login']);
    expect(analyseArgs(['cloud', '--vus', 'login']).command).toEqual(['cloud']);
  });
});
