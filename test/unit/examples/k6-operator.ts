// What the k6-operator makes of a TestRun: the schema of the custom resource, and the
// initializer and runner containers it creates from one. Pure data; used by the manifest checks
// (test/unit/examples) and by the end-to-end tests that run the same command shapes against the
// image (test/e2e/kubernetes).
//
// Source: grafana/k6-operator, written here from its Go code (not copied):
//  - api/v1alpha1/testrun_types.go: the TestRun types, from which the operator's CRD
//    (k6.io_testruns.yaml) is generated with controller-gen. Every field of TestRunSpec, Pod,
//    InitContainer, K6Script, K6VolumeClaim, K6Configmap, K6Scuttle and CloudSpec is listed;
//    the core/v1 types inside (EnvVar, Volume, SecurityContext, ...) are Kubernetes' own.
//  - pkg/resources/jobs/runner.go and initializer.go: the containers' commands, env, volumes.
//  - pkg/types/script.go: the script volume `k6-test-volume` mounted at /test.
//  - pkg/segmentation/segmentation.go: --execution-segment flags when parallelism > 1.
import { type FieldType, type Obj, type TypeTable, isObj } from './manifest-types.ts';

const f = (baseName: string, type: string): FieldType => ({ baseName, type });

/** The TestRun types in the field-table format of kubernetes-validate.ts. */
export const TESTRUN_TYPES: TypeTable = {
  TestRun: [f('apiVersion', 'string'), f('kind', 'string'), f('metadata', 'V1ObjectMeta'), f('spec', 'TestRunSpec'), f('status', 'any')],
  TestRunSpec: [
    f('script', 'K6Script'),
    f('parallelism', 'number'),
    f('separate', 'boolean'),
    f('arguments', 'string'),
    f('ports', 'Array<V1ContainerPort>'),
    f('initializer', 'K6Pod'),
    f('starter', 'K6Pod'),
    f('runner', 'K6Pod'),
    f('quiet', 'string'),
    f('paused', 'string'),
    f('scuttle', 'K6Scuttle'),
    f('cleanup', 'string'),
    f('cloud', 'CloudSpec'),
    f('testRunId', 'string'),
    f('token', 'string'),
  ],
  K6Script: [f('volumeClaim', 'K6VolumeClaim'), f('configMap', 'K6Configmap'), f('localFile', 'string')],
  K6VolumeClaim: [f('name', 'string'), f('file', 'string'), f('readOnly', 'boolean')],
  K6Configmap: [f('name', 'string'), f('file', 'string')],
  K6Pod: [
    f('disabled', 'boolean'),
    f('affinity', 'V1Affinity'),
    f('automountServiceAccountToken', 'string'),
    f('env', 'Array<V1EnvVar>'),
    f('image', 'string'),
    f('imagePullSecrets', 'Array<V1LocalObjectReference>'),
    f('imagePullPolicy', 'string'),
    f('metadata', 'K6PodMetadata'),
    f('nodeSelector', '{ [key: string]: string; }'),
    f('tolerations', 'Array<V1Toleration>'),
    f('topologySpreadConstraints', 'Array<V1TopologySpreadConstraint>'),
    f('resources', 'V1ResourceRequirements'),
    f('serviceAccountName', 'string'),
    f('securityContext', 'V1PodSecurityContext'),
    f('containerSecurityContext', 'V1SecurityContext'),
    f('envFrom', 'Array<V1EnvFromSource>'),
    f('readinessProbe', 'V1Probe'),
    f('livenessProbe', 'V1Probe'),
    f('initContainers', 'Array<K6InitContainer>'),
    f('volumes', 'Array<V1Volume>'),
    f('volumeMounts', 'Array<V1VolumeMount>'),
    f('priorityClassName', 'string'),
    f('schedulerName', 'string'),
  ],
  K6PodMetadata: [f('annotations', '{ [key: string]: string; }'), f('labels', '{ [key: string]: string; }')],
  K6InitContainer: [
    f('name', 'string'),
    f('image', 'string'),
    f('env', 'Array<V1EnvVar>'),
    f('envFrom', 'Array<V1EnvFromSource>'),
    f('command', 'Array<string>'),
    f('args', 'Array<string>'),
    f('workingDir', 'string'),
    f('volumeMounts', 'Array<V1VolumeMount>'),
    f('resources', 'V1ResourceRequirements'),
    f('restartPolicy', 'string'),
  ],
  K6Scuttle: [
    f('enabled', 'string'),
    f('envoyAdminApi', 'string'),
    f('neverKillIstio', 'boolean'),
    f('neverKillIstioOnFailure', 'boolean'),
    f('disableLogging', 'boolean'),
    f('startWithoutEnvoy', 'boolean'),
    f('waitForEnvoyTimeout', 'string'),
    f('istioQuitApi', 'string'),
    f('genericQuitEndpoint', 'string'),
    f('quitWithoutEnvoyTimeout', 'string'),
  ],
  CloudSpec: [f('token', 'string'), f('testRunId', 'string'), f('stream', 'boolean')],
};

