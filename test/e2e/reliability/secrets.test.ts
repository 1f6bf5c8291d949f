// Secrets in real containers (issue 5): one recognisable token run through the scenarios of
// this suite (logins on both k6 versions, debug output, a failed login, a refused login, a
// token file, the status command) never appears in anything a container prints, not even in
// part (all of stdout and stderr is scanned; k6 1.x's own documented `  token: T` line is the one
// exception, see tokenLeaks); the wrapper adds no argument (a recording k6 in front of the real
// one shows argv exactly as typed); the persistent file is 0600, the staging directory 0700 (and
// its copy 0600) while k6 uses it and gone afterwards (observed in /tmp of the same container).
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_UID, cloudOf, hostFile, jsonOf, listDir, scriptsDir, seedVolume, show, tokenLeaks, viewFile, volumeDir } from '../support/observe.ts';
import { type E2eCloud, makeToken, masked, startCloud } from '../support/cloud.ts';
import { type K6Version, type Mount, imageFor, runOnce } from '../support/containers.ts';
import { Resources } from '../support/resources.ts';
import { RECORDING_SHIM, RECORD_DIR, shell, wrapperLines } from './support.ts';

const TOKEN = makeToken('secret');
const UNKNOWN_TOKEN = makeToken('secretbad');
const STACK = { slug: 'secret-stack', stackId: 6300, projectId: 63 };

function ours(stderr: string): string {
  return wrapperLines(stderr).join('\n');
}

/** The lines between `==NAME==` and the next `==...==` marker line (none when the section is empty). */
function section(stdout: string, name: string): string {
  const lines = stdout.split('\n');
  const start = lines.indexOf(`==${name}==`);
  if (start < 0) return '';
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => /^==[A-Z]+==$/.test(line));
  return rest.slice(0, end < 0 ? undefined : end).join('\n');
}

let cloud: E2eCloud;
let scripts: string;
const res = new Resources();
beforeAll(async () => {
  cloud = await startCloud({ tokens: [TOKEN], stacks: { [STACK.slug]: { stackId: STACK.stackId, defaultProjectId: STACK.projectId } } });
  scripts = scriptsDir({ 'test.js': 'export default function () {}\n' });
});
afterAll(async () => {
  await cloud?.close();
  res.track(scripts);
  await res.cleanup();
});
afterEach(async () => {
  await res.cleanup();
});

/** Runs `command` through the recording k6 with debug output, then shows /tmp and the file's mode. */
function recorded(command: string): string {
  return [
    RECORDING_SHIM,
    `K6_PERSIST_K6_BIN=/tmp/k6-shim K6_PERSIST_DEBUG=1 ${command}`,
    'echo "==EXIT==\n$?"',
    'echo "==TMP=="; ls -A /tmp',
    'echo "==MODE=="; stat -c "%a %u" /config/config.json 2>&1',
    'echo "==END=="',
  ].join('\n');
}

/** A host directory the recording k6 writes its record into, mounted at RECORD_DIR. */
function recordMount(): Mount {
  const dir = res.dir(0, 0, 0o777);
  chmodSync(dir, 0o777);
  return { source: dir, target: RECORD_DIR };
}

/** What the recording k6 saw: argv, token in env, staging modes (one line each). */
function record(mount: Mount): string[] {
  return readFileSync(join(mount.source, 'k6-shim.log'), 'utf8').trim().split('\n');
}

