import { describe, expect, it } from 'vitest';
import { cloudSection, nestingDepth, parseConfigText, serializeConfig, valueText } from '../../../src/config/document.ts';

describe('parseConfigText', () => {
  it('accepts a JSON object and keeps every key', () => {
    const result = parseConfigText('{"a":1,"collectors":{"cloud":{"token":"t"},"influxdb":{"x":1}}}');
    expect(result).toEqual({
      ok: true,
      empty: false,
      config: { a: 1, collectors: { cloud: { token: 't' }, influxdb: { x: 1 } } },
    });
  });

  it('treats an empty or blank file as an empty object, marked empty', () => {
    expect(parseConfigText('')).toEqual({ ok: true, config: {}, empty: true });
    expect(parseConfigText(' \n\t')).toEqual({ ok: true, config: {}, empty: true });
  });

  it.each([
    ['[]', 'an array'],
    ['"token"', 'a string'],
    ['42', 'a number'],
    ['null', 'null'],
    ['true', 'a boolean'],
  ])('refuses %s because it holds %s', (text, what) => {
    const result = parseConfigText(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toContain(what);
  });

  it('refuses text that is not JSON, naming the parser error', () => {
    const result = parseConfigText('{"collectors": {');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(/not valid JSON/);
  });

  it('refuses a byte-order mark, which k6 cannot read either', () => {
    const result = parseConfigText('\uFEFF{}');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(/byte-order mark/);
  });

  it.each([['{"collectors":[]}'], ['{"collectors":{"cloud":"x"}}'], ['{"collectors":{"cloud":[1]}}'], ['{"collectors":null}']])(
    'refuses %s: a merge into it could only lose data',
    (text) => {
      expect(parseConfigText(text).ok).toBe(false);
    },
  );

  it('writes numbers back with the digits the file had, also those JavaScript cannot hold exactly', () => {
    const text = '{"big":12345678901234567891,"half":1.50,"huge":1e400,"neg":-0,"plain":5,"f":0.1}';
    const result = parseConfigText(text);
    expect(result.ok).toBe(true);
    if (result.ok) expect(serializeConfig(result.config).replace(/\s/g, '')).toBe(text);
  });

  it('shows a number kept as its digits as those digits (it is no plain number)', () => {
    const result = parseConfigText('{"collectors":{"cloud":{"stackID":12345678901234567891,"defaultProjectID":7}}}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const cloud = cloudSection(result.config)!;
    expect(valueText(cloud['stackID'])).toBe('12345678901234567891');
    expect(valueText(cloud['defaultProjectID'])).toBe('7');
  });

  it('shows any JSON value as text without throwing, objects and arrays as JSON', () => {
    const result = parseConfigText('{"a":{"toString":1},"b":[1,{"valueOf":2}],"c":null,"d":"s","e":true}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const c = result.config;
    expect([c['a'], c['b'], c['c'], c['d'], c['e']].map(valueText)).toEqual(['{"toString":1}', '[1,{"valueOf":2}]', 'null', 's', 'true']);
  });

  it('keeps the last of duplicate keys, as k6 (Go) does', () => {
    const result = parseConfigText('{"a":1,"a":2}');
    expect(result.ok && result.config['a']).toBe(2);
  });

  it('reads and writes back nesting exactly as deep as k6 reads (10 000 levels)', () => {
    const deep = `${'['.repeat(9_999)}1${']'.repeat(9_999)}`;
    const result = parseConfigText(`{"x":${deep}}`);
    expect(result.ok).toBe(true);
    if (result.ok) expect(serializeConfig(result.config).replace(/\s/g, '')).toBe(`{"x":${deep}}`);
  });

  it.each([10_000, 200_000])('refuses %i levels inside the object, as k6 does, without running out of stack', (levels) => {
    const deep = '['.repeat(levels) + ']'.repeat(levels);
    expect(parseConfigText(`{"x":${deep}}`)).toEqual({ ok: false, problem: 'it is nested deeper than the 10000 levels k6 reads' });
  });

  it('counts nesting outside strings only', () => {
    expect(nestingDepth('{"a":[{"b":"[[[{{{\\"}}"}]}')).toBe(3);
    expect(nestingDepth('{"k":"\\\\"}')).toBe(1);
    expect(nestingDepth('[]')).toBe(1);
    expect(nestingDepth('1')).toBe(0);
  });
});

describe('serializeConfig', () => {
  it('writes two-space indentation and a final newline, like k6', () => {
    expect(serializeConfig({ collectors: { cloud: { token: 't' } } })).toBe(
      '{\n  "collectors": {\n    "cloud": {\n      "token": "t"\n    }\n  }\n}\n',
    );
  });
});

describe('cloudSection', () => {
  it('returns collectors.cloud, or an empty object when absent', () => {
    expect(cloudSection({ collectors: { cloud: { token: 'x' } } })).toEqual({ token: 'x' });
    expect(cloudSection({})).toEqual({});
    expect(cloudSection({ collectors: { influxdb: {} } })).toEqual({});
  });
});

describe('serializeConfig on what JSON.stringify cannot handle', () => {
  it('writes a config nested 9000 levels deep (k6 reads up to 10000)', () => {
    const depth = 9000;
    const text = `{"deep":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    const parsed = parseConfigText(text);
    expect(parsed.ok).toBe(true);
    const written = parsed.ok ? serializeConfig(parsed.config) : '';
    expect(written.replace(/\s+/g, '')).toBe(text);
    expect(written.split('\n')[1]).toBe('  "deep": {');
  });

  it('matches JSON.stringify(x, null, 2) on arrays, empty containers, strings and numbers', () => {
    const value = { a: [1, 'two', null, true, [], {}, [{ b: 'c"\n' }]], e: {}, f: -0.5, g: 'ü' };
    expect(serializeConfig(value)).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });
});

describe('parse errors never quote the file', () => {
  it.each([['tok_SECRET_1234567890abcdef'], ['"tok_SECRET_1234567890abcdef'], ['{"token": tok_SECRET_1234567890abcdef}']])('%s', (text) => {
    const result = parseConfigText(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).not.toMatch(/SECRET|tok_|abcdef/);
  });
});
