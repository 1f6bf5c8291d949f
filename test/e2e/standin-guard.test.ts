// The e2e suite's global set-up refuses images that are not built on the k6 stand-in.
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { imageFor, plainImageFor } from './support/containers.ts';
import { assertBuiltOnStandIn } from './support/standin-guard.ts';

const impostor = `k6p-e2e-not-standin:${process.pid}`;

describe('the stand-in guard', () => {
  afterAll(() => {
    execFileSync('docker', ['image', 'rm', '-f', impostor], { stdio: 'ignore' });
  });

  it('accepts the test images', () => {
    expect(() => assertBuiltOnStandIn([plainImageFor('2.2.0'), imageFor('1.8.1')])).not.toThrow();
  });

  it('refuses an image whose k6 is not the stand-in, and one that cannot run', () => {
    // A k6 that answers `version` like a real one would.
    execFileSync('docker', ['build', '--network', 'none', '-q', '-t', impostor, '-'], {
      input: `FROM ${plainImageFor('2.2.0')}\nENTRYPOINT ["sh", "-c", "echo 'k6 v2.2.0 (commit/0123abc, go1.24.6, linux/amd64)'", "--"]\n`,
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    expect(() => assertBuiltOnStandIn([impostor])).toThrow(/is not built on the k6 stand-in.*commit\/0123abc/);
    expect(() => assertBuiltOnStandIn(['k6p-e2e-no-such-image:none'])).toThrow(/cannot run .*Build the test images first/);
  });
});
