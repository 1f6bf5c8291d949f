// The k6 config file as data: parse text into a JSON object or say precisely why not.
// Pure: the caller reads and writes bytes.
import * as z from 'zod/mini';

export type ConfigObject = Record<string, unknown>;

export type ParsedConfig =
  | { ok: true; config: ConfigObject; empty: boolean }
  | { ok: false; problem: string };

const objectSchema = z.record(z.string(), z.unknown());

// k6 rejects a document whose `collectors` or `collectors.cloud` is not an object, and a merge
// into such a document could only lose data, so both count as unparseable.
const shapeSchema = z.looseObject({
  collectors: z.optional(z.intersection(z.record(z.string(), z.unknown()), z.object({ cloud: z.optional(objectSchema) }))),
});

/**
 * Only the position from the parser's message: V8 quotes the text around the error, and in a
 * credential file that text may be the token itself.
 */
function whereParsingFailed(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (/end of JSON input/i.test(message)) return 'it ends too early, as a truncated file does';
  const position = /(line \d+ column \d+)/.exec(message) ?? /(position \d+)/.exec(message);
  return position ? `error at ${position[1]}` : 'unexpected text';
}

/** JSON.rawJSON / JSON.isRawJSON (Node 21+), not yet in TypeScript's es2024 library. */
const RawJSON = JSON as unknown as { rawJSON(text: string): object; isRawJSON(value: unknown): boolean };

/**
 * A number JavaScript cannot hold exactly (12345678901234567891, 1e400, 1.50, -0) is kept as its
 * source text, so a file written back after a login holds the digits the user wrote.
 */
function keepNumberText(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== 'number' || context?.source === undefined) return value;
  return JSON.stringify(value) === context.source ? value : RawJSON.rawJSON(context.source);
}

/** A config value as text for a person: a number kept as its source text is shown as such. */
export function valueText(value: unknown): string {
  // An object or array (not what k6 writes there, but a file may hold anything) as JSON too:
  // String() of an object can throw ({"toString": 1}).
  return value !== null && typeof value === 'object' ? (JSON.stringify(value) ?? '') : String(value);
}

/** Go's encoding/json (k6) refuses a document with more arrays and objects open at once. */
export const K6_MAX_NESTING = 10_000;

interface TextFacts {
  /** How many arrays and objects are open at once at the deepest point. */
  depth: number;
  /** A number whose digits JavaScript would not write back the same (see keepNumberText). */
  inexactNumber: boolean;
}

/** 0-9 . e E + -: what a JSON number is made of. */
function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

/** One pass over JSON text, outside its strings. */
function scanJsonText(text: string): TextFacts {
  let depth = 0;
  let deepest = 0;
  let inexactNumber = false;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth -= 1;
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      let plainInteger = true;
      while (end < text.length && isNumberChar(text.charCodeAt(end))) {
        const d = text.charCodeAt(end);
        if (d < 0x30 || d > 0x39) plainInteger = false;
        end += 1;
      }
      // An integer of up to 15 digits is written back exactly as read (JSON has no leading
      // zeros); only others need the slower comparison.
      const digits = end - i - (c === 0x2d ? 1 : 0);
      if (!inexactNumber && !(plainInteger && digits <= 15 && text.slice(i, end) !== '-0')) {
        const token = text.slice(i, end);
        inexactNumber = JSON.stringify(Number(token)) !== token;
      }
      i = end - 1;
    }
  }
  return { depth: deepest, inexactNumber };
}

