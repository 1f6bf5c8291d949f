// The k6-operator's containers, run against the image with the operator's own command shapes
// (test/unit/examples/k6-operator.ts): the operator sets `command`, which replaces the image's
// ENTRYPOINT, so each container is started here with that whole array as the entrypoint.
// K6_PERSIST_DEBUG=1 makes the wrapper say what it did, which shows it ran.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initializerScript, runnerCommand } from '../../unit/examples/k6-operator.ts';
import { type E2eCloud, makeToken, startCloud } from '../support/cloud.ts';
import { K6_VERSIONS, imageFor, outcomeOf, removeContainer, requireStandIn, runOnce, startRunning } from '../support/containers.ts';
import { K6_TRAP_INSTALLED, dockerStop, freeLoopbackPort, removeDir, scriptsDir, secretVolumeDir, standinScript } from './support.ts';

const TOKEN = makeToken('operator');
const STACK = { slug: 'my-stack', stackId: 4711, defaultProjectId: 815 };
const EXEC_LINE = 'k6-persist: debug: exec /usr/bin/k6';

let cloud: E2eCloud;
let scripts: string;
let secretConfig: string;

beforeAll(async () => {
  cloud = await startCloud({ tokens: [TOKEN], stacks: { [STACK.slug]: { stackId: STACK.stackId, defaultProjectId: STACK.defaultProjectId } } });
  scripts = scriptsDir({
    'test.js': standinScript('duration=2s', 'vus=3'),
    'broken.js': standinScript('throw'),
    'long.js': standinScript('duration=60s', 'teardown=1s'),
  });
  // What a runner sees when the TestRun mounts a config Secret (examples/kubernetes/k6-operator-testrun.yaml).
  secretConfig = secretVolumeDir({
    'config.json': JSON.stringify({ collectors: { cloud: { token: TOKEN, stackID: STACK.stackId, defaultProjectID: STACK.defaultProjectId } } }),
  });
});

afterAll(async () => {
  await cloud?.close();
  if (scripts) removeDir(scripts);
  if (secretConfig) removeDir(secretConfig);
});

/** The operator mounts the script's ConfigMap at /test. */
const scriptMount = () => ({ source: scripts, target: '/test', mode: 'ro' as const });

