// A k6 login run against the staging copy, then only what k6 changed under collectors.cloud is
// merged into the persistent file. A failed login leaves the persistent file untouched.
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { insertFlags, replaceConfigPath } from '../args/analyse.ts';
import { parseConfigText, serializeConfig } from '../config/document.ts';
import { readConfigFile } from '../config/read.ts';
import { ConfigWriteError, replaceFile } from '../config/atomic-write.ts';
import { errorCode } from '../config/errno.ts';
import { applyCloudChange, diffCloud, isEmptyChange, summarizeCloud } from '../config/merge.ts';
import { maskToken } from '../config/mask.ts';
import { runChild } from '../handover/spawn.ts';
import { describeTokenSource, messages, unusableConfigMessage, type Supplied } from '../report/messages.ts';
import type { Logger } from '../report/log.ts';
import type { Invocation, LoginPlan, LoginSupply } from '../plan/types.ts';
import { EXIT_GENERIC_ERROR, EXIT_INVALID_CONFIG } from '../plan/types.ts';
import { createStaging, removeAbandonedStaging, type Staging } from './staging.ts';
import { LOCK_TIMEOUT_MS, LockTimeoutError, lockPathFor, removeStaleLeftovers, waitForLockRelease, withConfigLock } from '../config/lock.ts';

/** Long enough for a test to kill the process, short enough that a forgotten setting only delays. */
const PAUSE_MS = 30_000;

export interface LoginTiming {
  /** How long a busy lock is waited for, before k6 runs and again for the save. */
  lockTimeoutMs: number;
}

/**
 * The flags a supply adds, each with its value after `=` so that nothing can separate them. The
 * token goes to this one k6 child's argv only: never to stdin (audit D11), never printed.
 */
export function supplyFlags(supply: LoginSupply): string[] {
  return [
    ...(supply.token ? [`--token=${supply.token.value}`] : []),
    ...(supply.stack ? [`--stack=${supply.stack}`] : []),
    ...(supply.quiet ? ['-q'] : []),
  ];
}

/** What the login line says the wrapper gave k6, without the token itself. */
function suppliedOf(plan: LoginPlan): Supplied {
  const supply = plan.supply;
  if (!supply) return {};
  return { ...(supply.token ? { tokenFrom: describeTokenSource(supply.token.source) } : {}), ...(supply.stack ? { stack: supply.stack } : {}) };
}

export async function runLogin(plan: LoginPlan, k6: Invocation, log: Logger, timing: LoginTiming = { lockTimeoutMs: LOCK_TIMEOUT_MS }): Promise<number> {
  // The lock is waited for before k6 runs, but not held while it runs. Holding it would span the
  // network round trip of k6's token check and, for k6 1.x's interactive login, a person typing
  // at a prompt, far beyond the 10 s after which other logins take a lock as stale. Waiting
  // first means that a lock already held for too long stops the login before k6 prints
  // "Logged in successfully" about its private copy; only a lock taken by another login during
  // this one's k6 run can still time out afterwards, and that message says nothing was saved.
  if (plan.saves && plan.writable && !waitForLockRelease(plan.place.path, timing.lockTimeoutMs)) {
    log.error(messages.lockBusy(lockPathFor(plan.place.path)));
    return EXIT_GENERIC_ERROR;
  }
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
    const own = plan.configFlag ? replaceConfigPath(k6.args, plan.configFlag, staging.configPath) : k6.args;
    // After the config path: inserting shifts only what follows the command words, never -c.
    const args = plan.supply ? insertFlags(own, supplyFlags(plan.supply), plan.supply.at) : own;
    // k6 1.x's `login cloud` also copies a pre-v0.58 file to k6's DEFAULT path on every run, in
    // place, whatever -c says; with the volume at ~/.config that path is on the volume. A config
    // home inside the staging directory keeps that write private too: the login already starts
    // from the old file's content, and only the merge below ever writes to the volume.
    const env = { ...k6.env, K6_CONFIG: staging.configPath, XDG_CONFIG_HOME: join(staging.dir, 'config-home') };
    const outcome = await runChild({ ...k6, args, env });
    if (outcome.exitCode !== 0) {
      log.debug(`k6 exited ${outcome.exitCode}: the persistent config is left as it was`);
      if (plan.supply?.token || plan.supply?.stack) log.notice(messages.loginRefusedWithSupplied(plan.place.path, suppliedOf(plan)));
      return outcome.exitCode;
    }
    return saveChanges(plan, staging, log, timing);
  } finally {
    staging.remove();
  }
}

/** Where the login lives now that nothing changed: the file, or the pre-v0.58 one runs use while it is missing. */
function reportUnchanged(plan: LoginPlan, log: Logger): void {
  const current = readConfigFile(plan.place.path);
  const fromLegacy = current.kind === 'missing' && plan.legacyPath !== undefined;
  const text = current.kind === 'present' ? current.text : fromLegacy ? plan.initialText : undefined;
  const parsed = text === undefined ? undefined : parseConfigText(text);
  const summary = parsed?.ok ? summarizeCloud(parsed.config) : {};
  const place = fromLegacy ? { path: plan.legacyPath!, source: plan.place.source, mount: plan.place.mount } : plan.place;
  log.notice(messages.loginUnchanged(place, { ...(summary.token ? { token: maskToken(summary.token) } : {}), stack: summary.stackID }, suppliedOf(plan)));
}

/**
 * A single mounted file keeps its owner's mode when this user may not change it (the in-place
 * write tries): say so when that leaves the token readable by others.
 */
function warnIfReadableByOthers(path: string, log: Logger): void {
  try {
    const stat = statSync(path);
    if ((stat.mode & 0o077) !== 0) log.notice(messages.tokenReadableByOthers(path, stat.mode, stat.uid));
  } catch {
    // Verified just before; a file gone since has nothing to warn about.
  }
}

function saveChanges(plan: LoginPlan, staging: Staging, log: Logger, timing: LoginTiming): number {
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
    reportUnchanged(plan, log);
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
        log.error(unusableConfigMessage(plan.place.path, current, plan.place));
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
      log.debug(`saved ${outcome.path} by ${outcome.method === 'rename' ? 'rename' : 'in-place rewrite'}`);
      return { next, path: outcome.path };
    }, timing.lockTimeoutMs);
    if (!saved) return EXIT_INVALID_CONFIG;
    const summary = summarizeCloud(saved.next);
    if (summary.token) {
      log.notice(messages.loginSaved(plan.place, { token: maskToken(summary.token), stack: summary.stackID }, suppliedOf(plan)));
      warnIfReadableByOthers(saved.path, log);
    } else {
      log.notice(messages.loginCleared(plan.place));
    }
    return 0;
  } catch (error) {
    if (error instanceof ConfigWriteError) {
      log.error(messages.writeFailed(error.path, error.code, error.fileChanged, plan.place));
      return EXIT_GENERIC_ERROR;
    }
    if (error instanceof LockTimeoutError) {
      log.error(messages.lockTimeout(error.lockPath, plan.place.path));
      return EXIT_GENERIC_ERROR;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code) {
      log.error(messages.writeFailed(plan.place.path, code, false, plan.place));
      return EXIT_GENERIC_ERROR;
    }
    throw error;
  }
}
