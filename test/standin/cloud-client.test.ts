// The two cloud clients (D13): retries on connection errors, 5xx and 429 (v1: 3 attempts;
// v6: 4 in 2.x, 1 in 1.8.1), 500 ms apart; their error texts; and their User-Agent.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../mock-cloud/server.ts';
import { STACK, TOKEN, VERSIONS, type Version, cloudEnv, errorMessages, k6, standardCloud, tempDir, writeJson } from './support.ts';

const configOf = (home: string) => path.join(home, '.config', 'k6', 'config.json');
const FIRST_AND_LAST = [VERSIONS[0], VERSIONS[VERSIONS.length - 1]].filter((v): v is Version => v !== undefined);
const V2 = VERSIONS.filter((v) => !v.startsWith('1.'));

function script(home: string): string {
  fs.writeFileSync(path.join(home, 'script.js'), '');
  return 'script.js';
}

/** Milliseconds between consecutive requests. */
const gaps = (requests: readonly RecordedRequest[]): number[] => requests.slice(1).map((r, i) => r.at - (requests[i]?.at ?? r.at));

describe.each(FIRST_AND_LAST)('k6 %s: the v1 client (run -o cloud)', (version) => {
  const runOut = async (faults: Parameters<typeof standardCloud>[0]) => {
    const home = tempDir();
    const cloud = await standardCloud(faults);
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], { home, env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN } });
    return { result, created: cloud.requests.filter((r) => r.path === '/v1/tests'), cloud };
  };

  it.each([
    ['503', { status: 503 }],
    ['429', { status: 429 }],
    ['a dropped connection', { reply: 'reset' as const }],
  ])('D13: retries after %s, 500 ms apart, and succeeds on the third attempt', async (_label, fault) => {
    const { result, created } = await runOut({ faults: [{ match: 'POST /v1/tests', times: 2, ...fault }] });
    expect(result.exitCode).toBe(0);
    expect(created).toHaveLength(3);
    for (const gap of gaps(created)) expect(gap).toBeGreaterThanOrEqual(450);
  });

  it('D13: gives up after 3 attempts: `unexpected HTTP error from URL: 500 Internal Server Error`', async () => {
    const { result, created, cloud } = await runOut({ faults: [{ match: 'POST /v1/tests', times: 10, reply: 'text' }] });
    expect(result.exitCode).toBe(255);
    expect(created).toHaveLength(3);
    expect(errorMessages(result.stderr)).toEqual([`unexpected HTTP error from ${cloud.url}/v1/tests: 500 Internal Server Error`]);
  });

  it.each([
    [401, 'failed to authenticate with k6 Cloud'],
    [403, 'not allowed to upload result to k6 Cloud'],
  ])('D13: a %i without a JSON error body reads `%s` (lower case), with no retry', async (status, message) => {
    const { result, created } = await runOut({ faults: [{ match: 'POST /v1/tests', times: 10, status, reply: 'text' }] });
    expect(result.exitCode).toBe(255);
    expect(created).toHaveLength(1);
    expect(errorMessages(result.stderr)).toEqual([message]);
  });

  it('D13: an unreachable cloud: 3 attempts 500 ms apart, then Go\'s "connection refused" error', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    await cloud.close();
    const started = Date.now();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], { home, env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN } });
    expect(result.exitCode).toBe(255);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const port = new URL(cloud.url).port;
    expect(errorMessages(result.stderr)).toEqual([`Post "${cloud.url}/v1/tests": dial tcp 127.0.0.1:${port}: connect: connection refused`]);
  });

  it('D13: User-Agent is k6cloud/<version> without a "v", and POSTs carry a K6-Idempotency-Key', async () => {
    const { result, created } = await runOut({});
    expect(result.exitCode).toBe(0);
    expect(created[0]?.userAgent).toBe(`k6cloud/${version}`);
    expect(created[0]?.idempotencyKey).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe.each(V2)('k6 %s: the v6 client (cloud run)', (version) => {
  const cloudRun = async (options: Parameters<typeof standardCloud>[0], stackId: number = STACK.stackId) => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN, stackID: stackId, defaultProjectID: STACK.defaultProjectId } } });
    const cloud = await standardCloud(options);
    const result = await k6(version, ['cloud', 'run', '-q', script(home)], { home, env: cloudEnv(cloud) });
    return { result, validations: cloud.requests.filter((r) => r.path === '/cloud/v6/validate_options'), cloud };
  };

  it('D13: retries a 5xx up to 4 attempts, 500 ms apart', async () => {
    const { result, validations } = await cloudRun({ faults: [{ match: 'POST /cloud/v6/validate_options', times: 3, status: 502 }] });
    expect(result.exitCode).toBe(0);
    expect(validations).toHaveLength(4);
    for (const gap of gaps(validations)) expect(gap).toBeGreaterThanOrEqual(450);
  });

  it('D13: after 4 failed attempts the error is `(<status>/<code>) <message>`', async () => {
    const { result, validations } = await cloudRun({ faults: [{ match: 'POST /cloud/v6/validate_options', times: 10, status: 503 }] });
    expect(result.exitCode).toBe(255);
    expect(validations).toHaveLength(4);
    expect(errorMessages(result.stderr)).toEqual(['(503/injected) injected 503']);
  });

  it('D13: a stack the token cannot use is a `(403/forbidden) ...` error', async () => {
    const { result } = await cloudRun({ tokenStacks: { [TOKEN]: [] } });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toEqual([`(403/forbidden) stack id ${STACK.stackId} not accessible`]);
  });

  it('D13: User-Agent is k6cloud/<version> on the v6 API too', async () => {
    const { result, cloud } = await cloudRun({});
    expect(result.exitCode).toBe(0);
    expect(new Set(cloud.requests.map((r) => r.userAgent))).toEqual(new Set([`k6cloud/${version}`]));
  });
});

describe('k6 1.8.1: the v6 client and token validation', () => {
  it('D13: 1.8.1\'s v6 client makes a single attempt (MaxRetries left at 0)', async () => {
    const home = tempDir();
    const cloud = await standardCloud({ faults: [{ match: 'GET /cloud/v6/auth', times: 1, status: 503 }] });
    const result = await k6('1.8.1', ['cloud', 'login', '--token', TOKEN, '--stack', STACK.slug], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(255);
    expect(cloud.requests.filter((r) => r.path === '/cloud/v6/auth')).toHaveLength(1);
  });

  it('D13: a token the cloud says is not valid: `your API token is invalid - ...`', async () => {
    const home = tempDir();
    const cloud = await standardCloud({ rejectedTokens: ['revoked-token'] });
    const result = await k6('1.8.1', ['cloud', 'login', '--token', 'revoked-token'], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr).join('\n')).toContain(
      'your API token is invalid - please, consult the documentation for instructions on how to generate a new one:\n' +
        'https://grafana.com/docs/grafana-cloud/testing/k6/author-run/tokens-and-cli-authentication',
    );
  });
});
