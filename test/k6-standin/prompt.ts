// k6's interactive forms (internal/ui: Form, StringField, PasswordField), including how they
// misbehave on a pipe (docs/k6-behaviour.md LOGIN-4, LOGIN-5; audit D11):
// - a form prints its banner with Fprintln(banner + "\n"), so a blank line follows it, then
//   "  Label: " (or "  Label [default]: ") for each field;
// - a StringField reads the raw stdin descriptor one byte at a time up to "\n" and is trimmed
//   (an empty answer becomes the default);
// - a PasswordField turns echo off on a terminal; anywhere else term.ReadPassword fails and the
//   field falls back to bufio.NewReader(stdin).ReadBytes('\n'): the "\n" STAYS in the value
//   (Clean does not trim), and the reader takes up to 4 KiB in one read and is then dropped, so
//   whatever followed the line in that read is lost to the next field;
// - the form prints "\n" after a password field, and end of input before a field's "\n" is the
//   error "EOF" (how `k6 login cloud` fails in a non-interactive container, grafana/k6#2570).
// On a pipe nothing here touches process.stdin, whose handle would make fd 0 non-blocking and
// read ahead on its own.
import fs from 'node:fs';
import tty from 'node:tty';
import { K6Error } from './errors.ts';
import { out } from './output.ts';

export interface Field {
  readonly key: string;
  readonly label: string;
  readonly kind: 'string' | 'password';
  /** StringField.Default: shown as "[default]" and used for an empty answer. */
  readonly defaultValue?: string;
}

export interface Form {
  readonly banner?: string;
  readonly fields: readonly Field[];
}

const eof = (): K6Error => new K6Error('EOF');

export function stdinIsTerminal(): boolean {
  return tty.isatty(0);
}

/**
 * One read(2) on fd 0, 0 at end of input. It runs on libuv's thread pool so the event loop, and
 * with it the Go-default signal handlers (signals.ts), keep running while k6 waits for input.
 */
async function readStdin(buffer: Buffer): Promise<number> {
  for (;;) {
    try {
      return await new Promise<number>((resolve, reject) => {
        fs.read(0, buffer, 0, buffer.length, null, (err, n) => (err ? reject(err) : resolve(n)));
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // An O_NONBLOCK descriptor inherited from the parent: wait for data like a blocking read.
      if (code === 'EAGAIN') await new Promise((resolve) => setTimeout(resolve, 10));
      else if (code === 'EOF') return 0;
      else throw new K6Error(`read /dev/stdin: ${(err as Error).message}`);
    }
  }
}

/** StringField.GetContents: byte by byte, so nothing after the "\n" is consumed. */
async function readStringField(): Promise<string> {
  const byte = Buffer.alloc(1);
  const bytes: number[] = [];
  for (;;) {
    if ((await readStdin(byte)) === 0) throw eof();
    if (byte[0] === 0x0a) return Buffer.from(bytes).toString('utf8');
    bytes.push(byte[0] ?? 0);
  }
}

/** PasswordField.GetContents off a terminal: bufio.Reader.ReadBytes('\n'), then the reader is gone. */
async function readBufferedLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for (;;) {
    const buffer = Buffer.alloc(4096);
    const n = await readStdin(buffer);
    if (n === 0) throw eof();
    const newline = buffer.subarray(0, n).indexOf(0x0a);
    if (newline !== -1) {
      chunks.push(buffer.subarray(0, newline + 1)); // the rest of this read is lost
      return Buffer.concat(chunks).toString('utf8');
    }
    chunks.push(buffer.subarray(0, n));
  }
}

class Terminal {
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

  /** Cooked mode: the terminal hands over whole lines. */
  async readLine(): Promise<string> {
    this.start();
    process.stdin.resume();
    try {
      for (;;) {
        const newline = this.buffer.indexOf('\n');
        if (newline !== -1) {
          const line = this.buffer.slice(0, newline);
          this.buffer = this.buffer.slice(newline + 1);
          return line;
        }
        if (this.ended) throw eof();
        await this.waitForInput();
      }
    } finally {
      process.stdin.pause();
    }
  }

  /**
   * term.ReadPassword: raw input without echo; backspace, Ctrl-C (SIGINT), Ctrl-D (EOF).
   * Echo goes off BEFORE the label is shown, so whoever answers the prompt cannot race it.
   */
  async readSecret(label: string): Promise<string> {
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
          else if (c === '\x04' && line === '') throw eof();
          else if (c >= ' ') line += c;
        }
        if (this.ended) throw eof();
        await this.waitForInput();
      }
    } finally {
      process.stdin.setRawMode(false);
      process.stdin.pause();
    }
  }
}

let terminal: Terminal | undefined;

async function contents(field: Field, label: string): Promise<string> {
  if (!stdinIsTerminal()) {
    out(label);
    return field.kind === 'password' ? readBufferedLine() : readStringField();
  }
  terminal ??= new Terminal();
  if (field.kind === 'password') return terminal.readSecret(label);
  out(label);
  return terminal.readLine();
}

/** ui.Form.Run: the answers by field key, StringFields trimmed, PasswordFields as read. */
export async function runForm(form: Form): Promise<Record<string, string>> {
  if (form.banner !== undefined && form.banner !== '') out(`${form.banner}\n\n`);
  const answers: Record<string, string> = {};
  for (const field of form.fields) {
    const extra = field.kind === 'string' && field.defaultValue !== undefined ? ` [${field.defaultValue}]` : '';
    let value: string;
    try {
      value = await contents(field, `  ${field.label}${extra}: `);
    } finally {
      if (field.kind === 'password') out('\n');
    }
    if (field.kind === 'string') {
      value = value.trim();
      if (value === '' && field.defaultValue !== undefined) value = field.defaultValue;
    }
    answers[field.key] = value;
  }
  return answers;
}
