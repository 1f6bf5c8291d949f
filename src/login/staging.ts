// A private scratch copy of the config for k6 to log in against. k6 2.1+ chmods the file and its
// directory and always truncates and rewrites in place; pointed at this copy, none of that can
// touch the user's volume.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
      dir = mkdtempSync(join(parent, '.k6-persist-login-'));
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
