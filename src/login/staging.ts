// A private scratch copy of the config for k6 to log in against. k6 2.1+ chmods the file and its
// directory and always truncates and rewrites in place; pointed at this copy, none of that can
// touch the user's volume.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { olderThan, removeEntries } from '../config/leftovers.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = '.k6-persist-login-';

/** Older than any login, even one typed by hand at a prompt. */
export const ABANDONED_STAGING_MS = 60 * 60 * 1000;

export interface Staging {
  dir: string;
  configPath: string;
  remove(): void;
}

function candidateParents(fallback: string): string[] {
  // A read-only root file system may leave only /tmp (a tmpfs) or the volume itself writable.
  return [...new Set([tmpdir(), '/tmp', '/dev/shm', fallback])];
}

export function createStaging(initialText: string, fallbackParent: string): Staging {
  let lastCode = 'EUNKNOWN';
  for (const parent of candidateParents(fallbackParent)) {
    let dir: string;
    try {
      // mkdtemp creates the directory 0700, owned by the current user.
      dir = mkdtempSync(join(parent, PREFIX));
    } catch (error) {
      lastCode = (error as NodeJS.ErrnoException).code ?? lastCode;
      continue;
    }
    const configPath = join(dir, 'config.json');
    try {
      writeFileSync(configPath, initialText, { mode: 0o600 });
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      lastCode = (error as NodeJS.ErrnoException).code ?? lastCode;
      continue;
    }
    return { dir, configPath, remove: () => rmSync(dir, { recursive: true, force: true }) };
  }
  throw Object.assign(new Error(`no writable directory for the login staging copy`), { code: lastCode });
}

/**
 * Staging directories a killed login left in `parent`. Only the volume fallback matters: a copy
 * there holds a token and outlives the container, where one in /tmp goes with it.
 */
export function removeAbandonedStaging(parent: string, now = Date.now()): string[] {
  return removeEntries(parent, (name) => name.startsWith(PREFIX), olderThan(ABANDONED_STAGING_MS, now), (dir) =>
    rmSync(dir, { recursive: true, force: true }),
  );
}
