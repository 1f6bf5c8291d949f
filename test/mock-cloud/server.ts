// A local stand-in for the k6 Cloud APIs k6 calls (docs/k6-behaviour.md, sections 5 and 7).
// It records every request when it ARRIVES (so a test can see a request the mock is still
// holding) and answers like the real services: a JSON error body with a non-2xx status for bad
// tokens, stacks the token cannot reach or malformed bodies, 404 for any other path. It listens
// on 127.0.0.1 only.
//
// Besides the first call of each flow it runs cloud test runs, enough for k6 to follow one
// to its end:
// - `k6 run -o cloud`: POST /v1/tests creates a run, POST /v1/tests/<ref> finishes it.
// - `k6 cloud project list` (v2.x): GET /cloud/v6/projects, the stack's default project.
// - v1.x `k6 cloud run`: POST /v1/archive-upload starts a run, GET /v1/test-progress/<ref>
//   reports it, POST /v1/tests/<ref>/stop stops it.
// - v2.x `k6 cloud run`: POST /cloud/v6/projects/<id>/load_tests (409 when the name is taken in
//   that project), GET .../load_tests?name=, PUT /cloud/v6/load_tests/<id>/script,
//   POST /cloud/v6/load_tests/<id>/start, GET /cloud/v6/test_runs/<id>, POST .../abort.
// A run lasts as long as the uploaded archive says (options.duration, else 100 ms) and ends
// as its script's stand-in directives say: `thresholds=fail` gives the result `failed` (k6
// exits 99), `exit=N` with N > 0 gives `error` (k6 exits 97; the v1 API, which has no such
// result, reports run status 7 "Aborted (script error)"), anything else `passed`. A run
// stopped by the user ends `aborted` with the result `error`, which is how the v6 API documents
// `result` ("error if the execution was not completed"); options override all of this.
//
// To test clients: `faults` answer the first N matching requests with an error (5xx, 429,
// 401...) as JSON or plain text, or drop the connection; `delays` hold answers back.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { readArchive } from '../k6-standin/archive.ts';
import { parseDirectives, parseGoDuration } from '../k6-standin/script.ts';

export interface MockStack {
  readonly stackId: number;
  readonly defaultProjectId: number;
}

export interface MockLogin {
  readonly email: string;
  readonly password: string;
  readonly token: string;
}

export type RunResult = 'passed' | 'failed' | 'error';

export interface MockFault {
  /** `METHOD /path`, where `*` matches anything, e.g. `POST /v1/tests` or `GET /cloud/v6/test_runs/*`. */
  readonly match: string;
  /** How many matching requests get the fault before the mock answers normally again. */
  readonly times: number;
  /** Default 500. */
  readonly status?: number;
  /** `json` (default): a JSON error body; `text`: a plain-text body; `reset`: close the connection unanswered. */
  readonly reply?: 'json' | 'text' | 'reset';
}

export interface MockDelay {
  readonly match: string;
  readonly ms: number;
}

export interface MockCloudOptions {
  /** Tokens the API accepts. Tokens handed out by `logins` are accepted too. */
  readonly tokens?: readonly string[];
  /** Stacks by slug; a stack's URL is https://<slug>.grafana.net. */
  readonly stacks?: Readonly<Record<string, MockStack>>;
  /** Tokens POST /v1/validate-token answers `is_valid: false` for (with 200), as for a revoked token. */
  readonly rejectedTokens?: readonly string[];
  /** Which stack slugs a token may use; a token not listed here may use every stack. */
  readonly tokenStacks?: Readonly<Record<string, readonly string[]>>;
  /** Email/password pairs POST /v1/login accepts, and the token each one gets. */
  readonly logins?: readonly MockLogin[];
  /** reference_id of every run created on the v1 API (default: "1", "2", ... in order). */
  readonly referenceId?: string;
  /** The `webAppURL` in the config the v1 API sends back (default https://app.k6.io). */
  readonly webAppUrl?: string;
  /** A `testRunDetails` URL for that config ("{ref}" is replaced); left out by default. */
  readonly testRunDetails?: string;
  /** How every cloud run ends, instead of what its script says. */
  readonly runResult?: RunResult;
  /** How long every cloud run lasts, instead of what its archive says. */
  readonly runDurationMs?: number;
  /** The result of a run stopped by the user (default `error`). */
  readonly abortedResult?: RunResult;
  /** Time from a stop request until the run shows as aborted (default 0). */
  readonly abortDelayMs?: number;
  readonly faults?: readonly MockFault[];
  readonly delays?: readonly MockDelay[];
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Called after each request has been answered (the CLI prints it). */
  readonly onRequest?: (request: RecordedRequest) => void;
}

