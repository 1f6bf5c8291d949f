// What analyseArgs returns holds only what the command line says: a field that was not found is
// absent, not present as undefined (the status command and the debug output print these objects).
import { describe, expect, it } from 'vitest';
import { analyseArgs } from '../../../src/args/analyse.ts';

describe('the analysis has exactly the fields found', () => {
  it('a plain run', () => {
    expect(analyseArgs(['run', 'script.js'])).toStrictEqual({ command: ['run'], quiet: false, help: false, unknownFlags: [] });
  });

  it('a run with every optional field', () => {
    expect(analyseArgs(['frobnicate', '-q', '--made-up', '-c', '/a.json', '--vus'])).toStrictEqual({
      command: [],
      unknownCommand: 'frobnicate',
      config: { path: '/a.json', flagIndex: 3, valueIndex: 4, form: 'separate', valueOffset: 0 },
      quiet: true,
      help: false,
      unknownFlags: ['--made-up', '--vus'],
    });
    expect(analyseArgs(['run', '--vus'])).toStrictEqual({ command: ['run'], quiet: false, help: false, unknownFlags: [], flagMissingValue: '--vus' });
  });

  it('a login without token or stack has neither field', () => {
    expect(analyseArgs(['cloud', 'login']).login).toStrictEqual({ kind: 'cloud-login', show: false, reset: false, flagsAt: 2 });
    expect(analyseArgs(['login', 'cloud', '-s']).login).toStrictEqual({ kind: 'login-cloud', show: true, reset: false, flagsAt: 2 });
  });

  it('a login with both', () => {
    expect(analyseArgs(['cloud', 'login', '--stack', 'team', '-t', 'T0k']).login).toStrictEqual({
      kind: 'cloud-login',
      token: 'T0k',
      stack: 'team',
      show: false,
      reset: false,
      flagsAt: 2,
    });
  });
});

describe('a first word k6 has no command for', () => {
  it.each([
    [['frobnicate'], 'frobnicate'],
    [['script.js', 'run'], 'script.js'],
    [['-q', 'xy', 'run'], 'xy'],
    [['ab', 'run'], 'ab'],
    [['-c', '/a.json', 'k7', '-c', '/b.json'], 'k7'],
  ])('%j names %j', (argv, word) => {
    expect(analyseArgs(argv)).toMatchObject({ command: [], unknownCommand: word });
  });

  it.each([[[]], [['run', 'cloud']], [['cloud', 'influxdb']], [['--', 'frobnicate']], [['-u', '10', 'run']], [['', 'run']], [['-', 'run']]])(
    '%j has none',
    (argv) => {
      expect(analyseArgs(argv).unknownCommand).toBeUndefined();
    },
  );

  it('skips an empty word and a lone dash while looking for the command, as cobra does', () => {
    expect(analyseArgs(['', 'run']).command).toEqual(['run']);
    expect(analyseArgs(['-', 'cloud', '', 'login']).command).toEqual(['cloud', 'login']);
  });
});
