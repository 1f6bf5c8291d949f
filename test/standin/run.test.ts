// Running tests: where the token comes from, what each flow sends to the cloud, script loading
// and directives, config errors and exit codes.
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
const V1 = VERSIONS.filter((v) => v.startsWith('1.'));
const V2 = VERSIONS.filter((v) => !v.startsWith('1.'));

function script(home: string, content = '', name = 'script.js'): string {
  fs.writeFileSync(path.join(home, name), content);
  return name;
}

describe.each(VERSIONS)('k6 %s run -o cloud', (version) => {
  it.each([
    ['-o cloud', ['-o', 'cloud']],
    ['--out cloud', ['--out', 'cloud']],
    ['--out=cloud', ['--out=cloud']],
  ])('D1: %s creates the test run with POST /v1/tests and Authorization: Token, never X-Stack-Id', async (_spelling, flags) => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN } } });
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', ...flags, script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]).toMatchObject({ method: 'POST', path: '/v1/tests', authorization: `Token ${TOKEN}`, stackId: undefined });
    expect(cloud.requests[0]?.body).toMatchObject({ name: 'script.js', vus: 1 });
  });

  it('D1: the body is {name, project_id (left out when 0), vus, thresholds, duration}, duration incl. graceful stop', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const name = script(home, '// standin: vus=3\n// standin: thresholds=pass\n');
    const result = await k6(version, ['run', '-q', '-d', '1s', '-o', 'cloud', name], { home, env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN } });
    expect(result.exitCode).toBe(0);
    const body = cloud.requests[0]?.body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['name', 'vus', 'thresholds', 'duration']);
    expect(body).toEqual({ name: 'script.js', vus: 3, thresholds: { iteration_duration: ['p(95)<60000'] }, duration: 31 });

    const withProject = await k6(version, ['run', '-q', '-o', 'cloud', name], {
      home,
      env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_PROJECT_ID: '31' },
    });
    expect(withProject.exitCode).toBe(0);
    const second = cloud.requests.filter((r) => r.path === '/v1/tests')[1]?.body as Record<string, unknown>;
    expect(Object.keys(second)).toEqual(['name', 'project_id', 'vus', 'thresholds', 'duration']);
    expect(second['project_id']).toBe(31);
  }, 40_000);

  it('D1: ends the run with POST /v1/tests/<ref> (result and run status, thresholds)', async () => {
    const home = tempDir();
    const cloud = await standardCloud({ referenceId: 'ref-7' });
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home, '// standin: thresholds=fail\n')], {
      home,
      env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN },
    });
    expect(result.exitCode).toBe(99);
    expect(cloud.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/tests', 'POST /v1/tests/ref-7']);
    expect(cloud.requests[1]).toMatchObject({
      authorization: `Token ${TOKEN}`,
      stackId: undefined,
      body: { result_status: 1, run_status: 3, thresholds: { iteration_duration: { 'p(95)<1': true } } },
    });
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

  it('D1: sends no X-Stack-Id and does not fall back to defaultProjectID when the config file has a stack', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN, stackID: STACK.stackId, defaultProjectID: 77 } } });
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]?.stackId).toBeUndefined();
    expect(cloud.requests[0]?.body).not.toHaveProperty('project_id');
    expect(logLines(result.stderr).map((l) => l.msg).join('\n')).not.toContain('No projectID specified');
  });

  it('D1: the env-only setup K6_CLOUD_TOKEN + K6_CLOUD_STACK_ID works (no stack header), the project from K6_CLOUD_PROJECT_ID', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], {
      home,
      env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_STACK_ID: String(STACK.stackId), K6_CLOUD_PROJECT_ID: '31' },
    });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]).toMatchObject({ authorization: `Token ${TOKEN}`, stackId: undefined, body: { project_id: 31 } });
    const stackOnly = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], {
      home,
      env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_STACK_ID: String(STACK.stackId) },
    });
    expect(stackOnly.exitCode).toBe(0);
  });

  it("D1: without a token there is no local check: the request goes out without Authorization and the cloud's 401 is the error", async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-q', '-o', 'cloud', script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(255);
    expect(cloud.requests).toEqual([expect.objectContaining({ method: 'POST', path: '/v1/tests', authorization: undefined, status: 401 })]);
    expect(errorMessages(result.stderr)).toEqual(['(401/E2) Invalid token']);
    expect(result.stderr).not.toContain('must first authenticate');
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

  it('D1: with K6_CLOUD_PUSH_REF_ID no API call is made, at the start or at the end', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['run', '-o', 'cloud', script(home)], {
      home,
      env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_PUSH_REF_ID: '4711' },
    });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests).toEqual([]);
    expect(result.stdout).toContain('output: cloud (https://app.k6.io/runs/4711)');
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
    expect(cloud.requests.map((r) => r.path)).toEqual(['/v1/tests', '/v1/tests/1']);
    expect(result.stdout).not.toContain('ingest.k6.io');
  });

  it.each([
    ['left out', undefined, 'output: cloud (https://app.k6.io/runs/1)'],
    ['given', 'https://acme.grafana.net/a/k6-app/runs/{ref}', 'output: cloud (https://acme.grafana.net/a/k6-app/runs/1)'],
  ])('D17: the output URL with testRunDetails %s in the answer', async (_label, testRunDetails, line) => {
    const home = tempDir();
    const cloud = await standardCloud(testRunDetails === undefined ? {} : { testRunDetails });
    const result = await k6(version, ['run', '-o', 'cloud', script(home)], { home, env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(line);
  });

  it('D17: an empty testRunDetails is a value: `cloud ()`', async () => {
    const home = tempDir();
    const cloud = await standardCloud({ testRunDetails: '' });
    const result = await k6(version, ['run', '-o', 'cloud', script(home)], { home, env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN } });
    expect(result.stdout).toContain('output: cloud ()');
  });
});

