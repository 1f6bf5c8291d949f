// Merges Stryker mutation-testing reports (the JSON its incremental mode reads and writes) into one.
//   node test/mutation/merge-reports.ts OUT.json IN.json [IN.json ...]
// A run limited with --mutate writes a report of only the files it mutated, so folders measured one
// at a time each leave a partial report; merged, they let one incremental run cover the whole core.
// Test ids are only labels within one report (Stryker matches tests across runs by file, name and
// position), so every test gets a new id here and each mutant's test lists are renamed to match.
// A later input wins for a source file present in several; the tests of a test file are the union.
import { readFileSync, writeFileSync } from 'node:fs';

interface Test {
  id: string;
  name: string;
  location?: { start: { line: number; column: number } };
}

interface TestFile {
  source?: string;
  tests: Test[];
}

interface Mutant {
  coveredBy?: string[];
  killedBy?: string[];
  [field: string]: unknown;
}

interface SourceFile {
  mutants: Mutant[];
  [field: string]: unknown;
}

interface Report {
  files: Record<string, SourceFile>;
  testFiles?: Record<string, TestFile>;
  [field: string]: unknown;
}

const testKey = (file: string, test: Test): string =>
  `${file}@${test.location?.start.line ?? ''}:${test.location?.start.column ?? ''}\n${test.name}`;

export function mergeReports(reports: readonly Report[]): Report {
  if (reports.length === 0) throw new RangeError('no report to merge');
  const idByKey = new Map<string, string>();
  const testFiles: Record<string, TestFile> = {};
  const files: Record<string, SourceFile> = {};
  for (const report of reports) {
    const renamed = new Map<string, string>();
    for (const [file, testFile] of Object.entries(report.testFiles ?? {})) {
      const tests = testFile.tests.map((test) => {
        const key = testKey(file, test);
        let id = idByKey.get(key);
        if (id === undefined) {
          id = String(idByKey.size);
          idByKey.set(key, id);
        }
        renamed.set(test.id, id);
        return { ...test, id };
      });
      // Tests from an earlier report that this one did not run (not related to its files) stay.
      const kept = (testFiles[file]?.tests ?? []).filter((test) => !tests.some((t) => t.id === test.id));
      testFiles[file] = { ...testFile, tests: [...kept, ...tests] };
    }
    const rename = (ids: string[] | undefined): string[] | undefined =>
      ids?.map((id) => {
        const newId = renamed.get(id);
        if (newId === undefined) throw new Error(`a mutant names test ${id}, which its report does not list`);
        return newId;
      });
    for (const [file, sourceFile] of Object.entries(report.files)) {
      files[file] = {
        ...sourceFile,
        mutants: sourceFile.mutants.map((mutant) => {
          const coveredBy = rename(mutant.coveredBy);
          const killedBy = rename(mutant.killedBy);
          return { ...mutant, ...(coveredBy ? { coveredBy } : {}), ...(killedBy ? { killedBy } : {}) };
        }),
      };
    }
  }
  return { ...reports.at(-1)!, files, testFiles };
}

if (import.meta.main) {
  const [out, ...inputs] = process.argv.slice(2);
  if (out === undefined || inputs.length === 0) {
    console.error('usage: node test/mutation/merge-reports.ts OUT.json IN.json [IN.json ...]');
    process.exit(2);
  }
  const merged = mergeReports(inputs.map((path) => JSON.parse(readFileSync(path, 'utf8')) as Report));
  writeFileSync(out, `${JSON.stringify(merged, null, 2)}\n`);
  const mutants = Object.values(merged.files).reduce((sum, file) => sum + file.mutants.length, 0);
  console.log(`${out}: ${Object.keys(merged.files).length} source files, ${mutants} mutants, from ${inputs.length} reports`);
}
