import { describe, expect, it } from 'vitest';
import { analyseArgs, insertFlags, type ConfigFlag } from '../../../src/args/analyse.ts';

describe('command path', () => {
  it.each([
    [[], []],
    [['run', 'script.js'], ['run']],
    [['cloud', 'login'], ['cloud', 'login']],
    [['login', 'cloud'], ['login', 'cloud']],
    [['cloud', 'run', 'script.js'], ['cloud', 'run']],
    [['cloud', 'upload', 'script.js'], ['cloud', 'upload']],
    [['cloud', 'script.js'], ['cloud']],
    [['login', 'influxdb', 'http://influx:8086/k6'], ['login', 'influxdb']],
    [['archive', 'script.js'], ['archive']],
    [['inspect', 'script.js'], ['inspect']],
  ])('%j is %j', (argv, command) => {
    expect(analyseArgs(argv).command).toEqual(command);
  });

  it.each(['run', 'cloud', 'login', 'archive', 'inspect', 'version', 'new', 'help', 'completion', 'pause', 'resume', 'scale', 'stats', 'status'])(
    'knows the root command %s',
    (word) => {
      expect(analyseArgs([word]).command).toEqual([word]);
    },
  );

  it('stops at the first positional that is not a subcommand of the level reached', () => {
    expect(analyseArgs(['script.js', 'run']).command).toEqual([]);
    expect(analyseArgs(['run', 'cloud']).command).toEqual(['run']);
    expect(analyseArgs(['cloud', 'cloud']).command).toEqual(['cloud']);
    expect(analyseArgs(['login', 'cloud', 'extra']).command).toEqual(['login', 'cloud']);
    expect(analyseArgs(['cloud', 'influxdb']).command).toEqual(['cloud']);
  });

  it('never takes a property of Object.prototype for a subcommand', () => {
    expect(analyseArgs(['constructor']).command).toEqual([]);
    expect(analyseArgs(['__proto__', 'run']).command).toEqual([]);
    expect(analyseArgs(['run', 'toString']).command).toEqual(['run']);
  });

  it('skips root persistent flags and their values before and between command words', () => {
    expect(analyseArgs(['-c', '/x.json', 'run']).command).toEqual(['run']);
    expect(analyseArgs(['--config', 'run', 'run']).command).toEqual(['run']);
    expect(analyseArgs(['--config=/x.json', 'cloud', 'login']).command).toEqual(['cloud', 'login']);
    expect(analyseArgs(['-c/x.json', 'run']).command).toEqual(['run']);
    expect(analyseArgs(['-q', '--log-output', 'stdout', 'run']).command).toEqual(['run']);
    expect(analyseArgs(['cloud', '-c', '/x.json', '--quiet', 'login']).command).toEqual(['cloud', 'login']);
    expect(analyseArgs(['login', '-a', 'localhost:6565', 'cloud']).command).toEqual(['login', 'cloud']);
  });

  it("skips the value of a flag the level itself defines (--stage is cloud's)", () => {
    expect(analyseArgs(['cloud', '--stage', '10s:5', 'login']).command).toEqual(['cloud', 'login']);
    expect(analyseArgs(['cloud', '-s', 'login']).command).toEqual(['cloud']);
  });

  it('like cobra, assumes a flag unknown at the current level takes the next token (`k6 -u 10 run` works)', () => {
    expect(analyseArgs(['-u', '10', 'run', 'script.js']).command).toEqual(['run']);
    expect(analyseArgs(['--vus', '10', 'run']).command).toEqual(['run']);
    // ...which makes k6 itself fail with `unknown command "script.js"`; we report no command.
    expect(analyseArgs(['--no-setup', 'run', 'script.js']).command).toEqual([]);
  });

  it('does not skip after an unknown flag written with `=`', () => {
    expect(analyseArgs(['--no-setup=true', 'run']).command).toEqual(['run']);
  });

  it('like cobra, never skips a token after a shorthand cluster while walking', () => {
    // `-qc /cfg run`: cobra sees "/cfg" as the command and k6 fails; pflag would have read it as the path.
    const analysis = analyseArgs(['-qc', '/cfg.json', 'run', 'script.js']);
    expect(analysis.command).toEqual([]);
    expect(analysis.config?.path).toBe('/cfg.json');
  });

  it.each([
    [['frobnicate', 'x.js'], 'frobnicate'],
    [['--log-output', 'none', 'frobnicate'], 'frobnicate'],
    [['-q', 'xk6-thing', '--flag'], 'xk6-thing'],
  ])('names an unknown top-level word (a newer k6\'s command) apart from no command at all: %j', (argv, word) => {
    const analysis = analyseArgs(argv);
    expect(analysis.command).toEqual([]);
    expect(analysis.unknownCommand).toBe(word);
  });

  it.each([[[] as string[]], [['-q']], [['run', 'x.js']], [['cloud', 'frob']], [['--', 'frobnicate']]])('has no unknown command for %j', (argv) => {
    expect(analyseArgs(argv).unknownCommand).toBeUndefined();
  });

  it('finds no command word after `--`', () => {
    expect(analyseArgs(['--', 'run']).command).toEqual([]);
    expect(analyseArgs(['--', 'script.js', 'run']).command).toEqual([]);
    expect(analyseArgs(['cloud', '--', 'login']).command).toEqual(['cloud']);
  });

  it('takes -h as an unknown flag while walking, as cobra registers it only when executing', () => {
    expect(analyseArgs(['-h', 'run']).command).toEqual([]);
    expect(analyseArgs(['run', '-h']).command).toEqual(['run']);
  });
});

