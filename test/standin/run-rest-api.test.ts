// The REST API of `k6 run` (E14): on by default at localhost:6565 in 1.x, off in 2.x; an
// address that cannot be bound is a warning, or exit 106 when --address itself was given; the
// stand-in never listens beyond 127.0.0.1.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { VERSIONS, errorMessages, k6, logLines, spawnK6, tempDir, waitForOutput } from './support.ts';

const V1 = VERSIONS.filter((v) => v.startsWith('1.'));
const V2 = VERSIONS.filter((v) => !v.startsWith('1.'));

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** Holds a port on 127.0.0.1 (0: any free one); rejects when it is taken. */
function hold(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = http.createServer((_req, res) => res.end('not k6'));
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      servers.push(server);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function freePort(): Promise<number> {
  const port = await hold(0);
  const server = servers.pop();
  await new Promise((resolve) => server?.close(resolve));
  return port;
}

async function getJson(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, text: await res.text() };
}

function script(home: string, content: string): string {
  fs.writeFileSync(path.join(home, 'script.js'), content);
  return 'script.js';
}

const BUSY = (port: number, host = '127.0.0.1'): string => `listen tcp ${host}:${port}: bind: address already in use`;

describe.each(VERSIONS)('k6 %s REST API', (version) => {
  it('E14: GET /v1/status answers on the --address during the run', async () => {
    const home = tempDir();
    const port = await freePort();
    const child = spawnK6(version, ['run', '-v', '--address', `127.0.0.1:${port}`, script(home, '// standin: duration=30s\n// standin: vus=7\n')], { home });
    try {
      await waitForOutput(child, /Trapping interrupt signals/);
      const status = await getJson(`http://127.0.0.1:${port}/v1/status`);
      expect(status.status).toBe(200);
      expect(JSON.parse(status.text)).toEqual({
        data: { type: 'status', id: 'default', attributes: { status: 7, paused: false, vus: 7, 'vus-max': 7, stopped: false, running: true, tainted: false } },
      });
      expect(await getJson(`http://127.0.0.1:${port}/ping`)).toEqual({ status: 200, text: 'ok' });
    } finally {
      child.kill('SIGKILL');
      await child;
    }
  });

  it('E14: an explicit --address that is taken: "Error from API server" and exit 106', async () => {
    const home = tempDir();
    const port = await hold(0);
    const result = await k6(version, ['run', '--address', `127.0.0.1:${port}`, script(home, '// standin: duration=5s\n')], { home });
    expect(result.exitCode).toBe(106);
    expect(logLines(result.stderr)).toContainEqual({ level: 'error', msg: 'Error from API server', fields: { error: BUSY(port) } });
  });

  it('E14: the same address from K6_ADDRESS is only a warning: the run goes on', async () => {
    const home = tempDir();
    const port = await hold(0);
    const result = await k6(version, ['run', script(home, '')], { home, env: { K6_ADDRESS: `127.0.0.1:${port}` } });
    expect(result.exitCode).toBe(0);
    expect(logLines(result.stderr)).toContainEqual({ level: 'warning', msg: 'Error from API server', fields: { error: BUSY(port) } });
    expect(errorMessages(result.stderr)).toEqual([]);
  });

  it('E14: a non-loopback --address (the operator\'s 0.0.0.0:6565 form) is served on 127.0.0.1 only', async () => {
    const home = tempDir();
    const port = await freePort();
    const child = spawnK6(version, ['run', '-v', `--address=0.0.0.0:${port}`, script(home, '// standin: duration=30s\n')], { home });
    try {
      await waitForOutput(child, /Trapping interrupt signals/);
      expect((await getJson(`http://127.0.0.1:${port}/v1/status`)).status).toBe(200);
      const listening = fs
        .readFileSync('/proc/net/tcp', 'utf8')
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter((cols) => cols[3] === '0A' && cols[1]?.endsWith(`:${port.toString(16).toUpperCase().padStart(4, '0')}`))
        .map((cols) => cols[1]);
      expect(listening).toEqual([`0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`]);
    } finally {
      child.kill('SIGKILL');
      await child;
    }
  });
});

describe.each(V1)('k6 %s REST API default', (version) => {
  it('E14: 1.x listens on localhost:6565 by default', async () => {
    // Other 1.x runs of this suite may hold 6565 for a while; wait for a turn, bounded.
    for (let attempt = 0; attempt < 15; attempt++) {
      const home = tempDir();
      const child = spawnK6(version, ['run', '-v', script(home, '// standin: duration=30s\n// standin: vus=9\n')], { home });
      try {
        const seen = await waitForOutput(child, /Trapping interrupt signals/);
        expect(seen).toContain('Starting the REST API server on localhost:6565');
        // Only this run has 9 VUs: anything else answering is another run holding the port.
        const status = await getJson('http://127.0.0.1:6565/v1/status').catch(() => undefined);
        if (status?.text.includes('"vus":9,') === true) return;
      } finally {
        child.kill('SIGKILL');
        await child;
      }
      await sleep(1000);
    }
    throw new Error('no stand-in 1.x run of this test got localhost:6565 in 15 attempts');
  }, 120_000);

  it('E14: a second 1.x k6 on the same machine only warns when 6565 is taken', async () => {
    // The port is held by this test or, if another run of the suite already has it, by that one.
    for (let attempt = 0; attempt < 40; attempt++) {
      try {
        await hold(6565);
        break;
      } catch {
        if (attempt === 39) break;
        await sleep(250);
      }
    }
    const home = tempDir();
    const result = await k6(version, ['run', script(home, '')], { home });
    expect(result.exitCode).toBe(0);
    expect(logLines(result.stderr)).toContainEqual({ level: 'warning', msg: 'Error from API server', fields: { error: BUSY(6565) } });
    expect(result.stdout).toContain('TOTAL RESULTS');
  }, 30_000);
});

describe.each(V2)('k6 %s REST API default', (version) => {
  it('E14: 2.x has no REST API unless an address is given', async () => {
    const home = tempDir();
    const result = await k6(version, ['run', '-v', script(home, '')], { home });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain('Starting the REST API server');
    expect(result.stderr).not.toContain('Error from API server');
  });
});
