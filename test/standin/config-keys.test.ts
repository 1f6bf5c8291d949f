// What a login leaves in config.json, key by key and byte by byte, per version: the top-level
// keys of cmd.Config (audit D7), the keys of collectors.cloud (D6), and how Go's types read and
// write values (D19). docs/k6-behaviour.md WRITE-2, WRITE-3, WRITE-4, READ-3.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  TOKEN,
  VERSIONS,
  type Version,
  cloudEnv,
  errorMessages,
  k6,
  readJson,
  saveTokenArgs,
  standardCloud,
  tempDir,
} from './support.ts';

const configOf = (home: string) => path.join(home, '.config', 'k6', 'config.json');

async function loginWith(version: Version, home: string, content: string) {
  fs.mkdirSync(path.dirname(configOf(home)), { recursive: true });
  fs.writeFileSync(configOf(home), content);
  const cloud = await standardCloud();
  return k6(version, saveTokenArgs(version), { home, env: cloudEnv(cloud) });
}

// lib.Options then cmd.Config, from lib/options.go and internal/cmd/config.go at each tag.
const OPTIONS_HEAD = [
  'paused', 'vus', 'duration', 'iterations', 'stages', 'scenarios', 'executionSegment',
  'executionSegmentSequence', 'noSetup', 'setupTimeout', 'noTeardown', 'teardownTimeout'
];
const OPTIONS_MIDDLE = [
  'rps', 'dns', 'maxRedirects', 'userAgent', 'batch', 'batchPerHost', 'httpDebug',
  'insecureSkipTLSVerify', 'tlsCipherSuites', 'tlsVersion', 'tlsAuth', 'throw', 'thresholds',
  'blacklistIPs', 'blockHostnames', 'hosts', 'noConnectionReuse', 'noVUConnectionReuse',
  'minIterationDuration', 'ext', 'summaryTrendStats', 'summaryTimeUnit', 'systemTags', 'tags',
  'metricSamplesBufferSize', 'noCookiesReset', 'discardResponseBodies'
];
const CONFIG_TAIL = [
  'out', 'linger', 'noUsageReport', 'webDashboard', 'noArchiveUpload', 'collectors'
];

function topLevelKeys(version: Version): string[] {
  return [
    ...OPTIONS_HEAD,
    ...(version === '2.2.0' ? ['handleSummaryTimeout'] : []),
    ...OPTIONS_MIDDLE,
    ...(version === '2.1.0' || version === '2.2.0' ? ['features'] : []),
    ...CONFIG_TAIL,
  ];
}

// cloudapi.Config at each tag: 2.0.0 and 2.1.0 have 1.8.1's fields; 2.2.0 adds two.
function cloudKeys(version: Version): string[] {
  return [
    'stackID', 'stackURL', 'defaultProjectID', 'token', 'projectID', 'name', 'host', 'hostv6', 'timeout', 'webAppURL',
    'testRunDetails', 'noCompress', 'stopOnError', 'apiVersion',
    ...(version === '2.2.0' ? ['metricsPushURL', 'testRunToken'] : []),
    'pushRefID', 'maxTimeSeriesInBatch', 'metricPushInterval', 'metricPushConcurrency', 'aggregationPeriod',
    'aggregationWaitPeriod', 'tracesEnabled', 'traceHost', 'tracesPushConcurrency', 'tracesPushInterval',
  ];
}

