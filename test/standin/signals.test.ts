// Signals during `run` and `cloud run`.
// `k6 run`: the first SIGINT/SIGTERM aborts gracefully (summary, 105), a second one exits 105
// at once; other signals behave like Go's defaults; and outside the trap (while the execution
// description is written, and from the flush onwards) a signal kills k6 (audit D9).
// `k6 cloud run`: the first signal asks the cloud to stop and k6 waits for the cloud's verdict
// (audit D8); only a second one exits 105.
// Tests that need the trap wait for its debug line ("Trapping interrupt signals"), which the
// stand-in, like k6, logs as it installs the trap.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { MockCloudOptions } from '../mock-cloud/server.ts';
import {
  STACK,
  TOKEN,
  VERSIONS,
  type Version,
  bundlePath,
  cloudEnv,
  errorMessages,
  logLines,
  spawnK6,
  standardCloud,
  tempDir,
  waitForOutput,
  writeJson,
} from './support.ts';

const LONG_RUN = '// standin: duration=60s\n// standin: teardown=1500ms\n';
const TRAPPED = /Trapping interrupt signals/;
const V1 = VERSIONS.filter((v) => v.startsWith('1.'));
const V2 = VERSIONS.filter((v) => !v.startsWith('1.'));
const configOf = (home: string): string => path.join(home, '.config', 'k6', 'config.json');

function longScript(home: string, content = LONG_RUN): string {
  fs.writeFileSync(path.join(home, 'long.js'), content);
  return 'long.js';
}

describe.each(VERSIONS)('k6 %s run and signals', (version) => {
  it.each([
    ['SIGINT', 'interrupt'],
    ['SIGTERM', 'terminated'],
  ] as const)('a first %s aborts gracefully: summary, then exit 105', async (signal, goName) => {
    const home = tempDir();
    const child = spawnK6(version, ['run', '-v', longScript(home)], { home });
    await waitForOutput(child, TRAPPED);
    child.kill(signal);
    const result = await child;
    expect(result.exitCode).toBe(105);
    expect(String(result.stdout)).toContain('TOTAL RESULTS');
    expect(String(result.stdout)).toContain('1 interrupted iterations');
    expect(errorMessages(String(result.stderr))).toContain(`test run was aborted because k6 received a '${goName}' signal`);
    expect(logLines(String(result.stderr))).toContainEqual(
      expect.objectContaining({ level: 'debug', msg: 'Stopping k6 in response to signal...', fields: { sig: goName } }),
    );
  });

  it('a second signal exits 105 at once, without the summary', async () => {
    const home = tempDir();
    const child = spawnK6(version, ['run', '-v', longScript(home)], { home });
    await waitForOutput(child, TRAPPED);
    child.kill('SIGINT');
    await waitForOutput(child, /Stopping k6 in response to signal/);
    const secondAt = Date.now();
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(105);
    expect(Date.now() - secondAt).toBeLessThan(1000);
    expect(String(result.stdout)).not.toContain('TOTAL RESULTS');
    expect(errorMessages(String(result.stderr))).toEqual(['Aborting k6 in response to signal']);
  });

  it('SIGHUP is not handled: the process dies by SIGHUP', async () => {
    const home = tempDir();
    const child = spawnK6(version, ['run', longScript(home)], { home });
    await waitForOutput(child, /execution: local/);
    child.kill('SIGHUP');
    const result = await child;
    expect(result.signal).toBe('SIGHUP');
    expect(String(result.stdout)).not.toContain('TOTAL RESULTS');
  });

  it("SIGQUIT does what Go's runtime does: goroutine dump and exit status 2", async () => {
    const home = tempDir();
    const child = spawnK6(version, ['run', longScript(home)], { home });
    await waitForOutput(child, /execution: local/);
    child.kill('SIGQUIT');
    const result = await child;
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toMatch(/^SIGQUIT: quit/m);
    expect(String(result.stdout)).not.toContain('TOTAL RESULTS');
  });

  it('SIGTERM outside a test run (waiting at a login prompt) kills the process by SIGTERM', async () => {
    const home = tempDir();
    const args = version === '1.8.1' ? ['login', 'cloud'] : ['cloud', 'login'];
    const child = spawnK6(version, args, { home });
    await waitForOutput(child, /(Email|Token): $/m);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.signal).toBe('SIGTERM');
    expect(fs.existsSync(path.join(home, '.config'))).toBe(false);
  });
});

