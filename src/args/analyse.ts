// Reads a k6 command line the way k6 (cobra + pflag) reads it, without running anything.
//
// k6 reads its argv in two passes, and so do we:
//  1. cobra's Command.Find walks the subcommand path. At each level it skips flags with
//     the flags known at THAT level, and the first remaining positional names a child
//     command or ends the walk. Its skip rule is looser than pflag's: a flag it does not
//     know, written `--x` or `-x` without `=`, is assumed to take the next token as value;
//     a shorthand cluster (`-qc`) never does. This is why `k6 -u 10 run s.js` works (cobra
//     skips `10`) while `k6 --no-setup run s.js` fails (cobra skips `run`).
//  2. pflag parses every token except the command words with the flags of the command
//     found: root persistent flags + the command's own + -h/--help.
//
// Unknown flags in pass 2 (the only choice we make that k6 does not): pflag rejects them
// and k6 exits, so nothing we decide changes what k6 does. We assume they are boolean and
// never consume the next token (`--x=v` carries its own value), so a flag we do not know
// can never swallow a following `-c`, and we never reject input: analyseArgs never throws.

import {
  HELP_FLAGS,
  ROOT_COMMAND,
  ROOT_PERSISTENT_FLAGS,
  VERSION_FLAGS,
  type CommandSpec,
  type FlagSpec,
  type FlagTable,
} from './flags.ts';
import { parseGoBool } from './gobool.ts';

export type LoginKind = 'login-cloud' | 'cloud-login';

export interface ConfigFlag {
  path: string;
  /** Index in argv of the token that names the flag (`-c`, `--config=x`, `-qcx`, ...). */
  flagIndex: number;
  /** Index in argv of the token holding the path: flagIndex for `equals`/`attached`. */
  valueIndex: number;
  form: 'separate' | 'equals' | 'attached';
  /** Where the path starts inside argv[valueIndex] (0 for `separate`). */
  valueOffset: number;
}

export interface LoginRequest {
  kind: LoginKind;
  token?: string;
  stack?: string;
  show: boolean;
  reset: boolean;
  /**
   * Index in argv just after the command words: a flag inserted there can never be taken as the
   * value of another flag (the token before it is a command word) nor fall behind a `--`.
   */
  flagsAt: number;
}

export interface ArgsAnalysis {
  /** The k6 subcommand path: ['run'], ['cloud','login'], ['login','cloud'], ['cloud'], [] ... */
  command: string[];
  /** A first word k6 has no command for (`k6 frobnicate`): perhaps a newer k6's command. */
  unknownCommand?: string;
  /** The LAST -c/--config occurrence (pflag: last wins). */
  config?: ConfigFlag;
  /** -q/--quiet present and true. */
  quiet: boolean;
  /** -h/--help present and true, or the `help` command. */
  help: boolean;
  /** Set iff command is ['login','cloud'] or ['cloud','login']. */
  login?: LoginRequest;
  /** Flags, as written, that the command found does not define (k6 will reject them). */
  unknownFlags: string[];
  /** A flag written last that needs a value and has none (k6 will reject it). */
  flagMissingValue?: string;
}

interface Token {
  readonly text: string;
  readonly index: number;
}

interface FlagLookup {
  readonly byLong: ReadonlyMap<string, FlagSpec>;
  readonly byShort: ReadonlyMap<string, FlagSpec>;
}

type ValueForm = ConfigFlag['form'] | 'implicit';

/** One flag as pflag would set it. `implicit`: a bool/optional flag written without a value. */
interface FlagOccurrence {
  readonly spec: FlagSpec;
  readonly value: string;
  readonly form: ValueForm;
  readonly flagIndex: number;
  readonly valueIndex: number;
  readonly valueOffset: number;
}

interface ParsedFlags {
  readonly occurrences: FlagOccurrence[];
  readonly unknownFlags: string[];
  readonly flagMissingValue?: string;
}