describe.each(VERSIONS)('k6 %s: the keys a login writes', (version) => {
  it('D7: every top-level key of cmd.Config in struct order; "scenarios": null; no consoleOutput/localIPs', async () => {
    const home = tempDir();
    const result = await loginWith(version, home, JSON.stringify({ consoleOutput: 'out.log', localIPs: '10.0.0.1', vus: 2 }));
    expect(result.exitCode).toBe(0);
    const written = readJson(configOf(home));
    expect(Object.keys(written)).toEqual(topLevelKeys(version));
    expect(written['scenarios']).toBeNull();
    expect(written['vus']).toBe(2);
    expect(written['dns']).toEqual({ ttl: null, select: null, policy: null });
  });

  it('D7: a user\'s "features" and "handleSummaryTimeout" survive only where the version has them', async () => {
    const home = tempDir();
    const result = await loginWith(version, home, JSON.stringify({ features: ['x'], handleSummaryTimeout: '30s', cloud: { name: 'n' } }));
    expect(result.exitCode).toBe(0);
    const written = readJson(configOf(home));
    expect(written['features']).toEqual(version === '2.1.0' || version === '2.2.0' ? ['x'] : undefined);
    expect(written['handleSummaryTimeout']).toEqual(version === '2.2.0' ? '30s' : undefined);
    // The script-style `cloud` option is a RawMessage with omitempty: kept when present.
    expect(written['cloud']).toEqual({ name: 'n' });
  });

  it('D6: collectors.cloud holds exactly cloudapi.Config\'s keys in order; hostv6 kept, keys of old releases dropped', async () => {
    const home = tempDir();
    const old = {
      hostv6: 'https://v6.example',
      projectID: 12,
      maxMetricSamplesPerPackage: 5,
      aggregationCalcInterval: '3s',
      aggregationMinSamples: 2,
      aggregationSkipOutlierDetection: true,
      aggregationOutlierAlgoThreshold: 1,
      aggregationOutlierIqrRadius: 0.5,
      aggregationOutlierIqrCoefLower: 1.5,
      aggregationOutlierIqrCoefUpper: 1.5,
      customThing: 'gone',
    };
    const result = await loginWith(version, home, JSON.stringify({ collectors: { cloud: old } }));
    expect(result.exitCode).toBe(0);
    const cloud = (readJson(configOf(home))['collectors'] as Record<string, Record<string, unknown>>)['cloud'] ?? {};
    expect(Object.keys(cloud)).toEqual(cloudKeys(version));
    expect(cloud).toMatchObject({ hostv6: 'https://v6.example', projectID: 12, token: TOKEN, apiVersion: null, traceHost: null });
  });

  it('D6: durations in collectors.cloud come back in Go notation (types.NullDuration)', async () => {
    const home = tempDir();
    const cloud = { timeout: '90s', metricPushInterval: 1500, aggregationPeriod: '1d', tracesPushInterval: '250ms' };
    const result = await loginWith(version, home, JSON.stringify({ collectors: { cloud } }));
    expect(result.exitCode).toBe(0);
    const written = (readJson(configOf(home))['collectors'] as Record<string, Record<string, unknown>>)['cloud'];
    expect(written).toMatchObject({ timeout: '1m30s', metricPushInterval: '1.5s', aggregationPeriod: '24h0m0s', tracesPushInterval: '250ms' });
  });
});

describe.each(VERSIONS)('k6 %s: how values are read and written', (version) => {
  it.each([
    ['token', 5, 'json: cannot unmarshal float64 into Go value of type null.String'],
    ['stackURL', true, 'json: cannot unmarshal bool into Go value of type null.String'],
    ['name', ['a'], 'json: cannot unmarshal  into Go value of type null.String'],
    ['stackID', true, 'json: cannot unmarshal bool into Go value of type null.Int'],
    ['projectID', 1.5, 'json: cannot unmarshal number 1.5 into Go value of type int64'],
    ['projectID', 'twelve', 'strconv.ParseInt: parsing "twelve": invalid syntax'],
    ['noCompress', 'yes', 'json: cannot unmarshal string into Go value of type null.Bool'],
    ['timeout', 'soon', 'time: invalid duration "soon"'],
  ])('D19: collectors.cloud.%s = %j fails the login with "%s", file untouched', async (key, value, message) => {
    const home = tempDir();
    const content = JSON.stringify({ collectors: { cloud: { [key]: value } } });
    const result = await loginWith(version, home, content);
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toEqual([message]);
    expect(fs.readFileSync(configOf(home), 'utf8')).toBe(content);
  });

  it('D19: null.Int takes a numeric string ("12" is 12, "" is null) and keeps int64 digits beyond 2^53', async () => {
    const home = tempDir();
    const content =
      '{"collectors": {"cloud": {"projectID": "12", "apiVersion": 9007199254740993, "maxTimeSeriesInBatch": ""}}, "vus": 9007199254740995}';
    const result = await loginWith(version, home, content);
    expect(result.exitCode).toBe(0);
    const text = fs.readFileSync(configOf(home), 'utf8');
    expect(text).toContain('"projectID": 12,');
    expect(text).toContain('"apiVersion": 9007199254740993,');
    expect(text).toContain('"maxTimeSeriesInBatch": null,');
    expect(text).toContain('"vus": 9007199254740995,');
  });

  it('D19: other collectors are json.RawMessage: number literals, escapes and key order inside kept byte for byte', async () => {
    const home = tempDir();
    const content =
      '{"collectors": {"zeta": {"b": 1.0, "a": 1e3, "big": 123456789012345678901234567890, "s": "\\u00e9\\/<", "e": {}, "l": []},' +
      ' "influxdb": {"addr": "http://db:8086"}}}';
    const result = await loginWith(version, home, content);
    expect(result.exitCode).toBe(0);
    const text = fs.readFileSync(configOf(home), 'utf8');
    expect(text).toContain(
      [
        '    "zeta": {',
        '      "b": 1.0,',
        '      "a": 1e3,',
        '      "big": 123456789012345678901234567890,',
        '      "s": "\\u00e9\\/\\u003c",',
        '      "e": {},',
        '      "l": []',
        '    }',
      ].join('\n'),
    );
    // Map keys sorted: cloud, influxdb, zeta.
    expect(Object.keys(readJson(configOf(home))['collectors'] as object)).toEqual(['cloud', 'influxdb', 'zeta']);
    expect(text.endsWith('}')).toBe(true);
  });
});
