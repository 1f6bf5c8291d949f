// The one place that decides what the wrapper does. Pure: Facts in, Plan out.
import { dirname } from 'node:path';
import { parseConfigText } from '../config/document.ts';
import { k6DefaultConfigPath } from '../mounts/locate.ts';
import { summarizeCloud } from '../config/merge.ts';
import type { Ownership, Runtime, Situation } from '../report/advice.ts';
import { describeTokenSource, messages, unusableConfigMessage } from '../report/messages.ts';
import { maskToken } from '../config/mask.ts';
import type { LoginRequest } from '../args/analyse.ts';
import { CONFIG_FREE_COMMANDS } from '../args/config-free.ts';
import {
  EXIT_GENERIC_ERROR,
  EXIT_INVALID_CONFIG,
  type Facts,
  type LoginPlan,
  type LoginSupply,
  type PersistentFacts,
  type Plan,
  type Prepare,
} from './types.ts';

/** The plan being put together; each step below adds to it or refuses. */
interface Draft {
  env: NodeJS.ProcessEnv;
  notices: string[];
  debug: string[];
  prepare: Prepare[];
}

interface Refusal {
  message: string;
  exitCode: number;
}

const refusal = (message: string, exitCode = EXIT_GENERIC_ERROR): Refusal => ({ message, exitCode });

/** The command word k6 acts on: a known one, or an unknown top-level word (a future command). */
function commandWord(facts: Facts): string | undefined {
  return facts.args.command[0] ?? facts.args.unknownCommand;
}

function readsConfig(facts: Facts): boolean {
  const first = commandWord(facts);
  if (facts.args.help) return false;
  // An unknown word may be a command of a newer k6 that reads the config (as every command but
  // these does): it is pointed at the file like the others, so a login applies to it too.
  return first === undefined ? false : !CONFIG_FREE_COMMANDS.has(first);
}

/** `k6 login <anything but cloud>`: k6 1.x's `login influxdb`, or a mistyped login on 2.x. */
function isOtherLogin(facts: Facts): boolean {
  return facts.args.command[0] === 'login' && !facts.args.login;
}

function runtimeOf(facts: Facts): Runtime {
  // kubelet sets KUBERNETES_SERVICE_HOST in every container of a Pod.
  if (facts.location.mount?.kind.startsWith('kubernetes-') || facts.env['KUBERNETES_SERVICE_HOST']) return 'kubernetes';
  return facts.userNamespace ? 'user-namespace' : 'docker';
}

/** The persistent file and who uses it: what every piece of advice about it is chosen from. */
function situationOf(facts: Facts, persistent: PersistentFacts): Situation {
  const state = persistent.state;
  const file =
    state.kind === 'present'
      ? { uid: state.uid, gid: state.gid, mode: state.mode }
      : state.kind === 'unreadable' && state.owner !== undefined && state.group !== undefined && state.mode !== undefined
        ? { uid: state.owner, gid: state.group, mode: state.mode }
        : undefined;
  return {
    path: persistent.path,
    source: facts.location.source,
    mount: facts.location.mount,
    uid: facts.uid,
    gid: facts.gid,
    groups: facts.groups ?? [],
    runtime: runtimeOf(facts),
    dir: persistent.dir,
    file,
    kubeletPayload: persistent.kubeletPayload ?? false,
    // Mounted read-only here, the directory may still be this user's to change from a
    // container that mounts it read-write: its permission bits say so.
    dirWritable: !facts.location.singleFile && (persistent.writable || (persistent.dir !== undefined && mayWrite(persistent.dir, facts))),
  };
}

function mayWrite(dir: Ownership, facts: Facts): boolean {
  if (facts.uid === 0) return true;
  if (dir.uid === facts.uid) return (dir.mode & 0o200) !== 0;
  if (dir.gid === facts.gid || (facts.groups ?? []).includes(dir.gid)) return (dir.mode & 0o020) !== 0;
  return (dir.mode & 0o002) !== 0;
}

/** K6_CLOUD_TOKEN_FILE's token, checked; a refusal when it cannot be used. */
function tokenFromFile(facts: Facts): Refusal | { token: string; path: string } | undefined {
  if (!facts.tokenFile) return undefined;
  const { path, content, errorCode } = facts.tokenFile;
  if (facts.env['K6_CLOUD_TOKEN']) return refusal(messages.tokenFileConflict());
  if (errorCode) return refusal(messages.tokenFileUnreadable(path, errorCode));
  const token = (content ?? '').trim();
  if (token === '') return refusal(messages.tokenFileEmpty(path));
  return { token, path };
}

