// The credentials of one wrapper start or status report, from what gatherFacts already read:
// nothing here reads the config file or the token file a second time.
import { parseConfigText, type ConfigObject } from '../config/document.ts';
import type { Facts } from '../plan/types.ts';
import { cloudCommandOf } from './cloud-command.ts';
import { k6MajorOf } from '../plan/k6-version.ts';
import { credentialNotices } from './notices.ts';
import { hasStack, resolveCredentials, type Credentials } from './provenance.ts';

/** The config k6 reads: the persistent file, or k6's pre-v0.58 file while that one is missing (decide.ts). */
export interface ConfigOfFacts {
  config?: ConfigObject;
  path?: string;
}

export function configOfFacts(facts: Pick<Facts, 'persistent'>): ConfigOfFacts {
  const persistent = facts.persistent;
  if (!persistent) return {};
  const state = persistent.state;
  const [text, path] = state.kind === 'present' ? [state.text, persistent.path] : [persistent.legacy?.text, persistent.legacy?.path];
  // A volume without a file yet: nothing in it, but it is where a login would go.
  if (text === undefined || path === undefined) return { path: persistent.path };
  const parsed = parseConfigText(text);
  return parsed.ok ? { config: parsed.config, path } : { path };
}

/** `found`: the config when the caller has it already, so that it is parsed once. */
export function credentialsOfFacts(facts: Pick<Facts, 'persistent' | 'env' | 'tokenFile'>, found: ConfigOfFacts = configOfFacts(facts)): Credentials {
  const { config, path } = found;
  return resolveCredentials({ env: facts.env, tokenFile: facts.tokenFile, config, configPath: path });
}

/**
 * The notices for a cloud command (none for any other); the k6 version is read only when a hint
 * may need it, by the same reader as a login's (the k6 that K6_PERSIST_K6_BIN names).
 */
export function cloudCommandNotices(facts: Facts, k6Major: () => number | undefined = () => k6MajorOf(facts.settings.k6Binary)): string[] {
  // Parsed at most once, and only when the command line leaves the question to the config.
  let found: ConfigOfFacts | undefined;
  const config = (): ConfigOfFacts => (found ??= configOfFacts(facts));
  const command = cloudCommandOf(facts.args, facts.argv, facts.env, () => config().config);
  if (command === undefined) return [];
  const credentials = credentialsOfFacts(facts, config());
  const needsVersion = credentials.token.value !== null && !hasStack(credentials);
  return credentialNotices(command, credentials, needsVersion ? k6Major() : undefined);
}
