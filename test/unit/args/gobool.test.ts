// pflag reads `--flag=value` of a bool flag with Go's strconv.ParseBool: exactly these twelve
// spellings, and an error for anything else (k6 then exits before doing anything).
import { describe, expect, it } from 'vitest';
import { analyseArgs } from '../../../src/args/analyse.ts';
import { parseGoBool } from '../../../src/args/gobool.ts';

const GO_TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const GO_FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];
// Each close to a Go spelling, and each a syntax error for strconv.ParseBool.
const NOT_GO = ['', 'yes', 'no', 'on', 'off', 'y', 'n', 'tRUE', 'TRue', 'fALSE', 'FAlse', 'TrUe', ' true', 'true ', '01', '2', '-1', 'tt', 'truee'];

describe('parseGoBool', () => {
  it.each(GO_TRUE)('reads %j as true', (text) => {
    expect(parseGoBool(text)).toBe(true);
  });

  it.each(GO_FALSE)('reads %j as false', (text) => {
    expect(parseGoBool(text)).toBe(false);
  });

  it.each(NOT_GO)('has no value for %j', (text) => {
    expect(parseGoBool(text)).toBeUndefined();
  });
});

describe('bool flags written with a value', () => {
  // Starting from the opposite value, so that each spelling has to change the outcome.
  it.each(GO_TRUE)('--quiet=%s after --quiet=false turns quiet on', (text) => {
    expect(analyseArgs(['run', '--quiet=false', `--quiet=${text}`]).quiet).toBe(true);
    expect(analyseArgs(['run', '-q=0', `-q=${text}`]).quiet).toBe(true);
  });

  it.each(GO_FALSE)('--quiet=%s after -q turns quiet off', (text) => {
    expect(analyseArgs(['run', '-q', `--quiet=${text}`]).quiet).toBe(false);
    expect(analyseArgs(['run', '-q', `-q=${text}`]).quiet).toBe(false);
  });

  it.each(NOT_GO.filter((text) => text !== ''))('--quiet=%j leaves quiet as it was (k6 refuses it)', (text) => {
    expect(analyseArgs(['run', '-q', `--quiet=${text}`]).quiet).toBe(true);
    expect(analyseArgs(['run', `--quiet=${text}`]).quiet).toBe(false);
  });

  it('reads --show and --help with values the same way', () => {
    expect(analyseArgs(['cloud', 'login', '--show=T']).login?.show).toBe(true);
    expect(analyseArgs(['cloud', 'login', '-s', '--show=F']).login?.show).toBe(false);
    expect(analyseArgs(['run', '--help=True']).help).toBe(true);
    expect(analyseArgs(['run', '-h', '--help=False']).help).toBe(false);
  });
});
