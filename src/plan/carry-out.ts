// The one place that carries out a plan: prepare the files, then hand over to k6.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyConfig, rewriteEmptyKeepingOwner } from '../config/atomic-write.ts';
import { errorCode } from '../config/errno.ts';
import { withConfigLock } from '../config/lock.ts';
import { readConfigFile } from '../config/read.ts';
import { handOver } from '../handover/exec.ts';
import { runChild } from '../handover/spawn.ts';
import { runLogin } from '../login/session.ts';
import { messages } from '../report/messages.ts';
import type { Logger } from '../report/log.ts';
import { EXIT_GENERIC_ERROR, type Invocation, type Plan, type Prepare } from './types.ts';

/** Directories made only for this k6 run; removed when the wrapper outlives k6. */
type Scratch = string[];

function applyPrepare(step: Prepare, k6: Invocation, log: Logger, scratch: Scratch): void {
  switch (step.kind) {
    case 'mkdir':
      mkdirSync(step.path, { recursive: true, mode: 0o700 });
      return;
    case 'create-config':
      log.debug(`create ${step.path}: ${createEmptyConfig(step.path)}`);
      return;
    case 'reset-empty-config':
      resetEmptyConfig(step, k6, log, scratch);
      return;
    case 'private-config':
      usePrivateConfig(k6, log, scratch);
      return;
    case 'private-home': {
      // Only k6's own scratch files land here; the persistent config is addressed by K6_CONFIG.
      const home = mkdtempSync(join(tmpdir(), 'k6-persist-home-'));
      scratch.push(home);
      k6.env['HOME'] = home;
      if (step.setXdg) k6.env['XDG_CONFIG_HOME'] = join(home, '.config');
      log.debug(`private HOME for k6: ${home}`);
      return;
    }
  }
}

/**
 * k6 pointed at a private `{}` instead of an empty config it could not read. Pointed, not just
 * left alone: when the empty file is at k6's default path, k6 would read it anyway.
 */
function usePrivateConfig(k6: Invocation, log: Logger, scratch: Scratch): void {
  try {
    const dir = mkdtempSync(join(tmpdir(), 'k6-persist-config-'));
    scratch.push(dir);
    const path = join(dir, 'config.json');
    writeFileSync(path, '{}\n', { mode: 0o600 });
    k6.env['K6_CONFIG'] = path;
    log.debug(`the config is empty and cannot be rewritten: K6_CONFIG=${path}, a private {}`);
  } catch (error) {
    // Not fatal: k6 then reports the empty file itself, as it would without the wrapper.
    log.debug(`no private config for k6 (${errorCode(error)})`);
  }
}

/**
 * An empty config becomes `{}`, under the lock and only if it is still empty then: a login in
 * another container may be saving into it right now. It keeps its owner and mode: a file the
 * user made (`touch` on the host) must stay theirs; only a login, which puts a token there,
 * makes it 0600. When that cannot be done, k6 gets a private `{}` instead: it could not read an
 * empty file, and there is nothing in it to lose.
 */
function resetEmptyConfig(step: Extract<Prepare, { kind: 'reset-empty-config' }>, k6: Invocation, log: Logger, scratch: Scratch): void {
  try {
    const outcome = withConfigLock(step.path, () => {
      const current = readConfigFile(step.path);
      if (current.kind !== 'present' || current.text.trim() !== '') return 'filled meanwhile';
      const outcome = rewriteEmptyKeepingOwner(step.path, '{}\n', { inPlace: step.inPlace });
      return `rewritten as {} (${outcome.method === 'rename' ? 'by rename' : 'in place'}), owner and mode kept`;
    });
    log.debug(`${step.path} was empty: ${outcome}`);
  } catch (error) {
    log.debug(`${step.path} is empty and could not be rewritten (${errorCode(error)})`);
    if (step.orPrivate) usePrivateConfig(k6, log, scratch);
  }
}

function prepareAll(plan: Extract<Plan, { kind: 'run' }>, log: Logger, scratch: Scratch): number | undefined {
  for (const step of plan.prepare) {
    try {
      applyPrepare(step, plan.k6, log, scratch);
    } catch (error) {
      const code = errorCode(error);
      if (step.kind === 'private-home' || step.kind === 'private-config') {
        // Not fatal: k6 reports what it misses, as it would without the wrapper.
        log.debug(`no ${step.kind} (${code})`);
        continue;
      }
      log.error(messages.prepareFailed(step.kind === 'mkdir' ? 'directory' : 'file', step.path, code, plan.situation));
      return EXIT_GENERIC_ERROR;
    }
  }
  return undefined;
}

export async function carryOut(plan: Plan, log: Logger): Promise<number> {
  plan.debug.forEach((line) => log.debug(line));
  if (plan.kind === 'refuse') {
    log.error(plan.message);
    return plan.exitCode;
  }
  plan.notices.forEach((line) => log.notice(line));
  const scratch: Scratch = [];
  const failed = prepareAll(plan, log, scratch);
  if (failed !== undefined) return failed;
  const { k6 } = plan;
  try {
    if (plan.login) return await runLogin(plan.login, k6, log);
    if (plan.handover === 'exec') {
      log.debug(`exec ${k6.file}`);
      // After execve nothing of the wrapper is left to clean up: a private HOME stays in the
      // (container's) temp directory, as k6's own scratch files would.
      handOver(k6.file, k6.argv0, k6.args, k6.env);
    }
    log.debug(`spawn ${k6.file}`);
    return (await runChild(k6)).exitCode;
  } catch (error) {
    const code = errorCode(error);
    if (['ENOENT', 'EACCES', 'ENOEXEC', 'ENOTDIR', 'EISDIR'].includes(code)) {
      log.error(messages.k6NotFound(k6.file, code));
      return EXIT_GENERIC_ERROR;
    }
    throw error;
  } finally {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  }
}
