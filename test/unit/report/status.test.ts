// `k6-persist status` on a real file system: "chosen by" in the same words as the volume line,
// and a pre-v0.58 login hidden by a k6/config.json without a token.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStatus, type StatusReport } from '../../../src/report/status.ts';

const sandbox = mkdtempSync(join(tmpdir(), 'k6p-status-'));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

function statusWith(newFile: string | undefined): { report: StatusReport; legacyPath: string; config: string } {
  const home = mkdtempSync(join(sandbox, 'home-'));
  const config = join(home, '.config');
  mkdirSync(join(config, 'k6'), { recursive: true });
  mkdirSync(join(config, 'loadimpact', 'k6'), { recursive: true });
  if (newFile !== undefined) writeFileSync(join(config, 'k6', 'config.json'), newFile);
  const legacyPath = join(config, 'loadimpact', 'k6', 'config.json');
  writeFileSync(legacyPath, '{"collectors":{"cloud":{"token":"tok_old_login_1234567890"}}}');
  const mountinfo = join(home, 'mountinfo');
  writeFileSync(mountinfo, `1 0 0:1 / / rw - overlay overlay rw\n2 1 8:1 /var/lib/docker/volumes/old/_data ${config} rw - ext4 /dev/vda rw\n`);
  const report = buildStatus({ HOME: home, K6_PERSIST_MOUNTINFO: mountinfo, K6_PERSIST_K6_BIN: '/bin/true' });
  if ('error' in report) throw new Error(report.error);
  return { report, legacyPath, config };
}

describe('buildStatus', () => {
  it('"chosen by" describes the volume in the words of the volume line', () => {
    const { report, config } = statusWith('{}');
    expect(report.volume).toBe('the named volume "old"');
    expect(report.reason).toBe(`the named volume "old" at ${config} holds ${config}/k6/config.json`);
  });

  it('shows an old login hidden by a k6/config.json without a token', () => {
    const { report, legacyPath } = statusWith('{}');
    expect(report.token).toBeNull();
    expect(report.hiddenLegacyLogin).toBe(legacyPath);
  });

  it('shows the old login runs use while k6/config.json is missing, and nothing hidden', () => {
    const { report, legacyPath } = statusWith(undefined);
    expect(report.legacyFile).toBe(legacyPath);
    expect(report.hiddenLegacyLogin).toBeNull();
    expect(report.token).toMatch(/^tok_\*+7890$/);
  });

  it('a bad K6_PERSIST_MOUNTINFO is an error naming it, not an empty table', () => {
    const report = buildStatus({ HOME: sandbox, K6_PERSIST_MOUNTINFO: join(sandbox, 'nope') });
    expect(report).toEqual({ error: expect.stringContaining('K6_PERSIST_MOUNTINFO=') });
  });
});
