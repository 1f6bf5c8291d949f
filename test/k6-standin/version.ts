// Which k6 this stand-in pretends to be. The version is fixed when the bundle is built
// (scripts/build-standin.ts defines __K6_STANDIN_VERSION__), so one bundle never changes
// behaviour at run time: a wrapper test picks a version by picking a file.
declare const __K6_STANDIN_VERSION__: string;

export const K6_VERSION: string = __K6_STANDIN_VERSION__;
export const MAJOR = Number.parseInt(K6_VERSION.split('.')[0] ?? '0', 10);
export const MINOR = Number.parseInt(K6_VERSION.split('.')[1] ?? '0', 10);

/** At least major.minor (the reproduced releases are 1.8.1, 2.0.0, 2.1.0 and 2.2.0). */
const atLeast = (major: number, minor: number): boolean => MAJOR > major || (MAJOR === major && MINOR >= minor);

// Every behaviour that differs between the reproduced versions lives in this one table, so the
// rest of the code asks "does this k6 do X?" instead of comparing version numbers. The facts
// are in docs/k6-behaviour.md ("Versions at a glance"; audit items Dn/En in its audit index).
export interface Features {
  /** `k6 login cloud` exists (removed, with the whole `login` command, in v2.0). */
  readonly legacyLoginCommand: boolean;
  /** `.../loadimpact/k6/config.json` is read as a fallback and copied by login (v0.58 to v1.8). */
  readonly legacyConfigPath: boolean;
  /** `cloud login` refuses to save a token without `--stack` (v2.x). */
  readonly stackRequiredForLogin: boolean;
  /** Config dir 0700 / file 0600, and chmod of both even when they exist (v2.1+). */
  readonly privateConfigFile: boolean;
  /** Login output masks the token (v2.x). */
  readonly maskTokenOutput: boolean;
  /** `cloud run` talks to the v6 API with a Bearer token and needs a stack (v2.x). */
  readonly cloudRunUsesV6: boolean;
  /** `k6 cloud` without arguments prints help (v2.x) instead of failing (v1.x). */
  readonly bareCloudShowsHelp: boolean;
  /** v2 `cloud login`: banner first, v2 texts, trimmed prompts, no `[None]` stack default (D5, D12). */
  readonly v2CloudLogin: boolean;
  /** A full stack URL is cut down to scheme://host (v2.1+ normalizeStackURL, D5). */
  readonly stackUrlHostOnly: boolean;
  /** Plain `inspect` reads the config file (v2.1+ feature flags, D15). */
  readonly inspectReadsConfig: boolean;
  /** lib.Options has `features` (v2.1+) and `handleSummaryTimeout` (v2.2+) (D7). */
  readonly optionsFeaturesKey: boolean;
  readonly optionsHandleSummaryTimeoutKey: boolean;
  /** cloudapi.Config has `metricsPushURL` and `testRunToken` (v2.2+; not in 2.0.0/2.1.0, D6). */
  readonly cloudPushUrlKeys: boolean;
  // Run side (issue 10 part 1; audit D4, D13, D18, E14):
  /** `k6 cloud <script>` runs the test, with the run flags (v1.x); v2.x's `cloud` only shows help. */
  readonly cloudCommandRunsScripts: boolean;
  /** The v6 API client retries (4 attempts); v1.8.1's leaves MaxRetries at 0 (1 attempt). */
  readonly v6ClientRetries: boolean;
  /** A script's `options.ext.loadimpact` stands in for a missing `options.cloud` (v1.x). */
  readonly scriptExtLoadimpact: boolean;
  /** The REST API listens on localhost:6565 unless --address says otherwise (v1.x). */
  readonly restApiOnByDefault: boolean;
}

const V1: Features = {
  legacyLoginCommand: true,
  legacyConfigPath: true,
  stackRequiredForLogin: false,
  privateConfigFile: false,
  maskTokenOutput: false,
  cloudRunUsesV6: false,
  bareCloudShowsHelp: false,
  v2CloudLogin: false,
  stackUrlHostOnly: false,
  inspectReadsConfig: false,
  optionsFeaturesKey: false,
  optionsHandleSummaryTimeoutKey: false,
  cloudPushUrlKeys: false,
  cloudCommandRunsScripts: true,
  v6ClientRetries: false,
  scriptExtLoadimpact: true,
  restApiOnByDefault: true,
};

const V2: Features = {
  legacyLoginCommand: false,
  legacyConfigPath: false,
  stackRequiredForLogin: true,
  privateConfigFile: atLeast(2, 1),
  maskTokenOutput: true,
  cloudRunUsesV6: true,
  bareCloudShowsHelp: true,
  v2CloudLogin: true,
  stackUrlHostOnly: atLeast(2, 1),
  inspectReadsConfig: atLeast(2, 1),
  optionsFeaturesKey: atLeast(2, 1),
  optionsHandleSummaryTimeoutKey: atLeast(2, 2),
  cloudPushUrlKeys: atLeast(2, 2),
  cloudCommandRunsScripts: false,
  v6ClientRetries: true,
  scriptExtLoadimpact: false,
  restApiOnByDefault: false,
};

export const FEATURES: Features = MAJOR >= 2 ? V2 : V1;

// Go's GOARCH for the Node architectures an image can run on.
const GOARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm', s390x: 's390x', ppc64: 'ppc64le', riscv64: 'riscv64' };

/** Go's runtime.GOOS/GOARCH of the machine this runs on, as `k6 version` prints it. */
export function platform(): string {
  return `${process.platform}/${GOARCH[process.arch] ?? process.arch}`;
}

/** What `k6 version` prints after `k6 v`: the stand-in marks itself in the commit field. */
export function versionDetails(): string {
  return `${K6_VERSION} (commit/standin, go1.24.6, ${platform()})`;
}

export const USER_AGENT = `k6cloud/v${K6_VERSION}`;