describe('-c/--config', () => {
  type Expected = Omit<ConfigFlag, 'path'> & { path: string };
  const cases: Array<[string[], Expected]> = [
    [['run', '-c', '/a.json'], { path: '/a.json', flagIndex: 1, valueIndex: 2, form: 'separate', valueOffset: 0 }],
    [['run', '--config', '/a.json'], { path: '/a.json', flagIndex: 1, valueIndex: 2, form: 'separate', valueOffset: 0 }],
    [['run', '--config=/a.json'], { path: '/a.json', flagIndex: 1, valueIndex: 1, form: 'equals', valueOffset: 9 }],
    [['run', '-c=/a.json'], { path: '/a.json', flagIndex: 1, valueIndex: 1, form: 'equals', valueOffset: 3 }],
    [['run', '-c/a.json'], { path: '/a.json', flagIndex: 1, valueIndex: 1, form: 'attached', valueOffset: 2 }],
    [['run', '-qc', '/a.json'], { path: '/a.json', flagIndex: 1, valueIndex: 2, form: 'separate', valueOffset: 0 }],
    [['run', '-qc/a.json'], { path: '/a.json', flagIndex: 1, valueIndex: 1, form: 'attached', valueOffset: 3 }],
    [['run', '-qc=/a.json'], { path: '/a.json', flagIndex: 1, valueIndex: 1, form: 'equals', valueOffset: 4 }],
    [['run', '-vqc', '/a.json'], { path: '/a.json', flagIndex: 1, valueIndex: 2, form: 'separate', valueOffset: 0 }],
    [['-c', '/a.json', 'run'], { path: '/a.json', flagIndex: 0, valueIndex: 1, form: 'separate', valueOffset: 0 }],
    [['cloud', '-c', '/a.json', 'login'], { path: '/a.json', flagIndex: 1, valueIndex: 2, form: 'separate', valueOffset: 0 }],
    [['run', 'script.js', '--config', '/a.json'], { path: '/a.json', flagIndex: 2, valueIndex: 3, form: 'separate', valueOffset: 0 }],
  ];
  it.each(cases)('%j', (argv, expected) => {
    expect(analyseArgs(argv).config).toEqual(expected);
  });

  it('takes the value of a flag from the next token pflag sees, which skips command words', () => {
    // cobra finds `run` (nothing skips it after a cluster), then pflag gives -qc the next remaining token.
    expect(analyseArgs(['-qc', 'run', '/a.json', 'script.js']).config).toEqual({
      path: '/a.json', flagIndex: 0, valueIndex: 2, form: 'separate', valueOffset: 0,
    });
  });

  it('the last occurrence wins', () => {
    const config = analyseArgs(['-c', '/first.json', 'run', '--config=/second.json', 'script.js']).config;
    expect(config?.path).toBe('/second.json');
    expect(config?.flagIndex).toBe(3);
  });

  it('takes the next token verbatim as a separate value, even one that looks like a flag', () => {
    expect(analyseArgs(['run', '-c', '--']).config?.path).toBe('--');
    const analysis = analyseArgs(['run', '--config', '-q']);
    expect(analysis.config?.path).toBe('-q');
    expect(analysis.quiet).toBe(false);
  });

  it('reads `-c=` as the attached value "=" (pflag needs a character after `=`)', () => {
    expect(analyseArgs(['run', '-c=']).config).toMatchObject({ path: '=', form: 'attached', valueOffset: 2 });
  });

  it('keeps empty values and values containing `=`', () => {
    expect(analyseArgs(['run', '-c', '']).config?.path).toBe('');
    expect(analyseArgs(['run', '--config=']).config?.path).toBe('');
    expect(analyseArgs(['run', '--config=/a=b.json']).config?.path).toBe('/a=b.json');
  });

  it('a shorthand value ends the cluster: `-cq` is the path "q"', () => {
    const analysis = analyseArgs(['run', '-cq']);
    expect(analysis.config?.path).toBe('q');
    expect(analysis.quiet).toBe(false);
  });

  it('ignores everything after `--`', () => {
    expect(analyseArgs(['run', '--', '-c', '/a.json']).config).toBeUndefined();
    expect(analyseArgs(['run', '-c', '/a.json', '--', '-c', '/b.json']).config?.path).toBe('/a.json');
  });

  it('reports a config flag with no value left instead of a config', () => {
    expect(analyseArgs(['run', '-c'])).toMatchObject({ flagMissingValue: '-c' });
    expect(analyseArgs(['run', '-c']).config).toBeUndefined();
    expect(analyseArgs(['run', '--config']).flagMissingValue).toBe('--config');
    expect(analyseArgs(['run', '-qc']).flagMissingValue).toBe('-c');
    expect(analyseArgs(['run', '-c', 'x']).flagMissingValue).toBeUndefined();
  });

  it('assumes unknown flags are boolean, so they never swallow a following -c', () => {
    const analysis = analyseArgs(['run', '--made-up', '-c', '/a.json', '-z', '-xc', '/b.json']);
    expect(analysis.config?.path).toBe('/b.json');
    expect(analysis.unknownFlags).toEqual(['--made-up', '-z', '-x']);
  });

  it('lets an unknown flag written `--x=v` carry its own value only', () => {
    expect(analyseArgs(['run', '--made-up=-c', '/a.json']).config).toBeUndefined();
  });

  it('reports malformed long flags as unknown', () => {
    expect(analyseArgs(['run', '---c', '/a.json']).unknownFlags).toEqual(['---c']);
    expect(analyseArgs(['run', '--=x']).unknownFlags).toEqual(['--=x']);
  });

  it('does not take a lone `-` or an empty token for a flag', () => {
    const analysis = analyseArgs(['run', '-', '', '-c', '/a.json']);
    expect(analysis.config?.path).toBe('/a.json');
    expect(analysis.unknownFlags).toEqual([]);
  });
});

