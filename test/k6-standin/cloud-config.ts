// cloudapi.GetConsolidatedConfig: defaults < config file `collectors.cloud` < script
// `options.cloud` < environment, with the null-type rules that decide what "set" means:
// - Config.Apply copies a value only when it is Valid, and some fields only when non-empty
//   (name, host, hostv6) or positive (projectID). stackURL is copied only when the receiver has
//   none yet, so the file's stackURL beats K6_CLOUD_STACK_URL.
// - A JSON `""` in the file is a Valid empty string; JSON null is not set.
// - Environment values go through null.*.UnmarshalText: an EMPTY variable is not set
//   (K6_CLOUD_TOKEN="" leaves the file token in place), and a bad integer fails with envconfig's
//   error naming the Go type `null.Int`.
// - Script options merge token, name, projectID and stackID whenever present, projectID even
//   when 0. v1.x reads `options.cloud`, or `options.ext.loadimpact` only when there is no
//   `options.cloud` (one replaces the other whole, and the second one draws a deprecation
//   warning); v2.x ignores `ext.loadimpact`.
import { K6Error } from './errors.ts';
import type { ScriptCloudOptions } from './script.ts';
import { FEATURES } from './version.ts';

export interface CloudConfig {
  /** Undefined: not set at all. `""` is a set but empty token (a file can hold one). */
  token?: string;
  /** 0 when not set: k6 treats 0 as "no project". */
  projectId: number;
  /** null.Int's Valid: a script's `projectID: 0` is set, a missing one is not. */
  projectIdSet: boolean;
  name?: string;
  /** v1 API base (K6_CLOUD_HOST). */
  host: string;
  /** v6 API base (K6_CLOUD_HOST_V6, or `hostv6` in the file). */
  hostV6: string;
  stackId?: number;
  stackUrl?: string;
  defaultProjectId?: number;
  /** K6_CLOUD_PUSH_REF_ID: metrics go to this existing test run, nothing is created. */
  pushRefId?: string;
  webAppUrl: string;
  /** Where a run's results are shown, when the file, env or cloud says so. */
  testRunDetails?: string;
}

export const DEFAULT_HOST = 'https://ingest.k6.io';
export const DEFAULT_HOST_V6 = 'https://api.k6.io';
export const DEFAULT_WEB_APP_URL = 'https://app.k6.io';

/** A partial Config as one source sees it: undefined means "not Valid". */
export type CloudLayer = Partial<Omit<CloudConfig, 'projectId' | 'projectIdSet' | 'host' | 'hostV6' | 'webAppUrl'>> & {
  projectId?: number;
  host?: string;
  hostV6?: string;
  webAppUrl?: string;
};

/** cloudapi.Config.Apply. */
export function applyLayer(base: CloudConfig, layer: CloudLayer): CloudConfig {
  const next: CloudConfig = { ...base };
  if (layer.stackId !== undefined) next.stackId = layer.stackId;
  if (layer.stackUrl !== undefined && base.stackUrl === undefined) next.stackUrl = layer.stackUrl;
  if (layer.defaultProjectId !== undefined) next.defaultProjectId = layer.defaultProjectId;
  if (layer.token !== undefined) next.token = layer.token;
  if (layer.projectId !== undefined && layer.projectId > 0) {
    next.projectId = layer.projectId;
    next.projectIdSet = true;
  }
  if (layer.name !== undefined && layer.name !== '') next.name = layer.name;
  if (layer.host !== undefined && layer.host !== '') next.host = layer.host;
  if (layer.hostV6 !== undefined && layer.hostV6 !== '') next.hostV6 = layer.hostV6;
  if (layer.pushRefId !== undefined) next.pushRefId = layer.pushRefId;
  if (layer.webAppUrl !== undefined) next.webAppUrl = layer.webAppUrl;
  if (layer.testRunDetails !== undefined) next.testRunDetails = layer.testRunDetails;
  return next;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const int = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** `collectors.cloud` (already decoded, so types are right) as a layer. */
export function fileLayer(fileCloud: Readonly<Record<string, unknown>>): CloudLayer {
  const layer: CloudLayer = {};
  const set = <K extends keyof CloudLayer>(key: K, value: CloudLayer[K] | undefined): void => {
    if (value !== undefined) layer[key] = value;
  };
  set('stackId', int(fileCloud['stackID']));
  set('stackUrl', str(fileCloud['stackURL']));
  set('defaultProjectId', int(fileCloud['defaultProjectID']));
  set('token', str(fileCloud['token']));
  set('projectId', int(fileCloud['projectID']));
  set('name', str(fileCloud['name']));
  set('host', str(fileCloud['host']));
  set('hostV6', str(fileCloud['hostv6']));
  set('pushRefId', str(fileCloud['pushRefID']));
  set('webAppUrl', str(fileCloud['webAppURL']));
  set('testRunDetails', str(fileCloud['testRunDetails']));
  return layer;
}

/** null.Int.UnmarshalText through envconfig: "" and "null" are unset, anything else must parse. */
function envInt(env: NodeJS.ProcessEnv, key: string, field: string): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '' || raw === 'null') return undefined;
  const fail = (reason: string): K6Error =>
    new K6Error(
      `envconfig.Process: assigning ${key} to ${field}: converting '${raw}' to type null.Int. details: strconv.ParseInt: parsing ${JSON.stringify(raw)}: ${reason}`,
    );
  if (!/^[+-]?\d+$/.test(raw)) throw fail('invalid syntax');
  const value = BigInt(raw);
  if (value > 9223372036854775807n || value < -9223372036854775808n) throw fail('value out of range');
  return Number(value);
}