describe.each(V1)('k6 %s cloud run / cloud script.js', (version) => {
  it.each([
    ['cloud run', ['cloud', 'run']],
    ['cloud <script>', ['cloud']],
  ])('`%s` without a token fails with "must first authenticate"', async (_name, command) => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, [...command, script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr).join('\n')).toContain('you must first authenticate');
    expect(cloud.requests).toEqual([]);
  });

  it.each([
    ['cloud run', ['cloud', 'run']],
    ['D4: cloud <script> (v1 still runs it)', ['cloud']],
  ])('`%s` validates the options, uploads the archive and polls the run to its end (Authorization: Token)', async (_name, command) => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN, stackID: STACK.stackId, defaultProjectID: STACK.defaultProjectId } } });
    const cloud = await standardCloud();
    const result = await k6(version, [...command, script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/validate-options',
      'POST /v1/archive-upload',
      'GET /v1/test-progress/1',
    ]);
    for (const request of cloud.requests) expect(request).toMatchObject({ authorization: `Token ${TOKEN}`, stackId: String(STACK.stackId) });
    expect(cloud.requests[1]?.form).toEqual({ name: 'script.js', project_id: String(STACK.defaultProjectId) });
    expect(result.stdout).toContain('test status: Finished');
  });

  it('warns that `k6 cloud <script>` is deprecated', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', script(home)], { home, env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN } });
    expect(logLines(result.stderr).some((l) => l.level === 'warning' && l.msg.includes('is deprecated'))).toBe(true);
  });

  it('D4: `k6 cloud --vus 1 x.js` still takes the run flags in v1', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', '--vus', '1', script(home)], { home, env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN } });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests.map((r) => r.path)).toContain('/v1/archive-upload');
  });

  it('D20: without a stack it logs the DEPRECATED no-stack line', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', 'run', script(home)], { home, env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN } });
    expect(result.exitCode).toBe(0);
    expect(logLines(result.stderr)).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        msg:
          'DEPRECATED: No stack specified. Falling back to the first available stack. Consider setting a default stack via the ' +
          '`k6 cloud login` command or the `K6_CLOUD_STACK_ID` environment variable as this will become mandatory in the next major release.',
      }),
    );
    expect(cloud.requests.every((r) => r.stackId === undefined)).toBe(true);
  });

  it('D20: with a stack, no DEPRECATED line', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', 'run', script(home)], {
      home,
      env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_STACK_ID: String(STACK.stackId), K6_CLOUD_PROJECT_ID: '9' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain('DEPRECATED');
  });
});

