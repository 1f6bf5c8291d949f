// A k6 login run against the staging copy, then only what k6 changed under collectors.cloud is
// merged into the persistent file. A failed login leaves the persistent file untouched.
import { dirname } from 'node:path';
import { replaceConfigPath } from '../args/analyse.ts';
import { parseConfigText, serializeConfig } from '../config/document.ts';
import { readConfigFile } from '../config/read.ts';
import { ConfigWriteError, replaceFile } from '../config/atomic-write.ts';
import { errorCode } from '../config/errno.ts';
import { applyCloudChange, diffCloud, isEmptyChange, summarizeCloud } from '../config/merge.ts';
import { maskToken } from '../config/mask.ts';
import { runChild } from '../handover/spawn.ts';
import { messages, unusableConfigMessage } from '../report/messages.ts';
import type { Logger } from '../report/log.ts';
import type { Invocation, LoginPlan } from '../plan/types.ts';
import { EXIT_GENERIC_ERROR, EXIT_INVALID_CONFIG } from '../plan/types.ts';
import { createStaging, removeAbandonedStaging, type Staging } from './staging.ts';
import { LockTimeoutError, removeStaleLeftovers, withConfigLock } from '../config/lock.ts';

/** Long enough for a test to kill the process, short enough that a forgotten setting only delays. */
const PAUSE_MS = 30_000;

export async function runLogin(plan: LoginPlan, k6: Invocation, log: Logger): Promise<number> {
  let staging: Staging;
  try {
    staging = createStaging(plan.initialText, dirname(plan.place.path));
  } catch (error) {
    log.error(messages.stagingFailed(errorCode(error)));
    return EXIT_GENERIC_ERROR;
  }
  log.debug(`login staging copy: ${staging.configPath}`);
  if (plan.writable) removeAbandonedStaging(dirname(plan.place.path)).forEach((name) => log.debug(`removed an abandoned staging copy: ${name}`));
  try {
    const args = plan.configFlag ? replaceConfigPath(k6.args, plan.configFlag, staging.configPath) : k6.args;
    const outcome = await runChild({ ...k6, args, env: { ...k6.env, K6_CONFIG: staging.configPath } });
    if (outcome.exitCode !== 0) {
      log.debug(`k6 exited ${outcome.exitCode}: the persistent config is left as it was`);
      return outcome.exitCode;
    }
    return saveChanges(plan, staging, log);
  } finally {
    staging.remove();
  }
}

function saveChanges(plan: LoginPlan, staging: Staging, log: Logger): number {
  const before = parseConfigText(plan.initialText);
  const afterState = readConfigFile(staging.configPath);
  const after = afterState.kind === 'present' ? parseConfigText(afterState.text) : undefined;
  if (!before.ok) return EXIT_INVALID_CONFIG; // decide() already refused this case
  if (!after || !after.ok) {
    log.error(messages.k6LeftInvalidConfig(after && !after.ok ? after.problem : afterState.kind));
    return EXIT_GENERIC_ERROR;
  }
  const change = diffCloud(before.config, after.config, plan.reset);
  if (isEmptyChange(change)) {
    log.debug('k6 changed nothing under collectors.cloud: nothing to save');
    if (plan.writable) removeStaleLeftovers(plan.place.path);
    return 0;
  }
  if (!plan.writable) {
    log.error(messages.loginIntoReadOnly(plan.place));
    return EXIT_GENERIC_ERROR;
  }
  try {
    const pause = (point: string) => {
      if (point !== plan.pauseAt) return;
      log.error(`paused at ${point} (K6_PERSIST_PAUSE_AT)`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, PAUSE_MS);
    };
    const saved = withConfigLock(plan.place.path, () => {
      pause('locked');
      // Re-read under the lock: another container may have written since this one started.
      const current = readConfigFile(plan.place.path);
      if (current.kind !== 'present' && current.kind !== 'missing') {
        log.error(unusableConfigMessage(plan.place.path, current));
        return undefined;
      }
      // Still missing: the base is what k6 was given (`{}`, or a pre-v0.58 file it starts from).
      const parsed = parseConfigText(current.kind === 'present' ? current.text : plan.initialText);
      if (!parsed.ok) {
        log.error(messages.invalidConfig(plan.place.path, parsed.problem));
        return undefined;
      }
      const base = parsed.config;
      const next = applyCloudChange(base, change);
      const outcome = replaceFile(plan.place.path, serializeConfig(next), { inPlace: plan.inPlace, onStep: pause });
      log.debug(`saved ${outcome.path} by ${outcome.method}`);
      return next;
    });
    if (!saved) return EXIT_INVALID_CONFIG;
    const summary = summarizeCloud(saved);
    if (summary.token) {
      log.notice(messages.loginSaved(plan.place, { token: maskToken(summary.token), stack: summary.stackID }));
    } else {
      log.notice(messages.loginCleared(plan.place));
    }
    return 0;
  } catch (error) {
    if (error instanceof ConfigWriteError) {
      log.error(messages.writeFailed(error.path, error.code, error.fileChanged));
      return EXIT_GENERIC_ERROR;
    }
    if (error instanceof LockTimeoutError) {
      log.error(messages.lockTimeout(error.lockPath));
      return EXIT_GENERIC_ERROR;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code) {
      log.error(messages.writeFailed(plan.place.path, code));
      return EXIT_GENERIC_ERROR;
    }
    throw error;
  }
}
