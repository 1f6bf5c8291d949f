// The image's main job (README, first example): log in in one container with only a named
// volume at /config, then run in another container with the same volume and no token anywhere.
// What proves it: the file in the volume, and the token and stack that reach the mock cloud.
import { chownSync, existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type K6Version, imageFor, runOnce } from './support/containers.ts';
import { type E2eCloud, makeToken, masked } from './support/cloud.ts';
import {
  IMAGE_UID,
  cloudOf,
  dockerRunInteractive,
  hostFile,
  jsonOf,
  listDir,
  show,
  tokenLeaks,
  viewFile,
  volumeDir,
  wrapperLines,
} from './support/observe.ts';
import { Resources } from './support/resources.ts';
import { answerInTerminal } from './kubernetes/support.ts';
import { useCloudAndScripts } from './support/lifecycle.ts';

const TOKEN_V2 = makeToken('v2login');
const TOKEN_V1 = makeToken('v1login');
const TOKEN_FROM_PASSWORD = makeToken('v1password');
const EMAIL = 'e2e-user@example.com';
const PASSWORD = 'correct horse battery staple';
const STACK = 'e2e-main';
const STACK_ID = 5202;
const PROJECT_ID = 72;

let cloud: E2eCloud;
let scripts: string;
const res = new Resources();

useCloudAndScripts({
    tokens: [TOKEN_V2, TOKEN_V1],
    stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: PROJECT_ID } },
    logins: [{ email: EMAIL, password: PASSWORD, token: TOKEN_FROM_PASSWORD }],
  }, res, (c, s) => {
  cloud = c;
  scripts = s;
});

const withVolume = (volume: string) => [{ source: volume, target: '/config' }];
const withScripts = () => [{ source: scripts, target: '/scripts', mode: 'ro' as const }];

async function run(version: K6Version, volume: string, command: string[]) {
  return runOnce({ image: imageFor(version), command, env: cloud.env, mounts: [...withVolume(volume), ...withScripts()] });
}

/** The volume's config file as the host sees it: content, mode, owner. */
async function volumeConfig(volume: string) {
  return viewFile(join(await volumeDir(volume), 'config.json'));
}

/** The README's login, on k6 2.2.0, into a named volume at /config. */
async function login(volume: string) {
  return runOnce({
    image: imageFor('2.2.0'),
    command: ['cloud', 'login', '--token', TOKEN_V2, '--stack', STACK],
    env: cloud.env,
    mounts: withVolume(volume),
  });
}

describe('k6 2.2.0', () => {
  it('cloud login --token --stack keeps the login in the named volume, mode 0600, token masked', async () => {
    const volume = await res.volume();
    const outcome = await login(volume);
    expect(outcome.exitCode, show(outcome)).toBe(0);
    // k6 validated the token and the stack against the cloud.
    expect(cloud.requestsTo('GET /cloud/v6/auth').map((r) => [r.authorization, r.stackUrl])).toEqual([
      [`Bearer ${TOKEN_V2}`, `https://${STACK}.grafana.net`],
    ]);

    const file = await volumeConfig(volume);
    expect(file, 'config.json in the volume').toBeDefined();
    expect(cloudOf(jsonOf(file))).toMatchObject({
      token: TOKEN_V2,
      stackID: STACK_ID,
      stackURL: `https://${STACK}.grafana.net`,
      defaultProjectID: PROJECT_ID,
    });
    expect(file?.mode.toString(8)).toBe('600');
    expect(file?.stat.uid).toBe(IMAGE_UID);

    // One line says where the login lives, with the token masked as k6 2.x masks it.
    const lines = wrapperLines(outcome.stderr);
    expect(lines.some((l) => l.includes('/config/config.json') && l.includes(masked(TOKEN_V2))), lines.join('\n')).toBe(true);
    expect(tokenLeaks(outcome, [TOKEN_V2])).toEqual([]);
  });

  it('a second container: cloud run reaches the cloud with Bearer <token> and the stack id', async () => {
    const volume = await res.volume();
    const first = await login(volume);
    expect(first.exitCode, show(first)).toBe(0);
    cloud.clear();

    const outcome = await run('2.2.0', volume, ['cloud', 'run', '/scripts/test.js']);
    expect(outcome.exitCode, show(outcome)).toBe(0);
    expect(outcome.stdout).toContain('test status: Finished');
    const calls = cloud.requestsTo('POST /cloud/v6/validate_options');
    expect(calls.map((r) => [r.authorization, r.stackId, r.status])).toEqual([[`Bearer ${TOKEN_V2}`, String(STACK_ID), 200]]);
    expect(calls[0]?.body).toMatchObject({ project_id: PROJECT_ID });
  });

  it('a second container: run -o cloud reaches the cloud with Token <token> (run -o cloud sends no stack)', async () => {
    const volume = await res.volume();
    const first = await login(volume);
    expect(first.exitCode, show(first)).toBe(0);
    cloud.clear();

    const outcome = await run('2.2.0', volume, ['run', '-o', 'cloud', '/scripts/test.js']);
    expect(outcome.exitCode, show(outcome)).toBe(0);
    const calls = cloud.requestsTo('POST /v1/tests');
    // The token is the login's. The stack and its default project stay in the file: k6's cloud
    // output sends no X-Stack-Id and no default project_id (audit D1, E10).
    expect(calls.map((r) => [r.authorization, r.stackId, r.status])).toEqual([[`Token ${TOKEN_V2}`, undefined, 200]]);
    expect(calls[0]?.body).not.toHaveProperty('project_id');
    // The same token also finishes the run it created.
    const finished = cloud.requests().filter((r) => r.method === 'POST' && /^\/v1\/tests\/[^/]+$/.test(r.path));
    expect(finished.map((r) => [r.authorization, r.status])).toEqual([[`Token ${TOKEN_V2}`, 200]]);
  });
});

