// The edges of reading a config document: each kind of number that must be written back with its
// own digits (one at a time, since one such number sends the whole file down the exact path), the
// nesting count around strings, escapes, numbers and closing brackets, the parser error reduced
// to a position, and the serializer's JSON.stringify rules for values JSON cannot hold.
import { describe, expect, it } from 'vitest';
import { cloudSection, parseConfigText, serializeConfig } from '../../../src/config/document.ts';

function roundTrip(text: string): string {
  const parsed = parseConfigText(text);
  if (!parsed.ok) throw new Error(`refused: ${parsed.problem}`);
  return serializeConfig(parsed.config);
}

describe('a number is written back with the digits the file had', () => {
  it.each([
    '12345678901234567891',
    '-12345678901234567891',
    '1.50',
    '0.10',
    '1.0',
    '-0',
    '-0.0',
    '1e400',
    '1E400',
    '1e5',
    '2E-3',
    '1e+2',
    '123456789012345678',
    '9007199254740993',
  ])('%s, alone in the file', (number) => {
    expect(roundTrip(`{"a":${number}}`)).toBe(`{\n  "a": ${number}\n}\n`);
  });

  it.each(['0', '-7', '100', '0.5', '123456789012345', '-123456789012345', '1e-7'])('%s stays a plain number', (number) => {
    const parsed = parseConfigText(`{"a":${number}}`);
    expect(parsed.ok && typeof parsed.config['a']).toBe('number');
    expect(roundTrip(`{"a":${number}}`)).toBe(`{\n  "a": ${JSON.stringify(Number(number))}\n}\n`);
  });

  it('keeps the other values of such a file as plain values: numbers, and strings as they decode', () => {
    const parsed = parseConfigText('{"a":1.50,"b":2,"s":"\\u0041\\n","t":true,"n":null}');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.config['b']).toBe(2);
    expect(parsed.config['s']).toBe('A\n');
    expect(parsed.config['t']).toBe(true);
    expect(parsed.config['n']).toBeNull();
    expect(serializeConfig(parsed.config)).toBe('{\n  "a": 1.50,\n  "b": 2,\n  "s": "A\\n",\n  "t": true,\n  "n": null\n}\n');
  });
});

describe('nesting is counted as k6 counts it', () => {
  const LIMIT = 10_000;
  const accepted = (text: string) => parseConfigText(text).ok;

  it('not inside a string, even after an escaped quote', () => {
    expect(accepted(`{"a":"\\"${'['.repeat(LIMIT + 1)}"}`)).toBe(true);
    expect(accepted(`{"a":"\\\\","b":${'['.repeat(LIMIT)}${']'.repeat(LIMIT)}}`)).toBe(false);
  });

  it('down again at each closing bracket', () => {
    expect(accepted(`{"a":[${'[],'.repeat(LIMIT + 1)}[]]}`)).toBe(true);
    expect(accepted(`{"a":[${'[0],'.repeat(LIMIT + 1)}[0]]}`)).toBe(true);
  });

  it('also after a number', () => {
    expect(accepted(`{"a":[0,${'['.repeat(LIMIT)}${']'.repeat(LIMIT)}]}`)).toBe(false);
    expect(accepted(`{"a":[-1.5e3,${'['.repeat(LIMIT)}${']'.repeat(LIMIT)}]}`)).toBe(false);
    expect(accepted(`{"a":[0,${'['.repeat(LIMIT - 2)}${']'.repeat(LIMIT - 2)}]}`)).toBe(true);
  });
});

describe('a file that is not JSON is described by position only', () => {
  it.each([
    ['{"a":', 'it is not valid JSON (it ends too early, as a truncated file does)'],
    ['{oops', 'it is not valid JSON (error at line 1 column 2)'],
    [`{${'\n'.repeat(11)}          "a": 1,,\n}`, 'it is not valid JSON (error at line 12 column 18)'],
    ['{"token":"SECRET-123",]', 'it is not valid JSON (error at line 1 column 23)'],
    ['[1,]', 'it is not valid JSON (unexpected text)'],
  ])('%j', (text, problem) => {
    expect(parseConfigText(text)).toEqual({ ok: false, problem });
  });

  it('never quotes the text, which may hold the token', () => {
    const parsed = parseConfigText('{"collectors":{"cloud":{"token":"tok-SECRET"},]}');
    expect(!parsed.ok && parsed.problem).not.toContain('SECRET');
  });
});

describe('serializeConfig', () => {
  it('leaves out what JSON cannot hold, as JSON.stringify does', () => {
    const config = { a: undefined, f: () => 1, b: 1, arr: [undefined, () => 2, 3], nested: { u: undefined } };
    expect(serializeConfig(config)).toBe(`${JSON.stringify(config, null, 2)}\n`);
  });
});

describe('cloudSection', () => {
  it.each([
    ['null', { collectors: { cloud: null } }],
    ['an array', { collectors: { cloud: [1] } }],
    ['a string', { collectors: { cloud: 'x' } }],
    ['missing collectors', { other: {} }],
    ['collectors null', { collectors: null }],
    ['collectors an array', { collectors: [{ cloud: { token: 't' } }] }],
  ])('is empty for %s', (_what, config) => {
    expect(cloudSection(config)).toStrictEqual({});
  });
});
