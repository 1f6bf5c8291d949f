// The Node start-up options the benchmark tries against the current build. Changes that paid
// (zod/mini, built-ins loaded on first use, a CommonJS bundle, a wrapper bundle without the
// status command) are in src/ and scripts/build.ts now; their measurements are in BENCHMARKS.md.
// What is left here are the options that did not pay, kept measurable so that a new Node version
// can be checked again with one command.

export type StartupOption = 'compile cache' | 'V8 snapshot' | 'flag --v8-pool-size=0' | 'flag --jitless';

/** What a maintainer would change to ship each option. */
export const OPTION_CHANGES: Record<StartupOption, string> = {
  'compile cache':
    'ENV NODE_COMPILE_CACHE=<dir>, filled at image build by one run as the image user (uid 12345) with K6_PERSIST_HANDOVER=spawn (Node writes it only on a normal exit)',
  'V8 snapshot': 'a start-up snapshot of the wrapper path built with node --build-snapshot (scripts/bench/variants/snapshot-entry.ts); /usr/bin/k6 = #!node --snapshot-blob=BLOB',
  'flag --v8-pool-size=0': 'shebang #!/usr/libexec/k6-persist/node --v8-pool-size=0 (no V8 worker threads)',
  'flag --jitless': 'shebang #!/usr/libexec/k6-persist/node --jitless',
};

/** The Node flag an option puts into the shebang, if it is one. */
export function shebangFlag(option: StartupOption): string | undefined {
  return option.startsWith('flag ') ? option.slice('flag '.length) : undefined;
}
