#!/usr/bin/env node
// A minimal k6 double for process-level tests of the wrapper (not the faithful stand-in used in
// the image tests). Driven by FAKE_K6_* variables, it reports what it received to a JSON file.
import { configPath } from './fake-k6-config-path.mjs';
import { readFileSync, writeFileSync } from 'node:fs';

const env = process.env;

/** Process group and session (proc(5) stat fields 5 and 6): whether k6 was started in a session of its own. */
function groupAndSession() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const [, , pgid, sid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pgid: Number(pgid), sid: Number(sid) };
}

const report = {
  argv: process.argv.slice(2),
  argv0: process.argv0,
  pid: process.pid,
  ppid: process.ppid,
  ...groupAndSession(),
  env: {
    K6_CONFIG: env.K6_CONFIG ?? null,
    HOME: env.HOME ?? null,
    XDG_CONFIG_HOME: env.XDG_CONFIG_HOME ?? null,
    K6_CLOUD_TOKEN: env.K6_CLOUD_TOKEN ?? null,
    NODE_OPTIONS: env.NODE_OPTIONS ?? null,
  },
  stdin: null,
  signals: [],
  configSeen: null,
};

function save() {
  if (env.FAKE_K6_REPORT) writeFileSync(env.FAKE_K6_REPORT, JSON.stringify(report));
}

const path = configPath(process.argv.slice(2), env);
if (path) {
  try {
    report.configSeen = readFileSync(path, 'utf8');
  } catch (error) {
    report.configSeen = `error ${error.code}`;
    // As k6 does (docs/k6-behaviour.md): a -c/K6_CONFIG file that does not exist is an error,
    // for every command that reads the config, logins included.
    if (error.code === 'ENOENT' && process.argv[2] !== 'version') {
      save();
      process.stderr.write(`stat ${path}: no such file or directory\n`);
      process.exit(255);
    }
  }
}
if (env.FAKE_K6_READ_STDIN) report.stdin = readFileSync(0, 'utf8');

// A login that behaves like k6: rewrite the whole file, keeping only collectors.cloud.token.
if (env.FAKE_K6_LOGIN_TOKEN && path) {
  writeFileSync(path, `${JSON.stringify({ collectors: { cloud: { token: env.FAKE_K6_LOGIN_TOKEN } } }, null, 2)}\n`);
}

const exitCode = Number(env.FAKE_K6_EXIT ?? '0');
if (env.FAKE_K6_WAIT) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) {
    process.on(signal, () => {
      report.signals.push(signal);
      save();
    });
  }
  save();
  process.stdout.write('fake-k6 ready\n');
  // Stay up until told to stop: a bounded wait, then exit with the signal count as the code.
  setTimeout(() => {
    save();
    process.exit(100 + report.signals.length);
  }, Number(env.FAKE_K6_WAIT));
} else {
  save();
  if (env.FAKE_K6_KILL_SELF) process.kill(process.pid, env.FAKE_K6_KILL_SELF);
  else process.exit(exitCode);
}
