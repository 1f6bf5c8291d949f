// Signals and exit codes as a Kubernetes Job (and a terminal user) sees them.
//
// k6 aborts a run gracefully on its FIRST SIGINT/SIGTERM (teardown, summary, exit 105) and
// hard-stops on a SECOND one ("Aborting k6 in response to signal", no summary). Each test script
// gives k6 a teardown window (`standin: teardown=`): a summary with exit 105 and no "Aborting"
// line shows that k6 handled one signal and no second one reached it during that window. The
// control cases deliver two, 500 ms apart, to show that difference is seen. What these cannot
// see is a signal forwarded twice in a row by the wrapper: the kernel merges the second into the
// first while it is pending. That is counted at the wrapper itself, by its kill() calls, in
// test/process/wrapper.test.ts ("signals reach k6 exactly once").
// k6 traps signals only after printing `execution: local` (audit D9), so every run here is
// started with `-v` and signalled only once k6 has logged that its trap is in (K6_TRAP_INSTALLED).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type ContainerSpec, imageFor, noCloudFlags, outcomeOf, plainImageFor, removeContainer, requireStandIn, runOnce, startRunning } from '../support/containers.ts';
import { K6_TRAP_INSTALLED, STANDIN_K6_PROCESS, docker, dockerStop, pidsIn, removeDir, runInTerminal, scriptsDir, standinScript } from './support.ts';

const IMAGE = imageFor('2.2.0');
const SUMMARY = '█ TOTAL RESULTS';
const HARD_STOP = 'Aborting k6 in response to signal';

let scripts: string;
let brokenConfig: string;

beforeAll(() => {
  scripts = scriptsDir({
    // Long enough never to end by itself during a test; a 2 s teardown after the first signal.
    'long.js': standinScript('duration=120s', 'teardown=2s'),
    // A teardown longer than the grace period of the control case below.
    'slow-teardown.js': standinScript('duration=120s', 'teardown=20s'),
    'thresholds.js': standinScript('duration=100ms', 'thresholds=fail'),
    'throws.js': standinScript('throw'),
  });
  // A config volume whose config.json is not JSON (a half-written file, a wrong Secret key).
  brokenConfig = scriptsDir({ 'config.json': '{"collectors": ' });
});

afterAll(() => {
  if (scripts) removeDir(scripts);
  if (brokenConfig) removeDir(brokenConfig);
});

const scriptsMount = () => ({ source: scripts, target: '/scripts', mode: 'ro' as const });

/** Starts `k6 run <script>` and resolves once k6 has its signal trap in place. */
async function startRun(script: string, spec: Partial<ContainerSpec> = {}): Promise<string> {
  const started = await startRunning(
    { image: IMAGE, command: ['run', '-v', `/scripts/${script}`], ...spec, mounts: [scriptsMount(), ...(spec.mounts ?? [])] },
    // Not `execution: local`: k6 prints that before it traps SIGINT/SIGTERM (audit D9).
    K6_TRAP_INSTALLED,
  );
  return started.getId();
}

const TEARDOWN_BY_DIRECTIVE = 'the run and its teardown window are set by `// standin:` directives';

describe('docker stop -t 30 (a pod deleted or evicted: SIGTERM, SIGKILL after the grace period)', () => {
  beforeEach((context) => requireStandIn(context, TEARDOWN_BY_DIRECTIVE));
  const modes: Array<[string, Partial<ContainerSpec>]> = [
    ['k6 as the main process (the wrapper hands over with execve)', {}],
    ['the wrapper as parent (K6_PERSIST_HANDOVER=spawn) forwarding the signal', { env: { K6_PERSIST_HANDOVER: 'spawn' } }],
    ['under an init process (docker run --init)', { init: true }],
  ];

  test.each(modes)('%s: k6 handles one SIGTERM, prints its summary and exits 105, not 137', async (_label, spec) => {
    const id = await startRun('long.js', spec);
    try {
      const elapsed = await dockerStop(id, 30);
      const result = await outcomeOf(id);
      expect(result.exitCode, result.stderr).toBe(105);
      // k6 ended by itself after its 2 s teardown, long before Docker would SIGKILL it.
      expect(elapsed).toBeLessThan(20_000);
      expect(result.stdout.split(SUMMARY)).toHaveLength(2);
      // k6's error line, once: with -v real k6 also repeats the text in debug lines' error= fields.
      expect(result.stderr.split(`level=error msg="test run was aborted because k6 received a 'terminated' signal"`)).toHaveLength(2);
      expect(result.stderr).not.toContain(HARD_STOP);
    } finally {
      await removeContainer(id);
    }
  });

  test('control: a grace period shorter than the teardown ends in SIGKILL, 137 and no summary', async () => {
    const id = await startRun('slow-teardown.js');
    try {
      await dockerStop(id, 1);
      const result = await outcomeOf(id);
      expect(result.exitCode).toBe(137);
      expect(result.stdout).not.toContain(SUMMARY);
    } finally {
      await removeContainer(id);
    }
  });
});

