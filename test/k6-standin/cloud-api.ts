// The k6 Cloud calls the stand-in makes, with the headers, bodies, retries and error texts of
// k6's two clients:
// - the v1 client (cloudapi/client.go): up to 3 attempts 500 ms apart on a connection error,
//   a 5xx or a 429; `Authorization: Token T` only when T is not empty; X-Stack-Id only where
//   k6 sets a stack on the client (v1 `cloud run`, never `run -o cloud`); a K6-Idempotency-Key
//   on every request but GET; errors `(401/E2) message`, or `failed to authenticate with k6
//   Cloud` / `not allowed to upload result to k6 Cloud` / `unexpected HTTP error from URL:
//   500 Internal Server Error` when the body is not JSON.
// - the v6 (OpenAPI) client (internal/cloudapi/v6): `Authorization: Bearer T` and X-Stack-Id;
//   up to 4 attempts in v2.x (MaxRetries 3 after the first), a single one in v1.8.1, whose
//   client leaves MaxRetries at 0; errors `(403/forbidden) message`.
// Both send `User-Agent: k6cloud/<version>` (no "v").
import { randomBytes } from 'node:crypto';
import { K6Error } from './errors.ts';
import { type FormFile, type JsonResponse, RawBody, multipartForm, requestJson } from './http.ts';
import { type LogLevel, logger } from './output.ts';
import { FEATURES, K6_VERSION } from './version.ts';

export const CLOUD_USER_AGENT = `k6cloud/${K6_VERSION}`;
const RETRY_INTERVAL_MS = 500;
const V1_ATTEMPTS = 3;
const V6_ATTEMPTS = FEATURES.v6ClientRetries ? 4 : 1;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Go's http.StatusText for the statuses a cloud answers with. */
const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** What both clients do when an error body is not the JSON they expect. */
function unparsedFailure(res: JsonResponse, url: string): K6Error {
  if (res.status === 401) return new K6Error('failed to authenticate with k6 Cloud');
  if (res.status === 403) return new K6Error('not allowed to upload result to k6 Cloud');
  return new K6Error(`unexpected HTTP error from ${url}: ${res.status} ${STATUS_TEXT[res.status] ?? ''}`.trimEnd());
}

