// How a run's Cloud settings are consolidated (cloudapi.GetConsolidatedConfig): empty
// variables count as unset, bad numbers are envconfig errors on null.Int, K6_CLOUD_STACK_URL
// yields to the file, `hostv6` in the file, and the script's options.cloud / ext.loadimpact.
// Observed through what reaches the mock cloud.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACK, TOKEN, VERSIONS, type Version, cloudEnv, errorMessages, k6, logLines, standardCloud, tempDir, writeJson } from './support.ts';

const configOf = (home: string) => path.join(home, '.config', 'k6', 'config.json');
const V1 = VERSIONS.filter((v) => v.startsWith('1.'));
const V2 = VERSIONS.filter((v) => !v.startsWith('1.'));
const FIRST_AND_LAST = [VERSIONS[0], VERSIONS[VERSIONS.length - 1]].filter((v): v is Version => v !== undefined);

function script(home: string, content = ''): string {
  fs.writeFileSync(path.join(home, 'script.js'), content);
  return 'script.js';
}

describe.each(VERSIONS)('k6 %s: empty variables are unset (D2, D3, E1)', (version) => {
  it('D2/E1: an empty K6_CLOUD_TOKEN is ignored, so the config file token is used', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN } } });
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], { home, env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: '' } });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]?.authorization).toBe(`Token ${TOKEN}`);
  });

  it('D3: empty K6_CLOUD_STACK_ID and K6_CLOUD_PROJECT_ID are ignored: no error, the file values apply', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN, projectID: 5, stackID: STACK.stackId } } });
    const cloud = await standardCloud();
    const env = { ...cloudEnv(cloud), K6_CLOUD_STACK_ID: '', K6_CLOUD_PROJECT_ID: '' };
    const run = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], { home, env });
    expect(run.exitCode).toBe(0);
    expect(cloud.requests[0]?.body).toMatchObject({ project_id: 5 });
    const cloudRun = await k6(version, ['cloud', 'run', '-q', script(home)], { home, env });
    expect(cloudRun.exitCode).toBe(0);
    expect(cloud.requests.find((r) => r.path.includes('validate'))?.stackId).toBe(String(STACK.stackId));
  });

  it('D3: an empty K6_CLOUD_HOST is ignored, so the host from the file applies', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN, host: cloud.url } } });
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], { home, env: { K6_CLOUD_HOST: '' } });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests.map((r) => r.path)).toContain('/v1/tests');
  });
});

describe.each(FIRST_AND_LAST)('k6 %s: bad numbers in the environment (D3)', (version) => {
  it.each([
    ['K6_CLOUD_STACK_ID', 'StackID', 'abc', 'invalid syntax'],
    ['K6_CLOUD_PROJECT_ID', 'ProjectID', '12x', 'invalid syntax'],
    ['K6_CLOUD_PROJECT_ID', 'ProjectID', '99999999999999999999', 'value out of range'],
  ])('D3: %s=%s fails with the envconfig error naming null.Int', async (variable, field, value, reason) => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], {
      home,
      env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN, [variable]: value },
    });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toEqual([
      `could not create the 'cloud' output: envconfig.Process: assigning ${variable} to ${field}: converting '${value}' to type null.Int. ` +
        `details: strconv.ParseInt: parsing ${JSON.stringify(value)}: ${reason}`,
    ]);
    expect(cloud.requests).toEqual([]);
  });

  it('D3: a bad K6_CLOUD_STACK_ID stops `cloud run` with the bare envconfig error', async () => {
    const home = tempDir();
    const result = await k6(version, ['cloud', 'run', script(home)], { home, env: { K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_STACK_ID: ' 5' } });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toEqual([
      "envconfig.Process: assigning K6_CLOUD_STACK_ID to StackID: converting ' 5' to type null.Int. details: strconv.ParseInt: parsing \" 5\": invalid syntax",
    ]);
  });
});

