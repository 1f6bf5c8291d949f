// Bundles the two programs, each into one self-contained file (no node_modules at run time):
//   dist/k6-persist.cjs      the wrapper (src/main.ts), installed as `k6`
//   dist/k6-persist-cli.cjs  the `k6-persist` command (src/cli.ts): its status report
//   dist/k6-persist-launcher.cjs  the image's `k6` (src/launcher.ts): runs k6-persist.cjs from the
//                            V8 code cache the image build makes (src/boot/code-cache.ts)
//   node scripts/build.ts [--node-path /abs/path/to/node] [--outdir dist]
// Two bundles, not one that dispatches on its name: every k6 start then parses only the wrapper
// path, not the status command's yargs (~5 ms per start, BENCHMARKS.md).
// The source is ESM; the bundles are CommonJS because Node starts a CommonJS file without its ESM
// loader, which the benchmark measured as ~14 ms less per `docker run` (BENCHMARKS.md).
// --node-path writes that interpreter into the shebang, as the image does; without it the
// bundles start with `#!/usr/bin/env node` for use on a host.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'node-path': { type: 'string' },
    outdir: { type: 'string', default: 'dist' },
  },
});

const shebang = values['node-path'] ? `#!${values['node-path']}` : '#!/usr/bin/env node';
const outdir = values.outdir ?? 'dist';

// Only the command bundles yargs, an ESM package that reads import.meta.url; in CommonJS that
// comes from __filename. The wrapper does without, and so without the extra require at start.
const IMPORT_META_URL = "var __k6pImportMetaUrl = require('node:url').pathToFileURL(__filename).href;";

for (const { entry, name, importMetaUrl } of [
  { entry: 'src/main.ts', name: 'k6-persist.cjs', importMetaUrl: false },
  { entry: 'src/cli.ts', name: 'k6-persist-cli.cjs', importMetaUrl: true },
  { entry: 'src/launcher.ts', name: 'k6-persist-launcher.cjs', importMetaUrl: false },
]) {
  const outfile = join(outdir, name);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    ...(importMetaUrl ? { define: { 'import.meta.url': '__k6pImportMetaUrl' } } : {}),
    target: 'node22',
    minify: true,
    legalComments: 'eof',
    banner: {
      js: importMetaUrl ? `${shebang}\n${IMPORT_META_URL}` : shebang,
    },
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o755);
}
