// k6-persist: installed as `k6` in front of the real k6 binary. Gather facts, decide, carry out.
// Under the name `k6-persist` it is the wrapper's own status command instead.
import { basename } from 'node:path';
import { runWrapper } from './wrapper.ts';
import { createLogger } from './report/log.ts';
import { EXIT_GENERIC_ERROR } from './plan/types.ts';

async function main(): Promise<number> {
  const invokedAs = basename(process.argv[1] ?? '');
  const argv = process.argv.slice(2);
  if (invokedAs === 'k6-persist') {
    const { statusCommand } = await import('./report/status.ts');
    return statusCommand(argv);
  }
  return runWrapper(argv);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // An unexpected failure must still say something useful and never print a token (the
    // message of a thrown error holds paths and codes, not file contents).
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    createLogger({ quiet: false, debug: false }).error(`internal error: ${text}. Please report it with K6_PERSIST_DEBUG=1 output.`);
    process.exitCode = EXIT_GENERIC_ERROR;
  },
);
