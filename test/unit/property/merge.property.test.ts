// The login merge on random configs (issue 5): only what k6 changed under collectors.cloud is
// carried into the persistent file; everything else survives, whatever the file holds; and
// concurrent logins, applied one after the other under the lock, leave one login's credentials
// whole.
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cloudSection, parseConfigText, serializeConfig, type ConfigObject } from '../../../src/config/document.ts';
import { CREDENTIAL_KEYS, applyCloudChange, diffCloud, isEmptyChange } from '../../../src/config/merge.ts';
import { configArb, jsonObjectArb, jsonValueArb } from './arbitraries.ts';

function expectSameJson(actual: unknown, expected: unknown, what = ''): void {
  expect(isDeepStrictEqual(actual, expected), `${what}\n${JSON.stringify(actual)}\n  !==\n${JSON.stringify(expected)}`).toBe(true);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Keys of collectors.cloud k6 knows and keeps (a subset of docs/k6-behaviour.md, audit D6); it drops every other one. */
const KNOWN_CLOUD_KEYS = ['stackID', 'stackURL', 'defaultProjectID', 'token', 'projectID', 'name', 'host', 'hostv6', 'timeout', 'webAppURL', 'apiVersion'];
const KNOWN_TOP_KEYS = ['vus', 'duration', 'iterations'];

interface K6Login {
  token: string | null;
  /** Present for a 2.x `--stack` login: k6 then writes all four stack keys. */
  stack?: { stackID: number; stackURL: string; defaultProjectID: number };
  reset: boolean;
}

const loginArb: fc.Arbitrary<K6Login> = fc.oneof(
  fc.record({ token: fc.string({ minLength: 1, maxLength: 20 }), reset: fc.constant(false) }),
  fc.record({
    token: fc.string({ minLength: 1, maxLength: 20 }),
    stack: fc.record({ stackID: fc.integer({ min: 1, max: 9 }), stackURL: fc.constantFrom('https://a.grafana.net', 'https://b.grafana.net'), defaultProjectID: fc.integer({ min: 1, max: 9 }) }),
    reset: fc.constant(false),
  }),
  fc.constant<K6Login>({ token: null, reset: true }),
);

/** What k6 writes back to the staging copy after a login: the whole file, rewritten its way. */
function k6Rewrite(before: ConfigObject, login: K6Login): ConfigObject {
  const out: ConfigObject = {};
  for (const key of KNOWN_TOP_KEYS) out[key] = key in before ? before[key] : null;
  const collectors = before['collectors'];
  const otherCollectors = collectors !== null && typeof collectors === 'object' && !Array.isArray(collectors) ? { ...(collectors as ConfigObject) } : {};
  const was = cloudSection(before);
  const cloud: ConfigObject = {};
  for (const key of KNOWN_CLOUD_KEYS) if (key in was) cloud[key] = was[key];
  cloud['token'] = login.token;
  if (login.stack) Object.assign(cloud, login.stack);
  if (login.reset) for (const key of ['stackID', 'stackURL', 'defaultProjectID']) cloud[key] = null;
  out['collectors'] = { ...otherCollectors, cloud };
  return out;
}

/** The wrapper's whole merge, as session.ts composes it. */
function mergeLogin(base: ConfigObject, current: ConfigObject, login: K6Login): ConfigObject {
  return applyCloudChange(current, diffCloud(base, k6Rewrite(base, login), login.reset));
}

function withoutCollectors(config: ConfigObject): ConfigObject {
  const { collectors: _dropped, ...rest } = config;
  return rest;
}

function otherCollectors(config: ConfigObject): ConfigObject {
  const collectors = config['collectors'];
  if (collectors === null || typeof collectors !== 'object' || Array.isArray(collectors)) return {};
  const { cloud: _cloud, ...rest } = collectors as ConfigObject;
  return rest;
}

function credentials(config: ConfigObject): Record<string, unknown> {
  const cloud = cloudSection(config);
  return Object.fromEntries(CREDENTIAL_KEYS.map((key) => [key, cloud[key] ?? null]));
}

describe('the login merge, property-based', () => {
  it('into the unchanged file: keeps every other key, other collectors and unknown cloud keys, and takes k6\'s cloud values', () => {
    fc.assert(
      fc.property(configArb, loginArb, (before, login) => {
        deepFreeze(before);
        const after = k6Rewrite(before, login);
        const merged = applyCloudChange(before, diffCloud(before, after, login.reset));
        expectSameJson(withoutCollectors(merged), withoutCollectors(before), 'top-level keys');
        expectSameJson(otherCollectors(merged), otherCollectors(before), 'other collectors');
        // k6's values win, except the null it writes for an option the file never had.
        const expectedCloud: ConfigObject = { ...cloudSection(before) };
        for (const [key, value] of Object.entries(cloudSection(after))) {
          if (value !== null || Object.hasOwn(cloudSection(before), key)) expectedCloud[key] = value;
        }
        if (login.reset) for (const key of CREDENTIAL_KEYS) if (!(key in cloudSection(after))) delete expectedCloud[key];
        expectSameJson(cloudSection(merged), expectedCloud, 'collectors.cloud');
      }),
      { numRuns: 2000 },
    );
  });

  it('into a file another container changed meanwhile: keeps that container\'s other changes', () => {
    fc.assert(
      fc.property(configArb, configArb, loginArb, (base, current, login) => {
        deepFreeze(base);
        deepFreeze(current);
        const change = diffCloud(base, k6Rewrite(base, login), login.reset);
        const merged = applyCloudChange(current, change);
        expectSameJson(withoutCollectors(merged), withoutCollectors(current), 'top-level keys of the current file');
        expectSameJson(otherCollectors(merged), otherCollectors(current), 'other collectors of the current file');
        for (const [key, value] of Object.entries(cloudSection(current))) {
          if (!(key in change.set) && !change.remove.includes(key)) expectSameJson(cloudSection(merged)[key], value, `cloud.${key}`);
        }
        for (const [key, value] of Object.entries(change.set)) expectSameJson(cloudSection(merged)[key], value, `cloud.${key}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent, never mutates its inputs, and survives a current file of any shape', () => {
    const anyCurrent = fc.oneof(configArb, jsonObjectArb, fc.record({ collectors: jsonValueArb }), fc.record({ collectors: fc.record({ cloud: jsonValueArb }) }));
    fc.assert(
      fc.property(configArb, anyCurrent, loginArb, (base, current, login) => {
        deepFreeze(base);
        deepFreeze(current);
        const change = deepFreeze(diffCloud(base, k6Rewrite(base, login), login.reset));
        const once = applyCloudChange(current as ConfigObject, change);
        expectSameJson(applyCloudChange(once, change), once, 'applied twice');
        // What is written must be a config the next run can read.
        expect(parseConfigText(serializeConfig(once)).ok).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('a reset leaves no credential behind', () => {
    fc.assert(
      fc.property(configArb, (before) => {
        const merged = mergeLogin(before, before, { token: null, reset: true });
        for (const key of CREDENTIAL_KEYS) expect(cloudSection(merged)[key] ?? null).toBeNull();
      }),
    );
  });

  it('a login that changes nothing under collectors.cloud (e.g. --show) is an empty change', () => {
    const loggedIn = fc.tuple(configArb, fc.string({ minLength: 1, maxLength: 20 })).map(([config, token]) => {
      const collectors = (config['collectors'] ?? {}) as ConfigObject;
      return { ...config, collectors: { ...collectors, cloud: { ...cloudSection(config), token } } } as ConfigObject;
    });
    fc.assert(
      fc.property(loggedIn, (before) => {
        const same: K6Login = { token: cloudSection(before)['token'] as string, reset: false };
        expect(isEmptyChange(diffCloud(before, k6Rewrite(before, same), false))).toBe(true);
      }),
    );
  });

  it('concurrent --stack logins, applied one after another under the lock, leave one login\'s credentials, whole', () => {
    // Each login diffs k6's output against the file as it was when THAT login started, then
    // applies the diff to the file as it is under the lock. Whatever the interleaving, the
    // token and its stack must come from the same login: a token paired with another login's
    // stack is a credential no login asked for. (Which login wins is the lock's business: a
    // login that re-saves what its starting copy already held may change nothing, which is
    // the same as it having run first.)
    const stackLogin = loginArb.filter((l): l is K6Login & Required<Pick<K6Login, 'stack'>> => l.stack !== undefined);
    fc.assert(
      // The file starts logged in to one of the stacks the logins use, as it does in practice.
      fc.property(configArb, stackLogin, fc.array(stackLogin, { minLength: 2, maxLength: 8 }), (config, first, logins) => {
        const start: ConfigObject = { ...config, collectors: { ...((config['collectors'] ?? {}) as ConfigObject), cloud: { ...cloudSection(config), token: first.token, ...first.stack } } };
        let file = start;
        for (const login of logins) file = mergeLogin(start, file, login);
        const candidates = [first, ...logins].map((login) => ({ token: login.token, ...login.stack }));
        expect(candidates, JSON.stringify(credentials(file))).toContainEqual(credentials(file));
        // And the last login's token is what the file holds unless that login changed nothing.
        const last = logins.at(-1)!;
        if (last.token !== first.token || !isDeepStrictEqual(last.stack, first.stack)) expect(credentials(file)['token']).toBe(last.token);
      }),
      { numRuns: 2000 },
    );
  });
});
