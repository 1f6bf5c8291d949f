// The k6 Cloud calls the stand-in makes, with the headers and bodies k6 sends (see
// docs/k6-behaviour.md). Only the FIRST call of each flow is made; the rest of a cloud test
// run is simulated, so a mock needs just these endpoints.
import { K6Error } from './errors.ts';
import { type JsonResponse, requestJson } from './http.ts';
import { USER_AGENT } from './version.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** cloudapi.CheckResponse: `(401/E2) message` from `{"error": {...}}`, generic text otherwise. */
function v1Failure(res: JsonResponse, url: string): K6Error {
  const error = isRecord(res.data) && isRecord(res.data['error']) ? res.data['error'] : undefined;
  if (error !== undefined) {
    const code = typeof error['code'] === 'number' && error['code'] > 0 ? `${res.status}/E${error['code']}` : `${res.status}`;
    return new K6Error(`(${code}) ${String(error['message'] ?? '')}`);
  }
  if (res.status === 401) return new K6Error('Failed to authenticate with k6 Cloud');
  if (res.status === 403) return new K6Error('Not allowed to upload result to k6 Cloud');
  return new K6Error(`unexpected HTTP error from ${url}: ${res.status}`);
}

/** The v6 API answers errors as `{"error": {"code": "...", "message": "..."}}`. */
function v6Failure(res: JsonResponse): K6Error {
  const error = isRecord(res.data) && isRecord(res.data['error']) ? res.data['error'] : undefined;
  const message = error === undefined ? res.text.trim() || 'unexpected response' : String(error['message'] ?? '');
  return new K6Error(`(${res.status}) ${message}`);
}

async function call(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<JsonResponse> {
  try {
    return await requestJson(method, url, { headers: { 'User-Agent': USER_AGENT, ...headers }, body });
  } catch (err) {
    throw new K6Error(err instanceof Error ? err.message : String(err));
  }
}

const join = (base: string, path: string): string => `${base.replace(/\/+$/, '')}${path}`;

/** `k6 login cloud` without a token: POST {host}/v1/login. */
export async function v1Login(host: string, email: string, password: string): Promise<string> {
  const url = join(host, '/v1/login');
  const res = await call('POST', url, {}, { email, password });
  if (res.status < 200 || res.status > 299) throw v1Failure(res, url);
  const token = isRecord(res.data) && typeof res.data['token'] === 'string' ? res.data['token'] : '';
  if (token === '') {
    throw new K6Error('your account has no API token, please generate one at https://app.k6.io/account/api-token');
  }
  return token;
}

/** v1.x `cloud login --token T` without a stack: POST {host}/v1/validate-token. */
export async function v1ValidateToken(host: string, token: string): Promise<void> {
  const url = join(host, '/v1/validate-token');
  const res = await call('POST', url, { Authorization: `Token ${token}` }, { token });
  if (res.status < 200 || res.status > 299) throw v1Failure(res, url);
  if (!(isRecord(res.data) && res.data['is_valid'] === true)) {
    throw new K6Error(
      'your token is invalid - please, consult the documentation for instructions on how to generate a new one:\n' +
        'https://grafana.com/docs/grafana-cloud/testing/k6/author-run/tokens-and-cli-authentication',
    );
  }
}

export interface StackAuth {
  readonly stackId: number;
  readonly defaultProjectId: number;
}

/** `cloud login --token T --stack S`: GET {hostV6}/cloud/v6/auth with the stack URL. */
export async function v6Auth(hostV6: string, token: string, stackUrl: string): Promise<StackAuth> {
  const url = join(hostV6, '/cloud/v6/auth');
  const res = await call('GET', url, { Authorization: `Bearer ${token}`, 'X-Stack-Url': stackUrl });
  if (res.status < 200 || res.status > 299) throw v6Failure(res);
  const data = isRecord(res.data) ? res.data : {};
  const stackId = data['stack_id'];
  const defaultProjectId = data['default_project_id'];
  if (typeof stackId !== 'number' || typeof defaultProjectId !== 'number') {
    throw new K6Error('invalid response from the authentication endpoint: missing stack_id or default_project_id');
  }
  return { stackId, defaultProjectId };
}

export interface TestRunRequest {
  readonly name: string;
  readonly projectId: number;
  readonly vus: number;
  readonly durationSeconds: number;
  readonly thresholds: Record<string, string[]>;
}

/** `k6 run -o cloud`: POST {host}/v1/tests; returns the reference_id. */
export async function v1CreateTestRun(
  host: string,
  token: string,
  stackId: number | undefined,
  run: TestRunRequest,
): Promise<string> {
  const url = join(host, '/v1/tests');
  const headers: Record<string, string> = { Authorization: `Token ${token}` };
  if (stackId !== undefined) headers['X-Stack-Id'] = String(stackId);
  const body: Record<string, unknown> = {
    name: run.name,
    vus: run.vus,
    thresholds: run.thresholds,
    duration: run.durationSeconds,
  };
  if (run.projectId > 0) body['project_id'] = run.projectId;
  const res = await call('POST', url, headers, body);
  if (res.status < 200 || res.status > 299) throw v1Failure(res, url);
  const ref = isRecord(res.data) ? res.data['reference_id'] : undefined;
  if (typeof ref !== 'string' || ref === '') throw new K6Error('failed to get a reference ID');
  return ref;
}

/** v1.x `cloud run`: POST {host}/v1/validate-options. */
export async function v1ValidateOptions(
  host: string,
  token: string,
  stackId: number | undefined,
  options: Record<string, unknown>,
): Promise<void> {
  const url = join(host, '/v1/validate-options');
  const headers: Record<string, string> = { Authorization: `Token ${token}` };
  if (stackId !== undefined) headers['X-Stack-Id'] = String(stackId);
  const res = await call('POST', url, headers, { options });
  if (res.status < 200 || res.status > 299) throw v1Failure(res, url);
}

/** v2.x `cloud run`: POST {hostV6}/cloud/v6/validate_options with Bearer auth and the stack. */
export async function v6ValidateOptions(
  hostV6: string,
  token: string,
  stackId: number,
  projectId: number,
  options: Record<string, unknown>,
): Promise<void> {
  const url = join(hostV6, '/cloud/v6/validate_options');
  const res = await call(
    'POST',
    url,
    { Authorization: `Bearer ${token}`, 'X-Stack-Id': String(stackId) },
    { project_id: projectId, options },
  );
  if (res.status < 200 || res.status > 299) throw v6Failure(res);
}
