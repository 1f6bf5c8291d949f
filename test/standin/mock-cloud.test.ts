// The mock k6 Cloud on its own: routes, validation, recording, and the CLI.
import { execa } from 'execa';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeArchive } from '../k6-standin/archive.ts';
import { multipartForm } from '../k6-standin/http.ts';
import { REPO, mockCloud, waitForOutput } from './support.ts';

async function call(url: string, method: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

const options = {
  tokens: ['good-token'],
  stacks: { acme: { stackId: 11, defaultProjectId: 22 } },
  logins: [{ email: 'a@example.com', password: 'pw', token: 'login-token' }],
};

describe('startMockCloud', () => {
  it('listens on 127.0.0.1 only', async () => {
    const cloud = await mockCloud(options);
    expect(cloud.bound).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    expect(new URL(cloud.url).port).toBe(String(cloud.bound.port));
  });

  it('answers 404 for any other path, and records it', async () => {
    const cloud = await mockCloud(options);
    const res = await call(`${cloud.url}/v1/metrics-push`, 'POST', {}, {});
    expect(res.status).toBe(404);
    expect(cloud.requests).toEqual([expect.objectContaining({ method: 'POST', path: '/v1/metrics-push', status: 404 })]);
  });

  it('POST /v1/login trades known credentials for a token, and refuses others with a k6-style 401', async () => {
    const cloud = await mockCloud(options);
    expect(await call(`${cloud.url}/v1/login`, 'POST', {}, { email: 'a@example.com', password: 'pw' })).toEqual({
      status: 200,
      body: { token: 'login-token' },
    });
    const refused = await call(`${cloud.url}/v1/login`, 'POST', {}, { email: 'a@example.com', password: 'no' });
    expect(refused).toEqual({ status: 401, body: { error: { code: 2, message: 'Invalid email or password' } } });
  });

  it('POST /v1/validate-token needs the token in the body and the Token header', async () => {
    const cloud = await mockCloud(options);
    const ok = await call(`${cloud.url}/v1/validate-token`, 'POST', { Authorization: 'Token good-token' }, { token: 'good-token' });
    expect(ok).toMatchObject({ status: 200, body: { is_valid: true } });
    const bad = await call(`${cloud.url}/v1/validate-token`, 'POST', { Authorization: 'Token nope' }, { token: 'nope' });
    expect(bad.status).toBe(401);
  });

  it('GET /cloud/v6/auth resolves a stack URL for a Bearer token', async () => {
    const cloud = await mockCloud(options);
    const headers = { Authorization: 'Bearer good-token', 'X-Stack-Url': 'https://acme.grafana.net' };
    expect(await call(`${cloud.url}/cloud/v6/auth`, 'GET', headers)).toEqual({
      status: 200,
      body: { stack_id: 11, default_project_id: 22 },
    });
    expect((await call(`${cloud.url}/cloud/v6/auth`, 'GET', { ...headers, 'X-Stack-Url': 'https://other.grafana.net' })).status).toBe(403);
    expect((await call(`${cloud.url}/cloud/v6/auth`, 'GET', { ...headers, Authorization: 'Token good-token' })).status).toBe(401);
  });

  it('POST /v1/tests validates the body with zod and answers reference_id', async () => {
    const cloud = await mockCloud({ ...options, referenceId: 'ref-9' });
    const auth = { Authorization: 'Token good-token' };
    const good = await call(`${cloud.url}/v1/tests`, 'POST', auth, { name: 't', vus: 1, duration: 1, thresholds: {} });
    expect(good).toMatchObject({ status: 200, body: { reference_id: 'ref-9' } });
    const bad = await call(`${cloud.url}/v1/tests`, 'POST', auth, { name: 't' });
    expect(bad.status).toBe(400);
    expect((await call(`${cloud.url}/v1/tests`, 'POST', auth, '{broken')).status).toBe(400);
  });

  it('rejects an unknown X-Stack-Id on the v1 and v6 APIs', async () => {
    const cloud = await mockCloud(options);
    const v1 = await call(`${cloud.url}/v1/validate-options`, 'POST', { Authorization: 'Token good-token', 'X-Stack-Id': '999' }, { options: {} });
    expect(v1.status).toBe(403);
    const v6 = await call(
      `${cloud.url}/cloud/v6/validate_options`,
      'POST',
      { Authorization: 'Bearer good-token', 'X-Stack-Id': '999' },
      { project_id: 1, options: {} },
    );
    expect(v6.status).toBe(403);
    const ok = await call(
      `${cloud.url}/cloud/v6/validate_options`,
      'POST',
      { Authorization: 'Bearer good-token', 'X-Stack-Id': '11' },
      { project_id: 1, options: {} },
    );
    expect(ok.status).toBe(200);
  });

  it('records method, path, query, arrival time, the headers k6 sets and the parsed body', async () => {
    const cloud = await mockCloud(options);
    const before = Date.now();
    await call(
      `${cloud.url}/cloud/v6/validate_options?x=1`,
      'POST',
      {
        Authorization: 'Bearer good-token',
        'X-Stack-Id': '11',
        'X-Stack-Url': 'https://acme.grafana.net',
        'User-Agent': 'k6cloud/2.2.0',
        'K6-Idempotency-Key': 'abc',
      },
      { project_id: 22, options: { vus: 1 } },
    );
    expect(cloud.requests).toEqual([
      {
        method: 'POST',
        path: '/cloud/v6/validate_options',
        query: 'x=1',
        at: expect.any(Number),
        authorization: 'Bearer good-token',
        stackId: '11',
        stackUrl: 'https://acme.grafana.net',
        userAgent: 'k6cloud/2.2.0',
        idempotencyKey: 'abc',
        contentType: 'application/json',
        body: { project_id: 22, options: { vus: 1 } },
        status: 200,
      },
    ]);
    expect(cloud.requests[0]?.at).toBeGreaterThanOrEqual(before);
  });
});

/** Any request; the answer's status and raw text (204s and text bodies included). */
async function send(url: string, method: string, headers: Record<string, string> = {}, body?: string | Buffer) {
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(5000) });
  return { status: res.status, text: await res.text() };
}