describe.each(VERSIONS)('k6 %s: when the run traps signals (D9)', (version) => {
  it('D9: k6 run prints the execution description before it traps signals, and releases the trap before the summary', async () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'short.js'), '// standin: duration=300ms\n');
    const child = spawnK6(version, ['run', '-v', '--log-output=stdout', 'short.js'], { home });
    const stdout = String((await child).stdout);
    const at = (text: string): number => stdout.indexOf(text);
    expect(at('execution: local')).toBeGreaterThan(-1);
    expect(at('Trapping interrupt signals')).toBeGreaterThan(at('execution: local'));
    expect(at('Releasing signal trap')).toBeGreaterThan(at('Trapping interrupt signals'));
    expect(at('TOTAL RESULTS')).toBeGreaterThan(at('Releasing signal trap'));
  });

  it('D9: cloud run traps signals before it prints the description', async () => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN, stackID: STACK.stackId, defaultProjectID: STACK.defaultProjectId } } });
    fs.writeFileSync(path.join(home, 'short.js'), '// standin: duration=100ms\n');
    const cloud = await standardCloud();
    const child = spawnK6(version, ['cloud', 'run', '-v', '--log-output=stdout', 'short.js'], { home, env: cloudEnv(cloud) });
    const stdout = String((await child).stdout);
    expect(stdout.indexOf('Trapping interrupt signals')).toBeGreaterThan(-1);
    expect(stdout.indexOf('execution: cloud')).toBeGreaterThan(stdout.indexOf('Trapping interrupt signals'));
  });

  it('D9: a SIGINT during the end-of-test flush (a slow cloud) kills k6 by the signal: no summary, no 105', async () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'short.js'), '// standin: duration=300ms\n');
    const cloud = await standardCloud({ delays: [{ match: 'POST /v1/tests/*', ms: 5000 }] });
    const child = spawnK6(version, ['run', '-o', 'cloud', 'short.js'], { home, env: { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN } });
    await cloud.waitFor('POST /v1/tests/*');
    child.kill('SIGINT');
    const result = await child;
    expect(result.signal).toBe('SIGINT');
    expect(String(result.stdout)).not.toContain('TOTAL RESULTS');
  });
});

/**
 * Runs k6 with its stdout on a pipe that is already full and that nobody reads until
 * `release()`: k6 is held writing its first stdout text, the execution description (-q), as a
 * Go program is held in write(2) by a reader that is not reading.
 */
