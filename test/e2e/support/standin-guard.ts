// Global set-up of the e2e suite: every image it runs must be built on the k6 stand-in. The
// tests steer the stand-in through its `// standin:` directives and rely on it never leaving
// 127.0.0.1; on a real k6 they would prove nothing and could reach the public k6 Cloud. Checked
// with no network at all, before any test starts.
import { execFileSync } from 'node:child_process';
import { K6_VERSIONS, imageFor, plainImageFor } from './containers.ts';

const STANDIN_MARK = 'commit/standin';

export default function assertStandInImages(): void {
  assertBuiltOnStandIn(K6_VERSIONS.flatMap((version) => [plainImageFor(version), imageFor(version)]));
}

export function assertBuiltOnStandIn(images: readonly string[]): void {
  for (const image of images) {
    let output: string;
    try {
      // --pull never: a missing image is an error here, never a download.
      output = execFileSync('docker', ['run', '--rm', '--pull', 'never', '--network', 'none', image, 'version'], {
        encoding: 'utf8',
        timeout: 60_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim().split('\n')[0] ?? '';
      throw new Error(`e2e: cannot run \`${image} version\` (${stderr || (error as Error).message.split('\n')[0]}). Build the test images first: bash scripts/build-images.sh`);
    }
    if (!output.includes(STANDIN_MARK)) {
      throw new Error(
        `e2e: ${image} is not built on the k6 stand-in (\`k6 version\` printed ${JSON.stringify(output.trim())}). ` +
          'The e2e tests need the stand-in: rebuild the test images with bash scripts/build-images.sh.',
      );
    }
  }
}
