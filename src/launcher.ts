// The image's `k6`. A command the wrapper would only pass through is handed to k6 at once
// (src/boot/direct-start.ts); any other starts the wrapper bundle beside it from the V8 code cache
// made when the image was built (src/boot/code-cache.ts). A bundle of its own, a few kilobytes,
// so Node compiles next to nothing before either. K6_PERSIST_WRITE_CODE_CACHE=1 is for the image
// build only, which makes the cache by running the wrapper once.
import { join } from 'node:path';
import { recordCacheUse } from './boot/cache-use.ts';
import { runBundle } from './boot/code-cache.ts';
import { directStartK6 } from './boot/direct-start.ts';
import { execveAvailable, handOver } from './handover/exec.ts';
import { isUsableHome } from './plan/probes.ts';

const argv = process.argv.slice(2);
const k6 = directStartK6({ argv, env: process.env, execve: execveAvailable(), homeUsable: isUsableHome });
if (k6 !== undefined) {
  try {
    handOver(k6, 'k6', argv, process.env);
  } catch {
    // k6 cannot be started: the wrapper, below, says why and what to do, as for any command.
  }
}

runBundle(
  {
    bundle: join(__dirname, 'k6-persist.cjs'),
    cache: join(__dirname, 'k6-persist.cjs.v8-cache'),
    writeOnExit: process.env['K6_PERSIST_WRITE_CODE_CACHE'] === '1',
    onCacheUse: recordCacheUse,
  },
  require,
);
