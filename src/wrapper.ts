// The wrapper path of k6-persist: settings, facts, one decision, carried out.
import { describeCacheUse, recordedCacheUse } from './boot/cache-use.ts';
import { gatherFacts } from './plan/facts.ts';
import { decide } from './plan/decide.ts';
import { carryOut } from './plan/carry-out.ts';
import { cloudCommandNotices } from './credentials/from-facts.ts';
import { createLogger } from './report/log.ts';
import { messages } from './report/messages.ts';
import { readSettings } from './settings/env.ts';
import { EXIT_GENERIC_ERROR } from './plan/types.ts';

/** The steps of a start, in order: the benchmark times each (scripts/bench/phases/). */
export type WrapperStep = 'settings' | 'facts' | 'decide';

export async function runWrapper(argv: string[], stepDone: (step: WrapperStep) => void = () => undefined): Promise<number> {
  const settingsResult = readSettings(process.env);
  if (!settingsResult.ok) {
    createLogger({ quiet: false, debug: false }).error(messages.badSettings(settingsResult.problems));
    return EXIT_GENERIC_ERROR;
  }
  const settings = settingsResult.settings;
  stepDone('settings');
  const facts = gatherFacts(argv, 'k6', process.env, settings);
  stepDone('facts');
  const log = createLogger({ quiet: settings.quiet || facts.args.quiet, debug: settings.debug });
  const cacheUse = recordedCacheUse();
  if (cacheUse) log.debug(describeCacheUse(cacheUse));
  const plan = decide(facts);
  // After the decision: a command the wrapper refuses gets its refusal, not advice on credentials.
  if (plan.kind === 'run') plan.notices.push(...cloudCommandNotices(facts));
  stepDone('decide');
  return carryOut(plan, log);
}
