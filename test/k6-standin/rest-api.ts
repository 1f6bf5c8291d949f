// k6's REST API during `k6 run` (internal/api): on by default at localhost:6565 in v1.x, off
// in v2.x (GetDefaultFlags Address ""). The address comes from --address, else K6_ADDRESS.
// When the address cannot be bound, k6 only warns ("Error from API server") unless --address
// itself was given, in which case it exits 106 at once; K6_ADDRESS does not count as given.
//
// Only what the k6-operator and wrappers touch is served: GET /v1/status (the operator's
// probes), PATCH /v1/status (its starter; the stand-in's run is never paused, so the answer
// just reflects the request), and `ok` on every other path, as k6's ping handler does.
//
// A test double must never listen beyond the machine: a host that is not a loopback address
// (the operator passes 0.0.0.0:6565) is bound on 127.0.0.1 instead, and a debug line says so.
import http from 'node:http';
import { ExitCode } from './errors.ts';
import { logger } from './output.ts';
import type { RunContext } from './run-plan.ts';
import { FEATURES } from './version.ts';

export interface RestApiStatus {
  vus: number;
  running: boolean;
  stopped: boolean;
  tainted: boolean;
}

export interface RestApi {
  readonly status: RestApiStatus;
  close(): Promise<void>;
}

// lib.ExecutionStatus values.
const STATUS_RUNNING = 7;
const STATUS_ENDED = 9;

export function restApiAddress(ctx: RunContext): string {
  const flag = ctx.inv.flags.string('address');
  if (flag !== undefined) return flag;
  return ctx.env['K6_ADDRESS'] ?? (FEATURES.restApiOnByDefault ? 'localhost:6565' : '');
}

/** net.SplitHostPort, as far as the address forms k6 users write. */
function splitHostPort(address: string): { host: string; port: string } | string {
  const bracketed = /^\[([^\]]*)\]:(\d*)$/.exec(address);
  if (bracketed !== null) return { host: bracketed[1] ?? '', port: bracketed[2] ?? '' };
  const colon = address.lastIndexOf(':');
  if (colon === -1) return `address ${address}: missing port in address`;
  const host = address.slice(0, colon);
  if (host.includes(':')) return `address ${address}: too many colons in address`;
  return { host, port: address.slice(colon + 1) };
}

const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

function body(status: RestApiStatus, vusMax: number): string {
  return JSON.stringify({
    data: {
      type: 'status',
      id: 'default',
      attributes: {
        status: status.running ? STATUS_RUNNING : STATUS_ENDED,
        paused: false,
        vus: status.running ? status.vus : 0,
        'vus-max': vusMax,
        stopped: status.stopped,
        running: status.running,
        tainted: status.tainted,
      },
    },
  });
}

function serve(status: RestApiStatus, vusMax: number, req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  logger.debug(`${req.method ?? 'GET'} ${path}`, { status: '200' });
  if (path === '/v1/status') {
    if (req.method !== 'GET' && req.method !== 'PATCH') {
      res.writeHead(405).end();
      return;
    }
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(body(status, vusMax));
    return;
  }
  if (path.startsWith('/v1/')) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok');
}

/** Starts the API when an address is configured; returns undefined when it is off. */
export function startRestApi(ctx: RunContext, vus: number): RestApi | undefined {
  const address = restApiAddress(ctx);
  if (address === '') return undefined;
  const explicit = ctx.inv.flags.has('address');
  const status: RestApiStatus = { vus, running: false, stopped: false, tainted: false };
  const server = http.createServer((req, res) => serve(status, vus, req, res));

  const fail = (message: string): void => {
    if (explicit) {
      logger.error('Error from API server', { error: message });
      process.exit(ExitCode.CannotStartRESTAPI);
    }
    logger.warn('Error from API server', { error: message });
  };

  logger.debug(`Starting the REST API server on ${address}`);
  const parts = splitHostPort(address);
  if (typeof parts === 'string') {
    // Go reports this from ListenAndServe, i.e. from the server's goroutine, after the run began.
    setImmediate(() => fail(`listen tcp: ${parts}`));
  } else {
    const wanted = parts.host === 'localhost' ? '127.0.0.1' : parts.host;
    const host = isLoopback(wanted) ? wanted : '127.0.0.1';
    if (host !== wanted) logger.debug(`standin: the REST API listens on ${host} instead of ${wanted || 'every interface'}`);
    server.on('error', (err: NodeJS.ErrnoException) => {
      const shown = host.includes(':') ? `[${host}]:${parts.port}` : `${host}:${parts.port}`;
      const reason = err.code === 'EADDRINUSE' ? 'bind: address already in use' : err.code === 'EACCES' ? 'bind: permission denied' : err.message;
      fail(`listen tcp ${shown}: ${reason}`);
    });
    server.listen(Number(parts.port || '0'), host);
  }
  status.running = true;
  return {
    status,
    close: () =>
      new Promise<void>((resolve) => {
        status.running = false;
        if (!server.listening) {
          resolve();
          return;
        }
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
