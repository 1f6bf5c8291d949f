// Which commands are cloud commands: `cloud run`, `cloud upload`, and `run` with the cloud
// output however it is spelled (flags in pflag's forms, K6_OUT, the config's `out`).
import { describe, expect, it } from 'vitest';
import { analyseArgs } from '../../../src/args/analyse.ts';
import { cloudCommandOf, outputFlags, usesStack } from '../../../src/credentials/cloud-command.ts';

const of = (argv: string[], env: Record<string, string> = {}, config: Record<string, unknown> | undefined = undefined) =>
  cloudCommandOf(analyseArgs(argv), argv, env, () => config);

describe('cloudCommandOf', () => {
  it.each([
    [['cloud', 'run', 'x.js'], 'cloud run'],
    [['cloud', 'upload', 'x.js'], 'cloud upload'],
    [['-q', 'cloud', 'run', '--local-execution', 'x.js'], 'cloud run'],
    [['run', '-o', 'cloud', 'x.js'], 'run -o cloud'],
    [['run', '--out', 'cloud', 'x.js'], 'run -o cloud'],
    [['run', '--out=cloud', 'x.js'], 'run -o cloud'],
    [['run', '-ocloud', 'x.js'], 'run -o cloud'],
    [['run', '-o=cloud', 'x.js'], 'run -o cloud'],
    [['run', '-qo', 'cloud', 'x.js'], 'run -o cloud'],
    [['run', '--out', 'cloud=name', 'x.js'], 'run -o cloud'],
    [['run', '-o', 'json=r.json', '-o', 'cloud', 'x.js'], 'run -o cloud'],
    [['run', 'x.js', '--out', 'cloud', '--tag', 'instance_id=1'], 'run -o cloud'],
  ] as const)('%j is %s', (argv, expected) => {
    expect(of([...argv])).toBe(expected);
  });

  it.each([
    [['run', 'x.js']],
    [['run', '-o', 'json=cloud.json', 'x.js']],
    [['run', '-o', 'cloudy', 'x.js']],
    [['run', '--tag', '-o', 'cloud', 'x.js']],
    [['run', 'x.js', '--', '-o', 'cloud']],
    [['cloud', 'login', '--token', 'T', '--stack', 's']],
    [['cloud', 'run', '--help']],
    [['archive', 'x.js']],
    [['inspect', 'x.js']],
    [['version']],
  ] as const)('%j is none', (argv) => {
    expect(of([...argv])).toBeUndefined();
  });

  it('K6_OUT names the outputs when no flag does', () => {
    expect(of(['run', 'x.js'], { K6_OUT: 'json=r.json,cloud' })).toBe('run -o cloud');
    expect(of(['run', '-o', 'json=r.json', 'x.js'], { K6_OUT: 'cloud' })).toBeUndefined();
  });

  it('the config file\'s `out` applies when neither does, and is read only then', () => {
    expect(of(['run', 'x.js'], {}, { out: ['cloud'] })).toBe('run -o cloud');
    expect(of(['run', 'x.js'], { K6_OUT: 'json' }, { out: ['cloud'] })).toBeUndefined();
    let reads = 0;
    const argv = ['run', '-o', 'cloud', 'x.js'];
    cloudCommandOf(analyseArgs(argv), argv, {}, () => {
      reads += 1;
      return undefined;
    });
    expect(reads).toBe(0);
  });
});

it('outputFlags reads every spelling in order', () => {
  expect(outputFlags(['run', '-o', 'a', '--out=b', '-oc', '--out', 'd', '-qo=e', 'x.js'])).toEqual(['a', 'b', 'c', 'd', 'e']);
});

it('only cloud run and cloud upload use the stack (audit D1)', () => {
  expect([usesStack('cloud run'), usesStack('cloud upload'), usesStack('run -o cloud')]).toEqual([true, true, false]);
});
