// What happens to a config file that is already in the volume: a login keeps everything k6
// would drop, --show and --reset act on the volume, a read-only volume serves runs but refuses
// logins, and a broken file is reported and left exactly as it was.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ContainerSpec, imageFor, runOnce } from './support/containers.ts';
import { type E2eCloud, makeToken, masked } from './support/cloud.ts';
import {
  cloudOf,
  hostFile,
  jsonOf,
  listDir,
  seedVolume,
  show,
  tokenLeaks,
  viewFile,
  volumeDir,
  wrapperLines,
} from './support/observe.ts';
import { Resources } from './support/resources.ts';
import { useCloudAndScripts } from './support/lifecycle.ts';

const TOKEN = makeToken('content');
const OLD_TOKEN = makeToken('oldtoken');
const STACK = 'e2e-content';
const STACK_ID = 5404;
const PROJECT_ID = 74;
const IMAGE = imageFor('2.2.0');

let cloud: E2eCloud;
let scripts: string;
const res = new Resources();

useCloudAndScripts({ tokens: [TOKEN, OLD_TOKEN], stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: PROJECT_ID } } }, res, (c, s) => {
  cloud = c;
  scripts = s;
});

function container(volume: string, command: string[], extra: Partial<ContainerSpec> = {}, mode: 'rw' | 'ro' = 'rw') {
  return runOnce({
    image: IMAGE,
    command,
    env: cloud.env,
    mounts: [{ source: volume, target: '/config', mode }, { source: scripts, target: '/scripts', mode: 'ro' }],
    ...extra,
  });
}

/** A user's config: keys k6 does not know, another collector, and an unknown key inside cloud. */
const EXISTING = {
  teamNotes: { owner: 'perf-team', ticket: 'PERF-1234' },
  collectors: {
    influxdb: { addr: 'http://influx.internal:8086', db: 'k6', tagsAsFields: ['vu', 'iter'] },
    cloud: { name: 'nightly', customCloudSetting: 'keep-me' },
  },
  vus: 5,
};

/** A config already holding a login (as a previous container left it). */
const LOGGED_IN = {
  teamNotes: 'keep',
  collectors: {
    cloud: { token: OLD_TOKEN, stackID: STACK_ID, stackURL: `https://${STACK}.grafana.net`, defaultProjectID: PROJECT_ID },
  },
};

