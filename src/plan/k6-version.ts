// Which k6 the wrapper stands in front of, without starting it: the image records what
// `k6 version` printed at build time in a file beside the real binary (Dockerfile).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface K6Version {
  major: number;
  minor: number;
  patch: number;
}

/** `k6 v2.2.0 (commit/..., go1.26.5, linux/amd64)`, as k6 prints it; also a bare `2.2.0`. */
export function parseK6Version(text: string): K6Version | undefined {
  const match = /(?:^|[\sv])(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

export const K6_VERSION_FILE = 'k6-version';

/** The version recorded beside `k6Binary`, or undefined when there is no readable record. */
export function readK6Version(k6Binary: string): K6Version | undefined {
  try {
    return parseK6Version(readFileSync(join(dirname(k6Binary), K6_VERSION_FILE), 'utf8'));
  } catch {
    // Not the image's layout (a k6 installed elsewhere): nothing is known about its version.
    return undefined;
  }
}
