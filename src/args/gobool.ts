// pflag parses `--flag=value` for bool flags with Go's strconv.ParseBool; mirror its exact
// vocabulary so `--quiet=T` or `-q=0` mean to us what they mean to k6.
const TRUE_SPELLINGS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_SPELLINGS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** The boolean Go would read, or undefined where Go reports a syntax error. */
export function parseGoBool(text: string): boolean | undefined {
  if (TRUE_SPELLINGS.has(text)) return true;
  if (FALSE_SPELLINGS.has(text)) return false;
  return undefined;
}
