// `k6-persist status`: where the login lives and what is in it, without starting a test.
// A separate program name (not a k6 subcommand or flag) can never collide with k6's own CLI.
import yargs from 'yargs';
import { checkCredentials, DEFAULT_TIMEOUT_SECONDS } from '../check/check.ts';
import type { CheckOutcome } from '../check/classify.ts';
import { parseConfigText } from '../config/document.ts';
import { credentialsOfFacts } from '../credentials/from-facts.ts';
import type { Credentials } from '../credentials/provenance.ts';
import { showCredentials, shownLine, type ShownCredentials } from '../credentials/view.ts';
import { maskToken } from '../config/mask.ts';
import { summarizeCloud } from '../config/merge.ts';
import { gatherFacts } from '../plan/facts.ts';
import { readSettings } from '../settings/env.ts';
import { describeMount, messages } from './messages.ts';

export interface StatusReport {
  configPath: string | null;
  source: string;
  reason: string;
  volume: string | null;
  readOnly: boolean;
  writable: boolean;
  file: string;
  /** k6's pre-v0.58 file, when runs use it because the config file is missing. */
  legacyFile: string | null;
  /** k6's pre-v0.58 file holding a token that no run uses, because the config file has none. */
  hiddenLegacyLogin: string | null;
  /** The token saved in the file, masked (see credentials for the one k6 uses). */
  token: string | null;
  stackID: unknown;
  projectID: unknown;
  /** What k6 will use, environment included, and where each value comes from. */
  credentials: ShownCredentials;
  k6Binary: string;
  k6Version: string | null;
  /** Only with --check. */
  check?: CheckOutcome;
}

