// Soak (issue 5): 200 login/run cycles on one volume leave no growth: the volume keeps exactly
// one file, of a constant size and mode 0600, and the wrapper's temp directory stays empty.
// On the host with the real bundle and a k6 double: 400 container starts would not fit the
// time budget of two cores (test/e2e/reliability/soak.test.ts does a short container soak).
import { statSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runWrapper } from '../support.ts';
import { cloudOf, list, modeOf, readJson, sandbox, removeSandboxes } from './support.ts';

const CYCLES = 200;


afterAll(removeSandboxes);
describe('soak: login/run cycles on one volume (host, real bundle)', () => {
  it(`${CYCLES} cycles leave one file of constant size, 0600, and an empty temp directory`, async () => {
    const box = sandbox('k6p-soak-');
    writeFileSync(box.config, JSON.stringify({ keep: 'me', collectors: { influxdb: { addr: 'x' } } }));
    const sizes = new Set<number>();
    const started = Date.now();
    for (let cycle = 0; cycle < CYCLES; cycle += 1) {
      // Same-length tokens, alternating: a growing file would be growth, not a longer token.
      const token = `tok-soak-${cycle % 2}-${'x'.repeat(20)}`;
      const login = await runWrapper(['cloud', 'login', '--token', token], { ...box.env, FAKE_K6_LOGIN_TOKEN: token });
      expect(login.exitCode, `cycle ${cycle} login: ${login.stderr}`).toBe(0);
      const run = await runWrapper(['run', 'script.js'], box.env);
      expect(run.exitCode, `cycle ${cycle} run: ${run.stderr}`).toBe(0);

      expect(list(box.vol), `cycle ${cycle}`).toEqual(['config.json']);
      expect(list(box.tmp), `cycle ${cycle}`).toEqual([]);
      expect(modeOf(box.config)).toBe(0o600);
      expect(cloudOf(box.config)['token']).toBe(token);
      sizes.add(statSync(box.config).size);
    }
    // One size for every cycle once the first login has shaped the file.
    expect([...sizes]).toHaveLength(1);
    expect(readJson(box.config)['keep']).toBe('me');
    expect(list(box.home)).toEqual([]);
    // Not a performance test, but a regression that made each cycle slow would show here.
    expect(Date.now() - started).toBeLessThan(240_000);
  }, 300_000);
});