export interface RecordedArchive {
  /** metadata.json `options`. */
  readonly options: Record<string, unknown>;
  readonly script: string;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: string;
  /** Date.now() when the request arrived. */
  readonly at: number;
  readonly authorization: string | undefined;
  readonly stackId: string | undefined;
  readonly stackUrl: string | undefined;
  readonly userAgent: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly contentType: string | undefined;
  /** The parsed JSON body; undefined when there was none or it was not JSON. */
  readonly body: unknown;
  /** The fields of a multipart/form-data body. */
  readonly form?: Readonly<Record<string, string>>;
  /** A k6 archive uploaded as a form file or as the body, decoded. */
  readonly archive?: RecordedArchive;
  /** Status the mock answered with: 0 while it is still answering, and for a dropped connection. */
  readonly status: number;
}

export interface MockCloud {
  /** Base URL, e.g. http://127.0.0.1:40123, for both K6_CLOUD_HOST and K6_CLOUD_HOST_V6. */
  readonly url: string;
  /** Where the socket is actually bound (server.address()), not just what the URL says. */
  readonly bound: AddressInfo;
  /** Every request received, in order of arrival. */
  readonly requests: RecordedRequest[];
  /** The first request matching `METHOD /path` (`*` wildcards), already received or still to come. */
  waitFor(match: string, timeoutMs?: number): Promise<RecordedRequest>;
  /** Stops listening; afterwards connections are refused ("the cloud is unreachable"). */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

const LoginBody = z.object({ email: z.string(), password: z.string() });
const ValidateTokenBody = z.object({ token: z.string() });
const CreateTestRunBody = z.object({
  name: z.string(),
  vus: z.number().int(),
  duration: z.number().int(),
  thresholds: z.record(z.string(), z.array(z.string())),
  project_id: z.number().int().optional(),
});
const TestFinishedBody = z.object({
  result_status: z.number().int(),
  run_status: z.number().int(),
  thresholds: z.record(z.string(), z.record(z.string(), z.boolean())),
});
const ValidateOptionsV1Body = z.object({ options: z.record(z.string(), z.unknown()) });
// k6 leaves project_id out when it is 0 (SetProjectId only for > 0).
const ValidateOptionsV6Body = z.object({ project_id: z.number().int().optional(), options: z.record(z.string(), z.unknown()) });

interface Reply {
  status: number;
  body: unknown;
}

/** The v1 API's error shape, which k6 prints as "(401/E2) message". */
const v1Error = (status: number, code: number, message: string): Reply => ({ status, body: { error: { code, message } } });
/** The v6 API's error shape, which k6 prints as "(403/forbidden) message". */
const v6Error = (status: number, code: string, message: string): Reply => ({ status, body: { error: { code, message } } });
const NO_CONTENT: Reply = { status: 204, body: undefined };

function credential(header: string | undefined, scheme: 'Token' | 'Bearer'): string | undefined {
  const prefix = `${scheme} `;
  return header?.startsWith(prefix) === true ? header.slice(prefix.length) : undefined;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface FormPart {
  readonly name: string;
  readonly filename?: string;
  readonly data: Buffer;
}

/** Enough of multipart/form-data for what k6 sends: named fields and files. */
export function parseMultipart(body: Buffer, contentType: string): FormPart[] {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (boundary === undefined) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let start = body.indexOf(delimiter);
  // Each round moves past one delimiter, so this ends within body.length / delimiter.length rounds.
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const head = part.subarray(0, split).toString('utf8');
      const name = /name="([^"]*)"/.exec(head)?.[1];
      const filename = /filename="([^"]*)"/.exec(head)?.[1];
      if (name !== undefined) parts.push({ name, ...(filename === undefined ? {} : { filename }), data: part.subarray(split + 4) });
    }
    start = next;
  }
  return parts;
}

