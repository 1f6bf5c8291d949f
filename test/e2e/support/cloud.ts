// The mock k6 Cloud for end-to-end tests: one per test file, on 127.0.0.1, reached from the
// containers through the host network. Tokens are random per file so that a test passes only
// when exactly the expected token reaches the cloud (a stale or wrong one gets a 401).
import { randomBytes } from 'node:crypto';
import { type MockCloud, type MockCloudOptions, type RecordedRequest, startMockCloud } from '../../mock-cloud/server.ts';

export type { RecordedRequest } from '../../mock-cloud/server.ts';

/** A recognisable token: long enough for k6 2.x to mask it as first 4 + stars + last 4. */
export function makeToken(label: string): string {
  return `${label}_${randomBytes(12).toString('hex')}`;
}

/** How k6 2.x shows a token (docs/k6-behaviour.md): first 4 and last 4 characters from 12 on. */
export function masked(token: string): string {
  return token.length >= 12 ? `${token.slice(0, 4)}${'*'.repeat(token.length - 8)}${token.slice(-4)}` : '*'.repeat(token.length);
}

export interface E2eCloud {
  readonly mock: MockCloud;
  /** K6_CLOUD_HOST and K6_CLOUD_HOST_V6, for a container's environment. */
  readonly env: Record<string, string>;
  /** Requests received since the last clear(). */
  requests(): RecordedRequest[];
  /** The requests for one `METHOD /path`. */
  requestsTo(methodAndPath: string): RecordedRequest[];
  clear(): void;
  close(): Promise<void>;
}

export async function startCloud(options: MockCloudOptions): Promise<E2eCloud> {
  const mock = await startMockCloud(options);
  return {
    mock,
    env: { K6_CLOUD_HOST: mock.url, K6_CLOUD_HOST_V6: mock.url },
    requests: () => [...mock.requests],
    requestsTo: (methodAndPath) => mock.requests.filter((r) => `${r.method} ${r.path}` === methodAndPath),
    // The mock keeps one array for its whole life; emptying it in place keeps the server's view.
    clear: () => {
      mock.requests.length = 0;
    },
    close: () => mock.close(),
  };
}
