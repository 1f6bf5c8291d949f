// The one place listing which config.json keys k6 knows, per reproduced version. Login rewrites
// the file from these lists: every key of cmd.Config is written in Go struct order (absent ones
// as their zero value, mostly null), unknown top-level keys vanish, and `collectors.cloud` is
// re-encoded from cloudapi.Config, so it holds exactly CLOUD_KEYS. Each key has the Go type
// that decides how its value is read and written (go-types.ts).
// Sources: lib/options.go, internal/cmd/config.go and cloudapi/config.go at v1.8.1, v2.0.0,
// v2.1.0 and v2.2.0 (audit D6, D7).
import type { GoValue } from './go-json.ts';
import type { GoType } from './go-types.ts';
import { FEATURES } from './version.ts';

export interface KeySpec {
  readonly key: string;
  readonly type: GoType;
  /** Written when the file does not have the key; undefined means the key is left out. */
  readonly zero?: GoValue;
}

const nil = (key: string, type: GoType = 'raw'): KeySpec => ({ key, type, zero: null });
const only = (enabled: boolean, ...specs: KeySpec[]): KeySpec[] => (enabled ? specs : []);

/**
 * lib.Options followed by cmd.Config's own fields. `consoleOutput` and `localIPs` are
 * `json:"-"` in k6 (never read from or written to the file); `cloud` is omitempty.
 * Options with structured Go types (stages, scenarios, thresholds, ...) are kept as written.
 */
export const TOP_LEVEL_KEYS: readonly KeySpec[] = [
  nil('paused', 'null.Bool'),
  nil('vus', 'null.Int'),
  nil('duration', 'duration'),
  nil('iterations', 'null.Int'),
  nil('stages'),
  nil('scenarios'),
  nil('executionSegment'),
  nil('executionSegmentSequence'),
  nil('noSetup', 'null.Bool'),
  nil('setupTimeout', 'duration'),
  nil('noTeardown', 'null.Bool'),
  nil('teardownTimeout', 'duration'),
  ...only(FEATURES.optionsHandleSummaryTimeoutKey, nil('handleSummaryTimeout', 'duration')),
  nil('rps', 'null.Int'),
  { key: 'dns', type: 'raw', zero: { ttl: null, select: null, policy: null } },
  nil('maxRedirects', 'null.Int'),
  nil('userAgent', 'null.String'),
  nil('batch', 'null.Int'),
  nil('batchPerHost', 'null.Int'),
  nil('httpDebug', 'null.String'),
  nil('insecureSkipTLSVerify', 'null.Bool'),
  nil('tlsCipherSuites'),
  nil('tlsVersion'),
  nil('tlsAuth'),
  nil('throw', 'null.Bool'),
  nil('thresholds'),
  nil('blacklistIPs'),
  nil('blockHostnames'),
  nil('hosts'),
  nil('noConnectionReuse', 'null.Bool'),
  nil('noVUConnectionReuse', 'null.Bool'),
  nil('minIterationDuration', 'duration'),
  { key: 'cloud', type: 'raw' },
  nil('ext'),
  nil('summaryTrendStats', 'strings'),
  nil('summaryTimeUnit', 'null.String'),
  nil('systemTags'),
  nil('tags'),
  nil('metricSamplesBufferSize', 'null.Int'),
  nil('noCookiesReset', 'null.Bool'),
  nil('discardResponseBodies', 'null.Bool'),
  ...only(FEATURES.optionsFeaturesKey, nil('features', 'strings')),
  nil('out', 'strings'),
  nil('linger', 'null.Bool'),
  nil('noUsageReport', 'null.Bool'),
  nil('webDashboard', 'null.Bool'),
  nil('noArchiveUpload', 'null.Bool'),
  nil('collectors', 'rawMap'),
];

/** cloudapi.Config: what `collectors.cloud` holds after a login, every key, null when unset. */
export const CLOUD_KEYS: readonly KeySpec[] = [
  nil('stackID', 'null.Int'),
  nil('stackURL', 'null.String'),
  nil('defaultProjectID', 'null.Int'),
  nil('token', 'null.String'),
  nil('projectID', 'null.Int'),
  nil('name', 'null.String'),
  nil('host', 'null.String'),
  nil('hostv6', 'null.String'),
  nil('timeout', 'duration'),
  nil('webAppURL', 'null.String'),
  nil('testRunDetails', 'null.String'),
  nil('noCompress', 'null.Bool'),
  nil('stopOnError', 'null.Bool'),
  nil('apiVersion', 'null.Int'),
  ...only(FEATURES.cloudPushUrlKeys, nil('metricsPushURL', 'null.String'), nil('testRunToken', 'null.String')),
  nil('pushRefID', 'null.String'),
  nil('maxTimeSeriesInBatch', 'null.Int'),
  nil('metricPushInterval', 'duration'),
  nil('metricPushConcurrency', 'null.Int'),
  nil('aggregationPeriod', 'duration'),
  nil('aggregationWaitPeriod', 'duration'),
  nil('tracesEnabled', 'null.Bool'),
  nil('traceHost', 'null.String'),
  nil('tracesPushConcurrency', 'null.Int'),
  nil('tracesPushInterval', 'duration'),
];

/** What `cloud login --reset` clears (set to null). `login cloud --reset` clears only the token. */
export const STACK_KEYS = ['stackID', 'stackURL', 'defaultProjectID'] as const;

/** Go's decoder matches JSON keys to struct fields ignoring case; an exact match wins. */
export function canonicalKey(specs: readonly KeySpec[], key: string): KeySpec | undefined {
  const lower = key.toLowerCase();
  return specs.find((s) => s.key === key) ?? specs.find((s) => s.key.toLowerCase() === lower);
}
