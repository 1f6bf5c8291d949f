// The wrapper must be invisible to everything that is not about the config: arguments in all
// their spellings, the script on stdin, and k6's exit codes (also the one a signal produces).
// Each case runs with a config volume mounted, so the wrapper is actively pointing k6 at it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getContainerRuntimeClient } from 'testcontainers';
import { type ContainerSpec, imageFor, outcomeOf, plainImageFor, removeContainer, requireStandIn, runOnce, startRunning } from './support/containers.ts';
import { IMAGE_UID, dockerRunInteractive, listDir, scriptsDir, show, wrapperLines } from './support/observe.ts';
import { Resources } from './support/resources.ts';
import { K6_TRAP_INSTALLED } from './kubernetes/support.ts';

const IMAGE = imageFor('2.2.0');

let scripts: string;
const res = new Resources();

beforeAll(() => {
  scripts = scriptsDir({
    'ok.js': 'export default function () {}\n',
    'thresholds.js': '// standin: thresholds=fail\nexport default function () {}\n',
    'throw.js': '// standin: throw\nexport default function () {}\n',
    'exit110.js': '// standin: exit=110\nexport default function () {}\n',
    // A 2 s teardown after the first signal: a second signal that arrives in that window makes k6
    // abort at once without its summary, which the signal tests below would see.
    'long.js': '// standin: duration=60s\n// standin: teardown=2s\nexport default function () {}\n',
  });
});
afterAll(async () => {
  if (scripts) res.track(scripts);
  await res.cleanup();
});
afterEach(async () => {
  await res.cleanup();
});

/** A config directory the image's user owns, so the wrapper does its job (creates config.json, sets K6_CONFIG). */
function configMount() {
  return { source: res.dir(IMAGE_UID, IMAGE_UID, 0o755), target: '/config' };
}

function container(spec: Partial<ContainerSpec> & { command: string[] }) {
  return runOnce({
    image: IMAGE,
    ...spec,
    mounts: [...(spec.mounts ?? [configMount()]), { source: scripts, target: '/scripts', mode: 'ro' }],
  });
}

/** k6's description of the run: the lines that show how it understood the command line. */
function description(stdout: string): string[] {
  return stdout.split('\n').filter((line) => /^(execution|script|output|scenarios|\* default):/.test(line.trim()));
}

describe('arguments', () => {
  it('--flag=value, -f value, a value holding "=" or looking like -c, and "--" reach k6 unchanged', async () => {
    const command = [
      'run',
      '--vus=3',
      // A string flag takes the next word as its value, even "-c": this is not the config flag.
      '--user-agent',
      '-c',
      '-d',
      '1500ms',
      '--tag=team=e2e=a',
      '--summary-export=/out/summary.json',
      '-e',
      'GREETING=a b=c',
      '--',
      '/scripts/ok.js',
    ];
    // The plain image (no wrapper) is the reference: the wrapper must make no difference.
    const plainOut = res.dir(IMAGE_UID, IMAGE_UID, 0o755);
    const plain = await runOnce({
      image: plainImageFor('2.2.0'),
      command,
      mounts: [{ source: plainOut, target: '/out' }, { source: scripts, target: '/scripts', mode: 'ro' }],
    });
    expect(plain.exitCode, show(plain)).toBe(0);

    const out = res.dir(IMAGE_UID, IMAGE_UID, 0o755);
    const config = configMount();
    const wrapped = await container({ command, mounts: [config, { source: out, target: '/out' }] });
    expect(wrapped.exitCode, show(wrapped)).toBe(0);

    const seen = description(wrapped.stdout);
    expect(seen.join('\n')).toContain('script: /scripts/ok.js');
    expect(seen.join('\n')).toContain('3 looping VUs for 1.5s');
    expect(seen).toEqual(description(plain.stdout));
    // --summary-export=PATH was honoured, exactly at PATH.
    expect(listDir(out)).toEqual(['summary.json']);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(plainOut, 'summary.json'), 'utf8')));
    // And the wrapper did its part: the config volume got its file.
    expect(listDir(config.source)).toContain('config.json');
    expect(wrapperLines(wrapped.stderr)).toEqual([]);
  });

  it('run - reads the script from stdin (docker run -i)', async (context) => {
    requireStandIn(context, 'the script proves it was read by a `// standin:` directive');
    const config = configMount();
    const outcome = await dockerRunInteractive(['-v', `${config.source}:/config`, IMAGE, 'run', '-'], {
      // The directive can only take effect if k6 read this very text from its stdin.
      input: '// standin: thresholds=fail\nexport default function () {}\n',
    });
    expect(outcome.exitCode, show(outcome)).toBe(99);
    expect(outcome.stdout).toContain('script: -');
    expect(outcome.stdout).toContain("✗ 'p(95)<1'");
    expect(listDir(config.source)).toContain('config.json');
  });
});

