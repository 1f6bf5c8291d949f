import { defineConfig } from 'vitest/config';

// Suites, cheapest first. `unit` and `standin` need nothing but Node; `process` runs the
// bundle against a fake k6 on the host; `image` and `e2e` run the built images in Docker
// (scripts/test.sh builds them first).
export default defineConfig({
  test: {
    projects: [
      // The 10 000-level nesting and the file-system properties take seconds when both cores are busy.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      { test: { name: 'standin', include: ['test/standin/**/*.test.ts'], testTimeout: 30_000 } },
      { test: { name: 'process', include: ['test/process/**/*.test.ts'], testTimeout: 30_000 } },
      // actionlint and shellcheck over .github/ and scripts/; the set-up may apt-get shellcheck.
      { test: { name: 'lint', include: ['test/lint/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 300_000 } },
      {
        test: {
          name: 'image',
          include: ['test/image/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Refuses to start on images that are not built on the k6 stand-in.
          globalSetup: ['test/e2e/support/standin-guard.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          // Two cores: containers started by several files at once only slow each other down.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'release',
          include: ['test/release/**/*.test.ts'],
          // Emulation, the local registry and `bake --push` of linux/amd64 + linux/arm64
          // (scripts/build-images.sh release), before the tests pull each platform back.
          globalSetup: ['test/release/support/global-setup.ts'],
          // arm64 runs under QEMU: 3-5 s per docker run.
          testTimeout: 180_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'podman',
          include: ['test/podman/**/*.test.ts', 'test/compose/**/*.test.ts'],
          // Installs Podman (root, rootless), a Podman 5.4 chroot and Docker Compose v2 (scripts/).
          globalSetup: ['test/podman/support/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
