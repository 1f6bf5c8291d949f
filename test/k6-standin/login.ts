// The two login commands, per version (docs/k6-behaviour.md section 3, LOGIN-1 to LOGIN-9):
//   k6 login cloud   (1.8.1 only) -t/--token saved without validation; no token -> email and
//                    password prompts and POST /v1/login; -s rewrites the file anyway.
//   k6 cloud login   1.8.1: --token validated with GET /cloud/v6/auth when a stack is given,
//                    else POST /v1/validate-token; prompts (stack default "None") otherwise.
//                    2.x: banner first, --token and --stack only together, prompts trimmed,
//                    always the v6 check; 2.1+ cuts a stack URL down to scheme://host.
// Both read the whole file first (so a missing -c file fails before any prompt), replace
// collectors.cloud and write the file back (config-file.ts) after the network round trip,
// without reading it again. `--reset` acts whenever the flag is present, even as --reset=false.
import type { Invocation } from './args.ts';
import { V1Client, v1Login, v6Auth } from './cloud-api.ts';
import { consolidateCloudConfig } from './cloud-config.ts';
import type { ConfigLocation } from './config-path.ts';
import { STACK_KEYS } from './config-schema.ts';
import {
  type CloudCollector,
  type DiskConfig,
  decodeCloudCollectorTyped,
  migrateLegacyConfigIfAny,
  migrationCompleted,
  readDiskConfig,
  withCloudCollector,
  writeDiskConfig,
} from './config-file.ts';
import { K6Error } from './errors.ts';
import { GoInt, type GoValue, toPlain } from './go-json.ts';
import { BANNER, logger, maskToken, out } from './output.ts';
import { runForm, stdinIsTerminal } from './prompt.ts';
import { FEATURES } from './version.ts';

export interface LoginContext {
  readonly inv: Invocation;
  readonly config: ConfigLocation;
  readonly env: NodeJS.ProcessEnv;
  readonly quiet: boolean;
}

const DOCS_TOKENS = 'https://grafana.com/docs/grafana-cloud/testing/k6/author-run/tokens-and-cli-authentication';

const TOKEN_FORM_BANNER =
  'Enter your token to authenticate with Grafana Cloud.\n' +
  'Please, consult the documentation for instructions on how to generate one:\n' +
  DOCS_TOKENS;

const STACK_FORM_BANNER =
  "\nEnter the stack where you want to run k6's commands by default.\n" +
  'You can enter a full URL (e.g. https://my-team.grafana.net) or just the slug (e.g. my-team):';

/** The file as the login found it, and the cloud part it will change. */
interface Loaded {
  readonly disk: DiskConfig;
  readonly cloud: CloudCollector;
}

function load(ctx: LoginContext): Loaded {
  const disk = readDiskConfig(ctx.config);
  return { disk, cloud: { ...decodeCloudCollectorTyped(disk) } };
}

function save(ctx: LoginContext, loaded: Loaded): void {
  writeDiskConfig(ctx.config, withCloudCollector(loaded.disk, loaded.cloud));
}

/** The hosts the login talks to: the file's cloud settings under the environment. */
function hosts(ctx: LoginContext, loaded: Loaded): { host: string; hostV6: string } {
  const consolidated = consolidateCloudConfig(toPlain(loaded.cloud) as Record<string, unknown>, ctx.env);
  return { host: consolidated.host, hostV6: consolidated.hostV6 };
}

const isSet = (value: GoValue | undefined): boolean => value !== null && value !== undefined;
const display = (value: GoValue | undefined): string => (value instanceof GoInt ? value.digits : String(value));

function warnIfNotTerminal(): void {
  if (!stdinIsTerminal()) logger.warn('Stdin is not a terminal, falling back to plain text input');
}

/** 2.x: the slug as https://<slug>.grafana.net; 2.1+ keeps only scheme and host of a URL. */
export function normalizeStackUrl(input: string): string {
  if (FEATURES.stackUrlHostOnly) {
    // Go's url.Parse: scheme letters are case-insensitive; the host is what follows "//".
    const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(input);
    const scheme = match?.[1]?.toLowerCase();
    const host = (match?.[2] ?? '').replace(/^.*@/, '');
    if ((scheme === 'http' || scheme === 'https') && host !== '') return `${scheme}://${host}`;
  } else if (input.startsWith('http://') || input.startsWith('https://')) {
    return input;
  }
  const suffix = '.grafana.net';
  const slug = input.length > suffix.length && input.endsWith(suffix) ? input.slice(0, -suffix.length) : input;
  return `https://${slug}.grafana.net`;
}

// ---- k6 login cloud (1.8.1) -------------------------------------------------------------------

