// The one place that decides what the wrapper does. Pure: Facts in, Plan out.
import { dirname, join } from 'node:path';
import { parseConfigText } from '../config/document.ts';
import { messages, type Place } from '../report/messages.ts';
import { EXIT_GENERIC_ERROR, EXIT_INVALID_CONFIG, type Facts, type LoginPlan, type Plan, type Prepare } from './types.ts';

/** Commands that never read the config file: a broken config volume must not break them. */
const CONFIG_FREE_COMMANDS = new Set(['version', 'help', 'completion', 'new']);

function readsConfig(facts: Facts): boolean {
  const first = facts.args.command[0];
  if (facts.args.help) return false;
  return first === undefined ? false : !CONFIG_FREE_COMMANDS.has(first);
}

function defaultConfigPath(env: Facts['env']): string {
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg) return join(xdg, 'k6', 'config.json');
  const home = env['HOME'];
  return home ? join(home, '.config', 'k6', 'config.json') : '.config/k6/config.json';
}

export function decide(facts: Facts): Plan {
  const debug: string[] = [];
  const refuse = (message: string, exitCode = EXIT_GENERIC_ERROR): Plan => ({ kind: 'refuse', exitCode, message, debug });
  const env: NodeJS.ProcessEnv = { ...facts.env };
  const notices: string[] = [];
  const prepare: Prepare[] = [];

  if (facts.tokenFile) {
    const { path, content, errorCode } = facts.tokenFile;
    if (facts.env['K6_CLOUD_TOKEN']) return refuse(messages.tokenFileConflict());
    if (errorCode) return refuse(messages.tokenFileUnreadable(path, errorCode));
    const token = (content ?? '').trim();
    if (token === '') return refuse(messages.tokenFileEmpty(path));
    env['K6_CLOUD_TOKEN'] = token;
    debug.push(`K6_CLOUD_TOKEN taken from K6_CLOUD_TOKEN_FILE ${path}`);
  }

  if (!facts.homeUsable) {
    prepare.push({ kind: 'private-home', setXdg: !facts.env['XDG_CONFIG_HOME'] });
    debug.push(`HOME ${JSON.stringify(facts.env['HOME'] ?? '')} is not a writable directory: k6 gets a private one`);
  }

  const { location, args } = facts;
  debug.push(`config location: ${location.reason}`);
  const login = args.login;
  const handover = facts.settings.handover === 'spawn' || !facts.execve ? 'spawn' : 'exec';
  const k6 = { file: facts.settings.k6Binary, argv0: facts.argv0, args: [...facts.argv], env };

  const persistent = facts.persistent;
  if (!location.path || !persistent) {
    if (login && !login.show) notices.push(messages.loginWithoutVolume(defaultConfigPath(facts.env)));
    return { kind: 'run', notices, debug, prepare, k6, handover: login ? 'spawn' : handover };
  }

  const place: Place = { path: persistent.path, source: location.source, mount: location.mount };
  const userChose = location.source === 'flag' || location.source === 'K6_CONFIG';
  const state = persistent.state;
  let initialText = '{}\n';
  let fileWillExist = state.kind === 'present';

  if (readsConfig(facts)) {
    switch (state.kind) {
      case 'present': {
        const parsed = parseConfigText(state.text);
        if (!parsed.ok) return refuse(messages.invalidConfig(persistent.path, parsed.problem), EXIT_INVALID_CONFIG);
        if (parsed.empty) {
          if (persistent.writable) {
            prepare.push({ kind: 'reset-empty-config', path: persistent.path, inPlace: location.singleFile });
            debug.push(`${persistent.path} is empty: rewritten as {}`);
          }
        } else {
          initialText = state.text;
        }
        break;
      }
      case 'missing':
        if (persistent.writable && !location.singleFile) {
          if (!persistent.dirExists) prepare.push({ kind: 'mkdir', path: dirname(persistent.path) });
          prepare.push({ kind: 'create-config', path: persistent.path });
          fileWillExist = true;
          debug.push(`${persistent.path} does not exist: created as {} (0600)`);
        } else {
          debug.push(`${persistent.path} does not exist and cannot be created there`);
        }
        break;
      case 'directory':
      case 'not-regular':
        return refuse(messages.configNotAFile(persistent.path), EXIT_INVALID_CONFIG);
      case 'too-large':
        return refuse(messages.configTooLarge(persistent.path, state.size), EXIT_INVALID_CONFIG);
      case 'unreadable':
        return refuse(messages.unreadableConfig(persistent.path, state.code, state.owner), EXIT_INVALID_CONFIG);
    }
  }

  if (!userChose && fileWillExist) {
    env['K6_CONFIG'] = persistent.path;
    debug.push(`K6_CONFIG=${persistent.path}`);
  }

  if (!login) return { kind: 'run', notices, debug, prepare, k6, handover };

  const savesSomething = !login.show || login.reset || login.token !== undefined;
  const writable = persistent.writable && !(location.mount?.readOnly ?? false);
  if (savesSomething && !writable) {
    if (location.mount?.readOnly || persistent.writeProblem === 'EROFS') return refuse(messages.loginIntoReadOnly(place));
    if (persistent.writeProblem === 'EACCES' || persistent.writeProblem === 'EPERM' || persistent.writeProblem === undefined) {
      return refuse(messages.loginIntoUnwritable(place, facts.uid, facts.gid));
    }
    return refuse(messages.cannotSave(place, persistent.writeProblem));
  }
  if (savesSomething && location.mount?.kind === 'anonymous-volume') {
    notices.push(messages.loginIntoAnonymousVolume(persistent.path));
  }
  // The login itself must not create the persistent file early: it is written once, after k6 succeeds.
  const loginPrepare = prepare.filter((step) => step.kind !== 'create-config');
  if (!userChose) delete env['K6_CONFIG'];
  const loginPlan: LoginPlan = {
    place,
    configFlag: location.source === 'flag' ? args.config : undefined,
    initialText,
    reset: login.reset,
    inPlace: location.singleFile,
    writable,
    pauseAt: facts.settings.pauseAt,
  };
  debug.push(`login: k6 works on a private staging copy; changes under collectors.cloud are merged into ${persistent.path}`);
  return { kind: 'run', notices, debug, prepare: loginPrepare, k6, handover: 'spawn', login: loginPlan };
}