function archiveOf(script: string, options: Record<string, unknown>): Buffer {
  return writeArchive([
    { name: 'metadata.json', content: JSON.stringify({ type: 'js', options }) },
    { name: 'data', content: script },
  ]);
}

const V1_AUTH = { Authorization: 'Token good-token', 'Content-Type': 'application/json' };
const V6_AUTH = { Authorization: 'Bearer good-token', 'X-Stack-Id': '11' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startMockCloud: what k6 does after the first call (audit section D)', () => {
  it('D13 (mock): faults answer the first N matching requests, then it answers normally; every attempt is recorded', async () => {
    const cloud = await mockCloud({ ...options, faults: [{ match: 'POST /v1/tests', times: 2, status: 503 }] });
    const body = JSON.stringify({ name: 't', vus: 1, duration: 1, thresholds: {} });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(`${cloud.url}/v1/tests`, 'POST', V1_AUTH, body)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(cloud.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('D13 (mock): a text fault has a non-JSON body, a 429 is a fault like any other, a reset drops the connection (status 0)', async () => {
    const cloud = await mockCloud({
      ...options,
      faults: [
        { match: 'GET /cloud/v6/test_runs/*', times: 1, status: 500, reply: 'text' },
        { match: 'POST /cloud/v6/validate_options', times: 1, status: 429 },
        { match: 'POST /v1/validate-options', times: 1, reply: 'reset' },
      ],
    });
    const text = await send(`${cloud.url}/cloud/v6/test_runs/1`, 'GET', V6_AUTH);
    expect(text.status).toBe(500);
    expect(() => JSON.parse(text.text) as unknown).toThrow();
    expect((await send(`${cloud.url}/cloud/v6/validate_options`, 'POST', V6_AUTH, '{}')).status).toBe(429);
    await expect(send(`${cloud.url}/v1/validate-options`, 'POST', V1_AUTH, '{"options":{}}')).rejects.toThrow();
    expect(cloud.requests.map((r) => r.status)).toEqual([500, 429, 0]);
  });

  it('delays hold an answer back while waitFor already sees the request', async () => {
    const cloud = await mockCloud({ ...options, delays: [{ match: 'POST /v1/validate-options', ms: 800 }] });
    const started = Date.now();
    const answer = send(`${cloud.url}/v1/validate-options`, 'POST', V1_AUTH, '{"options":{}}');
    const seen = await cloud.waitFor('POST /v1/validate-options');
    expect(seen.status).toBe(0);
    expect((await answer).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(seen.status).toBe(200);
  });

  it('after close() the cloud is unreachable: connections are refused', async () => {
    const cloud = await mockCloud(options);
    await cloud.close();
    await expect(send(`${cloud.url}/v1/tests`, 'POST', V1_AUTH, '{}')).rejects.toThrow();
  });

  it('D1/D17 (mock): POST /v1/tests sends webAppURL back and testRunDetails only when configured; POST /v1/tests/<ref> finishes', async () => {
    const body = JSON.stringify({ name: 't', vus: 1, duration: 1, thresholds: {} });
    const plain = await mockCloud(options);
    const created = JSON.parse((await send(`${plain.url}/v1/tests`, 'POST', V1_AUTH, body)).text) as Record<string, unknown>;
    expect(created).toEqual({ reference_id: '1', config: { webAppURL: 'https://app.k6.io' } });
    const finished = await send(`${plain.url}/v1/tests/1`, 'POST', V1_AUTH, JSON.stringify({ result_status: 0, run_status: 3, thresholds: {} }));
    expect(finished.status).toBe(200);
    expect((await send(`${plain.url}/v1/tests/1`, 'POST', V1_AUTH, '{}')).status).toBe(400);
    const detailed = await mockCloud({ ...options, testRunDetails: 'https://acme.grafana.net/runs/{ref}' });
    expect(JSON.parse((await send(`${detailed.url}/v1/tests`, 'POST', V1_AUTH, body)).text)).toMatchObject({
      config: { testRunDetails: 'https://acme.grafana.net/runs/1' },
    });
  });

  it('D1 (mock): POST /v1/tests without Authorization is a 401', async () => {
    const cloud = await mockCloud(options);
    const res = await send(`${cloud.url}/v1/tests`, 'POST', { 'Content-Type': 'application/json' }, '{"name":"t","vus":1,"duration":1,"thresholds":{}}');
    expect(res).toEqual({ status: 401, text: JSON.stringify({ error: { code: 2, message: 'Invalid token' } }) });
  });

  it('D8 (mock): a v1 cloud run: archive-upload starts it, test-progress follows it, stop aborts it', async () => {
    const cloud = await mockCloud({ ...options, runDurationMs: 60_000 });
    const form = multipartForm([['name', 'x.js'], ['project_id', '22']], [{ field: 'file', filename: 'archive.tar', data: archiveOf('// x', { vus: 2 }) }]);
    const upload = await send(`${cloud.url}/v1/archive-upload`, 'POST', { Authorization: 'Token good-token', 'Content-Type': form.contentType }, form.data);
    expect(JSON.parse(upload.text)).toEqual({ reference_id: '1', config: { webAppURL: 'https://app.k6.io' } });
    expect(cloud.requests[0]).toMatchObject({ form: { name: 'x.js', project_id: '22' }, archive: { options: { vus: 2 }, script: '// x' } });
    const progress = async () => JSON.parse((await send(`${cloud.url}/v1/test-progress/1`, 'GET', V1_AUTH)).text) as Record<string, unknown>;
    expect(await progress()).toMatchObject({ run_status: 2, run_status_text: 'Running', result_status: 0 });
    expect((await send(`${cloud.url}/v1/tests/1/stop`, 'POST', V1_AUTH)).status).toBe(200);
    expect(await progress()).toMatchObject({ run_status: 5, run_status_text: 'Aborted (by user)', result_status: 1 });
  });

  it.each([
    ['// standin: duration=50ms\n', [3, 'Finished', 0]],
    ['// standin: duration=50ms\n// standin: thresholds=fail\n', [3, 'Finished', 1]],
    ['// standin: duration=50ms\n// standin: exit=108\n', [7, 'Aborted (script error)', 1]],
  ])('D8 (mock): a v1 run of %j ends as its directives say', async (script, [runStatus, text, resultStatus]) => {
    const cloud = await mockCloud(options);
    const form = multipartForm([['name', 'x.js']], [{ field: 'file', filename: 'archive.tar', data: archiveOf(script, { duration: '50ms' }) }]);
    await send(`${cloud.url}/v1/archive-upload`, 'POST', { Authorization: 'Token good-token', 'Content-Type': form.contentType }, form.data);
    await sleep(100);
    const progress = JSON.parse((await send(`${cloud.url}/v1/test-progress/1`, 'GET', V1_AUTH)).text) as Record<string, unknown>;
    expect(progress).toMatchObject({ run_status: runStatus, run_status_text: text, result_status: resultStatus });
  });

  it('D8 (mock): a v6 cloud run: upload (409 for a taken name), find by name, replace the script, start, poll, abort', async () => {
    const cloud = await mockCloud({ ...options, runDurationMs: 60_000 });
    const form = () => multipartForm([['name', 'x.js']], [{ field: 'script', filename: 'script', data: archiveOf('// x', { vus: 3 }) }]);
    const create = async () => {
      const f = form();
      return send(`${cloud.url}/cloud/v6/projects/22/load_tests`, 'POST', { ...V6_AUTH, 'Content-Type': f.contentType }, f.data);
    };
    const first = await create();
    expect(first.status).toBe(201);
    expect(JSON.parse(first.text)).toMatchObject({ id: 1, project_id: 22, name: 'x.js', baseline_test_run_id: null });
    const again = await create();
    expect(again.status).toBe(409);
    expect(JSON.parse(again.text)).toMatchObject({ error: { code: 'conflict' } });
    const found = JSON.parse((await send(`${cloud.url}/cloud/v6/projects/22/load_tests?name=x.js&%24top=1`, 'GET', V6_AUTH)).text) as { value: unknown[] };
    expect(found.value).toEqual([expect.objectContaining({ id: 1, name: 'x.js' })]);
    const put = await send(`${cloud.url}/cloud/v6/load_tests/1/script`, 'PUT', { ...V6_AUTH, 'Content-Type': 'application/octet-stream' }, archiveOf('// y', { vus: 4 }));
    expect(put.status).toBe(204);
    const started = JSON.parse((await send(`${cloud.url}/cloud/v6/load_tests/1/start`, 'POST', V6_AUTH)).text) as Record<string, unknown>;
    expect(started).toMatchObject({ id: 2, test_id: 1, status: 'running', result: null, max_vus: 4, test_run_details_page_url: 'https://acme.grafana.net/a/k6-app/runs/2' });
    expect((await send(`${cloud.url}/cloud/v6/test_runs/2/abort`, 'POST', V6_AUTH)).status).toBe(204);
    const aborted = JSON.parse((await send(`${cloud.url}/cloud/v6/test_runs/2`, 'GET', V6_AUTH)).text) as Record<string, unknown>;
    expect(aborted).toMatchObject({ status: 'aborted', result: 'error' });
    expect(aborted['status_history']).toContainEqual(expect.objectContaining({ type: 'aborted', extra: expect.objectContaining({ by_user: 'user@example.com' }) }));
    expect((await send(`${cloud.url}/cloud/v6/test_runs/2/abort`, 'POST', V6_AUTH)).status).toBe(409);
  });

  it('D8 (mock): the v6 run model has every property the OpenAPI client requires', async () => {
    const cloud = await mockCloud(options);
    const f = multipartForm([['name', 'x.js']], [{ field: 'script', filename: 'script', data: archiveOf('// x', {}) }]);
    await send(`${cloud.url}/cloud/v6/projects/22/load_tests`, 'POST', { ...V6_AUTH, 'Content-Type': f.contentType }, f.data);
    const run = JSON.parse((await send(`${cloud.url}/cloud/v6/load_tests/1/start`, 'POST', V6_AUTH)).text) as Record<string, unknown>;
    const required = ['id', 'test_id', 'project_id', 'started_by', 'created', 'ended', 'note', 'retention_expiry', 'cost', 'status', 'status_details', 'status_history', 'distribution', 'result', 'result_details', 'options', 'k6_dependencies', 'k6_versions', 'max_vus', 'max_browser_vus', 'estimated_duration', 'execution_duration', 'is_starred', 'test_run_details_page_url'];
    expect(required.filter((key) => !(key in run))).toEqual([]);
  });

  it('the v6 endpoints answer 401 for an unknown token and 403 for a stack the token cannot reach', async () => {
    const cloud = await mockCloud({ ...options, tokens: ['good-token', 'narrow-token'], tokenStacks: { 'narrow-token': [] } });
    const paths: Array<[string, string]> = [
      ['POST', '/cloud/v6/validate_options'],
      ['POST', '/cloud/v6/projects/22/load_tests'],
      ['POST', '/cloud/v6/load_tests/1/start'],
      ['GET', '/cloud/v6/test_runs/1'],
      ['POST', '/cloud/v6/test_runs/1/abort'],
    ];
    for (const [method, p] of paths) {
      expect((await send(`${cloud.url}${p}`, method, { Authorization: 'Bearer nope', 'X-Stack-Id': '11' })).status, p).toBe(401);
      expect((await send(`${cloud.url}${p}`, method, { Authorization: 'Bearer narrow-token', 'X-Stack-Id': '11' })).status, p).toBe(403);
      expect((await send(`${cloud.url}${p}`, method, { Authorization: 'Bearer good-token', 'X-Stack-Id': '999' })).status, p).toBe(403);
    }
    const auth = await send(`${cloud.url}/cloud/v6/auth`, 'GET', { Authorization: 'Bearer narrow-token', 'X-Stack-Url': 'https://acme.grafana.net' });
    expect(auth.status).toBe(403);
  });

  it('POST /v1/validate-token answers is_valid: false for a rejected token', async () => {
    const cloud = await mockCloud({ ...options, rejectedTokens: ['old-token'] });
    const res = await send(`${cloud.url}/v1/validate-token`, 'POST', { Authorization: 'Token old-token' }, '{"token":"old-token"}');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ is_valid: false });
  });
});

describe('mock cloud CLI', () => {
  it('prints its URL first, then one JSON line per request', async () => {
    const child = execa(
      process.execPath,
      [
        path.join(REPO, 'test/mock-cloud/cli.ts'),
        ...['--port', '0', '--token', 'T', '--stack', 'acme=5:6', '--login', 'a@b.c:p:w:T2', '--fault', 'POST /v1/login=503x1:text'],
      ],
      { reject: false, timeout: 20_000 },
    );
    try {
      const seen = await waitForOutput(child, /^http:\/\/127\.0\.0\.1:\d+\n/);
      const url = /^(http:\/\/127\.0\.0\.1:\d+)/.exec(seen)?.[1];
      expect(url).toBeDefined();
      const auth = await call(`${url}/cloud/v6/auth`, 'GET', { Authorization: 'Bearer T', 'X-Stack-Url': 'https://acme.grafana.net' });
      expect(auth.body).toEqual({ stack_id: 5, default_project_id: 6 });
      const injected = await send(`${url}/v1/login`, 'POST', { 'Content-Type': 'application/json' }, '{"email":"a@b.c","password":"p:w"}');
      expect(injected.status).toBe(503);
      const login = await call(`${url}/v1/login`, 'POST', {}, { email: 'a@b.c', password: 'p:w' });
      expect(login.body).toEqual({ token: 'T2' });
    } finally {
      child.kill('SIGTERM');
    }
    const result = await child;
    expect(result.exitCode).toBe(0);
    const lines = String(result.stdout).trim().split('\n');
    expect(lines.slice(1).map((l) => (JSON.parse(l) as { path: string }).path)).toEqual(['/cloud/v6/auth', '/v1/login', '/v1/login']);
  });
});