describe('the token never leaks, files and directories stay private (containers)', () => {
  it.each([
    ['2.2.0', `k6 cloud login --token ${TOKEN} --stack ${STACK.slug}`, `ARGV [cloud] [login] [--token] [${TOKEN}] [--stack] [${STACK.slug}]`, false],
    // k6 1.x prints the token itself (`  token: T` on stdout), as plain grafana/k6 does.
    ['1.8.1', `k6 login cloud --token ${TOKEN}`, `ARGV [login] [cloud] [--token] [${TOKEN}]`, true],
  ] as [K6Version, string, string, boolean][])('a login on k6 %s with debug output', async (version, command, argvLine, k6PrintsToken) => {
    const volume = await res.volume('k6p-rel-secret');
    const shim = recordMount();
    const outcome = await shell({ image: imageFor(version), env: cloud.env, mounts: [{ source: volume, target: '/config' }, shim] }, recorded(command));
    expect(section(outcome.stdout, 'EXIT').trim(), show(outcome)).toBe('0');
    expect(tokenLeaks(outcome, [TOKEN], { k6PrintsToken }), show(outcome)).toEqual([]);
    // The one line set aside is k6's own, and it is there: the exception is not a blanket one.
    expect(outcome.stdout.split('\n').filter((line) => line === `  token: ${TOKEN}`)).toHaveLength(k6PrintsToken ? 1 : 0);
    expect(ours(outcome.stderr)).toContain(`token ${masked(TOKEN)}`);
    const seen = record(shim);
    // Exactly what was typed: the wrapper re-pointed k6 through K6_CONFIG, not by adding -c.
    expect(seen[0]).toBe(argvLine);
    expect(seen[1]).toBe('TOKEN_ENV unset');
    expect(seen[2]).toMatch(new RegExp(`^STAGING_DIR 700 ${IMAGE_UID} /tmp/\\.k6-persist-login-[A-Za-z0-9]{6}$`));
    expect(seen[3]).toBe(`STAGING_FILE 600 ${IMAGE_UID}`);
    // The staging directory is gone once the login is over.
    expect(section(outcome.stdout, 'TMP').split('\n').filter(Boolean).sort()).toEqual(['k6-shim']);
    expect(section(outcome.stdout, 'MODE').trim()).toBe(`600 ${IMAGE_UID}`);
    expect(cloudOf(jsonOf(viewFile(join(await volumeDir(volume), 'config.json'))))['token']).toBe(TOKEN);
  });

  it('a failed login (token refused by the cloud): nothing saved, nothing leaked, no staging left', async () => {
    const volume = await res.volume('k6p-rel-secret');
    const path = await seedVolume(volume, 'config.json', '{"keep":1}');
    const outcome = await shell(
      { image: imageFor('2.2.0'), env: cloud.env, mounts: [{ source: volume, target: '/config' }, recordMount()] },
      recorded(`k6 cloud login --token ${UNKNOWN_TOKEN} --stack ${STACK.slug}`),
    );
    expect(section(outcome.stdout, 'EXIT').trim(), show(outcome)).not.toBe('0');
    expect(tokenLeaks(outcome, [UNKNOWN_TOKEN]), show(outcome)).toEqual([]);
    expect(section(outcome.stdout, 'TMP').split('\n').filter(Boolean).sort()).toEqual(['k6-shim']);
    expect(viewFile(path)!.text).toBe('{"keep":1}');
  });

  it('a login refused up front (read-only volume), with debug output: the error shows no token', async () => {
    const volume = await res.volume('k6p-rel-secret');
    await seedVolume(volume, 'config.json', JSON.stringify({ collectors: { cloud: { token: TOKEN } } }));
    const outcome = await runOnce({
      image: imageFor('2.2.0'),
      command: ['cloud', 'login', '--token', TOKEN, '--stack', STACK.slug],
      env: { ...cloud.env, K6_PERSIST_DEBUG: '1' },
      mounts: [{ source: volume, target: '/config', mode: 'ro' }],
    });
    expect(outcome.exitCode, show(outcome)).toBe(255);
    expect(ours(outcome.stderr)).toMatch(/read-only/);
    expect(tokenLeaks(outcome, [TOKEN]), show(outcome)).toEqual([]);
  });

  it('a config file holding just the token (`echo "$TOKEN" > config.json`): the refusal names the file, shows none of the token', async () => {
    const volume = await res.volume('k6p-rel-secret');
    await seedVolume(volume, 'config.json', `${TOKEN}\n`);
    const outcome = await runOnce({ image: imageFor('2.2.0'), command: ['cloud', 'login', '--token', TOKEN, '--stack', STACK.slug], env: cloud.env, mounts: [{ source: volume, target: '/config' }] });
    expect(outcome.exitCode, show(outcome)).toBe(104);
    expect(ours(outcome.stderr)).toContain('/config/config.json cannot be used');
    expect(tokenLeaks(outcome, [TOKEN]), show(outcome)).toEqual([]);
  });

  it('K6_CLOUD_TOKEN_FILE: the token goes to k6 in its environment only, never in argv or output', async () => {
    const secrets = res.dir(0, 0, 0o755);
    hostFile(join(secrets, 'k6-token'), `${TOKEN}\n`, 0, 0, 0o444);
    const volume = await res.volume('k6p-rel-secret');
    const shim = recordMount();
    const outcome = await shell(
      {
        image: imageFor('2.2.0'),
        env: { ...cloud.env, K6_CLOUD_TOKEN_FILE: '/run/secrets/k6-token' },
        mounts: [
          { source: volume, target: '/config' },
          { source: secrets, target: '/run/secrets', mode: 'ro' },
          { source: scripts, target: '/scripts', mode: 'ro' },
          shim,
        ],
      },
      recorded('k6 run /scripts/test.js'),
    );
    expect(section(outcome.stdout, 'EXIT').trim(), show(outcome)).toBe('0');
    expect(record(shim).slice(0, 2)).toEqual(['ARGV [run] [/scripts/test.js]', 'TOKEN_ENV set']);
    expect(tokenLeaks(outcome, [TOKEN]), show(outcome)).toEqual([]);
  });

  it('the status command shows the stored token masked, in text and JSON', async () => {
    const volume = await res.volume('k6p-rel-secret');
    await seedVolume(volume, 'config.json', JSON.stringify({ collectors: { cloud: { token: TOKEN, stackID: STACK.stackId } } }));
    for (const command of [['status'], ['status', '--json']]) {
      const outcome = await runOnce({ image: imageFor('2.2.0'), entrypoint: ['k6-persist'], command, mounts: [{ source: volume, target: '/config' }] });
      expect(outcome.exitCode, show(outcome)).toBe(0);
      expect(outcome.stdout).toContain(masked(TOKEN));
      expect(tokenLeaks(outcome, [TOKEN]), show(outcome)).toEqual([]);
    }
  });

  it('an arbitrary --user with no HOME: the login leaves no private directory behind in /tmp', async () => {
    // HOME=/ for a uid without a passwd entry: the wrapper makes k6 a private 0700 HOME. A login
    // waits for k6, so it can remove it again, as it removes its staging directory.
    const dir = res.dir(4242, 4242, 0o755);
    const outcome = await shell(
      { image: imageFor('2.2.0'), user: '4242:4242', env: cloud.env, mounts: [{ source: dir, target: '/config' }] },
      [`k6 cloud login --token ${TOKEN} --stack ${STACK.slug}`, 'echo "==EXIT==\n$?"', 'echo "==TMP=="; ls -A /tmp', 'echo "==END=="'].join('\n'),
    );
    expect(section(outcome.stdout, 'EXIT').trim(), show(outcome)).toBe('0');
    expect(tokenLeaks(outcome, [TOKEN]), show(outcome)).toEqual([]);
    expect(listDir(dir)).toEqual(['config.json']);
    expect(viewFile(join(dir, 'config.json'))!.mode).toBe(0o600);
    expect(section(outcome.stdout, 'TMP').split('\n').filter(Boolean)).toEqual([]);
  });
});
