// The two login commands (docs/k6-behaviour.md, "What login writes"):
//   k6 login cloud   (v1.x only) -t/--token saved without validation; no token -> email and
//                    password prompts and POST /v1/login; -s rewrites the file anyway.
//   k6 cloud login   --token validated: with --stack via GET /cloud/v6/auth (stack keys
//                    saved), without it via POST /v1/validate-token (v1.x) or refused (v2.x).
// Both read the whole file, replace collectors.cloud and write the file back (config-file.ts).
// `--reset` acts whenever the flag is present, even as --reset=false.
import type { Invocation } from './args.ts';
import { type CloudConfig, consolidateCloudConfig, normalizeStackUrl } from './cloud-config.ts';
import { v1Login, v1ValidateToken, v6Auth } from './cloud-api.ts';
import type { ConfigLocation } from './config-path.ts';
import { STACK_KEYS } from './config-schema.ts';
import {
  type DiskConfig,
  type JsonObject,
  decodeCloudCollector,
  encodeCloudCollector,
  migrateLegacyConfigIfAny,
  migrationCompleted,
  readDiskConfig,
  writeDiskConfig,
} from './config-file.ts';
import { K6Error } from './errors.ts';
import { logger, maskToken, out } from './output.ts';
import { ask, stdinIsTerminal } from './prompt.ts';
import { FEATURES } from './version.ts';

export interface LoginContext {
  readonly inv: Invocation;
  readonly config: ConfigLocation;
  readonly env: NodeJS.ProcessEnv;
  readonly quiet: boolean;
}

// Not quoted in docs/k6-behaviour.md; worded after k6's other stack errors.
const STACK_REQUIRED =
  'stack not configured: a stack is required to log in. Run `k6 cloud login --token <YOUR_TOKEN> --stack <YOUR_STACK_URL_OR_SLUG>`';

function saveCloud(ctx: LoginContext, disk: DiskConfig, cloud: JsonObject): void {
  const collectors = typeof disk['collectors'] === 'object' && disk['collectors'] !== null ? disk['collectors'] : {};
  disk['collectors'] = { ...(collectors as JsonObject), cloud: encodeCloudCollector(cloud) };
  writeDiskConfig(ctx.config, disk);
}

const shownToken = (token: string): string => (FEATURES.maskTokenOutput ? maskToken(token) : token);

function printCloudConfig(cloud: JsonObject): void {
  out(`  token: ${shownToken(typeof cloud['token'] === 'string' ? cloud['token'] : '')}\n`);
  const stackId = cloud['stackID'];
  const stackUrl = cloud['stackURL'];
  const projectId = cloud['defaultProjectID'];
  if ((stackId === null || stackId === undefined) && (stackUrl === null || stackUrl === undefined)) {
    out('  stack-id: <not set>\n  stack-url: <not set>\n  default-project-id: <not set>\n');
    return;
  }
  if (stackId !== null && stackId !== undefined) out(`  stack-id: ${String(stackId)}\n`);
  if (stackUrl !== null && stackUrl !== undefined) out(`  stack-url: ${String(stackUrl)}\n`);
  if (projectId !== null && projectId !== undefined) out(`  default-project-id: ${String(projectId)}\n`);
}

function warnIfNotTerminal(): void {
  if (!stdinIsTerminal()) logger.warn('Stdin is not a terminal, falling back to plain text input');
}

/** `k6 login cloud` (v1.x). */
export async function loginCloud(ctx: LoginContext): Promise<number> {
  const { flags } = ctx.inv;
  out('Command "cloud" is deprecated, and will be removed in a future release.\nPlease use the "k6 cloud login" command instead.\n\n');
  migrateLegacyConfigIfAny(ctx.config);
  const disk = readDiskConfig(ctx.config);
  const current = decodeCloudCollector(disk);
  const consolidated = consolidateCloudConfig(current, ctx.env);
  const next: JsonObject = { ...current };

  if (flags.has('reset')) {
    next['token'] = null;
    out('  token reset\n');
  } else if (flags.bool('show')) {
    // k6 falls through and rewrites the file with what it read.
  } else if (flags.has('token')) {
    next['token'] = flags.string('token') ?? '';
  } else {
    warnIfNotTerminal();
    const email = await ask({ label: 'Email' });
    const password = await ask({ label: 'Password', secret: true });
    next['token'] = await v1Login(consolidated.host, email, password);
  }

  saveCloud(ctx, disk, next);
  const token = next['token'];
  if (typeof token === 'string') {
    if (!ctx.quiet) out(`  token: ${token}\n`);
    out(`Logged in successfully, token saved in ${ctx.config.path}\n`);
  }
  return 0;
}

async function validateInputs(
  consolidated: CloudConfig,
  next: JsonObject,
  token: string,
  stackInput: string | undefined,
): Promise<void> {
  next['token'] = token;
  const stack = (stackInput ?? '').trim();
  if (stack === '' || stack === 'None') {
    if (FEATURES.stackRequiredForLogin) throw new K6Error(STACK_REQUIRED);
    try {
      await v1ValidateToken(consolidated.host, token);
    } catch (err) {
      throw new K6Error(`can't validate the API token: ${err instanceof Error ? err.message : String(err)}`);
    }
    return;
  }
  const stackUrl = normalizeStackUrl(stack);
  try {
    const auth = await v6Auth(consolidated.hostV6, token, stackUrl);
    next['stackURL'] = stackUrl;
    next['stackID'] = auth.stackId;
    next['defaultProjectID'] = auth.defaultProjectId;
  } catch (err) {
    throw new K6Error(
      'your stack is invalid - please, consult the documentation for instructions on how to get yours: ' +
        'https://grafana.com/docs/grafana-cloud/testing/k6/author-run/configure-stack. ' +
        `Error details: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** `k6 cloud login`. */
export async function cloudLogin(ctx: LoginContext): Promise<number> {
  const { flags } = ctx.inv;
  if (!migrationCompleted(ctx.config)) migrateLegacyConfigIfAny(ctx.config);
  const disk = readDiskConfig(ctx.config);
  const current = decodeCloudCollector(disk);
  const consolidated = consolidateCloudConfig(current, ctx.env);
  const next: JsonObject = { ...current };

  if (flags.has('reset')) {
    next['token'] = null;
    for (const key of STACK_KEYS) next[key] = null;
    out('  token and stack info reset\n');
  } else if (flags.bool('show')) {
    printCloudConfig(next);
    return 0;
  } else if (flags.has('token')) {
    await validateInputs(consolidated, next, flags.string('token') ?? '', flags.string('stack'));
  } else {
    out(
      'Enter your token to authenticate with Grafana Cloud.\n' +
        'Please, consult the documentation for instructions on how to generate one:\n' +
        'https://grafana.com/docs/grafana-cloud/testing/k6/author-run/tokens-and-cli-authentication\n',
    );
    warnIfNotTerminal();
    const token = await ask({ label: 'Token', secret: true });
    if (token === '') throw new K6Error('token cannot be empty');
    out(
      '\nEnter the stack where you want to run k6\'s commands by default.\n' +
        'You can enter a full URL (e.g. https://my-team.grafana.net) or just the slug (e.g. my-team):\n',
    );
    const stack = await ask({ label: 'Stack', defaultValue: 'None' });
    await validateInputs(consolidated, next, token, stack);
  }

  saveCloud(ctx, disk, next);
  if (typeof next['token'] !== 'string') return 0;
  out(`\nLogged in successfully, token and stack info saved in ${ctx.config.path}\n`);
  if (!ctx.quiet) printCloudConfig(next);
  return 0;
}
