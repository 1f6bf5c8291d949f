// Running tests: where the token comes from, the first cloud API call of each flow, script
// loading and directives, config errors and exit codes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  OTHER_UID,
  STACK,
  TOKEN,
  VERSIONS,
  cloudEnv,
  errorMessages,
  isRoot,
  k6,
  logLines,
  standardCloud,
  tempDir,
  writeJson,
} from './support.ts';

const configOf = (home: string) => path.join(home, '.config', 'k6', 'config.json');

function script(home: string, content = '', name = 'script.js'): string {
  fs.writeFileSync(path.join(home, name), content);
  return name;
}

describe.each(VERSIONS)('k6 %s run -o cloud', (version) => {
  it.each([
    ['-o cloud', ['-o', 'cloud']],
    ['--out cloud', ['--out', 'cloud']],
    ['--out=cloud', ['--out=cloud']],
  ])('%s creates the test run with POST /v1/tests and Authorization: Token', async (_spelling, flags) => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN } } });
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', ...flags, script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests).toEqual([
      expect.objectContaining({ method: 'POST', path: '/v1/tests', authorization: `Token ${TOKEN}`, stackId: undefined }),
    ]);
    expect(cloud.requests[0]?.body).toMatchObject({ name: 'script.js', vus: 1 });
  });

  it('K6_CLOUD_TOKEN beats options.cloud.token and the config file', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: 'from-file' } } });
    const name = script(home, "export const options = { cloud: { token: 'from-script' } };\n");
    const cloud = await standardCloud({ tokens: [TOKEN, 'from-file', 'from-script'] });
    const result = await k6(version, ['run', '-q', '-o', 'cloud', name], {
      home,
      env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN },
    });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]?.authorization).toBe(`Token ${TOKEN}`);
  });

  it('options.cloud.token in the script beats the config file', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: 'from-file' } } });
    const name = script(home, "export const options = {\n  cloud: { projectID: 5, token: \"from-script\" },\n};\n");
    const cloud = await standardCloud({ tokens: ['from-file', 'from-script'] });
    const result = await k6(version, ['run', '-q', '-o', 'cloud', name], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]?.authorization).toBe('Token from-script');
    expect(cloud.requests[0]?.body).toMatchObject({ project_id: 5 });
  });

  it('sends X-Stack-Id when the config file has a stack', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN, stackID: STACK.stackId, defaultProjectID: 77 } } });
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]).toMatchObject({ stackId: String(STACK.stackId), body: { project_id: 77 } });
  });

  it('takes the stack from K6_CLOUD_STACK_ID and the project from K6_CLOUD_PROJECT_ID', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], {
      home,
      env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_STACK_ID: String(STACK.stackId), K6_CLOUD_PROJECT_ID: '31' },
    });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]).toMatchObject({ stackId: String(STACK.stackId), body: { project_id: 31 } });
  });

  it('fails without a token ("must first authenticate") before calling the cloud', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr).join('\n')).toContain('To run tests in Grafana Cloud, you must first authenticate');
    expect(cloud.requests).toEqual([]);
  });

  it('fails when the cloud rejects the token', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], {
      home,
      env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: 'rejected' },
    });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toContain('(401/E2) Invalid token');
    expect(result.stdout).not.toContain('TOTAL RESULTS');
  });

  it('needs reference_id in the answer', async () => {
    const home = tempDir();
    const cloud = await standardCloud({ referenceId: '' });
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], {
      home,
      env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN },
    });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toContain('failed to get a reference ID');
  });

  it('honours K6_CLOUD_HOST (never contacting the default host)', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], {
      home,
      env: { K6_CLOUD_HOST: cloud.url, K6_CLOUD_TOKEN: TOKEN },
    });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests).toHaveLength(1);
    expect(result.stdout).not.toContain('ingest.k6.io');
  });
});

