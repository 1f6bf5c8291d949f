// Bundles the k6 stand-in (test/k6-standin) into one CommonJS file per reproduced k6 version:
//   node scripts/build-standin.ts [--outdir build/k6-standin]
// -> build/k6-standin/k6-1.8.1.cjs, k6-2.0.0.cjs, k6-2.1.0.cjs and k6-2.2.0.cjs: the four releases
//    whose differences matter to a wrapper (test/k6-standin/version.ts lists them). Each one is
//    also a stand-in base image (scripts/standin-images.sh) and a test image (docker-bake.hcl).
// No shebang: the stand-in image adds `#!/opt/k6-standin/node/bin/node` itself. The version
// is baked in with `define`, so each file behaves as exactly one k6 release.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const STANDIN_VERSIONS = ['1.8.1', '2.0.0', '2.1.0', '2.2.0'] as const;

const { values } = parseArgs({
  options: { outdir: { type: 'string', default: 'build/k6-standin' } },
});
const outdir = values.outdir ?? 'build/k6-standin';
mkdirSync(outdir, { recursive: true });

await Promise.all(
  STANDIN_VERSIONS.map((version) =>
    build({
      entryPoints: ['test/k6-standin/main.ts'],
      outfile: path.join(outdir, `k6-${version}.cjs`),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      define: { __K6_STANDIN_VERSION__: JSON.stringify(version) },
      legalComments: 'none',
      logLevel: 'warning',
    }),
  ),
);
