// Entry of the start-up-snapshot variant (measured by the benchmark, not shipped): the same
// wrapper path as src/main.ts (src/wrapper.ts), but loaded and initialised at build
// time (`node --build-snapshot`), so a start only deserialises the heap and runs the steps.
import { startupSnapshot } from 'node:v8';
import { EXIT_GENERIC_ERROR } from '../../../src/plan/types.ts';
import { createLogger } from '../../../src/report/log.ts';
import { runWrapper } from '../../../src/wrapper.ts';

startupSnapshot.setDeserializeMainFunction(() => {
  // Started as `node --snapshot-blob=BLOB /usr/bin/k6 ARGS...` (a shebang): argv[1] is the script.
  runWrapper(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      createLogger({ quiet: false, debug: false }).error(`internal error: ${String(error)}`);
      process.exitCode = EXIT_GENERIC_ERROR;
    },
  );
});
