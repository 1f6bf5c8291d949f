// examples/compose/compose.yaml with Docker Compose v2 (2.26, scripts/compose.sh) on the Docker
// engine: a login service fed from a Compose secret, a test service that uses the login kept on
// the named volume. The example file is used as it is; a second Compose file made here only puts
// the containers on the host network and points k6 at the mock cloud on 127.0.0.1, as Compose
// merges it over the first.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type E2eCloud, makeToken, masked, startCloud } from '../e2e/support/cloud.ts';
import { cloudOf, jsonOf, show, tokenLeaks, viewFile, volumeDir, wrapperLines } from '../e2e/support/observe.ts';
import { podmanContext } from '../podman/support/context.ts';

const EXAMPLE = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../examples/compose/compose.yaml');
const TOKEN = makeToken('compose');
const ROTATED = makeToken('compose-rotated');
const STACK = 'compose-stack';
const STACK_ID = 6601;
const PROJECT_ID = 66;

let cloud: E2eCloud;
let projectDir: string;
let override: string;
let project: string;

beforeAll(async () => {
  cloud = await startCloud({ tokens: [TOKEN, ROTATED], stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: PROJECT_ID } } });
  // The project directory: ./scripts as the example expects it, and the test's own Compose file.
  projectDir = mkdtempSync(join(tmpdir(), 'k6p-compose-'));
  chmodSync(projectDir, 0o755);
  mkdirSync(join(projectDir, 'scripts'), { mode: 0o755 });
  writeFileSync(join(projectDir, 'scripts', 'test.js'), 'export default function () {}\n', { mode: 0o644 });
  const onThisMachine = { network_mode: 'host', environment: cloud.env };
  override = join(projectDir, 'compose.this-machine.yaml');
  writeFileSync(override, stringify({ services: { login: onThisMachine, test: onThisMachine } }));
});

afterEach(async () => {
  cloud.clear();
  if (project) await compose(['down', '--volumes', '--remove-orphans']);
});

afterAll(async () => {
  await cloud?.close();
  if (projectDir) rmSync(projectDir, { recursive: true, force: true });
});

/**
 * `docker compose -p PROJECT -f examples/compose/compose.yaml -f <this machine's> ARGS`, with the
 * user's environment: the token in K6_CLOUD_TOKEN only, the stack, the image under test.
 */
async function compose(args: readonly string[], env: Record<string, string> = {}) {
  const result = await execa(
    podmanContext().compose,
    ['--project-name', project, '--project-directory', projectDir, '-f', EXAMPLE, '-f', override, ...args],
    {
      env: { K6_PERSIST_IMAGE: podmanContext().image, ...env },
      reject: false,
      timeout: 120_000,
      stdin: 'ignore',
    },
  );
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

async function inspect(container: string): Promise<{ Args: string[]; Path: string; Config: { Env: string[]; Cmd: string[] | null; Entrypoint: string[] | null } }> {
  const result = await execa('docker', ['inspect', container]);
  return (JSON.parse(result.stdout) as [never])[0];
}

describe('examples/compose/compose.yaml', () => {
  beforeAll(() => {
    project = `k6p-compose-${randomBytes(4).toString('hex')}`;
  });

  it('`docker compose up` starts only the test service: the login runs when asked for', async () => {
    const services = await compose(['config', '--services']);
    expect(services.exitCode, show(services)).toBe(0);
    expect(services.stdout.trim().split('\n')).toEqual(['test']);
  });

  it('the login service logs in from the secret, and the test service runs with that login', async () => {
    const loginName = `${project}-login-once`;
    const login = await compose(['run', '--name', loginName, 'login'], { K6_CLOUD_TOKEN: TOKEN, CLOUD_STACK: STACK });
    try {
      expect(login.exitCode, show(login)).toBe(0);
      expect(cloud.requestsTo('GET /cloud/v6/auth').map((r) => [r.authorization, r.stackUrl])).toEqual([[`Bearer ${TOKEN}`, `https://${STACK}.grafana.net`]]);
      expect(wrapperLines(login.stderr).join('\n')).toContain(
        `k6 Cloud login saved to /config/config.json, on the named volume "${project}_k6-config": token ${masked(TOKEN)} (from K6_CLOUD_TOKEN_FILE /run/secrets/k6_cloud_token), stack ${STACK_ID}.`,
      );
      expect(tokenLeaks(login, [TOKEN])).toEqual([]);

      // The token is in neither Compose file nor in what Docker keeps of the container.
      expect(readFileSync(EXAMPLE, 'utf8')).not.toContain(TOKEN);
      expect(readFileSync(override, 'utf8')).not.toContain(TOKEN);
      const container = await inspect(loginName);
      expect(container.Path).toBe('sh');
      // Without a command of its own the login service has no Cmd (null).
      const kept = [container.Path, ...container.Args, ...(container.Config.Cmd ?? []), ...(container.Config.Entrypoint ?? []), ...container.Config.Env];
      expect(kept.filter((value) => value.includes(TOKEN))).toEqual([]);
      expect(container.Config.Env.filter((value) => value.startsWith('K6_CLOUD_TOKEN='))).toEqual([]);
      expect(container.Config.Env).toContain('K6_CLOUD_TOKEN_FILE=/run/secrets/k6_cloud_token');
    } finally {
      await execa('docker', ['rm', '--force', loginName], { reject: false });
    }

    const saved = viewFile(join(await volumeDir(`${project}_k6-config`), 'config.json'));
    expect(cloudOf(jsonOf(saved))).toMatchObject({ token: TOKEN, stackID: STACK_ID, defaultProjectID: PROJECT_ID });
    expect(saved?.mode).toBe(0o600);
    cloud.clear();

    const run = await compose(['run', '--rm', 'test']);
    expect(run.exitCode, show(run)).toBe(0);
    expect(run.stdout).toContain('test status: Finished');
    expect(cloud.requestsTo('POST /cloud/v6/validate_options').map((r) => [r.authorization, r.stackId, r.status])).toEqual([
      [`Bearer ${TOKEN}`, String(STACK_ID), 200],
    ]);
    cloud.clear();

    // A new token, CLOUD_STACK unset: the stack saved on the volume is kept.
    const again = await compose(['run', '--rm', 'login'], { K6_CLOUD_TOKEN: ROTATED });
    expect(again.exitCode, show(again)).toBe(0);
    expect(cloud.requestsTo('GET /cloud/v6/auth').map((r) => [r.authorization, r.stackUrl])).toEqual([[`Bearer ${ROTATED}`, `https://${STACK}.grafana.net`]]);
    expect(tokenLeaks(again, [TOKEN, ROTATED])).toEqual([]);
    const rotated = viewFile(join(await volumeDir(`${project}_k6-config`), 'config.json'));
    expect(cloudOf(jsonOf(rotated))).toMatchObject({ token: ROTATED, stackID: STACK_ID, stackURL: `https://${STACK}.grafana.net`, defaultProjectID: PROJECT_ID });
  });

  it('a token the cloud refuses: the login service fails with k6\'s exit code and the volume holds no login', async () => {
    const login = await compose(['run', '--rm', 'login'], { K6_CLOUD_TOKEN: makeToken('refused'), CLOUD_STACK: STACK });
    expect(login.exitCode, show(login)).not.toBe(0);
    expect(cloud.requestsTo('GET /cloud/v6/auth').map((r) => r.status)).toEqual([401]);
    expect(viewFile(join(await volumeDir(`${project}_k6-config`), 'config.json'))).toBeUndefined();
  });
});
