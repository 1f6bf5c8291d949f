// Tests that run code as another user (uid 65534, when the suite runs as root, for whom every
// directory is writable) must not depend on where the checkout sits: a clone under a 0700 home
// or `mktemp -d` is out of that user's reach, and so would be the checkout's Node, bundles and
// k6 doubles. Everything such a run executes or reads is staged in a 0755 directory under the
// temp directory instead: a link to (or copy of) this Node, and copies of the files it needs.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** An unprivileged user for cases about permissions, when the suite itself runs as root. */
export const UNPRIVILEGED = { uid: 65534, gid: 65534 };

/** A new directory any user can enter and read, outside the checkout. */
export function reachableDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Removes a directory made by reachableDir. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** `file` at `to` (directories made 0755 on the way), readable and executable by anyone. */
export function stageFile(file: string, to: string, mode = 0o755): string {
  mkdirSync(dirname(to), { recursive: true, mode: 0o755 });
  copyFileSync(file, to);
  chmodSync(to, mode);
  return to;
}

/** This Node at `<dir>/bin/node`. */
export function stageNode(dir: string): string {
  const to = join(dir, 'bin', 'node');
  mkdirSync(dirname(to), { recursive: true, mode: 0o755 });
  // A hard link costs nothing where the binary is already anyone's to run (a link shares the
  // file's mode: it is never changed here); otherwise, or across file systems, a copy.
  if ((statSync(process.execPath).mode & 0o005) === 0o005) {
    try {
      linkSync(process.execPath, to);
      return to;
    } catch {
      // EXDEV, EPERM (protected hard links): copy below.
    }
  }
  return stageFile(process.execPath, to);
}

/**
 * The ESM `script` bundled with what it imports from the checkout (TypeScript included) into one
 * file in `dir`; relative imports are resolved from the repository root.
 */
export async function stageScript(dir: string, name: string, script: string): Promise<string> {
  const outfile = join(dir, name);
  await build({
    stdin: { contents: script, resolveDir: repoRoot, loader: 'ts', sourcefile: name },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile,
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o644);
  return outfile;
}
