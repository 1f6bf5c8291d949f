// The kernel writes mountinfo fields with some bytes as `\ooo` octal escapes: space, tab,
// newline and backslash in paths (they would otherwise break the space-separated line), and
// also `,` and `=` inside option values. Everything else, UTF-8 included, is written raw.

const OCTAL_ESCAPE = /\\([0-3][0-7]{2})/g;
const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/**
 * Decodes `\ooo` escapes. An escape stands for one BYTE of the path, so decoding works on
 * bytes and reads the result as UTF-8: `\303\251` is "é". A backslash not followed by three
 * octal digits (at most \377) stays as written; invalid UTF-8 becomes U+FFFD. Never throws.
 */
export function decodeOctalEscapes(field: string): string {
  if (!field.includes('\\')) return field;
  const chunks: Uint8Array[] = [];
  let last = 0;
  for (const match of field.matchAll(OCTAL_ESCAPE)) {
    chunks.push(utf8Encoder.encode(field.slice(last, match.index)), Uint8Array.of(Number.parseInt(match[1]!, 8)));
    last = match.index + match[0].length;
  }
  chunks.push(utf8Encoder.encode(field.slice(last)));
  return utf8.decode(concatBytes(chunks));
}

function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(chunks.reduce((size, chunk) => size + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}

/**
 * The inverse, for building mountinfo text in tests and fixtures: escapes every character in
 * `special` plus the backslash, and CR (so a value survives CRLF-tolerant line splitting).
 */
export function encodeOctalEscapes(value: string, special: string): string {
  let out = '';
  for (const char of value) {
    out += char === '\\' || char === '\r' || special.includes(char) ? octal(char) : char;
  }
  return out;
}

function octal(char: string): string {
  return `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`;
}
