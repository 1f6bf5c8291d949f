// The last resort of both entry points: an unexpected failure must still say something useful
// and never print a token (the message of a thrown error holds paths and codes, not file contents).
import { createLogger } from './log.ts';
import { EXIT_GENERIC_ERROR } from '../plan/types.ts';

export function reportUnexpected(error: unknown): void {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  createLogger({ quiet: false, debug: false }).error(`internal error: ${text}. Please report it with K6_PERSIST_DEBUG=1 output.`);
  process.exitCode = EXIT_GENERIC_ERROR;
}