describe('where the login lives, said every time', () => {
  it('a login that changes nothing (the same token and stack again) still prints the line, saying "unchanged"', async () => {
    const volume = await res.volume();
    expect((await login(volume)).exitCode).toBe(0);
    const again = await login(volume);
    expect(again.exitCode, show(again)).toBe(0);
    expect(wrapperLines(again.stderr)).toEqual([
      `k6-persist: k6 Cloud login unchanged in /config/config.json, on the named volume "${volume}": token ${masked(TOKEN_V2)}, stack ${STACK_ID}.`,
    ]);
  });

  it('a lock another login holds for too long stops the login before k6 runs: no "Logged in successfully" about a copy that is never saved', async () => {
    const volume = await res.volume();
    const dir = await volumeDir(volume);
    chownSync(dir, IMAGE_UID, IMAGE_UID);
    // A lock dated in the future stays fresh (not stale) for the whole wait, as one kept alive would.
    const lock = join(dir, '.config.json.k6-persist.lock');
    writeFileSync(lock, 'other-login\n');
    const future = Date.now() / 1000 + 600;
    utimesSync(lock, future, future);
    const started = Date.now();
    const outcome = await login(volume);
    expect(outcome.exitCode, show(outcome)).toBe(255);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15_000);
    expect(outcome.stdout).not.toContain('Logged in successfully');
    expect(cloud.requests()).toEqual([]);
    expect(wrapperLines(outcome.stderr).join('\n')).toMatch(/another login has held \/config\/\.config\.json\.k6-persist\.lock for too long, so k6 was not started and nothing was changed/);
    expect(listDir(dir)).toEqual(['.config.json.k6-persist.lock']);
  }, 60_000);
});

const LEGACY_TEXT = `${JSON.stringify({ collectors: { cloud: { token: TOKEN_V1 } } })}\n`;

/** A named volume laid out as k6 before v0.58 left ~/.config, owned by the image user. */
async function legacyVolume(): Promise<{ dir: string; legacyText: string; mounts: Array<{ source: string; target: string; mode?: 'ro' }> }> {
  const volume = await res.volume();
  const dir = await volumeDir(volume);
  chownSync(dir, IMAGE_UID, IMAGE_UID);
  const legacyDir = join(dir, 'loadimpact', 'k6');
  mkdirSync(legacyDir, { recursive: true });
  for (const d of [join(dir, 'loadimpact'), legacyDir]) chownSync(d, IMAGE_UID, IMAGE_UID);
  hostFile(join(legacyDir, 'config.json'), LEGACY_TEXT, IMAGE_UID, IMAGE_UID, 0o644);
  return { dir, legacyText: LEGACY_TEXT, mounts: [{ source: volume, target: '/home/k6/.config' }, ...withScripts()] };
}

