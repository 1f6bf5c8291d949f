// What `k6 cloud run` uploads (E12): the archive carries the consolidated token in its
// options.cloud, wherever the token came from, so the token leaves the machine in the upload.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACK, TOKEN, VERSIONS, cloudEnv, k6, standardCloud, tempDir, writeJson } from './support.ts';

const configOf = (home: string) => path.join(home, '.config', 'k6', 'config.json');

describe.each(VERSIONS)('k6 %s cloud run: the uploaded archive', (version) => {
  const upload = version.startsWith('1.') ? '/v1/archive-upload' : `/cloud/v6/projects/${STACK.defaultProjectId}/load_tests`;

  it('E12: the token from the config file is inside the uploaded archive\'s options.cloud', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN, stackID: STACK.stackId, defaultProjectID: STACK.defaultProjectId } } });
    fs.writeFileSync(path.join(home, 'script.js'), '// standin: duration=200ms\n');
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', 'run', '-q', 'script.js'], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    const uploaded = cloud.requests.find((r) => r.method === 'POST' && r.path === upload);
    expect(uploaded?.archive?.options['cloud']).toEqual({ token: TOKEN, projectID: STACK.defaultProjectId });
    expect(uploaded?.archive?.script).toContain('standin: duration=200ms');
    if (version.startsWith('1.')) {
      // 1.x keeps the legacy copy under ext.loadimpact as well.
      expect(uploaded?.archive?.options['ext']).toEqual({ loadimpact: { token: TOKEN, projectID: STACK.defaultProjectId } });
    }
    const validated = cloud.requests.find((r) => r.path.includes('validate'))?.body as { options: Record<string, unknown> };
    expect(validated.options['cloud']).toMatchObject({ token: TOKEN });
  });

  it('E12: a token from K6_CLOUD_TOKEN ends up in the archive too, with the script\'s own options.cloud keys', async () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'script.js'), "export const options = { cloud: { name: 'named-run', projectID: 9 } };\n");
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', 'run', '-q', 'script.js'], {
      home,
      env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_STACK_ID: String(STACK.stackId) },
    });
    expect(result.exitCode).toBe(0);
    const uploaded = cloud.requests.find((r) => r.archive !== undefined);
    expect(uploaded?.archive?.options['cloud']).toEqual({ name: 'named-run', projectID: 9, token: TOKEN });
    expect(uploaded?.form?.['name']).toBe('named-run');
  });
});
