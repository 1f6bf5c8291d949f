// Command-line parsing with cobra/pflag semantics, driven by the table in commands.ts:
// - the subcommand is found from the first non-flag words, skipping the values of flags
//   that take one (so `k6 -c x run s.js` finds `run`);
// - flags may then appear anywhere (interspersed with positionals) in every pflag spelling:
//   `--config x`, `--config=x`, `-c x`, `-cx`, `-c=x`, grouped bools `-rs`; `--` ends flags;
// - bool flags accept `--flag=false`, and "was given at all" is tracked separately from the
//   value, because k6's `--reset` acts whenever it is present.
import { type ArgsRule, type CommandSpec, type FlagSpec, HELP_FLAG, ROOT } from './commands.ts';
import { K6Error } from './errors.ts';

export class FlagValues {
  private readonly values = new Map<string, string[]>();

  add(name: string, value: string): void {
    const list = this.values.get(name) ?? [];
    list.push(value);
    this.values.set(name, list);
  }

  /** pflag's Changed(): the flag appeared on the command line, whatever its value. */
  has(name: string): boolean {
    return this.values.has(name);
  }

  string(name: string): string | undefined {
    return this.values.get(name)?.at(-1);
  }

  bool(name: string): boolean {
    const value = this.string(name);
    return value !== undefined && parseGoBool(value) === true;
  }

  array(name: string): string[] {
    return [...(this.values.get(name) ?? [])];
  }

  int(name: string): number | undefined {
    const value = this.string(name);
    return value === undefined ? undefined : Number(value);
  }
}

export interface Invocation {
  /** Command words after `k6`, e.g. ['cloud', 'login']; empty for the root. */
  readonly path: readonly string[];
  readonly command: CommandSpec;
  readonly flags: FlagValues;
  readonly args: readonly string[];
}

function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

function takesValue(spec: FlagSpec): boolean {
  return spec.kind !== 'bool' && spec.noOptDefault === undefined;
}

function flagLabel(spec: FlagSpec): string {
  return spec.short === undefined ? `--${spec.name}` : `-${spec.short}, --${spec.name}`;
}

function validate(spec: FlagSpec, value: string): void {
  if (spec.kind === 'bool' && parseGoBool(value) === undefined) {
    throw new K6Error(
      `invalid argument ${JSON.stringify(value)} for ${JSON.stringify(flagLabel(spec))} flag: strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`,
    );
  }
  if (spec.kind === 'int' && !/^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]*|[1-9][0-9]*)$/.test(value)) {
    throw new K6Error(
      `invalid argument ${JSON.stringify(value)} for ${JSON.stringify(flagLabel(spec))} flag: strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`,
    );
  }
}

class FlagSet {
  private readonly specs: readonly FlagSpec[];

  constructor(specs: readonly FlagSpec[]) {
    this.specs = specs;
  }

  long(name: string): FlagSpec | undefined {
    return this.specs.find((s) => s.name === name);
  }

  short(letter: string): FlagSpec | undefined {
    return this.specs.find((s) => s.short === letter);
  }
}

function flagsFor(chain: readonly CommandSpec[]): FlagSet {
  const specs: FlagSpec[] = [HELP_FLAG];
  for (const command of chain) specs.push(...(command.persistentFlags ?? []));
  specs.push(...(chain.at(-1)?.flags ?? []));
  return new FlagSet(specs);
}

/** cobra's stripFlags: the words that are not flags or flag values, up to `--`. */
function nonFlagWords(argv: readonly string[], flags: FlagSet): { word: string; index: number }[] {
  const words: { word: string; index: number }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') break;
    // Like cobra, a flag not known (yet) is assumed to take the next word as its value.
    if (arg.startsWith('--') && !arg.includes('=')) {
      const spec = flags.long(arg.slice(2));
      if (spec === undefined || takesValue(spec)) i++;
    } else if (arg.startsWith('-') && arg.length === 2 && arg !== '-') {
      const spec = flags.short(arg.slice(1));
      if (spec === undefined || takesValue(spec)) i++;
    } else if (!arg.startsWith('-') || arg === '-') {
      words.push({ word: arg, index: i });
    }
  }
  return words;
}

function findCommand(argv: readonly string[]): { chain: CommandSpec[]; consumed: Set<number> } {
  const chain: CommandSpec[] = [ROOT];
  const consumed = new Set<number>();
  for (;;) {
    const current = chain.at(-1) ?? ROOT;
    const remaining = argv.map((a, i) => (consumed.has(i) ? undefined : a));
    const visible = remaining.flatMap((a, i) => (a === undefined ? [] : [{ a, i }]));
    const words = nonFlagWords(
      visible.map((v) => v.a),
      flagsFor(chain),
    );
    const first = words[0];
    if (first === undefined) break;
    const child = current.children.find((c) => c.name === first.word);
    if (child === undefined) {
      // cobra's legacyArgs: only the root rejects an unknown first word outright.
      if (chain.length === 1) {
        throw new K6Error(`unknown command ${JSON.stringify(first.word)} for "k6"`);
      }
      break;
    }
    const original = visible[first.index];
    if (original !== undefined) consumed.add(original.i);
    chain.push(child);
  }
  return { chain, consumed };
}

