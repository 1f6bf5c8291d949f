// The example Jobs of examples/kubernetes as they are written, each container run with
// `docker run` the way kubelet would start it: command and args (with `$(VAR)` expanded from
// the container's env), env (a secretKeyRef resolved from the Secret), Secret and ConfigMap
// volumes laid out as kubelet lays them out (`key -> ..data/key`, read-only), the claim as a
// named volume, emptyDir as a tmpfs, runAsUser/runAsGroup and readOnlyRootFilesystem. Only the
// test script differs (a short stand-in script), and k6 talks to the mock cloud, which knows the
// examples' own stack (my-stack, id 123456, default project 7890) and a token for their Secret.
import { describe, expect, it } from 'vitest';
import { type ContainerSite, containerSites, loadExamples, nameOf, obj, objs } from '../../unit/examples/load.ts';
import { type E2eCloud, makeToken, masked } from '../support/cloud.ts';
import { type ContainerSpec, type Mount, imageFor, runOnce } from '../support/containers.ts';
import { cloudOf, jsonOf, show, tokenLeaks, viewFile, volumeDir, wrapperLines } from '../support/observe.ts';
import { Resources } from '../support/resources.ts';
import { useCloudAndScripts } from '../support/lifecycle.ts';
import { secretVolumeDir, standinScript, treeSnapshot } from './support.ts';
import { join } from 'node:path';

const TOKEN = makeToken('examples');
const STACK = { slug: 'my-stack', stackId: 123456, defaultProjectId: 7890 };

let cloud: E2eCloud;
const res = new Resources();
useCloudAndScripts({ tokens: [TOKEN], stacks: { [STACK.slug]: { stackId: STACK.stackId, defaultProjectId: STACK.defaultProjectId } } }, res, (c) => {
  cloud = c;
});

const manifests = loadExamples();
const sites = containerSites(manifests);
const siteOf = (file: string): ContainerSite => {
  const site = sites.find((s) => s.manifest.file === file && s.manifest.object['kind'] === 'Job');
  if (!site) throw new Error(`no Job in ${file}`);
  return site;
};
const objectNamed = (kind: string, name: unknown) => manifests.find((m) => m.object['kind'] === kind && nameOf(m.object) === name)?.object;

/** The Secret's keys as the user fills them in: the example's placeholder token replaced by the mock's. */
function secretData(name: unknown): Record<string, string> {
  const data = obj(objectNamed('Secret', name)?.['stringData']);
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, String(value).replace('replace-with-your-grafana-cloud-k6-token', TOKEN)]));
}

/** The ConfigMap's keys; the test script is a short stand-in run (the example's would run a minute against the internet). */
function configMapData(name: unknown): Record<string, string> {
  if (name === 'k6-script') return { 'test.js': standinScript('duration=200ms') };
  return Object.fromEntries(Object.entries(obj(objectNamed('ConfigMap', name)?.['data'])).map(([key, value]) => [key, String(value)]));
}

/** `$(NAME)` in an argument, as kubelet expands it from the container's own env values. */
function expand(word: string, env: Record<string, string>): string {
  return word.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
}

/** The container of `site` as `docker run` options; `claims` maps a claim name to a named volume. */
function asDockerRun(site: ContainerSite, claims: Record<string, string>): ContainerSpec & { mountsByName: Record<string, Mount> } {
  const { container, podSpec } = site;
  const env: Record<string, string> = {};
  for (const entry of objs(container['env'])) {
    const ref = obj(obj(entry['valueFrom'])['secretKeyRef']);
    env[String(entry['name'])] = ref['name'] !== undefined ? String(secretData(ref['name'])[String(ref['key'])]) : String(entry['value']);
  }
  const mounts: Mount[] = [];
  const mountsByName: Record<string, Mount> = {};
  const tmpfs: Record<string, string> = {};
  for (const mount of objs(container['volumeMounts'])) {
    const volume = objs(podSpec['volumes']).find((v) => v['name'] === mount['name']) ?? {};
    const target = String(mount['mountPath']);
    let source: string | undefined;
    if (volume['secret'] !== undefined) source = res.track(secretVolumeDir(secretData(obj(volume['secret'])['secretName'])));
    else if (volume['configMap'] !== undefined) source = res.track(secretVolumeDir(configMapData(obj(volume['configMap'])['name'])));
    else if (volume['persistentVolumeClaim'] !== undefined) source = claims[String(obj(volume['persistentVolumeClaim'])['claimName'])];
    else if (volume['emptyDir'] !== undefined) tmpfs[target] = 'rw,size=16m';
    else throw new Error(`${site.label}: no way to run volume ${String(volume['name'])}`);
    if (source === undefined) continue;
    // kubelet mounts Secrets and ConfigMaps read-only whatever the mount says.
    const readOnly = mount['readOnly'] === true || volume['secret'] !== undefined || volume['configMap'] !== undefined;
    const entry: Mount = { source, target, mode: readOnly ? 'ro' : 'rw' };
    mounts.push(entry);
    mountsByName[String(mount['name'])] = entry;
  }
  const security = { ...obj(podSpec['securityContext']), ...obj(container['securityContext']) };
  const command = (container['command'] as string[] | undefined)?.map((w) => expand(w, env));
  const args = ((container['args'] as string[] | undefined) ?? []).map((w) => expand(w, env));
  return {
    image: imageFor('2.2.0'),
    ...(command ? { entrypoint: command } : {}),
    command: args,
    env: { ...cloud.env, ...env },
    mounts,
    mountsByName,
    tmpfs,
    ...(security['runAsUser'] !== undefined ? { user: `${String(security['runAsUser'])}:${String(security['runAsGroup'] ?? security['runAsUser'])}` } : {}),
    readOnlyRoot: security['readOnlyRootFilesystem'] === true,
  };
}

