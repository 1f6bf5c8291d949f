// Which k6 commands talk to k6 Cloud with the stored login, and whether they use its stack.
// analyseArgs does not report outputs, so `run`'s -o/--out values are read here from argv with
// the same flag table (args/flags.ts) and pflag's rules; unknown flags consume nothing, as there.
import type { ArgsAnalysis } from '../args/analyse.ts';
import { HELP_FLAGS, ROOT_COMMAND, ROOT_PERSISTENT_FLAGS, type FlagSpec } from '../args/flags.ts';
import type { ConfigObject } from '../config/document.ts';

export type CloudCommand = 'cloud run' | 'cloud upload' | 'run -o cloud';

/**
 * Only `cloud run` and `cloud upload` send a stack: `run -o cloud` never does, in 1.x or 2.x,
 * and needs none (audit D1, E10).
 */
export const usesStack = (command: CloudCommand): boolean => command !== 'run -o cloud';

function runFlags(): { byLong: Map<string, FlagSpec>; byShort: Map<string, FlagSpec> } {
  const byLong = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const flag of [...ROOT_PERSISTENT_FLAGS, ...(ROOT_COMMAND.subcommands.get('run')?.flags ?? []), ...HELP_FLAGS]) {
    if (!byLong.has(flag.long)) byLong.set(flag.long, flag);
    if (flag.short !== undefined && !byShort.has(flag.short)) byShort.set(flag.short, flag);
  }
  return { byLong, byShort };
}

/** Every -o/--out value on a `run` command line, in order. */
export function outputFlags(argv: readonly string[]): string[] {
  const { byLong, byShort } = runFlags();
  const outs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const text = argv[i]!;
    if (text === '--') break;
    if (text.length < 2 || !text.startsWith('-')) continue;
    if (text.startsWith('--')) {
      const equals = text.indexOf('=');
      const spec = byLong.get(text.slice(2, equals < 0 ? undefined : equals));
      if (spec === undefined || spec.arity !== 'value') continue;
      const value = equals >= 0 ? text.slice(equals + 1) : argv[++i];
      if (spec.long === 'out' && value !== undefined) outs.push(value);
      continue;
    }
    for (let at = 1; at < text.length; at++) {
      const spec = byShort.get(text[at]!);
      if (spec === undefined) continue;
      const rest = text.slice(at + 1);
      if (rest.length > 1 && rest.startsWith('=')) {
        if (spec.long === 'out') outs.push(rest.slice(1));
        break;
      }
      if (spec.arity !== 'value') continue;
      const value = rest.length > 0 ? rest : argv[++i];
      if (spec.long === 'out' && value !== undefined) outs.push(value);
      break;
    }
  }
  return outs;
}

/** k6's outputs: the flags, else K6_OUT (comma-separated), else the config file's `out` (Config.Apply). */
function outputs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, readConfig: () => ConfigObject | undefined): string[] {
  const flags = outputFlags(argv);
  if (flags.length > 0) return flags;
  const fromEnv = (env['K6_OUT'] ?? '').split(',').filter((value) => value !== '');
  if (fromEnv.length > 0) return fromEnv;
  const config = readConfig();
  const fromFile = config && Object.hasOwn(config, 'out') ? config['out'] : undefined;
  return Array.isArray(fromFile) ? fromFile.filter((value): value is string => typeof value === 'string') : [];
}

export function cloudCommandOf(
  args: ArgsAnalysis,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  /** Called only when neither the flags nor K6_OUT name the outputs. */
  readConfig: () => ConfigObject | undefined,
): CloudCommand | undefined {
  if (args.help) return undefined;
  const words = args.command.join(' ');
  if (words === 'cloud run') return 'cloud run';
  if (words === 'cloud upload') return 'cloud upload';
  if (words !== 'run') return undefined;
  // `-o cloud`, `--out=cloud`, `-o cloud=<options>`: the output's type is before any `=`.
  return outputs(argv, env, readConfig).some((out) => out.split('=')[0] === 'cloud') ? 'run -o cloud' : undefined;
}