function decodeArchive(data: Buffer): RecordedArchive | undefined {
  try {
    const content = readArchive(data);
    return { options: content.options, script: content.script };
  } catch {
    return undefined;
  }
}

/** `POST /v1/tests/*` style patterns. */
function matcher(pattern: string): (methodAndPath: string) => boolean {
  const regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (methodAndPath) => regex.test(methodAndPath);
}

interface CloudRun {
  readonly id: number;
  readonly projectId: number;
  readonly loadTestId: number;
  readonly stackId: number | undefined;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly result: RunResult;
  readonly options: Record<string, unknown>;
  stopRequestedAt?: number;
}

interface LoadTest {
  readonly id: number;
  readonly projectId: number;
  readonly name: string;
  archive: RecordedArchive | undefined;
  readonly created: string;
  updated: string;
}

/** A run's state in the v1 API's terms: run_status, run_status_text, result_status. */
function v1Progress(status: 'running' | 'completed' | 'aborted', result: RunResult | null): [number, string, number] {
  if (status === 'running') return [2, 'Running', 0];
  if (status === 'aborted') return [5, 'Aborted (by user)', result === 'passed' ? 0 : 1];
  // v1 has no "error" result: an execution that did not complete is an aborted run status.
  if (result === 'error') return [7, 'Aborted (script error)', 1];
  return [3, 'Finished', result === 'failed' ? 1 : 0];
}

