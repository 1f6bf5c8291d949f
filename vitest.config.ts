import { defineConfig } from 'vitest/config';

// Four suites, cheapest first. `unit` and `standin` need nothing but Node;
// `process` runs the built bundle (npm run build) against a fake k6 on the host;
// `e2e` builds and runs the real image in Docker (scripts/test.sh prepares it).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'standin', include: ['test/standin/**/*.test.ts'], testTimeout: 30_000 } },
      { test: { name: 'process', include: ['test/process/**/*.test.ts'], testTimeout: 30_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          // Two cores: containers started by several files at once only slow each other down.
          fileParallelism: false,
        },
      },
    ],
  },
});
