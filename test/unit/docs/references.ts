// Finds the places where a repository file points at documentation, so a test can insist that
// every such document is in the repository itself. A clone has only what git tracks; a pointer
// to a file elsewhere on the machine where the project grew up is a dead end for its readers.
import { posix } from 'node:path';

export interface DocReference {
  file: string;
  line: number;
  /** The reference as written, fragment included. */
  text: string;
  /** The repository paths it may mean; it is fine when any one of them exists. */
  candidates: string[];
}

export interface PathIndex {
  /** A tracked file, or a directory holding tracked files. */
  has(path: string): boolean;
}

export function pathIndex(trackedFiles: readonly string[]): PathIndex {
  const paths = new Set<string>();
  for (const file of trackedFiles) {
    paths.add(file);
    for (let dir = posix.dirname(file); dir !== '.'; dir = posix.dirname(dir)) paths.add(dir);
  }
  return { has: (path) => paths.has(path.replace(/\/+$/, '')) };
}

// A path-like word ending in .md that does not continue a longer path or URL (the look-behind
// keeps `https://host/docs/x.md` and `a/b/docs/x.md` from matching in their middle).
const MD_PATH = /(?<![\w./:@-])((?:\.{1,2}\/)*(?:[\w-][\w.-]*\/)*[\w-][\w.-]*\.md)(?![\w-]|\.\w)/g;
// A root document such as README.md or BENCHMARKS.md: upper-case name, no directory.
const ROOT_DOC = /^[A-Z][A-Z0-9_-]*\.md$/;
// Inline links `[text](target "title")` and reference definitions `[label]: target`.
const INLINE_LINK = /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const LINK_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/;

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
const withoutFragment = (target: string): string => target.replace(/[?#].*$/, '');

function resolveFrom(dir: string, target: string): string {
  return target.startsWith('/') ? posix.normalize(target.slice(1)) : posix.normalize(posix.join(dir, target));
}

/** A word names a document when it has a `docs` directory in its path or is a root document. */
function namesDocument(path: string): boolean {
  return path.split('/').includes('docs') || ROOT_DOC.test(path);
}

/**
 * Every documentation reference in one file's text. Markdown links resolve from the file's
 * directory, as a renderer resolves them (in any file, but outside markdown only links to .md
 * files count, so code such as `handlers[name](args)` is no link). A path merely mentioned
 * (`docs/x.md` in a comment, `BENCHMARKS.md` in prose) may be meant from the file's
 * directory or from the repository root.
 */
export function findReferences(file: string, text: string): DocReference[] {
  const dir = posix.dirname(file);
  const markdown = file.endsWith('.md');
  const found: DocReference[] = [];
  text.split('\n').forEach((content, index) => {
    const line = index + 1;
    const linkTargets = [...content.matchAll(INLINE_LINK)].map((m) => m[1] ?? '');
    const definition = markdown ? LINK_DEFINITION.exec(content) : null;
    if (definition?.[1] !== undefined) linkTargets.push(definition[1]);
    const linked = new Set<string>();
    for (const target of linkTargets) {
      const path = withoutFragment(target);
      if (path === '' || isExternal(target)) continue;
      if (!markdown && !path.endsWith('.md')) continue;
      linked.add(path);
      found.push({ file, line, text: target, candidates: [resolveFrom(dir, path)] });
    }
    for (const match of content.matchAll(MD_PATH)) {
      const path = match[1] ?? '';
      if (linked.has(path) || !namesDocument(path.replace(/^(\.{1,2}\/)+/, ''))) continue;
      const candidates = [resolveFrom(dir, path)];
      if (!path.startsWith('.')) candidates.push(posix.normalize(path));
      found.push({ file, line, text: path, candidates: [...new Set(candidates)] });
    }
  });
  return found;
}

export interface Pointer {
  file: string;
  line: number;
  text: string;
}

// The documents this project used to point at lived in a sibling directory of the checkout,
// `../shared/docs/` (spelled out in pieces so this file does not match itself).
const OUTSIDE = new RegExp(['shared', 'docs'].join('/') + '|\\.\\./' + 'shared\\b', 'g');

/** Every place that points at the out-of-repository documents. */
export function findOutsidePointers(file: string, text: string): Pointer[] {
  const found: Pointer[] = [];
  text.split('\n').forEach((content, index) => {
    for (const match of content.matchAll(OUTSIDE)) found.push({ file, line: index + 1, text: match[0] });
  });
  return found;
}
