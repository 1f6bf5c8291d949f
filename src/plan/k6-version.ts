// Which k6 major the wrapper stands in front of, without starting k6: the image records what
// `k6 version` printed at build time (Dockerfile: /usr/libexec/k6-persist/k6-version).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { K6_VERSION_FILE, parseK6Major, readK6Major } from '../credentials/k6-version.ts';
import { DEFAULT_K6_BIN } from '../settings/defaults.ts';

/**
 * The major version of the k6 at `k6Binary`: a record beside that binary, else, for the image's
 * own k6, the image's record beside the wrapper. A k6 named elsewhere (K6_PERSIST_K6_BIN) without
 * a record of its own is unknown: the image's record does not describe it.
 */
export function k6MajorOf(k6Binary: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(join(dirname(k6Binary), K6_VERSION_FILE), 'utf8');
  } catch {
    return k6Binary === DEFAULT_K6_BIN ? readK6Major() : undefined;
  }
  return parseK6Major(text);
}
