// How the launcher tells the wrapper bundle what became of the code cache: the two are separate
// bundles, each with its own copy of this module, and share only the global symbol registry.
import type { CacheUse } from './code-cache.ts';

const KEY = Symbol.for('k6-persist.code-cache');

export function recordCacheUse(use: CacheUse): void {
  (globalThis as Record<symbol, unknown>)[KEY] = use;
}

/** undefined when the wrapper was started without the launcher (the bundle run on its own). */
export function recordedCacheUse(): CacheUse | undefined {
  return (globalThis as Record<symbol, unknown>)[KEY] as CacheUse | undefined;
}

const MEANING: Record<CacheUse, string> = {
  used: 'used',
  rejected: 'rejected by V8 (another Node build or other V8 flags), the bundle was compiled now',
  stale: 'made for another bundle, the bundle was compiled now',
  missing: 'absent, the bundle was compiled now',
};

/** The debug line's words for what became of the cache. */
export function describeCacheUse(use: CacheUse): string {
  return `code cache: ${MEANING[use]}`;
}
