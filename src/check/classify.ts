// What k6 Cloud's answer (or its silence) means for the credentials, as one line with what to do,
// and the exit code of `k6-persist status --check`. Pure.
import { maskToken } from '../config/mask.ts';
import type { Credentials } from '../credentials/provenance.ts';
import { sourceText, tokenProblemText } from '../credentials/view.ts';
import type { CheckRequest } from './request.ts';

export type CheckResult = 'valid' | 'rejected' | 'missing' | 'unreachable';

export const CHECK_EXIT_CODES: Readonly<Record<CheckResult, number>> = { valid: 0, rejected: 1, missing: 2, unreachable: 3 };

export type Answer =
  | { kind: 'response'; status: number; body: string }
  | { kind: 'timeout'; seconds: number }
  /** No answer: refused, reset, no route, a name that does not resolve (the errno), or a request Node could not send. */
  | { kind: 'network'; code: string }
  /** The token holds what an HTTP header cannot carry (a line break, a control character). */
  | { kind: 'unsendable' };

export interface CheckOutcome {
  result: CheckResult;
  exitCode: number;
  reason: string;
  /** The request, without its credentials. */
  request?: { method: string; url: string; stack?: string };
  httpStatus?: number;
  /** The stack id k6 Cloud reported for the stack URL (v6 auth). */
  stackID?: number;
}

const MAX_MESSAGE = 200;

/** The server's own words, if its body is k6 Cloud's error JSON; never the token, never long. */
function serverMessage(body: string, token: string): string | undefined {
  let message: unknown;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown }; message?: unknown };
    message = parsed.error?.message ?? parsed.message;
  } catch {
    return undefined;
  }
  if (typeof message !== 'string' || message === '') return undefined;
  const safe = message.split(token).join(maskToken(token)).replace(/\s+/g, ' ');
  return safe.length > MAX_MESSAGE ? `${safe.slice(0, MAX_MESSAGE)}...` : safe;
}

function outcome(result: CheckResult, reason: string, request?: CheckRequest, extra: Partial<CheckOutcome> = {}): CheckOutcome {
  return {
    result,
    exitCode: CHECK_EXIT_CODES[result],
    reason,
    ...(request ? { request: { method: request.method, url: request.url, ...(request.stack ? { stack: `${request.stack.header}: ${request.stack.value}` } : {}) } } : {}),
    ...extra,
  };
}

export function missingOutcome(credentials: Credentials): CheckOutcome {
  const problem = tokenProblemText(credentials.token);
  if (problem !== undefined) return outcome('missing', `missing: no usable k6 Cloud token: ${problem}.`);
  const file = credentials.configPath ?? 'a config file (no volume was found)';
  return outcome(
    'missing',
    `missing: no k6 Cloud token in K6_CLOUD_TOKEN, K6_CLOUD_TOKEN_FILE or ${file}. ` +
      'Log in on the volume (`k6 cloud login`), or set K6_CLOUD_TOKEN_FILE to a file holding the token.',
  );
}

function tokenWords(credentials: Credentials): string {
  const token = credentials.token;
  return `the token ${maskToken(token.value ?? '')} (from ${sourceText(token, credentials.configPath)})`;
}

function stackWords(request: CheckRequest, credentials: Credentials): string {
  const field = request.stack?.header === 'X-Stack-Id' ? credentials.stackID : credentials.stackURL;
  const what = request.stack?.header === 'X-Stack-Id' ? `stack id ${request.stack.value}` : `stack ${request.stack?.value ?? ''}`;
  return `${what} (from ${sourceText(field, credentials.configPath)})`;
}

function answered(request: CheckRequest, credentials: Credentials, status: number, body: string): CheckOutcome {
  const token = credentials.token.value ?? '';
  const said = serverMessage(body, token);
  const quoted = said === undefined ? `HTTP ${status}` : `HTTP ${status}: ${said}`;
  const host = new URL(request.url).origin;
  if (status === 401 || (status === 200 && request.kind === 'v1-validate-token' && !isValidToken(body))) {
    return outcome(
      'rejected',
      `rejected: k6 Cloud refused ${tokenWords(credentials)} (${quoted}): it is mistyped, revoked or rotated. ` +
        'Put the current token there, or log in again with `k6 cloud login`.',
      request,
      { httpStatus: status },
    );
  }
  if (status === 403) {
    const stack = request.stack ? stackWords(request, credentials) : 'its stack';
    return outcome(
      'rejected',
      `rejected: k6 Cloud does not let ${tokenWords(credentials)} use ${stack} (${quoted}): the token belongs to another stack. ` +
        'Use a token of that stack, or give the stack the token belongs to.',
      request,
      { httpStatus: status },
    );
  }
  if (status >= 200 && status < 300) {
    const stackID = request.kind === 'v6-auth' ? stackIDIn(body) : undefined;
    const stack =
      request.kind === 'v1-validate-token'
        ? '; no stack is set, which k6 2.x needs for `cloud run` and `cloud upload`'
        : ` for ${stackWords(request, credentials)}${stackID === undefined ? '' : `, stack id ${stackID}`}`;
    return outcome('valid', `valid: k6 Cloud accepts ${tokenWords(credentials)}${stack}.`, request, {
      httpStatus: status,
      ...(stackID === undefined ? {} : { stackID }),
    });
  }
  return outcome(
    'unreachable',
    `unreachable: ${host} answered ${quoted}, not a verdict on the token. ` +
      `Try again later, and check that ${hostVariable(request)} points at k6 Cloud.`,
    request,
    { httpStatus: status },
  );
}

function isValidToken(body: string): boolean {
  try {
    return (JSON.parse(body) as { is_valid?: unknown }).is_valid === true;
  } catch {
    return false;
  }
}

function stackIDIn(body: string): number | undefined {
  try {
    const id = (JSON.parse(body) as { stack_id?: unknown }).stack_id;
    return typeof id === 'number' ? id : undefined;
  } catch {
    return undefined;
  }
}

const hostVariable = (request: CheckRequest) => (request.kind === 'v1-validate-token' ? 'K6_CLOUD_HOST' : 'K6_CLOUD_HOST_V6');

export function classifyAnswer(request: CheckRequest, credentials: Credentials, answer: Answer): CheckOutcome {
  const host = new URL(request.url).origin;
  switch (answer.kind) {
    case 'response':
      return answered(request, credentials, answer.status, answer.body);
    case 'timeout':
      return outcome(
        'unreachable',
        `unreachable: no answer from ${host} within ${answer.seconds} s. Check the network (a proxy or firewall) and ${hostVariable(request)}, or allow more time with --timeout.`,
        request,
      );
    case 'unsendable':
      return outcome(
        'rejected',
        `rejected: ${tokenWords(credentials)} holds a character an HTTP header cannot carry (a line break or another control character), so k6 cannot send it either. Put the token there without it.`,
        request,
      );
    default:
      return outcome(
        'unreachable',
        `unreachable: cannot reach ${host} (${answer.code}). Check the network (DNS, a proxy or firewall) and ${hostVariable(request)}.`,
        request,
      );
  }
}
