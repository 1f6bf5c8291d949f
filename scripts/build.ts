// Bundles the entrypoint into one self-contained file (no node_modules at run time).
//   node scripts/build.ts [--node-path /abs/path/to/node] [--outfile dist/k6-persist.cjs]
// The source is ESM; the bundle is CommonJS because Node starts a CommonJS file without its ESM
// loader, which the benchmark measured as ~14 ms less per `docker run` (BENCHMARKS.md).
// --node-path writes that interpreter into the shebang, as the image does; without it the
// bundle starts with `#!/usr/bin/env node` for use on a host.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'node-path': { type: 'string' },
    outfile: { type: 'string', default: 'dist/k6-persist.cjs' },
  },
});

const shebang = values['node-path'] ? `#!${values['node-path']}` : '#!/usr/bin/env node';
const outfile = values.outfile ?? 'dist/k6-persist.cjs';

await build({
  entryPoints: ['src/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // Bundled ESM packages (yargs) read import.meta.url; in CommonJS it comes from __filename.
  define: { 'import.meta.url': '__k6pImportMetaUrl' },
  target: 'node22',
  minify: true,
  legalComments: 'eof',
  banner: {
    js: `${shebang}\nvar __k6pImportMetaUrl = require('node:url').pathToFileURL(__filename).href;`,
  },
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
