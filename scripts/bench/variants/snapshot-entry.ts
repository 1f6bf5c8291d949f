// Entry of the start-up-snapshot variant (measured by the benchmark, not shipped): the same
// modules and the same steps as src/main.ts's wrapper path, but loaded and initialised at build
// time (`node --build-snapshot`), so a start only deserialises the heap and runs the steps.
import { startupSnapshot } from 'node:v8';
import { carryOut } from '../../../src/plan/carry-out.ts';
import { decide } from '../../../src/plan/decide.ts';
import { gatherFacts } from '../../../src/plan/facts.ts';
import { EXIT_GENERIC_ERROR } from '../../../src/plan/types.ts';
import { createLogger } from '../../../src/report/log.ts';
import { messages } from '../../../src/report/messages.ts';
import { readSettings } from '../../../src/settings/env.ts';

async function wrapper(argv: string[]): Promise<number> {
  const settingsResult = readSettings(process.env);
  if (!settingsResult.ok) {
    createLogger({ quiet: false, debug: false }).error(messages.badSettings(settingsResult.problems));
    return EXIT_GENERIC_ERROR;
  }
  const settings = settingsResult.settings;
  const facts = gatherFacts(argv, 'k6', process.env, settings);
  const log = createLogger({ quiet: settings.quiet || facts.args.quiet, debug: settings.debug });
  return carryOut(decide(facts), log);
}

startupSnapshot.setDeserializeMainFunction(() => {
  // Started as `node --snapshot-blob=BLOB /usr/bin/k6 ARGS...` (a shebang): argv[1] is the script.
  wrapper(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      createLogger({ quiet: false, debug: false }).error(`internal error: ${String(error)}`);
      process.exitCode = EXIT_GENERIC_ERROR;
    },
  );
});
