// k6-persist's wrapper, installed as `k6` in front of the real k6 binary: gather facts, decide,
// carry out. It is a bundle of its own, apart from the `k6-persist` command (cli.ts), so that
// every start of k6 loads only the wrapper path and none of the status command's argument parser.
import { runWrapper } from './wrapper.ts';
import { reportUnexpected } from './report/unexpected.ts';

runWrapper(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, reportUnexpected);
