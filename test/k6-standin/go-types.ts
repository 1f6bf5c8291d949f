// How the Go types of k6's config structs take a JSON value apart, errors included. k6 keeps
// most options in gopkg.in/guregu/null.v3 types and types.NullDuration, whose UnmarshalJSON
// methods do not behave like plain Go fields:
// - null.String/Int/Bool report a wrong kind as `json: cannot unmarshal float64 into Go value of
//   type null.String` (Go type names, "" for an array) and stop decoding right there;
// - null.Int also takes a string ("12" is 12, "" is null) and a number must be an int64 literal;
// - an object is decoded as the sql.Null* struct inside (`{"String": "x"}` is "x");
// - a duration is a string (Go syntax, or plain milliseconds, or "1d2h") or a number of
//   milliseconds, and is written back in Go's time.Duration notation ("90s" becomes "1m30s").
// Plain struct-typed fields (`[]string`, maps) instead record a *saved* error that only wins if
// nothing worse happens later (encoding/json's d.saveError), hence the DecodeState.
import { K6Error } from './errors.ts';
import { GoInt, GoRaw, type GoValue, type Node, goKind } from './go-json.ts';

export type GoType = 'null.String' | 'null.Int' | 'null.Bool' | 'duration' | 'strings' | 'rawMap' | 'raw';

export interface DecodeState {
  /** The first "saved" type error; reported after the whole value was decoded. */
  saved?: string;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

function fail(message: string): never {
  throw new K6Error(message);
}

/** strconv.ParseInt(s, 10, 64) */
function parseInt64(s: string): bigint {
  const quoted = JSON.stringify(s);
  if (!/^[+-]?\d+$/.test(s)) fail(`strconv.ParseInt: parsing ${quoted}: invalid syntax`);
  const value = BigInt(s);
  if (value > INT64_MAX || value < INT64_MIN) fail(`strconv.ParseInt: parsing ${quoted}: value out of range`);
  return value;
}

function int64Literal(node: Node, goType: string): GoInt {
  const raw = node.raw;
  if (!/^-?\d+$/.test(raw)) fail(`json: cannot unmarshal number ${raw} into Go value of type ${goType}`);
  const value = BigInt(raw);
  if (value > INT64_MAX || value < INT64_MIN) fail(`json: cannot unmarshal number ${raw} into Go value of type ${goType}`);
  return new GoInt(value.toString());
}

/** reflect.TypeOf(v).Name() of what json.Unmarshal(data, &interface{}) gives. */
function interfaceTypeName(node: Node): string {
  switch (node.kind) {
    case 'number':
      return 'float64';
    case 'string':
      return 'string';
    case 'bool':
      return 'bool';
    default:
      return ''; // []interface{} and map[string]interface{} have no name
  }
}

/** The member of a sql.Null* struct, matched case-insensitively like any struct field. */
function innerMember(node: Node & { kind: 'object' }, name: string): Node | undefined {
  let found: Node | undefined;
  for (const [key, value] of node.entries) if (key.toLowerCase() === name.toLowerCase()) found = value;
  return found;
}

function nullString(node: Node): GoValue {
  switch (node.kind) {
    case 'string':
      return node.value;
    case 'null':
      return null;
    case 'object': {
      const inner = innerMember(node, 'String');
      if (inner === undefined || inner.kind === 'null') return '';
      if (inner.kind !== 'string') fail(`json: cannot unmarshal ${goKind(inner)} into Go struct field NullString.String of type string`);
      return inner.value;
    }
    default:
      return fail(`json: cannot unmarshal ${interfaceTypeName(node)} into Go value of type null.String`);
  }
}

function nullInt(node: Node): GoValue {
  switch (node.kind) {
    case 'number':
      return int64Literal(node, 'int64');
    case 'string':
      return node.value === '' ? null : new GoInt(parseInt64(node.value).toString());
    case 'null':
      return null;
    case 'object': {
      const inner = innerMember(node, 'Int64');
      if (inner === undefined || inner.kind === 'null') return new GoInt('0');
      if (inner.kind !== 'number') fail(`json: cannot unmarshal ${goKind(inner)} into Go struct field NullInt64.Int64 of type int64`);
      return int64Literal(inner, 'int64');
    }
    default:
      return fail(`json: cannot unmarshal ${interfaceTypeName(node)} into Go value of type null.Int`);
  }
}

function nullBool(node: Node): GoValue {
  switch (node.kind) {
    case 'bool':
      return node.value;
    case 'null':
      return null;
    case 'object': {
      const inner = innerMember(node, 'Bool');
      if (inner === undefined || inner.kind === 'null') return false;
      if (inner.kind !== 'bool') fail(`json: cannot unmarshal ${goKind(inner)} into Go struct field NullBool.Bool of type bool`);
      return inner.value;
    }
    default:
      return fail(`json: cannot unmarshal ${interfaceTypeName(node)} into Go value of type null.Bool`);
  }
}

// ---- durations: time.ParseDuration, k6's ParseExtendedDuration, time.Duration.String --------

const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5
  'μs': 1_000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** time.ParseDuration, in nanoseconds. */
function parseGoDuration(input: string): bigint {
  const invalid = (): never => fail(`time: invalid duration ${JSON.stringify(input)}`);
  let s = input;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') invalid();
  let total = 0n;
  while (s !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = number?.[1] ?? '';
    const fraction = number?.[2];
    if (whole === '' && (fraction === undefined || fraction === '')) invalid();
    s = s.slice(number?.[0].length ?? 0);
    const unit = /^[^\d.]*/.exec(s)?.[0] ?? '';
    if (unit === '') fail(`time: missing unit in duration ${JSON.stringify(input)}`);
    const scale = UNIT_NS[unit];
    if (scale === undefined) fail(`time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(input)}`);
    s = s.slice(unit.length);
    let ns = BigInt(whole === '' ? '0' : whole) * scale;
    if (fraction !== undefined && fraction !== '') ns += (BigInt(fraction) * scale) / 10n ** BigInt(fraction.length);
    total += ns;
    if (total > INT64_MAX) invalid();
  }
  return negative ? -total : total;
}

/** lib/types.ParseExtendedDuration: plain numbers are milliseconds, "1d2h" has days. */
function parseExtendedDuration(s: string): bigint {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) || /^[+-]?(inf|infinity|nan)$/i.test(s)) {
    return millisToNs(Number(s));
  }
  const d = s.indexOf('d');
  if (d < 0) return parseGoDuration(s);
  let hours = 0n;
  if (d + 1 < s.length) {
    hours = parseGoDuration(s.slice(d + 1));
    if (hours < 0n) fail(`invalid time format '${s.slice(d + 1)}'`);
  }
  const days = parseInt64(s.slice(0, d));
  return days * 86_400_000_000_000n + (days < 0n ? -hours : hours);
}

