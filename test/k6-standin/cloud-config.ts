// cloudapi.GetConsolidatedConfig: defaults < config file `collectors.cloud` < script
// `options.cloud` (token, projectID, name) < environment. Hence the documented token order
// K6_CLOUD_TOKEN > options.cloud.token > collectors.cloud.token. A variable that is set but
// empty still counts (K6_CLOUD_TOKEN="" is an empty token, not a missing one).
import { K6Error } from './errors.ts';
import type { ScriptCloudOptions } from './script.ts';

export interface CloudConfig {
  token?: string;
  projectId: number;
  name?: string;
  /** v1 API base (K6_CLOUD_HOST). */
  host: string;
  /** v6 API base (K6_CLOUD_HOST_V6). */
  hostV6: string;
  stackId?: number;
  stackUrl?: string;
  defaultProjectId?: number;
}

export const DEFAULT_HOST = 'https://ingest.k6.io';
export const DEFAULT_HOST_V6 = 'https://api.k6.io';

function envInt(env: NodeJS.ProcessEnv, key: string, field: string): number | undefined {
  const raw = env[key];
  if (raw === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(raw.trim())) {
    throw new K6Error(
      `envconfig.Process: assigning ${key} to ${field}: converting '${raw}' to type int64. details: strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`,
    );
  }
  return Number.parseInt(raw, 10);
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const int = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

export function consolidateCloudConfig(
  fileCloud: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  script: ScriptCloudOptions = {},
): CloudConfig {
  const config: CloudConfig = { projectId: 0, host: DEFAULT_HOST, hostV6: DEFAULT_HOST_V6 };
  const set = <K extends keyof CloudConfig>(key: K, value: CloudConfig[K] | undefined): void => {
    if (value !== undefined) config[key] = value;
  };

  set('token', str(fileCloud['token']));
  if ((int(fileCloud['projectID']) ?? 0) > 0) set('projectId', int(fileCloud['projectID']));
  set('name', str(fileCloud['name']));
  if (str(fileCloud['host'])) set('host', str(fileCloud['host']));
  set('stackId', int(fileCloud['stackID']));
  set('stackUrl', str(fileCloud['stackURL']));
  set('defaultProjectId', int(fileCloud['defaultProjectID']));

  set('token', script.token);
  if ((script.projectId ?? 0) > 0) set('projectId', script.projectId);
  set('name', script.name);

  set('token', env['K6_CLOUD_TOKEN']);
  const projectId = envInt(env, 'K6_CLOUD_PROJECT_ID', 'ProjectID');
  if ((projectId ?? 0) > 0) set('projectId', projectId);
  if (env['K6_CLOUD_NAME']) set('name', env['K6_CLOUD_NAME']);
  if (env['K6_CLOUD_HOST']) set('host', env['K6_CLOUD_HOST']);
  if (env['K6_CLOUD_HOST_V6']) set('hostV6', env['K6_CLOUD_HOST_V6']);
  set('stackId', envInt(env, 'K6_CLOUD_STACK_ID', 'StackID'));
  set('stackUrl', env['K6_CLOUD_STACK_URL']);
  return config;
}

/** A stack given as a slug becomes https://<slug>.grafana.net; full URLs stay as they are. */
export function normalizeStackUrl(input: string): string {
  if (input.startsWith('http://') || input.startsWith('https://')) return input;
  const slug = input.length > '.grafana.net'.length && input.endsWith('.grafana.net') ? input.slice(0, -'.grafana.net'.length) : input;
  return `https://${slug}.grafana.net`;
}
