// A Logger that keeps what carryOut says, for the plan tests that check its words.
import type { Logger } from '../../../src/report/log.ts';

type Kind = 'notice' | 'error' | 'debug';

export function recordingLogger() {
  const lines: Array<[Kind, string]> = [];
  const log: Logger = {
    notice: (text) => lines.push(['notice', text]),
    error: (text) => lines.push(['error', text]),
    debug: (text) => lines.push(['debug', text]),
  };
  const of = (kind: Kind) => lines.filter(([k]) => k === kind).map(([, text]) => text);
  return { log, lines, of };
}
