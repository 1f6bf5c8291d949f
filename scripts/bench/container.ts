// The measurements that need Docker: wall time of whole `docker run`s, memory during a run, the
// wrapper's cost inside the image, the login path against a mock k6 Cloud, image sizes.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ContainerSample,
  containerPid,
  containerRunning,
  docker,
  imageSize,
  memoryCgroupDir,
  sampleContainer,
  sleepMs,
} from './docker.ts';
import { alternate, type Command, type Series } from './measure.ts';
import { median } from './stats.ts';
import type { WrapperCostResult, WrapperCostSpec } from './wrapper-cost.ts';

export interface Images {
  /** The plain stand-in base (grafana/k6's place). */
  base: string;
  /** k6-persist built on it. */
  image: string;
}

export interface Fixtures {
  /** Host directory mounted read-only at /scripts: one.js (one iteration), mem.js (long run). */
  scriptsDir: string;
  /** Named volume at /config, writable by the image's user. */
  volume: string;
}

export function writeScripts(dir: string, memSeconds: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'one.js'), 'export default function () {}\n');
  // The directive drives the stand-in (which runs no JavaScript); the options drive a real k6.
  writeFileSync(
    join(dir, 'mem.js'),
    `import { sleep } from 'k6';\n// standin: duration=${memSeconds}s\nexport const options = { vus: 1, duration: '${memSeconds}s' };\nexport default function () {\n  sleep(0.5);\n}\n`,
  );
}

// ---------------------------------------------------------------------------------------------
// Wall time of whole invocations.

export function dockerWall(images: Images, fixtures: Fixtures, rounds: number): Series[] {
  const mounts = ['-v', `${fixtures.volume}:/config`, '-v', `${fixtures.scriptsDir}:/scripts:ro`];
  const cmd = (label: string, args: string[]): Command => ({ label, file: 'docker', args, env: process.env });
  return alternate(
    [
      cmd('plain: version', ['run', '--rm', '--network', 'none', images.base, 'version']),
      cmd('k6-persist: version', ['run', '--rm', '--network', 'none', images.image, 'version']),
      cmd('plain: run one.js', ['run', '--rm', '--network', 'none', ...mounts, images.base, 'run', '/scripts/one.js']),
      cmd('k6-persist: run one.js', ['run', '--rm', '--network', 'none', ...mounts, images.image, 'run', '/scripts/one.js']),
    ],
    { rounds, warmup: 2 },
  );
}

// ---------------------------------------------------------------------------------------------
// The wrapper's cost inside one container of the image under test, by the image's own Node.

export function wrapperCostInContainer(image: string, fixtures: Fixtures, benchDir: string, fakeDir: string, rounds: number): WrapperCostResult {
  const spec: WrapperCostSpec = {
    node: '/usr/libexec/k6-persist/node',
    wrapper: '/usr/local/bin/k6',
    fakeK6: '/bench-bin/fake-k6',
    workDir: '/tmp/bench-work',
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/home/k6' },
    rounds,
  };
  const out = docker([
    'run', '--rm', '--network', 'none',
    '-v', `${fixtures.volume}:/config`,
    '-v', `${benchDir}:/bench:ro`,
    '-v', `${fakeDir}:/bench-bin:ro`,
    '--entrypoint', '/usr/libexec/k6-persist/node',
    image, '/bench/inner.ts', JSON.stringify(spec),
  ], { timeoutMs: 600_000 });
  return JSON.parse(out) as WrapperCostResult;
}

// ---------------------------------------------------------------------------------------------
// Memory of the whole container during a long `k6 run`.

export interface MemoryRun {
  image: string;
  samples: number;
  /** Median over the samples taken after the first second of the summed RSS of all processes. */
  rssKb: number;
  rssMaxKb: number;
  /** Median cgroup usage / anon / page cache after the first second, bytes. */
  cgroupUsage: number;
  cgroupAnon: number;
  cgroupFile: number;
  /** The cgroup's high-water mark at the last sample: includes the wrapper's moment before execve. */
  cgroupPeak: number;
  /** Most processes seen at once after the first second. */
  maxProcesses: number;
  /** Distinct command lines seen after the first second. */
  processes: string[];
  /** What the first sample saw (it may catch the wrapper before its hand-over). */
  first: { atMs: number; processes: string[] };
  /** Time of the first sample from which on the processes' executables stay those of the end. */
  settledAtMs: number;
}

