// isEmptyChange, applyCloudChange on a document whose collectors are not an object, and the exact
// fields of summarizeCloud (absent when not set, so a summary says only what is stored).
import { describe, expect, it } from 'vitest';
import { errorCode } from '../../../src/config/errno.ts';
import { applyCloudChange, isEmptyChange, summarizeCloud } from '../../../src/config/merge.ts';

describe('isEmptyChange', () => {
  it.each([
    [{ set: {}, remove: [] }, true],
    [{ set: { token: 't' }, remove: [] }, false],
    [{ set: {}, remove: ['token'] }, false],
    [{ set: { host: 'h' }, remove: ['token'] }, false],
  ])('%j: %s', (change, empty) => {
    expect(isEmptyChange(change)).toBe(empty);
  });
});

describe('applyCloudChange', () => {
  const change = { set: { token: 'new' }, remove: ['stackID'] };

  it.each([
    ['a string', 'abc'],
    ['an array', [1, 2]],
    ['a number', 5],
    ['null', null],
  ])('replaces collectors that are %s with an object holding only cloud', (_what, collectors) => {
    expect(applyCloudChange({ collectors, other: 1 }, change)).toStrictEqual({ collectors: { cloud: { token: 'new' } }, other: 1 });
  });

  it('keeps the other collectors and the other cloud keys', () => {
    const current = { collectors: { influxdb: { x: 1 }, cloud: { token: 'old', stackID: 5, host: 'h' } } };
    expect(applyCloudChange(current, change)).toStrictEqual({ collectors: { influxdb: { x: 1 }, cloud: { token: 'new', host: 'h' } } });
  });
});

describe('summarizeCloud', () => {
  const cloud = (section: Record<string, unknown>) => ({ collectors: { cloud: section } });

  it('has no field for what is not stored, or stored as null', () => {
    expect(summarizeCloud({})).toStrictEqual({});
    expect(summarizeCloud(cloud({ token: '', stackID: null, stackURL: null, projectID: null, defaultProjectID: null }))).toStrictEqual({});
  });

  it('has each field that is stored', () => {
    expect(summarizeCloud(cloud({ token: 't', stackID: 0, stackURL: 'https://x.grafana.net', projectID: 7 }))).toStrictEqual({
      token: 't',
      stackID: 0,
      stackURL: 'https://x.grafana.net',
      projectID: 7,
    });
    expect(summarizeCloud(cloud({ stackURL: 'https://x.grafana.net' }))).toStrictEqual({ stackURL: 'https://x.grafana.net' });
  });

  it('takes defaultProjectID when projectID is not set, and projectID first', () => {
    expect(summarizeCloud(cloud({ defaultProjectID: 3 }))).toStrictEqual({ projectID: 3 });
    expect(summarizeCloud(cloud({ projectID: 4, defaultProjectID: 3 }))).toStrictEqual({ projectID: 4 });
  });

  it('takes no token that is not a string', () => {
    expect(summarizeCloud(cloud({ token: 123 }))).toStrictEqual({});
  });
});

describe('errorCode', () => {
  it.each<[unknown, string]>([
    [Object.assign(new Error('x'), { code: 'EACCES' }), 'EACCES'],
    [{ code: 'ELOCKED' }, 'ELOCKED'],
    [new Error('no code'), 'EUNKNOWN'],
    [{ code: 13 }, 'EUNKNOWN'],
    [undefined, 'EUNKNOWN'],
    [null, 'EUNKNOWN'],
    ['EACCES', 'EUNKNOWN'],
  ])('%j: %s', (error, code) => {
    expect(errorCode(error)).toBe(code);
  });
});