describe('a volume from before k6 v0.58 at ~/.config (only loadimpact/k6/config.json)', () => {

  it.each([
    ['1.8.1', ['login', 'influxdb', 'http://127.0.0.1:9/k6']],
    ['2.2.0', ['login', 'cloud', '--token', 'x']],
    ['2.2.0', ['login']],
  ])('k6 %s `%s`: nothing is created that would hide the old login; runs still use it', async (version, command) => {
    const { dir, mounts } = await legacyVolume();
    await runOnce({ image: imageFor(version), command, env: cloud.env, mounts });
    expect(existsSync(join(dir, 'k6', 'config.json'))).toBe(false);
    cloud.clear();
    const runOut = await runOnce({ image: imageFor('1.8.1'), command: ['cloud', '/scripts/test.js'], env: cloud.env, mounts });
    expect(runOut.exitCode, show(runOut)).toBe(0);
    expect(cloud.requestsTo('POST /v1/validate-options').map((r) => r.authorization)).toEqual([`Token ${TOKEN_V1}`]);
  });

  it('a k6/config.json of {} beside it: runs warn that the old login is hidden and how to get it back; status shows it', async () => {
    const { dir, mounts } = await legacyVolume();
    mkdirSync(join(dir, 'k6'));
    chownSync(join(dir, 'k6'), IMAGE_UID, IMAGE_UID);
    hostFile(join(dir, 'k6', 'config.json'), '{}\n', IMAGE_UID, IMAGE_UID, 0o600);
    const runOut = await runOnce({ image: imageFor('1.8.1'), command: ['cloud', '/scripts/test.js'], env: cloud.env, mounts });
    const said = wrapperLines(runOut.stderr).join('\n');
    expect(said).toContain('warning: /home/k6/.config/k6/config.json holds no k6 Cloud token, so the login in the pre-v0.58 file /home/k6/.config/loadimpact/k6/config.json is not used');
    expect(said).toContain('remove it and runs use the old login again');

    const status = await runOnce({ image: imageFor('2.2.0'), entrypoint: ['k6-persist'], command: ['status'], mounts });
    expect(status.exitCode, show(status)).toBe(0);
    expect(status.stdout).toMatch(/old login\s+\/home\/k6\/\.config\/loadimpact\/k6\/config\.json holds a token that is not used/);
  });
});