export async function startMockCloud(options: MockCloudOptions = {}): Promise<MockCloud> {
  const logins = options.logins ?? [];
  const validTokens = new Set([...(options.tokens ?? []), ...logins.map((l) => l.token)]);
  const stacks = Object.entries(options.stacks ?? {});
  const slugOf = (id: string | undefined): string | undefined => stacks.find(([, s]) => String(s.stackId) === id)?.[0];
  const stackByUrl = (url: string | undefined): [string, MockStack] | undefined =>
    stacks.find(([slug]) => url?.replace(/\/+$/, '') === `https://${slug}.grafana.net`);
  const mayUse = (token: string, slug: string): boolean => {
    const allowed = options.tokenStacks?.[token];
    return allowed === undefined || allowed.includes(slug);
  };
  const faults = (options.faults ?? []).map((f) => ({ ...f, test: matcher(f.match), left: f.times }));
  const delays = (options.delays ?? []).map((d) => ({ ...d, test: matcher(d.match) }));
  const requests: RecordedRequest[] = [];
  const waiters: Array<{ test: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }> = [];
  const timers = new Set<NodeJS.Timeout>();

  const runs = new Map<string, CloudRun>();
  const loadTests = new Map<number, LoadTest>();
  let nextId = 1;
  const newRef = (): string => options.referenceId ?? String(nextId++);

  function startRun(id: string, projectId: number, loadTestId: number, stackId: number | undefined, archive: RecordedArchive | undefined): CloudRun {
    const directives = parseDirectives(archive?.script ?? '');
    const fromOptions = typeof archive?.options['duration'] === 'string' ? parseGoDuration(archive.options['duration']) : undefined;
    const scripted: RunResult = directives.thresholds === 'fail' ? 'failed' : (directives.exitCode ?? 0) > 0 ? 'error' : 'passed';
    const run: CloudRun = {
      id: Number(id) || 0,
      projectId,
      loadTestId,
      stackId,
      startedAt: Date.now(),
      durationMs: options.runDurationMs ?? fromOptions ?? directives.durationMs ?? 100,
      result: options.runResult ?? scripted,
      options: archive?.options ?? {},
    };
    runs.set(id, run);
    return run;
  }

  function runState(run: CloudRun): { status: 'running' | 'completed' | 'aborted'; result: RunResult | null } {
    const now = Date.now();
    if (run.stopRequestedAt !== undefined && now >= run.stopRequestedAt + (options.abortDelayMs ?? 0)) {
      return { status: 'aborted', result: options.abortedResult ?? 'error' };
    }
    if (now - run.startedAt >= run.durationMs) return { status: 'completed', result: run.result };
    return { status: 'running', result: null };
  }

  function detailsUrl(run: CloudRun): string {
    const slug = slugOf(run.stackId === undefined ? undefined : String(run.stackId)) ?? 'stack';
    return `https://${slug}.grafana.net/a/k6-app/runs/${run.id}`;
  }

  /** TestRunApiModel with every property the OpenAPI client requires. */
  function testRunModel(run: CloudRun): Record<string, unknown> {
    const { status, result } = runState(run);
    const created = new Date(run.startedAt).toISOString();
    const history: Array<Record<string, unknown>> = [
      { type: 'created', entered: created },
      { type: 'running', entered: created },
    ];
    if (status === 'completed') history.push({ type: 'completed', entered: new Date(run.startedAt + run.durationMs).toISOString() });
    if (status === 'aborted') {
      history.push({
        type: 'aborted',
        entered: new Date(run.stopRequestedAt ?? Date.now()).toISOString(),
        extra: { by_user: 'user@example.com', message: null, code: null },
      });
    }
    const ended = status === 'running' ? null : (history.at(-1)?.['entered'] ?? null);
    const vus = typeof run.options['vus'] === 'number' ? run.options['vus'] : 1;
    return {
      id: run.id,
      test_id: run.loadTestId,
      project_id: run.projectId,
      started_by: 'user@example.com',
      created,
      ended,
      note: '',
      retention_expiry: null,
      cost: null,
      status,
      status_details: history.at(-1),
      status_history: history,
      distribution: [],
      result,
      result_details: null,
      options: run.options,
      k6_dependencies: {},
      k6_versions: {},
      max_vus: vus,
      max_browser_vus: 0,
      estimated_duration: Math.ceil(run.durationMs / 1000),
      execution_duration: Math.floor((Math.min(Date.now(), run.startedAt + run.durationMs) - run.startedAt) / 1000),
      is_starred: false,
    };
  }

  function loadTestModel(test: LoadTest): Record<string, unknown> {
    return {
      id: test.id,
      project_id: test.projectId,
      name: test.name,
      baseline_test_run_id: null,
      created: test.created,
      updated: test.updated,
    };
  }

  function v1Config(ref: string): Record<string, unknown> {
    const config: Record<string, unknown> = { webAppURL: options.webAppUrl ?? 'https://app.k6.io' };
    if (options.testRunDetails !== undefined) config['testRunDetails'] = options.testRunDetails.replaceAll('{ref}', ref);
    return config;
  }

  interface Incoming {
    method: string;
    path: string;
    query: URLSearchParams;
    headers: http.IncomingHttpHeaders;
    body: unknown;
    form: Record<string, string> | undefined;
    archive: RecordedArchive | undefined;
  }

  function route(r: Incoming): Reply {
    const { method, path, headers, body } = r;
    const auth = headers.authorization;
    const stackId = typeof headers['x-stack-id'] === 'string' ? headers['x-stack-id'] : undefined;
    const invalid = (schema: z.ZodType): Reply | undefined => {
      const result = schema.safeParse(body);
      return result.success ? undefined : v1Error(400, 1, `invalid request body: ${result.error.issues.map((i) => i.message).join('; ')}`);
    };
    const v1Auth = (): Reply | undefined => {
      const token = credential(auth, 'Token');
      if (token === undefined || !validTokens.has(token)) return v1Error(401, 2, 'Invalid token');
      if (stackId !== undefined) {
        const slug = slugOf(stackId);
        if (slug === undefined || !mayUse(token, slug)) return v1Error(403, 3, 'Not allowed to access this stack');
      }
      return undefined;
    };
    /** Bearer token, and an X-Stack-Id the token may use (every v6 call but /auth needs one). */
    const v6Auth = (): Reply | undefined => {
      const token = credential(auth, 'Bearer');
      if (token === undefined || !validTokens.has(token)) return v6Error(401, 'unauthenticated', 'Invalid token');
      const slug = slugOf(stackId);
      if (slug === undefined || !mayUse(token, slug)) return v6Error(403, 'forbidden', `stack id ${stackId ?? '(none)'} not accessible`);
      return undefined;
    };
    const key = `${method} ${path}`;
    const param = (pattern: RegExp): string | undefined => pattern.exec(key)?.[1];

    switch (key) {
      case 'POST /v1/login': {
        const bad = invalid(LoginBody);
        if (bad) return bad;
        const { email, password } = LoginBody.parse(body);
        const match = logins.find((l) => l.email === email && l.password === password);
        return match ? { status: 200, body: { token: match.token } } : v1Error(401, 2, 'Invalid email or password');
      }
      case 'POST /v1/validate-token': {
        const bad = invalid(ValidateTokenBody);
        if (bad) return bad;
        const { token } = ValidateTokenBody.parse(body);
        if (options.rejectedTokens?.includes(token) === true) return { status: 200, body: { is_valid: false, message: 'Token is not valid' } };
        if (!validTokens.has(token) || credential(auth, 'Token') !== token) return v1Error(401, 2, 'Invalid token');
        return { status: 200, body: { is_valid: true, message: 'Token is valid' } };
      }
      case 'GET /cloud/v6/auth': {
        const token = credential(auth, 'Bearer');
        if (token === undefined || !validTokens.has(token)) return v6Error(401, 'unauthenticated', 'Invalid token');
        const url = typeof headers['x-stack-url'] === 'string' ? headers['x-stack-url'] : undefined;
        const found = stackByUrl(url);
        if (found === undefined || !mayUse(token, found[0])) {
          return v6Error(403, 'forbidden', `stack ${url ?? '(none)'} not found or not accessible`);
        }
        return { status: 200, body: { stack_id: found[1].stackId, default_project_id: found[1].defaultProjectId } };
      }
      case 'POST /v1/tests': {
        const denied = v1Auth() ?? invalid(CreateTestRunBody);
        if (denied) return denied;
        const ref = newRef();
        const parsed = CreateTestRunBody.parse(body);
        runs.set(ref, { ...startRun(ref, parsed.project_id ?? 0, 0, undefined, undefined), durationMs: parsed.duration * 1000 });
        return { status: 200, body: { reference_id: ref, config: v1Config(ref) } };
      }
      case 'POST /v1/validate-options': {
        const denied = v1Auth() ?? invalid(ValidateOptionsV1Body);
        return denied ?? { status: 200, body: {} };
      }
      case 'POST /v1/archive-upload': {
        const denied = v1Auth();
        if (denied) return denied;
        if (r.form?.['name'] === undefined || r.archive === undefined) return v1Error(400, 1, 'name and an archive file are required');
        const ref = newRef();
        startRun(ref, Number(r.form['project_id'] ?? 0), 0, stackId === undefined ? undefined : Number(stackId), r.archive);
        return { status: 200, body: { reference_id: ref, config: v1Config(ref) } };
      }
      case 'GET /cloud/v6/projects': {
        // `k6 cloud project list` (2.x), and the stack-id check of `k6-persist status --check`.
        const denied = v6Auth();
        if (denied) return denied;
        const stack = stacks.find(([slug]) => slug === slugOf(stackId))![1];
        const created = new Date(0).toISOString();
        const project = { id: stack.defaultProjectId, name: 'Default project', is_default: true, grafana_folder_uid: null, created, updated: created };
        return { status: 200, body: { value: r.query.get('$top') === '0' ? [] : [project] } };
      }
      case 'POST /cloud/v6/validate_options': {
        const denied = v6Auth();
        if (denied) return denied;
        const bad = invalid(ValidateOptionsV6Body);
        return bad ?? { status: 200, body: { vuh_usage: 0, breakdown: {} } };
      }
      default:
        break;
    }

    const finished = param(/^POST \/v1\/tests\/([^/]+)$/);
    if (finished !== undefined) {
      const denied = v1Auth() ?? invalid(TestFinishedBody);
      if (denied) return denied;
      return runs.has(finished) ? { status: 200, body: {} } : v1Error(404, 4, `test run ${finished} not found`);
    }
    const stop = param(/^POST \/v1\/tests\/([^/]+)\/stop$/);
    if (stop !== undefined) {
      const denied = v1Auth();
      if (denied) return denied;
      const run = runs.get(stop);
      if (run === undefined) return v1Error(404, 4, `test run ${stop} not found`);
      run.stopRequestedAt ??= Date.now();
      return { status: 200, body: {} };
    }
    const progressRef = param(/^GET \/v1\/test-progress\/([^/]+)$/);
    if (progressRef !== undefined) {
      const denied = v1Auth();
      if (denied) return denied;
      const run = runs.get(progressRef);
      if (run === undefined) return v1Error(404, 4, `test run ${progressRef} not found`);
      const { status, result } = runState(run);
      const [runStatus, text, resultStatus] = v1Progress(status, result);
      const progress = status === 'running' ? Math.min(1, (Date.now() - run.startedAt) / Math.max(1, run.durationMs)) : 1;
      return { status: 200, body: { progress, run_status: runStatus, run_status_text: text, result_status: resultStatus } };
    }

    const projectTests = param(/^(?:POST|GET) \/cloud\/v6\/projects\/(\d+)\/load_tests$/);
    if (projectTests !== undefined) {
      const denied = v6Auth();
      if (denied) return denied;
      const projectId = Number(projectTests);
      if (method === 'GET') {
        const name = r.query.get('name');
        const found = [...loadTests.values()].filter((t) => t.projectId === projectId && (name === null || t.name === name));
        const top = Number(r.query.get('$top') ?? found.length);
        return { status: 200, body: { value: found.slice(0, top).map(loadTestModel) } };
      }
      const name = r.form?.['name'];
      if (name === undefined || name === '') return v6Error(400, 'error', 'name is required');
      if ([...loadTests.values()].some((t) => t.projectId === projectId && t.name === name)) {
        return v6Error(409, 'conflict', `a load test named "${name}" already exists in project ${projectId}`);
      }
      const now = new Date().toISOString();
      const test: LoadTest = { id: nextId++, projectId, name, archive: r.archive, created: now, updated: now };
      loadTests.set(test.id, test);
      return { status: 201, body: loadTestModel(test) };
    }
    const scriptOf = param(/^PUT \/cloud\/v6\/load_tests\/(\d+)\/script$/);
    if (scriptOf !== undefined) {
      const denied = v6Auth();
      if (denied) return denied;
      const test = loadTests.get(Number(scriptOf));
      if (test === undefined) return v6Error(404, 'not_found', `load test ${scriptOf} not found`);
      test.archive = r.archive;
      test.updated = new Date().toISOString();
      return NO_CONTENT;
    }
    const startOf = param(/^POST \/cloud\/v6\/load_tests\/(\d+)\/start$/);
    if (startOf !== undefined) {
      const denied = v6Auth();
      if (denied) return denied;
      const test = loadTests.get(Number(startOf));
      if (test === undefined) return v6Error(404, 'not_found', `load test ${startOf} not found`);
      const run = startRun(String(nextId++), test.projectId, test.id, Number(stackId), test.archive);
      return { status: 200, body: { ...testRunModel(run), test_run_details_page_url: detailsUrl(run) } };
    }
    const runOf = param(/^GET \/cloud\/v6\/test_runs\/(\d+)$/);
    if (runOf !== undefined) {
      const denied = v6Auth();
      if (denied) return denied;
      const run = runs.get(runOf);
      return run === undefined ? v6Error(404, 'not_found', `test run ${runOf} not found`) : { status: 200, body: testRunModel(run) };
    }
    const abortOf = param(/^POST \/cloud\/v6\/test_runs\/(\d+)\/abort$/);
    if (abortOf !== undefined) {
      const denied = v6Auth();
      if (denied) return denied;
      const run = runs.get(abortOf);
      if (run === undefined) return v6Error(404, 'not_found', `test run ${abortOf} not found`);
      if (runState(run).status !== 'running') return v6Error(409, 'conflict', `test run ${abortOf} has already ended`);
      run.stopRequestedAt ??= Date.now();
      return NO_CONTENT;
    }
    return { status: 404, body: { error: { code: 'not_found', message: `no route for ${method} ${path}` } } };
  }

  function record(entry: RecordedRequest): void {
    requests.push(entry);
    for (const waiter of [...waiters]) {
      if (waiter.test(entry)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(entry);
      }
    }
  }

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    const header = (name: string): string | undefined => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const contentType = header('content-type');
    readBody(req).then(
      (raw) => {
        let body: unknown;
        let form: Record<string, string> | undefined;
        let archive: RecordedArchive | undefined;
        let parsed = true;
        if (contentType?.startsWith('multipart/form-data') === true) {
          form = {};
          for (const part of parseMultipart(raw, contentType)) {
            if (part.filename === undefined) form[part.name] = part.data.toString('utf8');
            else archive = decodeArchive(part.data);
          }
        } else if (contentType === 'application/octet-stream') {
          archive = decodeArchive(raw);
        } else {
          try {
            body = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
          } catch {
            parsed = false;
          }
        }
        const entry: { -readonly [K in keyof RecordedRequest]: RecordedRequest[K] } = {
          method,
          path,
          query,
          at: Date.now(),
          authorization: header('authorization'),
          stackId: header('x-stack-id'),
          stackUrl: header('x-stack-url'),
          userAgent: header('user-agent'),
          idempotencyKey: header('k6-idempotency-key'),
          contentType,
          body,
          ...(form === undefined ? {} : { form }),
          ...(archive === undefined ? {} : { archive }),
          status: 0,
        };
        record(entry);

        const key = `${method} ${path}`;
        const fault = faults.find((f) => f.left > 0 && f.test(key));
        let reply: Reply;
        if (fault !== undefined) {
          fault.left -= 1;
          if (fault.reply === 'reset') {
            req.socket.destroy();
            options.onRequest?.(entry);
            return;
          }
          const status = fault.status ?? 500;
          reply = fault.reply === 'text' ? { status, body: `mock cloud: injected ${status}\n` } : { status, body: { error: { code: 'injected', message: `injected ${status}` } } };
        } else {
          reply = parsed
            ? route({ method, path, query: new URLSearchParams(query), headers: req.headers, body, form, archive })
            : v1Error(400, 1, 'request body is not JSON');
        }
        const answer = (): void => {
          entry.status = reply.status;
          const text = typeof reply.body === 'string';
          res.writeHead(reply.status, reply.body === undefined ? {} : { 'Content-Type': text ? 'text/plain' : 'application/json' });
          res.end(reply.body === undefined ? undefined : text ? (reply.body as string) : JSON.stringify(reply.body));
          options.onRequest?.(entry);
        };
        const delay = delays.find((d) => d.test(key));
        if (delay === undefined) {
          answer();
          return;
        }
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, delay.ms);
        timers.add(timer);
      },
      () => {
        res.writeHead(413, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 1, message: 'request body too large' } }));
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound.port}`,
    bound,
    requests,
    waitFor(match, timeoutMs = 10_000) {
      const test = matcher(match);
      const seen = requests.find((r) => test(`${r.method} ${r.path}`));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`mock cloud: no ${match} within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          test: (r: RecordedRequest) => test(`${r.method} ${r.path}`),
          resolve: (r: RecordedRequest) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        waiters.push(waiter);
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        // A second close (a test's own, then its cleanup's) has nothing left to do.
        if (!server.listening) {
          resolve();
          return;
        }
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