describe('quiet', () => {
  it.each([
    [['run'], false],
    [['run', '-q'], true],
    [['-q', 'run'], true],
    [['run', '--quiet'], true],
    [['run', '--quiet=true'], true],
    [['run', '--quiet=T'], true],
    [['run', '-q=1'], true],
    [['run', '--quiet=false'], false],
    [['run', '-q=false'], false],
    [['run', '-q=0'], false],
    [['run', '-vq'], true],
    [['run', '-qc', '/a.json'], true],
    [['-q', 'run', '--quiet=false'], false],
    [['run', '--quiet=false', '-q'], true],
    [['run', '--quiet=maybe'], false],
    [['run', '-q', '--quiet=maybe'], true],
    [['run', '--', '-q'], false],
    [['cloud', 'login', '-q'], true],
  ])('%j -> %s', (argv, quiet) => {
    expect(analyseArgs(argv).quiet).toBe(quiet);
  });
});

describe('help', () => {
  it.each([
    [['run'], false],
    [['run', '-h'], true],
    [['run', '--help'], true],
    [['-h'], true],
    [['run', '--help=false'], false],
    [['run', '-qh'], true],
    [['help'], true],
    [['help', 'cloud', 'login'], true],
    [['run', '--', '--help'], false],
    [['run', 'help'], false],
  ])('%j -> %s', (argv, help) => {
    expect(analyseArgs(argv).help).toBe(help);
  });
});

