// A start the wrapper would only pass through, made by the launcher without loading the wrapper.
//
// Loading the wrapper bundle and gathering its facts is most of what k6-persist adds to a start
// (BENCHMARKS.md, issue 13). For a command that never reads the config (`version`, `help`,
// `completion`, `new`) no volume, config file or token changes what the wrapper does: it hands the
// process over to k6 with the same arguments and environment. The launcher does that itself when
// nothing else could matter: the command is the first word, no K6_PERSIST_* setting is given but
// K6_PERSIST_K6_BIN (which the image sets), and HOME is usable (otherwise k6 gets a private one).
// Anything else, the wrapper decides; a unit test holds this to what decide() plans.
import { CONFIG_FREE_COMMANDS } from '../args/config-free.ts';
import { DEFAULT_K6_BIN } from '../settings/defaults.ts';

export interface DirectStartFacts {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Whether this Node can hand the process over (process.execve). */
  execve: boolean;
  homeUsable: (home: string | undefined) => boolean;
}

/** The k6 binary to hand over to at once, or undefined when the wrapper has something to decide. */
export function directStartK6({ argv, env, execve, homeUsable }: DirectStartFacts): string | undefined {
  const first = argv[0];
  if (!execve || first === undefined || !CONFIG_FREE_COMMANDS.has(first)) return undefined;
  let k6 = DEFAULT_K6_BIN;
  for (const [name, value] of Object.entries(env)) {
    // A blank setting is an unset one, to the wrapper too.
    if (!name.startsWith('K6_PERSIST_') || value === undefined || value.trim() === '') continue;
    // A relative K6_PERSIST_K6_BIN, or any other setting: the wrapper validates and applies it.
    if (name !== 'K6_PERSIST_K6_BIN' || !value.startsWith('/')) return undefined;
    k6 = value;
  }
  return homeUsable(env['HOME']) ? k6 : undefined;
}