describe('Ctrl-C in `docker run -it` on a real terminal', () => {
  beforeEach((context) => requireStandIn(context, TEARDOWN_BY_DIRECTIVE));
  const runTyping = (dockerFlags: string[], times: number) =>
    runInTerminal({
      command: ['docker', 'run', '-it', '--rm', '--network', 'host', ...noCloudFlags(), ...dockerFlags, '-v', `${scripts}:/scripts:ro`, IMAGE, 'run', '-v', '/scripts/long.js'],
      // Typed as soon as k6 has its trap in: the line itself is the proof, no delay is needed.
      when: K6_TRAP_INSTALLED,
      delayMs: 0,
      keys: '\x03',
      times,
      gapMs: 500,
    });

  const modes: Array<[string, string[]]> = [
    ['plain', []],
    ['with --init', ['--init']],
    ['with the wrapper as parent (K6_PERSIST_HANDOVER=spawn)', ['-e', 'K6_PERSIST_HANDOVER=spawn']],
    ['with --init and the wrapper as parent', ['--init', '-e', 'K6_PERSIST_HANDOVER=spawn']],
  ];

  test.each(modes)('%s: k6 handles one SIGINT and no second one arrives: summary, exit 105', async (_label, flags) => {
    const run = await runTyping(flags, 1);
    expect(run.typed).toBe(1);
    expect(run.exitCode, run.screen).toBe(105);
    expect(run.screen.split(SUMMARY)).toHaveLength(2);
    expect(run.screen).toContain("test run was aborted because k6 received a 'interrupt' signal");
    expect(run.screen).not.toContain(HARD_STOP);
  });

  test('control: Ctrl-C typed twice is seen as two signals (hard stop, no summary)', async () => {
    const run = await runTyping([], 2);
    expect(run.typed).toBe(2);
    expect(run.exitCode, run.screen).toBe(105);
    expect(run.screen).toContain(HARD_STOP);
    expect(run.screen).not.toContain(SUMMARY);
  });
});

describe('k6 killed by a signal: the container exits 128+n', () => {
  beforeEach((context) => requireStandIn(context, "it finds k6 by the stand-in's process and runs a script made long by a directive"));
  test.each([
    ['SIGKILL', 'KILL', 137],
    ['SIGUSR2', 'USR2', 140],
  ] as const)('with the wrapper as parent, k6 killed by %s (kill -%s) gives %i', async (_name, signal, code) => {
    const id = await startRun('long.js', { env: { K6_PERSIST_HANDOVER: 'spawn' } });
    try {
      const [pid, ...others] = await pidsIn(id, STANDIN_K6_PROCESS);
      expect(others).toEqual([]);
      expect(pid).toBeGreaterThan(1);
      expect((await docker(['exec', id, 'kill', `-${signal}`, String(pid)])).exitCode).toBe(0);
      expect((await docker(['wait', id], 30_000)).stdout.trim()).toBe(String(code));
      const result = await outcomeOf(id);
      expect(result.exitCode).toBe(code);
      expect(result.stdout).not.toContain(SUMMARY);
    } finally {
      await removeContainer(id);
    }
  });

  test('after the execve hand-over k6 is the main process: Docker reports a SIGKILL as for plain k6 (137)', async () => {
    const codes: number[] = [];
    for (const image of [IMAGE, plainImageFor('2.2.0')]) {
      const id = await startRun('long.js', { image });
      try {
        // No wrapper left: the k6 process itself is PID 1, and the only k6.
        expect((await docker(['exec', id, 'cat', '/proc/1/cmdline'])).stdout).toContain(STANDIN_K6_PROCESS);
        expect(await pidsIn(id, STANDIN_K6_PROCESS)).toEqual([]);
        expect((await docker(['kill', '-s', 'KILL', id])).exitCode).toBe(0);
        expect((await docker(['wait', id], 30_000)).exitCode).toBe(0);
        codes.push((await outcomeOf(id)).exitCode);
      } finally {
        await removeContainer(id);
      }
    }
    expect(codes).toEqual([137, 137]);
  });
});

describe('the exit codes a podFailurePolicy acts on come through unchanged', () => {
  // The Job examples' shape: `command: [k6, run, ...]` (entrypoint override) as in env-token-job.yaml.
  test.for([
    ['crossed thresholds', 99, 'thresholds.js', false],
    ['a script exception', 107, 'throws.js', false],
    ['an unusable config.json on the config volume (the wrapper refuses before k6 starts)', 104, 'thresholds.js', true],
  ] as const)('%s: exit %i', async ([_label, code, script, withBrokenConfig], context) => {
    if (!withBrokenConfig) requireStandIn(context, 'the outcome of the run is chosen by a `// standin:` directive');
    const mounts = withBrokenConfig ? [{ source: brokenConfig, target: '/config', mode: 'ro' as const }] : [];
    const result = await runOnce({ image: IMAGE, entrypoint: ['k6', 'run', `/scripts/${script}`], mounts: [scriptsMount(), ...mounts] });
    expect(result.exitCode, result.stderr).toBe(code);
    if (withBrokenConfig) expect(result.stderr).toMatch(/k6-persist: error: the k6 config file \/config\/config\.json cannot be used/);
    else if (code === 99) expect(result.stdout).toContain(SUMMARY);
    else expect(result.stderr).toContain('script exception');
  });
});
