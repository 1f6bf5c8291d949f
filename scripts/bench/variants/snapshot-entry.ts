// Entry of the start-up-snapshot variant (measured by the benchmark, not shipped): the same
// wrapper path as src/main.ts, but loaded and initialised at build time
// (`node --build-snapshot`), so a start only deserialises the heap and runs the steps.
import { startupSnapshot } from 'node:v8';
import { reportUnexpected } from '../../../src/report/unexpected.ts';
import { runWrapper } from '../../../src/wrapper.ts';

startupSnapshot.setDeserializeMainFunction(() => {
  // Started as `node --snapshot-blob=BLOB /usr/bin/k6 ARGS...` (a shebang): argv[1] is the script.
  runWrapper(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, reportUnexpected);
});
