// Everything the stand-in prints: the logrus-style logger on stderr, plain stdout text, the
// banner, the end-of-test summary and token masking. Output formats mirror k6 closely enough
// that a wrapper's tests can match on the same strings as with the real binary.
import { K6Error } from './errors.ts';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warning: 2, error: 3 };
const TTY_LEVEL: Readonly<Record<LogLevel, string>> = {
  debug: 'DEBU',
  info: 'INFO',
  warning: 'WARN',
  error: 'ERRO',
};

export type LogOutput = 'stderr' | 'stdout' | 'none';
export type LogFormat = 'text' | 'json' | 'raw';

export interface LoggerOptions {
  verbose: boolean;
  output: LogOutput;
  format: LogFormat;
  /** --no-color, K6_NO_COLOR or NO_COLOR: logrus's DisableColors. */
  noColor?: boolean;
}

// logrus TextFormatter level colours on a terminal.
const LEVEL_COLOR: Readonly<Record<LogLevel, number>> = { debug: 37, info: 36, warning: 33, error: 31 };

const started = Date.now();

// logrus TextFormatter quotes a value unless every character is "safe".
function logfmtValue(value: string): string {
  return /^[A-Za-z0-9\-._/@^+]+$/.test(value) ? value : JSON.stringify(value);
}

export class Logger {
  private options: LoggerOptions = { verbose: false, output: 'stderr', format: 'text' };

  configure(options: LoggerOptions): void {
    this.options = options;
  }

  debug(msg: string, fields: Record<string, string> = {}): void {
    this.log('debug', msg, fields);
  }

  info(msg: string, fields: Record<string, string> = {}): void {
    this.log('info', msg, fields);
  }

  warn(msg: string, fields: Record<string, string> = {}): void {
    this.log('warning', msg, fields);
  }

  error(msg: string, fields: Record<string, string> = {}): void {
    this.log('error', msg, fields);
  }

  log(level: LogLevel, msg: string, fields: Record<string, string>): void {
    const { verbose, output, format, noColor = false } = this.options;
    if (output === 'none' || LEVEL_RANK[level] < LEVEL_RANK[verbose ? 'debug' : 'info']) return;
    const stream = output === 'stdout' ? process.stdout : process.stderr;
    const tty = stream.isTTY === true;
    stream.write(`${this.format(level, msg, fields, format, tty, tty && !noColor)}\n`);
  }

  private format(
    level: LogLevel,
    msg: string,
    fields: Record<string, string>,
    format: LogFormat,
    tty: boolean,
    color: boolean,
  ): string {
    if (format === 'raw') return msg;
    if (format === 'json') {
      return JSON.stringify({ ...fields, level, msg, time: new Date().toISOString() });
    }
    const paint = (text: string): string => (color ? `\x1b[${LEVEL_COLOR[level]}m${text}\x1b[0m` : text);
    const extra = Object.entries(fields)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${tty ? paint(k) : k}=${logfmtValue(v)}`);
    if (tty) {
      const secs = String(Math.floor((Date.now() - started) / 1000)).padStart(4, '0');
      const head = `${paint(TTY_LEVEL[level])}[${secs}] ${extra.length > 0 ? msg.padEnd(44) : msg}`;
      return [head, ...extra].join(' ');
    }
    const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    return [`time="${time}"`, `level=${level}`, `msg=${logfmtValue(msg)}`, ...extra].join(' ');
  }
}

export const logger = new Logger();

export function out(text: string): void {
  process.stdout.write(text);
}

/**
 * Writes to stdout and resolves once the text has left the process, as Go's blocking write
 * does: a reader that stops reading holds k6 at this point, where signals get whatever
 * disposition is in place at that moment.
 */
export function outFlushed(text: string): Promise<void> {
  return new Promise((resolve) => {
    process.stdout.write(text, () => resolve());
  });
}

/** Lets signals that arrived meanwhile reach the handlers in place now (libuv delivers them on the next loop turn). */
export function deliverPendingSignals(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The final error line k6 prints before exiting with the error's code. */
export function logFatal(err: unknown): void {
  if (err instanceof K6Error) {
    logger.error(err.message, { ...err.fields });
  } else {
    logger.error(err instanceof Error ? err.message : String(err));
  }
}

/** v2 masking: first and last four characters of long tokens, nothing of short ones. */
export function maskToken(token: string): string {
  if (token.length >= 12) {
    return `${token.slice(0, 4)}${'*'.repeat(token.length - 8)}${token.slice(-4)}`;
  }
  return '*'.repeat(token.length);
}

/** Go's time.Duration.String(): "1h0m0s", "10m30s", "1.5s", "0s". */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  let rest = Math.round(ms);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = (rest / 1000).toString();
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** k6's "00m01.0s" progress clock. */
export function clock(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const seconds = ((ms % 60_000) / 1000).toFixed(1).padStart(4, '0');
  return `${String(minutes).padStart(2, '0')}m${seconds}s`;
}

// Deliberately not k6's logo: recognisable as "the k6 banner spot" without copying it.
export const BANNER = [
  '',
  '          .-------.       k6 (test stand-in)',
  '          |  k 6  |       reproduces docs/k6-behaviour.md',
  "          '-------'",
  '',
].join('\n');

export interface SummaryInput {
  durationMs: number;
  vus: number;
  iterations: number;
  interrupted: number;
  thresholdsFailed: boolean;
  hasThresholds: boolean;
}

/** The end-of-test summary (k6 v1+ layout: a TOTAL RESULTS block with checks first). */
export function renderSummary(s: SummaryInput): string {
  const iterationMs = s.iterations > 0 ? Math.max(1, Math.round(s.durationMs / s.iterations)) : 0;
  const rate = s.durationMs > 0 ? (s.iterations / (s.durationMs / 1000)).toFixed(6) : '0';
  const lines = [''];
  if (s.hasThresholds) {
    const mark = s.thresholdsFailed ? '✗' : '✓';
    lines.push(
      '  █ THRESHOLDS ',
      '',
      '    iteration_duration',
      `    ${mark} 'p(95)<${s.thresholdsFailed ? 1 : 60000}'  p(95)=${iterationMs}ms`,
      '',
    );
  }
  lines.push(
    '',
    '  █ TOTAL RESULTS ',
    '',
    '    checks_total.......: 0      0/s',
    '    checks_succeeded...: 0.00%  0 out of 0',
    '    checks_failed......: 0.00%  0 out of 0',
    '',
    '    EXECUTION',
    `    iteration_duration...: avg=${iterationMs}ms min=${iterationMs}ms med=${iterationMs}ms max=${iterationMs}ms`,
    `    iterations...........: ${s.iterations}      ${rate}/s`,
    `    vus..................: ${s.vus}      min=${s.vus} max=${s.vus}`,
    `    vus_max..............: ${s.vus}      min=${s.vus} max=${s.vus}`,
    '',
    '    NETWORK',
    '    data_received........: 0 B    0 B/s',
    '    data_sent............: 0 B    0 B/s',
    '',
    '',
    '',
  );
  return lines.join('\n');
}

/** The last progress lines k6 prints when a run ends, before the summary. */
export function renderFinalProgress(s: Pick<SummaryInput, 'durationMs' | 'vus' | 'iterations' | 'interrupted'>): string {
  return [
    '',
    `running (${clock(s.durationMs)}), 0/${s.vus} VUs, ${s.iterations} complete and ${s.interrupted} interrupted iterations`,
    `default ${s.interrupted > 0 ? '✗' : '✓'} [======================================] ${s.vus} VUs  ${clock(s.durationMs)}`,
    '',
  ].join('\n');
}
