import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The image smoke suite on its own, until the root vitest.config.ts has a project for it
// (vitest runs only files that some project includes):
//   bash scripts/build-images.sh && npx vitest run --config test/image/vitest.config.ts
export default defineConfig({
  test: {
    name: 'image',
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/image/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: one container at a time is as fast as several.
    fileParallelism: false,
  },
});