/** Whether encoding/json would decode the body into a struct without an error. */
function decodesAsObject(res: JsonResponse): boolean {
  return res.text.trim() !== '' && (res.data === null || isRecord(res.data));
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** cloudapi.ResponseError.Error(). */
export function v1Failure(res: JsonResponse, url: string): K6Error {
  if (!decodesAsObject(res)) return unparsedFailure(res, url);
  const error = isRecord(res.data) && isRecord(res.data['error']) ? res.data['error'] : {};
  let message = typeof error['message'] === 'string' ? error['message'] : '';
  for (const extra of strings(error['errors'])) if (extra !== message) message += `\n ${extra}`;
  const details: string[] = [];
  for (const key of ['details', 'field_errors']) {
    const map = isRecord(error[key]) ? error[key] : {};
    for (const [field, texts] of Object.entries(map)) {
      const line = `${field}: ${strings(texts).join(', ')}`;
      if (!details.includes(line)) details.push(line);
    }
  }
  if (details.length > 0) message += `\n ${details.join('\n')}`;
  const code = typeof error['code'] === 'number' && error['code'] > 0 ? `${res.status}/E${error['code']}` : `${res.status}`;
  return new K6Error(`(${code}) ${message}`);
}

/** internal/cloudapi/v6 ResponseError.Error(): `(status/code) message (target: 'x')`. */
export function v6Failure(res: JsonResponse, url: string): K6Error {
  if (!decodesAsObject(res)) return unparsedFailure(res, url);
  const error = isRecord(res.data) ? res.data['error'] : undefined;
  if (error !== undefined && !(isRecord(error) && 'code' in error && 'message' in error)) {
    // The OpenAPI model refuses an error object without its required fields.
    return unparsedFailure(res, url);
  }
  const model = isRecord(error) ? error : {};
  const target = (value: unknown): string => (typeof value === 'string' ? ` (target: '${value}')` : '');
  let message = `${typeof model['message'] === 'string' ? model['message'] : ''}${target(model['target'])}`;
  const details = Array.isArray(model['details']) ? model['details'].filter(isRecord) : [];
  if (details.length > 0) {
    message += `\n${details.map((d) => `${typeof d['message'] === 'string' ? d['message'] : ''}${target(d['target'])}`).join('\n')}`;
  }
  const code = typeof model['code'] === 'string' && model['code'] !== '' ? `${res.status}/${model['code']}` : `${res.status}`;
  return new K6Error(`(${code}) ${message}`);
}

const shouldRetry = (res: JsonResponse): boolean => res.status >= 500 || res.status === 429;

/** One request with the clients' retry loop; the last attempt's answer or error stands. */
async function send(
  attempts: number,
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<JsonResponse> {
  for (let attempt = 1; ; attempt++) {
    let res: JsonResponse;
    try {
      res = await requestJson(method, url, { headers: { 'User-Agent': CLOUD_USER_AGENT, ...headers }, body });
    } catch (err) {
      if (attempt < attempts) {
        await sleep(RETRY_INTERVAL_MS);
        continue;
      }
      throw new K6Error(err instanceof Error ? err.message : String(err));
    }
    if (attempt < attempts && shouldRetry(res)) {
      await sleep(RETRY_INTERVAL_MS);
      continue;
    }
    return res;
  }
}

const ok = (res: JsonResponse): boolean => res.status >= 200 && res.status <= 299;
const join = (base: string, path: string): string => `${base.replace(/\/+$/, '')}${path}`;
const idempotencyKey = (): string => randomBytes(8).toString('hex');

/** cloudapi.Client: `{host}/v1/...`. */
export class V1Client {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly stackId: number;

  /** stackId 0: no X-Stack-Id (k6 only calls SetStackID for `cloud run`). */
  constructor(host: string, token: string, stackId = 0) {
    this.baseUrl = join(host, '/v1');
    this.token = token;
    this.stackId = stackId;
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = {};
    if (!(body instanceof RawBody)) headers['Content-Type'] = 'application/json';
    if (this.token !== '') headers['Authorization'] = `Token ${this.token}`;
    if (method !== 'GET') headers['K6-Idempotency-Key'] = idempotencyKey();
    if (this.stackId !== 0) headers['X-Stack-Id'] = String(this.stackId);
    const res = await send(V1_ATTEMPTS, method, url, headers, body);
    if (!ok(res)) throw v1Failure(res, url);
    return res.data;
  }

  login(email: string, password: string): Promise<unknown> {
    return this.request('POST', '/login', { email, password });
  }

  validateToken(): Promise<unknown> {
    return this.request('POST', '/validate-token', { token: this.token });
  }

  async createTestRun(run: TestRunRequest): Promise<CreatedRun> {
    const body: Record<string, unknown> = { name: run.name };
    if (run.projectId !== 0) body['project_id'] = run.projectId;
    Object.assign(body, { vus: run.vus, thresholds: run.thresholds, duration: run.durationSeconds });
    const created = createdRun(await this.request('POST', '/tests', body));
    if (created.referenceId === '') throw new K6Error('failed to get a reference ID');
    return created;
  }

  async testFinished(ref: string, result: TestFinishedRequest): Promise<void> {
    await this.request('POST', `/tests/${ref}`, {
      result_status: result.tainted ? 1 : 0,
      run_status: result.runStatus,
      thresholds: result.thresholds,
    });
  }

  async validateOptions(options: Record<string, unknown>): Promise<void> {
    await this.request('POST', '/validate-options', { options });
  }

  /** StartCloudTestRun: the archive goes up and the cloud starts the run. */
  async uploadArchive(name: string, projectId: number, archive: Buffer): Promise<CreatedRun> {
    const fields: Array<[string, string]> = [['name', name]];
    if (projectId !== 0) fields.push(['project_id', String(projectId)]);
    const file: FormFile = { field: 'file', filename: 'archive.tar', data: archive };
    return createdRun(await this.request('POST', '/archive-upload', multipartForm(fields, [file])));
  }

  async testProgress(ref: string): Promise<V1Progress> {
    const data = await this.request('GET', `/test-progress/${ref}`);
    const record = isRecord(data) ? data : {};
    const num = (key: string): number => (typeof record[key] === 'number' ? record[key] : 0);
    return {
      runStatus: num('run_status'),
      runStatusText: typeof record['run_status_text'] === 'string' ? record['run_status_text'] : '',
      resultStatus: num('result_status'),
    };
  }

  async stopTestRun(ref: string): Promise<void> {
    await this.request('POST', `/tests/${ref}/stop`);
  }
}

export interface TestRunRequest {
  readonly name: string;
  readonly projectId: number;
  readonly vus: number;
  readonly durationSeconds: number;
  readonly thresholds: Record<string, string[]>;
}

export interface TestFinishedRequest {
  readonly tainted: boolean;
  /** cloudapi.RunStatus: 3 finished, 5 aborted by user. */
  readonly runStatus: number;
  readonly thresholds: Record<string, Record<string, boolean>>;
}

export interface CreatedRun {
  readonly referenceId: string;
  /** The `config` the cloud sends back, applied over the run's cloud config. */
  readonly webAppUrl?: string;
  readonly testRunDetails?: string;
}

/** cloudapi.RunStatus values the stand-in reads. */
export const V1_RUN_STATUS = { Running: 2, Finished: 3, AbortedUser: 5, AbortedThreshold: 8 } as const;

export interface V1Progress {
  readonly runStatus: number;
  readonly runStatusText: string;
  /** 1: failed. */
  readonly resultStatus: number;
}

const LOG_LEVELS: Readonly<Record<string, LogLevel>> = { debug: 'debug', info: 'info', warning: 'warning', warn: 'warning', error: 'error' };

/** CreateTestRunResponse: the reference ID, the config override and the cloud's log lines. */
function createdRun(data: unknown): CreatedRun {
  const record = isRecord(data) ? data : {};
  for (const entry of Array.isArray(record['logs']) ? record['logs'].filter(isRecord) : []) {
    const level = LOG_LEVELS[String(entry['level'])] ?? 'error';
    logger.log(level, String(entry['message'] ?? ''), { source: 'grafana-k6-cloud' });
  }
  const config = isRecord(record['config']) ? record['config'] : {};
  return {
    referenceId: typeof record['reference_id'] === 'string' ? record['reference_id'] : '',
    ...(typeof config['webAppURL'] === 'string' ? { webAppUrl: config['webAppURL'] } : {}),
    ...(typeof config['testRunDetails'] === 'string' ? { testRunDetails: config['testRunDetails'] } : {}),
  };
}

/** `k6 login cloud` without a token: POST {host}/v1/login. */
export async function v1Login(host: string, email: string, password: string): Promise<string> {
  const data = await new V1Client(host, '').login(email, password);
  const token = isRecord(data) && typeof data['token'] === 'string' ? data['token'] : '';
  if (token === '') {
    throw new K6Error('your account has no API token, please generate one at https://app.k6.io/account/api-token');
  }
  return token;
}

/** v1.x `cloud login --token T` without a stack: POST {host}/v1/validate-token. */
export async function v1ValidateToken(host: string, token: string): Promise<void> {
  const data = await new V1Client(host, token).validateToken();
  if (!(isRecord(data) && data['is_valid'] === true)) {
    throw new K6Error(
      'your API token is invalid - please, consult the documentation for instructions on how to generate a new one:\n' +
        'https://grafana.com/docs/grafana-cloud/testing/k6/author-run/tokens-and-cli-authentication',
    );
  }
}

/** internal/cloudapi/v6 Client: `{hostV6}/cloud/v6/...`. */
export class V6Client {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly stackId: number | undefined;

  constructor(hostV6: string, token: string, stackId?: number) {
    this.baseUrl = join(hostV6, '/cloud/v6');
    this.token = token;
    this.stackId = stackId;
  }

  private async request(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<JsonResponse> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, ...extra };
    if (this.stackId !== undefined) headers['X-Stack-Id'] = String(this.stackId);
    return send(V6_ATTEMPTS, method, url, headers, body);
  }

  private async call(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<unknown> {
    const res = await this.request(method, path, body, extra);
    if (!ok(res)) throw v6Failure(res, `${this.baseUrl}${path}`);
    return res.data;
  }

  /** `cloud login --token T --stack S`: GET /cloud/v6/auth with the stack URL. */
  async auth(stackUrl: string): Promise<StackAuth> {
    const data = await this.call('GET', '/auth', undefined, { 'X-Stack-Url': stackUrl });
    const record = isRecord(data) ? data : {};
    const stackId = record['stack_id'];
    const defaultProjectId = record['default_project_id'];
    if (typeof stackId !== 'number' || typeof defaultProjectId !== 'number') {
      throw new K6Error('invalid response from the authentication endpoint: missing stack_id or default_project_id');
    }
    return { stackId, defaultProjectId };
  }

  async validateOptions(projectId: number, options: Record<string, unknown>): Promise<void> {
    const body: Record<string, unknown> = { options };
    if (projectId > 0) body['project_id'] = projectId;
    await this.call('POST', '/validate_options', body);
  }

  /** UploadTest: create the load test, or on 409 find it by name and replace its script. */
  async uploadTest(projectId: number, name: string, archive: Buffer): Promise<number> {
    const form = multipartForm([['name', name]], [{ field: 'script', filename: 'script', data: archive }]);
    const path = `/projects/${projectId}/load_tests`;
    const res = await this.request('POST', path, form);
    if (ok(res)) return idOf(res.data);
    if (res.status !== 409) throw v6Failure(res, `${this.baseUrl}${path}`);
    const query = `?name=${encodeURIComponent(name)}&%24top=1`;
    const found = await this.call('GET', `${path}${query}`);
    const first = isRecord(found) && Array.isArray(found['value']) ? found['value'][0] : undefined;
    if (first === undefined) throw new K6Error('load test not found');
    const id = idOf(first);
    await this.call('PUT', `/load_tests/${id}/script`, new RawBody(archive, 'application/octet-stream'));
    return id;
  }

  async startTest(loadTestId: number): Promise<StartedRun> {
    const data = await this.call('POST', `/load_tests/${loadTestId}/start`, undefined, { 'K6-Idempotency-Key': idempotencyKey() });
    const record = isRecord(data) ? data : {};
    return {
      id: idOf(record),
      detailsUrl: typeof record['test_run_details_page_url'] === 'string' ? record['test_run_details_page_url'] : '',
    };
  }

  async fetchTest(testRunId: number): Promise<V6Progress> {
    const data = await this.call('GET', `/test_runs/${testRunId}`);
    const record = isRecord(data) ? data : {};
    const history = Array.isArray(record['status_history']) ? record['status_history'].filter(isRecord) : [];
    return {
      status: typeof record['status'] === 'string' ? record['status'] : '',
      result: typeof record['result'] === 'string' ? record['result'] : '',
      abortedByUser: history.some(
        (e) => e['type'] === 'aborted' && isRecord(e['extra']) && typeof e['extra']['by_user'] === 'string' && e['extra']['by_user'] !== '',
      ),
    };
  }

  /** TestRunsAbort; a 409 (already stopped) is not an error. */
  async stopTest(testRunId: number): Promise<void> {
    const path = `/test_runs/${testRunId}/abort`;
    const res = await this.request('POST', path);
    if (!ok(res) && res.status !== 409) throw v6Failure(res, `${this.baseUrl}${path}`);
  }
}

function idOf(data: unknown): number {
  return isRecord(data) && typeof data['id'] === 'number' ? data['id'] : 0;
}

export interface StackAuth {
  readonly stackId: number;
  readonly defaultProjectId: number;
}

export interface StartedRun {
  readonly id: number;
  readonly detailsUrl: string;
}

export interface V6Progress {
  readonly status: string;
  /** passed | failed (thresholds) | error (not completed) */
  readonly result: string;
  readonly abortedByUser: boolean;
}

/** `cloud login --token T --stack S`: GET {hostV6}/cloud/v6/auth with the stack URL. */
export function v6Auth(hostV6: string, token: string, stackUrl: string): Promise<StackAuth> {
  return new V6Client(hostV6, token).auth(stackUrl);
}
