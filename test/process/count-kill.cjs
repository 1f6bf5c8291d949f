// Preloaded into the wrapper by the process tests (NODE_OPTIONS=--require): appends one line per
// signal the wrapper itself sends to another process, `<sender pid> <target pid> <signal>`, to
// the file named by K6P_TEST_KILL_LOG. "Forwarded exactly once" is then counted at the wrapper,
// deterministically: k6 (or a double) counts deliveries, and the kernel merges a second signal
// into the first while that one is still pending, so two forwards can look like one.
// The wrapper's environment reaches k6, so a Node k6 double loads this too; it sends nothing.
'use strict';
const { appendFileSync } = require('node:fs');
const { ChildProcess } = require('node:child_process');

const log = process.env.K6P_TEST_KILL_LOG;
if (log) {
  // A first line per process that loaded this, so a test can tell "sent nothing" from "not loaded".
  appendFileSync(log, `${process.pid} loaded\n`);
  const record = (target, signal) => appendFileSync(log, `${process.pid} ${target} ${signal}\n`);
  const childKill = ChildProcess.prototype.kill;
  ChildProcess.prototype.kill = function kill(signal) {
    record(this.pid, signal ?? 'SIGTERM');
    return childKill.apply(this, arguments);
  };
  const processKill = process.kill;
  process.kill = function kill(pid, signal) {
    if (pid !== process.pid) record(pid, signal ?? 'SIGTERM');
    return processKill.apply(process, arguments);
  };
}
