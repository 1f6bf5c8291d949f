// The Kubernetes examples (examples/kubernetes/) played as Jobs by a real runtime: Podman 5.4's
// `podman kube play`, against the mock k6 Cloud on 127.0.0.1. kube play takes the manifests'
// Secrets (secretKeyRef, Secret volumes with defaultMode), PVCs, ConfigMap volumes, `$(VAR)`
// expansion, runAsUser/runAsGroup, readOnlyRootFilesystem and emptyDir as Kubernetes does. What it
// cannot stand in for (fsGroup, kubelet's `..data` layout, generateName, the k6-operator's
// TestRun) stays with the docker simulations of test/e2e/kubernetes/. The changes made to the
// manifests before playing them are the functions of support/kube.ts, each with its reason.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type E2eCloud, makeToken, masked, startCloud } from '../e2e/support/cloud.ts';
import { cloudOf, jsonOf, show, tokenLeaks, viewFile, wrapperLines } from '../e2e/support/observe.ts';
import { podmanContext } from './support/context.ts';
import { KubePodman, type Manifest, example, fillSecret, jobNamed, nameGenerated, secretGroupWithoutFsGroup, useCloud, useImage } from './support/kube.ts';

const TOKEN = makeToken('kubeplay');
// The examples' own stack: `my-stack` (pvc-login-job.yaml), id 123456 with default project 7890
// (env-token-job.yaml, secret-config-job.yaml). The mock cloud knows it by those values.
const STACK = 'my-stack';
const STACK_ID = 123456;
const PROJECT_ID = 7890;
const IMAGE_UID = 12345;

let cloud: E2eCloud;
let kube: KubePodman;
let configmap: string;

beforeAll(async () => {
  cloud = await startCloud({ tokens: [TOKEN], stacks: { [STACK]: { stackId: STACK_ID, defaultProjectId: PROJECT_ID } } });
  kube = new KubePodman(podmanContext().kubeRoot);
  configmap = kube.write('script-configmap.yaml', example('script-configmap.yaml'));
});

afterEach(async () => {
  cloud.clear();
  await kube.reset();
});

afterAll(async () => {
  await cloud?.close();
  kube?.close();
});

/** An example as this machine can play it: the image under test, k6 talking to the mock cloud. */
function playable(file: string): Manifest[] {
  return useCloud(useImage(example(file), podmanContext().image), cloud.env);
}

/** cloud-token-secret.yaml with the user's token in it. */
async function playTokenSecret(): Promise<void> {
  await kube.play(kube.write('cloud-token-secret.yaml', fillSecret(example('cloud-token-secret.yaml'), 'k6-cloud-token', 'token', () => TOKEN)));
}

const runCalls = () => cloud.requestsTo('POST /cloud/v6/validate_options').map((r) => [r.authorization, r.stackId, r.status]);

