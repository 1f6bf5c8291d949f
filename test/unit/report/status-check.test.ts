// `k6-persist status --check`: the request k6 would make for these credentials, what each answer
// means (exit 0 valid, 1 rejected, 2 missing, 3 unreachable), one bounded call against the mock
// cloud, and no call at all without --check.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkCredentials } from '../../../src/check/check.ts';
import { classifyAnswer, missingOutcome, type Answer } from '../../../src/check/classify.ts';
import { checkRequest, normalizeStackURL } from '../../../src/check/request.ts';
import { send } from '../../../src/check/send.ts';
import { resolveCredentials, type CredentialInput } from '../../../src/credentials/provenance.ts';
import { statusCommand } from '../../../src/report/status.ts';
import { type MockCloud, startMockCloud } from '../../mock-cloud/server.ts';

const TOKEN = 'tok_valid_0123456789';
const WRONG = 'tok_wrong_0123456789';
const PATH = '/config/config.json';

function credentials(env: Record<string, string>, cloud?: Record<string, unknown>, hosts = 'http://127.0.0.1:9') {
  const input: CredentialInput = { env: { K6_CLOUD_HOST: hosts, K6_CLOUD_HOST_V6: hosts, ...env } };
  if (cloud) Object.assign(input, { config: { collectors: { cloud } }, configPath: PATH });
  return resolveCredentials(input);
}

describe('checkRequest: what k6 sends', () => {
  it('a saved login: k6\'s login validation, GET /cloud/v6/auth with Bearer and X-Stack-Url', () => {
    const request = checkRequest(credentials({}, { token: TOKEN, stackID: 42, stackURL: 'https://s.grafana.net' }, 'http://h'));
    expect(request).toMatchObject({
      kind: 'v6-auth',
      method: 'GET',
      url: 'http://h/cloud/v6/auth',
      headers: { Authorization: `Bearer ${TOKEN}`, 'X-Stack-Url': 'https://s.grafana.net' },
    });
    expect(request?.headers['X-Stack-Id']).toBeUndefined();
  });

  it('the v6 host from the file\'s hostv6 when K6_CLOUD_HOST_V6 is unset', () => {
    const request = checkRequest(resolveCredentials({ env: {}, config: { collectors: { cloud: { token: TOKEN, stackURL: 'https://s.grafana.net', hostv6: 'http://file6' } } } }));
    expect(request?.url).toBe('http://file6/cloud/v6/auth');
    expect(checkRequest(resolveCredentials({ env: { K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_STACK_URL: 'https://s.grafana.net' } }))?.url).toBe('https://api.k6.io/cloud/v6/auth');
  });

  it('a stack id without its URL (K6_CLOUD_STACK_ID, a stack-only ConfigMap): X-Stack-Id, as k6\'s cloud commands send it', () => {
    for (const creds of [
      credentials({ K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_STACK_ID: '43' }, { token: 'x', stackID: 42, stackURL: 'https://s.grafana.net' }, 'http://h'),
      credentials({ K6_CLOUD_TOKEN: TOKEN }, { stackID: 43 }, 'http://h'),
    ]) {
      const request = checkRequest(creds);
      expect(request).toMatchObject({ kind: 'v6-projects', method: 'GET', headers: { Authorization: `Bearer ${TOKEN}`, 'X-Stack-Id': '43' } });
      expect(request?.url).toMatch(/^http:\/\/h\/cloud\/v6\/projects\?/);
      expect(request?.headers['X-Stack-Url']).toBeUndefined();
    }
  });

  it('no stack: k6\'s stackless login, POST /v1/validate-token with Token on K6_CLOUD_HOST', () => {
    const request = checkRequest(credentials({ K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_HOST: 'http://v1' }));
    expect(request).toMatchObject({ kind: 'v1-validate-token', method: 'POST', url: 'http://v1/v1/validate-token', headers: { Authorization: `Token ${TOKEN}` } });
    expect(JSON.parse(request?.body ?? '')).toEqual({ token: TOKEN });
  });

  it('no token: nothing to send', () => {
    expect(checkRequest(credentials({ K6_CLOUD_STACK_ID: '42' }))).toBeUndefined();
  });

  it.each([
    ['my-team', 'https://my-team.grafana.net'],
    ['my-team.grafana.net', 'https://my-team.grafana.net'],
    ['https://my-team.grafana.net/', 'https://my-team.grafana.net'],
    ['https://my-team.grafana.net/a/k6-app', 'https://my-team.grafana.net'],
    ['http://localhost:3000/x', 'http://localhost:3000'],
  ])('the stack URL %s is sent as %s (normalizeStackURL)', (input, sent) => {
    expect(normalizeStackURL(input)).toBe(sent);
  });
});

