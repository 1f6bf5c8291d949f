import { describe, expect, it } from 'vitest';
import { applyCloudChange, diffCloud, isEmptyChange, summarizeCloud } from '../../../src/config/merge.ts';

const persistent = {
  myTool: { keep: true },
  collectors: {
    influxdb: { addr: 'http://127.0.0.1:8086' },
    cloud: { token: 'old-token', customNote: 'kept by the wrapper', stackID: 1 },
  },
};

describe('diffCloud', () => {
  it('reports keys k6 added or changed, and not keys it merely dropped', () => {
    // What k6 writes back: unknown keys gone, token replaced, stack fields added.
    const fromK6 = {
      vus: null,
      collectors: {
        influxdb: { addr: 'http://127.0.0.1:8086' },
        cloud: { token: 'new-token', stackID: 1, stackURL: 'https://a.grafana.net', defaultProjectID: 7 },
      },
    };
    const change = diffCloud(persistent, fromK6, false);
    // The credentials travel as one unit, so the unchanged stackID is part of the change.
    expect(change).toEqual({ set: { token: 'new-token', stackID: 1, stackURL: 'https://a.grafana.net', defaultProjectID: 7 }, remove: [] });
    expect(change.set).not.toHaveProperty('customNote');
  });

  it('finds no change when k6 only re-wrote the same values (e.g. --show)', () => {
    const fromK6 = { collectors: { cloud: { token: 'old-token', stackID: 1 } } };
    expect(isEmptyChange(diffCloud(persistent, fromK6, false))).toBe(true);
  });

  it('on reset, removes credential keys that k6 deleted and applies the nulls it wrote', () => {
    const fromK6 = { collectors: { cloud: { token: null } } };
    const change = diffCloud(persistent, fromK6, true);
    expect(change.set).toEqual({ token: null });
    expect(change.remove).toEqual(['stackID', 'stackURL', 'defaultProjectID']);
  });

  it('a token-only login drops the stack k6 no longer writes with it', () => {
    const change = diffCloud(persistent, { collectors: { cloud: { token: 'new-token' } } }, false);
    expect(change).toEqual({ set: { token: 'new-token' }, remove: ['stackID', 'stackURL', 'defaultProjectID'] });
  });

  it('a non-credential change leaves the credentials alone', () => {
    const change = diffCloud(persistent, { collectors: { cloud: { token: 'old-token', stackID: 1, projectID: 9 } } }, false);
    expect(change).toEqual({ set: { projectID: 9 }, remove: [] });
  });

  it('without a credential change, never removes a key k6 left out', () => {
    const change = diffCloud(persistent, { collectors: { cloud: {} } }, false);
    expect(change.remove).toEqual([]);
  });

  it('compares nested values by content', () => {
    const before = { collectors: { cloud: { tags: { a: [1, 2] } } } };
    const after = { collectors: { cloud: { tags: { a: [1, 2] } } } };
    expect(isEmptyChange(diffCloud(before, after, false))).toBe(true);
  });
});

describe('applyCloudChange', () => {
  it('keeps unknown top-level keys, other collectors and unknown cloud keys', () => {
    const next = applyCloudChange(persistent, { set: { token: 'new-token' }, remove: [] });
    expect(next).toEqual({
      myTool: { keep: true },
      collectors: {
        influxdb: { addr: 'http://127.0.0.1:8086' },
        cloud: { token: 'new-token', customNote: 'kept by the wrapper', stackID: 1 },
      },
    });
  });

  it('creates collectors.cloud in an empty config', () => {
    expect(applyCloudChange({}, { set: { token: 't' }, remove: [] })).toEqual({ collectors: { cloud: { token: 't' } } });
  });

  it('removes what a reset removed', () => {
    const next = applyCloudChange(persistent, { set: { token: null }, remove: ['stackID'] });
    expect(next.collectors).toEqual({
      influxdb: { addr: 'http://127.0.0.1:8086' },
      cloud: { token: null, customNote: 'kept by the wrapper' },
    });
  });

  it('does not modify its input', () => {
    const copy = structuredClone(persistent);
    applyCloudChange(persistent, { set: { token: 'x' }, remove: ['stackID'] });
    expect(persistent).toEqual(copy);
  });
});

describe('summarizeCloud', () => {
  it('reports token, stack and project (projectID before defaultProjectID)', () => {
    expect(summarizeCloud({ collectors: { cloud: { token: 't', stackID: 5, defaultProjectID: 7 } } })).toEqual({
      token: 't',
      stackID: 5,
      projectID: 7,
    });
    expect(summarizeCloud({ collectors: { cloud: { token: 't', projectID: 9, defaultProjectID: 7 } } }).projectID).toBe(9);
  });

  it('reports no token for null or empty tokens', () => {
    expect(summarizeCloud({ collectors: { cloud: { token: null } } }).token).toBeUndefined();
    expect(summarizeCloud({ collectors: { cloud: { token: '' } } }).token).toBeUndefined();
  });
});

describe('diffCloud and the nulls k6 writes for every option it knows', () => {
  it('adds no null for a key the file did not have', () => {
    const fromK6 = { collectors: { cloud: { token: 'new-token', stackID: null, stackURL: null, timeout: null, name: null } } };
    // defaultProjectID, absent from k6's credentials, is removed (a no-op here) so that a
    // concurrent login's project can never stay paired with this login's token.
    expect(diffCloud({}, fromK6, false)).toEqual({ set: { token: 'new-token' }, remove: ['defaultProjectID'] });
  });

  it('still applies a null that replaces a value (a reset)', () => {
    const change = diffCloud({ collectors: { cloud: { token: 't', stackID: 3 } } }, { collectors: { cloud: { token: null, stackID: null } } }, true);
    expect(change.set).toEqual({ token: null, stackID: null });
  });
});