describe('k6 1.8.1 cloud run / cloud script.js', () => {
  it.each([
    ['cloud run', ['cloud', 'run']],
    ['cloud <script>', ['cloud']],
  ])('`%s` without a token fails with "must first authenticate"', async (_name, command) => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6('1.8.1', [...command, script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr).join('\n')).toContain('you must first authenticate');
    expect(cloud.requests).toEqual([]);
  });

  it.each([
    ['cloud run', ['cloud', 'run']],
    ['cloud <script>', ['cloud']],
  ])('`%s` calls POST /v1/validate-options with Authorization: Token', async (_name, command) => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN } } });
    const cloud = await standardCloud();
    const result = await k6('1.8.1', [...command, script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests).toEqual([
      expect.objectContaining({ method: 'POST', path: '/v1/validate-options', authorization: `Token ${TOKEN}` }),
    ]);
    expect(result.stdout).toContain('test status: Finished');
  });

  it('warns that `k6 cloud <script>` is deprecated', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6('1.8.1', ['cloud', script(home)], { home, env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN } });
    expect(logLines(result.stderr).some((l) => l.level === 'warning' && l.msg.includes('is deprecated'))).toBe(true);
  });
});

describe('k6 2.2.0 cloud run', () => {
  it('fails with "access token not configured" without a token', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6('2.2.0', ['cloud', 'run', script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr).join('\n')).toContain('access token not configured');
    expect(cloud.requests).toEqual([]);
  });

  it('fails with "stack ID not configured" with a token but no stack', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN } } });
    const cloud = await standardCloud();
    const result = await k6('2.2.0', ['cloud', 'run', script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr).join('\n')).toContain('stack ID not configured');
    expect(cloud.requests).toEqual([]);
  });

  it('calls POST /cloud/v6/validate_options with Bearer and X-Stack-Id', async () => {
    const home = tempDir();
    writeJson(configOf(home), {
      collectors: { cloud: { token: TOKEN, stackID: STACK.stackId, defaultProjectID: STACK.defaultProjectId } },
    });
    const cloud = await standardCloud();
    const result = await k6('2.2.0', ['cloud', 'run', script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/cloud/v6/validate_options',
        authorization: `Bearer ${TOKEN}`,
        stackId: String(STACK.stackId),
        body: expect.objectContaining({ project_id: STACK.defaultProjectId }),
      }),
    ]);
  });

  it('uses K6_CLOUD_TOKEN and K6_CLOUD_STACK_ID from the environment', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6('2.2.0', ['cloud', 'run', script(home)], {
      home,
      env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_STACK_ID: String(STACK.stackId), K6_CLOUD_PROJECT_ID: '9' },
    });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]).toMatchObject({ stackId: String(STACK.stackId), body: { project_id: 9 } });
  });

  it('`k6 cloud` without arguments prints help and exits 0 (1.8.1 fails instead)', async () => {
    const home = tempDir();
    const v2 = await k6('2.2.0', ['cloud'], { home });
    expect(v2.exitCode).toBe(0);
    expect(v2.stdout).toContain('login');
    const v1 = await k6('1.8.1', ['cloud'], { home });
    expect(v1.exitCode).toBe(255);
    expect(errorMessages(v1.stderr).join('\n')).toContain('expects either a subcommand');
  });
});

