// A local stand-in for the k6 Cloud APIs that k6 calls first in each flow (see
// docs/k6-behaviour.md). It records every request so tests can assert what "k6" sent, and
// answers like the real services: a JSON error body with a non-2xx status for bad tokens,
// unknown stacks or malformed bodies, 404 for any other path. It listens on 127.0.0.1 only.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface MockStack {
  readonly stackId: number;
  readonly defaultProjectId: number;
}

export interface MockLogin {
  readonly email: string;
  readonly password: string;
  readonly token: string;
}

export interface MockCloudOptions {
  /** Tokens the API accepts. Tokens handed out by `logins` are accepted too. */
  readonly tokens?: readonly string[];
  /** Stacks by slug; a stack's URL is https://<slug>.grafana.net. */
  readonly stacks?: Readonly<Record<string, MockStack>>;
  /** Email/password pairs POST /v1/login accepts, and the token each one gets. */
  readonly logins?: readonly MockLogin[];
  /** What POST /v1/tests answers as reference_id (default "1"). */
  readonly referenceId?: string;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Called after each request has been answered (the CLI prints it). */
  readonly onRequest?: (request: RecordedRequest) => void;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly authorization: string | undefined;
  readonly stackId: string | undefined;
  readonly stackUrl: string | undefined;
  /** The parsed JSON body; undefined when there was none or it was not JSON. */
  readonly body: unknown;
  /** Status the mock answered with. */
  readonly status: number;
}

export interface MockCloud {
  /** Base URL, e.g. http://127.0.0.1:40123, for both K6_CLOUD_HOST and K6_CLOUD_HOST_V6. */
  readonly url: string;
  /** Where the socket is actually bound (server.address()), not just what the URL says. */
  readonly bound: AddressInfo;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

const LoginBody = z.object({ email: z.string(), password: z.string() });
const ValidateTokenBody = z.object({ token: z.string() });
const CreateTestRunBody = z.object({
  name: z.string(),
  vus: z.number().int(),
  duration: z.number().int(),
  thresholds: z.record(z.string(), z.array(z.string())),
  project_id: z.number().int().optional(),
});
const ValidateOptionsV1Body = z.object({ options: z.record(z.string(), z.unknown()) });
const ValidateOptionsV6Body = z.object({ project_id: z.number().int(), options: z.record(z.string(), z.unknown()) });

interface Reply {
  status: number;
  body: unknown;
}

/** The v1 API's error shape, which k6 prints as "(401/E2) message". */
const v1Error = (status: number, code: number, message: string): Reply => ({ status, body: { error: { code, message } } });
/** The v6 API's error shape. */
const v6Error = (status: number, code: string, message: string): Reply => ({ status, body: { error: { code, message } } });

function credential(header: string | undefined, scheme: 'Token' | 'Bearer'): string | undefined {
  const prefix = `${scheme} `;
  return header?.startsWith(prefix) === true ? header.slice(prefix.length) : undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
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
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startMockCloud(options: MockCloudOptions = {}): Promise<MockCloud> {
  const logins = options.logins ?? [];
  const validTokens = new Set([...(options.tokens ?? []), ...logins.map((l) => l.token)]);
  const stacks = Object.entries(options.stacks ?? {});
  const stackByUrl = (url: string | undefined): MockStack | undefined =>
    stacks.find(([slug]) => url?.replace(/\/+$/, '') === `https://${slug}.grafana.net`)?.[1];
  const knownStackId = (id: string | undefined): boolean => stacks.some(([, s]) => String(s.stackId) === id);
  const requests: RecordedRequest[] = [];

  function route(method: string, path: string, headers: http.IncomingHttpHeaders, body: unknown): Reply {
    const auth = headers.authorization;
    const stackId = typeof headers['x-stack-id'] === 'string' ? headers['x-stack-id'] : undefined;
    const invalid = (schema: z.ZodType): Reply | undefined => {
      const result = schema.safeParse(body);
      return result.success ? undefined : v1Error(400, 1, `invalid request body: ${result.error.issues.map((i) => i.message).join('; ')}`);
    };
    const v1Auth = (): Reply | undefined => {
      const token = credential(auth, 'Token');
      if (token === undefined || !validTokens.has(token)) return v1Error(401, 2, 'Invalid token');
      if (stackId !== undefined && !knownStackId(stackId)) return v1Error(403, 3, 'Not allowed to access this stack');
      return undefined;
    };
    const v6Auth = (): Reply | undefined => {
      const token = credential(auth, 'Bearer');
      if (token === undefined || !validTokens.has(token)) return v6Error(401, 'unauthenticated', 'Invalid token');
      return undefined;
    };

    switch (`${method} ${path}`) {
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
        if (!validTokens.has(token) || credential(auth, 'Token') !== token) return v1Error(401, 2, 'Invalid token');
        return { status: 200, body: { is_valid: true, message: 'Token is valid' } };
      }
      case 'GET /cloud/v6/auth': {
        const denied = v6Auth();
        if (denied) return denied;
        const url = typeof headers['x-stack-url'] === 'string' ? headers['x-stack-url'] : undefined;
        const stack = stackByUrl(url);
        if (stack === undefined) return v6Error(403, 'forbidden', `stack ${url ?? '(none)'} not found or not accessible`);
        return { status: 200, body: { stack_id: stack.stackId, default_project_id: stack.defaultProjectId } };
      }
      case 'POST /v1/tests': {
        const denied = v1Auth() ?? invalid(CreateTestRunBody);
        if (denied) return denied;
        const referenceId = options.referenceId ?? '1';
        return { status: 200, body: { reference_id: referenceId, config: { webAppURL: 'https://app.k6.io', testRunDetails: '' } } };
      }
      case 'POST /v1/validate-options': {
        const denied = v1Auth() ?? invalid(ValidateOptionsV1Body);
        return denied ?? { status: 200, body: {} };
      }
      case 'POST /cloud/v6/validate_options': {
        const denied = v6Auth();
        if (denied) return denied;
        if (!knownStackId(stackId)) return v6Error(403, 'forbidden', `stack id ${stackId ?? '(none)'} not accessible`);
        const bad = invalid(ValidateOptionsV6Body);
        return bad ?? { status: 200, body: { vuh_usage: 0, breakdown: {} } };
      }
      default:
        return { status: 404, body: { error: { code: 'not_found', message: `no route for ${method} ${path}` } } };
    }
  }

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    readBody(req).then(
      (text) => {
        let body: unknown;
        let parsed = true;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          parsed = false;
        }
        const reply = parsed ? route(method, path, req.headers, body) : v1Error(400, 1, 'request body is not JSON');
        const header = (name: string): string | undefined => {
          const value = req.headers[name];
          return typeof value === 'string' ? value : undefined;
        };
        const record: RecordedRequest = {
          method,
          path,
          authorization: header('authorization'),
          stackId: header('x-stack-id'),
          stackUrl: header('x-stack-url'),
          body,
          status: reply.status,
        };
        requests.push(record);
        res.writeHead(reply.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(reply.body));
        options.onRequest?.(record);
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
