// Docker helpers for the benchmark: images pinned by id, containers sampled from the host's /proc
// and the container's memory cgroup (v1 or v2).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function docker(args: readonly string[], options: { input?: string; okCodes?: number[]; timeoutMs?: number } = {}): string {
  const result = spawnSync('docker', args, {
    input: options.input,
    encoding: 'utf8',
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const ok = options.okCodes ?? [0];
  if (result.error || result.status === null || !ok.includes(result.status)) {
    throw new Error(`docker ${args.join(' ')} failed (${result.error ?? `exit ${result.status}`}): ${(result.stderr ?? '').trim().slice(-1500)}`);
  }
  return result.stdout;
}

export function imageId(ref: string): string {
  return docker(['image', 'inspect', '-f', '{{.Id}}', ref]).trim();
}

export function imageSize(ref: string): number {
  return Number(docker(['image', 'inspect', '-f', '{{.Size}}', ref]).trim());
}

export function dockerVersion(): string {
  try {
    return docker(['version', '-f', 'client {{.Client.Version}}, engine {{.Server.Version}}']).trim();
  } catch {
    return 'unknown';
  }
}

/** Runs a one-shot container as root to prepare a volume (e.g. give it to the image's user). */
export function prepareVolume(volume: string, image: string, script: string): void {
  docker(['volume', 'create', volume]);
  docker(['run', '--rm', '--network', 'none', '--user', '0', '-v', `${volume}:/config`, '--entrypoint', 'sh', image, '-c', script]);
}

// ----------------------------------------------------------------------------------------------
// Sampling a running container from the host.

export interface ProcessSample {
  pid: number;
  exe: string;
  cmdline: string;
  rssKb: number;
}

export interface CgroupSample {
  /** memory.usage_in_bytes (v1) / memory.current (v2): anonymous memory + page cache + kernel. */
  usage: number;
  /** Anonymous memory (v1 rss, v2 anon). */
  anon: number;
  /** Page cache charged to the container (v1 cache, v2 file). */
  file: number;
  /** Highest usage since the container started (v1 max_usage_in_bytes, v2 memory.peak), or NaN. */
  peak: number;
}

export interface ContainerSample {
  atMs: number;
  processes: ProcessSample[];
  cgroup: CgroupSample | undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The directory of the memory cgroup that `pid` is in, as seen from the host. */
export function memoryCgroupDir(pid: number): string | undefined {
  const lines = readText(`/proc/${pid}/cgroup`)?.trim().split('\n') ?? [];
  for (const line of lines) {
    const [, controllers, path] = line.split(':');
    if (controllers?.split(',').includes('memory') && path !== undefined) {
      const dir = join('/sys/fs/cgroup/memory', path);
      if (existsSync(dir)) return dir;
    }
  }
  const unified = lines.find((line) => line.startsWith('0::'))?.slice(3);
  if (unified !== undefined) {
    for (const root of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
      const dir = join(root, unified);
      if (existsSync(join(dir, 'memory.current'))) return dir;
    }
  }
  return undefined;
}

function statField(stat: string, key: string): number {
  const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(stat);
  return match ? Number(match[1]) : Number.NaN;
}

export function readCgroup(dir: string): CgroupSample | undefined {
  const stat = readText(join(dir, 'memory.stat')) ?? '';
  const v1 = readText(join(dir, 'memory.usage_in_bytes'));
  if (v1 !== undefined) {
    return {
      usage: Number(v1),
      anon: statField(stat, 'total_rss') || statField(stat, 'rss'),
      file: statField(stat, 'total_cache') || statField(stat, 'cache'),
      peak: Number(readText(join(dir, 'memory.max_usage_in_bytes')) ?? Number.NaN),
    };
  }
  const v2 = readText(join(dir, 'memory.current'));
  if (v2 === undefined) return undefined;
  return {
    usage: Number(v2),
    anon: statField(stat, 'anon'),
    file: statField(stat, 'file'),
    peak: Number(readText(join(dir, 'memory.peak')) ?? Number.NaN),
  };
}

export function cgroupPids(dir: string): number[] {
  return (readText(join(dir, 'cgroup.procs')) ?? '')
    .split('\n')
    .filter(Boolean)
    .map(Number);
}

export function readProcess(pid: number): ProcessSample | undefined {
  const status = readText(`/proc/${pid}/status`);
  if (status === undefined) return undefined;
  // A process caught while it exits (zombie, or its memory already gone) is not a running process.
  if (/^State:\s+[ZX]/m.test(status)) return undefined;
  let exe = '?';
  try {
    exe = readlinkSync(`/proc/${pid}/exe`);
  } catch (error) {
    // Not allowed to look (not root): keep the process. Gone (ENOENT): it was exiting.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') return undefined;
  }
  const rss = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  const cmdline = (readText(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ');
  if (cmdline === '' && !rss) return undefined; // a process whose memory is already released
  return { pid, exe, cmdline, rssKb: rss ? Number(rss[1]) : 0 };
}

/** `docker top` as the fallback where the host's /proc or cgroup tree is not visible. */
function dockerTopProcesses(container: string): ProcessSample[] {
  try {
    const out = docker(['top', container, '-o', 'pid,rss,args']).trim().split('\n').slice(1);
    return out.map((line) => {
      const [pid = '0', rss = '0', ...args] = line.trim().split(/\s+/);
      return { pid: Number(pid), exe: '?', cmdline: args.join(' '), rssKb: Number(rss) };
    });
  } catch {
    return [];
  }
}

export function containerPid(container: string): number {
  return Number(docker(['inspect', '-f', '{{.State.Pid}}', container]).trim());
}

export function containerRunning(container: string): boolean {
  try {
    return docker(['inspect', '-f', '{{.State.Running}}', container]).trim() === 'true';
  } catch {
    return false;
  }
}

export function sampleContainer(container: string, cgroupDir: string | undefined, atMs: number): ContainerSample {
  if (cgroupDir) {
    const processes = cgroupPids(cgroupDir)
      .map(readProcess)
      .filter((p): p is ProcessSample => p !== undefined);
    return { atMs, processes, cgroup: readCgroup(cgroupDir) };
  }
  return { atMs, processes: dockerTopProcesses(container), cgroup: undefined };
}

export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