export function analyseArgs(argv: readonly string[]): ArgsAnalysis {
  const tokens = argv.map((text, index) => ({ text, index }));
  const found = findCommand(tokens);
  const parsed = parseFlags(found.flagTokens, flagsForParsing(found.spec));
  const analysis: ArgsAnalysis = {
    command: found.words,
    quiet: lastBool(parsed.occurrences, 'quiet'),
    help: found.words[0] === 'help' || lastBool(parsed.occurrences, 'help'),
    unknownFlags: parsed.unknownFlags,
  };
  if (found.unknownWord !== undefined) analysis.unknownCommand = found.unknownWord;
  const config = lastConfigFlag(parsed.occurrences);
  if (config) analysis.config = config;
  const login = loginRequest(found, parsed.occurrences);
  if (login) analysis.login = login;
  if (parsed.flagMissingValue !== undefined) analysis.flagMissingValue = parsed.flagMissingValue;
  return analysis;
}

/** argv with `flags` inserted at `at` (a login's flagsAt), everything else as it was. */
export function insertFlags(argv: readonly string[], flags: readonly string[], at: number): string[] {
  if (!Number.isInteger(at) || at < 0 || at > argv.length) throw new RangeError(`cannot insert flags at ${at} into ${argv.length} arguments`);
  return [...argv.slice(0, at), ...flags, ...argv.slice(at)];
}

/**
 * argv with only the config path changed, in the spelling the user chose. One exception:
 * an attached short path starting with `=` (`-c` + `=x`) would read back as `x`, so it is
 * written `-c==x`, which pflag reads as `=x`.
 * @throws RangeError when newPath is empty (no spelling carries it in every form) or when
 *   flag does not fit argv.
 */
export function replaceConfigPath(argv: readonly string[], flag: ConfigFlag, newPath: string): string[] {
  if (newPath === '') throw new RangeError('a config path cannot be empty');
  const token = argv[flag.valueIndex];
  if (token === undefined || flag.valueOffset > token.length || argv[flag.flagIndex] === undefined) {
    throw new RangeError(`config flag at ${flag.flagIndex}/${flag.valueIndex} does not fit these arguments`);
  }
  const needsEqualsGuard = flag.form === 'attached' && newPath.startsWith('=');
  const replaced = [...argv];
  replaced[flag.valueIndex] = token.slice(0, flag.valueOffset) + (needsEqualsGuard ? '=' : '') + newPath;
  return replaced;
}

// ---- pass 1: cobra's command walk -------------------------------------------------------

interface FoundCommand {
  readonly words: string[];
  /** Index in argv just after the last command word (0 when there is none). */
  readonly end: number;
  readonly spec: CommandSpec;
  /** Every token except the command words: what cobra hands to pflag. */
  readonly flagTokens: Token[];
  /** The first positional at the top level when it names no command. */
  readonly unknownWord?: string;
}

function findCommand(tokens: readonly Token[]): FoundCommand {
  const words: string[] = [];
  let spec = ROOT_COMMAND;
  let remaining = [...tokens];
  let end = 0;
  for (;;) {
    const candidate = firstPositional(remaining, indexFlags(ROOT_PERSISTENT_FLAGS, spec.flags));
    const child = candidate && spec.subcommands.get(candidate.text);
    if (candidate && !child && words.length === 0) return { words, end, spec, flagTokens: remaining, unknownWord: candidate.text };
    if (!candidate || !child) return { words, end, spec, flagTokens: remaining };
    words.push(candidate.text);
    end = candidate.index + 1;
    remaining = remaining.filter((token) => token !== candidate);
    spec = child;
  }
}

/** cobra's stripFlags, stopping at the first positional. */
function firstPositional(tokens: readonly Token[], lookup: FlagLookup): Token | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const text = token.text;
    if (text === '--') return undefined;
    if (cobraSkipsNextToken(text, lookup)) {
      i++;
      continue;
    }
    if (text !== '' && !text.startsWith('-')) return token;
  }
  return undefined;
}

