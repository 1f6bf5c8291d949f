import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeOctalEscapes, encodeOctalEscapes } from '../../../src/mounts/escape.ts';
import { formatMountinfoLine, parseMountinfo, type MountEntry } from '../../../src/mounts/mountinfo.ts';

const text = fc.string({ unit: 'binary', maxLength: 20 });
const nonEmptyText = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 });
const id = fc.nat({ max: 2 ** 31 });

const entryArb: fc.Arbitrary<MountEntry> = fc.record({
  mountId: id,
  parentId: id,
  major: fc.nat({ max: 4095 }),
  minor: fc.nat({ max: 2 ** 20 }),
  root: nonEmptyText,
  mountPoint: nonEmptyText,
  mountOptions: fc.array(nonEmptyText, { minLength: 1, maxLength: 4 }),
  optionalFields: fc.array(
    fc.oneof(
      fc.nat().map((n) => `shared:${n}`),
      fc.nat().map((n) => `master:${n}`),
      fc.nat().map((n) => `propagate_from:${n}`),
      fc.constant('unbindable'),
    ),
    { maxLength: 3 },
  ),
  fsType: nonEmptyText,
  source: text,
  superOptions: fc.array(nonEmptyText, { maxLength: 4 }),
});

/** Lines made of mountinfo-like pieces, to reach deep into the parser. */
const mountinfoLike = fc
  .array(
    fc.array(fc.oneof(fc.constantFrom('-', '1', '0', '8:1', '/', 'rw', 'ro', 'ext4', '\\040', '\\', ''), text), { maxLength: 14 }).map((f) => f.join(' ')),
    { maxLength: 6 },
  )
  .map((lines) => lines.join('\n'));

/** Ids the kernel never writes: negative, signed, fractional, exponent, hex, empty, non-ASCII digits. */
const badIdArb = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: -1 }).map(String),
  fc.nat().map((n) => `+${n}`),
  fc.nat().map((n) => `${n}.5`),
  fc.nat({ max: 9 }).map((n) => `${n}e3`),
  fc.nat().map((n) => `0x${n.toString(16)}`),
  fc.constantFrom('', '-', '-0', ' 1', '1a', '١٢', 'NaN', 'Infinity'),
);

interface Line {
  text: string;
  /** Made from a well-formed line with one id replaced by one the kernel never writes. */
  badId: boolean;
}

/** Well-formed lines, the same with one id made bad, and the mountinfo-like pieces above. */
const lineArb: fc.Arbitrary<Line> = fc.oneof(
  entryArb.map((entry) => ({ text: formatMountinfoLine(entry), badId: false })),
  fc.tuple(entryArb, fc.constantFrom(0, 1, 2, 3), badIdArb).map(([entry, which, bad]) => {
    const fields = formatMountinfoLine(entry).split(' ');
    const [major, minor] = fields[2]!.split(':');
    if (which < 2) fields[which] = bad;
    else fields[2] = which === 2 ? `${bad}:${minor}` : `${major}:${bad}`;
    return { text: fields.join(' '), badId: true };
  }),
  mountinfoLike.map((text) => ({ text: text.replaceAll('\n', ' '), badId: false })),
);
const mixedMountinfo = fc.array(lineArb, { minLength: 1, maxLength: 8 });

describe('parseMountinfo, property-based', () => {
  it('never throws', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (input) => {
      parseMountinfo(input);
    }), { numRuns: 2000 });
    fc.assert(fc.property(mountinfoLike, (input) => {
      parseMountinfo(input);
    }), { numRuns: 2000 });
  });

  it('round-trips: parsing the formatted lines gives the entries back', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 5 }), (entries) => {
        expect(parseMountinfo(entries.map(formatMountinfoLine).join('\n'))).toEqual(entries);
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes what it encodes, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.constantFrom(' \t\n', ' \t\n,', ''), (value, special) => {
        expect(decodeOctalEscapes(encodeOctalEscapes(value, special))).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });

  it('yields only entries with non-negative integer ids', () => {
    // What was checked, counted: a property whose inputs never parse would pass without a check.
    let entriesChecked = 0;
    let badIdLinesFed = 0;
    fc.assert(
      fc.property(mixedMountinfo, (lines) => {
        badIdLinesFed += lines.filter((line) => line.badId).length;
        for (const entry of parseMountinfo(lines.map((line) => line.text).join('\n'))) {
          entriesChecked += 1;
          for (const n of [entry.mountId, entry.parentId, entry.major, entry.minor]) {
            expect(Number.isInteger(n) && n >= 0, `id ${n}`).toBe(true);
          }
          expect(entry.mountPoint).not.toBe('');
          expect(entry.fsType).not.toBe('');
        }
      }),
      { numRuns: 500 },
    );
    expect(entriesChecked).toBeGreaterThan(300);
    expect(badIdLinesFed).toBeGreaterThan(300);
  });
});
