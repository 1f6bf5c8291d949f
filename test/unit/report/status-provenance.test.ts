// `k6-persist status` says, for the token, stack id, stack URL and project id, what k6 will use
// and where it comes from: the token masked with its fingerprint, an overridden saved value named.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildStatus, type StatusReport } from '../../../src/report/status.ts';
import { shownLine } from '../../../src/credentials/view.ts';

const SAVED = 'tok_saved_0123456789';
const SECRET = 'tok_secret_987654321';
const sandbox = mkdtempSync(join(tmpdir(), 'k6p-status-prov-'));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));
const sha12 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

function status(env: Record<string, string>): StatusReport {
  const vol = mkdtempSync(join(sandbox, 'vol-'));
  writeFileSync(join(vol, 'config.json'), JSON.stringify({ collectors: { cloud: { token: SAVED, stackID: 42, stackURL: 'https://s.grafana.net', defaultProjectID: 7 } } }));
  const report = buildStatus({ K6_PERSIST_DIR: vol, K6_PERSIST_K6_BIN: '/bin/true', ...env });
  if ('error' in report) throw new Error(report.error);
  return report;
}

it('the saved login: every value from the file, the token masked with its fingerprint', () => {
  const { credentials, token } = status({});
  expect(credentials.token).toEqual({ value: 'tok_************6789', source: 'config', shadowed: false, fingerprint: sha12(SAVED) });
  expect(credentials.stackID).toEqual({ value: 42, source: 'config', shadowed: false });
  expect(credentials.stackURL).toEqual({ value: 'https://s.grafana.net', source: 'config', shadowed: false });
  expect(credentials.projectID).toEqual({ value: 7, source: 'config', shadowed: false });
  expect(token).toBe('tok_************6789');
});

it('a token file shadows the saved token: both masked, both fingerprinted, never in full', () => {
  const secret = join(sandbox, 'secret');
  writeFileSync(secret, `${SECRET}\n`);
  const report = status({ K6_CLOUD_TOKEN_FILE: secret, K6_CLOUD_STACK_ID: '43', K6_CLOUD_STACK_URL: 'https://other.grafana.net' });
  expect(report.credentials.token).toMatchObject({ source: 'token-file', from: secret, shadowed: true, fingerprint: sha12(SECRET), savedFingerprint: sha12(SAVED) });
  expect(report.credentials.stackID).toMatchObject({ value: 43, source: 'env', shadowed: true, saved: 42 });
  expect(report.credentials.stackURL).toMatchObject({ source: 'config', ignored: 'K6_CLOUD_STACK_URL' });
  expect(JSON.stringify(report)).not.toContain(SECRET);
  expect(JSON.stringify(report)).not.toContain(SAVED);
});

it('empty variables are ignored, as k6 ignores them', () => {
  const { credentials } = status({ K6_CLOUD_TOKEN: '', K6_CLOUD_STACK_ID: '', K6_CLOUD_PROJECT_ID: '' });
  expect([credentials.token.source, credentials.stackID.source, credentials.projectID.source]).toEqual(['config', 'config', 'config']);
});

it('a text line names the source and what it overrides', () => {
  expect(shownLine({ value: 43, source: 'env', from: 'K6_CLOUD_STACK_ID', shadowed: true, saved: 42 }, '/c.json')).toBe('43 (from K6_CLOUD_STACK_ID; overrides 42 in /c.json)');
  expect(shownLine({ value: 'u', source: 'config', shadowed: false, ignored: 'K6_CLOUD_STACK_URL' }, '/c.json')).toBe('u (from /c.json; K6_CLOUD_STACK_URL is ignored because the file has one)');
  expect(shownLine({ value: null, source: 'none', shadowed: false }, '/c.json')).toBe('(none)');
});
