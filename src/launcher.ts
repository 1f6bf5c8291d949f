// The image's `k6`: starts the wrapper bundle beside it from the V8 code cache made when the image
// was built (src/boot/code-cache.ts). A bundle of its own, about a kilobyte, so Node compiles
// next to nothing before the cache is read. K6_PERSIST_WRITE_CODE_CACHE=1 is for the image
// build only, which makes the cache by running the wrapper once.
import { join } from 'node:path';
import { recordCacheUse } from './boot/cache-use.ts';
import { runBundle } from './boot/code-cache.ts';

runBundle(
  {
    bundle: join(__dirname, 'k6-persist.cjs'),
    cache: join(__dirname, 'k6-persist.cjs.v8-cache'),
    writeOnExit: process.env['K6_PERSIST_WRITE_CODE_CACHE'] === '1',
    onCacheUse: recordCacheUse,
  },
  require,
);