function millisToNs(ms: number): bigint {
  const ns = ms * 1e6;
  if (!Number.isFinite(ns)) return ns > 0 ? INT64_MAX : INT64_MIN;
  return BigInt(Math.trunc(ns));
}

function trimFraction(whole: bigint, rest: bigint, digits: number): string {
  if (rest === 0n) return whole.toString();
  return `${whole}.${rest.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}

/** time.Duration.String() */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  const u = ns < 0n ? -ns : ns;
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${trimFraction(u / 1_000n, u % 1_000n, 3)}µs`;
  if (u < 1_000_000_000n) return `${sign}${trimFraction(u / 1_000_000n, u % 1_000_000n, 6)}ms`;
  const hours = u / 3_600_000_000_000n;
  const minutes = (u / 60_000_000_000n) % 60n;
  const seconds = trimFraction((u / 1_000_000_000n) % 60n, u % 1_000_000_000n, 9);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

function duration(node: Node): GoValue {
  if (node.kind === 'null') return null;
  if (node.kind === 'string') return formatGoDuration(parseExtendedDuration(node.value));
  if (node.kind === 'number') return formatGoDuration(millisToNs(Number(node.raw)));
  return fail(`'${node.raw}' is not a valid duration value`);
}

// ---- plain Go types -------------------------------------------------------------------------

function strings(node: Node, field: string, state: DecodeState): GoValue {
  if (node.kind === 'null') return null;
  if (node.kind !== 'array') {
    state.saved ??= `json: cannot unmarshal ${goKind(node)} into Go struct field ${field} of type []string`;
    return null;
  }
  return node.items.map((item) => {
    if (item.kind === 'string') return item.value;
    if (item.kind !== 'null') state.saved ??= `json: cannot unmarshal ${goKind(item)} into Go struct field ${field} of type string`;
    return '';
  });
}

function rawMap(node: Node, field: string, state: DecodeState): GoValue {
  if (node.kind === 'null') return null;
  if (node.kind !== 'object') {
    state.saved ??= `json: cannot unmarshal ${goKind(node)} into Go struct field ${field} of type map[string]json.RawMessage`;
    return null;
  }
  // Keys come from the file: no prototype, so "__proto__" is just a key.
  const map = Object.create(null) as Record<string, GoValue>;
  for (const [key, value] of node.entries) map[key] = new GoRaw(value.raw);
  return map;
}

/** Decodes one struct field; `field` is Go's "Struct.jsonName" used in saved errors. */
export function decodeField(type: GoType, node: Node, field: string, state: DecodeState): GoValue {
  switch (type) {
    case 'null.String':
      return nullString(node);
    case 'null.Int':
      return nullInt(node);
    case 'null.Bool':
      return nullBool(node);
    case 'duration':
      return duration(node);
    case 'strings':
      return strings(node, field, state);
    case 'rawMap':
      return rawMap(node, field, state);
    case 'raw':
      return new GoRaw(node.raw);
  }
}
