// What a cloud command is told about its credentials before k6 starts: at most one notice (a
// saved login the environment overrides, or a token and a stack from different places, the usual
// cause of a 403) and, on k6 2.x, a hint when a command that needs a stack has a token but none.
// They go to stderr through the logger (silenced by -q); k6's stdout and exit code stay k6's.
import { maskToken } from '../config/mask.ts';
import { valueText } from '../config/document.ts';
import { type CloudCommand, usesStack } from './cloud-command.ts';
import { hasStack, type Credentials } from './provenance.ts';
import { sourceText } from './view.ts';

function shadowSentence(command: CloudCommand, credentials: Credentials): string | undefined {
  const { token, stackID, configPath } = credentials;
  const file = configPath ?? 'the config file';
  const parts: string[] = [];
  if (token.shadowed && token.value !== null && token.saved !== undefined) {
    parts.push(`${sourceText(token, configPath)} overrides the token saved in ${file} (k6 uses ${maskToken(token.value)}, not ${maskToken(token.saved)})`);
  }
  if (usesStack(command) && stackID.shadowed) {
    parts.push(`${sourceText(stackID, configPath)} overrides the stack id saved in ${file} (k6 uses ${valueText(stackID.value)}, not ${valueText(stackID.saved)})`);
  }
  return parts.length === 0 ? undefined : `${parts.join('; ')}.`;
}

/** Token and stack from different places: a token of one stack sent to another gets a 403. */
function mixedSentence(command: CloudCommand, credentials: Credentials): string | undefined {
  const { token, stackID, configPath } = credentials;
  if (!usesStack(command) || token.value === null || !hasStack(credentials)) return undefined;
  // The environment (a variable, or the wrapper's token file) against the saved file: a token
  // and a stack both given to this run, or both saved by one login, are meant to go together.
  if ((token.source === 'config') === (stackID.source === 'config')) return undefined;
  const tokenFrom = sourceText(token, configPath);
  const stackFrom = sourceText(stackID, configPath);
  return `The token comes from ${tokenFrom} and the stack (id ${valueText(stackID.value)}) from ${stackFrom}: if the token is not one of that stack, k6 Cloud answers 403.`;
}

function stackHint(command: CloudCommand, credentials: Credentials, k6Major: number | undefined): string | undefined {
  if (k6Major === undefined || k6Major < 2 || !usesStack(command)) return undefined;
  if (credentials.token.value === null || hasStack(credentials)) return undefined;
  return (
    `k6 ${k6Major}.x needs a stack for \`k6 ${command}\` and none is set (unless the script sets options.cloud.stackID). ` +
    'Give it one of three ways: the K6_CLOUD_STACK_ID environment variable; `k6 cloud login --stack <slug>` on the volume; ' +
    'or {"collectors":{"cloud":{"stackID":<id>}}} in the config file (in Kubernetes, a ConfigMap mounted at /config).'
  );
}

export function credentialNotices(command: CloudCommand, credentials: Credentials, k6Major: number | undefined): string[] {
  const sentences = [shadowSentence(command, credentials), mixedSentence(command, credentials)].filter((s) => s !== undefined);
  const notices: string[] = [];
  if (sentences.length > 0) notices.push(`notice: ${sentences.join(' ')} \`k6-persist status --check\` tests the credentials k6 will use.`);
  const hint = stackHint(command, credentials, k6Major);
  if (hint !== undefined) notices.push(`hint: ${hint}`);
  return notices;
}
