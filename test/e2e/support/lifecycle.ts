// The life cycle most e2e files share: one mock cloud and one scripts directory per file,
// the requests and per-test volumes and directories cleared after each test.
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { MockCloudOptions } from '../../mock-cloud/server.ts';
import { type E2eCloud, startCloud } from './cloud.ts';
import { scriptsDir } from './observe.ts';
import type { Resources } from './resources.ts';

const DEFAULT_SCRIPTS = { 'test.js': 'export default function () {}\n' };

export function useCloudAndScripts(
  options: MockCloudOptions,
  res: Resources,
  ready: (cloud: E2eCloud, scripts: string) => void,
  files: Record<string, string> = DEFAULT_SCRIPTS,
): void {
  let cloud: E2eCloud | undefined;
  let scripts: string | undefined;
  beforeAll(async () => {
    cloud = await startCloud(options);
    scripts = scriptsDir(files);
    ready(cloud, scripts);
  });
  afterEach(async () => {
    cloud?.clear();
    await res.cleanup();
  });
  afterAll(async () => {
    await cloud?.close();
    if (scripts) res.track(scripts);
    await res.cleanup();
  });
}
