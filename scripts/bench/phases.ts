// Where the milliseconds of a start through the wrapper go (issue 13): the wrapper itself with a
// time mark after each of its steps (phases/entry.ts), bundled as src/main.ts is, started by the
// image's launcher, Node and a code cache made as the Dockerfile makes the image's, inside one
// container of the image under test (scripts/bench/inner-phases.ts). Each start ends where k6
// would begin (phases/preload.cjs).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleAsWrapper } from './bundles.ts';
import { bundleFromImage } from './container.ts';
import { docker } from './docker.ts';
import { NODE_IN_IMAGE } from './native-k6.ts';
import { pairedDifference, type Summary } from './stats.ts';

/** A bundle that only marks that it runs: Node and the launcher, with nothing to load. */
const EMPTY_BUNDLE = "'use strict';globalThis.__k6pBenchMarks.push(['modules', performance.now()]);\n";

export type Marks = Record<string, number>;
export type PhaseRuns = Record<'as built' | 'timed' | 'empty', Marks[]>;

/** The two launcher copies and their bundles, in dirs the image's user can write its cache to. */
export async function preparePhases(image: string, repo: string, work: string): Promise<string> {
  const dir = join(work, 'phases');
  for (const copy of ['timed', 'empty']) {
    mkdirSync(join(dir, copy), { recursive: true });
    chmodSync(join(dir, copy), 0o777);
    bundleFromImage(image, join(dir, copy, 'k6-persist-launcher.cjs'), 'k6-persist-launcher.cjs');
  }
  chmodSync(dir, 0o755);
  await bundleAsWrapper(join(repo, 'scripts/bench/phases/entry.ts'), join(dir, 'timed', 'k6-persist.cjs'));
  writeFileSync(join(dir, 'empty', 'k6-persist.cjs'), EMPTY_BUNDLE);
  return dir;
}

/** `k6 run x.js` with the volume at /config, as a test run that reuses it starts. */
export function measurePhases(image: string, volume: string, benchDir: string, phasesDir: string, rounds: number): PhaseRuns {
  const json = docker(
    ['run', '--rm', '--network', 'none', '-v', `${volume}:/config`, '-v', `${benchDir}:/bench:ro`, '-v', `${phasesDir}:/phases`, '--entrypoint', NODE_IN_IMAGE, image, '/bench/inner-phases.ts', String(rounds), '/phases'],
    { timeoutMs: 900_000 },
  );
  return JSON.parse(json) as PhaseRuns;
}

export interface PhaseRow {
  phase: string;
  /** Per-round differences, summarised (ms). */
  summary: Summary;
}

const pick = (runs: Marks[], key: string): number[] => runs.map((m) => m[key] ?? Number.NaN);

/** Consecutive marks of the timed copy, the load against the empty copy, and the totals. */
export function phaseRows(runs: PhaseRuns): PhaseRow[] {
  const bundleRuns = pick(runs.empty, 'modules');
  const step = (phase: string, from: string, to: string): PhaseRow => ({ phase, summary: pairedDifference(pick(runs.timed, from), pick(runs.timed, to)) });
  return [
    { phase: 'loading the bundle from its code cache and running its modules\' top level', summary: pairedDifference(bundleRuns, pick(runs.timed, 'modules')) },
    step('settings (K6_PERSIST_*, zod)', 'modules', 'settings'),
    step('facts (mount table, config file, probes)', 'settings', 'facts'),
    step('the decision and the notices', 'facts', 'decide'),
    step('carrying it out, up to the execve', 'decide', 'end'),
    { phase: 'total: the timed copy', summary: pairedDifference(bundleRuns, pick(runs.timed, 'end')) },
    { phase: 'total: the image\'s own bundle', summary: pairedDifference(bundleRuns, pick(runs['as built'], 'end')) },
  ];
}
