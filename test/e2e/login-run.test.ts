// The image's main job (README, first example): log in in one container with only a named
// volume at /config, then run in another container with the same volume and no token anywhere.
// What proves it: the file in the volume, and the token and stack that reach the mock cloud.
import { chownSync, mkdirSync } from 'node:fs';
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

describe('k6 2.2.0', () => {
  async function login(volume: string) {
    return runOnce({
      image: imageFor('2.2.0'),
      command: ['cloud', 'login', '--token', TOKEN_V2, '--stack', STACK],
      env: cloud.env,
      mounts: withVolume(volume),
    });
  }

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

  it('a second container: run -o cloud reaches the cloud with Token <token> and the stack id', async () => {
    const volume = await res.volume();
    const first = await login(volume);
    expect(first.exitCode, show(first)).toBe(0);
    cloud.clear();

    const outcome = await run('2.2.0', volume, ['run', '-o', 'cloud', '/scripts/test.js']);
    expect(outcome.exitCode, show(outcome)).toBe(0);
    const calls = cloud.requestsTo('POST /v1/tests');
    expect(calls.map((r) => [r.authorization, r.stackId, r.status])).toEqual([[`Token ${TOKEN_V2}`, String(STACK_ID), 200]]);
    expect(calls[0]?.body).toMatchObject({ project_id: PROJECT_ID });
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
    expect(tokenLeaks(login, [TOKEN_V1])).toEqual([]);
    const file = await volumeConfig(volume);
    expect(cloudOf(jsonOf(file))).toMatchObject({ token: TOKEN_V1 });
    expect(file?.mode.toString(8)).toBe('600');

    const outcome = await run('1.8.1', volume, ['cloud', '/scripts/test.js']);
    expect(outcome.exitCode, show(outcome)).toBe(0);
    expect(cloud.requestsTo('POST /v1/validate-options').map((r) => [r.authorization, r.status])).toEqual([
      [`Token ${TOKEN_V1}`, 200],
    ]);
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

  it('the interactive e-mail/password login, typed on stdin (docker run -i), persists; cloud script.js uses it', async () => {
    const volume = await res.volume();
    const login = await dockerRunInteractive(
      ['-e', `K6_CLOUD_HOST=${cloud.mock.url}`, '-e', `K6_CLOUD_HOST_V6=${cloud.mock.url}`, '-v', `${volume}:/config`, imageFor('1.8.1'), 'login', 'cloud'],
      { input: `${EMAIL}\n${PASSWORD}\n` },
    );
    expect(login.exitCode, show(login)).toBe(0);
    // k6 asked for both fields, and the cloud received exactly what was typed.
    expect(login.stdout).toContain('Email:');
    expect(login.stdout).toContain('Password:');
    expect(cloud.requestsTo('POST /v1/login').map((r) => [r.body, r.status])).toEqual([[{ email: EMAIL, password: PASSWORD }, 200]]);
    expect(tokenLeaks(login, [TOKEN_FROM_PASSWORD])).toEqual([]);
    expect(wrapperLines(login.stderr).join('\n')).not.toContain(PASSWORD);

    const file = await volumeConfig(volume);
    expect(cloudOf(jsonOf(file))).toMatchObject({ token: TOKEN_FROM_PASSWORD });
    expect(file?.mode.toString(8)).toBe('600');
    cloud.clear();

    const outcome = await run('1.8.1', volume, ['cloud', '/scripts/test.js']);
    expect(outcome.exitCode, show(outcome)).toBe(0);
    expect(cloud.requestsTo('POST /v1/validate-options').map((r) => r.authorization)).toEqual([`Token ${TOKEN_FROM_PASSWORD}`]);
  });
});
