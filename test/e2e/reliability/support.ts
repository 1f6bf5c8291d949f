// Helpers for the reliability suite (issue 5) on top of the shared e2e support: containers
// started through testcontainers (runOnce/startRunning), observed from the host (we run as root
// on the Docker host, so a named volume's data directory is readable here), killed with SIGKILL
// as `docker kill` does, and a barrier so that many containers act at the same moment.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getContainerRuntimeClient } from 'testcontainers';
import { type ContainerSpec, type Outcome, outcomeOf, removeContainer, runOnce, startRunning } from '../support/containers.ts';
import { wrapperLines } from '../support/observe.ts';

export { wrapperLines };

/** The image's own Node: the readers use it to parse the file exactly as strictly as JSON is. */
export const IMAGE_NODE = '/usr/libexec/k6-persist/node';
export const REAL_K6 = '/usr/bin/k6';

/** Runs a shell script in the image (as the image's user unless spec.user says otherwise). */
export function shell(spec: Omit<ContainerSpec, 'entrypoint' | 'command'>, script: string, timeoutMs?: number): Promise<Outcome> {
  return runOnce({ ...spec, entrypoint: ['sh', '-c'], command: [script] }, timeoutMs);
}

/**
 * `docker kill` (SIGKILL to the container's main process, here the wrapper) of a container that
 * printed `logLine`; returns what it had printed. The container is removed afterwards.
 */
export async function killWhenLogged(spec: ContainerSpec, logLine: RegExp): Promise<Outcome> {
  const started = await startRunning(spec, logLine, 60_000);
  const id = started.getId();
  try {
    const client = await getContainerRuntimeClient();
    const container = client.container.dockerode.getContainer(id);
    await container.kill({ signal: 'SIGKILL' });
    await container.wait();
    return await outcomeOf(id);
  } finally {
    await removeContainer(id);
  }
}

/** Waits (bounded) until `count` files named `ready-*` exist in dir. */
export async function waitForReady(dir: string, count: number, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = readdirSync(dir).filter((name) => name.startsWith('ready-')).length;
    if (ready >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${ready} of ${count} containers reached the barrier in ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Opens a barrier directory: every container waiting on `name` goes at once. */
export function release(dir: string, name = 'go'): void {
  writeFileSync(join(dir, name), '');
}

/**
 * Shell that announces readiness, waits (bounded, 60 s) for the barrier, then runs `then`.
 * Containers mount the barrier directory at /barrier.
 */
export function afterBarrier(id: string, then: string, name = 'go'): string {
  return [
    `touch /barrier/ready-${id}`,
    'i=0',
    `while [ ! -e /barrier/${name} ] && [ "$i" -lt 1200 ]; do sleep 0.05; i=$((i+1)); done`,
    `[ -e /barrier/${name} ] || { echo "barrier never opened" >&2; exit 90; }`,
    then,
  ].join('\n');
}

/**
 * A reader running in a container: parses the config file in a tight loop until /barrier/stop
 * exists (bounded: 120 s), then prints one JSON line: reads, bad reads (anything that is not a
 * JSON object, with what it was), missing-file reads and the distinct tokens it saw.
 */
export function readerScript(id: string, path = '/config/config.json'): string {
  return `
const fs = require('node:fs');
const started = Date.now();
let reads = 0, missing = 0;
const bad = [], tokens = new Set();
let announced = false;
while (!fs.existsSync('/barrier/stop') && Date.now() - started < 120000) {
  for (let i = 0; i < 50; i += 1) {
    let text;
    try { text = fs.readFileSync(${JSON.stringify(path)}, 'utf8'); } catch (e) { if (e.code === 'ENOENT') { missing += 1; continue; } bad.push(String(e)); continue; }
    reads += 1;
    try {
      const v = JSON.parse(text);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) bad.push('not an object: ' + text.slice(0, 60));
      else tokens.add(String(v.collectors && v.collectors.cloud && v.collectors.cloud.token));
    } catch (e) { bad.push(String(e).slice(0, 100) + ' in ' + JSON.stringify(text.slice(0, 60))); }
  }
  if (!announced && reads > 0) { fs.writeFileSync('/barrier/ready-${id}', ''); announced = true; }
}
console.log(JSON.stringify({ reads, missing, bad: bad.slice(0, 5), badCount: bad.length, tokens: [...tokens] }));
`;
}

export interface ReaderSummary {
  reads: number;
  missing: number;
  bad: string[];
  badCount: number;
  tokens: string[];
}

export function readerSummary(outcome: Outcome): ReaderSummary {
  const line = outcome.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as ReaderSummary;
}

/** Where the recording k6 writes what it saw: a host directory mounted here (see RECORDING_SHIM). */
export const RECORD_DIR = '/record';

/**
 * Shell for a recording k6 in front of the real one: argv, whether it got a token by env, the
 * staging copy's modes. The record goes to RECORD_DIR/k6-shim.log, a host directory, not to the
 * container's output: argv holds the token as typed, and the output is scanned for leaks whole.
 */
export const RECORDING_SHIM = [
  "cat > /tmp/k6-shim <<'EOF'",
  '#!/bin/sh',
  '{',
  "  printf 'ARGV'; for a in \"$@\"; do printf ' [%s]' \"$a\"; done; printf '\\n'",
  // Whether k6 got a token in its environment (K6_CLOUD_TOKEN_FILE), without printing it.
  '  if [ -n "$K6_CLOUD_TOKEN" ]; then echo "TOKEN_ENV set"; else echo "TOKEN_ENV unset"; fi',
  '  if [ -n "$K6_CONFIG" ]; then',
  "    echo \"STAGING_DIR $(stat -c '%a %u' \"$(dirname \"$K6_CONFIG\")\") $(dirname \"$K6_CONFIG\")\"",
  "    echo \"STAGING_FILE $(stat -c '%a %u' \"$K6_CONFIG\")\"",
  '  fi',
  `} >> ${RECORD_DIR}/k6-shim.log`,
  `exec ${REAL_K6} "$@"`,
  'EOF',
  'chmod 755 /tmp/k6-shim',
].join('\n');

/**
 * Shell for a k6 in front of the real one that, after a successful login, adds
 * `collectors.cloud[KEY] = VALUE` (NOTE_KEY, NOTE_VALUE in its environment) to the staging copy k6
 * wrote, as if k6 itself had set a key of its own. Each login then changes a key no other login
 * touches: a merge that loses another login's update loses that key.
 */
export const NOTE_ADDING_SHIM = [
  "cat > /tmp/k6-note <<'EOF'",
  '#!/bin/sh',
  `${REAL_K6} "$@" || exit $?`,
  `exec ${IMAGE_NODE} -e '
const fs = require("node:fs");
const path = process.env.K6_CONFIG;
const config = JSON.parse(fs.readFileSync(path, "utf8"));
config.collectors.cloud[process.env.NOTE_KEY] = process.env.NOTE_VALUE;
fs.writeFileSync(path, JSON.stringify(config));
'`,
  'EOF',
  'chmod 755 /tmp/k6-note',
].join('\n');

export function exists(path: string): boolean {
  return existsSync(path);
}
