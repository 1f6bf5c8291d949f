// A small JSON-over-HTTP client on node:http/https. Errors read like Go's net/http client
// errors (`Post "URL": dial tcp HOST: connect: connection refused`) because that is what
// k6 prints when the cloud cannot be reached.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

export interface JsonResponse {
  readonly status: number;
  readonly text: string;
  /** The parsed body, or undefined when it is not JSON. */
  readonly data: unknown;
}

export interface RequestOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON, unless it is a RawBody. */
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

/** A body sent as it is (multipart forms, archives), with its own Content-Type. */
export class RawBody {
  readonly data: Buffer;
  readonly contentType: string;

  constructor(data: Buffer, contentType: string) {
    this.data = data;
    this.contentType = contentType;
  }
}

const GO_METHOD: Readonly<Record<string, string>> = { GET: 'Get', POST: 'Post', PUT: 'Put', DELETE: 'Delete', PATCH: 'Patch' };
const MAX_BODY = 4 * 1024 * 1024;

function goNetError(method: string, url: URL, err: NodeJS.ErrnoException): Error {
  const prefix = `${GO_METHOD[method] ?? method} ${JSON.stringify(url.toString())}`;
  const host = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return new Error(`${prefix}: dial tcp ${host}: connect: connection refused`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new Error(`${prefix}: dial tcp: lookup ${url.hostname}: no such host`);
    case 'ETIMEDOUT':
      return new Error(`${prefix}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`);
    case 'ECONNRESET':
      // The server closed the connection without answering: Go's client reports a bare EOF.
      return new Error(`${prefix}: EOF`);
    default:
      return new Error(`${prefix}: ${err.message}`);
  }
}

export function requestJson(method: string, target: string, options: RequestOptions = {}): Promise<JsonResponse> {
  const url = new URL(target);
  const transport = url.protocol === 'https:' ? https : http;
  const raw = options.body instanceof RawBody ? options.body : undefined;
  const payload =
    raw !== undefined ? raw.data : options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (payload !== undefined) {
    headers['Content-Type'] = raw?.contentType ?? 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { method, headers, timeout: options.timeoutMs ?? 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          req.destroy(new Error('response body too large'));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let data: unknown;
        try {
          data = text === '' ? undefined : JSON.parse(text);
        } catch {
          data = undefined;
        }
        resolve({ status: res.statusCode ?? 0, text, data });
      });
      res.on('error', (err) => reject(goNetError(method, url, err)));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => reject(goNetError(method, url, err)));
    req.end(payload);
  });
}

export interface FormFile {
  readonly field: string;
  readonly filename: string;
  readonly data: Buffer;
}

/** A multipart/form-data body laid out as Go's mime/multipart writes it. */
export function multipartForm(fields: ReadonlyArray<readonly [string, string]>, files: readonly FormFile[]): RawBody {
  const boundary = randomBytes(30).toString('hex');
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return new RawBody(Buffer.concat(parts), `multipart/form-data; boundary=${boundary}`);
}
