#!/usr/bin/env node
// A k6 double for the reliability tests, closer to k6's login than test/process/fake-k6.mjs:
// it reads the config it was pointed at, replaces collectors.cloud the way k6 does (unknown
// top-level keys and unknown cloud keys dropped, the file truncated and rewritten in place), can
// take its time doing so (to make concurrent logins overlap), and reports what it received.
//
//   FAKE_K6_LOGIN_TOKEN  log in: write this token            FAKE_K6_STACK_ID   also write a stack (2.x --stack)
//   FAKE_K6_EXTRA_KEY/_VALUE  also write collectors.cloud[KEY] = VALUE (a key k6 knows, for the tests)
//   FAKE_K6_DELAY_MS     wait this long before writing       FAKE_K6_EXIT       exit code (default 0)
//   FAKE_K6_REPORT       write {argv, umask, env, staging} here as JSON
import { configPath } from '../fake-k6-config-path.mjs';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const env = process.env;
const argv = process.argv.slice(2);

function modeOf(path) {
  try {
    return (statSync(path).mode & 0o7777).toString(8);
  } catch (error) {
    return error.code;
  }
}

/** The umask k6 was started with (proc(5) status), as octal text. */
function umask() {
  return /^Umask:\s*(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? null;
}

const path = configPath(argv, env);
const report = {
  argv,
  umask: umask(),
  env: { K6_CONFIG: env.K6_CONFIG ?? null, K6_CLOUD_TOKEN: env.K6_CLOUD_TOKEN ?? null, HOME: env.HOME ?? null },
  homeMode: env.HOME ? modeOf(env.HOME) : null,
  // What k6 is given to write: the wrapper's private staging copy, and how private it is.
  config: path ? { path, mode: modeOf(path), dir: dirname(path), dirMode: modeOf(dirname(path)) } : null,
};
if (env.FAKE_K6_REPORT) writeFileSync(env.FAKE_K6_REPORT, JSON.stringify(report));

const delay = Number(env.FAKE_K6_DELAY_MS ?? '0');
if (delay > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);

if (env.FAKE_K6_LOGIN_TOKEN && path) {
  const before = JSON.parse(readFileSync(path, 'utf8') || '{}');
  const known = ['token', 'projectID', 'stackID', 'stackURL', 'defaultProjectID'];
  const was = before?.collectors?.cloud ?? {};
  const cloud = {};
  for (const key of known) if (key in was) cloud[key] = was[key];
  if (env.FAKE_K6_EXTRA_KEY) for (const key of Object.keys(was)) if (key.startsWith('note-')) cloud[key] = was[key];
  cloud.token = env.FAKE_K6_LOGIN_TOKEN;
  if (env.FAKE_K6_STACK_ID) {
    cloud.stackID = Number(env.FAKE_K6_STACK_ID);
    cloud.stackURL = `https://stack-${env.FAKE_K6_STACK_ID}.grafana.net`;
    cloud.defaultProjectID = Number(env.FAKE_K6_STACK_ID) * 10;
  }
  if (env.FAKE_K6_EXTRA_KEY) cloud[env.FAKE_K6_EXTRA_KEY] = env.FAKE_K6_EXTRA_VALUE ?? '';
  // k6 keeps only what it knows: other collectors survive, unknown top-level keys do not.
  const after = { vus: null, collectors: { ...(before?.collectors ?? {}), cloud } };
  writeFileSync(path, `${JSON.stringify(after, null, 2)}\n`);
}

process.exit(Number(env.FAKE_K6_EXIT ?? '0'));
