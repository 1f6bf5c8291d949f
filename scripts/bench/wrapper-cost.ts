// The wrapper's own cost, without Docker: from process start to the hand-over to k6, measured as
// (wrapper -> fake k6) minus (fake k6 alone) for the same command line. The fake k6 is a tiny
// shell script that exits at once; for a login it writes a fresh token to the staging file
// (K6_CONFIG), so every login goes through the whole path: staging copy, k6, diff, lock, atomic
// replace with fsync, read-back. Runs on the host (Node 24 of the repo) and inside the image under
// test (its own Node; scripts/bench/inner.ts), so only node: built-ins here.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alternate, type Command, type Series } from './measure.ts';

export const FAKE_K6 = `#!/bin/sh
# k6 double for the benchmark: exits at once. A login writes a fresh token (its pid) to the
# file k6 would rewrite, so the wrapper has a change to merge every time.
case " $* " in
  *" login "*) [ -n "$K6_CONFIG" ] && printf '{"collectors":{"cloud":{"token":"bench-%s"}}}\\n' "$$" >"$K6_CONFIG" ;;
esac
exit 0
`;

export function writeFakeK6(dir: string, name = 'fake-k6', text = FAKE_K6): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}

export interface WrapperCostSpec {
  /** The Node binary (for the `node -e 0` floor: what Node alone costs before any script). */
  node: string;
  /** The wrapper, started the way the image starts it (an executable file with a shebang). */
  wrapper: string;
  fakeK6: string;
  /** Scratch directory: the fake's own staging file when run alone. */
  workDir: string;
  /** K6_PERSIST_DIR for the wrapper; unset: the wrapper finds the mounted volume itself. */
  persistDir?: string;
  /** Environment of every command (PATH, HOME, ...). */
  env: Record<string, string>;
  rounds: number;
  warmup?: number;
}

export interface WrapperCostResult {
  series: Series[];
  /** Pairs to compare: [label of the wrapper's series, label of the baseline series]. */
  pairs: Array<[string, string]>;
}

export const CASES: ReadonlyArray<{ name: string; args: string[] }> = [
  { name: 'version', args: ['version'] },
  { name: 'run', args: ['run', 'script.js'] },
  { name: 'cloud run', args: ['cloud', 'run', 'script.js'] },
  { name: 'cloud login', args: ['cloud', 'login', '--token', 'bench-token'] },
];

export function measureWrapperCost(spec: WrapperCostSpec): WrapperCostResult {
  mkdirSync(spec.workDir, { recursive: true });
  const fakeConfig = join(spec.workDir, 'fake-alone-config.json');
  const wrapperEnv = {
    ...spec.env,
    K6_PERSIST_K6_BIN: spec.fakeK6,
    ...(spec.persistDir ? { K6_PERSIST_DIR: spec.persistDir } : {}),
  };
  const commands: Command[] = [{ label: 'node -e 0', file: spec.node, args: ['-e', '0'], env: spec.env }];
  const pairs: Array<[string, string]> = [];
  for (const c of CASES) {
    const alone = `fake k6 ${c.name}`;
    const wrapped = `k6-persist ${c.name}`;
    commands.push({
      label: alone,
      file: spec.fakeK6,
      args: c.args,
      env: { ...spec.env, K6_CONFIG: fakeConfig },
      cwd: spec.workDir,
      before: () => writeFileSync(fakeConfig, '{}\n'),
    });
    commands.push({ label: wrapped, file: spec.wrapper, args: c.args, env: wrapperEnv, cwd: spec.workDir });
    pairs.push([wrapped, alone]);
  }
  pairs.push(['node -e 0', 'fake k6 version']);
  const series = alternate(commands, { rounds: spec.rounds, warmup: spec.warmup ?? 2 });
  return { series, pairs };
}

/** A k6 double whose login takes a while, so the wrapper can be seen while it waits for k6. */
export const SLOW_FAKE_K6 = `#!/bin/sh
# k6 double for the benchmark: a login that takes 0.8 s and writes a fresh token.
sleep 0.8
[ -n "$K6_CONFIG" ] && printf '{"collectors":{"cloud":{"token":"bench-%s"}}}\\n' "$$" >"$K6_CONFIG"
exit 0
`;

export interface WrapperMemory {
  rssKb: number;
  anonKb: number;
  fileKb: number;
}

/**
 * Resident memory of the wrapper while k6 runs as its child: during a login the wrapper stays
 * (it merges k6's result afterwards), so this is what a login adds for its duration. Read from
 * /proc/<pid>/status 0.5 s into a login to the slow fake k6.
 */
export async function wrapperMemoryDuringLogin(wrapper: string, slowFakeK6: string, persistDir: string, env: Record<string, string>): Promise<WrapperMemory> {
  const child = spawn(wrapper, ['cloud', 'login', '--token', 'bench-token'], {
    env: { ...env, K6_PERSIST_K6_BIN: slowFakeK6, K6_PERSIST_DIR: persistDir },
    stdio: 'ignore',
  });
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  await new Promise((resolve) => setTimeout(resolve, 500));
  let status = '';
  try {
    status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  } catch {
    // exited already: reported as NaN below
  }
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? Number.NaN);
  const code = await exited;
  if (code !== 0) throw new Error(`${wrapper} cloud login to the slow fake k6 exited ${code}`);
  return { rssKb: kb('VmRSS'), anonKb: kb('RssAnon'), fileKb: kb('RssFile') };
}
