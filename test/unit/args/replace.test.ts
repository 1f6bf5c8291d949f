import { describe, expect, it } from 'vitest';
import { analyseArgs, replaceConfigPath } from '../../../src/args/analyse.ts';

function replaced(argv: string[], newPath: string): string[] {
  const config = analyseArgs(argv).config;
  if (!config) throw new Error(`no config flag in ${JSON.stringify(argv)}`);
  return replaceConfigPath(argv, config, newPath);
}

describe('replaceConfigPath', () => {
  it.each([
    [['run', '-c', '/old.json', 's.js'], ['run', '-c', '/new.json', 's.js']],
    [['run', '--config', '/old.json'], ['run', '--config', '/new.json']],
    [['run', '--config=/old.json'], ['run', '--config=/new.json']],
    [['run', '-c=/old.json'], ['run', '-c=/new.json']],
    [['run', '-c/old.json'], ['run', '-c/new.json']],
    [['-qc/old.json', 'run'], ['-qc/new.json', 'run']],
    [['-qc=/old.json', 'run'], ['-qc=/new.json', 'run']],
    [['-qc', 'run', '/old.json'], ['-qc', 'run', '/new.json']],
  ])('keeps the spelling of %j', (argv, expected) => {
    expect(replaced(argv, '/new.json')).toEqual(expected);
  });

  it('changes only the last occurrence, the one k6 uses', () => {
    expect(replaced(['-c', '/a.json', 'run', '-c', '/b.json'], '/new.json')).toEqual(['-c', '/a.json', 'run', '-c', '/new.json']);
  });

  it('returns a new array and leaves its input alone', () => {
    const argv = ['run', '-c', '/old.json'];
    const result = replaced(argv, '/new.json');
    expect(argv).toEqual(['run', '-c', '/old.json']);
    expect(result).not.toBe(argv);
  });

  it('writes an attached path that starts with `=` so that it reads back unchanged', () => {
    const argv = replaced(['run', '-c/old.json'], '=odd.json');
    expect(argv).toEqual(['run', '-c==odd.json']);
    expect(analyseArgs(argv).config?.path).toBe('=odd.json');
  });

  it('refuses an empty path', () => {
    const argv = ['run', '-c', '/old.json'];
    const config = analyseArgs(argv).config!;
    expect(() => replaceConfigPath(argv, config, '')).toThrow(RangeError);
  });

  it('refuses a flag that does not fit the arguments', () => {
    const config = analyseArgs(['run', '-c', '/old.json']).config!;
    expect(() => replaceConfigPath(['run'], config, '/new.json')).toThrow(RangeError);
    expect(() => replaceConfigPath(['run', '-c', ''], { ...config, valueIndex: 2, valueOffset: 5 }, '/x')).toThrow(RangeError);
  });
});
