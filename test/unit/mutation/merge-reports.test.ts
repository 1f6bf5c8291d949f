import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../mutation/merge-reports.ts';

const at = (line: number) => ({ start: { line, column: 3 } });

// Two runs of one folder each: both ran `shared`, numbered differently in each report.
const args = {
  schemaVersion: '2',
  files: { 'src/a.ts': { source: 'a', mutants: [{ id: '1', status: 'Killed', killedBy: ['0'], coveredBy: ['0', '1'] }] } },
  testFiles: {
    't/a.test.ts': { source: 'ta', tests: [{ id: '0', name: 'shared', location: at(5) }, { id: '1', name: 'only a', location: at(9) }] },
  },
};
const mounts = {
  schemaVersion: '2',
  files: { 'src/m.ts': { source: 'm', mutants: [{ id: '1', status: 'Survived', coveredBy: ['7'] }, { id: '2', status: 'NoCoverage' }] } },
  testFiles: { 't/a.test.ts': { source: 'ta', tests: [{ id: '7', name: 'shared', location: at(5) }] } },
};

describe('mergeReports', () => {
  const merged = mergeReports([args, mounts]);

  it('keeps every source file with its mutants', () => {
    expect(Object.keys(merged.files)).toEqual(['src/a.ts', 'src/m.ts']);
    expect(merged.files['src/m.ts']!.mutants.map((m) => m['status'])).toEqual(['Survived', 'NoCoverage']);
  });

  it('gives one test seen in several reports one id, and renames what the mutants name', () => {
    const tests = merged.testFiles!['t/a.test.ts']!.tests;
    expect(tests.map((t) => [t.id, t.name]).sort()).toEqual([['0', 'shared'], ['1', 'only a']].sort());
    expect(merged.files['src/a.ts']!.mutants[0]).toMatchObject({ killedBy: ['0'], coveredBy: ['0', '1'] });
    expect(merged.files['src/m.ts']!.mutants[0]).toMatchObject({ coveredBy: ['0'] });
    expect(merged.files['src/m.ts']!.mutants[1]).not.toHaveProperty('coveredBy');
  });

  it('tells apart tests of one name at different places', () => {
    const moved = { ...mounts, testFiles: { 't/a.test.ts': { source: 'ta2', tests: [{ id: '7', name: 'shared', location: at(6) }] } } };
    const ids = mergeReports([args, moved]).testFiles!['t/a.test.ts']!.tests.map((t) => t.id);
    expect(new Set(ids).size).toBe(3);
  });

  it('refuses a mutant that names a test its report does not list', () => {
    const broken = { ...mounts, files: { 'src/m.ts': { mutants: [{ id: '1', killedBy: ['99'] }] } } };
    expect(() => mergeReports([broken])).toThrow(/test 99/);
    expect(() => mergeReports([])).toThrow(RangeError);
  });
});
