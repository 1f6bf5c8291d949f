// Hostile config texts (issue 5): parseConfigText must answer every text with a value, never a
// throw; accept exactly the JSON objects k6 can use, with every key kept as written; and refuse
// the rest with a reason a user can act on. serializeConfig must give back what was parsed.
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cloudSection, parseConfigText, serializeConfig } from '../../../src/config/document.ts';
import { configArb, deeplyNested, duplicateKeysArb, jsonObjectArb, jsonValueArb, unusableTextArb } from './arbitraries.ts';

/**
 * Deep equality of JSON data. Not vitest's toStrictEqual: it compares `.constructor`, which for a
 * document holding an own "constructor" key (a legal config key) is that key's value.
 */
function expectSameJson(actual: unknown, expected: unknown): void {
  expect(isDeepStrictEqual(actual, expected), `${JSON.stringify(actual)}\n  !==\n${JSON.stringify(expected)}`).toBe(true);
}

describe('parseConfigText on hostile input', () => {
  it('never throws, whatever the text (binary, JSON or not, BOM or not)', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.json(),
      jsonValueArb.map((v) => JSON.stringify(v) ?? ''),
      unusableTextArb,
      fc.string({ unit: 'binary', maxLength: 50 }).map((t) => `\uFEFF${t}`),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        const result = parseConfigText(text);
        // Either a usable object or a reason; a reason is one readable phrase.
        if (result.ok) {
          expect(typeof result.config).toBe('object');
          expect(Array.isArray(result.config)).toBe(false);
        } else {
          expect(result.problem.length).toBeGreaterThan(5);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts every JSON object k6 could use, keeping every key and value exactly', () => {
    fc.assert(
      fc.property(configArb, fc.constantFrom(0, 2, '\t'), (config, indent) => {
        const text = JSON.stringify(config, null, indent);
        const result = parseConfigText(text);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.empty).toBe(false);
        expectSameJson(result.config, JSON.parse(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses every text that is not a usable config, with the reason', () => {
    fc.assert(
      fc.property(unusableTextArb, (text) => {
        const result = parseConfigText(text);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.problem).toMatch(/byte-order mark|not valid JSON|not a JSON object|"collectors" or "collectors.cloud"/);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses a byte-order mark in front of any object, naming it (Go/k6 cannot read it)', () => {
    fc.assert(
      fc.property(jsonObjectArb, (object) => {
        const result = parseConfigText(`\uFEFF${JSON.stringify(object)}`);
        expect(result).toEqual({ ok: false, problem: expect.stringMatching(/byte-order mark/) });
      }),
    );
  });

  it('reads duplicate keys as k6 (Go encoding/json) does: the last one wins', () => {
    fc.assert(
      fc.property(duplicateKeysArb, ({ text, lastWins }) => {
        const result = parseConfigText(text);
        expect(result.ok).toBe(true);
        if (result.ok) expectSameJson(result.config, lastWins);
      }),
      { numRuns: 1000 },
    );
  });

  it('treats only blank text as empty', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(' ', '\n', '\t', '\r'), { maxLength: 10 }), (chars) => {
        expect(parseConfigText(chars.join(''))).toEqual({ ok: true, config: {}, empty: true });
      }),
    );
  });

  it('keeps a top-level "__proto__" key as data, like any other unknown key', () => {
    // JSON.parse makes "__proto__" an own data property, and the wrapper promises to keep every
    // unknown top-level key through a login. A parser that rebuilds the object key by key with
    // plain assignment drops it (or, worse, makes it the prototype); either way the next login
    // writes the file without it.
    const text = '{"__proto__":{"collectors":{"cloud":{"token":"from-proto"}}},"keep":1}';
    const result = parseConfigText(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.config).sort()).toEqual(['__proto__', 'keep']);
    expect(Object.getPrototypeOf(result.config)).toBe(Object.prototype);
    // No credential may come from anywhere but the document's own collectors.cloud.
    expect(cloudSection(result.config)).toEqual({});
    expectSameJson(JSON.parse(serializeConfig(result.config)), JSON.parse(text));
  });
});

describe('serializeConfig', () => {
  it('round-trips: what it writes parses back to the same config, two-space indented, newline-terminated', () => {
    fc.assert(
      fc.property(configArb, (config) => {
        const text = serializeConfig(config);
        expect(text.endsWith('}\n')).toBe(true);
        const again = parseConfigText(text);
        expect(again.ok).toBe(true);
        if (again.ok) expectSameJson(again.config, config);
        expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('size and depth limits', () => {
  it('parses and round-trips a 10 MB config in bounded time', () => {
    // Many unknown keys and a big value: nothing a real config has, all of it must survive.
    const big: Record<string, unknown> = { collectors: { cloud: { token: 't-1234567890' } } };
    for (let i = 0; i < 50_000; i += 1) big[`key-${i}`] = { n: i, s: 'x'.repeat(200) };
    const text = JSON.stringify(big);
    expect(text.length).toBeGreaterThan(10 * 1024 * 1024);
    const started = Date.now();
    const result = parseConfigText(text);
    expect(result.ok).toBe(true);
    if (result.ok) expectSameJson(JSON.parse(serializeConfig(result.config)), big);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('parses nesting up to what k6 reads and writes it back unchanged; refuses deeper, never throws', () => {
    // deeplyNested(n) is n levels inside the top-level object: n + 1 in all.
    for (const depth of [100, 9_999]) {
      const text = deeplyNested(depth);
      const result = parseConfigText(text);
      expect(result.ok, `depth ${depth}`).toBe(true);
      if (result.ok) expect(serializeConfig(result.config).replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    }
    for (const depth of [10_000, 100_000]) expect(parseConfigText(deeplyNested(depth)).ok, `depth ${depth}`).toBe(false);
  });
});
