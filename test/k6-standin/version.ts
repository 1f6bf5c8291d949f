// Which k6 this stand-in pretends to be. The version is fixed when the bundle is built
// (scripts/build-standin.ts defines __K6_STANDIN_VERSION__), so one bundle never changes
// behaviour at run time: a wrapper test picks a version by picking a file.
declare const __K6_STANDIN_VERSION__: string;

export const K6_VERSION: string = __K6_STANDIN_VERSION__;
export const MAJOR = Number.parseInt(K6_VERSION.split('.')[0] ?? '0', 10);
export const MINOR = Number.parseInt(K6_VERSION.split('.')[1] ?? '0', 10);

// Every behaviour that differs between the two reproduced versions lives in this one table,
// so the rest of the code asks "does this k6 do X?" instead of comparing version numbers.
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
}

const V1: Features = {
  legacyLoginCommand: true,
  legacyConfigPath: true,
  stackRequiredForLogin: false,
  privateConfigFile: false,
  maskTokenOutput: false,
  cloudRunUsesV6: false,
  bareCloudShowsHelp: false,
};

const V2: Features = {
  legacyLoginCommand: false,
  legacyConfigPath: false,
  stackRequiredForLogin: true,
  privateConfigFile: true,
  maskTokenOutput: true,
  cloudRunUsesV6: true,
  bareCloudShowsHelp: true,
};

// Within 2.x only the private config file came later, in 2.1 (docs/k6-behaviour.md).
export const FEATURES: Features = MAJOR >= 2 ? { ...V2, privateConfigFile: MAJOR > 2 || MINOR >= 1 } : V1;

/** What `k6 version` prints after `k6 v`: the stand-in marks itself in the commit field. */
export function versionDetails(): string {
  return `${K6_VERSION} (commit/standin, go1.24.6, linux/amd64)`;
}

export const USER_AGENT = `k6cloud/v${K6_VERSION}`;