function summarizeMemory(image: string, samples: ContainerSample[]): MemoryRun {
  const steady = samples.filter((s) => s.atMs >= 1000 && s.processes.length > 0);
  const rss = steady.map((s) => s.processes.reduce((sum, p) => sum + p.rssKb, 0));
  const pick = (f: (s: ContainerSample) => number) => median(steady.filter((s) => s.cgroup).map(f));
  const first = samples[0];
  const last = [...samples].reverse().find((s) => s.cgroup);
  const exes = (s: ContainerSample) => s.processes.map((p) => p.exe).sort().join(' ');
  const running = samples.filter((s) => s.processes.length > 0);
  const finalExes = running.length ? exes(running[running.length - 1] as ContainerSample) : '';
  let settled = running.length - 1;
  while (settled > 0 && exes(running[settled - 1] as ContainerSample) === finalExes) settled -= 1;
  return {
    image,
    samples: steady.length,
    rssKb: median(rss),
    rssMaxKb: rss.length ? Math.max(...rss) : Number.NaN,
    cgroupUsage: pick((s) => s.cgroup?.usage ?? Number.NaN),
    cgroupAnon: pick((s) => s.cgroup?.anon ?? Number.NaN),
    cgroupFile: pick((s) => s.cgroup?.file ?? Number.NaN),
    cgroupPeak: last?.cgroup?.peak ?? Number.NaN,
    maxProcesses: Math.max(0, ...steady.map((s) => s.processes.length)),
    processes: [...new Set(steady.flatMap((s) => s.processes.map((p) => `${p.cmdline}  [exe ${p.exe}]`)))],
    first: { atMs: first?.atMs ?? Number.NaN, processes: first?.processes.map((p) => `${p.cmdline}  [exe ${p.exe}]`) ?? [] },
    settledAtMs: running[settled]?.atMs ?? Number.NaN,
  };
}

export function memoryDuringRun(imageRef: string, fixtures: Fixtures, seconds: number, intervalMs = 200): MemoryRun {
  const name = `k6p-bench-mem-${process.pid}-${Date.now()}`;
  const t0 = Date.now();
  docker([
    'run', '-d', '--name', name, '--network', 'none',
    '-v', `${fixtures.volume}:/config`, '-v', `${fixtures.scriptsDir}:/scripts:ro`,
    imageRef, 'run', '/scripts/mem.js',
  ]);
  const samples: ContainerSample[] = [];
  try {
    const pid = containerPid(name);
    const cgroupDir = pid > 0 ? memoryCgroupDir(pid) : undefined;
    const deadline = t0 + (seconds + 30) * 1000;
    while (Date.now() < deadline) {
      const sample = sampleContainer(name, cgroupDir, Date.now() - t0);
      if (sample.processes.length === 0 && !containerRunning(name)) break;
      samples.push(sample);
      sleepMs(intervalMs);
    }
    const state = docker(['inspect', '-f', '{{.State.ExitCode}}', name]).trim();
    if (state !== '0') throw new Error(`${imageRef} run exited ${state}: ${docker(['logs', name]).slice(-1000)}`);
  } finally {
    docker(['rm', '-f', name], { okCodes: [0, 1] });
  }
  return summarizeMemory(imageRef, samples);
}

// ---------------------------------------------------------------------------------------------
// A mock k6 Cloud on 127.0.0.1 (test/mock-cloud), in its own process: spawnSync blocks this one.

export interface MockCloudProcess {
  url: string;
  requestCount(): number;
  stop(): void;
}

