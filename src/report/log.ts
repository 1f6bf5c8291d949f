// Writing to stderr synchronously: the process may be replaced by k6 (execve) right after, and
// an asynchronous write would be lost with it.
import { writeSync } from 'node:fs';

const PREFIX = 'k6-persist: ';

export interface Logger {
  /** Warnings and the login notice: silenced by -q/--quiet and K6_PERSIST_QUIET. */
  notice(text: string): void;
  /** Errors are never silenced: the user must learn why the command failed. */
  error(text: string): void;
  debug(text: string): void;
}

export function createLogger(options: { quiet: boolean; debug: boolean }): Logger {
  const write = (text: string) => {
    try {
      writeSync(2, `${PREFIX}${text}\n`);
    } catch {
      // A closed stderr must not stop k6 from running.
    }
  };
  return {
    notice: (text) => {
      if (!options.quiet) write(text);
    },
    error: write,
    debug: (text) => {
      if (options.debug) write(`debug: ${text}`);
    },
  };
}
