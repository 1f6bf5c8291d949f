// Handing the whole process over to k6, so k6 runs as the container's main process exactly as
// in grafana/k6: it receives signals directly and its exit code is the container's.
import { accessSync, constants, statSync } from 'node:fs';

type Execve = (file: string, args: string[], env: Record<string, string>) => never;

export function execveAvailable(): boolean {
  return typeof (process as { execve?: unknown }).execve === 'function';
}

/** Throws the errno error execve would have hit for a missing, non-file or non-executable k6. */
export function assertExecutable(file: string): void {
  // Node aborts the whole process (SIGABRT, a native stack trace) when execve fails instead of
  // throwing, so the usual reasons are checked first and reported like any other refusal.
  accessSync(file, constants.X_OK);
  if (!statSync(file).isFile()) {
    throw Object.assign(new Error(`${file} is not a file`), { code: 'EISDIR' });
  }
}

/**
 * Node ignores SIGPIPE and SIGXFSZ for itself, and an ignored signal stays ignored across execve:
 * k6 would start with both ignored where plain k6 starts with neither. A listener added and
 * removed again leaves the signal at its default (libuv resets it when it stops watching).
 */
function restoreDefaultDispositions(): void {
  const noop = () => undefined;
  for (const signal of ['SIGPIPE', 'SIGXFSZ'] as const) {
    process.on(signal, noop);
    process.off(signal, noop);
  }
}

export function handOver(file: string, argv0: string, args: readonly string[], env: NodeJS.ProcessEnv): never {
  assertExecutable(file);
  restoreDefaultDispositions();
  const execve = (process as unknown as { execve: Execve }).execve;
  const cleanEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) cleanEnv[key] = value;
  return execve(file, [argv0, ...args], cleanEnv);
}