function checkArgs(rule: ArgsRule, args: readonly string[], commandPath: string): void {
  switch (rule.kind) {
    case 'any':
      return;
    case 'none':
      if (args.length > 0) throw new K6Error(`unknown command ${JSON.stringify(args[0])} for ${JSON.stringify(commandPath)}`);
      return;
    case 'max':
      if (args.length > rule.n) throw new K6Error(`accepts at most ${rule.n} arg(s), received ${args.length}`);
      return;
    case 'exact':
      if (args.length !== rule.n) {
        const suffix = rule.message === undefined ? '' : `: ${rule.message}`;
        throw new K6Error(`accepts ${rule.n} arg(s), received ${args.length}${suffix}`);
      }
  }
}

function parseFlags(argv: readonly string[], skip: Set<number>, flags: FlagSet): { values: FlagValues; args: string[] } {
  const values = new FlagValues();
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (skip.has(i)) continue;
    const arg = argv[i] ?? '';
    if (arg === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('---')) throw new K6Error(`bad flag syntax: ${arg}`);
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const spec = flags.long(name);
      if (spec === undefined) throw new K6Error(`unknown flag: --${name}`);
      let value: string;
      if (eq !== -1) value = arg.slice(eq + 1);
      else if (spec.kind === 'bool') value = 'true';
      else if (spec.noOptDefault !== undefined) value = spec.noOptDefault;
      else {
        const next = argv[i + 1];
        if (next === undefined) throw new K6Error(`flag needs an argument: --${name}`);
        value = next;
        i++;
      }
      validate(spec, value);
      values.add(spec.name, value);
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') {
      const letters = arg.slice(1);
      for (let j = 0; j < letters.length; j++) {
        const letter = letters[j] ?? '';
        const spec = flags.short(letter);
        if (spec === undefined) throw new K6Error(`unknown shorthand flag: '${letter}' in ${arg}`);
        const rest = letters.slice(j + 1);
        let value: string;
        if (rest.startsWith('=')) {
          value = rest.slice(1);
          j = letters.length;
        } else if (spec.kind === 'bool') {
          value = 'true';
        } else if (spec.noOptDefault !== undefined) {
          value = spec.noOptDefault;
        } else if (rest !== '') {
          value = rest;
          j = letters.length;
        } else {
          const next = argv[i + 1];
          if (next === undefined) throw new K6Error(`flag needs an argument: '${letter}' in ${arg}`);
          value = next;
          i++;
        }
        validate(spec, value);
        values.add(spec.name, value);
      }
      continue;
    }
    args.push(arg);
  }
  return { values, args };
}

export interface ParseResult extends Invocation {
  readonly helpRequested: boolean;
}

export function parseCommandLine(argv: readonly string[]): ParseResult {
  const { chain, consumed } = findCommand(argv);
  const command = chain.at(-1) ?? ROOT;
  const path = chain.slice(1).map((c) => c.name);
  const { values, args } = parseFlags(argv, consumed, flagsFor(chain));
  const helpRequested = values.bool('help') || (command.handler === undefined && chain.length > 1);
  if (!helpRequested && command.handler !== undefined) {
    checkArgs(command.args, args, ['k6', ...path].join(' '));
  }
  return { path, command, flags: values, args, helpRequested };
}

/** Text for `k6 <cmd> --help`. Lists the commands and flags this version knows. */
export function renderHelp(command: CommandSpec, path: readonly string[]): string {
  const commandPath = ['k6', ...path].join(' ');
  const lines = [command.summary, '', 'Usage:'];
  if (command.handler !== undefined) lines.push(`  ${commandPath} [flags]${command.args.kind === 'none' ? '' : ' [args]'}`);
  if (command.children.length > 0) {
    lines.push(`  ${commandPath} [command]`, '', 'Available Commands:');
    const width = Math.max(...command.children.map((c) => c.name.length));
    for (const child of command.children) lines.push(`  ${child.name.padEnd(width)}  ${child.summary}`);
  }
  const own = [HELP_FLAG, ...command.flags];
  const global = path.length === 0 ? (command.persistentFlags ?? []) : (ROOT.persistentFlags ?? []);
  const describe = (spec: FlagSpec): string =>
    `  ${spec.short === undefined ? '    ' : `-${spec.short}, `}--${spec.name}${spec.kind === 'bool' ? '' : ` ${spec.kind}`}   ${spec.usage}`;
  lines.push('', 'Flags:', ...own.map(describe), '', 'Global Flags:', ...global.map(describe));
  if (command.children.length > 0) lines.push('', `Use "${commandPath} [command] --help" for more information about a command.`);
  return `${lines.join('\n')}\n`;
}
