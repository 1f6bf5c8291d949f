// Mutation testing of the pure core against the unit tests: `npm run mutation`, or one folder at a
// time with `npm run mutation -- --mutate 'src/args/**/*.ts'`. See docs/mutation-testing.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/args/**/*.ts',
    'src/mounts/**/*.ts',
    'src/config/**/*.ts',
    'src/plan/**/*.ts',
    'src/settings/**/*.ts',
  ],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  coverageAnalysis: 'perTest',
  // Mutants that do not compile are not run: vitest strips types and would otherwise count them.
  checkers: ['typescript'],
  tsconfigFile: 'test/mutation/tsconfig.json',
  // Two cores shared with everything else on the machine: one checker and one test runner.
  concurrency: 2,
  // Only mutants whose code or covering tests changed since the committed result are run again.
  incremental: true,
  incrementalFile: 'test/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  thresholds: { high: 90, low: 80, break: null },
  // A mutant of a table read at module load (flags.ts) runs every related test in a reloaded
  // environment; on a loaded machine that takes far longer than the dry run suggests, and a short
  // timeout would count such mutants as detected. Endless loops are cut short by the hit limit.
  timeoutMS: 60_000,
  tempDirName: '.stryker-tmp',
  // Not copied into the sandbox: build output that other tools rewrite while a run copies it.
  ignorePatterns: ['/build', '/dist', '/coverage', '/.vitest-cache'],
};