describe('exit codes', () => {
  it.for([
    ['ok.js', 0],
    ['thresholds.js', 99],
    ['throw.js', 107],
    ['exit110.js', 110],
  ] as const)('run %s exits %i', async ([script, code], context) => {
    if (script !== 'ok.js') requireStandIn(context, 'the exit code is chosen by a `// standin:` directive');
    const outcome = await container({ command: ['run', `/scripts/${script}`] });
    expect(outcome.exitCode, show(outcome)).toBe(code);
  });

  // With K6_PERSIST_HANDOVER=spawn the wrapper stays k6's parent (PID 1), so the code and the
  // signal go through the wrapper's own code instead of execve.
  it.for([
    ['thresholds.js', 99],
    ['throw.js', 107],
  ] as const)('run %s exits %i with the wrapper as parent (K6_PERSIST_HANDOVER=spawn)', async ([script, code], context) => {
    requireStandIn(context, 'the exit code is chosen by a `// standin:` directive');
    const outcome = await container({ command: ['run', `/scripts/${script}`], env: { K6_PERSIST_HANDOVER: 'spawn' } });
    expect(outcome.exitCode, show(outcome)).toBe(code);
  });

  /**
   * Starts long.js, sends the signals (the second after a pause) once k6 has its trap in, and
   * waits for the end, bounded. k6 prints `execution: local` before it traps signals (audit D9).
   */
  async function signalRun(handover: string, signals: string[]) {
    const started = await startRunning(
      {
        image: IMAGE,
        command: ['run', '-v', '/scripts/long.js'],
        env: { K6_PERSIST_HANDOVER: handover },
        mounts: [configMount(), { source: scripts, target: '/scripts', mode: 'ro' }],
      },
      K6_TRAP_INSTALLED,
    );
    try {
      const client = await getContainerRuntimeClient();
      const container = client.container.dockerode.getContainer(started.getId());
      for (const [i, signal] of signals.entries()) {
        if (i > 0) await new Promise((done) => setTimeout(done, 500));
        await container.kill({ signal });
      }
      // Bounded: the run itself would last 60 s; an abort takes well under 20.
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          container.wait(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`container still running 20 s after ${signals.join(', ')}`)), 20_000);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
      return await outcomeOf(started.getId());
    } finally {
      await removeContainer(started.getId());
    }
  }

  // Delivery, seen from k6: one signal gives a graceful abort. This cannot see the wrapper
  // forwarding a signal twice (two kill() calls in a row merge into one pending delivery); that
  // is counted at the wrapper by test/process/wrapper.test.ts ("signals reach k6 exactly once").
  // What it shows: k6 got the signal, and no second one arrived after k6 had handled the first.
  it.for([
    ['SIGTERM', 'auto', 'terminated'],
    ['SIGINT', 'auto', 'interrupt'],
    ['SIGTERM', 'spawn', 'terminated'],
  ] as const)('a %s to the container aborts the run gracefully: summary, exit 105 (handover %s)', async ([signal, handover, goName], context) => {
    requireStandIn(context, 'the run and its teardown window are set by `// standin:` directives');
    const outcome = await signalRun(handover, [signal]);
    expect(outcome.exitCode, show(outcome)).toBe(105);
    expect(outcome.stderr).toContain(`test run was aborted because k6 received a '${goName}' signal`);
    // The summary is printed only on a graceful abort: no second signal reached k6 during its
    // teardown (one arriving later than the first was handled would end it without the summary).
    expect(outcome.stdout).toContain('TOTAL RESULTS');
    expect(outcome.stderr).not.toContain('Aborting k6 in response to signal');
  });

  it('control: two signals within the teardown window do end k6 at once, without its summary', async (context) => {
    requireStandIn(context, 'the run and its teardown window are set by `// standin:` directives');
    const outcome = await signalRun('spawn', ['SIGTERM', 'SIGTERM']);
    expect(outcome.exitCode, show(outcome)).toBe(105);
    expect(outcome.stderr).toContain('Aborting k6 in response to signal');
    expect(outcome.stdout).not.toContain('TOTAL RESULTS');
  });
});