function k6Version(binary: string): string | null {
  const result = process.getBuiltinModule('node:child_process').spawnSync(binary, ['version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0 || typeof result.stdout !== 'string') return null;
  return result.stdout.trim().split('\n')[0] ?? null;
}

export function buildStatus(env: NodeJS.ProcessEnv): StatusReport | { error: string } {
  const gathered = gatherStatus(env);
  return 'error' in gathered ? gathered : gathered.report;
}

function gatherStatus(env: NodeJS.ProcessEnv): { report: StatusReport; credentials: Credentials } | { error: string } {
  const settings = readSettings(env);
  if (!settings.ok) return { error: messages.badSettings(settings.problems) };
  // What a plain `k6 run` would use: the same facts, with no -c on the command line.
  const facts = gatherFacts(['run'], 'k6', env, settings.settings);
  const { location, persistent } = facts;
  let file = 'none';
  let token: string | null = null;
  let stackID: unknown = null;
  let projectID: unknown = null;
  if (persistent) {
    const state = persistent.state;
    file = state.kind;
    // Runs use k6's pre-v0.58 file while the config file is missing (see decide.ts).
    const text = state.kind === 'present' ? state.text : persistent.legacy?.text;
    if (text !== undefined) {
      const parsed = parseConfigText(text);
      if (parsed.ok) {
        const summary = summarizeCloud(parsed.config);
        token = summary.token ? maskToken(summary.token) : null;
        stackID = summary.stackID ?? null;
        projectID = summary.projectID ?? null;
        file = state.kind !== 'present' ? `missing: runs use ${persistent.legacy!.path}` : parsed.empty ? 'empty' : 'valid';
      } else {
        file = `invalid: ${parsed.problem}`;
      }
    }
  }
  const credentials = credentialsOfFacts(facts);
  const report: StatusReport = {
    configPath: location.path ?? null,
    source: location.source,
    reason: location.reason,
    volume: location.mount ? describeMount(location.mount) : null,
    readOnly: location.mount?.readOnly ?? false,
    writable: persistent?.writable ?? false,
    file,
    legacyFile: persistent?.state.kind === 'missing' ? (persistent.legacy?.path ?? null) : null,
    // facts.ts reads the old file beside a present one only when that one has no token and the old one has.
    hiddenLegacyLogin: persistent?.state.kind === 'present' ? (persistent.legacy?.path ?? null) : null,
    token,
    stackID,
    projectID,
    credentials: showCredentials(credentials),
    k6Binary: settings.settings.k6Binary,
    k6Version: k6Version(settings.settings.k6Binary),
  };
  return { report, credentials };
}

type Row = [string, string];

function formatText(report: StatusReport): string {
  const { credentials } = report;
  // The file the values marked `config` come from: the config file, or the pre-v0.58 one runs use.
  const configPath = report.legacyFile ?? report.configPath ?? undefined;
  const rows: Row[] = [
    ['config file', report.configPath ?? '(none: k6 uses its default path inside the container)'],
    ['chosen by', report.reason],
    ['volume', report.volume ?? '(none)'],
    ['writable', report.writable ? 'yes' : report.readOnly ? 'no (read-only)' : 'no'],
    ['file', report.file],
    ['token', shownLine(credentials.token, configPath, credentials.token.problem ? `: ${credentials.token.problem}` : '')],
    ...(credentials.token.fingerprint ? [['fingerprint', `${credentials.token.fingerprint} (the first 12 hex digits of the token's SHA-256)`] as Row] : []),
    ...(report.hiddenLegacyLogin
      ? [['old login', `${report.hiddenLegacyLogin} holds a token that is not used while ${report.configPath} exists without one`] as Row]
      : []),
    ['stack id', shownLine(credentials.stackID, configPath)],
    ['stack url', shownLine(credentials.stackURL, configPath)],
    ['project id', shownLine(credentials.projectID, configPath)],
    ['k6 binary', report.k6Binary],
    ['k6 version', report.k6Version ?? '(could not run it)'],
    ...(report.check ? [['check', report.check.reason] as Row] : []),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** The exit code of a command line yargs refuses: k6's generic 255, since 1-3 are --check's verdicts. */
export const EXIT_USAGE = 255;
/** A check that may wait longer than this is no preflight any more. */
const MAX_TIMEOUT_SECONDS = 600;

export async function statusCommand(argv: string[]): Promise<number> {
  let exitCode = 0;
  await yargs(argv)
    .scriptName('k6-persist')
    .command(
      'status',
      'Show where the k6 Cloud login is kept, what k6 will use and where each value comes from (token masked)',
      (command) =>
        command
          .option('json', { type: 'boolean', default: false, describe: 'Print JSON' })
          .option('check', {
            type: 'boolean',
            default: false,
            describe: 'Ask k6 Cloud whether the token and stack k6 would use are valid; exit 0 valid, 1 rejected, 2 no token, 3 unreachable',
          })
          .option('timeout', {
            type: 'number',
            default: DEFAULT_TIMEOUT_SECONDS,
            describe: 'Seconds --check waits for k6 Cloud before it reports it unreachable',
          }),
      async (options) => {
        // Checked here: yargs runs the handler even after a .check() refused, when .fail() returns.
        if (!Number.isFinite(options.timeout) || options.timeout <= 0 || options.timeout > MAX_TIMEOUT_SECONDS) {
          process.stderr.write(`k6-persist: --timeout must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}, not ${String(options.timeout)}.\n`);
          exitCode = EXIT_USAGE;
          return;
        }
        const gathered = gatherStatus(process.env);
        if ('error' in gathered) {
          process.stderr.write(`k6-persist: ${gathered.error}\n`);
          exitCode = 255;
          return;
        }
        const { report, credentials } = gathered;
        // Without --check nothing is sent anywhere.
        if (options.check) {
          report.check = await checkCredentials(credentials, options.timeout);
          exitCode = report.check.exitCode;
        }
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatText(report)}\n`);
      },
    )
    .demandCommand(1, 'Name a command: k6-persist status')
    .strict()
    .fail((message, error) => {
      process.stderr.write(`k6-persist: ${message ?? error?.message}\nRun \`k6-persist --help\` for usage.\n`);
      exitCode = EXIT_USAGE;
    })
    .help()
    .version(false)
    .parseAsync();
  return exitCode;
}