describe('podman kube play (Podman 5.4) runs the example Jobs', () => {
  it('pvc-login-job.yaml saves the login from the Secret on the claim; pvc-run-job.yaml (a name for its generateName) runs with it, read-only', async () => {
    await playTokenSecret();
    const loginDocs = playable('pvc-login-job.yaml');
    await kube.play(kube.write('pvc-login-job.yaml', loginDocs));
    const login = await kube.jobOutcome(jobNamed(loginDocs));
    expect(login.exitCode, show(login)).toBe(0);
    // The token came from the Secret's file (K6_CLOUD_TOKEN_FILE) and was validated with the stack.
    expect(cloud.requestsTo('GET /cloud/v6/auth').map((r) => [r.authorization, r.stackUrl])).toEqual([[`Bearer ${TOKEN}`, `https://${STACK}.grafana.net`]]);
    expect(wrapperLines(login.stderr).join('\n')).toContain(
      `k6 Cloud login saved to /config/config.json, on the named volume "k6-config": token ${masked(TOKEN)} (from K6_CLOUD_TOKEN_FILE /var/run/secrets/k6-cloud/token), stack ${STACK_ID}.`,
    );
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);

    // The claim is a named volume; the new volume took /config's owner from the image, so
    // runAsUser 12345 could write it without fsGroup.
    const claim = await kube.volumeDir('k6-config');
    const saved = viewFile(join(claim, 'config.json'));
    expect(cloudOf(jsonOf(saved))).toMatchObject({ token: TOKEN, stackID: STACK_ID, defaultProjectID: PROJECT_ID });
    expect([saved?.mode, saved?.stat.uid]).toEqual([0o600, IMAGE_UID]);
    cloud.clear();

    const runDocs = nameGenerated(playable('pvc-run-job.yaml'));
    await kube.play(kube.write('pvc-run-job.yaml', runDocs), [configmap]);
    const run = await kube.jobOutcome(jobNamed(runDocs));
    expect(run.exitCode, show(run)).toBe(0);
    expect(run.stdout).toContain('test status: Finished');
    expect(runCalls()).toEqual([[`Bearer ${TOKEN}`, String(STACK_ID), 200]]);
    expect(cloud.requestsTo('POST /cloud/v6/validate_options')[0]?.body).toMatchObject({ project_id: PROJECT_ID });
    // Mounted read-only, and left as the login wrote it.
    expect(await kube.ok(['inspect', '--format', '{{range .Mounts}}{{if eq .Destination "/config"}}{{.RW}}{{end}}{{end}}', `${jobNamed(runDocs)}-pod-k6`])).toBe('false');
    expect(viewFile(join(claim, 'config.json'))?.text).toBe(saved?.text);
  });

  it('env-token-job.yaml: K6_CLOUD_TOKEN from the Secret, stack and project from the environment, no config volume', async () => {
    await playTokenSecret();
    const docs = playable('env-token-job.yaml');
    await kube.play(kube.write('env-token-job.yaml', docs), [configmap]);
    const run = await kube.jobOutcome(jobNamed(docs));
    expect(run.exitCode, show(run)).toBe(0);
    expect(runCalls()).toEqual([[`Bearer ${TOKEN}`, String(STACK_ID), 200]]);
    expect(cloud.requestsTo('POST /cloud/v6/validate_options')[0]?.body).toMatchObject({ project_id: PROJECT_ID });
    // No volume, no file: the wrapper had nothing to say.
    expect(wrapperLines(run.stderr)).toEqual([]);
  });

  describe('secret-config-job.yaml: config.json from a Secret volume at /config', () => {
    const docsWithToken = () => fillSecret(playable('secret-config-job.yaml'), 'k6-cloud-config', 'config.json', (text) => text.replace('replace-with-your-grafana-cloud-k6-token', TOKEN));

    it('with supplementalGroups [0] in place of fsGroup, k6 reads the stored token, stack and project', async () => {
      const docs = secretGroupWithoutFsGroup(docsWithToken());
      await kube.play(kube.write('secret-config-job.yaml', docs), [configmap]);
      const run = await kube.jobOutcome(jobNamed(docs));
      expect(run.exitCode, show(run)).toBe(0);
      expect(runCalls()).toEqual([[`Bearer ${TOKEN}`, String(STACK_ID), 200]]);
      expect(cloud.requestsTo('POST /cloud/v6/validate_options')[0]?.body).toMatchObject({ project_id: PROJECT_ID });
    });

    it('as written (fsGroup, which Podman ignores): the files stay root:root 0440, and the Job fails with 104 before k6 starts', async () => {
      const docs = docsWithToken();
      await kube.play(kube.write('secret-config-job.yaml', docs), [configmap]);
      const run = await kube.jobOutcome(jobNamed(docs));
      expect(run.exitCode, show(run)).toBe(104);
      // The advice names the group the Secret's files have here (what supplementalGroups [0] gives).
      const advice = wrapperLines(run.stderr).join('\n');
      expect(advice).toMatch(/k6-persist: error: the k6 config file \/config\/config\.json cannot be read \(EACCES\)/);
      expect(advice).toContain('Group 0 may read the file (mode 0440)');
      expect(cloud.requests()).toEqual([]);
      const file = viewFile(join(await kube.volumeDir('k6-cloud-config'), 'config.json'));
      expect([file?.stat.uid, file?.stat.gid, file?.mode]).toEqual([0, 0, 0o440]);
    });
  });
});
