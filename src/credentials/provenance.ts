// Which token, stack and project k6 will use, and where each comes from. Pure: the caller reads
// the environment, the token file and the config file and passes them in.
//
// k6 merges defaults < config file < script options < environment (cloudapi.GetConsolidatedConfig,
// k6-source-audit B3) with these twists, each of which a user meets as a surprise:
// - an empty variable is no value at all (null.*'s UnmarshalText(""), audit D2/D3), so it never
//   hides the file;
// - K6_CLOUD_STACK_URL applies only when the file has no stackURL (Config.Apply, audit D3);
// - a project id applies only when above 0 (Config.Apply), and `cloud run` falls back to the
//   login's defaultProjectID;
// - K6_CLOUD_TOKEN_FILE is the wrapper's own: it becomes K6_CLOUD_TOKEN for k6 (plan/decide.ts),
//   and with K6_CLOUD_TOKEN also set the wrapper refuses to start k6 at all.
// Script options cannot be known without running the script; they are left out.
import { createHash } from 'node:crypto';
import { cloudSection, type ConfigObject } from '../config/document.ts';

export type CredentialSource = 'env' | 'token-file' | 'config' | 'none';

export interface Provenance<T> {
  /** What k6 will use; null when nothing supplies it. */
  value: T | null;
  source: CredentialSource;
  /** The environment variable (or K6_CLOUD_TOKEN_FILE's path) it came from. */
  from?: string;
  /** The config file holds a value of its own that the environment overrides. */
  shadowed: boolean;
  /** That overridden value of the file. */
  saved?: T;
  /** An environment variable that is set but that k6 ignores (K6_CLOUD_STACK_URL under a file's stackURL). */
  ignored?: string;
}

export type TokenProblem = 'conflict' | 'unreadable' | 'empty';

export interface Credentials {
  token: Provenance<string> & { problem?: TokenProblem; errorCode?: string };
  stackID: Provenance<unknown>;
  stackURL: Provenance<unknown>;
  projectID: Provenance<unknown>;
  /** k6's v1 and v6 API hosts, resolved as k6 resolves them. */
  hosts: { v1: string; v6: string };
  /** The config file the values marked `config` come from. */
  configPath?: string;
}

export interface CredentialInput {
  env: Readonly<Record<string, string | undefined>>;
  /** What the wrapper read from K6_CLOUD_TOKEN_FILE (facts.tokenFile). */
  tokenFile?: { path: string; content?: string; errorCode?: string } | undefined;
  /** The config k6 reads, parsed; undefined when there is none (or it cannot be used). */
  config?: ConfigObject | undefined;
  configPath?: string | undefined;
}

/** k6's defaults (cloudapi.NewConfig). */
export const DEFAULT_HOST = 'https://ingest.k6.io';
export const DEFAULT_HOST_V6 = 'https://api.k6.io';

/** The first 12 hex digits of the token's SHA-256: enough to compare two copies, useless to an attacker. */
export function fingerprint(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 12);
}

/** Go's encoding/json matches struct fields case-insensitively; the last matching key wins. */
function fileValue(cloud: Record<string, unknown>, name: string): unknown {
  let found: unknown = undefined;
  for (const key of Object.keys(cloud)) {
    if (key.toLowerCase() === name.toLowerCase()) found = cloud[key];
  }
  return found ?? undefined;
}

