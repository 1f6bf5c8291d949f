// Timing commands side by side. Each round runs every command once, in an order that alternates
// from round to round (A B, B A, A B, ...), so a slow spell of a shared machine lands on all of
// them alike and each round gives a pair for a paired difference. Wall time comes from a
// monotonic clock around spawnSync; the CPU time of the children (user + system, as the kernel
// accounts it when it reaps them) from /proc/self/stat, which is much less disturbed by other
// load than wall time. Only node: built-ins: this file also runs inside the image under test.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Command {
  label: string;
  file: string;
  args: readonly string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Exit codes that count as a good run (default [0]). */
  okCodes?: readonly number[];
  /** Run before each timed run, untimed (e.g. reset a file). */
  before?: () => void;
  timeoutMs?: number;
}

export interface RunResult {
  wallMs: number;
  cpuMs: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface Series {
  label: string;
  /** Wall time of each timed run, in round order (index i of two series = one pair). */
  wallMs: number[];
  /** CPU time (user + system) of each run's process tree, in round order. Its resolution is one
   * clock tick (10 ms), so use the mean over many runs, never single values. */
  cpuMs: number[];
}

const TICK_MS = 10; // USER_HZ is 100 on every Linux architecture Node supports

/** CPU time of this process's reaped children so far, in ms (-1 where /proc is missing). */
export function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command name start at field 3 (state): cutime is 16, cstime 17.
    return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
  } catch {
    return -1;
  }
}

export class CommandFailed extends Error {}

export function runOnce(command: Command): RunResult {
  command.before?.();
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(command.env ?? process.env)) if (value !== undefined) env[key] = value;
  const cpu0 = childrenCpuMs();
  const t0 = process.hrtime.bigint();
  const result = spawnSync(command.file, command.args, {
    env,
    cwd: command.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: command.timeoutMs ?? 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const t1 = process.hrtime.bigint();
  const cpu1 = childrenCpuMs();
  const run: RunResult = {
    wallMs: Number(t1 - t0) / 1e6,
    cpuMs: cpu0 < 0 ? Number.NaN : cpu1 - cpu0,
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
  };
  const ok = command.okCodes ?? [0];
  if (result.error || run.status === null || !ok.includes(run.status)) {
    const why = result.error ? String(result.error) : run.status === null ? `signal ${result.signal}` : `exit ${run.status}`;
    throw new CommandFailed(
      `${command.label}: ${command.file} ${command.args.join(' ')} failed (${why})\n${run.stderr.slice(-2000)}${run.stdout.slice(-500)}`,
    );
  }
  return run;
}

export interface AlternateOptions {
  rounds: number;
  /** Untimed runs of each command first (page cache, Docker's image metadata, CPU frequency). */
  warmup?: number;
  onRound?: (round: number) => void;
}

/** Order of the commands in round r: rotated, and reversed every other round. */
export function roundOrder(count: number, round: number): number[] {
  const base = Array.from({ length: count }, (_, i) => (i + Math.floor(round / 2)) % count);
  return round % 2 === 0 ? base : base.reverse();
}

export function alternate(commands: readonly Command[], options: AlternateOptions): Series[] {
  const series: Series[] = commands.map((c) => ({ label: c.label, wallMs: [], cpuMs: [] }));
  for (let w = 0; w < (options.warmup ?? 1); w += 1) for (const command of commands) runOnce(command);
  for (let round = 0; round < options.rounds; round += 1) {
    for (const index of roundOrder(commands.length, round)) {
      const command = commands[index];
      const target = series[index];
      if (!command || !target) continue;
      const run = runOnce(command);
      target.wallMs.push(run.wallMs);
      target.cpuMs.push(run.cpuMs);
    }
    options.onRound?.(round);
  }
  return series;
}