function cobraSkipsNextToken(text: string, lookup: FlagLookup): boolean {
  if (!text.startsWith('-') || text.includes('=')) return false;
  if (text.startsWith('--')) return !hasImplicitValue(lookup.byLong.get(text.slice(2)));
  return text.length === 2 && !hasImplicitValue(lookup.byShort.get(text.slice(1)));
}

/** pflag's NoOptDefVal: set for bools and optional values; unknown flags have none. */
function hasImplicitValue(spec: FlagSpec | undefined): boolean {
  return spec !== undefined && spec.arity !== 'value';
}

// ---- pass 2: pflag's parse ---------------------------------------------------------------

function flagsForParsing(spec: CommandSpec): FlagLookup {
  const rootOnly = spec === ROOT_COMMAND ? VERSION_FLAGS : [];
  return indexFlags(ROOT_PERSISTENT_FLAGS, spec.flags, HELP_FLAGS, rootOnly);
}

/** pflag's AddFlagSet keeps the first definition of a name; so do we. */
function indexFlags(...tables: FlagTable[]): FlagLookup {
  const byLong = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const flag of tables.flat()) {
    if (!byLong.has(flag.long)) byLong.set(flag.long, flag);
    if (flag.short !== undefined && !byShort.has(flag.short)) byShort.set(flag.short, flag);
  }
  return { byLong, byShort };
}

/** A mutable cursor over the tokens pflag sees, so a flag can take the next one as value. */
class TokenCursor {
  private position = 0;
  private readonly tokens: readonly Token[];
  constructor(tokens: readonly Token[]) {
    this.tokens = tokens;
  }
  next(): Token | undefined {
    return this.tokens[this.position++];
  }
}

interface ParseState {
  readonly lookup: FlagLookup;
  readonly cursor: TokenCursor;
  readonly occurrences: FlagOccurrence[];
  readonly unknownFlags: string[];
  flagMissingValue?: string;
}

function parseFlags(tokens: readonly Token[], lookup: FlagLookup): ParsedFlags {
  const state: ParseState = { lookup, cursor: new TokenCursor(tokens), occurrences: [], unknownFlags: [] };
  for (let token = state.cursor.next(); token !== undefined; token = state.cursor.next()) {
    const text = token.text;
    if (text.length < 2 || !text.startsWith('-')) continue; // positional, `-` included
    if (text === '--') break; // everything after it is positional
    if (text.startsWith('--')) parseLongFlag(token, state);
    else parseShortCluster(token, state);
  }
  const { occurrences, unknownFlags, flagMissingValue } = state;
  return flagMissingValue === undefined ? { occurrences, unknownFlags } : { occurrences, unknownFlags, flagMissingValue };
}

/** `--name`, `--name=value`, `--name value`. */
function parseLongFlag(token: Token, state: ParseState): void {
  const body = token.text.slice(2);
  const equals = body.indexOf('=');
  const name = equals < 0 ? body : body.slice(0, equals);
  const spec = state.lookup.byLong.get(name);
  // `---x` and `--=x` are pflag syntax errors; like unknown flags they consume nothing.
  if (spec === undefined || name === '' || name.startsWith('-')) {
    state.unknownFlags.push(token.text);
    return;
  }
  if (equals >= 0) {
    record(state, spec, token, token, 'equals', 2 + equals + 1);
  } else if (spec.arity !== 'value') {
    record(state, spec, token, token, 'implicit', token.text.length);
  } else {
    takeSeparateValue(state, spec, token, token.text);
  }
}