describe('k6 1.8.1', () => {
  it('a volume from before k6 v0.58 at ~/.config (only loadimpact/k6/config.json): runs use its login; a new login starts from it', async () => {
    const volume = await res.volume();
    const dir = await volumeDir(volume);
    chownSync(dir, IMAGE_UID, IMAGE_UID);
    const legacyDir = join(dir, 'loadimpact', 'k6');
    mkdirSync(legacyDir, { recursive: true });
    for (const d of [join(dir, 'loadimpact'), legacyDir]) chownSync(d, IMAGE_UID, IMAGE_UID);
    const legacyText = `${JSON.stringify({ teamNotes: 'from 2024', collectors: { cloud: { token: TOKEN_V1 } } }, null, 2)}\n`;
    hostFile(join(legacyDir, 'config.json'), legacyText, IMAGE_UID, IMAGE_UID, 0o644);
    const mounts = [{ source: volume, target: '/home/k6/.config' }, ...withScripts()];

    const runOut = await runOnce({ image: imageFor('1.8.1'), command: ['cloud', '/scripts/test.js'], env: cloud.env, mounts });
    expect(runOut.exitCode, show(runOut)).toBe(0);
    expect(cloud.requestsTo('POST /v1/validate-options').map((r) => r.authorization)).toEqual([`Token ${TOKEN_V1}`]);
    // Nothing was created that would hide the old file from k6 1.x (or from plain grafana/k6).
    expect(listDir(dir)).toEqual(['loadimpact']);

    const login = await runOnce({ image: imageFor('1.8.1'), command: ['login', 'cloud', '--token', TOKEN_V2], env: cloud.env, mounts });
    expect(login.exitCode, show(login)).toBe(0);
    const saved = jsonOf(viewFile(join(dir, 'k6', 'config.json')));
    expect(saved['teamNotes']).toBe('from 2024');
    expect(cloudOf(saved)).toMatchObject({ token: TOKEN_V2 });
    expect(viewFile(join(legacyDir, 'config.json'))?.text).toBe(legacyText);
  });

  it('login cloud --token keeps the token in the volume; cloud script.js uses it', async () => {
    const volume = await res.volume();
    const login = await runOnce({
      image: imageFor('1.8.1'),
      command: ['login', 'cloud', '--token', TOKEN_V1],
      env: cloud.env,
      mounts: withVolume(volume),
    });
    expect(login.exitCode, show(login)).toBe(0);
    expect(tokenLeaks(login, [TOKEN_V1], { k6PrintsToken: true })).toEqual([]);
    const file = await volumeConfig(volume);
    expect(cloudOf(jsonOf(file))).toMatchObject({ token: TOKEN_V1 });
    expect(file?.mode.toString(8)).toBe('600');

    const outcome = await run('1.8.1', volume, ['cloud', '/scripts/test.js']);
    expect(outcome.exitCode, show(outcome)).toBe(0);
    expect(cloud.requestsTo('POST /v1/validate-options').map((r) => [r.authorization, r.status])).toEqual([
      [`Token ${TOKEN_V1}`, 200],
    ]);
  });

  it('a login cloud that fails on a volume from before v0.58 changes nothing: k6 1.x copies the old file to its default path, and that copy stays private', async () => {
    const { dir, legacyText, mounts } = await legacyVolume();
    // No terminal and no --token: k6 migrates first, then its e-mail prompt meets the end of stdin.
    const login = await runOnce({ image: imageFor('1.8.1'), command: ['login', 'cloud'], env: cloud.env, mounts });
    expect(login.exitCode, show(login)).not.toBe(0);
    // (The wrapper may have made the k6/ directory its save and lock need; no file is in it.)
    expect(existsSync(join(dir, 'k6', 'config.json'))).toBe(false);
    expect(viewFile(join(dir, 'loadimpact', 'k6', 'config.json'))?.text).toBe(legacyText);
  });

  it('the interactive login on a real terminal (docker run -it): answered at its prompts, the password not echoed, the login kept', async () => {
    const volume = await res.volume();
    const session = await answerInTerminal(
      ['docker', 'run', '-it', '--rm', '--network', 'host', '-e', `K6_CLOUD_HOST=${cloud.mock.url}`, '-e', `K6_CLOUD_HOST_V6=${cloud.mock.url}`, '-v', `${volume}:/config`, imageFor('1.8.1'), 'login', 'cloud'],
      [
        { prompt: /Email:/, answer: `${EMAIL}\r` },
        { prompt: /Password:/, answer: `${PASSWORD}\r` },
      ],
    );
    expect(session.typed).toBe(2);
    expect(session.exitCode, session.screen).toBe(0);
    // The terminal echoed the e-mail as it was typed, but not the password.
    expect(session.screen).toContain(EMAIL);
    expect(session.screen).not.toContain(PASSWORD);
    expect(cloud.requestsTo('POST /v1/login').map((r) => [r.body, r.status])).toEqual([[{ email: EMAIL, password: PASSWORD }, 200]]);
    expect(session.screen).toMatch(/k6-persist: k6 Cloud login saved to \/config\/config\.json/);
    expect(cloudOf(jsonOf(await volumeConfig(volume)))).toMatchObject({ token: TOKEN_FROM_PASSWORD });
  });

  it('D11: the interactive e-mail/password login fed through a pipe (docker run -i) fails as in k6, and nothing is saved', async () => {
    // k6 reads a password from a stdin that is not a terminal through a buffered reader that keeps
    // the newline (docs/k6-behaviour.md, audit D11): the cloud gets "password\n" and refuses it.
    // The wrapper passes stdin through untouched, so the user sees k6's own failure; the fix is
    // `--token` or a real terminal (`-it`, tested above).
    const volume = await res.volume();
    const login = await dockerRunInteractive(
      ['-e', `K6_CLOUD_HOST=${cloud.mock.url}`, '-e', `K6_CLOUD_HOST_V6=${cloud.mock.url}`, '-v', `${volume}:/config`, imageFor('1.8.1'), 'login', 'cloud'],
      { input: `${EMAIL}\n${PASSWORD}\n` },
    );
    expect(login.exitCode, show(login)).toBe(255);
    expect(login.stdout).toContain('Email:');
    expect(login.stdout).toContain('Password:');
    expect(cloud.requestsTo('POST /v1/login').map((r) => [r.body, r.status])).toEqual([[{ email: EMAIL, password: `${PASSWORD}\n` }, 401]]);
    expect(`${login.stdout}${login.stderr}`).not.toContain(PASSWORD);
    const file = await volumeConfig(volume);
    expect(file === undefined || cloudOf(jsonOf(file))['token'] === undefined, file?.text).toBe(true);
  });
});
