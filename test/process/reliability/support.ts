// Helpers for the host-level reliability tests: the real bundle (../support.ts) in front of
// fake-k6-login.mjs, each run in a scratch tree of its own (volume, HOME, TMPDIR), so a test can
// assert that nothing at all is left behind.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import fse from 'fs-extra';
import { join } from 'node:path';
import { baseEnv, loginFake, scratch } from '../support.ts';

export { loginFake };

export interface Sandbox {
  root: string;
  vol: string;
  home: string;
  /** TMPDIR of the wrapper: where its staging directories go. */
  tmp: string;
  config: string;
  env: Record<string, string>;
}

const made: string[] = [];

/** Removes every sandbox this test file made (call from afterAll; some hold 10+ MB files). */
export function removeSandboxes(): void {
  for (const root of made.splice(0)) fse.removeSync(root);
}

/** A volume directory (K6_PERSIST_DIR), a HOME and a private TMPDIR. */
export function sandbox(prefix = 'k6p-rel-'): Sandbox {
  const root = scratch(prefix);
  made.push(root);
  const vol = join(root, 'vol');
  const home = join(root, 'home');
  const tmp = join(root, 'tmp');
  for (const dir of [vol, home, tmp]) mkdirSync(dir);
  const env = { ...baseEnv(home, join(root, 'report.json')), K6_PERSIST_K6_BIN: loginFake, K6_PERSIST_DIR: vol, TMPDIR: tmp };
  return { root, vol, home, tmp, config: join(vol, 'config.json'), env };
}

export function readJson(path: string): Record<string, any> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
}

export function cloudOf(path: string): Record<string, unknown> {
  return (readJson(path)['collectors']?.['cloud'] ?? {}) as Record<string, unknown>;
}

export function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

export function list(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** The lines the wrapper itself printed: for assertions about what it said (not for leak checks). */
export function wrapperLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('k6-persist:'));
}

/**
 * Where `token` shows in a run's output: the whole of stdout and stderr, not only the wrapper's
 * prefixed lines (a continuation line, or a stray write to stdout, is output too). Reported are
 * the full token and every 6-character piece of the part a mask hides (all but the first and
 * last 4), so a partial leak counts. The k6 doubles of these tests never print a token, so
 * nothing is excluded.
 */
export function tokenLeaks(output: { stdout: unknown; stderr: unknown }, token: string): string[] {
  const text = `${String(output.stdout)}\n${String(output.stderr)}`;
  const hidden = token.slice(4, -4);
  const found = text.includes(token) ? [token] : [];
  for (let i = 0; i + 6 <= hidden.length; i += 1) if (text.includes(hidden.slice(i, i + 6))) found.push(hidden.slice(i, i + 6));
  return found;
}

export { repoRoot } from '../stage.ts';
