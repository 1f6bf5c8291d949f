// `k6-persist status`: where the login lives and what is in it, without starting a test.
// A separate program name (not a k6 subcommand or flag) can never collide with k6's own CLI.
import yargs from 'yargs';
import { parseConfigText, valueText } from '../config/document.ts';
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
  token: string | null;
  stackID: unknown;
  projectID: unknown;
  k6Binary: string;
  k6Version: string | null;
}

function k6Version(binary: string): string | null {
  const result = process.getBuiltinModule('node:child_process').spawnSync(binary, ['version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0 || typeof result.stdout !== 'string') return null;
  return result.stdout.trim().split('\n')[0] ?? null;
}

export function buildStatus(env: NodeJS.ProcessEnv): StatusReport | { error: string } {
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
  return {
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
    k6Binary: settings.settings.k6Binary,
    k6Version: k6Version(settings.settings.k6Binary),
  };
}

function formatText(report: StatusReport): string {
  const rows: [string, string][] = [
    ['config file', report.configPath ?? '(none: k6 uses its default path inside the container)'],
    ['chosen by', report.reason],
    ['volume', report.volume ?? '(none)'],
    ['writable', report.writable ? 'yes' : report.readOnly ? 'no (read-only)' : 'no'],
    ['file', report.file],
    ['token', report.token ?? '(none)'],
    ...(report.hiddenLegacyLogin
      ? [['old login', `${report.hiddenLegacyLogin} holds a token that is not used while ${report.configPath} exists without one`] as [string, string]]
      : []),
    ['stack id', report.stackID == null ? '(none)' : valueText(report.stackID)],
    ['project id', report.projectID == null ? '(none)' : valueText(report.projectID)],
    ['k6 binary', report.k6Binary],
    ['k6 version', report.k6Version ?? '(could not run it)'],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

export async function statusCommand(argv: string[]): Promise<number> {
  let exitCode = 0;
  await yargs(argv)
    .scriptName('k6-persist')
    .command(
      'status',
      'Show where the k6 Cloud login is kept and what it holds (token masked)',
      (command) => command.option('json', { type: 'boolean', default: false, describe: 'Print JSON' }),
      (options) => {
        const report = buildStatus(process.env);
        if ('error' in report) {
          process.stderr.write(`k6-persist: ${report.error}\n`);
          exitCode = 255;
          return;
        }
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatText(report)}\n`);
      },
    )
    .demandCommand(1, 'Name a command: k6-persist status')
    .strict()
    .fail((message, error) => {
      process.stderr.write(`k6-persist: ${message ?? error?.message}\nRun \`k6-persist --help\` for usage.\n`);
      exitCode = 2;
    })
    .help()
    .version(false)
    .parseAsync();
  return exitCode;
}
