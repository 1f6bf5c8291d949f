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
    fc.assert(
      fc.property(mountinfoLike, (input) => {
        for (const entry of parseMountinfo(input)) {
          for (const n of [entry.mountId, entry.parentId, entry.major, entry.minor]) {
            expect(Number.isInteger(n) && n >= 0).toBe(true);
          }
          expect(entry.mountPoint).not.toBe('');
          expect(entry.fsType).not.toBe('');
        }
      }),
    );
  });
});
