// The one network call of `k6-persist status --check`: send the request, wait at most the given
// time for the whole answer, and always leave nothing open (no keep-alive agent, the socket
// destroyed on timeout), so the command ends as soon as it has its verdict.
import http from 'node:http';
import https from 'node:https';
import type { Answer } from './classify.ts';
import type { CheckRequest } from './request.ts';

/** Enough for any verdict; a larger body is not k6 Cloud's answer to these calls. */
const MAX_BODY = 64 * 1024;

export function send(request: CheckRequest, timeoutSeconds: number): Promise<Answer> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout', seconds: timeoutSeconds }), timeoutSeconds * 1000);
    let req: http.ClientRequest | undefined;
    try {
      const url = new URL(request.url);
      const client = url.protocol === 'https:' ? https : http;
      req = client.request(url, { method: request.method, headers: request.headers, agent: false });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'ERR_INVALID_URL';
      finish(code === 'ERR_INVALID_CHAR' ? { kind: 'unsendable' } : { kind: 'network', code });
      return;
    }
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => finish({ kind: 'response', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'network', code: error.code ?? 'ECONNRESET' }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'network', code: error.code ?? 'ECONNRESET' }));
    req.end(request.body);
  });
}