/** k6 1.x, known from the image's record; an unknown k6 is taken for the current major, 2.x. */
function isK6v1(facts: Facts): boolean {
  return facts.k6Major !== undefined && facts.k6Major < 2;
}

/** The token a login without --token takes from a secret: the token file's, else a non-blank K6_CLOUD_TOKEN. */
function secretToken(facts: Facts, fromFile: { token: string; path: string } | undefined): LoginSupply['token'] {
  if (fromFile) return { value: fromFile.token, source: { kind: 'K6_CLOUD_TOKEN_FILE', path: fromFile.path } };
  // k6 ignores an empty K6_CLOUD_TOKEN (audit D2); a blank one is no token to log in with either.
  const fromEnv = (facts.env['K6_CLOUD_TOKEN'] ?? '').trim();
  return fromEnv === '' ? undefined : { value: fromEnv, source: { kind: 'K6_CLOUD_TOKEN' } };
}

/** The stack the file a login starts from holds: its URL (what --stack takes) and its id. */
function savedStack(initialText: string): { url?: string; id?: unknown } {
  const parsed = parseConfigText(initialText);
  if (!parsed.ok) return {};
  const summary = summarizeCloud(parsed.config);
  const url = typeof summary.stackURL === 'string' && summary.stackURL.trim() !== '' ? summary.stackURL : undefined;
  return { ...(url ? { url } : {}), ...(summary.stackID !== undefined ? { id: summary.stackID } : {}) };
}

/**
 * What the wrapper adds to a login's command line. A login that would save a token typed nowhere
 * takes it from the secret the user gave (K6_CLOUD_TOKEN_FILE or K6_CLOUD_TOKEN), which k6's own
 * login ignores; it reaches k6 as --token of this one child, never through stdin (k6 does not
 * read a piped prompt reliably, audit D11). k6 2.x refuses a token without --stack (audit D5):
 * a `cloud login` without one is given the stack the file holds, so rotating a token keeps it.
 * `--show` and `--reset` are k6's alone.
 */
function planSupply(facts: Facts, login: LoginRequest, initialText: string, path: string, fromFile: { token: string; path: string } | undefined, draft: Draft): LoginSupply | undefined {
  // A flag missing its value would take whatever follows it: nothing is added, k6 reports it.
  if (login.show || login.reset || facts.args.flagMissingValue !== undefined) return undefined;
  const v1 = isK6v1(facts);
  // `login cloud` exists in k6 1.x only; k6 2.x refuses the command whatever it is given.
  if (login.kind === 'login-cloud' && facts.k6Major !== undefined && !v1) return undefined;
  const token = login.token === undefined ? secretToken(facts, fromFile) : undefined;
  if (login.token === undefined && !token) return undefined;
  let stack: string | undefined;
  // k6 1.x keeps the file's stack by itself and takes a token alone; `login cloud` has no --stack.
  if (login.kind === 'cloud-login' && login.stack === undefined && !v1) {
    const saved = savedStack(initialText);
    stack = saved.url;
    if (!stack && token) {
      // Without a stack k6 2.x would refuse the token: it asks for both instead, as without the
      // wrapper, and the user learns why the secret was not used.
      draft.notices.push(messages.secretLoginNeedsStack(describeTokenSource(token.source), path, saved.id));
      return undefined;
    }
    // A stack id alone cannot be given to a login (it takes a URL or slug); k6's own refusal would not say why.
    if (!stack && saved.id !== undefined) draft.notices.push(messages.loginNeedsStackUrl(path, saved.id));
  }
  if (!token && !stack) return undefined;
  if (token) draft.debug.push(`login: no --token given: the token from ${describeTokenSource(token.source)} (${maskToken(token.value)}) is given to k6 as --token`);
  if (stack) draft.debug.push(`login: no --stack given: the stack saved in ${path}, ${stack}, is given to k6 as --stack`);
  // k6 1.x prints the token it saved in full unless -q; a token from a secret must not be shown.
  // An unknown k6 may be a 1.x as well.
  const quiet = token !== undefined && !facts.args.quiet && (v1 || facts.k6Major === undefined);
  if (quiet) draft.debug.push('login: -q for k6, which may print the token it saves in full (k6 1.x)');
  return { at: login.flagsAt, ...(token ? { token } : {}), ...(stack ? { stack } : {}), quiet };
}

