// replaceConfigPath must hand k6 exactly the path it was given, in every spelling of -c/--config,
// including paths that pflag could read differently (a leading `=`).
import { describe, expect, it } from 'vitest';
import { analyseArgs, replaceConfigPath, type ConfigFlag } from '../../../src/args/analyse.ts';

function configOf(argv: string[]): ConfigFlag {
  const config = analyseArgs(argv).config;
  if (!config) throw new Error(`no config flag in ${JSON.stringify(argv)}`);
  return config;
}

const SPELLINGS: string[][] = [
  ['run', '-c', '/old.json'],
  ['run', '--config', '/old.json'],
  ['run', '--config=/old.json'],
  ['run', '-c=/old.json'],
  ['run', '-c/old.json'],
  ['run', '-qc/old.json'],
  ['run', '-qc=/old.json'],
  ['-qc', 'run', '/old.json'],
];
const AWKWARD_PATHS = ['=x.json', '==x.json', 'x=.json', 'x.json=', '=', '-', '--', '-c', ' spaced .json', '/a=b/c.json'];

describe('replaceConfigPath reads back as given', () => {
  for (const argv of SPELLINGS) {
    it.each(AWKWARD_PATHS)(`${JSON.stringify(argv)} with %j`, (path) => {
      const replaced = replaceConfigPath(argv, configOf(argv), path);
      expect(analyseArgs(replaced).config?.path).toBe(path);
      expect(analyseArgs(replaced).command).toEqual(analyseArgs(argv).command);
    });
  }
});

describe('the `=` guard', () => {
  it('is added only to an attached short value: -c + =x is written -c==x', () => {
    expect(replaceConfigPath(['run', '-c/old'], configOf(['run', '-c/old']), '=x')).toEqual(['run', '-c==x']);
    expect(replaceConfigPath(['run', '-qc/old'], configOf(['run', '-qc/old']), '=x')).toEqual(['run', '-qc==x']);
  });

  it('is not added where the value is separate or follows an `=` already', () => {
    expect(replaceConfigPath(['run', '-c', '/old'], configOf(['run', '-c', '/old']), '=x')).toEqual(['run', '-c', '=x']);
    expect(replaceConfigPath(['run', '--config', '/old'], configOf(['run', '--config', '/old']), '=x')).toEqual(['run', '--config', '=x']);
    expect(replaceConfigPath(['run', '--config=/old'], configOf(['run', '--config=/old']), '=x')).toEqual(['run', '--config==x']);
    expect(replaceConfigPath(['run', '-c=/old'], configOf(['run', '-c=/old']), '=x')).toEqual(['run', '-c==x']);
  });

  it('is not added for a path that merely contains or ends with `=`', () => {
    expect(replaceConfigPath(['run', '-c/old'], configOf(['run', '-c/old']), 'x=')).toEqual(['run', '-cx=']);
    expect(replaceConfigPath(['run', '-c/old'], configOf(['run', '-c/old']), 'a=b')).toEqual(['run', '-ca=b']);
  });
});

describe('where the value is', () => {
  it('replaces an empty value, at the very end of its token', () => {
    expect(replaceConfigPath(['run', '--config='], configOf(['run', '--config=']), '/new.json')).toEqual(['run', '--config=/new.json']);
    expect(replaceConfigPath(['run', '-c', ''], configOf(['run', '-c', '']), '/new.json')).toEqual(['run', '-c', '/new.json']);
  });

  it('changes no other argument', () => {
    const argv = ['-q', 'cloud', '--config', '/old.json', 'login', '-t', '/old.json'];
    expect(replaceConfigPath(argv, configOf(argv), '/new.json')).toEqual(['-q', 'cloud', '--config', '/new.json', 'login', '-t', '/old.json']);
  });
});

describe('refusals', () => {
  const argv = ['run', '-c', '/old.json'];
  const config = configOf(argv);

  it('refuses an empty path, saying so', () => {
    expect(() => replaceConfigPath(argv, config, '')).toThrow(new RangeError('a config path cannot be empty'));
  });

  it('refuses a flag whose value is past the end of its token, naming the flag position', () => {
    expect(() => replaceConfigPath(['run', '-c', 'ab'], { ...config, valueOffset: 3 }, '/x')).toThrow(
      new RangeError('config flag at 1/2 does not fit these arguments'),
    );
  });

  it('refuses a flag or value index beyond the arguments', () => {
    expect(() => replaceConfigPath(argv, { ...config, valueIndex: 3 }, '/x')).toThrow(RangeError);
    expect(() => replaceConfigPath(argv, { ...config, flagIndex: 3 }, '/x')).toThrow(new RangeError('config flag at 3/2 does not fit these arguments'));
  });
});
