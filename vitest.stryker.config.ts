import { defineConfig } from 'vitest/config';

// The tests Stryker runs against each mutant. Only `unit`: the `process` tests run a bundle in a
// child process, where the mutant chosen by the runner is never switched on and coverage is never
// seen (docs/mutation-testing.md), so they could only slow the run down.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Instrumented code on two shared cores: the 10 000-level nesting and the file-system
          // properties take several times their usual 1-5 s.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
