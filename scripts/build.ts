// Bundles the entrypoint into one self-contained ESM file (no node_modules at run time).
//   node scripts/build.ts [--node-path /abs/path/to/node] [--outfile dist/k6-persist.mjs]
// --node-path writes that interpreter into the shebang, as the image does; without it the
// bundle starts with `#!/usr/bin/env node` for use on a host.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'node-path': { type: 'string' },
    outfile: { type: 'string', default: 'dist/k6-persist.mjs' },
  },
});

const shebang = values['node-path'] ? `#!${values['node-path']}` : '#!/usr/bin/env node';
const outfile = values.outfile ?? 'dist/k6-persist.mjs';

await build({
  entryPoints: ['src/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  legalComments: 'eof',
  banner: {
    // yargs and friends still call require() for a few built-ins; ESM bundles need it made.
    js: `${shebang}\nimport { createRequire as __k6pCreateRequire } from 'node:module';const require = __k6pCreateRequire(import.meta.url);`,
  },
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