/** Fields the CRD marks required (no `omitempty` in the Go types). */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  TestRunSpec: ['script', 'parallelism'],
  K6VolumeClaim: ['name'],
  K6Configmap: ['name'],
};

/** The scalar checks of the CRD's OpenAPI schema for the operator's own fields. */
export function testRunSchemaProblems(value: unknown, type = 'TestRun', path = '$'): string[] {
  const fields = TESTRUN_TYPES[type];
  if (fields === undefined) return [];
  if (!isObj(value)) return [`${path}: must be an object`];
  const problems = (REQUIRED[type] ?? []).filter((k) => value[k] === undefined).map((k) => `${path}.${k}: required`);
  for (const { baseName, type: fieldType } of fields) {
    const child = value[baseName];
    if (child === undefined) continue;
    const at = `${path}.${baseName}`;
    const ok =
      fieldType === 'string' ? typeof child === 'string'
      : fieldType === 'boolean' ? typeof child === 'boolean'
      : fieldType === 'number' ? Number.isInteger(child) && (child as number) >= -(2 ** 31) && (child as number) < 2 ** 31
      : true;
    if (!ok) problems.push(`${at}: must be ${fieldType === 'number' ? 'an int32' : `a ${fieldType}`}`);
    const inner = /^Array<(K6\w+)>$/.exec(fieldType)?.[1];
    if (inner !== undefined && Array.isArray(child)) child.forEach((item, i) => problems.push(...testRunSchemaProblems(item, inner, `${at}[${i}]`)));
    else problems.push(...testRunSchemaProblems(child, fieldType, at));
  }
  if (type === 'TestRunSpec') {
    // +kubebuilder:validation:Enum=post
    if (value['cleanup'] !== undefined && value['cleanup'] !== 'post') problems.push(`${path}.cleanup: must be "post"`);
    // The operator parses these with strconv.ParseBool and treats anything else as false.
    for (const key of ['quiet', 'paused'] as const) {
      const v = value[key];
      if (v !== undefined && !['true', 'false', '1', '0'].includes(String(v))) problems.push(`${path}.${key}: "true" or "false"`);
    }
    if (typeof value['parallelism'] === 'number' && value['parallelism'] < 1) problems.push(`${path}.parallelism: at least 1`);
  }
  if (type === 'K6Script') {
    // ParseScript: one of configMap, volumeClaim, localFile.
    const given = ['configMap', 'volumeClaim', 'localFile'].filter((k) => value[k] !== undefined);
    if (given.length !== 1) problems.push(`${path}: exactly one of configMap, volumeClaim, localFile (found ${given.join(', ') || 'none'})`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The containers the operator creates
// ---------------------------------------------------------------------------------------------

export const OPERATOR_SCRIPT_DIR = '/test';
const SCRIPT_VOLUME = 'k6-test-volume';

export interface ScriptRef {
  /** Where the script is inside the containers, e.g. /test/test.js. */
  readonly path: string;
  readonly volumes: Obj[];
  readonly mounts: Obj[];
}

function obj(value: unknown): Obj {
  return isObj(value) ? value : {};
}

export function scriptOf(spec: Obj): ScriptRef {
  const script = obj(spec['script']);
  const configMap = obj(script['configMap']);
  const claim = obj(script['volumeClaim']);
  if (typeof configMap['name'] === 'string') {
    return {
      path: `${OPERATOR_SCRIPT_DIR}/${typeof configMap['file'] === 'string' ? configMap['file'] : 'test.js'}`,
      volumes: [{ name: SCRIPT_VOLUME, configMap: { name: configMap['name'] } }],
      mounts: [{ name: SCRIPT_VOLUME, mountPath: OPERATOR_SCRIPT_DIR }],
    };
  }
  if (typeof claim['name'] === 'string') {
    const file = typeof claim['file'] === 'string' ? claim['file'] : 'test.js';
    return {
      path: file.startsWith('/') ? file : `${OPERATOR_SCRIPT_DIR}/${file}`,
      volumes: [{ name: SCRIPT_VOLUME, persistentVolumeClaim: { claimName: claim['name'], readOnly: claim['readOnly'] === true } }],
      mounts: [{ name: SCRIPT_VOLUME, mountPath: OPERATOR_SCRIPT_DIR }],
    };
  }
  return { path: String(script['localFile'] ?? ''), volumes: [], mounts: [] };
}

/** TestRunSpec.Argv: the arguments string split on white space. */
function argv(spec: Obj): string[] {
  return typeof spec['arguments'] === 'string' ? spec['arguments'].split(/\s+/).filter((a) => a !== '') : [];
}

const parseBool = (value: unknown, fallback: boolean): boolean =>
  value === undefined || value === '' ? fallback : ['true', '1', 't', 'T', 'TRUE', 'True'].includes(String(value));

/** segmentation.NewCommandFragments: runner `index` (1-based) of `total`. */
export function segmentFlags(index: number, total: number): string[] {
  const part = (i: number): string => (i === 0 ? '0' : i === total ? '1' : `${i}/${total}`);
  const sequence = ['0', ...Array.from({ length: total - 1 }, (_, i) => `${i + 1}/${total}`), '1'].join(',');
  return [`--execution-segment=${part(index - 1)}:${part(index)}`, `--execution-segment-sequence=${sequence}`];
}

export interface RunnerShapeOptions {
  readonly name: string;
  /** 1-based, as the operator numbers its runner Jobs. */
  readonly index: number;
  readonly parallelism: number;
  readonly scriptPath: string;
  readonly arguments?: readonly string[];
  readonly quiet?: boolean;
  readonly paused?: boolean;
  /** The REST API address; the operator's is 0.0.0.0:6565. */
  readonly address?: string;
}

/** The runner container's `command` (runner.go NewRunnerJob, without Istio and cloud flags). */
export function runnerCommand(o: RunnerShapeOptions): string[] {
  return [
    'k6',
    'run',
    ...(o.quiet ?? true ? ['--quiet'] : []),
    ...(o.parallelism > 1 ? segmentFlags(o.index, o.parallelism) : []),
    ...(o.arguments ?? []),
    o.scriptPath,
    `--address=${o.address ?? '0.0.0.0:6565'}`,
    ...(o.paused ?? true ? ['--paused'] : []),
    '--tag',
    `instance_id=${o.index}`,
    '--tag',
    `testrun_name=${o.name}`,
  ];
}

/**
 * The initializer's `sh -c` script (initializer.go): archive the script into /tmp, print its
 * execution requirements as JSON, and fail on any `level=error` log line. Operator versions
 * differ in a prefix (`mkdir -p $(dirname ...)`, a `command -v k6` check); both are included.
 */
export function initializerScript(scriptPath: string, args: readonly string[] = []): string {
  const archive = `/tmp/${scriptPath.split('/').at(-1) ?? 'test.js'}.archived.tar`;
  return (
    `mkdir -p $(dirname ${archive}) && command -v k6 >/dev/null && ` +
    `k6 archive ${scriptPath} -O ${archive} ${args.join(' ')} 2> /tmp/k6logs && ` +
    `k6 inspect --execution-requirements ${archive} 2> /tmp/k6logs ; ! cat /tmp/k6logs | grep 'level=error'`
  );
}

export interface OperatorPods {
  readonly initializer: Obj;
  readonly runners: Obj[];
}

/** The Pods (as the Job templates hold them) the operator creates for a TestRun. */
export function operatorPods(testRun: Obj): OperatorPods {
  const name = String(obj(testRun['metadata'])['name']);
  const spec = obj(testRun['spec']);
  const runner = obj(spec['runner']);
  // "If omitted, the initializer is configured with the same parameters as a runner Pod."
  const initializer = isObj(spec['initializer']) ? spec['initializer'] : runner;
  const script = scriptOf(spec);
  const parallelism = typeof spec['parallelism'] === 'number' ? spec['parallelism'] : 1;
  const ports = [{ containerPort: 6565 }, ...(Array.isArray(spec['ports']) ? spec['ports'] : [])];
  const optional = (o: Obj, keys: readonly string[]): Obj => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));

  const initializerPod: Obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${name}-initializer` },
    spec: {
      restartPolicy: 'Never',
      ...optional(initializer, ['affinity', 'nodeSelector', 'tolerations', 'imagePullSecrets']),
      containers: [
        {
          name: 'k6',
          image: initializer['image'] ?? 'ghcr.io/grafana/k6-operator:latest-runner',
          command: ['sh', '-c', initializerScript(script.path, argv(spec))],
          ...optional(initializer, ['env', 'resources', 'imagePullPolicy']),
          volumeMounts: script.mounts,
          ports,
        },
      ],
      volumes: script.volumes,
    },
  };

  const runners = Array.from({ length: parallelism }, (_, i): Obj => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${name}-${i + 1}` },
    spec: {
      restartPolicy: 'Never',
      hostname: `${name}-${i + 1}`,
      ...optional(runner, ['affinity', 'nodeSelector', 'tolerations', 'topologySpreadConstraints', 'imagePullSecrets', 'securityContext', 'priorityClassName', 'schedulerName']),
      containers: [
        {
          name: 'k6',
          image: runner['image'] ?? 'grafana/k6:latest',
          command: runnerCommand({
            name,
            index: i + 1,
            parallelism,
            scriptPath: script.path,
            arguments: argv(spec),
            quiet: parseBool(spec['quiet'], true),
            paused: parseBool(spec['paused'], true),
          }),
          ...optional(runner, ['env', 'envFrom', 'resources', 'imagePullPolicy', 'readinessProbe', 'livenessProbe']),
          ...(isObj(runner['containerSecurityContext']) ? { securityContext: runner['containerSecurityContext'] } : {}),
          volumeMounts: [...script.mounts, ...(Array.isArray(runner['volumeMounts']) ? runner['volumeMounts'] : [])],
          ports,
        },
      ],
      volumes: [...script.volumes, ...(Array.isArray(runner['volumes']) ? runner['volumes'] : [])],
    },
  }));
  return { initializer: initializerPod, runners };
}
