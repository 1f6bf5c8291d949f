// Signal behaviour of a Go binary that, like k6, only traps SIGINT and SIGTERM during a run.
//
// Outside the trap every signal must act as Go's runtime default, which differs from Node's:
// - SIGINT, SIGTERM, SIGHUP: the process dies by that signal. Go re-raises it with the
//   default disposition and, if it is still alive (PID 1 in a container ignores default
//   signals), exits with status 2. Node as PID 1 would just ignore them, so handlers are
//   installed that do what Go does.
// - SIGQUIT: Go prints "SIGQUIT: quit" and a goroutine dump, then exits with status 2 (it does
//   NOT die by the signal).
//
// During `run` / `cloud run` (k6's handleTestAbortSignals) the first SIGINT/SIGTERM starts a
// graceful abort, and the second makes k6 exit 105 at once.
import { ExitCode } from './errors.ts';
import { logger } from './output.ts';

export type AbortSignalName = 'SIGINT' | 'SIGTERM';

/** Go's os.Signal String(): what k6 puts in "k6 received a '...' signal". */
export const GO_SIGNAL_NAME: Readonly<Record<AbortSignalName, string>> = {
  SIGINT: 'interrupt',
  SIGTERM: 'terminated',
};

const FATAL_BY_DEFAULT = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function dieFromSignal(signal: NodeJS.Signals): void {
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
  // Still here: the signal was ignored (PID 1). Go's runtime exits 2 in that case.
  setTimeout(() => process.exit(2), 100);
}

const defaultHandlers = new Map<NodeJS.Signals, () => void>();

function installDefault(signal: NodeJS.Signals, handler: () => void): void {
  defaultHandlers.set(signal, handler);
  process.on(signal, handler);
}

/** Called once at start-up. */
export function installGoDefaultSignalBehaviour(): void {
  for (const signal of FATAL_BY_DEFAULT) installDefault(signal, () => dieFromSignal(signal));
  installDefault('SIGQUIT', () => {
    process.stderr.write(
      'SIGQUIT: quit\nPC=0x0 m=0 sigcode=0\n\ngoroutine 1 gp=0x0 m=0 mp=0x0 [running]:\n' +
        'main.main()\n\t/k6-standin/main.go:1 +0x0 (the stand-in has no Go stacks)\n',
    );
    process.exit(2);
  });
}

export interface AbortTrap {
  /** The signal that started the graceful abort, once one arrived. */
  readonly received: AbortSignalName | undefined;
  /** Resolves when the first signal arrives. */
  readonly aborted: Promise<AbortSignalName>;
  release(): void;
}

export function trapAbortSignals(options: {
  onGraceful: (signal: AbortSignalName) => void;
  hardStopMessage: string;
}): AbortTrap {
  logger.debug('Trapping interrupt signals so k6 can handle them gracefully...');
  let received: AbortSignalName | undefined;
  let resolveAborted: (signal: AbortSignalName) => void = () => undefined;
  const aborted = new Promise<AbortSignalName>((resolve) => {
    resolveAborted = resolve;
  });
  const handler = (signal: AbortSignalName): void => {
    if (received === undefined) {
      received = signal;
      options.onGraceful(signal);
      resolveAborted(signal);
      return;
    }
    logger.error(options.hardStopMessage, { sig: GO_SIGNAL_NAME[signal] });
    process.exit(ExitCode.ExternalAbort);
  };
  const listeners: Array<[AbortSignalName, () => void]> = [
    ['SIGINT', () => handler('SIGINT')],
    ['SIGTERM', () => handler('SIGTERM')],
  ];
  // Add before removing: with no listener left for a moment Node would close its signal watcher
  // and drop a signal that is already on its way to it.
  for (const [signal, listener] of listeners) {
    process.on(signal, listener);
    const fallback = defaultHandlers.get(signal);
    if (fallback !== undefined) process.off(signal, fallback);
  }
  return {
    get received() {
      return received;
    },
    aborted,
    release() {
      logger.debug('Releasing signal trap...');
      for (const [signal, listener] of listeners) {
        const fallback = defaultHandlers.get(signal);
        if (fallback !== undefined) process.on(signal, fallback);
        process.off(signal, listener);
      }
    },
  };
}
