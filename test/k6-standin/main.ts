// Entry point of the k6 stand-in: parse the command line like cobra, set up logging and the
// config location, run the command, and exit with k6's code. Errors are logged the way k6's
// root command logs them (one level=error line) before exiting.
import { type ParseResult, parseCommandLine, renderHelp } from './args.ts';
import { ROOT, type CommandSpec, type HandlerName } from './commands.ts';
import { resolveConfigLocation } from './config-path.ts';
import { ExitCode, K6Error } from './errors.ts';
import { cloudLogin, loginCloud } from './login.ts';
import { type LogFormat, type LogOutput, logFatal, logger, out } from './output.ts';
import {
  archiveCommand,
  inspectCommand,
  newCommand,
  unsupportedCommand,
  versionCommand,
} from './other-commands.ts';
import { type RunContext, cloudCommand, cloudRunCommand, runCommand } from './run.ts';
import { installGoDefaultSignalBehaviour } from './signals.ts';
import { versionDetails } from './version.ts';

// state.getFlags reads K6_LOG_OUTPUT, K6_LOG_FORMAT, K6_NO_COLOR and NO_COLOR before the flags
// override them; root.go falls back to text for any format it does not know (audit D16).
function configureLogging(inv: ParseResult, env: NodeJS.ProcessEnv): void {
  const output = inv.flags.string('log-output') ?? env['K6_LOG_OUTPUT'] ?? 'stderr';
  const format = inv.flags.string('log-format') ?? env['K6_LOG_FORMAT'] ?? 'text';
  if (!['stderr', 'stdout', 'none'].includes(output)) throw new K6Error(`unsupported log output '${output}'`);
  const noColor = inv.flags.bool('no-color') || (env['K6_NO_COLOR'] ?? '') !== '' || env['NO_COLOR'] !== undefined;
  logger.configure({
    verbose: inv.flags.bool('verbose'),
    output: output as LogOutput,
    format: ['json', 'raw'].includes(format) ? (format as LogFormat) : 'text',
    noColor,
  });
}

function helpFor(words: readonly string[]): void {
  let command: CommandSpec = ROOT;
  const path: string[] = [];
  for (const word of words) {
    const child = command.children.find((c) => c.name === word);
    if (child === undefined) break;
    command = child;
    path.push(word);
  }
  out(renderHelp(command, path));
}

async function dispatch(handler: HandlerName, ctx: RunContext): Promise<number> {
  switch (handler) {
    case 'run':
      return runCommand(ctx);
    case 'cloud':
      return cloudCommand(ctx, () => helpFor(ctx.inv.path));
    case 'cloudRun':
      return cloudRunCommand(ctx);
    case 'cloudLogin':
      return cloudLogin(ctx);
    case 'loginCloud':
      return loginCloud(ctx);
    case 'version':
      return versionCommand();
    case 'help':
      helpFor(ctx.inv.args);
      return 0;
    case 'new':
      return newCommand(ctx);
    case 'archive':
      return archiveCommand(ctx);
    case 'inspect':
      return inspectCommand(ctx);
    case 'unsupported':
      return unsupportedCommand(ctx.inv.path);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  installGoDefaultSignalBehaviour();
  const inv = parseCommandLine(argv);
  configureLogging(inv, process.env);
  // An unusable HOME/XDG_CONFIG_HOME silently gives the relative ".config" (audit D14).
  const config = resolveConfigLocation(process.env, inv.flags.string('config'));
  logger.debug(`k6 version: v${versionDetails()}`);
  if (inv.path.length === 0 && inv.flags.bool('version')) return versionCommand();
  if (inv.helpRequested || inv.command.handler === undefined) {
    helpFor(inv.path);
    return 0;
  }
  const ctx: RunContext = { inv, config, env: process.env, quiet: inv.flags.bool('quiet') };
  return dispatch(inv.command.handler, ctx);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    logFatal(err);
    process.exit(err instanceof K6Error ? err.exitCode : ExitCode.NoCode);
  },
);