describe.each(FIRST_AND_LAST)('k6 %s: K6_CLOUD_STACK_URL and the file (D3)', (version) => {
  const stackNameIn = async (file: Record<string, unknown>, env: Record<string, string>): Promise<string | undefined> => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN, stackID: STACK.stackId, defaultProjectID: STACK.defaultProjectId, ...file } } });
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', 'run', '-q', script(home)], { home, env: { ...cloudEnv(cloud), ...env } });
    expect(result.exitCode).toBe(0);
    return logLines(result.stderr).find((l) => l.msg.startsWith('No projectID specified'))?.msg;
  };

  it('D3: K6_CLOUD_STACK_URL applies only when the file has no stackURL', async () => {
    const env = { K6_CLOUD_STACK_URL: 'https://from-env.grafana.net' };
    expect(await stackNameIn({ stackURL: 'https://from-file.grafana.net' }, env)).toBe(
      'No projectID specified, using default project of the https://from-file.grafana.net stack\n',
    );
    expect(await stackNameIn({}, env)).toBe('No projectID specified, using default project of the https://from-env.grafana.net stack\n');
  });
});

describe.each(V2)('k6 %s: the v6 host (D3, D6)', (version) => {
  it('D3/D6: `hostv6` in the config file is the v6 API host when K6_CLOUD_HOST_V6 is not set', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    writeJson(configOf(home), {
      collectors: { cloud: { token: TOKEN, stackID: STACK.stackId, defaultProjectID: STACK.defaultProjectId, hostv6: cloud.url } },
    });
    const result = await k6(version, ['cloud', 'run', '-q', script(home)], { home, env: { K6_CLOUD_HOST_V6: '' } });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]?.path).toBe('/cloud/v6/validate_options');
  });
});

describe.each(VERSIONS)('k6 %s: options.cloud in the script (D18)', (version) => {
  it('D18: options.cloud.stackID is the stack `cloud run` uses', async () => {
    const home = tempDir();
    const cloud = await standardCloud({ stacks: { acme: { stackId: STACK.stackId, defaultProjectId: 77 }, other: { stackId: 5150, defaultProjectId: 78 } } });
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN, stackID: STACK.stackId, defaultProjectID: 77 } } });
    const name = script(home, 'export const options = { cloud: { stackID: 5150, projectID: 9 } };\n');
    const result = await k6(version, ['cloud', 'run', '-q', name], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests.every((r) => r.stackId === '5150')).toBe(true);
  });

  it('D18: options.cloud.projectID: 0 replaces the file projectID (and then project_id is left out)', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN, projectID: 5 } } });
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home, 'export const options = { cloud: { projectID: 0 } };\n')], {
      home,
      env: cloudEnv(cloud),
    });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]?.body).not.toHaveProperty('project_id');
  });
});

const LEGACY_ONLY = "export const options = { ext: { loadimpact: { projectID: 5, name: 'legacy-name' } } };\n";
const BOTH = "export const options = {\n  ext: { loadimpact: { projectID: 5, name: 'legacy-name' } },\n  cloud: { token: 'tok-0123456789abcdef' },\n};\n";

describe.each(V1)('k6 %s: options.ext.loadimpact (D18)', (version) => {
  it('D18: ext.loadimpact alone is used, with the deprecation warning', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home, LEGACY_ONLY)], { home, env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN } });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]?.body).toMatchObject({ name: 'legacy-name', project_id: 5 });
    expect(logLines(result.stderr)).toContainEqual(
      expect.objectContaining({ level: 'warning', msg: 'The options.ext.loadimpact option is deprecated, please use options.cloud instead' }),
    );
  });

  it('D18: options.cloud replaces ext.loadimpact as a whole, not field by field', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home, BOTH)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]?.authorization).toBe(`Token ${TOKEN}`);
    expect(cloud.requests[0]?.body).toMatchObject({ name: 'script.js' });
    expect(cloud.requests[0]?.body).not.toHaveProperty('project_id');
  });
});

describe.each(V2)('k6 %s: options.ext.loadimpact (D18)', (version) => {
  it('D18: v2 ignores ext.loadimpact entirely', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home, LEGACY_ONLY)], { home, env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN } });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]?.body).toMatchObject({ name: 'script.js' });
    expect(cloud.requests[0]?.body).not.toHaveProperty('project_id');
    expect(result.stderr).not.toContain('loadimpact');
  });
});
