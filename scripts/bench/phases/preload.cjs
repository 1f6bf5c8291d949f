// Preloaded (node --require) into every start the benchmark's "phases" section times: it keeps
// the marks of entry.ts and prints them, with the moment the start ended, as one JSON line on
// stdout. process.execve is replaced so that a start ends where k6 would begin; Node's clock
// (performance.now(): ms since the process started) is read once here, so that no phase pays
// for loading it.
'use strict';
const { writeSync } = require('node:fs');

const marks = [];
globalThis.__k6pBenchMarks = marks;
performance.now();
let printed = false;
function print(end) {
  if (printed) return;
  printed = true;
  writeSync(1, `${JSON.stringify(Object.fromEntries([...marks, [end, performance.now()]]))}\n`);
}
process.execve = () => {
  print('end');
  process.reallyExit(0);
};
process.on('exit', () => print('end'));