/** Makes the persistent file usable by k6; says what a login starts from. */
function prepareConfig(facts: Facts, persistent: PersistentFacts, draft: Draft): Refusal | { initialText: string; fileWillExist: boolean; legacyPath?: string } {
  const state = persistent.state;
  const singleFile = facts.location.singleFile;
  if (!readsConfig(facts)) return { initialText: '{}\n', fileWillExist: state.kind === 'present' };
  switch (state.kind) {
    case 'present': {
      const parsed = parseConfigText(state.text);
      if (!parsed.ok) return refusal(messages.invalidConfig(persistent.path, parsed.problem), EXIT_INVALID_CONFIG);
      warnOfHiddenLegacyLogin(facts, persistent, parsed.empty || Object.keys(parsed.config).length === 0, draft);
      if (!parsed.empty) return { initialText: state.text, fileWillExist: true };
      // k6 refuses an empty file (no JSON in it), and there is nothing in it to use.
      if (persistent.writable) {
        draft.prepare.push({ kind: 'reset-empty-config', path: persistent.path, inPlace: singleFile, orPrivate: !userChose(facts) });
        return { initialText: '{}\n', fileWillExist: true };
      }
      if (!userChose(facts)) draft.prepare.push({ kind: 'private-config' });
      return { initialText: '{}\n', fileWillExist: false };
    }
    case 'missing':
      if (persistent.legacy && !userChose(facts)) {
        if (isOtherLogin(facts)) {
          // k6 1.x's `login influxdb` (or a 2.x "unknown command"): left to k6 as plain k6 would
          // run it. Creating the new file here would hide the old login from then on, and
          // pointing k6 at the old file would have it rewritten in place.
          draft.debug.push(`${persistent.path} does not exist but ${persistent.legacy.path} does: \`${facts.args.command.join(' ')}\` is left to k6, nothing is created`);
          return { initialText: '{}\n', fileWillExist: false };
        }
        // A volume from before k6 v0.58: k6 1.x falls back to this file while the new one is
        // missing, and its logins start from it. Runs are pointed at it (also under a private
        // HOME, where k6 would not look), and a Cloud login saves to the new path.
        draft.env['K6_CONFIG'] = persistent.legacy.path;
        draft.debug.push(`${persistent.path} does not exist but ${persistent.legacy.path} does: K6_CONFIG=${persistent.legacy.path}; a login starts from it`);
        return { initialText: persistent.legacy.text, fileWillExist: false, legacyPath: persistent.legacy.path };
      }
      if (!persistent.writable || singleFile) {
        draft.debug.push(`${persistent.path} does not exist and cannot be created there`);
        return { initialText: '{}\n', fileWillExist: false };
      }
      if (!persistent.dirExists) draft.prepare.push({ kind: 'mkdir', path: dirname(persistent.path) });
      draft.prepare.push({ kind: 'create-config', path: persistent.path });
      return { initialText: '{}\n', fileWillExist: true };
    default:
      return refusal(unusableConfigMessage(persistent.path, state, situationOf(facts, persistent)), EXIT_INVALID_CONFIG);
  }
}

/**
 * A k6/config.json without a token next to a pre-v0.58 file with one: k6 reads the old file
 * only while the new one is missing, so the old login silently stopped applying.
 */
function warnOfHiddenLegacyLogin(facts: Facts, persistent: PersistentFacts, holdsNothing: boolean, draft: Draft): void {
  const legacy = persistent.legacy;
  // A Cloud login is the fix itself; it needs no warning.
  if (!legacy || facts.args.login || userChose(facts)) return;
  const parsed = parseConfigText(legacy.text);
  if (!parsed.ok || summarizeCloud(parsed.config).token === undefined) return;
  draft.notices.push(messages.hiddenLegacyLogin(persistent.path, legacy.path, holdsNothing));
}

function userChose(facts: Facts): boolean {
  return facts.location.source === 'flag' || facts.location.source === 'K6_CONFIG';
}

function cannotSave(facts: Facts, persistent: PersistentFacts): Refusal {
  const situation = situationOf(facts, persistent);
  const problem = persistent.writeProblem;
  if (facts.location.mount?.readOnly || problem === 'EROFS') return refusal(messages.loginIntoReadOnly(situation));
  if (problem === undefined || problem === 'EACCES' || problem === 'EPERM') return refusal(messages.loginIntoUnwritable(situation));
  return refusal(messages.cannotSave(situation, problem));
}

