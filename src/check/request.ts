// What `k6-persist status --check` asks k6 Cloud: the request k6 itself sends with these
// credentials, so the answer is the one k6 would get. Pure.
//
// - A stack URL (a login saves it; or K6_CLOUD_STACK_URL): k6's login validation,
//   GET {hostv6}/cloud/v6/auth with Bearer and X-Stack-Url (cloudapi/v6 ValidateToken).
// - A stack id that does not come with that URL (K6_CLOUD_STACK_ID, or a ConfigMap holding only
//   stackID): what k6's cloud commands send it as, the X-Stack-Id header, on the lightest call
//   they make with it, `k6 cloud project list`'s GET /cloud/v6/projects. /cloud/v6/auth itself
//   only takes a URL (the OpenAPI client requires X-Stack-Url).
// - No stack: k6's stackless login, POST {host}/v1/validate-token with `Token` (k6 1.x).
import type { Credentials } from '../credentials/provenance.ts';

export type CheckKind = 'v6-auth' | 'v6-projects' | 'v1-validate-token';

export interface CheckRequest {
  kind: CheckKind;
  method: 'GET' | 'POST';
  url: string;
  /** Header values, the token included: never print these. */
  headers: Record<string, string>;
  body?: string;
  /** The stack as sent, for messages: `X-Stack-Url: https://s.grafana.net` or `X-Stack-Id: 12`. */
  stack?: { header: 'X-Stack-Url' | 'X-Stack-Id'; value: string };
}

const USER_AGENT = 'k6-persist (status --check)';

/** k6 2.1+ keeps only scheme://host of a stack URL (normalizeStackURL, audit D5); a slug becomes its URL. */
export function normalizeStackURL(input: string): string {
  try {
    const url = new URL(input);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '') return `${url.protocol}//${url.host}`;
  } catch {
    // Not a URL: a slug.
  }
  return `https://${input.replace(/\.grafana\.net$/, '')}.grafana.net`;
}

/** k6 builds its URLs by appending the path to the host as written. */
const join = (host: string, path: string) => `${host}${path}`;

/** A v6 call: Bearer, the stack in its header, JSON. */
function v6Request(kind: CheckKind, host: string, path: string, token: string, stack: NonNullable<CheckRequest['stack']>): CheckRequest {
  return {
    kind,
    method: 'GET',
    url: join(host, path),
    headers: { Authorization: `Bearer ${token}`, [stack.header]: stack.value, Accept: 'application/json', 'User-Agent': USER_AGENT },
    stack,
  };
}

/** undefined when there is no token to check. */
export function checkRequest(credentials: Credentials): CheckRequest | undefined {
  const { token, stackID, stackURL, hosts } = credentials;
  if (token.value === null) return undefined;
  const idFromElsewhere = stackID.value !== null && (stackURL.value === null || stackURL.source !== stackID.source);
  if (idFromElsewhere) return v6Request('v6-projects', hosts.v6, '/cloud/v6/projects?$skip=0&$top=1', token.value, { header: 'X-Stack-Id', value: String(stackID.value) });
  if (typeof stackURL.value === 'string' && stackURL.value !== '') {
    return v6Request('v6-auth', hosts.v6, '/cloud/v6/auth', token.value, { header: 'X-Stack-Url', value: normalizeStackURL(stackURL.value) });
  }
  return {
    kind: 'v1-validate-token',
    method: 'POST',
    url: join(hosts.v1, '/v1/validate-token'),
    headers: { Authorization: `Token ${token.value}`, 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
    body: JSON.stringify({ token: token.value }),
  };
}
