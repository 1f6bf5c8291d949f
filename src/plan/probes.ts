// Small questions to the file system, asked by the facts (facts.ts) and by the launcher's direct
// start (src/boot/direct-start.ts): one answer for both, so the two can never disagree on them.
import { accessSync, constants, statSync } from 'node:fs';

/** Why this process may not write `path` (EACCES, EROFS, ...), or undefined when it may. */
export function writeProblem(path: string): string | undefined {
  try {
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'EACCES';
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A HOME k6 can keep its files in. `/` counts as none: it is the HOME of a uid without a passwd
 * entry (`--user 4242`, OpenShift), and k6's files do not belong at the root of the container.
 */
export function isUsableHome(home: string | undefined): boolean {
  return home !== undefined && home !== '' && home !== '/' && isDirectory(home) && writeProblem(home) === undefined;
}
