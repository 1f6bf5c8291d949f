// Entry point run INSIDE the image under test by the image's own Node (the "phases" section):
//   docker run ... -v scripts/bench:/bench:ro -v WORK:/phases --entrypoint /usr/libexec/k6-persist/node \
//     IMAGE /bench/inner-phases.ts ROUNDS /phases
// /phases holds two copies of the image's launcher, each beside a bundle of its own: timed/ (the
// wrapper with a mark after each step, phases/entry.ts) and empty/ (a bundle that only marks that
// it runs).
// Their code caches are made here exactly as the Dockerfile makes the image's. Then, alternated
// in every round, `k6 run x.js` is started through the image's own launcher, the timed copy and
// the empty copy, each with phases/preload.cjs, and the marks of every start are printed as JSON.
// Only node: built-ins and sibling files.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { roundOrder } from './measure.ts';

const rounds = Number(process.argv[2] ?? '40');
const dir = process.argv[3] ?? '/phases';
const preload = join(import.meta.dirname, 'phases', 'preload.cjs');
const args = ['run', 'x.js'];

const starts = [
  { label: 'as built', launcher: '/usr/libexec/k6-persist/k6-persist-launcher.cjs' },
  { label: 'timed', launcher: join(dir, 'timed', 'k6-persist-launcher.cjs') },
  { label: 'empty', launcher: join(dir, 'empty', 'k6-persist-launcher.cjs') },
];

for (const copy of ['timed', 'empty']) {
  const launcher = join(dir, copy, 'k6-persist-launcher.cjs');
  spawnSync(process.execPath, [launcher, 'version'], { env: { ...process.env, K6_PERSIST_WRITE_CODE_CACHE: '1', K6_PERSIST_HANDOVER: 'spawn' }, stdio: 'ignore' });
  if (!existsSync(join(dir, copy, 'k6-persist.cjs.v8-cache'))) throw new Error(`no code cache was made for ${copy}/`);
}

function start(launcher: string): Record<string, number> {
  const result = spawnSync(process.execPath, ['--require', preload, launcher, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  const line = (result.stdout ?? '').trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !line.startsWith('{')) throw new Error(`${launcher} ${args.join(' ')}: exit ${result.status}, ${result.stderr}${result.stdout}`);
  return JSON.parse(line) as Record<string, number>;
}

const out: Record<string, Array<Record<string, number>>> = Object.fromEntries(starts.map((s) => [s.label, []]));
for (let w = 0; w < 3; w += 1) for (const s of starts) start(s.launcher);
for (let round = 0; round < rounds; round += 1) {
  for (const index of roundOrder(starts.length, round)) {
    const s = starts[index]!;
    out[s.label]!.push(start(s.launcher));
  }
}
process.stdout.write(`${JSON.stringify(out)}\n`);
