// The signals a container runtime, a terminal or Kubernetes sends to stop or steer k6.
import { constants } from 'node:os';

export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
export type ForwardedSignal = (typeof FORWARDED_SIGNALS)[number];

/** The shell convention a container runtime reports for a process killed by signal n. */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  const number = constants.signals[signal];
  return 128 + (number ?? 0);
}
