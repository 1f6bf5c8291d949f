// The wrapper's path (src/wrapper.ts) step by step, with a time mark after each step: the
// benchmark's "phases" section bundles this as src/main.ts is bundled and starts it with the
// image's launcher, Node and code cache, to show where the milliseconds of a start through the
// wrapper go. The preload (preload.cjs) holds the marks and replaces process.execve, so a start
// ends where k6 would begin. Keep the steps in step with runWrapper; the section also times the
// image's own bundle to the same point, which shows when they drift apart.
import { gatherFacts } from '../../../src/plan/facts.ts';
import { decide } from '../../../src/plan/decide.ts';
import { carryOut } from '../../../src/plan/carry-out.ts';
import { cloudCommandNotices } from '../../../src/credentials/from-facts.ts';
import { createLogger } from '../../../src/report/log.ts';
import { readSettings } from '../../../src/settings/env.ts';

const marks = (globalThis as { __k6pBenchMarks?: Array<[string, number]> }).__k6pBenchMarks ?? [];
const mark = (name: string) => marks.push([name, performance.now()]);

// Every module of the bundle has run its top level by now.
mark('modules');
const settingsResult = readSettings(process.env);
if (!settingsResult.ok) throw new Error(`the benchmark's environment has invalid settings: ${settingsResult.problems.join('; ')}`);
const settings = settingsResult.settings;
mark('settings');
const argv = process.argv.slice(2);
const facts = gatherFacts(argv, 'k6', process.env, settings);
mark('facts');
const log = createLogger({ quiet: settings.quiet || facts.args.quiet, debug: settings.debug });
const plan = decide(facts);
if (plan.kind === 'run') plan.notices.push(...cloudCommandNotices(facts));
mark('decide');
carryOut(plan, log).then((code) => {
  process.exitCode = code;
});