function runBehindFullPipe(version: Version, home: string, args: string[], env: Record<string, string>) {
  const dir = tempDir('k6-pipe-');
  const files = { pid: path.join(dir, 'pid'), go: path.join(dir, 'go'), status: path.join(dir, 'status'), out: path.join(dir, 'out') };
  const script = [
    'bash -c \'echo $$ > "$0"; head -c 65536 /dev/zero; exec "$@"\' "$PIDFILE" "$@" |',
    '  { while [ ! -e "$GOFILE" ]; do sleep 0.05; done; cat > "$OUTFILE"; }',
    'echo "${PIPESTATUS[0]}" > "$STATUSFILE"',
  ].join('\n');
  const shell = spawn('bash', ['-c', script, 'harness', process.execPath, bundlePath(version), ...args], {
    cwd: home,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, PIDFILE: files.pid, GOFILE: files.go, OUTFILE: files.out, STATUSFILE: files.status, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  shell.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const ended = new Promise<void>((resolve) => shell.on('exit', () => resolve()));
  return {
    stderr: () => stderr,
    /** k6's pid, once the harness has exec'ed it. */
    async pid(): Promise<number> {
      for (let i = 0; i < 200; i++) {
        const pid = fs.existsSync(files.pid) ? Number(fs.readFileSync(files.pid, 'utf8').trim()) : 0;
        if (pid > 0 && fs.existsSync(`/proc/${pid}/cmdline`) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('k6-')) return pid;
        await sleep(50);
      }
      throw new Error(`k6 did not start behind the full pipe; stderr:\n${stderr}`);
    },
    release: () => fs.writeFileSync(files.go, ''),
    /** bash's view of k6's end: the exit code, or 128 + the signal number. */
    async status(): Promise<{ code: number; stdout: string }> {
      await ended;
      return { code: Number(fs.readFileSync(files.status, 'utf8').trim()), stdout: fs.readFileSync(files.out, 'utf8') };
    },
  };
}

describe.each(VERSIONS)('k6 %s: a signal while the description is being written (D9)', (version) => {
  async function start() {
    const home = tempDir();
    longScript(home);
    const cloud = await standardCloud();
    const run = runBehindFullPipe(version, home, ['run', '-q', '-v', '-o', 'cloud', 'long.js'], { ...cloudEnv(cloud), K6_CLOUD_TOKEN: TOKEN });
    const pid = await run.pid();
    // The description comes right after the cloud has answered POST /v1/tests.
    const created = await cloud.waitFor('POST /v1/tests');
    for (let i = 0; i < 100 && created.status === 0; i++) await sleep(20);
    return { run, pid };
  }

  it('D9: a SIGINT that arrives while k6 is still writing the description kills it by the signal, not 105', async () => {
    const { run, pid } = await start();
    await sleep(500);
    expect(run.stderr()).not.toMatch(TRAPPED);
    process.kill(pid, 'SIGINT');
    await sleep(300);
    run.release();
    const { code, stdout } = await run.status();
    expect(code).toBe(128 + 2);
    expect(stdout).not.toContain('TOTAL RESULTS');
  });

  it('control: the same harness, with the reader released before the signal, gives the graceful 105', async () => {
    const { run, pid } = await start();
    run.release();
    for (let i = 0; i < 200 && !TRAPPED.test(run.stderr()); i++) await sleep(50);
    process.kill(pid, 'SIGINT');
    const { code, stdout } = await run.status();
    expect(code).toBe(105);
    expect(stdout).toContain('TOTAL RESULTS');
  });
});

describe.each(VERSIONS)('k6 %s cloud run and signals (D8)', (version) => {
  const stopRoute = version.startsWith('1.') ? 'POST /v1/tests/*/stop' : 'POST /cloud/v6/test_runs/*/abort';

  async function startCloudRun(options: MockCloudOptions = {}) {
    const home = tempDir();
    writeJson(configOf(home), {
      collectors: { cloud: { token: TOKEN, stackID: STACK.stackId, defaultProjectID: STACK.defaultProjectId } },
    });
    const cloud = await standardCloud(options);
    const child = spawnK6(version, ['cloud', 'run', '-v', longScript(home)], { home, env: cloudEnv(cloud) });
    await waitForOutput(child, /execution: cloud/);
    // Wrapped: the subprocess is a thenable, and returning it bare would await its exit.
    return { child, cloud };
  }

  it(`D8: a first SIGINT asks the cloud to stop (${stopRoute}), waits for the cloud and exits by its result (97), not 105`, async () => {
    const { child, cloud } = await startCloudRun();
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(97);
    const stopPath = version.startsWith('1.') ? /^\/v1\/tests\/[^/]+\/stop$/ : /^\/cloud\/v6\/test_runs\/\d+\/abort$/;
    expect(cloud.requests.filter((r) => r.method === 'POST' && stopPath.test(r.path))).toHaveLength(1);
    const messages = logLines(String(result.stderr)).map((l) => l.msg);
    expect(messages).toContain('Stopping cloud test run in response to signal...');
    expect(messages).toContain('Successfully sent signal to stop the cloud test, now waiting for it to actually stop...');
    expect(errorMessages(String(result.stderr))).toEqual(['The test has failed']);
    expect(String(result.stdout)).toContain('test status: Aborted (by user)');
  });

  it('D8: after the stop request k6 keeps polling until the cloud reports the run stopped', async () => {
    const { child, cloud } = await startCloudRun({ abortDelayMs: 4500 });
    // process.kill, not child.kill: execa follows its SIGTERM with a SIGKILL after 5 s.
    process.kill(child.pid ?? 0, 'SIGTERM');
    const stop = await cloud.waitFor(stopRoute);
    await sleep(2500);
    expect(child.exitCode).toBeNull();
    const result = await child;
    const polls = cloud.requests.filter((r) => r.method === 'GET' && r.at > stop.at);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(Date.now() - stop.at).toBeGreaterThanOrEqual(4500);
    expect(result.exitCode).toBe(97);
  });

  it('D8: a run the cloud reports passed after the stop exits 0', async () => {
    const { child } = await startCloudRun({ abortedResult: 'passed' });
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toContain('test status: Aborted (by user)');
  });

  it('D8: a failed stop request is logged and k6 still waits for the run to end', async () => {
    const { child } = await startCloudRun({ faults: [{ match: stopRoute, times: 4, status: 400 }], runDurationMs: 3000 });
    child.kill('SIGINT');
    const result = await child;
    expect(logLines(String(result.stderr))).toContainEqual(expect.objectContaining({ level: 'error', msg: 'Stop cloud test error' }));
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toContain('test status: Finished');
  });

  it('D8: only a second signal exits 105 at once', async () => {
    const { child } = await startCloudRun({ abortDelayMs: 60_000 });
    child.kill('SIGTERM');
    await waitForOutput(child, /Stopping cloud test run/);
    child.kill('SIGTERM');
    const started = Date.now();
    const result = await child;
    expect(result.exitCode).toBe(105);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(String(result.stdout)).not.toContain('test status');
    expect(errorMessages(String(result.stderr))).toContain("Aborting k6 in response to signal, we won't wait for the test to end.");
  });
});

describe.each([...V1.slice(0, 1), ...V2.slice(-1)])('k6 %s cloud run: the exit code is the cloud result (D8)', (version) => {
  it.each([
    ['passed', 0, 'test status: Finished'],
    ['failed', 99, 'Thresholds have been crossed'],
    ['error', 97, 'The test has failed'],
  ] as const)('D8: a run that ends %s exits %i', async (runResult, code, text) => {
    const home = tempDir();
    writeJson(configOf(home), { collectors: { cloud: { token: TOKEN, stackID: STACK.stackId, defaultProjectID: STACK.defaultProjectId } } });
    fs.writeFileSync(path.join(home, 'short.js'), '// standin: duration=100ms\n');
    const cloud = await standardCloud({ runResult });
    const child = spawnK6(version, ['cloud', 'run', 'short.js'], { home, env: cloudEnv(cloud) });
    const result = await child;
    expect(result.exitCode).toBe(code);
    expect(`${String(result.stdout)}\n${String(result.stderr)}`).toContain(text);
  });
});

it('keeps running when no signal comes (control for the tests above)', async () => {
  const home = tempDir();
  const child = spawnK6('2.2.0', ['run', '-v', longScript(home)], { home });
  await waitForOutput(child, TRAPPED);
  await sleep(1200);
  expect(child.exitCode).toBeNull();
  child.kill('SIGKILL');
  await child;
});