describe.each(VERSIONS)('k6 %s run', (version) => {
  it('prints an end-of-test summary with TOTAL RESULTS and checks, exit 0', async () => {
    const home = tempDir();
    const result = await k6(version, ['run', script(home)], { home });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('execution: local');
    expect(result.stdout).toContain('TOTAL RESULTS');
    expect(result.stdout).toMatch(/checks_total/);
  });

  it('reads the script from stdin with `run -`', async () => {
    const home = tempDir();
    const result = await k6(version, ['run', '-q', '-'], { home, input: '// standin: exit=110\n' });
    expect(result.exitCode).toBe(110);
    expect(result.stdout).toContain('script: -');
  });

  it('fails with 255 and the module-not-found message when the script is missing', async () => {
    const home = tempDir();
    const result = await k6(version, ['run', 'missing.js'], { home });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr).join('\n')).toContain('The moduleSpecifier "missing.js" couldn\'t be found on local disk');
  });

  it('requires exactly one script argument', async () => {
    const home = tempDir();
    const result = await k6(version, ['run'], { home });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr).join('\n')).toContain('accepts 1 arg(s), received 0');
  });

  it('runs as long as `// standin: duration=`', async () => {
    const home = tempDir();
    const started = Date.now();
    const result = await k6(version, ['run', '-q', script(home, '// standin: duration=1200ms\n')], { home });
    expect(result.exitCode).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
    expect(result.stdout).toContain('1.2s');
  });

  it('exits 99 after the summary with `// standin: thresholds=fail`', async () => {
    const home = tempDir();
    const result = await k6(version, ['run', script(home, '// standin: thresholds=fail\n')], { home });
    expect(result.exitCode).toBe(99);
    expect(result.stdout).toContain('TOTAL RESULTS');
    expect(result.stdout).toContain('THRESHOLDS');
    expect(errorMessages(result.stderr).join('\n')).toContain('have been crossed');
  });

  it('exits 107 with hint="script exception" on `// standin: throw`', async () => {
    const home = tempDir();
    const result = await k6(version, ['run', script(home, '// standin: throw\n')], { home });
    expect(result.exitCode).toBe(107);
    expect(logLines(result.stderr)).toContainEqual(
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ hint: 'script exception' }) }),
    );
    expect(result.stdout).not.toContain('TOTAL RESULTS');
  });

  it('exits with the code of `// standin: exit=N` after the summary', async () => {
    const home = tempDir();
    const result = await k6(version, ['run', script(home, '// standin: exit=108\n')], { home });
    expect(result.exitCode).toBe(108);
    expect(result.stdout).toContain('TOTAL RESULTS');
  });

  it.each([['run'], ['archive'], ['inspect']])('`%s` exits 104 on invalid JSON in the config file', async (command) => {
    const home = tempDir();
    fs.mkdirSync(path.dirname(configOf(home)), { recursive: true });
    fs.writeFileSync(configOf(home), '{"collectors": ');
    const result = await k6(version, [command, script(home)], { home });
    expect(result.exitCode).toBe(104);
    expect(errorMessages(result.stderr).join('\n')).toContain(
      `couldn't parse the configuration from ${JSON.stringify(configOf(home))}: unexpected end of JSON input`,
    );
  });

  it.runIf(isRoot).each([['run'], ['archive'], ['inspect']])(
    '`%s` exits 104 when the config file cannot be stat-ed (permission denied)',
    async (command) => {
      const home = tempDir();
      const dir = path.join(home, 'locked');
      writeJson(path.join(dir, 'config.json'), {});
      fs.chmodSync(dir, 0o700);
      const name = script(home);
      const result = await k6(version, [command, '-c', path.join(dir, 'config.json'), name], {
        home,
        uid: OTHER_UID,
        gid: OTHER_UID,
        env: { XDG_CONFIG_HOME: path.join(home, 'xdg') },
      });
      expect(result.exitCode).toBe(104);
      expect(errorMessages(result.stderr).join('\n')).toContain(`stat ${path.join(dir, 'config.json')}: permission denied`);
    },
  );

  it('login exits 255 on invalid JSON in the config file and leaves it alone', async () => {
    const home = tempDir();
    fs.mkdirSync(path.dirname(configOf(home)), { recursive: true });
    fs.writeFileSync(configOf(home), 'not json');
    const args = version === '1.8.1' ? ['login', 'cloud', '-t', TOKEN] : ['cloud', 'login', '-r'];
    const result = await k6(version, args, { home });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr).join('\n')).toContain("couldn't parse the configuration");
    expect(fs.readFileSync(configOf(home), 'utf8')).toBe('not json');
  });
});
