// The notices of a cloud command: one when the environment overrides the saved login or token and
// stack come from different places, none otherwise; the 2.x stack hint only where a stack is
// needed (cloud run/upload, not run -o cloud: audit D1), only with a token and no stack, and only
// when the k6 version is known to be 2.x or later.
import { describe, expect, it } from 'vitest';
import type { CloudCommand } from '../../../src/credentials/cloud-command.ts';
import { credentialNotices } from '../../../src/credentials/notices.ts';
import { resolveCredentials, type CredentialInput } from '../../../src/credentials/provenance.ts';

const FILE_TOKEN = 'tok_file_0123456789';
const ENV_TOKEN = 'tok_env_9876543210';
const PATH = '/config/config.json';
const LOGIN = { token: FILE_TOKEN, stackID: 42, stackURL: 'https://s.grafana.net', defaultProjectID: 7 };

function notices(command: CloudCommand, input: Partial<CredentialInput> & { cloud?: Record<string, unknown> }, ...version: [number | undefined] | []) {
  const major = version.length === 0 ? 2 : version[0];
  const credentials = resolveCredentials({
    env: input.env ?? {},
    tokenFile: input.tokenFile,
    ...(input.cloud ? { config: { collectors: { cloud: input.cloud } }, configPath: PATH } : {}),
  });
  return credentialNotices(command, credentials, major);
}

const ALL: CloudCommand[] = ['cloud run', 'cloud upload', 'run -o cloud'];

describe('no notice', () => {
  it.each(ALL)('%s with the saved login alone', (command) => {
    expect(notices(command, { cloud: LOGIN })).toEqual([]);
  });
  it.each(ALL)('%s with token and stack both from the environment', (command) => {
    expect(notices(command, { env: { K6_CLOUD_TOKEN: ENV_TOKEN, K6_CLOUD_STACK_ID: '42' } })).toEqual([]);
    expect(notices(command, { tokenFile: { path: '/t', content: ENV_TOKEN }, env: { K6_CLOUD_STACK_ID: '42' } })).toEqual([]);
  });
  it.each(ALL)('%s with an empty K6_CLOUD_TOKEN over the login (k6 ignores it)', (command) => {
    expect(notices(command, { env: { K6_CLOUD_TOKEN: '' }, cloud: LOGIN })).toEqual([]);
  });
  it('run -o cloud with an env token and a stack in the file: it sends no stack (D1)', () => {
    expect(notices('run -o cloud', { env: { K6_CLOUD_TOKEN: ENV_TOKEN }, cloud: { stackID: 42 } })).toEqual([]);
  });
});

describe('the notice', () => {
  it.each(ALL)('%s: K6_CLOUD_TOKEN shadows the saved token, both masked', (command) => {
    const lines = notices(command, { env: { K6_CLOUD_TOKEN: ENV_TOKEN }, cloud: LOGIN });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^notice: K6_CLOUD_TOKEN overrides the token saved in \/config\/config\.json \(k6 uses tok_\*+3210, not tok_\*+6789\)/);
    expect(lines.join('\n')).not.toContain(ENV_TOKEN);
    expect(lines.join('\n')).not.toContain(FILE_TOKEN);
  });

  it('the token file shadows it too, named by its path', () => {
    const [line] = notices('cloud run', { tokenFile: { path: '/run/secrets/t', content: ENV_TOKEN }, cloud: LOGIN });
    expect(line).toMatch(/the token file \/run\/secrets\/t overrides the token saved/);
  });

  it('cloud run: token from the env and stack from the file are one notice, both said', () => {
    const lines = notices('cloud run', { env: { K6_CLOUD_TOKEN: ENV_TOKEN }, cloud: LOGIN });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('The token comes from K6_CLOUD_TOKEN and the stack (id 42) from /config/config.json');
    expect(lines[0]).toContain('403');
  });

  it('cloud upload: a stack-only file and an env token (the operator recipe) are mixed sources', () => {
    const lines = notices('cloud upload', { env: { K6_CLOUD_TOKEN: ENV_TOKEN }, cloud: { stackID: 42, stackURL: 'https://s.grafana.net' } });
    expect(lines).toEqual([expect.stringMatching(/^notice: The token comes from K6_CLOUD_TOKEN and the stack \(id 42\) from \/config\/config\.json/)]);
  });

  it('cloud run: K6_CLOUD_STACK_ID shadows the saved stack id; run -o cloud ignores the stack', () => {
    expect(notices('cloud run', { env: { K6_CLOUD_STACK_ID: '43' }, cloud: LOGIN })[0]).toMatch(
      /K6_CLOUD_STACK_ID overrides the stack id saved in \/config\/config\.json \(k6 uses 43, not 42\)/,
    );
    expect(notices('run -o cloud', { env: { K6_CLOUD_STACK_ID: '43' }, cloud: LOGIN })).toEqual([]);
  });
});

describe('the 2.x stack hint', () => {
  it.each(['cloud run', 'cloud upload'] as const)('%s on 2.x with a token and no stack names the three ways', (command) => {
    const lines = notices(command, { env: { K6_CLOUD_TOKEN: ENV_TOKEN } }, 2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^hint: k6 2\.x needs a stack for `k6 cloud (run|upload)`/);
    for (const way of ['K6_CLOUD_STACK_ID', 'k6 cloud login --stack', '"stackID"', 'ConfigMap mounted at /config']) expect(lines[0]).toContain(way);
  });

  it('K6_CLOUD_STACK_ID=0 is no stack for k6', () => {
    expect(notices('cloud run', { env: { K6_CLOUD_TOKEN: ENV_TOKEN, K6_CLOUD_STACK_ID: '0' } }, 2)).toEqual([expect.stringMatching(/^hint:/)]);
  });

  it.each([
    ['run -o cloud needs no stack (D1)', 'run -o cloud', { K6_CLOUD_TOKEN: ENV_TOKEN }, 2],
    ['k6 1.x falls back to the first stack', 'cloud run', { K6_CLOUD_TOKEN: ENV_TOKEN }, 1],
    ['an unknown version', 'cloud run', { K6_CLOUD_TOKEN: ENV_TOKEN }, undefined],
    ['no token (k6 says so itself)', 'cloud run', {}, 2],
    ['a stack from the environment', 'cloud run', { K6_CLOUD_TOKEN: ENV_TOKEN, K6_CLOUD_STACK_ID: '42' }, 2],
  ] as const)('none: %s', (_name, command, env, major) => {
    expect(notices(command, { env }, major)).toEqual([]);
  });

  it('beside a shadow notice it is a line of its own', () => {
    const lines = notices('cloud run', { env: { K6_CLOUD_TOKEN: ENV_TOKEN }, cloud: { token: FILE_TOKEN } }, 2);
    expect(lines.map((line) => line.split(':')[0])).toEqual(['notice', 'hint']);
  });
});
