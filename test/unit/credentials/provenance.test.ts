// Where each credential k6 will use comes from: k6's merge (file < environment), an empty
// variable ignored (audit D2/D3), the file's stackURL winning over K6_CLOUD_STACK_URL (D3), a
// project id only above 0, the wrapper's K6_CLOUD_TOKEN_FILE, and the fingerprint.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfigText, type ConfigObject } from '../../../src/config/document.ts';
import { DEFAULT_HOST, DEFAULT_HOST_V6, fingerprint, hasStack, resolveCredentials, type CredentialInput } from '../../../src/credentials/provenance.ts';

const FILE_TOKEN = 'tok_file_0123456789';
const ENV_TOKEN = 'tok_env_9876543210';
const SECRET = 'tok_secret_5555555555';
const LOGIN = { token: FILE_TOKEN, stackID: 42, stackURL: 'https://s.grafana.net', defaultProjectID: 7 };

const config = (cloud: Record<string, unknown>): ConfigObject => ({ collectors: { cloud } });

function resolve(input: Partial<CredentialInput>) {
  return resolveCredentials({ env: {}, configPath: '/config/config.json', ...input });
}

describe('token', () => {
  it.each([
    ['file only', {}, undefined, LOGIN, { value: FILE_TOKEN, source: 'config', shadowed: false }],
    ['K6_CLOUD_TOKEN over the file', { K6_CLOUD_TOKEN: ENV_TOKEN }, undefined, LOGIN, { value: ENV_TOKEN, source: 'env', from: 'K6_CLOUD_TOKEN', shadowed: true, saved: FILE_TOKEN }],
    ['an empty K6_CLOUD_TOKEN is ignored (D2)', { K6_CLOUD_TOKEN: '' }, undefined, LOGIN, { value: FILE_TOKEN, source: 'config', shadowed: false }],
    ['K6_CLOUD_TOKEN alone', { K6_CLOUD_TOKEN: ENV_TOKEN }, undefined, {}, { value: ENV_TOKEN, source: 'env', shadowed: false }],
    ['the token file over the file, trimmed', {}, { path: '/run/secrets/t', content: `${SECRET}\n` }, LOGIN, { value: SECRET, source: 'token-file', from: '/run/secrets/t', shadowed: true, saved: FILE_TOKEN }],
    ['the token file with an empty K6_CLOUD_TOKEN (no conflict)', { K6_CLOUD_TOKEN: '' }, { path: '/t', content: SECRET }, {}, { value: SECRET, source: 'token-file', shadowed: false }],
    ['nothing anywhere', {}, undefined, {}, { value: null, source: 'none', shadowed: false }],
    ['an empty token in the file is none', {}, undefined, { token: '' }, { value: null, source: 'none' }],
    ['a null token in the file is none', {}, undefined, { token: null }, { value: null, source: 'none' }],
    ['Go matches the key case-insensitively', {}, undefined, { Token: FILE_TOKEN }, { value: FILE_TOKEN, source: 'config' }],
  ] as const)('%s', (_name, env, tokenFile, cloud, expected) => {
    const token = resolve({ env, tokenFile, config: config(cloud) }).token;
    expect(token).toMatchObject(expected);
    if (!('saved' in expected)) expect(token.saved).toBeUndefined();
  });

  it.each([
    ['conflict', { K6_CLOUD_TOKEN: ENV_TOKEN }, { path: '/t', content: SECRET }],
    ['unreadable', {}, { path: '/t', errorCode: 'EACCES' }],
    ['empty', {}, { path: '/t', content: ' \n' }],
  ] as const)('a token file the wrapper refuses (%s) gives no token', (problem, env, tokenFile) => {
    const token = resolve({ env, tokenFile, config: config(LOGIN) }).token;
    expect(token).toMatchObject({ value: null, source: 'none', problem, from: '/t' });
  });
});

describe('stack id', () => {
  it.each([
    ['file', {}, LOGIN, { value: 42, source: 'config', shadowed: false }],
    ['K6_CLOUD_STACK_ID over the file', { K6_CLOUD_STACK_ID: '43' }, LOGIN, { value: 43, source: 'env', from: 'K6_CLOUD_STACK_ID', shadowed: true, saved: 42 }],
    ['an empty K6_CLOUD_STACK_ID is ignored (D3)', { K6_CLOUD_STACK_ID: '' }, LOGIN, { value: 42, source: 'config', shadowed: false }],
    ['K6_CLOUD_STACK_ID alone', { K6_CLOUD_STACK_ID: '43' }, {}, { value: 43, source: 'env', shadowed: false }],
    ['not a number: kept as written (k6 refuses it)', { K6_CLOUD_STACK_ID: 'abc' }, {}, { value: 'abc', source: 'env' }],
    ['none', {}, {}, { value: null, source: 'none', shadowed: false }],
  ] as const)('%s', (_name, env, cloud, expected) => {
    expect(resolve({ env, config: config(cloud) }).stackID).toMatchObject(expected);
  });

  it('an int64 beyond a JavaScript number keeps its digits', () => {
    const parsed = parseConfigText('{"collectors":{"cloud":{"stackID":9007199254740993}}}');
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(JSON.stringify(resolve({ config: parsed.config }).stackID.value)).toBe('9007199254740993');
    expect(resolve({ env: { K6_CLOUD_STACK_ID: '9007199254740993' } }).stackID.value).toBe('9007199254740993');
  });

  it.each([
    [{ K6_CLOUD_STACK_ID: '43' }, true],
    [{ K6_CLOUD_STACK_ID: '0' }, false],
    [{}, false],
  ] as const)('hasStack with %j: %s (k6 needs an id other than 0)', (env, expected) => {
    expect(hasStack(resolve({ env }))).toBe(expected);
  });
});