describe('login', () => {
  it('names the command used', () => {
    expect(analyseArgs(['cloud', 'login']).login).toEqual({ kind: 'cloud-login', show: false, reset: false, flagsAt: 2 });
    expect(analyseArgs(['login', 'cloud']).login).toEqual({ kind: 'login-cloud', show: false, reset: false, flagsAt: 2 });
  });

  it.each([['run'], ['cloud'], ['cloud', 'run'], ['login'], ['login', 'influxdb'], ['help', 'cloud', 'login'], []])(
    'is absent for %j',
    (...argv) => {
      expect(analyseArgs(argv).login).toBeUndefined();
    },
  );

  it.each([
    [['-t', 'T0k']],
    [['-tT0k']],
    [['-t=T0k']],
    [['--token', 'T0k']],
    [['--token=T0k']],
    [['-qt', 'T0k']],
  ])('reads the token from %j', (flags) => {
    expect(analyseArgs(['cloud', 'login', ...flags]).login?.token).toBe('T0k');
    expect(analyseArgs(['login', 'cloud', ...flags]).login?.token).toBe('T0k');
  });

  it('takes the last token, and keeps an empty one', () => {
    expect(analyseArgs(['cloud', 'login', '-t', 'a', '--token=b']).login?.token).toBe('b');
    expect(analyseArgs(['cloud', 'login', '--token=']).login?.token).toBe('');
  });

  it('reads the token from a flag placed before the command words', () => {
    // cobra skips `-t`'s value at every level (unknown above login), pflag then reads it as the token.
    expect(analyseArgs(['-t', 'T0k', 'cloud', 'login']).login?.token).toBe('T0k');
  });

  it.each([[['--stack', 'my-team']], [['--stack=my-team']]])('reads the stack of `cloud login` from %j', (flags) => {
    expect(analyseArgs(['cloud', 'login', '-t', 'T', ...flags]).login?.stack).toBe('my-team');
  });

  it('has no --stack for the v1 `login cloud`: it is an unknown flag there', () => {
    const analysis = analyseArgs(['login', 'cloud', '--stack', 'my-team', '-t', 'T']);
    expect(analysis.login?.stack).toBeUndefined();
    expect(analysis.login?.token).toBe('T');
    expect(analysis.unknownFlags).toEqual(['--stack']);
  });

  it.each([
    [['-s'], true],
    [['--show'], true],
    [['--show=true'], true],
    [['--show=false'], false],
    [['-s', '--show=false'], false],
    [[], false],
  ])('show for %j is %s', (flags, show) => {
    expect(analyseArgs(['cloud', 'login', ...flags]).login?.show).toBe(show);
  });

  it.each([
    [['-r'], true],
    [['--reset'], true],
    [['--reset=false'], true],
    [['-r=0'], true],
    [[], false],
  ])('reset for %j is %s (k6 resets whenever the flag is present)', (flags, reset) => {
    expect(analyseArgs(['login', 'cloud', ...flags]).login?.reset).toBe(reset);
  });

  it('reads -rs as a cluster of reset and show', () => {
    expect(analyseArgs(['cloud', 'login', '-rs']).login).toMatchObject({ reset: true, show: true });
  });

  it('-s is --show under login but --stage under cloud, -t is --token under login but --type under run', () => {
    // cloud level: -s takes "1m:1" (stage); login level: -s is show and "1m:1" a stray positional.
    expect(analyseArgs(['cloud', '-s', '1m:1', 'login']).login?.show).toBe(true);
    expect(analyseArgs(['run', '-s', '1m:1']).unknownFlags).toEqual([]);
    expect(analyseArgs(['run', '-t', 'js', '-c', '/a.json']).config?.path).toBe('/a.json');
  });

  it.each([
    [['cloud', 'login'], 2],
    [['-q', 'cloud', 'login', '--stack', 's'], 3],
    [['-c', '/a.json', 'cloud', '-v', 'login'], 5],
    [['cloud', 'login', '--', 'x'], 2],
    [['-t', 'T0k', 'login', 'cloud'], 4],
  ])('flagsAt of %j is just after the command words: %i', (argv, at) => {
    expect(analyseArgs(argv).login?.flagsAt).toBe(at);
  });

  it('flags inserted at flagsAt are read by k6 as flags, never as another flag\'s value nor behind `--`', () => {
    for (const argv of [
      ['cloud', 'login', '--stack', 'team'],
      ['-c', '/a.json', 'cloud', 'login', '--', 'x'],
      ['cloud', '-c', '/a.json', 'login', '-c'],
      ['--config', 'login', 'cloud', 'login'],
    ]) {
      const at = analyseArgs(argv).login?.flagsAt;
      expect(at, JSON.stringify(argv)).toBeDefined();
      const inserted = analyseArgs(insertFlags(argv, ['--token=NEW', '--stack=https://x.grafana.net'], at!));
      expect(inserted.login?.token, JSON.stringify(argv)).toBe('NEW');
      expect(inserted.command, JSON.stringify(argv)).toEqual(['cloud', 'login']);
      expect(inserted.config?.path, JSON.stringify(argv)).toBe(analyseArgs(argv).config?.path);
    }
  });

  it('insertFlags keeps every other argument in order, and refuses a place outside argv', () => {
    expect(insertFlags(['a', 'b', 'c'], ['x', 'y'], 1)).toEqual(['a', 'x', 'y', 'b', 'c']);
    expect(insertFlags(['a'], ['x'], 1)).toEqual(['a', 'x']);
    expect(insertFlags(['a'], ['x'], 0)).toEqual(['x', 'a']);
    expect(() => insertFlags(['a'], ['x'], 2)).toThrow(RangeError);
    expect(() => insertFlags(['a'], ['x'], -1)).toThrow(RangeError);
    expect(() => insertFlags(['a'], ['x'], 0.5)).toThrow(RangeError);
  });

  it('reads -c and the token together', () => {
    const analysis = analyseArgs(['cloud', 'login', '-c', '/cfg/config.json', '-t', 'T']);
    expect(analysis.config?.path).toBe('/cfg/config.json');
    expect(analysis.login?.token).toBe('T');
  });
});