describe('classifyAnswer', () => {
  const saved = credentials({}, { token: TOKEN, stackID: 42, stackURL: 'https://s.grafana.net' }, 'http://h');
  const v6 = checkRequest(saved)!;
  const v1 = checkRequest(credentials({ K6_CLOUD_TOKEN: TOKEN }, undefined, 'http://h'))!;
  const json = (status: number, body: unknown): Answer => ({ kind: 'response', status, body: JSON.stringify(body) });

  it.each([
    ['200 from /cloud/v6/auth', v6, json(200, { stack_id: 42, default_project_id: 7 }), 'valid', 0, /^valid: k6 Cloud accepts the token tok_\*+6789 \(from \/config\/config\.json\) for stack https:\/\/s\.grafana\.net/],
    ['401', v6, json(401, { error: { code: 'unauthenticated', message: 'Invalid token' } }), 'rejected', 1, /^rejected: .*HTTP 401: Invalid token.* log in again/],
    ['403', v6, json(403, { error: { code: 'forbidden', message: 'no' } }), 'rejected', 1, /^rejected: .*use stack https:\/\/s\.grafana\.net .*HTTP 403: no.*another stack/],
    ['v1 200 is_valid true', v1, json(200, { is_valid: true }), 'valid', 0, /^valid: .*no stack is set/],
    ['v1 200 is_valid false (a revoked token)', v1, json(200, { is_valid: false, message: 'Token is not valid' }), 'rejected', 1, /^rejected: /],
    ['500', v6, json(500, { error: { message: 'boom' } }), 'unreachable', 3, /^unreachable: http:\/\/h answered HTTP 500: boom, not a verdict/],
    ['404 from something that is not k6 Cloud', v6, { kind: 'response', status: 404, body: '<html>' }, 'unreachable', 3, /HTTP 404, not a verdict.*K6_CLOUD_HOST_V6/],
    ['no answer in time', v6, { kind: 'timeout', seconds: 7 }, 'unreachable', 3, /^unreachable: no answer from http:\/\/h within 7 s\..*--timeout/],
    ['refused', v1, { kind: 'network', code: 'ECONNREFUSED' }, 'unreachable', 3, /^unreachable: cannot reach http:\/\/h \(ECONNREFUSED\).*K6_CLOUD_HOST\./],
    ['a token no header can carry', v6, { kind: 'unsendable' }, 'rejected', 1, /HTTP header cannot carry/],
  ] as const)('%s: %s, exit %i', (_name, request, answer, result, exitCode, reason) => {
    const outcome = classifyAnswer(request, saved, answer);
    expect(outcome).toMatchObject({ result, exitCode });
    expect(outcome.reason).toMatch(reason);
    expect(outcome.reason).not.toContain('\n');
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });

  it('the server\'s message is shown with the token masked, and cut short', () => {
    const outcome = classifyAnswer(v6, saved, json(401, { error: { message: `bad ${TOKEN} ${'x'.repeat(500)}` } }));
    expect(outcome.reason).not.toContain(TOKEN);
    expect(outcome.reason).toContain('tok_');
    expect(outcome.reason.length).toBeLessThan(500);
  });

  it('the request is reported without its credentials', () => {
    expect(classifyAnswer(v6, saved, json(200, {})).request).toEqual({ method: 'GET', url: 'http://h/cloud/v6/auth', stack: 'X-Stack-Url: https://s.grafana.net' });
  });

  it('missing: exit 2, naming where a token may come from', () => {
    expect(missingOutcome(credentials({}, {}))).toMatchObject({ result: 'missing', exitCode: 2, reason: expect.stringMatching(/K6_CLOUD_TOKEN, K6_CLOUD_TOKEN_FILE or \/config\/config\.json/) });
    const conflict = resolveCredentials({ env: { K6_CLOUD_TOKEN: TOKEN }, tokenFile: { path: '/t', content: TOKEN } });
    expect(missingOutcome(conflict).reason).toMatch(/both set/);
  });

  it('checkCredentials sends nothing when there is no token', async () => {
    const sender = vi.fn();
    expect((await checkCredentials(credentials({}), 10, sender)).result).toBe('missing');
    expect(sender).not.toHaveBeenCalled();
  });
});