/** null.String.UnmarshalText: an empty variable is not set. */
function envString(env: NodeJS.ProcessEnv, key: string): string | undefined {
  const raw = env[key];
  return raw === undefined || raw === '' ? undefined : raw;
}

/** The K6_CLOUD_* variables, in the order envconfig walks cloudapi.Config (first error wins). */
export function envLayer(env: NodeJS.ProcessEnv): CloudLayer {
  const layer: CloudLayer = {};
  const set = <K extends keyof CloudLayer>(key: K, value: CloudLayer[K] | undefined): void => {
    if (value !== undefined) layer[key] = value;
  };
  set('stackId', envInt(env, 'K6_CLOUD_STACK_ID', 'StackID'));
  set('stackUrl', envString(env, 'K6_CLOUD_STACK_URL'));
  set('token', envString(env, 'K6_CLOUD_TOKEN'));
  set('projectId', envInt(env, 'K6_CLOUD_PROJECT_ID', 'ProjectID'));
  set('name', envString(env, 'K6_CLOUD_NAME'));
  set('host', envString(env, 'K6_CLOUD_HOST'));
  set('hostV6', envString(env, 'K6_CLOUD_HOST_V6'));
  set('webAppUrl', envString(env, 'K6_CLOUD_WEB_APP_URL'));
  set('testRunDetails', envString(env, 'K6_CLOUD_TEST_RUN_DETAILS'));
  set('pushRefId', envString(env, 'K6_CLOUD_PUSH_REF_ID'));
  return layer;
}

/** Which script block k6 reads (pickSource in v1.8.1; only options.cloud in v2.x). */
export function scriptSource(script: ScriptCloudOptions | undefined, legacy: ScriptCloudOptions | undefined): ScriptCloudOptions | undefined {
  if (script !== undefined) return script;
  return FEATURES.scriptExtLoadimpact ? legacy : undefined;
}

export interface ConsolidatedCloudConfig extends CloudConfig {
  /** The warning k6 shows for a script that only has `options.ext.loadimpact` (v1.x). */
  readonly warning?: string;
}

export function consolidateCloudConfig(
  fileCloud: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
  script?: ScriptCloudOptions,
  legacy?: ScriptCloudOptions,
): ConsolidatedCloudConfig {
  let config: CloudConfig = {
    projectId: 0,
    projectIdSet: false,
    host: DEFAULT_HOST,
    hostV6: DEFAULT_HOST_V6,
    webAppUrl: DEFAULT_WEB_APP_URL,
  };
  config = applyLayer(config, fileLayer(fileCloud));

  // extractFromCloudOption / mergeFromCloudOptionAndExternal: plain assignment, not Apply.
  const source = scriptSource(script, legacy);
  if (source !== undefined) {
    if (source.projectId !== undefined) {
      config.projectId = source.projectId;
      config.projectIdSet = true;
    }
    if (source.name !== undefined) config.name = source.name;
    if (source.token !== undefined) config.token = source.token;
    if (source.stackId !== undefined) config.stackId = source.stackId;
  }
  const warning =
    script === undefined && legacy !== undefined && FEATURES.scriptExtLoadimpact
      ? 'The options.ext.loadimpact option is deprecated, please use options.cloud instead'
      : undefined;

  config = applyLayer(config, envLayer(env));
  return warning === undefined ? config : { ...config, warning };
}

/** A stack given as a slug becomes https://<slug>.grafana.net; full URLs stay as they are. */
export function normalizeStackUrl(input: string): string {
  if (input.startsWith('http://') || input.startsWith('https://')) return input;
  const slug = input.length > '.grafana.net'.length && input.endsWith('.grafana.net') ? input.slice(0, -'.grafana.net'.length) : input;
  return `https://${slug}.grafana.net`;
}

/** cloudapi.URLForResults: the run's page, as the description's `output: cloud (...)` shows it. */
export function urlForResults(ref: string, config: Pick<CloudConfig, 'testRunDetails' | 'webAppUrl'>): string {
  return config.testRunDetails ?? `${config.webAppUrl}/runs/${ref}`;
}