describe('flag tables per command', () => {
  it('knows value flags of run, so their values are not mistaken for flags', () => {
    const analysis = analyseArgs(['run', '-e', '-c', '-o', 'json', '--tag', 'a=b', 'script.js']);
    expect(analysis.config).toBeUndefined();
    expect(analysis.unknownFlags).toEqual([]);
  });

  it('knows the optional-value flags (--http-debug, --once) never take the next token', () => {
    expect(analyseArgs(['run', '--http-debug', '-c', '/a.json']).config?.path).toBe('/a.json');
    expect(analyseArgs(['cloud', 'run', '--once', '-c', '/a.json']).config?.path).toBe('/a.json');
  });

  it('does not give a command the local flags of its parent', () => {
    // --vus is cloud's, not cloud login's.
    expect(analyseArgs(['cloud', 'login', '--vus', '5']).unknownFlags).toEqual(['--vus']);
  });

  it('knows --version on the root command only', () => {
    expect(analyseArgs(['--version']).unknownFlags).toEqual([]);
    expect(analyseArgs(['run', '--version']).unknownFlags).toEqual(['--version']);
  });

  it('knows archive and inspect flags', () => {
    expect(analyseArgs(['archive', '-O', '-c', 'script.js']).config).toBeUndefined();
    expect(analyseArgs(['inspect', '--execution-requirements', '-c', '/a.json']).config?.path).toBe('/a.json');
  });
});
