// Shared fast-check arbitraries for the hostile-input property tests (issue 5): JSON documents
// shaped like k6 config files, the texts that are NOT usable config files, and k6-like logins.
import fc from 'fast-check';

/**
 * Object keys. `__proto__` is deliberately left out of the random key space: it has a dedicated
 * test (document.property.test.ts), and letting fast-check stumble on it only sometimes would
 * make the broad properties fail on some seeds and not others.
 */
export const keyArb = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('token', 'stackID', 'stackURL', 'defaultProjectID', 'projectID', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', ''),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }).filter((k) => k !== '__proto__') },
);

/** Any JSON value, with the key space above, ordinary (non-null) prototypes, bounded depth. */
export const jsonValueArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).value;

export const jsonObjectArb = fc.dictionary(keyArb, jsonValueArb, { maxKeys: 6, noNullPrototype: true });

/** A config k6 could have written or a user could keep: other keys, other collectors, a cloud section. */
export const configArb = fc
  .record({
    top: jsonObjectArb,
    otherCollectors: fc.dictionary(keyArb.filter((k) => k !== 'cloud'), jsonObjectArb, { maxKeys: 3, noNullPrototype: true }),
    cloud: fc.option(jsonObjectArb, { nil: undefined }),
    hasCollectors: fc.boolean(),
  })
  .map(({ top, otherCollectors, cloud, hasCollectors }) => {
    const config: Record<string, unknown> = { ...top };
    delete config['collectors'];
    if (hasCollectors || cloud !== undefined) {
      config['collectors'] = { ...otherCollectors, ...(cloud !== undefined ? { cloud } : {}) };
    }
    return config;
  });

/** Credential values as the k6 versions write them. */
export const credentialsArb = fc.record({
  token: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constant(null)),
  stackID: fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: undefined }),
  stackURL: fc.option(fc.webUrl(), { nil: undefined }),
  defaultProjectID: fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: undefined }),
});

/** Texts that are NOT a usable k6 config (k6 itself would refuse each of them). */
export const unusableTextArb: fc.Arbitrary<string> = fc.oneof(
  // Valid JSON that is not an object.
  fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 10 }), fc.array(jsonValueArb, { maxLength: 3 })).map((v) => JSON.stringify(v)),
  // An object whose collectors or collectors.cloud is not an object.
  fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 5 }), fc.array(fc.integer(), { maxLength: 2 })).chain((bad) =>
    fc.constantFrom(JSON.stringify({ collectors: bad }), JSON.stringify({ collectors: { cloud: bad } })),
  ),
  // A byte-order mark in front of anything, valid JSON object included.
  jsonObjectArb.map((o) => `\uFEFF${JSON.stringify(o)}`),
  // Truncated JSON: what a crashed in-place k6 write leaves (never empty: empty is usable).
  jsonObjectArb
    .map((o) => JSON.stringify({ collectors: { cloud: { token: 'a-token-to-keep' } }, ...o }))
    .chain((text) => fc.integer({ min: 1, max: text.length - 1 }).map((cut) => text.slice(0, cut)))
    .filter((text) => text.trim() !== ''),
  // Garbage bytes that do not happen to be JSON.
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((t) => t.trim() !== '' && !isJson(t)),
);

export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A JSON object text written with some keys duplicated, and what JSON (and Go) make of it: last wins. */
export const duplicateKeysArb = fc
  .array(fc.tuple(fc.constantFrom('a', 'b', 'token', 'collectors', 'keep'), jsonValueArb), { minLength: 2, maxLength: 6 })
  .map((pairs) => {
    // `collectors` must stay an object for the document to be usable; give it one.
    const fixed = pairs.map(([k, v]) => [k, k === 'collectors' ? { cloud: { token: JSON.stringify(v) } } : v] as const);
    const text = `{${fixed.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
    const lastWins: Record<string, unknown> = {};
    for (const [k, v] of fixed) lastWins[k] = v;
    return { text, lastWins };
  });

/** `{"x": {"a": {"a": ... 1}}}` nested `depth` levels: built as a string, never recursively. */
export function deeplyNested(depth: number, key = 'x'): string {
  return `{${JSON.stringify(key)}:${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
}
