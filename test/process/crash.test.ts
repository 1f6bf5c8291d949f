// The wrapper killed (SIGKILL) at each point of a login save leaves the file old or new, never
// truncated; the next login cleans up what the dead one left (temp file, lock).
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, runWrapper, scratch, startWrapper, waitForOutput } from './support.ts';
import { lockPathFor } from '../../src/config/lock.ts';
import { utimesSync } from 'node:fs';

const OLD = `${JSON.stringify({ keep: 'me', collectors: { cloud: { token: 'old-token-0000000000' } } }, null, 2)}\n`;
const NEW_TOKEN = 'new-token-1111111111';

// What each step has done when the pause hits it (src/config/atomic-write.ts): the content the
// file must have after the kill, and what the dead process leaves next to it.
const STEPS = [
  { point: 'locked', content: 'old', leftovers: ['lock'] },
  { point: 'write', content: 'old', leftovers: ['lock', 'temp'] },
  { point: 'sync', content: 'old', leftovers: ['lock', 'temp'] },
  { point: 'rename', content: 'old', leftovers: ['lock', 'temp'] },
  { point: 'verify', content: 'new', leftovers: ['lock'] },
] as const;

describe.each(STEPS)('SIGKILL while the login save is paused at $point', ({ point, content, leftovers }) => {
  it(`leaves the ${content} file complete, and the next login recovers`, async () => {
    const dir = scratch('k6p-crash-');
    const home = join(dir, 'home');
    const vol = join(dir, 'vol');
    mkdirSync(home);
    mkdirSync(vol);
    const path = join(vol, 'config.json');
    writeFileSync(path, OLD);
    const env = { ...baseEnv(home, join(dir, 'report.json')), K6_PERSIST_DIR: vol, FAKE_K6_LOGIN_TOKEN: NEW_TOKEN };

    const { child } = await startWrapper(['cloud', 'login', '--token', NEW_TOKEN], { ...env, K6_PERSIST_PAUSE_AT: point });
    await waitForOutput(child.stderr!, `paused at ${point}`);
    child.kill('SIGKILL');
    await child;

    const text = readFileSync(path, 'utf8');
    const parsed = JSON.parse(text) as { keep: string; collectors: { cloud: { token: string } } };
    expect(parsed.keep).toBe('me');
    expect(parsed.collectors.cloud.token).toBe(content === 'old' ? 'old-token-0000000000' : NEW_TOKEN);
    const lockName = lockPathFor(path).split('/').at(-1);
    const left = readdirSync(vol)
      .filter((name) => name !== 'config.json')
      .map((name) => (name === lockName ? 'lock' : name.includes('.k6-persist-') && name.endsWith('.tmp') ? 'temp' : name));
    expect(left.sort()).toEqual([...leftovers].sort());

    // The dead process's lock is stale once older than 10 s (README); age it instead of waiting.
    if (existsSync(lockPathFor(path))) {
      const old = (Date.now() - 11_000) / 1000;
      utimesSync(lockPathFor(path), old, old);
    }
    const again = await runWrapper(['cloud', 'login', '--token', NEW_TOKEN], env);
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8')).collectors.cloud.token).toBe(NEW_TOKEN);
    expect(readdirSync(vol)).toEqual(['config.json']);
  });
});
