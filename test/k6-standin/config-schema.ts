// The one place listing which config.json keys k6 knows. Login rewrites the file from these
// lists: known top-level keys are written (absent ones as their zero value, mostly null),
// unknown top-level keys vanish, and `collectors.cloud` keeps only CLOUD_KEYS. The lists
// follow the field order of k6's Go structs, because encoding/json writes fields in that order.

export type Kind = 'string' | 'int' | 'float' | 'bool' | 'duration' | 'any';

export interface KeySpec {
  readonly key: string;
  readonly kind: Kind;
  /** Written when the file does not have the key; undefined means the key is left out. */
  readonly zero?: unknown;
}

const nil = (key: string, kind: Kind = 'any'): KeySpec => ({ key, kind, zero: null });

/** lib.Options followed by cmd.Config's own fields (a representative subset of k6's). */
export const TOP_LEVEL_KEYS: readonly KeySpec[] = [
  nil('paused', 'bool'),
  nil('vus', 'int'),
  nil('duration', 'duration'),
  nil('iterations', 'int'),
  nil('stages'),
  { key: 'scenarios', kind: 'any' },
  nil('executionSegment'),
  nil('executionSegmentSequence'),
  nil('noSetup', 'bool'),
  nil('setupTimeout', 'duration'),
  nil('noTeardown', 'bool'),
  nil('teardownTimeout', 'duration'),
  nil('rps', 'int'),
  { key: 'dns', kind: 'any', zero: { ttl: null, select: null, policy: null } },
  nil('maxRedirects', 'int'),
  nil('userAgent', 'string'),
  nil('batch', 'int'),
  nil('batchPerHost', 'int'),
  nil('httpDebug', 'string'),
  nil('insecureSkipTLSVerify', 'bool'),
  nil('tlsCipherSuites'),
  nil('tlsVersion'),
  nil('tlsAuth'),
  nil('throw', 'bool'),
  nil('thresholds'),
  nil('blacklistIPs'),
  nil('blockHostnames'),
  nil('hosts'),
  nil('noConnectionReuse', 'bool'),
  nil('noVUConnectionReuse', 'bool'),
  nil('minIterationDuration', 'duration'),
  nil('ext'),
  nil('summaryTrendStats'),
  nil('summaryTimeUnit', 'string'),
  nil('systemTags'),
  nil('tags'),
  nil('metricSamplesBufferSize', 'int'),
  nil('noCookiesReset', 'bool'),
  nil('discardResponseBodies', 'bool'),
  nil('consoleOutput', 'string'),
  { key: 'cloud', kind: 'any' },
  nil('localIPs'),
  nil('out'),
  nil('linger', 'bool'),
  nil('noUsageReport', 'bool'),
  nil('webDashboard', 'bool'),
  nil('noArchiveUpload', 'bool'),
  nil('collectors'),
];

/** cloudapi.Config: what survives in `collectors.cloud` after a login. */
export const CLOUD_KEYS: readonly KeySpec[] = [
  nil('token', 'string'),
  nil('projectID', 'int'),
  nil('name', 'string'),
  nil('host', 'string'),
  nil('timeout', 'duration'),
  nil('pushRefID', 'string'),
  nil('webAppURL', 'string'),
  nil('testRunDetails', 'string'),
  nil('noCompress', 'bool'),
  nil('stopOnError', 'bool'),
  nil('maxMetricSamplesPerPackage', 'int'),
  nil('metricPushInterval', 'duration'),
  nil('metricPushConcurrency', 'int'),
  nil('aggregationPeriod', 'duration'),
  nil('aggregationCalcInterval', 'duration'),
  nil('aggregationWaitPeriod', 'duration'),
  nil('aggregationMinSamples', 'int'),
  nil('aggregationSkipOutlierDetection', 'bool'),
  nil('aggregationOutlierAlgoThreshold', 'int'),
  nil('aggregationOutlierIqrRadius', 'float'),
  nil('aggregationOutlierIqrCoefLower', 'float'),
  nil('aggregationOutlierIqrCoefUpper', 'float'),
  nil('stackID', 'int'),
  nil('stackURL', 'string'),
  nil('defaultProjectID', 'int'),
];

/** What `cloud login --reset` clears (set to null). `login cloud --reset` clears only the token. */
export const STACK_KEYS = ['stackID', 'stackURL', 'defaultProjectID'] as const;

const GO_TYPE: Readonly<Record<Kind, string>> = {
  string: 'string',
  int: 'int64',
  float: 'float64',
  bool: 'bool',
  duration: 'types.NullDuration',
  any: 'interface {}',
};

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/**
 * encoding/json's complaint for a value of the wrong JSON type, or undefined when it fits.
 * Go matches field names case-insensitively, so callers pass the canonical key.
 */
export function typeMismatch(spec: KeySpec, value: unknown, structName: string): string | undefined {
  if (value === null || spec.kind === 'any') return undefined;
  const actual = jsonKind(value);
  const ok =
    (spec.kind === 'string' && actual === 'string') ||
    (spec.kind === 'bool' && actual === 'boolean') ||
    (spec.kind === 'float' && actual === 'number') ||
    (spec.kind === 'int' && actual === 'number' && Number.isInteger(value)) ||
    (spec.kind === 'duration' && (actual === 'string' || actual === 'number'));
  if (ok) return undefined;
  const shown = actual === 'boolean' ? 'bool' : actual;
  return `json: cannot unmarshal ${shown} into Go struct field ${structName}.${spec.key} of type ${GO_TYPE[spec.kind]}`;
}

/** Go's decoder matches JSON keys to struct fields ignoring case; the last match wins. */
export function canonicalKey(specs: readonly KeySpec[], key: string): KeySpec | undefined {
  const lower = key.toLowerCase();
  return specs.find((s) => s.key === key) ?? specs.find((s) => s.key.toLowerCase() === lower);
}
