// The plan: everything the wrapper will do, decided before anything is done.
import type { ConfigFlag } from '../args/analyse.ts';
import type { FileState } from '../config/read.ts';
import type { ArgsAnalysis } from '../args/analyse.ts';
import type { Location } from '../mounts/locate.ts';
import type { PausePoint, Settings } from '../settings/env.ts';
import type { Ownership, Situation } from '../report/advice.ts';

/** What the edges found out; the only input of the decision. */
export interface Facts {
  argv: readonly string[];
  argv0: string;
  env: Readonly<NodeJS.ProcessEnv>;
  settings: Settings;
  args: ArgsAnalysis;
  location: Location;
  /** Present iff location.path is. */
  persistent?: PersistentFacts;
  homeUsable: boolean;
  tokenFile?: { path: string; content?: string; errorCode?: string };
  execve: boolean;
  uid: number;
  gid: number;
  /** Supplementary groups (for advice on who may read or write what). */
  groups?: readonly number[];
  /** /proc/self/uid_map is not the identity map: rootless Podman or Docker, or a Pod with hostUsers: false. */
  userNamespace?: boolean;
  /** The real k6's major version as the image recorded it; read for logins only, absent when unknown. */
  k6Major?: number;
}

export interface PersistentFacts {
  path: string;
  state: FileState;
  /** The directory holding the file exists. */
  dirExists: boolean;
  /** The file can be created or replaced there (directory writable, or creatable). */
  writable: boolean;
  /** Why not, as an errno (EACCES, EROFS, ENOENT, ...). */
  writeProblem?: string;
  /**
   * k6's pre-v0.58 file, when the file is k6's default one and is missing, or holds no Cloud
   * token (then the old login is hidden) and the old file does.
   */
  legacy?: { path: string; text: string };
  /** The directory that decides whether the file can be saved (its own, or the nearest existing ancestor). */
  dir?: Ownership & { path: string };
  /** The file is kubelet's AtomicWriter layout (`config.json -> ..data/config.json`). */
  kubeletPayload?: boolean;
}

export type Prepare =
  | { kind: 'mkdir'; path: string }
  | { kind: 'create-config'; path: string }
  /** orPrivate: when it cannot be done, k6 gets a private `{}` (not where the user chose the file). */
  | { kind: 'reset-empty-config'; path: string; inPlace: boolean; orPrivate: boolean }
  /** An empty config that cannot be rewritten: k6 gets a private `{}` instead (K6_CONFIG). */
  | { kind: 'private-config' }
  | { kind: 'private-home'; setXdg: boolean };

/** Where a token the wrapper hands to a login came from; never the token itself. */
export type TokenSource = { kind: 'K6_CLOUD_TOKEN_FILE'; path: string } | { kind: 'K6_CLOUD_TOKEN' };

/**
 * What the wrapper adds to k6's login command line, for this one k6 child only: a token from a
 * secret (the user gave no --token), the stack the persistent file holds (k6 2.x refuses a
 * token without one, and the user gave no --stack), and -q where k6 would print the token.
 */
export interface LoginSupply {
  /** argv index after the command words (LoginRequest.flagsAt). */
  at: number;
  token?: { value: string; source: TokenSource };
  /** The saved stackURL, as k6 saved it: every k6 2.x takes a full URL as --stack. */
  stack?: string;
  quiet: boolean;
}

export interface LoginPlan {
  place: Situation;
  /** The user's -c/--config argument, re-pointed at the staging copy. */
  configFlag: ConfigFlag | undefined;
  /** What the staging copy starts from. */
  initialText: string;
  reset: boolean;
  /** A single file mounted over the path: replace it in place, rename cannot. */
  inPlace: boolean;
  /** Saving back is possible (read-only volumes still allow `--show`). */
  writable: boolean;
  /** The login may save something (not `--show` alone): wait for a busy lock before k6 runs. */
  saves: boolean;
  /** The pre-v0.58 file the login starts from, while the persistent file does not exist. */
  legacyPath?: string;
  /** Test hook (K6_PERSIST_PAUSE_AT): hold at this point of the save so a test can kill the process. */
  pauseAt: PausePoint | undefined;
  /** Flags the wrapper adds for k6 (a token from a secret, the saved stack); absent when none. */
  supply?: LoginSupply;
}

export interface Invocation {
  file: string;
  argv0: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export type Plan =
  | { kind: 'refuse'; exitCode: number; message: string; debug: string[] }
  | {
      kind: 'run';
      notices: string[];
      debug: string[];
      prepare: Prepare[];
      k6: Invocation;
      handover: 'exec' | 'spawn';
      login?: LoginPlan;
      /** The persistent file and who uses it, for the advice of a failure while preparing it. */
      situation?: Situation;
    };

/** k6's own code for an invalid config; the wrapper uses it for a config it cannot use. */
export const EXIT_INVALID_CONFIG = 104;
/** k6's code for "any error without a code"; the wrapper's other refusals use it too. */
export const EXIT_GENERIC_ERROR = 255;
