// Tokens are shown the way k6 2.x shows them: never in full.
const MIN_LENGTH_TO_SHOW_ENDS = 12;
const SHOWN_AT_EACH_END = 4;

export function maskToken(token: string): string {
  if (token.length < MIN_LENGTH_TO_SHOW_ENDS) return '*'.repeat(token.length);
  const hidden = token.length - 2 * SHOWN_AT_EACH_END;
  return token.slice(0, SHOWN_AT_EACH_END) + '*'.repeat(hidden) + token.slice(-SHOWN_AT_EACH_END);
}