describe.each(V2)('k6 %s cloud run', (version) => {
  it('fails with "access token not configured" without a token', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', 'run', script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr).join('\n')).toContain('access token not configured');
    expect(cloud.requests).toEqual([]);
  });

  it('fails with "stack ID not configured" with a token but no stack', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN } } });
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', 'run', script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr).join('\n')).toContain('stack ID not configured');
    expect(cloud.requests).toEqual([]);
  });

  it('validates the options, uploads, starts and polls the run on /cloud/v6 with Bearer and X-Stack-Id', async () => {
    const home = tempDir();
    writeJson(configOf(home), {
      collectors: { cloud: { token: TOKEN, stackID: STACK.stackId, defaultProjectID: STACK.defaultProjectId } },
    });
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', 'run', script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /cloud/v6/validate_options',
      `POST /cloud/v6/projects/${STACK.defaultProjectId}/load_tests`,
      'POST /cloud/v6/load_tests/1/start',
      'GET /cloud/v6/test_runs/2',
    ]);
    for (const request of cloud.requests) expect(request).toMatchObject({ authorization: `Bearer ${TOKEN}`, stackId: String(STACK.stackId) });
    expect(cloud.requests[0]?.body).toMatchObject({ project_id: STACK.defaultProjectId });
    expect(result.stdout).toContain(`output: https://${STACK.slug}.grafana.net/a/k6-app/runs/2`);
    expect(result.stdout).toContain('test status: Finished');
  });

  it('a second run of the same script finds the load test by name (409) and replaces its script', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const env = { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_STACK_ID: String(STACK.stackId), K6_CLOUD_PROJECT_ID: '9' };
    expect((await k6(version, ['cloud', 'run', script(home)], { home, env })).exitCode).toBe(0);
    const first = cloud.requests.length;
    expect((await k6(version, ['cloud', 'run', script(home)], { home, env })).exitCode).toBe(0);
    expect(cloud.requests.map((r) => `${r.method} ${r.path} ${r.status}`).slice(first)).toEqual([
      'POST /cloud/v6/validate_options 200',
      'POST /cloud/v6/projects/9/load_tests 409',
      'GET /cloud/v6/projects/9/load_tests 200',
      'PUT /cloud/v6/load_tests/1/script 204',
      'POST /cloud/v6/load_tests/1/start 200',
      'GET /cloud/v6/test_runs/3 200',
    ]);
    expect(cloud.requests[first + 2]?.query).toBe('name=script.js&%24top=1');
  }, 40_000);

  it('uses K6_CLOUD_TOKEN and K6_CLOUD_STACK_ID from the environment', async () => {
    const home = tempDir();
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', 'run', script(home)], {
      home,
      env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN, K6_CLOUD_STACK_ID: String(STACK.stackId), K6_CLOUD_PROJECT_ID: '9' },
    });
    expect(result.exitCode).toBe(0);
    expect(cloud.requests[0]).toMatchObject({ stackId: String(STACK.stackId), body: { project_id: 9 } });
  });

  it('D4: `k6 cloud` without arguments prints help and exits 0', async () => {
    const home = tempDir();
    const v2 = await k6(version, ['cloud'], { home });
    expect(v2.exitCode).toBe(0);
    expect(v2.stdout).toContain('login');
  });

  it('D4: `k6 cloud script.js` prints help and exits 0 without running anything', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN, stackID: STACK.stackId, defaultProjectID: STACK.defaultProjectId } } });
    const cloud = await standardCloud();
    const result = await k6(version, ['cloud', script(home)], { home, env: cloudEnv(cloud) });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Run and manage Grafana Cloud tests');
    expect(result.stdout).not.toContain('execution:');
    expect(result.stderr).not.toContain('deprecated');
    expect(cloud.requests).toEqual([]);
  });

  it('D4: `k6 cloud --vus 1 x.js` fails with unknown flag', async () => {
    const home = tempDir();
    const result = await k6(version, ['cloud', '--vus', '1', script(home)], { home });
    expect(result.exitCode).toBe(255);
    expect(errorMessages(result.stderr)).toEqual(['unknown flag: --vus']);
  });
});

it('D4: 1.8.1 `k6 cloud` without arguments fails instead of showing help', async () => {
  const home = tempDir();
  const v1 = await k6('1.8.1', ['cloud'], { home });
  expect(v1.exitCode).toBe(255);
  expect(errorMessages(v1.stderr).join('\n')).toContain('expects either a subcommand');
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

  // Plain `inspect` reads the config only from 2.1 (D15); --execution-requirements always does.
  it.each([['run'], ['archive'], ['inspect --execution-requirements']])('`%s` exits 104 on invalid JSON in the config file', async (command) => {
    const home = tempDir();
    fs.mkdirSync(path.dirname(configOf(home)), { recursive: true });
    fs.writeFileSync(configOf(home), '{"collectors": ');
    const result = await k6(version, [...command.split(' '), script(home)], { home });
    expect(result.exitCode).toBe(104);
    expect(errorMessages(result.stderr).join('\n')).toContain(
      `couldn't parse the configuration from ${JSON.stringify(configOf(home))}: unexpected end of JSON input`,
    );
  });

  it.runIf(isRoot).each([['run'], ['archive'], ['inspect --execution-requirements']])(
    '`%s` exits 104 when the config file cannot be stat-ed (permission denied)',
    async (command) => {
      const home = tempDir();
      const dir = path.join(home, 'locked');
      writeJson(path.join(dir, 'config.json'), {});
      fs.chmodSync(dir, 0o700);
      const name = script(home);
      const result = await k6(version, [...command.split(' '), '-c', path.join(dir, 'config.json'), name], {
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