/** A set, non-empty variable: k6 ignores an empty one. */
function envValue(env: CredentialInput['env'], name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** null.Int's text form is a decimal int64; kept as text when it is not one (k6 then refuses it). */
function envInteger(text: string): unknown {
  if (!/^[+-]?\d+$/.test(text)) return text;
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : text;
}

const isNumberAbove0 = (value: unknown): boolean =>
  (typeof value === 'number' && value > 0) || (typeof value === 'string' && /^\+?0*[1-9]\d*$/.test(value)) || isRawPositive(value);

/** A number kept as its source text (document.ts keeps digits JavaScript cannot hold). */
function isRawPositive(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const text = JSON.stringify(value);
  return typeof text === 'string' && /^\d+$/.test(text) && /[1-9]/.test(text);
}

const none = <T>(): Provenance<T> => ({ value: null, source: 'none', shadowed: false });

function fromFileOrEnv(fileRaw: unknown, envText: string | undefined, variable: string, parse: (text: string) => unknown): Provenance<unknown> {
  const inFile = fileRaw !== undefined && fileRaw !== null;
  if (envText !== undefined) {
    return { value: parse(envText), source: 'env', from: variable, shadowed: inFile, ...(inFile ? { saved: fileRaw } : {}) };
  }
  return inFile ? { value: fileRaw, source: 'config', shadowed: false } : none();
}

function tokenOf(input: CredentialInput, cloud: Record<string, unknown>): Credentials['token'] {
  const raw = fileValue(cloud, 'token');
  const saved = typeof raw === 'string' && raw !== '' ? raw : undefined;
  const savedPart = saved === undefined ? {} : { saved };
  const envToken = envValue(input.env, 'K6_CLOUD_TOKEN');
  const file = input.tokenFile;
  if (file) {
    // decide.ts refuses the command in these cases: no token reaches k6 at all.
    if (envToken !== undefined) return { ...none<string>(), from: file.path, problem: 'conflict' };
    if (file.errorCode !== undefined) return { ...none<string>(), from: file.path, problem: 'unreadable', errorCode: file.errorCode };
    const token = (file.content ?? '').trim();
    if (token === '') return { ...none<string>(), from: file.path, problem: 'empty' };
    return { value: token, source: 'token-file', from: file.path, shadowed: saved !== undefined, ...savedPart };
  }
  if (envToken !== undefined) return { value: envToken, source: 'env', from: 'K6_CLOUD_TOKEN', shadowed: saved !== undefined, ...savedPart };
  return saved === undefined ? none() : { value: saved, source: 'config', shadowed: false };
}

function stackURLOf(input: CredentialInput, cloud: Record<string, unknown>): Provenance<unknown> {
  const file = fileValue(cloud, 'stackURL');
  const env = envValue(input.env, 'K6_CLOUD_STACK_URL');
  if (file !== undefined && file !== null) {
    return { value: file, source: 'config', shadowed: false, ...(env === undefined ? {} : { ignored: 'K6_CLOUD_STACK_URL' }) };
  }
  return env === undefined ? none() : { value: env, source: 'env', from: 'K6_CLOUD_STACK_URL', shadowed: false };
}

function projectIDOf(input: CredentialInput, cloud: Record<string, unknown>): Provenance<unknown> {
  const project = fileValue(cloud, 'projectID');
  const fallback = fileValue(cloud, 'defaultProjectID');
  const fileProject = isNumberAbove0(project) ? project : fallback !== undefined && fallback !== null ? fallback : undefined;
  const envText = envValue(input.env, 'K6_CLOUD_PROJECT_ID');
  const envProject = envText === undefined ? undefined : envInteger(envText);
  // Config.Apply takes a project id only above 0: K6_CLOUD_PROJECT_ID=0 leaves the file's.
  const envApplies = envText !== undefined && (typeof envProject !== 'number' || envProject > 0);
  return fromFileOrEnv(fileProject, envApplies ? envText : undefined, 'K6_CLOUD_PROJECT_ID', envInteger);
}

function hostOf(input: CredentialInput, cloud: Record<string, unknown>, variable: string, key: string, fallback: string): string {
  const env = envValue(input.env, variable);
  if (env !== undefined) return env;
  const file = fileValue(cloud, key);
  return typeof file === 'string' && file !== '' ? file : fallback;
}

export function resolveCredentials(input: CredentialInput): Credentials {
  const cloud = input.config ? cloudSection(input.config) : {};
  return {
    token: tokenOf(input, cloud),
    stackID: fromFileOrEnv(fileValue(cloud, 'stackID'), envValue(input.env, 'K6_CLOUD_STACK_ID'), 'K6_CLOUD_STACK_ID', envInteger),
    stackURL: stackURLOf(input, cloud),
    projectID: projectIDOf(input, cloud),
    hosts: {
      v1: hostOf(input, cloud, 'K6_CLOUD_HOST', 'host', DEFAULT_HOST),
      v6: hostOf(input, cloud, 'K6_CLOUD_HOST_V6', 'hostv6', DEFAULT_HOST_V6),
    },
    ...(input.configPath === undefined ? {} : { configPath: input.configPath }),
  };
}

/** k6 2.x's cloud commands need a stack id other than 0 (checkCloudLoginFor). */
export function hasStack(credentials: Credentials): boolean {
  const id = credentials.stackID.value;
  return id !== null && id !== 0 && id !== '0';
}
