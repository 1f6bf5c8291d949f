// Global set-up of the `podman` test project (test/podman/, test/compose/): the runtimes the
// tests drive, each from its own idempotent script that CI can also run by itself as root:
//
//   scripts/podman.sh IMAGE          Debian 12's Podman 4.3.1, root and rootless, with the image
//   scripts/podman-kube.sh up IMAGE  Podman 5.4 in a cached trixie chroot, mounted, with the image
//   scripts/compose.sh               Docker Compose v2 from trixie, unpacked
//
// The teardown unmounts the chroot (scripts/podman-kube.sh down) and ends the rootless user's
// Podman pause process, which the set-up started. Each step's time goes to stderr.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { REAL_K6, imageFor } from '../../e2e/support/containers.ts';
import { assertBuiltOnStandIn } from '../../e2e/support/standin-guard.ts';
import type { PodmanContext, RootlessUser } from './context.ts';

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const ROOTLESS_USER = process.env['K6_PERSIST_PODMAN_USER'] || 'k6p-rootless';
const CONTAINERS_CONF = '/etc/k6-persist/podman/containers.conf';

function script(name: string, ...args: string[]): string {
  const started = Date.now();
  // stderr straight through: a cold run installs packages and builds a chroot for minutes.
  const result = spawnSync('bash', [join(REPO, 'scripts', name), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, K6_PERSIST_PODMAN_USER: ROOTLESS_USER },
  });
  if (result.status !== 0) throw new Error(`podman tests: scripts/${name} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  process.stderr.write(`podman tests: scripts/${name} ${args[0] ?? ''} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result.stdout.trim();
}

function rootlessUser(): RootlessUser {
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === ROOTLESS_USER);
  if (!entry) throw new Error(`podman tests: no user ${ROOTLESS_USER} (scripts/podman.sh creates it)`);
  const range = readFileSync('/etc/subuid', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === ROOTLESS_USER);
  if (!range) throw new Error(`podman tests: ${ROOTLESS_USER} has no /etc/subuid range`);
  return { name: ROOTLESS_USER, uid: Number(entry[2]), gid: Number(entry[3]), home: entry[5] ?? '', subuidStart: Number(range[1]) };
}

/** Rootless Podman keeps a pause process holding its user namespace; the set-up started it. */
function endPauseProcess(user: RootlessUser): void {
  const pidFile = `/run/user/${user.uid}/libpod/tmp/pause.pid`;
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    // Only that process: the user's, and still the pause process (pids are reused).
    if (!new RegExp(`^Uid:\\s+${user.uid}\\b`, 'm').test(status) || !readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('catatonit')) return;
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

export default function setup(project: TestProject): () => void {
  const image = imageFor('2.2.0');
  // The tests steer the k6 stand-in (signals, thresholds) and must never reach the real cloud.
  if (!REAL_K6) assertBuiltOnStandIn([image]);
  script('podman.sh', image);
  const rootless = rootlessUser();
  const compose = script('compose.sh');
  // Last: nothing after it may fail before the teardown that unmounts it is in place.
  const kubeRoot = script('podman-kube.sh', 'up', image);
  const context: PodmanContext = { image, containersConf: CONTAINERS_CONF, rootless, kubeRoot, compose };
  project.provide('podman', context);
  return () => {
    script('podman-kube.sh', 'down');
    endPauseProcess(rootless);
  };
}