describe('an existing config in the volume', () => {
  it('a login keeps unknown top-level keys, the influxdb collector and unknown cloud keys', async () => {
    const volume = await res.volume();
    const path = await seedVolume(volume, 'config.json', `${JSON.stringify(EXISTING, null, 2)}\n`);
    const login = await container(volume, ['cloud', 'login', '--token', TOKEN, '--stack', STACK]);
    expect(login.exitCode, show(login)).toBe(0);
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);

    const after = jsonOf(viewFile(path));
    // Only collectors.cloud changed: no key was dropped, and none of k6's nulls were added.
    expect(Object.keys(after).sort()).toEqual(Object.keys(EXISTING).sort());
    expect(after['teamNotes']).toEqual(EXISTING.teamNotes);
    expect(after['vus']).toBe(5);
    expect((after['collectors'] as Record<string, unknown>)['influxdb']).toEqual(EXISTING.collectors.influxdb);
    expect(cloudOf(after)).toMatchObject({
      name: 'nightly',
      customCloudSetting: 'keep-me',
      token: TOKEN,
      stackID: STACK_ID,
      defaultProjectID: PROJECT_ID,
    });
    expect(viewFile(path)?.mode.toString(8)).toBe('600');
  });

  it('cloud login --show prints the stored token masked and changes nothing', async () => {
    const volume = await res.volume();
    const path = await seedVolume(volume, 'config.json', `${JSON.stringify(LOGGED_IN, null, 2)}\n`);
    const before = readFileSync(path);
    const outcome = await container(volume, ['cloud', 'login', '--show']);
    expect(outcome.exitCode, show(outcome)).toBe(0);
    expect(outcome.stdout).toContain(`token: ${masked(OLD_TOKEN)}`);
    expect(outcome.stdout).toContain(`stack-id: ${STACK_ID}`);
    expect(outcome.stdout + outcome.stderr).not.toContain(OLD_TOKEN);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('cloud login --reset clears the token and stack on the volume and keeps the rest', async () => {
    const volume = await res.volume();
    const path = await seedVolume(volume, 'config.json', `${JSON.stringify(LOGGED_IN, null, 2)}\n`);
    const outcome = await container(volume, ['cloud', 'login', '--reset']);
    expect(outcome.exitCode, show(outcome)).toBe(0);
    expect(tokenLeaks(outcome, [OLD_TOKEN])).toEqual([]);
    const after = jsonOf(viewFile(path));
    expect(after['teamNotes']).toBe('keep');
    const stored = cloudOf(after);
    expect(stored['token'] ?? null).toBeNull();
    expect(stored['stackID'] ?? null).toBeNull();

    // And a run afterwards really has no token any more.
    const run = await container(volume, ['cloud', 'run', '/scripts/test.js']);
    expect(run.exitCode, show(run)).toBe(255);
    expect(run.stderr).toContain('access token not configured');
    expect(cloud.requestsTo('POST /cloud/v6/validate_options')).toEqual([]);
  });
});

describe('a failed login', () => {
  it('a token the cloud rejects: k6\'s error and exit code come through, the stored login stays', async () => {
    const volume = await res.volume();
    const path = await seedVolume(volume, 'config.json', `${JSON.stringify(LOGGED_IN, null, 2)}\n`);
    const before = readFileSync(path);
    const wrong = makeToken('rejected');
    const login = await container(volume, ['cloud', 'login', '--token', wrong, '--stack', STACK]);
    expect(login.exitCode, show(login)).toBe(255);
    expect(login.stderr).toContain('Invalid token');
    expect(cloud.requestsTo('GET /cloud/v6/auth').map((r) => [r.authorization, r.status])).toEqual([[`Bearer ${wrong}`, 401]]);
    expect(tokenLeaks(login, [wrong, OLD_TOKEN])).toEqual([]);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});

describe('a read-only volume (:ro)', () => {
  it('runs use its token', async () => {
    const volume = await res.volume();
    await seedVolume(volume, 'config.json', `${JSON.stringify(LOGGED_IN, null, 2)}\n`);
    const cloudRun = await container(volume, ['cloud', 'run', '/scripts/test.js'], {}, 'ro');
    expect(cloudRun.exitCode, show(cloudRun)).toBe(0);
    const runOut = await container(volume, ['run', '-o', 'cloud', '/scripts/test.js'], {}, 'ro');
    expect(runOut.exitCode, show(runOut)).toBe(0);
    // Each run goes on past its first call (upload, start, poll; the finish of run -o cloud):
    // the first call of each, exactly, and no other token anywhere.
    expect(cloud.requestsTo('POST /cloud/v6/validate_options').map((r) => [r.authorization, r.stackId, r.status])).toEqual([
      [`Bearer ${OLD_TOKEN}`, String(STACK_ID), 200],
    ]);
    // run -o cloud never sends the stack, whatever the file says (audit D1).
    expect(cloud.requestsTo('POST /v1/tests').map((r) => [r.authorization, r.stackId, r.status])).toEqual([[`Token ${OLD_TOKEN}`, undefined, 200]]);
    expect(new Set(cloud.requests().map((r) => r.authorization?.replace(/^(Token|Bearer) /, '')))).toEqual(new Set([OLD_TOKEN]));
  });

  it('an empty config.json (as `touch` leaves it) does not break runs: k6 is not pointed at it', async () => {
    const volume = await res.volume();
    const path = await seedVolume(volume, 'config.json', '');
    const result = await container(volume, ['run', '/scripts/test.js'], {}, 'ro');
    // k6 itself refuses an empty config file ("unexpected end of JSON input").
    expect(result.exitCode, show(result)).toBe(0);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/unexpected end of JSON input/);
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('a login fails clearly and changes nothing', async () => {
    const volume = await res.volume();
    const path = await seedVolume(volume, 'config.json', `${JSON.stringify(LOGGED_IN, null, 2)}\n`);
    const before = readFileSync(path);
    const login = await container(volume, ['cloud', 'login', '--token', TOKEN, '--stack', STACK], {}, 'ro');
    expect(login.exitCode, show(login)).toBe(255);
    const lines = wrapperLines(login.stderr).join('\n');
    expect(lines).toContain('/config/config.json');
    expect(lines).toContain('read-only');
    expect(tokenLeaks(login, [TOKEN, OLD_TOKEN])).toEqual([]);
    expect(readFileSync(path).equals(before)).toBe(true);
    // Refused before k6 ran: no token was sent anywhere.
    expect(cloud.requests()).toEqual([]);
  });
});

describe('invalid JSON in the volume', () => {
  // Truncated mid-token, as k6's own in-place write leaves a file when it crashes.
  const BROKEN = `{\n  "collectors": {\n    "cloud": {\n      "token": "${TOKEN.slice(0, 20)}`;

  it.each([
    ['a run', ['run', '/scripts/test.js']],
    ['a login', ['cloud', 'login', '--token', TOKEN, '--stack', STACK]],
  ])('%s stops with an error naming the file; the file is unchanged byte for byte', async (_what, command) => {
    const volume = await res.volume();
    const path = await seedVolume(volume, 'config.json', BROKEN);
    const before = readFileSync(path);
    const mtime = viewFile(path)?.stat.mtimeMs;
    const outcome = await container(volume, command);
    expect(outcome.exitCode, show(outcome)).toBe(104);
    const lines = wrapperLines(outcome.stderr).join('\n');
    expect(lines).toContain('/config/config.json');
    // Not even the part of the token that is in the broken file may be echoed back.
    expect(lines).not.toContain(TOKEN.slice(0, 20));
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(viewFile(path)?.stat.mtimeMs).toBe(mtime);
    expect(cloud.requests()).toEqual([]);
  });
});

describe('an empty config.json the host user made (`touch`), in a host directory', () => {
  // Someone else's file, empty, in a directory the image user may write: a run must make it
  // usable for k6 without taking it away from its owner.
  const OWNER = 4242;
  function hostDirWith(mode: number) {
    const dir = res.dir(0, 0, 0o777);
    const path = hostFile(join(dir, 'config.json'), '', OWNER, OWNER, mode);
    return { dir, path, mounts: [{ source: dir, target: '/config' }, { source: scripts, target: '/scripts', mode: 'ro' as const }] };
  }

  it('a run rewrites it as {} in place: the owner and the mode (0666) stay the host user\'s', async () => {
    const { dir, path, mounts } = hostDirWith(0o666);
    const outcome = await runOnce({ image: IMAGE, command: ['run', '/scripts/test.js'], env: cloud.env, mounts });
    expect(outcome.exitCode, show(outcome)).toBe(0);
    const file = viewFile(path);
    expect(file?.text).toBe('{}\n');
    expect([file?.stat.uid, file?.stat.gid, file?.mode.toString(8)]).toEqual([OWNER, OWNER, '666']);
    expect(listDir(dir)).toEqual(['config.json']);
  });

  it('one the image user may not write (0644) is not taken over by a rename: it stays as it was, and the run still works', async () => {
    const { dir, path, mounts } = hostDirWith(0o644);
    const outcome = await runOnce({ image: IMAGE, command: ['run', '/scripts/test.js'], env: cloud.env, mounts });
    expect(outcome.exitCode, show(outcome)).toBe(0);
    const file = viewFile(path);
    expect(file?.text).toBe('');
    expect([file?.stat.uid, file?.mode.toString(8)]).toEqual([OWNER, '644']);
    expect(listDir(dir)).toEqual(['config.json']);
  });
});

describe('commands and settings', () => {
  it('an unknown (future) top-level command is pointed at the file like every other, which is created for it', async () => {
    const volume = await res.volume();
    const outcome = await container(volume, ['frobnicate'], { env: { ...cloud.env, K6_PERSIST_DEBUG: '1' } });
    // The stand-in, like k6 2.2.0, has no such command.
    expect(outcome.exitCode, show(outcome)).not.toBe(0);
    expect(outcome.stderr).toContain('k6-persist: debug: K6_CONFIG=/config/config.json');
    expect(jsonOf(viewFile(join(await volumeDir(volume), 'config.json')))).toEqual({});
  });

  it('K6_PERSIST_MOUNTINFO naming a file that does not exist is refused, naming the variable, instead of hiding the volume', async () => {
    const volume = await res.volume();
    await seedVolume(volume, 'config.json', `${JSON.stringify(LOGGED_IN)}\n`);
    const outcome = await container(volume, ['cloud', 'run', '/scripts/test.js'], { env: { ...cloud.env, K6_PERSIST_MOUNTINFO: '/nope' } });
    expect(outcome.exitCode, show(outcome)).toBe(255);
    expect(wrapperLines(outcome.stderr).join('\n')).toContain('K6_PERSIST_MOUNTINFO="/nope": cannot be read (ENOENT)');
    expect(cloud.requests()).toEqual([]);
  });
});

