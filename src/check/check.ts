// `k6-persist status --check`: the request k6 would make, its answer, the verdict.
import type { Credentials } from '../credentials/provenance.ts';
import { classifyAnswer, missingOutcome, type Answer, type CheckOutcome } from './classify.ts';
import { checkRequest, type CheckRequest } from './request.ts';
import { send } from './send.ts';

export const DEFAULT_TIMEOUT_SECONDS = 10;

export async function checkCredentials(
  credentials: Credentials,
  timeoutSeconds: number,
  sender: (request: CheckRequest, timeoutSeconds: number) => Promise<Answer> = send,
): Promise<CheckOutcome> {
  const request = checkRequest(credentials);
  if (request === undefined) return missingOutcome(credentials);
  return classifyAnswer(request, credentials, await sender(request, timeoutSeconds));
}