function planLogin(
  facts: Facts,
  persistent: PersistentFacts,
  draft: Draft,
  config: { initialText: string; legacyPath?: string },
  fromFile: { token: string; path: string } | undefined,
): Refusal | LoginPlan {
  const { location } = facts;
  const login = facts.args.login!;
  const place = situationOf(facts, persistent);
  const savesSomething = !login.show || login.reset || login.token !== undefined;
  const writable = persistent.writable && !(location.mount?.readOnly ?? false);
  if (savesSomething && !writable) return cannotSave(facts, persistent);
  if (savesSomething && location.mount?.kind === 'anonymous-volume') {
    draft.notices.push(messages.loginIntoAnonymousVolume(persistent.path));
  }
  // The persistent file is written once, after k6 succeeds, never created early for a login; its
  // directory must be there for that write (it may not be, when the login starts from k6's
  // pre-v0.58 file).
  draft.prepare = draft.prepare.filter((step) => step.kind !== 'create-config');
  if (savesSomething && !persistent.dirExists && !draft.prepare.some((step) => step.kind === 'mkdir')) {
    draft.prepare.push({ kind: 'mkdir', path: dirname(persistent.path) });
  }
  draft.debug.push(`login: k6 works on a private staging copy; changes under collectors.cloud are merged into ${persistent.path}`);
  const supply = planSupply(facts, login, config.initialText, persistent.path, fromFile, draft);
  return {
    place,
    configFlag: location.source === 'flag' ? facts.args.config : undefined,
    initialText: config.initialText,
    reset: login.reset,
    inPlace: location.singleFile,
    writable,
    saves: savesSomething,
    ...(config.legacyPath ? { legacyPath: config.legacyPath } : {}),
    pauseAt: facts.settings.pauseAt,
    ...(supply ? { supply } : {}),
  };
}

export function decide(facts: Facts): Plan {
  const draft: Draft = { env: { ...facts.env }, notices: [], debug: [], prepare: [] };
  const refuse = ({ message, exitCode }: Refusal): Plan => ({ kind: 'refuse', exitCode, message, debug: draft.debug });

  const { location, args, persistent } = facts;
  // `cloud login --help` only prints help: nothing is read or saved.
  const login = args.help ? undefined : args.login;
  // `version`, `help` and the like use no token: a broken secret mount must not break them.
  const fromFile = readsConfig(facts) ? tokenFromFile(facts) : undefined;
  if (fromFile && 'message' in fromFile) return refuse(fromFile);
  // k6's login ignores K6_CLOUD_TOKEN; a login is handed the file's token as --token instead.
  if (fromFile && !login) {
    draft.env['K6_CLOUD_TOKEN'] = fromFile.token;
    draft.debug.push(`K6_CLOUD_TOKEN taken from K6_CLOUD_TOKEN_FILE ${fromFile.path}`);
  }

  if (!facts.homeUsable) {
    draft.prepare.push({ kind: 'private-home', setXdg: !facts.env['XDG_CONFIG_HOME'] });
    draft.debug.push(`HOME ${JSON.stringify(facts.env['HOME'] ?? '')} is not a writable directory: k6 gets a private one`);
  }

  draft.debug.push(`config location: ${location.reason}`);
  const handover = facts.settings.handover === 'spawn' || !facts.execve ? 'spawn' : 'exec';
  const k6 = { file: facts.settings.k6Binary, argv0: facts.argv0, args: [...facts.argv], env: draft.env };
  const run = (extra: { handover: 'exec' | 'spawn'; login?: LoginPlan; situation?: Situation }): Plan => ({
    kind: 'run',
    notices: draft.notices,
    debug: draft.debug,
    prepare: draft.prepare,
    k6,
    ...extra,
  });

  if (!location.path || !persistent) {
    // With no usable HOME, k6 logs in under the private HOME made above, removed once k6 is done.
    const savedInContainer = facts.homeUsable || Boolean(facts.env['XDG_CONFIG_HOME']?.startsWith('/'));
    if (login && !login.show) draft.notices.push(messages.loginWithoutVolume(savedInContainer ? k6DefaultConfigPath(facts.env) : undefined, login.kind));
    return run({ handover: login ? 'spawn' : handover });
  }

  const config = prepareConfig(facts, persistent, draft);
  if ('message' in config) return refuse(config);
  if (!login) {
    if (!userChose(facts) && config.fileWillExist) {
      draft.env['K6_CONFIG'] = persistent.path;
      draft.debug.push(`K6_CONFIG=${persistent.path}`);
    }
    return run({ handover, situation: situationOf(facts, persistent) });
  }

  const loginPlan = planLogin(facts, persistent, draft, config, fromFile);
  if ('message' in loginPlan) return refuse(loginPlan);
  return run({ handover: 'spawn', login: loginPlan, situation: loginPlan.place });
}