describe('examples/kubernetes as written, on k6 2.2.0', () => {
  it('pvc-login-job.yaml logs in from the Secret file, with no token in its args or env; pvc-run-job.yaml runs with the login', async () => {
    const claim = await res.volume('k6p-k8s-claim');
    const site = siteOf('pvc-login-job.yaml');
    const { mountsByName, ...spec } = asDockerRun(site, { 'k6-config': claim });
    // What kubelet would start: no token in the arguments nor in any env value.
    expect([...(spec.entrypoint ?? []), ...(spec.command ?? [])].filter((w) => w.includes(TOKEN))).toEqual([]);
    expect(Object.entries(spec.env ?? {}).filter(([, value]) => value.includes(TOKEN))).toEqual([]);
    expect(Object.keys(mountsByName)).toContain('cloud-token');

    const login = await runOnce(spec);
    expect(login.exitCode, show(login)).toBe(0);
    expect(cloud.requestsTo('GET /cloud/v6/auth').map((r) => [r.authorization, r.stackUrl, r.status])).toEqual([[`Bearer ${TOKEN}`, `https://${STACK.slug}.grafana.net`, 200]]);
    expect(wrapperLines(login.stderr)).toContain(
      `k6-persist: k6 Cloud login saved to /config/config.json, on the named volume "${claim}": token ${masked(TOKEN)} (from K6_CLOUD_TOKEN_FILE /var/run/secrets/k6-cloud/token), stack ${STACK.stackId}.`,
    );
    expect(tokenLeaks(login, [TOKEN])).toEqual([]);
    const saved = viewFile(join(await volumeDir(claim), 'config.json'));
    expect(cloudOf(jsonOf(saved))).toMatchObject({ token: TOKEN, stackID: STACK.stackId, defaultProjectID: STACK.defaultProjectId });

    cloud.clear();
    const { mountsByName: _unused, ...runSpec } = asDockerRun(siteOf('pvc-run-job.yaml'), { 'k6-config': claim });
    const run = await runOnce(runSpec);
    expect(run.exitCode, show(run)).toBe(0);
    expect(cloud.requestsTo('POST /cloud/v6/validate_options').map((r) => [r.authorization, r.stackId, r.status])).toEqual([[`Bearer ${TOKEN}`, String(STACK.stackId), 200]]);
  });

  it('stack-configmap-job.yaml: the token from the env, the stack from the ConfigMap at /config, the project from K6_CLOUD_PROJECT_ID; the ConfigMap untouched', async () => {
    const { mountsByName, ...spec } = asDockerRun(siteOf('stack-configmap-job.yaml'), {});
    const configMap = mountsByName['k6-cloud-stack'];
    expect(configMap).toMatchObject({ target: '/config', mode: 'ro' });
    const before = treeSnapshot(configMap!.source);
    const run = await runOnce(spec);
    expect(run.exitCode, show(run)).toBe(0);
    const calls = cloud.requestsTo('POST /cloud/v6/validate_options');
    expect(calls.map((r) => [r.authorization, r.stackId, r.status])).toEqual([[`Bearer ${TOKEN}`, String(STACK.stackId), 200]]);
    expect(calls[0]?.body).toMatchObject({ project_id: STACK.defaultProjectId });
    expect(treeSnapshot(configMap!.source)).toEqual(before);
  });
});
