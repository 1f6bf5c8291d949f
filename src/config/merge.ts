// What a k6 login changed, and how to carry only that into the persistent file.
//
// k6 rewrites the whole file on login and drops what it does not know (unknown top-level keys,
// unknown keys inside collectors.cloud). So the wrapper never copies k6's file over the user's:
// it diffs k6's output against k6's input and applies only the differences to a fresh read of
// the persistent file. Anything k6 merely dropped therefore survives.
import { isDeepStrictEqual } from 'node:util';
import { cloudSection, type ConfigObject } from './document.ts';

/** The keys a login owns: a reset clears them even when k6 deletes them rather than nulling them. */
export const CREDENTIAL_KEYS = ['token', 'stackID', 'stackURL', 'defaultProjectID'] as const;

export interface CloudChange {
  set: Record<string, unknown>;
  remove: string[];
}

const isCredential = (key: string) => (CREDENTIAL_KEYS as readonly string[]).includes(key);

/** k6 writes every option it knows, unset ones as null: a null where there was nothing is no change. */
function changed(was: Record<string, unknown>, key: string, value: unknown): boolean {
  if (!Object.hasOwn(was, key)) return value !== null;
  return !isDeepStrictEqual(was[key], value);
}

export function diffCloud(before: ConfigObject, after: ConfigObject, reset: boolean): CloudChange {
  const was = cloudSection(before);
  const now = cloudSection(after);
  const set: Record<string, unknown> = {};
  const remove: string[] = [];
  for (const [key, value] of Object.entries(now)) {
    if (!isCredential(key) && changed(was, key, value)) set[key] = value;
  }
  // The credentials are one unit: a token belongs to its stack. When the login changed any of
  // them (or reset them), k6's output is the whole truth for the unit, so a concurrent login
  // that changed the stack cannot leave this login's token paired with its stack.
  const credentialsChanged = reset || CREDENTIAL_KEYS.some((key) => Object.hasOwn(now, key) && changed(was, key, now[key]));
  if (credentialsChanged) {
    for (const key of CREDENTIAL_KEYS) {
      if (!Object.hasOwn(now, key)) remove.push(key);
      else if (Object.hasOwn(was, key) || changed(was, key, now[key])) set[key] = now[key];
    }
  }
  // Any other key k6 left out is one it did not know: keep it.
  return { set, remove };
}

export function isEmptyChange(change: CloudChange): boolean {
  return Object.keys(change.set).length === 0 && change.remove.length === 0;
}

export function applyCloudChange(current: ConfigObject, change: CloudChange): ConfigObject {
  const collectorsValue = current['collectors'];
  const collectors =
    collectorsValue !== null && typeof collectorsValue === 'object' && !Array.isArray(collectorsValue)
      ? (collectorsValue as Record<string, unknown>)
      : {};
  const cloud: Record<string, unknown> = { ...cloudSection(current), ...change.set };
  for (const key of change.remove) delete cloud[key];
  return { ...current, collectors: { ...collectors, cloud } };
}

export interface CloudSummary {
  token?: string;
  stackID?: unknown;
  stackURL?: unknown;
  projectID?: unknown;
}

/** The credential facts worth reporting; values are shown as stored (the caller masks the token). */
export function summarizeCloud(config: ConfigObject): CloudSummary {
  const cloud = cloudSection(config);
  const summary: CloudSummary = {};
  if (typeof cloud['token'] === 'string' && cloud['token'] !== '') summary.token = cloud['token'];
  if (cloud['stackID'] != null) summary.stackID = cloud['stackID'];
  if (cloud['stackURL'] != null) summary.stackURL = cloud['stackURL'];
  const project = cloud['projectID'] ?? cloud['defaultProjectID'];
  if (project != null) summary.projectID = project;
  return summary;
}
