// The `k6-persist` command (installed as /usr/local/bin/k6-persist): the wrapper's own status
// report. A separate bundle from the wrapper (main.ts), see there.
import { statusCommand } from './report/status.ts';
import { reportUnexpected } from './report/unexpected.ts';

statusCommand(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, reportUnexpected);