describe.each(K6_VERSIONS)('k6 %s under the k6-operator', (version) => {
  test('initializer: `sh -c` finds the wrapper as k6, archives into /tmp and prints the execution requirements', async () => {
    const operatorScript = initializerScript('/test/test.js', ['--tag', 'suite=smoke']);
    const result = await runOnce({
      image: imageFor(version),
      // What `command -v k6` finds in the operator's shell, then the operator's script as it is;
      // afterwards its log file goes to stderr so the wrapper's debug lines can be seen.
      entrypoint: ['sh', '-c', `echo "k6 on PATH: $(command -v k6) -> $(readlink -f "$(command -v k6)")"; ${operatorScript}; status=$?; cat /tmp/k6logs >&2; exit $status`],
      env: { K6_PERSIST_DEBUG: '1' },
      mounts: [scriptMount()],
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('k6 on PATH: /usr/local/bin/k6 -> /usr/libexec/k6-persist/k6-persist-launcher.cjs');
    // The JSON the operator parses: from the archive k6 wrote into /tmp, so both commands worked.
    const json = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as Record<string, unknown>;
    expect(json).toMatchObject({ maxVUs: 3, totalDuration: '32s' });
    expect(result.stderr).toContain(EXEC_LINE);
    expect(result.stdout).not.toContain('level=error');
  });

  test('initializer: a broken script fails the Job the way the operator detects it (a level=error line)', async (context) => {
    requireStandIn(context, 'the script is broken by a `// standin:` directive');
    const result = await runOnce({
      image: imageFor(version),
      entrypoint: ['sh', '-c', initializerScript('/test/broken.js')],
      mounts: [scriptMount()],
    });
    // `! cat /tmp/k6logs | grep 'level=error'` fails when k6 logged an error: the wrapper passed it through.
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/level=error .*script exception/);
  });

  test('runner: the operator command with K6_CLOUD_TOKEN (as the operator injects it) reaches the cloud with that token', async () => {
    cloud.clear();
    const command = runnerCommand({
      name: 'k6-persist-smoke',
      index: 1,
      parallelism: 2,
      scriptPath: '/test/test.js',
      arguments: ['--out', 'cloud'],
      // The operator listens on 0.0.0.0:6565; these tests never listen beyond loopback, and each
      // on a port of its own: k6 exits 106 when an explicit --address is taken (audit E14), and
      // containers here share the host's network, where any k6 1.x holds localhost:6565 by default.
      address: `127.0.0.1:${await freeLoopbackPort()}`,
    });
    expect(command.slice(0, 3)).toEqual(['k6', 'run', '--quiet']);
    expect(command).toContain('--paused');
    const result = await runOnce({
      image: imageFor(version),
      entrypoint: command,
      env: { ...cloud.env, K6_CLOUD_TOKEN: TOKEN, K6_PERSIST_DEBUG: '1' },
      mounts: [scriptMount()],
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(EXEC_LINE);
    expect(result.stdout).toContain('output: cloud (');
    expect(result.stdout).toContain('█ TOTAL RESULTS');
    const created = cloud.requestsTo('POST /v1/tests');
    expect(created).toHaveLength(1);
    expect(created[0]?.authorization).toBe(`Token ${TOKEN}`);
    expect(created[0]?.status).toBe(200);
  });
});

describe('k6 2.2.0 runner with the config Secret of the TestRun example', () => {
  test('the token comes from /config/config.json, read in place from the read-only Secret', async () => {
    cloud.clear();
    const result = await runOnce({
      image: imageFor('2.2.0'),
      entrypoint: runnerCommand({
        name: 'k6-persist-smoke',
        index: 1,
        parallelism: 1,
        scriptPath: '/test/test.js',
        arguments: ['--out', 'cloud'],
        address: `127.0.0.1:${await freeLoopbackPort()}`,
      }),
      env: { ...cloud.env, K6_PERSIST_DEBUG: '1' },
      // The example's runner: read-only root with an emptyDir /tmp, the image's user.
      user: '12345:12345',
      readOnlyRoot: true,
      tmpfs: { '/tmp': 'rw,size=16m' },
      mounts: [scriptMount(), { source: secretConfig, target: '/config', mode: 'ro' }],
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('K6_CONFIG=/config/config.json');
    const created = cloud.requestsTo('POST /v1/tests');
    // k6 run -o cloud never sends the config's stack id, in 1.x and 2.x alike (audit D1).
    expect(created.map((r) => [r.authorization, r.stackId])).toEqual([[`Token ${TOKEN}`, undefined]]);
  });

  test('a paused runner whose pod is deleted stops on SIGTERM with its summary: exit 105', async (context) => {
    requireStandIn(context, 'the run and its teardown window are set by `// standin:` directives');
    // The stand-in does not hold a --paused run (it accepts the flag and starts at once; see
    // test/k6-standin/run.ts). What is observed honestly here: the
    // operator's flags pass through the wrapper, and a pod deletion (SIGTERM, then SIGKILL
    // after the grace period) ends the runner as k6 ends any run. The summary shows that no
    // second signal reached k6 during its teardown; a signal forwarded twice in a row would merge
    // into one delivery, so that is counted at the wrapper (test/process/wrapper.test.ts).
    // The pod is deleted only once k6 has its trap in (audit D9: the description comes first),
    // shown by -v's debug line; with the operator's --quiet real k6 logs even the description
    // only at debug level.
    const command = runnerCommand({
      name: 'k6-persist-smoke',
      index: 1,
      parallelism: 1,
      scriptPath: '/test/long.js',
      arguments: ['--verbose'],
      address: `127.0.0.1:${await freeLoopbackPort()}`,
    });
    expect(command.slice(0, 3)).toEqual(['k6', 'run', '--quiet']);
    const started = await startRunning({ image: imageFor('2.2.0'), entrypoint: command, mounts: [scriptMount()] }, K6_TRAP_INSTALLED);
    const id = started.getId();
    try {
      const elapsed = await dockerStop(id, 30);
      const result = await outcomeOf(id);
      expect(result.exitCode).toBe(105);
      expect(elapsed).toBeLessThan(20_000);
      expect(result.stdout).toContain('█ TOTAL RESULTS');
      expect(result.stderr).toContain("test run was aborted because k6 received a 'terminated' signal");
      expect(result.stderr).not.toContain('Aborting k6 in response to signal');
    } finally {
      await removeContainer(id);
    }
  });
});
