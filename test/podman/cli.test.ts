// The image's end-to-end core under the podman CLI (Debian 12's Podman 4.3.1), as root and as an
// unprivileged user (rootless): a login on a named volume used by a run in a fresh container, a
// host directory, a read-only volume, signals, exit codes and `k6-persist status`. What is
// asserted is what a user sees: exit codes, output, the files on the host and who owns them, and
// what reached the (mock) k6 Cloud on 127.0.0.1.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type E2eCloud, makeToken, masked, startCloud } from '../e2e/support/cloud.ts';
import { cloudOf, jsonOf, show, tokenLeaks, viewFile, wrapperLines } from '../e2e/support/observe.ts';
import { K6_TRAP_INSTALLED, removeDir, scriptsDir, standinScript } from '../e2e/kubernetes/support.ts';
import { hostDir } from '../e2e/support/volumes.ts';
import { podmanContext } from './support/context.ts';
import { type PodmanMode, PodmanCli } from './support/podman.ts';

const TOKEN = makeToken('podman');
const STACK = 'podman-stack';
const STACK_ID = 5401;
const PROJECT_ID = 54;
const IMAGE_UID = 12345;
const SUMMARY = '█ TOTAL RESULTS';
const HARD_STOP = 'Aborting k6 in response to signal';

let cloud: E2eCloud;
let scripts: string;
let brokenConfig: string;

beforeAll(async () => {
  cloud = await startCloud({ tokens: [TOKEN], stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: PROJECT_ID } } });
  scripts = scriptsDir({
    'test.js': 'export default function () {}\n',
    // Runs until stopped; a 2 s teardown after the first signal, in which a second one would hard-stop k6.
    'long.js': standinScript('duration=120s', 'teardown=2s'),
    'thresholds.js': standinScript('duration=100ms', 'thresholds=fail'),
    'throws.js': standinScript('throw'),
  });
  brokenConfig = scriptsDir({ 'config.json': '{"collectors": ' });
});

afterAll(async () => {
  await cloud?.close();
  if (scripts) removeDir(scripts);
  if (brokenConfig) removeDir(brokenConfig);
});