/** `-q`, `-cPATH`, `-c=PATH`, `-c PATH`, and clusters of them such as `-qc PATH`. */
function parseShortCluster(token: Token, state: ParseState): void {
  const text = token.text;
  for (let at = 1; at < text.length; at++) {
    const letter = text[at]!;
    const spec = state.lookup.byShort.get(letter);
    if (spec === undefined) {
      state.unknownFlags.push(`-${letter}`);
      continue;
    }
    const afterLetter = text.slice(at + 1);
    if (afterLetter.length > 1 && afterLetter.startsWith('=')) {
      // pflag checks `-f=v` before arity, so `-q=false` works for bools too. `-c=` alone
      // is not this form: it is the attached value "=".
      record(state, spec, token, token, 'equals', at + 2);
      return;
    }
    if (spec.arity !== 'value') {
      record(state, spec, token, token, 'implicit', at + 1);
      continue;
    }
    if (afterLetter.length > 0) {
      record(state, spec, token, token, 'attached', at + 1);
    } else {
      takeSeparateValue(state, spec, token, `-${letter}`);
    }
    return;
  }
}

function takeSeparateValue(state: ParseState, spec: FlagSpec, flagToken: Token, spelling: string): void {
  // pflag takes the next token whatever it looks like: `-c --` sets the path to "--".
  const valueToken = state.cursor.next();
  if (valueToken === undefined) {
    state.flagMissingValue = spelling;
    return;
  }
  record(state, spec, flagToken, valueToken, 'separate', 0);
}

function record(
  state: ParseState,
  spec: FlagSpec,
  flagToken: Token,
  valueToken: Token,
  form: ValueForm,
  valueOffset: number,
): void {
  const value = form === 'implicit' ? '' : valueToken.text.slice(valueOffset);
  state.occurrences.push({
    spec,
    value,
    form,
    flagIndex: flagToken.index,
    valueIndex: valueToken.index,
    valueOffset,
  });
}

// ---- reading the result ------------------------------------------------------------------

function occurrencesOf(occurrences: readonly FlagOccurrence[], long: string): FlagOccurrence[] {
  return occurrences.filter((occurrence) => occurrence.spec.long === long);
}

/**
 * A bool flag's final value: the last occurrence Go could parse wins. An unparsable
 * `--quiet=maybe` makes k6 exit with an error, so skipping it changes nothing that matters.
 */
function lastBool(occurrences: readonly FlagOccurrence[], long: string): boolean {
  let value = false;
  for (const occurrence of occurrencesOf(occurrences, long)) {
    value = occurrence.form === 'implicit' ? true : (parseGoBool(occurrence.value) ?? value);
  }
  return value;
}

function lastValue(occurrences: readonly FlagOccurrence[], long: string): string | undefined {
  return occurrencesOf(occurrences, long).at(-1)?.value;
}

function lastConfigFlag(occurrences: readonly FlagOccurrence[]): ConfigFlag | undefined {
  const last = occurrencesOf(occurrences, 'config').at(-1);
  if (last === undefined || last.form === 'implicit') return undefined;
  return {
    path: last.value,
    flagIndex: last.flagIndex,
    valueIndex: last.valueIndex,
    form: last.form,
    valueOffset: last.valueOffset,
  };
}

const LOGIN_COMMANDS: ReadonlyMap<string, LoginKind> = new Map([
  ['login cloud', 'login-cloud'],
  ['cloud login', 'cloud-login'],
]);

function loginRequest(found: FoundCommand, occurrences: readonly FlagOccurrence[]): LoginRequest | undefined {
  const kind = LOGIN_COMMANDS.get(found.words.join(' '));
  if (kind === undefined) return undefined;
  const request: LoginRequest = {
    kind,
    show: lastBool(occurrences, 'show'),
    // k6 tests `reset.Valid` (flag changed), not its value: even --reset=false resets.
    reset: occurrencesOf(occurrences, 'reset').length > 0,
    flagsAt: found.end,
  };
  const token = lastValue(occurrences, 'token');
  if (token !== undefined) request.token = token;
  const stack = lastValue(occurrences, 'stack');
  if (stack !== undefined) request.stack = stack;
  return request;
}
