// The one pass over a config's text that counts nesting and spots numbers JavaScript would write
// back differently, where the tokens around a number or a bracket vary: after a space, first in
// an array, next to a string, many brackets closed side by side. Each case is what a user's file
// may hold; a wrong count refuses a file k6 reads, a missed number loses the user's digits.
import { describe, expect, it } from 'vitest';
import { K6_MAX_NESTING, parseConfigText, serializeConfig } from '../../../src/config/document.ts';

function roundTrip(text: string): string {
  const parsed = parseConfigText(text);
  if (!parsed.ok) throw new Error(`refused: ${parsed.problem}`);
  return serializeConfig(parsed.config);
}

describe('a number keeps its digits wherever it stands', () => {
  it.each(['12345678901234567891', '-0', '1.50', '1e400'])('%s after a space, first in an array, and after a comma', (number) => {
    expect(roundTrip(`{"a": ${number}}`)).toBe(`{\n  "a": ${number}\n}\n`);
    expect(roundTrip(`{"a":[${number}]}`)).toBe(`{\n  "a": [\n    ${number}\n  ]\n}\n`);
    expect(roundTrip(`{"a":[1,${number}]}`)).toBe(`{\n  "a": [\n    1,\n    ${number}\n  ]\n}\n`);
  });
});

describe('nesting counts only brackets open at once, outside strings', () => {
  it('many objects closed side by side are one level each, not one level per object', () => {
    const siblings = Array.from({ length: K6_MAX_NESTING + 1 }, () => '{}').join(',');
    expect(parseConfigText(`{"a":[${siblings}]}`).ok).toBe(true);
    const arrays = Array.from({ length: K6_MAX_NESTING + 1 }, () => '[]').join(',');
    expect(parseConfigText(`{"a":[${arrays}]}`).ok).toBe(true);
  });

  it('brackets in a string that follows a number are text, not nesting', () => {
    expect(parseConfigText(`{"a":1,"b":"${'['.repeat(K6_MAX_NESTING + 1)}"}`).ok).toBe(true);
    expect(parseConfigText(`{"a":[1,"${'{'.repeat(K6_MAX_NESTING + 1)}"]}`).ok).toBe(true);
  });

  it('brackets after a number still count', () => {
    const deep = `${'['.repeat(K6_MAX_NESTING)}${']'.repeat(K6_MAX_NESTING)}`;
    expect(parseConfigText(`{"n":1,"d":${deep}}`).ok).toBe(false);
    expect(parseConfigText(`{"n":[0,${deep}]}`).ok).toBe(false);
  });
});
