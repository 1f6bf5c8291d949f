// The wrapper (src/wrapper.ts) with a time mark after each of its steps: the benchmark's "phases"
// section bundles this as src/main.ts is bundled and starts it with the image's launcher, Node
// and code cache, to show where the milliseconds of a start through the wrapper go. The preload
// (preload.cjs) holds the marks and replaces process.execve, so a start ends where k6 would begin.
import { runWrapper } from '../../../src/wrapper.ts';

const marks = (globalThis as { __k6pBenchMarks?: Array<[string, number]> }).__k6pBenchMarks ?? [];
const mark = (name: string) => marks.push([name, performance.now()]);

// Every module of the bundle has run its top level by now.
mark('modules');
runWrapper(process.argv.slice(2), mark).then((code) => {
  process.exitCode = code;
});
