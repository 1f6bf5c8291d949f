// Running k6 as a child when the wrapper has work left after k6 exits (a login to merge), or
// when this Node has no process.execve.
//
// k6 treats a second SIGINT/SIGTERM as "abort now, no summary", so each signal must reach it
// exactly once. A terminal sends Ctrl-C to its whole foreground process group, `docker stop`
// and `kill` send to PID 1 alone. Starting k6 in its own session (setsid, via `detached`) takes it
// out of the terminal's process group: every signal then arrives at the wrapper only, and the
// wrapper forwards each one once. k6 keeps the terminal as stdin, so prompts still work: reading
// from a terminal that is not one's controlling terminal raises no SIGTTIN.
import { FORWARDED_SIGNALS, exitCodeForSignal } from './signals.ts';

export interface ChildOutcome {
  exitCode: number;
  signal?: NodeJS.Signals;
}

export interface SpawnRequest {
  file: string;
  argv0: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
}

export function runChild(request: SpawnRequest): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    // Loaded here, not at start: only a login and the spawn fallback run k6 as a child.
    const child = process.getBuiltinModule('node:child_process').spawn(request.file, request.args, {
      argv0: request.argv0,
      env: request.env,
      stdio: 'inherit',
      detached: true,
    });
    const forwarders = FORWARDED_SIGNALS.map((signal) => {
      const forward = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      };
      process.on(signal, forward);
      return () => process.off(signal, forward);
    });
    const stopForwarding = () => forwarders.forEach((stop) => stop());
    child.once('error', (error) => {
      stopForwarding();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      stopForwarding();
      if (signal) resolve({ exitCode: exitCodeForSignal(signal), signal });
      else resolve({ exitCode: code ?? 255 });
    });
  });
}