/** `k6 login cloud` (1.8.1). */
export async function loginCloud(ctx: LoginContext): Promise<number> {
  const { flags } = ctx.inv;
  // cobra's notice for a Deprecated command, on the root's output (stdout), even with -q.
  out('Command "cloud" is deprecated, and will be removed in a future release.\nPlease use the "k6 cloud login" command instead.\n\n');
  // Every run, not only the first: an old file still there overwrites the new default file.
  migrateLegacyConfigIfAny(ctx.config);
  const loaded = load(ctx);
  const { host } = hosts(ctx, loaded);

  if (flags.has('reset')) {
    loaded.cloud['token'] = null;
    out('  token reset\n');
  } else if (flags.bool('show')) {
    // k6 falls through and rewrites the file with what it read.
  } else if (flags.has('token')) {
    loaded.cloud['token'] = flags.string('token') ?? '';
  } else {
    warnIfNotTerminal();
    const answers = await runForm({
      fields: [
        { key: 'Email', label: 'Email', kind: 'string' },
        { key: 'Password', label: 'Password', kind: 'password' },
      ],
    });
    loaded.cloud['token'] = await v1Login(host, answers['Email'] ?? '', answers['Password'] ?? '');
  }

  save(ctx, loaded);
  const token = loaded.cloud['token'];
  if (typeof token === 'string') {
    if (!ctx.quiet) out(`  token: ${token}\n`);
    out(`Logged in successfully, token saved in ${ctx.config.path}\n`);
  }
  return 0;
}

// ---- k6 cloud login, 1.8.1 ----------------------------------------------------------------------

function printConfigV1(cloud: CloudCollector): void {
  const token = cloud['token'];
  out(`  token: ${typeof token === 'string' ? token : ''}\n`);
  if (!isSet(cloud['stackID']) && !isSet(cloud['stackURL'])) {
    out('  stack-id: <not set>\n  stack-url: <not set>\n  default-project-id: <not set>\n');
    return;
  }
  if (isSet(cloud['stackID'])) out(`  stack-id: ${display(cloud['stackID'])}\n`);
  if (isSet(cloud['stackURL'])) out(`  stack-url: ${display(cloud['stackURL'])}\n`);
  if (isSet(cloud['defaultProjectID'])) out(`  default-project-id: ${display(cloud['defaultProjectID'])}\n`);
}