describe('stack URL: K6_CLOUD_STACK_URL applies only when the file has none (D3)', () => {
  it.each([
    ['the file wins over the variable, which is reported ignored', { K6_CLOUD_STACK_URL: 'https://other.grafana.net' }, LOGIN, { value: 'https://s.grafana.net', source: 'config', shadowed: false, ignored: 'K6_CLOUD_STACK_URL' }],
    ['the variable when the file has none', { K6_CLOUD_STACK_URL: 'https://other.grafana.net' }, { token: FILE_TOKEN }, { value: 'https://other.grafana.net', source: 'env', shadowed: false }],
    ['the variable when the file has null', { K6_CLOUD_STACK_URL: 'https://other.grafana.net' }, { stackURL: null }, { value: 'https://other.grafana.net', source: 'env' }],
    ['an empty variable is ignored', { K6_CLOUD_STACK_URL: '' }, {}, { value: null, source: 'none' }],
    ['the file alone', {}, LOGIN, { value: 'https://s.grafana.net', source: 'config' }],
  ] as const)('%s', (_name, env, cloud, expected) => {
    const stackURL = resolve({ env, config: config(cloud) }).stackURL;
    expect(stackURL).toMatchObject(expected);
    if (!('ignored' in expected)) expect(stackURL.ignored).toBeUndefined();
  });
});

describe('project id', () => {
  it.each([
    ['the login\'s defaultProjectID', {}, LOGIN, { value: 7, source: 'config', shadowed: false }],
    ['projectID over defaultProjectID', {}, { ...LOGIN, projectID: 9 }, { value: 9, source: 'config' }],
    ['projectID 0 does not apply: defaultProjectID', {}, { ...LOGIN, projectID: 0 }, { value: 7, source: 'config' }],
    ['K6_CLOUD_PROJECT_ID over the file', { K6_CLOUD_PROJECT_ID: '11' }, LOGIN, { value: 11, source: 'env', shadowed: true, saved: 7 }],
    ['K6_CLOUD_PROJECT_ID=0 does not apply', { K6_CLOUD_PROJECT_ID: '0' }, LOGIN, { value: 7, source: 'config', shadowed: false }],
    ['an empty K6_CLOUD_PROJECT_ID is ignored', { K6_CLOUD_PROJECT_ID: '' }, LOGIN, { value: 7, source: 'config' }],
    ['none', {}, {}, { value: null, source: 'none' }],
  ] as const)('%s', (_name, env, cloud, expected) => {
    expect(resolve({ env, config: config(cloud) }).projectID).toMatchObject(expected);
  });
});

describe('hosts, as k6 resolves them', () => {
  it.each([
    [{}, {}, DEFAULT_HOST, DEFAULT_HOST_V6],
    [{}, { host: 'http://h1', hostv6: 'http://h6' }, 'http://h1', 'http://h6'],
    [{ K6_CLOUD_HOST: 'http://e1', K6_CLOUD_HOST_V6: 'http://e6' }, { host: 'http://h1', hostv6: 'http://h6' }, 'http://e1', 'http://e6'],
    [{ K6_CLOUD_HOST: '', K6_CLOUD_HOST_V6: '' }, { host: 'http://h1', hostv6: 'http://h6' }, 'http://h1', 'http://h6'],
    [{}, { host: '', hostv6: '' }, DEFAULT_HOST, DEFAULT_HOST_V6],
  ] as const)('env %j, file %j', (env, cloud, v1, v6) => {
    expect(resolve({ env, config: config(cloud) }).hosts).toEqual({ v1, v6 });
  });
});

it('without a config every value comes from the environment or nowhere', () => {
  const credentials = resolveCredentials({ env: { K6_CLOUD_TOKEN: ENV_TOKEN } });
  expect(credentials.token.source).toBe('env');
  expect([credentials.stackID.source, credentials.stackURL.source, credentials.projectID.source]).toEqual(['none', 'none', 'none']);
  expect(credentials.configPath).toBeUndefined();
});

it('the fingerprint is the first 12 hex digits of the SHA-256 of the token', () => {
  expect(fingerprint(SECRET)).toBe(createHash('sha256').update(SECRET).digest('hex').slice(0, 12));
  expect(fingerprint(SECRET)).toMatch(/^[0-9a-f]{12}$/);
  expect(fingerprint(SECRET)).not.toBe(fingerprint(`${SECRET}x`));
});
