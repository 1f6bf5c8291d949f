// What the image tests that build their own images share.
import { existsSync } from 'node:fs';

/** The CA bundle the builds here need for npm (as scripts/build-images.sh picks it), as a build secret. */
export function caSecret(): string[] {
  for (const file of [process.env['K6_PERSIST_CA_BUNDLE'], '/etc/ssl/certs/ca-certificates.crt']) {
    if (file && existsSync(file)) return ['--secret', `id=ca,src=${file}`];
  }
  return [];
}