/** 1.8.1 validateInputs: the v6 check with a stack, else the v1 token check. */
async function validateV1(ctx: LoginContext, loaded: Loaded, token: string, stack: string | undefined): Promise<void> {
  loaded.cloud['token'] = token;
  const { host, hostV6 } = hosts(ctx, loaded);
  if (stack !== undefined && stack !== '' && stack !== 'None') {
    const stackUrl = normalizeStackUrl(stack);
    try {
      const auth = await v6Auth(hostV6, token, stackUrl);
      loaded.cloud['stackURL'] = stackUrl;
      loaded.cloud['stackID'] = new GoInt(String(auth.stackId));
      loaded.cloud['defaultProjectID'] = new GoInt(String(auth.defaultProjectId));
    } catch (err) {
      throw new K6Error(
        'your stack is invalid - please, consult the documentation for instructions on how to get yours: ' +
          'https://grafana.com/docs/grafana-cloud/testing/k6/author-run/configure-stack. ' +
          `Error details: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return;
  }
  // validateTokenV1: a failed request is wrapped, an answer of is_valid=false is not (D13).
  let answer: unknown;
  try {
    answer = await new V1Client(host, token).validateToken();
  } catch (err) {
    throw new K6Error(`can't validate the API token: ${err instanceof Error ? err.message : String(err)}`);
  }
  const valid = typeof answer === 'object' && answer !== null && (answer as Record<string, unknown>)['is_valid'] === true;
  if (!valid) {
    throw new K6Error(`your API token is invalid - please, consult the documentation for instructions on how to generate a new one:\n${DOCS_TOKENS}`);
  }
}

async function cloudLoginV1(ctx: LoginContext): Promise<number> {
  const { flags } = ctx.inv;
  if (!migrationCompleted(ctx.config)) migrateLegacyConfigIfAny(ctx.config);
  const loaded = load(ctx);

  if (flags.has('reset')) {
    loaded.cloud['token'] = null;
    for (const key of STACK_KEYS) loaded.cloud[key] = null;
    out('  token and stack info reset\n');
  } else if (flags.bool('show')) {
    printConfigV1(loaded.cloud);
    return 0;
  } else if (flags.has('token')) {
    await validateV1(ctx, loaded, flags.string('token') ?? '', flags.string('stack'));
  } else {
    // `--stack` alone lands here too: 1.8.1 only looks at --token.
    warnIfNotTerminal();
    const tokenAnswers = await runForm({ banner: TOKEN_FORM_BANNER, fields: [{ key: 'Token', label: 'Token', kind: 'password' }] });
    // null.StringFrom: always valid, never trimmed, so "" and "T\n" both go to the server.
    const token = tokenAnswers['Token'] ?? '';
    const stackAnswers = await runForm({
      banner: STACK_FORM_BANNER,
      fields: [{ key: 'Stack', label: 'Stack', kind: 'string', defaultValue: 'None' }],
    });
    await validateV1(ctx, loaded, token, stackAnswers['Stack']);
  }

  save(ctx, loaded);
  if (typeof loaded.cloud['token'] !== 'string') return 0;
  out(`\nLogged in successfully, token and stack info saved in ${ctx.config.path}\n`);
  if (!ctx.quiet) printConfigV1(loaded.cloud);
  return 0;
}

// ---- k6 cloud login, 2.x --------------------------------------------------------------------------

function printConfigV2(cloud: CloudCollector): void {
  const notSet = '<not set>';
  const token = cloud['token'];
  out(`  token: ${typeof token === 'string' && token !== '' ? maskToken(token) : notSet}\n`);
  out(`  stack-id: ${isSet(cloud['stackID']) ? display(cloud['stackID']) : notSet}\n`);
  out(`  stack-url: ${isSet(cloud['stackURL']) ? display(cloud['stackURL']) : notSet}\n`);
  out(`  default-project-id: ${isSet(cloud['defaultProjectID']) ? display(cloud['defaultProjectID']) : notSet}\n`);
}

/** 2.x authenticateUserToken: always the v6 check. */
async function authenticateV2(ctx: LoginContext, loaded: Loaded, token: string, stack: string): Promise<void> {
  loaded.cloud['token'] = token;
  const { hostV6 } = hosts(ctx, loaded);
  const stackUrl = normalizeStackUrl(stack);
  try {
    const auth = await v6Auth(hostV6, token, stackUrl);
    loaded.cloud['stackURL'] = stackUrl;
    loaded.cloud['stackID'] = new GoInt(String(auth.stackId));
    loaded.cloud['defaultProjectID'] = new GoInt(String(auth.defaultProjectId));
  } catch (err) {
    throw new K6Error(
      `Authentication failed as provided token or stack might not be valid. Learn more: ${DOCS_TOKENS}. ` +
        `Server error for details: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

async function promptTokenAndStack(): Promise<{ token: string; stack: string }> {
  warnIfNotTerminal();
  const tokenAnswers = await runForm({ banner: TOKEN_FORM_BANNER, fields: [{ key: 'Token', label: 'Token', kind: 'password' }] });
  const token = (tokenAnswers['Token'] ?? '').trim();
  if (token === '') throw new K6Error('token cannot be empty');
  const stackAnswers = await runForm({ banner: STACK_FORM_BANNER, fields: [{ key: 'Stack', label: 'Stack', kind: 'string' }] });
  const stack = (stackAnswers['Stack'] ?? '').trim();
  if (stack === '') throw new K6Error('stack cannot be empty');
  return { token, stack };
}

async function cloudLoginV2(ctx: LoginContext): Promise<number> {
  const { flags } = ctx.inv;
  if (!ctx.quiet) out(`${BANNER}\n`);
  const loaded = load(ctx);

  if (flags.has('reset')) {
    loaded.cloud['token'] = null;
    for (const key of STACK_KEYS) loaded.cloud[key] = null;
    out('\nToken and stack info have been reset.\n');
  } else if (flags.bool('show')) {
    printConfigV2(loaded.cloud);
    return 0;
  } else if (flags.has('token') || flags.has('stack')) {
    const stack = flags.string('stack') ?? '';
    const token = flags.string('token') ?? '';
    if (stack === '') throw new K6Error('stack value is required but it was not passed or is empty');
    if (token === '') throw new K6Error('token value is required but it was not passed or is empty');
    await authenticateV2(ctx, loaded, token, stack);
  } else {
    const answers = await promptTokenAndStack();
    await authenticateV2(ctx, loaded, answers.token, answers.stack);
  }

  save(ctx, loaded);
  if (typeof loaded.cloud['token'] !== 'string') return 0;
  out(`\nLogged in successfully, token and stack info saved in ${ctx.config.path}\n`);
  if (!ctx.quiet) printConfigV2(loaded.cloud);
  return 0;
}

/** `k6 cloud login`. */
export function cloudLogin(ctx: LoginContext): Promise<number> {
  return FEATURES.v2CloudLogin ? cloudLoginV2(ctx) : cloudLoginV1(ctx);
}
