// JSON the way Go's encoding/json reads and writes config.json, where JavaScript's JSON object
// would change what k6 keeps:
// - parsing keeps each value's source text, so a json.RawMessage (other collectors, `ext`,
//   options the stand-in does not model) is written back byte for byte, number literals such
//   as 1.0, 1e3 or integers above 2^53 included;
// - writing is json.MarshalIndent(v, "", "  "): struct fields in declaration order, map keys
//   sorted by the caller, `{}`/`[]` kept short, no final newline, and <, >, &, U+2028 and U+2029
//   escaped inside strings (Go's HTML-safe default, also applied to RawMessage by json.Compact).
import { K6Error } from './errors.ts';

export type Node =
  | { readonly kind: 'null'; readonly raw: string }
  | { readonly kind: 'bool'; readonly value: boolean; readonly raw: string }
  | { readonly kind: 'number'; readonly raw: string }
  | { readonly kind: 'string'; readonly value: string; readonly raw: string }
  | { readonly kind: 'array'; readonly items: readonly Node[]; readonly raw: string }
  | { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [string, Node]>; readonly raw: string };

/** An int64 (null.Int and friends): its decimal digits, exact beyond 2^53. */
export class GoInt {
  readonly digits: string;
  constructor(digits: string) {
    this.digits = digits;
  }
}

/** A json.RawMessage: written back as it was read, only re-indented. */
export class GoRaw {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** What the stand-in holds for a decoded Go value; objects keep their key order when written. */
export type GoValue = null | boolean | string | GoInt | GoRaw | readonly GoValue[] | { readonly [key: string]: GoValue };

/** Go's name for a JSON value's kind in "json: cannot unmarshal <kind> into ...". */
export function goKind(node: Node): string {
  return node.kind === 'bool' ? 'bool' : node.kind;
}

// Node's JSON.parse messages rewritten as encoding/json's, which is what k6 shows users.
function goJsonSyntaxError(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/Unexpected end|Unterminated string/.test(message)) return 'unexpected end of JSON input';
  const position = /position (\d+)/.exec(message);
  const token =
    /Unexpected token '(.)'/.exec(message)?.[1] ?? (position ? text.charAt(Number(position[1])) : text.trimStart().charAt(0));
  const char = token === "'" ? "\\'" : token;
  if (message.includes('after JSON')) return `invalid character '${char}' after top-level value`;
  if (message.includes('Expected property name')) {
    return `invalid character '${char}' looking for beginning of object key string`;
  }
  if (message.includes("Expected ',' or '}'")) return `invalid character '${char}' after object key:value pair`;
  if (message.includes("Expected ',' or ']'")) return `invalid character '${char}' after array element`;
  if (message.includes("Expected ':'")) return `invalid character '${char}' after object key`;
  return `invalid character '${char}' looking for beginning of value`;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SPACE = /[ \t\n\r]*/y;

class Parser {
  private pos = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.text);
    this.pos = SPACE.lastIndex;
  }

  private stringEnd(start: number): number {
    let i = start + 1;
    while (this.text[i] !== '"') i += this.text[i] === '\\' ? 2 : 1;
    return i + 1;
  }

  value(): Node {
    this.skipSpace();
    const start = this.pos;
    const c = this.text[start];
    if (c === '{') {
      this.pos++;
      const entries: Array<[string, Node]> = [];
      this.skipSpace();
      if (this.text[this.pos] === '}') this.pos++;
      else {
        for (;;) {
          this.skipSpace();
          const keyEnd = this.stringEnd(this.pos);
          const key = JSON.parse(this.text.slice(this.pos, keyEnd)) as string;
          this.pos = keyEnd;
          this.skipSpace();
          this.pos++; // ':'
          entries.push([key, this.value()]);
          this.skipSpace();
          if (this.text[this.pos++] === '}') break;
        }
      }
      return { kind: 'object', entries, raw: this.text.slice(start, this.pos) };
    }
    if (c === '[') {
      this.pos++;
      const items: Node[] = [];
      this.skipSpace();
      if (this.text[this.pos] === ']') this.pos++;
      else {
        for (;;) {
          items.push(this.value());
          this.skipSpace();
          if (this.text[this.pos++] === ']') break;
        }
      }
      return { kind: 'array', items, raw: this.text.slice(start, this.pos) };
    }
    if (c === '"') {
      this.pos = this.stringEnd(start);
      const raw = this.text.slice(start, this.pos);
      return { kind: 'string', value: JSON.parse(raw) as string, raw };
    }
    for (const [word, node] of [
      ['null', { kind: 'null', raw: 'null' }],
      ['true', { kind: 'bool', value: true, raw: 'true' }],
      ['false', { kind: 'bool', value: false, raw: 'false' }],
    ] as const) {
      if (this.text.startsWith(word, start)) {
        this.pos += word.length;
        return node;
      }
    }
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(this.text);
    this.pos = NUMBER.lastIndex;
    return { kind: 'number', raw: match?.[0] ?? '' };
  }
}

/** Parses like json.Unmarshal: a syntax error anywhere fails before any value is looked at. */
export function parseJson(text: string): Node {
  try {
    JSON.parse(text);
  } catch (err) {
    throw new K6Error(goJsonSyntaxError(text, err));
  }
  return new Parser(text).value();
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const escapeHtml = (s: string): string => s.replace(HTML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** encoding/json's string encoding (HTML-safe). */
export function goQuote(s: string): string {
  return escapeHtml(JSON.stringify(s));
}

/** json.Compact(dst, src) with HTML escaping, as json.Marshal applies it to a RawMessage. */
function compactRaw(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += escapeHtml(text.slice(i, j + 1));
      i = j;
    } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') {
      out += c;
    }
  }
  return out;
}

function compact(value: GoValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return goQuote(value);
  if (value instanceof GoInt) return value.digits;
  if (value instanceof GoRaw) return compactRaw(value.text);
  if (Array.isArray(value)) return `[${(value as readonly GoValue[]).map(compact).join(',')}]`;
  const object = value as { readonly [key: string]: GoValue };
  return `{${Object.keys(object)
    .map((k) => `${goQuote(k)}:${compact(object[k] ?? null)}`)
    .join(',')}}`;
}

/** json.Indent(dst, compact, "", "  "): what MarshalIndent does after marshalling compactly. */
function indent(text: string): string {
  let out = '';
  let depth = 0;
  const newline = (): string => `\n${'  '.repeat(depth)}`;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      if (text[i + 1] === close) {
        out += c + close;
        i++;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') {
      out += `,${newline()}`;
    } else if (c === ':') {
      out += ': ';
    } else {
      out += c;
    }
  }
  return out;
}

/** json.MarshalIndent(value, "", "  "), without the final newline Go does not add either. */
export function marshalIndent(value: GoValue): string {
  return indent(compact(value));
}

/** The value as plain JavaScript data, for code that only reads it. */
export function toPlain(value: GoValue): unknown {
  if (value instanceof GoInt) return Number(value.digits);
  if (value instanceof GoRaw) return JSON.parse(value.text) as unknown;
  if (Array.isArray(value)) return (value as readonly GoValue[]).map(toPlain);
  if (value !== null && typeof value === 'object') {
    const object = value as { readonly [key: string]: GoValue };
    return Object.fromEntries(Object.keys(object).map((k) => [k, toPlain(object[k] ?? null)]));
  }
  return value;
}
