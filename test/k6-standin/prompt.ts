// Terminal prompts for the interactive logins (k6's ui.Form): a label on stdout, then one line
// from stdin. Secret fields turn echo off when stdin is a terminal (golang.org/x/term's
// ReadPassword); otherwise the line is read as plain text. End of input before a full line is
// an error whose message is Go's "EOF", which is how `k6 login cloud` fails in a non-interactive
// container (grafana/k6#2570).
import { K6Error } from './errors.ts';
import { out } from './output.ts';

class StdinLines {
  private buffer = '';
  private ended = false;
  private wake: (() => void) | undefined;
  private started = false;

  private start(): void {
    if (this.started) return;
    this.started = true;
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.wake?.();
    });
    process.stdin.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
    process.stdin.on('error', () => {
      this.ended = true;
      this.wake?.();
    });
  }

  private async waitForInput(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    this.wake = undefined;
  }

  /** Cooked input: the terminal (or the pipe) hands over whole lines. */
  async readLine(): Promise<string> {
    this.start();
    process.stdin.resume();
    try {
      for (;;) {
        const newline = this.buffer.indexOf('\n');
        if (newline !== -1) {
          const line = this.buffer.slice(0, newline).replace(/\r$/, '');
          this.buffer = this.buffer.slice(newline + 1);
          return line;
        }
        if (this.ended) throw new K6Error('EOF');
        await this.waitForInput();
      }
    } finally {
      process.stdin.pause();
    }
  }

  /**
   * Raw terminal input without echo; handles backspace, Ctrl-C (SIGINT) and Ctrl-D (EOF).
   * Echo goes off BEFORE the label is shown, so whoever answers the prompt cannot race it.
   */
  async readSecretFromTerminal(label: string): Promise<string> {
    this.start();
    process.stdin.setRawMode(true);
    out(label);
    process.stdin.resume();
    let line = '';
    try {
      for (;;) {
        while (this.buffer.length > 0) {
          const c = this.buffer[0] ?? '';
          this.buffer = this.buffer.slice(1);
          if (c === '\r' || c === '\n') return line;
          if (c === '\x7f' || c === '\b') line = line.slice(0, -1);
          else if (c === '\x03') process.kill(process.pid, 'SIGINT');
          else if (c === '\x04' && line === '') throw new K6Error('EOF');
          else if (c >= ' ') line += c;
        }
        if (this.ended) throw new K6Error('EOF');
        await this.waitForInput();
      }
    } finally {
      process.stdin.setRawMode(false);
      process.stdin.pause();
      out('\n');
    }
  }
}

const stdin = new StdinLines();

export interface Field {
  readonly label: string;
  readonly secret?: boolean;
  readonly defaultValue?: string;
}

export async function ask(field: Field): Promise<string> {
  const suffix = field.defaultValue === undefined ? '' : ` [${field.defaultValue}]`;
  const label = `  ${field.label}${suffix}: `;
  let value: string;
  if (field.secret === true && process.stdin.isTTY === true) {
    value = await stdin.readSecretFromTerminal(label);
  } else {
    out(label);
    value = await stdin.readLine();
  }
  return value === '' && field.defaultValue !== undefined ? field.defaultValue : value;
}

export function stdinIsTerminal(): boolean {
  return process.stdin.isTTY === true;
}