export async function startMockCloudProcess(repo: string, workDir: string, tokens: string[], stack: string): Promise<MockCloudProcess> {
  const cli = join(repo, 'test/mock-cloud/cli.ts');
  const log = join(workDir, 'mock-cloud.log');
  const err = join(workDir, 'mock-cloud.err');
  const out = openSync(log, 'w');
  const errFd = openSync(err, 'w');
  const child = spawn(process.execPath, [cli, '--port', '0', ...tokens.flatMap((t) => ['--token', t]), '--stack', stack], {
    cwd: repo,
    stdio: ['ignore', out, errFd],
  });
  closeSync(out);
  closeSync(errFd);
  const lines = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
  for (let i = 0; i < 150; i += 1) {
    const first = lines()[0];
    if (first?.startsWith('http://127.0.0.1:')) {
      return {
        url: first,
        requestCount: () => lines().length - 1,
        stop: () => {
          child.kill('SIGTERM');
        },
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the mock k6 Cloud (${cli}) did not start: ${readFileSync(err, 'utf8').slice(-1000)}`);
}

export function loginPath(
  images: Images,
  fixtures: Fixtures,
  cloudUrl: string,
  tokens: [string, string],
  stack: { slug: string; id: number; projectId: number },
  rounds: number,
): Series[] {
  const stackSlug = stack.slug;
  const hosts = ['-e', `K6_CLOUD_HOST=${cloudUrl}`, '-e', `K6_CLOUD_HOST_V6=${cloudUrl}`];
  const net = ['--network', 'host'];
  // k6-persist logs in with the two tokens in turn, so every login changes the file: the whole
  // path (staging, k6, diff, lock, atomic replace, read-back) runs each time.
  const persistLogin = ['run', '--rm', ...net, ...hosts, '-v', `${fixtures.volume}:/config`, images.image, 'cloud', 'login', '--token', tokens[0], '--stack', stackSlug];
  let turn = 0;
  const tokenIndex = persistLogin.indexOf('--token') + 1;
  const cmd = (label: string, args: string[], before?: () => void): Command => ({ label, file: 'docker', args, env: process.env, ...(before ? { before } : {}) });
  return alternate(
    [
      cmd('plain: cloud login', ['run', '--rm', ...net, ...hosts, images.base, 'cloud', 'login', '--token', tokens[0], '--stack', stackSlug]),
      cmd('k6-persist: cloud login', persistLogin, () => {
        turn += 1;
        persistLogin[tokenIndex] = tokens[turn % 2] ?? tokens[0];
      }),
      cmd('plain: cloud run (token in env)', [
        'run', '--rm', ...net, ...hosts, '-e', `K6_CLOUD_TOKEN=${tokens[0]}`, '-e', `K6_CLOUD_STACK_ID=${stack.id}`, '-e', `K6_CLOUD_PROJECT_ID=${stack.projectId}`,
        '-v', `${fixtures.scriptsDir}:/scripts:ro`, images.base, 'cloud', 'run', '/scripts/one.js',
      ]),
      cmd('k6-persist: cloud run (saved login)', [
        'run', '--rm', ...net, ...hosts, '-v', `${fixtures.volume}:/config`, '-v', `${fixtures.scriptsDir}:/scripts:ro`,
        images.image, 'cloud', 'run', '/scripts/one.js',
      ]),
    ],
    { rounds, warmup: 1 },
  );
}

// ---------------------------------------------------------------------------------------------
// Sizes.

export interface SizeFacts {
  baseBytes: number;
  imageBytes: number;
  /** Files the image adds, from inside it: path -> bytes. */
  added: Record<string, number>;
  /** node_modules directories anywhere in the image (the bundle needs none). */
  nodeModules: string[];
}

export function imageSizes(images: Images): SizeFacts {
  const script =
    'for f in /usr/libexec/k6-persist/node /usr/libexec/k6-persist/k6-persist.cjs /usr/libexec/k6-persist/k6-persist-cli.cjs /usr/lib/libstdc++.so.6.* /usr/lib/libgcc_s.so.1; do ' +
    '[ -f "$f" ] && [ ! -L "$f" ] && stat -c "%s %n" "$f"; done; true';
  const added: Record<string, number> = {};
  for (const line of docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', images.image, '-c', script]).trim().split('\n')) {
    const [size, path] = line.split(' ');
    if (size && path) added[path] = Number(size);
  }
  const nodeModules = docker(['run', '--rm', '--network', 'none', '--user', '0', '--entrypoint', 'sh', images.image, '-c', 'find / -xdev -type d -name node_modules 2>/dev/null | head -n 5; true'])
    .split('\n')
    .filter(Boolean);
  return { baseBytes: imageSize(images.base), imageBytes: imageSize(images.image), added, nodeModules };
}

/** A bundle file copied out of the image: the wrapper (k6-persist.cjs) unless named. */
export function bundleFromImage(image: string, dest: string, name = 'k6-persist.cjs'): string {
  writeFileSync(dest, docker(['run', '--rm', '--network', 'none', '--entrypoint', 'cat', image, `/usr/libexec/k6-persist/${name}`]));
  return dest;
}