/** How many arrays and objects are open at once at the deepest point of valid JSON text. */
export function nestingDepth(text: string): number {
  return scanJsonText(text).depth;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

export function parseConfigText(text: string): ParsedConfig {
  // Go's encoding/json (k6) refuses a byte-order mark, so accepting it here would only move the failure.
  if (text.startsWith('\uFEFF')) {
    return { ok: false, problem: 'it starts with a byte-order mark (BOM), which k6 cannot read' };
  }
  // An empty file holds nothing to lose; a crashed non-atomic k6 write leaves exactly this.
  if (text.trim() === '') return { ok: true, config: {}, empty: true };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `it is not valid JSON (${whereParsingFailed(error)})` };
  }
  const facts = scanJsonText(text);
  // k6 could not read it either; and writing it back (indented, as k6 does) would grow without
  // bound: 200 000 levels are more characters than a string can hold.
  if (facts.depth > K6_MAX_NESTING) {
    return { ok: false, problem: `it is nested deeper than the ${K6_MAX_NESTING} levels k6 reads` };
  }
  if (facts.inexactNumber) {
    try {
      // Only then: a reviver makes JSON.parse recursive, which a very deep file could overflow;
      // that file keeps the rounded numbers rather than fail.
      value = JSON.parse(text, keepNumberText as (key: string, value: unknown) => unknown);
    } catch {
      // Keeps the value parsed above.
    }
  }
  const asObject = objectSchema.safeParse(value);
  if (!asObject.success || value === null || Array.isArray(value)) {
    return { ok: false, problem: `it holds ${describe(value)}, not a JSON object` };
  }
  const shape = shapeSchema.safeParse(value);
  if (!shape.success) {
    return { ok: false, problem: '"collectors" or "collectors.cloud" in it is not a JSON object' };
  }
  // zod validates; the parsed value itself is kept, because zod rebuilds records by assignment
  // and would turn an own "__proto__" key (which the user's file may hold) into a prototype.
  return { ok: true, config: value as ConfigObject, empty: false };
}

/**
 * Two-space indentation and a final newline, as k6 writes it: the same text as
 * JSON.stringify(config, null, 2), but without recursion, because Go's encoding/json (k6) reads
 * nesting 10000 levels deep and JSON.stringify runs out of stack long before that.
 */
export function serializeConfig(config: ConfigObject): string {
  return `${stringifyIndented(config)}\n`;
}

interface Frame {
  close: string;
  indent: string;
  items: [key: string | null, value: unknown][];
  next: number;
}

function stringifyIndented(root: unknown): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const open = (value: unknown, indent: string): void => {
    if (value === null || typeof value !== 'object' || RawJSON.isRawJSON(value)) {
      out.push(JSON.stringify(value) ?? 'null');
      return;
    }
    const isArray = Array.isArray(value);
    const items: Frame['items'] = isArray
      ? value.map((item): [null, unknown] => [null, item])
      : Object.entries(value).filter(([, item]) => item !== undefined && typeof item !== 'function');
    if (items.length === 0) {
      out.push(isArray ? '[]' : '{}');
      return;
    }
    out.push(isArray ? '[' : '{');
    stack.push({ close: isArray ? ']' : '}', indent, items, next: 0 });
  };
  open(root, '');
  for (let frame = stack.at(-1); frame; frame = stack.at(-1)) {
    if (frame.next === frame.items.length) {
      out.push(`\n${frame.indent}${frame.close}`);
      stack.pop();
      continue;
    }
    const [key, value] = frame.items[frame.next]!;
    const inner = `${frame.indent}  `;
    out.push(`${frame.next > 0 ? ',' : ''}\n${inner}${key === null ? '' : `${JSON.stringify(key)}: `}`);
    frame.next += 1;
    open(value, inner);
  }
  return out.join('');
}

export function cloudSection(config: ConfigObject): Record<string, unknown> {
  // Own properties only: a key named like an Object.prototype member must never be read through it.
  const collectors = Object.hasOwn(config, 'collectors') ? config['collectors'] : undefined;
  if (collectors === null || typeof collectors !== 'object' || Array.isArray(collectors)) return {};
  const cloud = Object.hasOwn(collectors, 'cloud') ? (collectors as Record<string, unknown>)['cloud'] : undefined;
  if (cloud === null || typeof cloud !== 'object' || Array.isArray(cloud)) return {};
  return cloud as Record<string, unknown>;
}
