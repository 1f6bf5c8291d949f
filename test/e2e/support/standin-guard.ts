// Global set-up of the e2e suite: every image it runs must be built on the k6 stand-in. The
// tests steer the stand-in through its `// standin:` directives and rely on it never leaving
// 127.0.0.1; on a real k6 they would prove nothing and could reach the public k6 Cloud. Checked
// with no network at all, before any test starts.
//
// K6_PERSIST_E2E_REAL=1 (containers.ts) is the explicit exception: the images are real ones, on
// purpose. They must still run; the stand-in-specific tests skip themselves (requireStandIn).
// Containers get K6_CLOUD_HOST(_V6) on 127.0.0.1 and no usage report either way (NO_CLOUD_ENV).
import { execFileSync } from 'node:child_process';
import { REAL_K6, imageFor, plainImageFor, versionsInUse } from './containers.ts';

const STANDIN_MARK = 'commit/standin';

export default function assertStandInImages(): void {
  const images = versionsInUse().flatMap((version) => [plainImageFor(version), imageFor(version)]);
  if (REAL_K6) {
    for (const image of images) versionOf(image);
    return;
  }
  assertBuiltOnStandIn(images);
}

/** What `IMAGE version` prints; an error saying how to build the images when it does not run. */
function versionOf(image: string): string {
  try {
    // --pull never: a missing image is an error here, never a download.
    return execFileSync('docker', ['run', '--rm', '--pull', 'never', '--network', 'none', image, 'version'], {
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim().split('\n')[0] ?? '';
    throw new Error(`e2e: cannot run \`${image} version\` (${stderr || (error as Error).message.split('\n')[0]}). Build the test images first: bash scripts/build-images.sh`);
  }
}

export function assertBuiltOnStandIn(images: readonly string[]): void {
  for (const image of images) {
    const output = versionOf(image);
    if (!output.includes(STANDIN_MARK)) {
      throw new Error(
        `e2e: ${image} is not built on the k6 stand-in (\`k6 version\` printed ${JSON.stringify(output.trim())}). ` +
          'The e2e tests need the stand-in: rebuild the test images with bash scripts/build-images.sh, ' +
          'or set K6_PERSIST_E2E_REAL=1 to run the suite on real k6 images (stand-in-specific tests are then skipped).',
      );
    }
  }
}
