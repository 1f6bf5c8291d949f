// Issue 14: a clone must be able to read every document the project points to. Each tracked
// text file is scanned for markdown links and for mentions of docs/….md and root documents
// (README.md, BENCHMARKS.md, …); each must name a file git tracks. Pointers to the documents
// that lived outside the repository (the sibling shared/docs directory) are refused outright.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { type DocReference, findOutsidePointers, findReferences, pathIndex } from './references.ts';

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** The scanner and this test hold made-up references on purpose (the self-tests below). */
const SCANNER_FILES = new Set(['test/unit/docs/references.ts', 'test/unit/docs/references.test.ts']);
/**
 * Stryker's incremental record holds copies of test sources as JSON strings; a link in one is the
 * test file's (checked there), not a link from test/mutation/.
 */
const RECORDS = new Set(['test/mutation/stryker-incremental.json']);
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' })
  .split('\0')
  .filter((file) => file !== '');
const index = pathIndex(tracked);

/** Tracked text files and their content; binaries (a NUL byte) and files deleted in the work tree are skipped. */
function readTextFiles(): Map<string, string> {
  const texts = new Map<string, string>();
  for (const file of tracked) {
    if (SCANNER_FILES.has(file) || RECORDS.has(file)) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(REPO, file));
    } catch {
      continue;
    }
    if (bytes.subarray(0, 8000).includes(0)) continue;
    texts.set(file, bytes.toString('utf8'));
  }
  return texts;
}

const texts = readTextFiles();
const references = [...texts].flatMap(([file, text]) => findReferences(file, text));
const broken = (refs: DocReference[]): string[] =>
  refs.filter((ref) => !ref.candidates.some((path) => index.has(path))).map((ref) => `${ref.file}:${ref.line}: ${ref.text}`);

describe('documentation references in the repository', () => {
  test('the scan reads the tracked files and finds the references the README is known to make', () => {
    expect(texts.size).toBeGreaterThan(50);
    const fromReadme = references.filter((ref) => ref.file === 'README.md').map((ref) => ref.text);
    expect(fromReadme).toEqual(expect.arrayContaining(['docs/guarantees.md', 'docs/kubernetes.md', 'BENCHMARKS.md']));
  });

  test('every referenced document is a tracked file', () => {
    expect(broken(references)).toEqual([]);
  });

  test('nothing points at documents outside the repository', () => {
    const pointers = [...texts].flatMap(([file, text]) => findOutsidePointers(file, text));
    expect(pointers.map((p) => `${p.file}:${p.line}: ${p.text}`)).toEqual([]);
  });
});

// The scanner on made-up files, so the checks above are known to be able to fail.
describe('the reference scanner', () => {
  const repo = pathIndex(['README.md', 'BENCHMARKS.md', 'docs/guide.md', 'examples/kube/README.md', 'src/main.ts']);
  const brokenIn = (file: string, text: string): string[] =>
    findReferences(file, text)
      .filter((ref) => !ref.candidates.some((path) => repo.has(path)))
      .map((ref) => ref.text);

  test('a mention of a docs file that does not exist is reported, one that exists is not', () => {
    expect(brokenIn('src/main.ts', '// see docs/gone.md and docs/guide.md.')).toEqual(['docs/gone.md']);
    expect(brokenIn('scripts/x.sh', '# (docs/guide.md, "Some section")')).toEqual([]);
  });

  test('markdown links resolve from the linking file, fragments aside', () => {
    expect(brokenIn('examples/kube/README.md', '[guide](../../docs/guide.md#part) and [bad](docs/guide.md)')).toEqual([
      'docs/guide.md',
    ]);
    expect(brokenIn('docs/other.md', '[up](../README.md), [here](guide.md#x), [dir](../examples/kube/)')).toEqual([]);
    expect(brokenIn('docs/other.md', '[missing](missing.md) [folder](../nowhere/)')).toEqual(['missing.md', '../nowhere/']);
  });

  test('root documents count wherever they are mentioned; other .md words and URLs do not', () => {
    expect(brokenIn('src/main.ts', '// numbers in BENCHMARKS.md, history in CHANGELOG.md')).toEqual(['CHANGELOG.md']);
    expect(brokenIn('README.md', 'npm run bench -- --markdown out.md')).toEqual([]);
    expect(brokenIn('README.md', 'https://github.com/grafana/k6/blob/master/docs/x.md [k6](https://k6.io/docs/a.md)')).toEqual([]);
  });

  test('outside markdown, only links to .md files are links', () => {
    expect(brokenIn('src/main.ts', 'handlers[name](args); // [notes](notes.md)')).toEqual(['notes.md']);
  });

  test('pointers to the old shared documents are found in every spelling', () => {
    const shared = ['shared', 'docs'].join('/');
    const text = `// (${shared}/containers-here.md)\nsee ../${'shared'}/x\n/work/${shared}/k6-behaviour.md`;
    expect(findOutsidePointers('a.ts', text).map((p) => p.line)).toEqual([1, 2, 3]);
    expect(findOutsidePointers('a.ts', 'docs/shared.md, a shared docs folder')).toEqual([]);
  });
});
