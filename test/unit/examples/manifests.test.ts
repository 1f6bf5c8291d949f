// Every manifest of examples/kubernetes passes the checks the API server makes on
// `kubectl apply` (kubernetes-validate.ts), refers only to objects the examples define, and the
// checks themselves catch the mistakes they are there for (each negative case below must fail).
import { describe, expect, test } from 'vitest';
import { operatorPods } from './k6-operator.ts';
import { type Manifest, parseManifests, validateManifest } from './kubernetes-validate.ts';
import { containerSites, exampleFiles, loadExamples, nameOf, obj, objs, readRepoFile } from './load.ts';
import type { Obj } from './manifest-types.ts';

const manifests = loadExamples();
const byKind = (kind: string): Manifest[] => manifests.filter((m) => m.object['kind'] === kind);
const find = (kind: string, name: string): Obj | undefined => byKind(kind).find((m) => nameOf(m.object) === name)?.object;
const clone = <T>(value: T): T => structuredClone(value);

describe('the example manifests', () => {
  test('are the ones the docs describe, and each file holds at least one object', () => {
    expect(exampleFiles()).toEqual([
      'cloud-token-secret.yaml',
      'env-token-job.yaml',
      'k6-operator-testrun.yaml',
      'pvc-login-job.yaml',
      'pvc-run-job.yaml',
      'script-configmap.yaml',
      'secret-config-job.yaml',
      'stack-configmap-job.yaml',
    ]);
    for (const file of exampleFiles()) expect(manifests.filter((m) => m.file === file).length, file).toBeGreaterThan(0);
  });

  test.each(manifests.map((m) => [`${m.file} #${m.index} ${String(m.object['kind'])} ${nameOf(m.object)}`, m] as const))(
    '%s passes the API checks',
    (_label, manifest) => {
      expect(validateManifest(manifest.object)).toEqual([]);
    },
  );

  test('no two objects of one kind share a name', () => {
    const keys = manifests.map((m) => `${String(m.object['kind'])}/${nameOf(m.object)}`);
    expect(keys.length).toBe(new Set(keys).size);
  });

  test('every Secret, ConfigMap and claim a pod uses is defined in the examples, with the keys it reads', () => {
    const sites = containerSites(manifests);
    expect(sites.length).toBeGreaterThan(0);
    let references = 0;
    for (const site of sites) {
      for (const env of objs(site.container['env'])) {
        const ref = obj(obj(env['valueFrom'])['secretKeyRef']);
        if (ref['name'] === undefined) continue;
        references += 1;
        const secret = find('Secret', String(ref['name']));
        expect(secret, `${site.label}: Secret ${String(ref['name'])}`).toBeDefined();
        expect(Object.keys(obj(secret?.['stringData'])), `${site.label}: key ${String(ref['key'])}`).toContain(ref['key']);
      }
      for (const volume of objs(site.podSpec['volumes'])) {
        const secretName = obj(volume['secret'])['secretName'];
        const configMapName = obj(volume['configMap'])['name'];
        const claimName = obj(volume['persistentVolumeClaim'])['claimName'];
        if (secretName !== undefined) expect(find('Secret', String(secretName)), `${site.label}: Secret ${String(secretName)}`).toBeDefined();
        if (configMapName !== undefined) expect(find('ConfigMap', String(configMapName)), `${site.label}: ConfigMap ${String(configMapName)}`).toBeDefined();
        if (claimName !== undefined) expect(find('PersistentVolumeClaim', String(claimName)), `${site.label}: PVC ${String(claimName)}`).toBeDefined();
        if (secretName !== undefined || configMapName !== undefined || claimName !== undefined) references += 1;
      }
    }
    // The examples use Secrets, ConfigMaps and claims: the loop above did check some.
    expect(references).toBeGreaterThan(3);
  });

  test('every script path a container runs is a key of the ConfigMap mounted there', () => {
    let checked = 0;
    for (const site of containerSites(manifests)) {
      const words = [...(site.container['command'] as string[] | undefined ?? []), ...(site.container['args'] as string[] | undefined ?? [])];
      const scripts = words.flatMap((w) => w.split(/\s+/)).filter((w) => /^\/.*\.js$/.test(w));
      for (const script of scripts) {
        const mount = objs(site.container['volumeMounts']).find((m) => script.startsWith(`${String(m['mountPath'])}/`));
        expect(mount, `${site.label}: nothing is mounted over ${script}`).toBeDefined();
        const volume = objs(site.podSpec['volumes']).find((v) => v['name'] === mount?.['name']);
        const configMap = find('ConfigMap', String(obj(volume?.['configMap'])['name']));
        const key = script.slice(String(mount?.['mountPath']).length + 1);
        expect(Object.keys(obj(configMap?.['data'])), `${site.label}: ${script}`).toContain(key);
        checked++;
      }
    }
    // Four Jobs run the script, the TestRun's initializer and its two runners too.
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});

describe('the checks catch mistakes (each case must be rejected)', () => {
  const runJob = byKind('Job').find((m) => m.file === 'pvc-run-job.yaml')?.object ?? {};
  const testRun = byKind('TestRun')[0]?.object ?? {};
  const podSpec = (job: Obj): Obj => obj(obj(obj(job['spec'])['template'])['spec']);
  const container = (job: Obj): Obj => objs(podSpec(job)['containers'])[0] ?? {};

  const cases: Array<[string, () => Obj, RegExp]> = [
    [
      'a misspelt field (readOnlyRootFileSystem)',
      () => {
        const job = clone(runJob);
        const sc = obj(container(job)['securityContext']);
        sc['readOnlyRootFileSystem'] = sc['readOnlyRootFilesystem'];
        delete sc['readOnlyRootFilesystem'];
        return job;
      },
      /securityContext\.readOnlyRootFileSystem: unknown field/,
    ],
    [
      'a string where the schema wants an integer',
      () => {
        const job = clone(runJob);
        obj(podSpec(job)['securityContext'])['runAsUser'] = '12345';
        return job;
      },
      /runAsUser must be integer/,
    ],
    [
      'a container without a name',
      () => {
        const job = clone(runJob);
        delete container(job)['name'];
        return job;
      },
      /containers\/0 must have required property '?name'?/,
    ],
    [
      'a mount of a volume the pod does not have',
      () => {
        const job = clone(runJob);
        objs(container(job)['volumeMounts'])[0]!['name'] = 'no-such-volume';
        return job;
      },
      /volume "no-such-volume" is not in volumes/,
    ],
    [
      'a pod failure policy with restartPolicy OnFailure',
      () => {
        const job = clone(runJob);
        podSpec(job)['restartPolicy'] = 'OnFailure';
        return job;
      },
      /podFailurePolicy: only allowed with restartPolicy Never/,
    ],
    [
      'exit codes out of order',
      () => {
        const job = clone(runJob);
        const rule = objs(obj(obj(job['spec'])['podFailurePolicy'])['rules'])[0]!;
        obj(rule['onExitCodes'])['values'] = [99, 97];
        return job;
      },
      /unique and in increasing order/,
    ],
    [
      'an unknown enum value',
      () => {
        const job = clone(runJob);
        objs(obj(obj(job['spec'])['podFailurePolicy'])['rules'])[0]!['action'] = 'Retry';
        return job;
      },
      /action must be equal to one of the allowed values/,
    ],
    [
      'a misspelt TestRun field',
      () => {
        const run = clone(testRun);
        const runner = obj(obj(run['spec'])['runner']);
        runner['volumeMount'] = runner['volumeMounts'];
        delete runner['volumeMounts'];
        return run;
      },
      /\$\.spec\.runner\.volumeMount: unknown field/,
    ],
    [
      'a misspelt core field inside a TestRun',
      () => {
        const run = clone(testRun);
        const sc = obj(obj(obj(run['spec'])['runner'])['containerSecurityContext']);
        sc['runAsNonroot'] = true;
        return run;
      },
      /containerSecurityContext\.runAsNonroot: unknown field/,
    ],
    [
      'a TestRun parallelism given as a string',
      () => {
        const run = clone(testRun);
        obj(run['spec'])['parallelism'] = '2';
        return run;
      },
      /spec\.parallelism: must be an int32/,
    ],
    [
      'a TestRun without a script',
      () => {
        const run = clone(testRun);
        delete obj(run['spec'])['script'];
        return run;
      },
      /spec\.script: required/,
    ],
    [
      'a TestRun runner mount of a volume it does not declare',
      () => {
        const run = clone(testRun);
        objs(obj(obj(run['spec'])['runner'])['volumeMounts'])[0]!['name'] = 'missing';
        return run;
      },
      /operator pod k6-persist-smoke-1: .*volume "missing" is not in volumes/,
    ],
    [
      'a bad Secret defaultMode',
      () => {
        const run = clone(testRun);
        const volume = objs(obj(obj(run['spec'])['runner'])['volumes']).find((v) => v['secret'] !== undefined)!;
        obj(volume['secret'])['defaultMode'] = 0o1000;
        return run;
      },
      /defaultMode 512 is not within 0\.\.0777/,
    ],
  ];

  test.each(cases)('%s', (_label, make, expected) => {
    const problems = validateManifest(make());
    expect(problems.join('\n')).toMatch(expected);
  });

  test('the untouched originals of those cases pass (so each rejection is the mutation)', () => {
    expect(validateManifest(runJob)).toEqual([]);
    expect(validateManifest(testRun)).toEqual([]);
  });
});

describe('what the k6-operator makes of the TestRun', () => {
  const testRun = byKind('TestRun')[0]?.object ?? {};
  const pods = operatorPods(testRun);

  test('one initializer and one runner per parallelism, each a single k6 container', () => {
    expect(pods.runners).toHaveLength(Number(obj(testRun['spec'])['parallelism']));
    for (const pod of [pods.initializer, ...pods.runners]) expect(objs(obj(pod['spec'])['containers']).map((c) => c['name'])).toEqual(['k6']);
  });

  test('runners get the operator command shape, with their own execution segment', () => {
    const commands = pods.runners.map((p) => objs(obj(p['spec'])['containers'])[0]?.['command']);
    expect(commands[0]).toEqual([
      'k6', 'run', '--quiet',
      '--execution-segment=0:1/2', '--execution-segment-sequence=0,1/2,1',
      '--tag', 'suite=smoke',
      '/test/test.js', '--address=0.0.0.0:6565', '--paused',
      '--tag', 'instance_id=1', '--tag', 'testrun_name=k6-persist-smoke',
    ]);
    expect(commands[1]).toContain('--execution-segment=1/2:1');
  });

  test('the initializer is `sh -c` around k6 archive and k6 inspect', () => {
    const command = objs(obj(pods.initializer['spec'])['containers'])[0]?.['command'] as string[];
    expect(command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(command[2]).toMatch(/command -v k6 .*k6 archive \/test\/test\.js -O \/tmp\/test\.js\.archived\.tar .*k6 inspect --execution-requirements \/tmp\/test\.js\.archived\.tar/);
  });
});

describe('docs/kubernetes.md', () => {
  const doc = readRepoFile('docs/kubernetes.md');
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

  test('its podFailurePolicy example is a valid Job that fails at once on exit code 99', () => {
    expect(blocks).toHaveLength(1);
    const [job] = parseManifests('docs/kubernetes.md', blocks[0] ?? '');
    expect(validateManifest(job?.object ?? {})).toEqual([]);
    const rules = objs(obj(obj(job?.object['spec'])['podFailurePolicy'])['rules']);
    expect(rules).toEqual([{ action: 'FailJob', onExitCodes: { containerName: 'k6', operator: 'In', values: [99] } }]);
  });

  test('it links every example file', () => {
    for (const file of exampleFiles()) expect(doc, file).toContain(file);
  });
});
