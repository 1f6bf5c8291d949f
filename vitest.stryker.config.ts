import { chmodSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Stryker stops a mutant's run at the first failing test, so the order of the files decides what
 * a killed mutant costs. vitest runs the slowest files first; this runs the file that failed last
 * time first (the previous mutant's killer often kills the next one), then the quickest. A mutant
 * of a table read at module load runs every related file, and the property tests are the slowest.
 */
class QuickestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const results = (spec: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`);
    return [...files].sort((a, b) => {
      const [stateA, stateB] = [results(a), results(b)];
      if (Boolean(stateA?.failed) !== Boolean(stateB?.failed)) return stateA?.failed ? -1 : 1;
      return (stateA?.duration ?? 0) - (stateB?.duration ?? 0);
    });
  }
}

// Stryker's sandbox is a mkdtemp directory (0700), and some config tests import src/ from a child
// process running as another uid (65534): that child could not even find the files. Opened up to
// what the checkout itself allows, only when this config is read inside a Stryker sandbox.
if (basename(dirname(process.cwd())) === '.stryker-tmp' && basename(process.cwd()).startsWith('sandbox-')) {
  chmodSync(process.cwd(), 0o755);
}

// The tests Stryker runs against each mutant. Only `unit`: the `process` tests run a bundle in a
// child process, where the mutant chosen by the runner is never switched on and coverage is never
// seen (docs/mutation-testing.md), so they could only slow the run down.
export default defineConfig({
  test: {
    sequence: { sequencer: QuickestFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Tests bounded by wall-clock time are skipped here (see the file).
          setupFiles: ['test/mutation/wall-clock-bounds.ts'],
          // Instrumented code on two shared cores: the 10 000-level nesting and the file-system
          // properties take several times their usual 1-5 s.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