const cloudFlags = () => Object.entries(cloud.env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
const scriptsFlags = () => ['-v', `${scripts}:/scripts:ro`];
const LOGIN = ['cloud', 'login', '--token', TOKEN, '--stack', STACK];
const CLOUD_RUN = ['cloud', 'run', '/scripts/test.js'];

/** What the cloud saw of `cloud run`: the token and stack it validated the options with. */
const runCalls = () => cloud.requestsTo('POST /cloud/v6/validate_options').map((r) => [r.authorization, r.stackId, r.status]);

describe.each<PodmanMode>(['root', 'rootless'])('podman CLI, %s', (mode) => {
  let podman: PodmanCli;
  const volumes: string[] = [];
  const dirs: string[] = [];

  beforeAll(() => {
    podman = new PodmanCli(mode, podmanContext());
  });

  afterEach(async () => {
    cloud.clear();
    for (const volume of volumes.splice(0)) await podman.removeVolume(volume);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const volume = async () => {
    const name = await podman.createVolume();
    volumes.push(name);
    return name;
  };
  const userDir = () => {
    const dir = hostDir(podman.hostUser.uid, podman.hostUser.gid);
    dirs.push(dir);
    return dir;
  };

  it('a login on a named volume is used by a run in a fresh container: token and stack reach the cloud', async () => {
    const name = await volume();
    const login = await podman.run([...cloudFlags(), '-v', `${name}:/config`], LOGIN);
    expect(login.exitCode, show(login)).toBe(0);
    expect(wrapperLines(login.stderr).join('\n')).toContain(`saved to /config/config.json, on the named volume "${name}"`);
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);

    const file = viewFile(join(await podman.volumeDir(name), 'config.json'));
    expect(cloudOf(jsonOf(file))).toMatchObject({ token: TOKEN, stackID: STACK_ID, defaultProjectID: PROJECT_ID });
    expect(file?.mode).toBe(0o600);
    // The image's user; rootless, that is a uid of the user's subordinate range on the host.
    expect(file?.stat.uid).toBe(podman.hostUidOf(IMAGE_UID));
    cloud.clear();

    const run = await podman.run([...cloudFlags(), '-v', `${name}:/config`, ...scriptsFlags()], CLOUD_RUN);
    expect(run.exitCode, show(run)).toBe(0);
    expect(run.stdout).toContain('test status: Finished');
    expect(runCalls()).toEqual([[`Bearer ${TOKEN}`, String(STACK_ID), 200]]);
  });

  it('a read-only volume: a login into it is refused and changes nothing; a run reads the login in place', async () => {
    const name = await volume();
    expect((await podman.run([...cloudFlags(), '-v', `${name}:/config`], LOGIN)).exitCode).toBe(0);
    const path = join(await podman.volumeDir(name), 'config.json');
    const before = viewFile(path)!;
    cloud.clear();

    const refused = await podman.run([...cloudFlags(), '-v', `${name}:/config:ro`], ['cloud', 'login', '--token', makeToken('other'), '--stack', STACK]);
    expect(refused.exitCode, show(refused)).toBe(255);
    expect(wrapperLines(refused.stderr).join('\n')).toMatch(/cannot save the k6 Cloud login: .* is read-only\. Nothing was changed\./);
    // Refused before k6 started: nothing asked the cloud, nothing was written.
    expect(cloud.requests()).toEqual([]);
    expect(viewFile(path)?.text).toBe(before.text);
    expect(viewFile(path)?.stat.mtimeMs).toBe(before.stat.mtimeMs);

    const run = await podman.run([...cloudFlags(), '-v', `${name}:/config:ro`, ...scriptsFlags()], CLOUD_RUN);
    expect(run.exitCode, show(run)).toBe(0);
    expect(runCalls()).toEqual([[`Bearer ${TOKEN}`, String(STACK_ID), 200]]);
  });

  it('k6-persist status names the named volume, says whether it is writable, and masks the token', async () => {
    const name = await volume();
    expect((await podman.run([...cloudFlags(), '-v', `${name}:/config`], LOGIN)).exitCode).toBe(0);
    for (const [suffix, writable] of [['', true], [':ro', false]] as const) {
      const status = await podman.run(['--entrypoint', 'k6-persist', '-v', `${name}:/config${suffix}`], ['status', '--json']);
      expect(status.exitCode, show(status)).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        configPath: '/config/config.json',
        volume: `the named volume "${name}"`,
        readOnly: !writable,
        writable,
        file: 'valid',
        token: masked(TOKEN),
        stackID: STACK_ID,
      });
      expect(status.stdout + status.stderr).not.toContain(TOKEN);
    }
  });

  it('the exit codes a script or an unusable config gives come through `podman run --rm` unchanged', async () => {
    const cases: Array<[string, string[], number]> = [
      ['thresholds.js', [], 99],
      ['throws.js', [], 107],
      ['thresholds.js', ['-v', `${brokenConfig}:/config:ro`], 104],
    ];
    const codes: number[] = [];
    for (const [script, flags, _code] of cases) {
      const outcome = await podman.run([...scriptsFlags(), ...flags], ['run', `/scripts/${script}`]);
      codes.push(outcome.exitCode);
      if (flags.length > 0) expect(outcome.stderr).toMatch(/k6-persist: error: the k6 config file \/config\/config\.json cannot be used/);
    }
    expect(codes).toEqual(cases.map(([, , code]) => code));
  });

  describe('podman stop -t 30 (SIGTERM, SIGKILL after the grace period)', () => {
    // Signals are sent once k6 has logged (-v) that its trap is in: it prints `execution: local`
    // before trapping (audit D9), and a signal in between would kill it by Go's default.
    it.each([
      ['k6 as the main process (execve)', [] as string[]],
      ['the wrapper as parent (K6_PERSIST_HANDOVER=spawn)', ['-e', 'K6_PERSIST_HANDOVER=spawn']],
    ])('%s: k6 gets exactly one SIGTERM, prints its summary and exits 105', async (_label, flags) => {
      const name = await podman.startDetached([...scriptsFlags(), ...flags], ['run', '-v', '/scripts/long.js'], K6_TRAP_INSTALLED);
      try {
        const started = Date.now();
        expect((await podman.podman(['stop', '-t', '30', name], { timeoutMs: 60_000 })).exitCode).toBe(0);
        const elapsed = Date.now() - started;
        const result = await podman.outcomeOf(name);
        expect(result.exitCode, show(result)).toBe(105);
        // k6 ended by itself after its 2 s teardown, long before Podman's SIGKILL.
        expect(elapsed).toBeLessThan(20_000);
        expect(result.stdout.split(SUMMARY)).toHaveLength(2);
        // k6's error line, once: with -v real k6 also repeats the text in debug lines' error= fields.
        expect(result.stderr.split(`level=error msg="test run was aborted because k6 received a 'terminated' signal"`)).toHaveLength(2);
        expect(result.stderr).not.toContain(HARD_STOP);
      } finally {
        await podman.removeContainer(name);
      }
    });

    it('control: two SIGTERMs are seen as two (hard stop, no summary), so the check above can fail', async () => {
      const name = await podman.startDetached(scriptsFlags(), ['run', '-v', '/scripts/long.js'], K6_TRAP_INSTALLED);
      try {
        for (let i = 0; i < 2; i += 1) expect((await podman.podman(['kill', '--signal', 'TERM', name])).exitCode).toBe(0);
        expect((await podman.podman(['wait', name], { timeoutMs: 60_000 })).exitCode).toBe(0);
        const result = await podman.outcomeOf(name);
        expect(result.stderr).toContain(HARD_STOP);
        expect(result.stdout).not.toContain(SUMMARY);
      } finally {
        await podman.removeContainer(name);
      }
    });
  });

  describe('a host directory of the user', () => {
    // As root a directory of another user is used with --user, as with Docker; rootless, --user
    // of one's own uid does not map to oneself, and Podman's own options do.
    const asOwner = (dir: string): string[] =>
      mode === 'root' ? ['--user', '4242:4242', '-v', `${dir}:/config`] : ['--userns=keep-id', '--user', `${podman.hostUser.uid}:${podman.hostUser.gid}`, '-v', `${dir}:/config`];

    it(`${mode === 'root' ? '--user 4242:4242 on a directory of uid 4242' : '--userns=keep-id --user "$(id -u):$(id -g)"'}: the login is a file of the user on the host, and a later run uses it`, async () => {
      const owner = mode === 'root' ? { uid: 4242, gid: 4242 } : podman.hostUser;
      const dir = hostDir(owner.uid, owner.gid);
      dirs.push(dir);
      const login = await podman.run([...cloudFlags(), ...asOwner(dir)], LOGIN);
      expect(login.exitCode, show(login)).toBe(0);
      const file = viewFile(join(dir, 'config.json'));
      expect(cloudOf(jsonOf(file))).toMatchObject({ token: TOKEN, stackID: STACK_ID });
      expect([file?.stat.uid, file?.stat.gid, file?.mode]).toEqual([owner.uid, owner.gid, 0o600]);
      expect(readdirSync(dir)).toEqual(['config.json']);
      cloud.clear();

      const run = await podman.run([...cloudFlags(), ...asOwner(dir), ...scriptsFlags()], CLOUD_RUN);
      expect(run.exitCode, show(run)).toBe(0);
      expect(runCalls()).toEqual([[`Bearer ${TOKEN}`, String(STACK_ID), 200]]);
    });

    if (mode === 'rootless') {
      it('--user 0:0 (root in the container is the user on the host): the login is a file of the user', async () => {
        const dir = userDir();
        const login = await podman.run([...cloudFlags(), '--user', '0:0', '-v', `${dir}:/config`], LOGIN);
        expect(login.exitCode, show(login)).toBe(0);
        const file = viewFile(join(dir, 'config.json'));
        expect([file?.stat.uid, file?.mode]).toEqual([podman.hostUser.uid, 0o600]);
      });

      it('the :U volume option: Podman hands the directory to the image user (a subordinate uid on the host), and the login works', async () => {
        const dir = userDir();
        const login = await podman.run([...cloudFlags(), '-v', `${dir}:/config:U`], LOGIN);
        expect(login.exitCode, show(login)).toBe(0);
        const file = viewFile(join(dir, 'config.json'));
        expect(cloudOf(jsonOf(file))).toMatchObject({ token: TOKEN });
        // What the user sees afterwards: their directory now belongs to the container's user.
        expect([statSync(dir).uid, file?.stat.uid]).toEqual([podman.hostUidOf(IMAGE_UID), podman.hostUidOf(IMAGE_UID)]);
      });

      it('with no user option the image user cannot write the directory: exit 255, nothing written, and the advice names what works rootless', async () => {
        const dir = userDir();
        const login = await podman.run([...cloudFlags(), '-v', `${dir}:/config`], LOGIN);
        expect(login.exitCode, show(login)).toBe(255);
        expect(readdirSync(dir)).toEqual([]);
        expect(cloud.requests()).toEqual([]);
        const advice = wrapperLines(login.stderr).join('\n');
        expect(advice).toContain('user namespace');
        expect(advice).toContain('--userns=keep-id --user "$(id -u):$(id -g)"');
        expect(advice).toContain(':U');
      });
    }
  });
});
