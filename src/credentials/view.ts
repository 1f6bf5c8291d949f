// The credentials as they may be shown: the token masked as k6 masks it, with a fingerprint to
// compare copies by, and each value's source in words.
import { valueText } from '../config/document.ts';
import { maskToken } from '../config/mask.ts';
import { fingerprint, type CredentialSource, type Credentials, type Provenance } from './provenance.ts';

export interface ShownValue {
  value: unknown;
  source: CredentialSource;
  shadowed: boolean;
  from?: string;
  saved?: unknown;
  ignored?: string;
}

export interface ShownCredentials {
  token: ShownValue & { fingerprint: string | null; savedFingerprint?: string; problem?: string };
  stackID: ShownValue;
  stackURL: ShownValue;
  projectID: ShownValue;
}

function shown(field: Provenance<unknown>): ShownValue {
  return {
    value: field.value,
    source: field.source,
    shadowed: field.shadowed,
    ...(field.from === undefined ? {} : { from: field.from }),
    ...(field.saved === undefined ? {} : { saved: field.saved }),
    ...(field.ignored === undefined ? {} : { ignored: field.ignored }),
  };
}

/** Why a token file gives no token, in the words of a status line. */
export function tokenProblemText(token: Credentials['token']): string | undefined {
  switch (token.problem) {
    case 'conflict':
      return `K6_CLOUD_TOKEN and K6_CLOUD_TOKEN_FILE (${token.from}) are both set: the wrapper starts no k6 command until one is unset`;
    case 'unreadable':
      return `K6_CLOUD_TOKEN_FILE names ${token.from}, which cannot be read (${token.errorCode}): the wrapper starts no k6 command until it can`;
    case 'empty':
      return `K6_CLOUD_TOKEN_FILE names ${token.from}, which is empty: the wrapper starts no k6 command until it holds the token`;
    default:
      return undefined;
  }
}

export function showCredentials(credentials: Credentials): ShownCredentials {
  const { token } = credentials;
  const problem = tokenProblemText(token);
  return {
    token: {
      ...shown(token),
      value: token.value === null ? null : maskToken(token.value),
      fingerprint: token.value === null ? null : fingerprint(token.value),
      ...(token.saved === undefined ? {} : { saved: maskToken(token.saved), savedFingerprint: fingerprint(token.saved) }),
      ...(problem === undefined ? {} : { problem }),
    },
    stackID: shown(credentials.stackID),
    stackURL: shown(credentials.stackURL),
    projectID: shown(credentials.projectID),
  };
}

/** Where a value came from, for a sentence: `K6_CLOUD_TOKEN`, `the token file /run/x`, the config path. */
export function sourceText(field: { source: CredentialSource; from?: string }, configPath: string | undefined): string {
  switch (field.source) {
    case 'env':
      return field.from ?? 'the environment';
    case 'token-file':
      return `the token file ${field.from ?? ''}`.trim();
    case 'config':
      return configPath ?? 'the config file';
    default:
      return 'nowhere';
  }
}

/** One status line: the value, its source, and what it overrides. */
export function shownLine(field: ShownValue, configPath: string | undefined, extra = ''): string {
  if (field.source === 'none') return `(none)${extra}`;
  let line = `${valueText(field.value)} (from ${sourceText(field, configPath)}`;
  if (field.shadowed) line += `; overrides ${valueText(field.saved)} in ${configPath ?? 'the config file'}`;
  if (field.ignored) line += `; ${field.ignored} is ignored because the file has one`;
  return `${line})${extra}`;
}
