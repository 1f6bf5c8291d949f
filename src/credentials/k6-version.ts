// The k6 major version, without starting k6: the image records `k6 version`'s output at build
// time beside the wrapper (Dockerfile: /usr/libexec/k6-persist/k6-version).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const K6_VERSION_FILE = 'k6-version';

/** The major version from `k6 version`'s first line (`k6 v2.2.0 (commit/..., go1.26.5, linux/amd64)`). */
export function parseK6Major(text: string): number | undefined {
  const match = /^k6 v(\d+)\.\d+\.\d+/.exec(text.split('\n')[0] ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * The directory of the running bundle: the image installs both bundles beside k6-version. Source
 * run as ESM (the tests) has no __dirname, and then no version is known.
 */
function bundleDir(): string | undefined {
  return typeof __dirname === 'string' ? __dirname : undefined;
}

/** undefined when the file is absent or says something else: then no version-specific advice is given. */
export function readK6Major(dir: string | undefined = bundleDir()): number | undefined {
  if (dir === undefined) return undefined;
  try {
    return parseK6Major(readFileSync(join(dir, K6_VERSION_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}
