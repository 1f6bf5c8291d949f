// The mock k6 Cloud on its own: routes, validation, recording, and the CLI.
import { execa } from 'execa';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
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
    const res = await call(`${cloud.url}/v1/archive-upload`, 'POST', {}, {});
    expect(res.status).toBe(404);
    expect(cloud.requests).toEqual([expect.objectContaining({ method: 'POST', path: '/v1/archive-upload', status: 404 })]);
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

  it('records method, path, Authorization, X-Stack-Id, X-Stack-Url and the parsed body', async () => {
    const cloud = await mockCloud(options);
    await call(
      `${cloud.url}/cloud/v6/validate_options?x=1`,
      'POST',
      { Authorization: 'Bearer good-token', 'X-Stack-Id': '11', 'X-Stack-Url': 'https://acme.grafana.net' },
      { project_id: 22, options: { vus: 1 } },
    );
    expect(cloud.requests).toEqual([
      {
        method: 'POST',
        path: '/cloud/v6/validate_options',
        authorization: 'Bearer good-token',
        stackId: '11',
        stackUrl: 'https://acme.grafana.net',
        body: { project_id: 22, options: { vus: 1 } },
        status: 200,
      },
    ]);
  });
});

describe('mock cloud CLI', () => {
  it('prints its URL first, then one JSON line per request', async () => {
    const child = execa(
      process.execPath,
      [path.join(REPO, 'test/mock-cloud/cli.ts'), '--port', '0', '--token', 'T', '--stack', 'acme=5:6', '--login', 'a@b.c:p:w:T2'],
      { reject: false, timeout: 20_000 },
    );
    try {
      const seen = await waitForOutput(child, /^http:\/\/127\.0\.0\.1:\d+\n/);
      const url = /^(http:\/\/127\.0\.0\.1:\d+)/.exec(seen)?.[1];
      expect(url).toBeDefined();
      const auth = await call(`${url}/cloud/v6/auth`, 'GET', { Authorization: 'Bearer T', 'X-Stack-Url': 'https://acme.grafana.net' });
      expect(auth.body).toEqual({ stack_id: 5, default_project_id: 6 });
      const login = await call(`${url}/v1/login`, 'POST', {}, { email: 'a@b.c', password: 'p:w' });
      expect(login.body).toEqual({ token: 'T2' });
    } finally {
      child.kill('SIGTERM');
    }
    const result = await child;
    expect(result.exitCode).toBe(0);
    const lines = String(result.stdout).trim().split('\n');
    expect(lines.slice(1).map((l) => (JSON.parse(l) as { path: string }).path)).toEqual(['/cloud/v6/auth', '/v1/login']);
  });
});