describe('against the mock cloud', () => {
  let cloud: MockCloud;
  beforeAll(async () => {
    cloud = await startMockCloud({
      tokens: [TOKEN],
      stacks: { s: { stackId: 42, defaultProjectId: 7 }, other: { stackId: 43, defaultProjectId: 8 } },
      tokenStacks: { [TOKEN]: ['s'] },
      delays: [{ match: 'POST /v1/validate-token', ms: 3_000 }],
    });
  });
  afterAll(() => cloud.close());

  it.each([
    ['the saved login', {}, { token: TOKEN, stackID: 42, stackURL: 'https://s.grafana.net' }, 'valid', 'GET /cloud/v6/auth'],
    ['an unknown token', { K6_CLOUD_TOKEN: WRONG }, { token: TOKEN, stackURL: 'https://s.grafana.net' }, 'rejected', 'GET /cloud/v6/auth'],
    ['a stack URL the token may not use', {}, { token: TOKEN, stackURL: 'https://other.grafana.net' }, 'rejected', 'GET /cloud/v6/auth'],
    ['its stack id', { K6_CLOUD_STACK_ID: '42' }, { token: TOKEN }, 'valid', 'GET /cloud/v6/projects'],
    ['another stack id', { K6_CLOUD_STACK_ID: '43' }, { token: TOKEN }, 'rejected', 'GET /cloud/v6/projects'],
  ] as const)('%s: %s', async (_name, env, cloudSection, result, call) => {
    const before = cloud.requests.length;
    const outcome = await checkCredentials(credentials(env, cloudSection, cloud.url), 10);
    expect(outcome.result, outcome.reason).toBe(result);
    expect(cloud.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([call]);
  });

  it('an answer held back beyond the timeout is unreachable, within about the timeout', async () => {
    const started = Date.now();
    const outcome = await checkCredentials(credentials({ K6_CLOUD_TOKEN: TOKEN }, undefined, cloud.url), 1);
    expect(outcome.result).toBe('unreachable');
    expect(outcome.reason).toMatch(/within 1 s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('a closed port is unreachable at once', async () => {
    const closed = await startMockCloud();
    await closed.close();
    const answer = await send(checkRequest(credentials({ K6_CLOUD_TOKEN: TOKEN }, undefined, closed.url))!, 5);
    expect(answer).toEqual({ kind: 'network', code: 'ECONNREFUSED' });
  });

  describe('statusCommand', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6p-status-check-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    async function status(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ collectors: { cloud: { token: TOKEN, stackID: 42, stackURL: 'https://s.grafana.net' } } }));
      const saved = { ...process.env };
      Object.assign(process.env, { K6_PERSIST_DIR: dir, K6_PERSIST_K6_BIN: '/bin/true', K6_CLOUD_HOST: cloud.url, K6_CLOUD_HOST_V6: cloud.url });
      delete process.env['K6_CLOUD_TOKEN'];
      delete process.env['K6_CLOUD_TOKEN_FILE'];
      let stdout = '';
      let stderr = '';
      const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
      const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
      try {
        return { code: await statusCommand(args), stdout, stderr };
      } finally {
        out.mockRestore();
        err.mockRestore();
        process.env = saved;
      }
    }

    it('plain status sends no request; --check sends exactly one and reports it', async () => {
      const before = cloud.requests.length;
      for (const args of [['status'], ['status', '--json']]) {
        const plain = await status(args);
        expect(plain.code, plain.stderr).toBe(0);
        if (args.includes('--json')) expect(JSON.parse(plain.stdout)).not.toHaveProperty('check');
        else expect(plain.stdout).not.toMatch(/^check\s/m);
      }
      expect(cloud.requests.length).toBe(before);
      const checked = await status(['status', '--check', '--json']);
      expect(checked.code, checked.stderr).toBe(0);
      expect(JSON.parse(checked.stdout).check).toMatchObject({ result: 'valid', stackID: 42, httpStatus: 200 });
      expect(cloud.requests.length).toBe(before + 1);
      const text = await status(['status', '--check']);
      expect(text.stdout).toMatch(/^check\s+valid: k6 Cloud accepts the token tok_\*+6789/m);
    });

    it('an unknown argument is a usage error with 255, not one of --check\'s verdicts', async () => {
      const result = await status(['status', '--chek']);
      expect(result.code).toBe(255);
      expect(result.stderr).toMatch(/k6-persist: Unknown argument: chek/);
    });

    it.each([['0'], ['-1'], ['601'], ['soon']])('--timeout %s is refused with 255, sending nothing', async (value) => {
      const before = cloud.requests.length;
      const result = await status(['status', '--check', '--timeout', value]);
      expect(result.code).toBe(255);
      expect(result.stderr).toMatch(/--timeout must be a number of seconds above 0 and at most 600/);
      expect(cloud.requests.length).toBe(before);
    });
  });
});
