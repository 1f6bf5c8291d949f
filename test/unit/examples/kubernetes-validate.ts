// Checks a Kubernetes manifest the way the API server does on `kubectl apply` (whose default is
// strict field validation since Kubernetes 1.27), without a cluster:
//
//  1. The OpenAPI schema of each built-in kind: types, required fields, enums and formats, with
//     the validators of `kubernetes-models`, which are generated from Kubernetes' OpenAPI spec.
//  2. No unknown field ("strict decoding error: unknown field"): the OpenAPI schema does not
//     forbid extra properties, so the field lists come from the models of the official
//     JavaScript client `@kubernetes/client-node`, generated from the same spec.
//  3. Rules the API server enforces in code rather than in the schema, for the fields these
//     examples use (each one named where it is checked).
//
// The k6-operator's TestRun is a custom resource that neither package knows: see
// testrun-schema.ts for its schema and where it comes from.
import * as clientModels from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { parseAllDocuments } from 'yaml';
import { TESTRUN_TYPES, operatorPods, testRunSchemaProblems } from './k6-operator.ts';
import { type FieldType, type Obj, type TypeTable, isObj } from './manifest-types.ts';

export { type Obj, isObj } from './manifest-types.ts';

export interface Manifest {
  readonly file: string;
  readonly index: number;
  readonly object: Obj;
}

/**
 * All documents of a YAML file. kubectl reads manifests with sigs.k8s.io/yaml (go-yaml, YAML
 * 1.1), so YAML 1.1 here too: `defaultMode: 0440` is octal there, as Kubernetes users expect.
 */
export function parseManifests(file: string, text: string): Manifest[] {
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: true });
  if (!Array.isArray(docs)) throw new Error(`${file}: not a YAML stream`);
  return docs.flatMap((doc, index) => {
    const problems = [...doc.errors, ...doc.warnings].map((e) => e.message);
    if (problems.length > 0) throw new Error(`${file} document ${index}: ${problems.join('; ')}`);
    const object: unknown = doc.toJS();
    if (object === null) return [];
    if (!isObj(object)) throw new Error(`${file} document ${index}: not a mapping`);
    return [{ file, index, object }];
  });
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/** The built-in kinds these examples use, by `apiVersion/kind`. */
const CORE_MODELS: Readonly<Record<string, { model: ModelClass; clientType: string }>> = {
  'batch/v1/Job': { model: Job as unknown as ModelClass, clientType: 'V1Job' },
  'v1/ConfigMap': { model: ConfigMap as unknown as ModelClass, clientType: 'V1ConfigMap' },
  'v1/Secret': { model: Secret as unknown as ModelClass, clientType: 'V1Secret' },
  'v1/PersistentVolumeClaim': { model: PersistentVolumeClaim as unknown as ModelClass, clientType: 'V1PersistentVolumeClaim' },
  'v1/Pod': { model: Pod as unknown as ModelClass, clientType: 'V1Pod' },
};

export function isCoreKind(object: Obj): boolean {
  return `${String(object['apiVersion'])}/${String(object['kind'])}` in CORE_MODELS;
}

// ---------------------------------------------------------------------------------------------
// 1. OpenAPI schema
// ---------------------------------------------------------------------------------------------

function openApiProblems(object: Obj, model: ModelClass): string[] {
  try {
    new model(object as never).validate();
    return [];
  } catch (error) {
    return [`schema: ${error instanceof Error ? error.message : String(error)}`];
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Unknown fields
// ---------------------------------------------------------------------------------------------

function clientFields(type: string): readonly FieldType[] | undefined {
  const model = (clientModels as unknown as Record<string, { getAttributeTypeMap?: () => FieldType[] } | undefined>)[type];
  return typeof model?.getAttributeTypeMap === 'function' ? model.getAttributeTypeMap() : undefined;
}

/** Every field of value (at path) that its type does not have, recursively. */
export function unknownFields(value: unknown, type: string, path: string, extra: TypeTable = {}): string[] {
  if (value === null || value === undefined) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array?.[1] !== undefined) {
    const item = array[1];
    return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, item, `${path}[${i}]`, extra)) : [];
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1] !== undefined) {
    const item = map[1];
    return isObj(value) ? Object.entries(value).flatMap(([k, v]) => unknownFields(v, item, `${path}.${k}`, extra)) : [];
  }
  const fields = extra[type] ?? clientFields(type);
  // Scalars (string, number, boolean, Date, IntOrString, any): type and format are the
  // OpenAPI check's job.
  if (fields === undefined || !isObj(value)) return [];
  const known = new Map(fields.map((f) => [f.baseName, f.type]));
  return Object.entries(value).flatMap(([key, child]) => {
    const childType = known.get(key);
    return childType === undefined ? [`${path}.${key}: unknown field`] : unknownFields(child, childType, `${path}.${key}`, extra);
  });
}

/** Guards against a client package whose model names changed: an unknown type checks nothing. */
export function assertClientKnows(type: string): void {
  if (clientFields(type) === undefined) throw new Error(`@kubernetes/client-node has no model ${type}`);
}

// ---------------------------------------------------------------------------------------------
// 3. Rules the API server checks in code
// ---------------------------------------------------------------------------------------------

/** metadata.name of most kinds: an RFC 1123 subdomain (apimachinery IsDNS1123Subdomain). */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Container, volume and port names: an RFC 1123 label (IsDNS1123Label). */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Env var names (IsEnvVarName before relaxed names: the portable form). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function metadataProblems(object: Obj): string[] {
  const meta = isObj(object['metadata']) ? object['metadata'] : {};
  const name = meta['name'];
  const generateName = meta['generateName'];
  if (typeof name === 'string') {
    return DNS1123_SUBDOMAIN.test(name) && name.length <= 253 ? [] : [`metadata.name ${JSON.stringify(name)} is not a DNS-1123 subdomain`];
  }
  if (typeof generateName === 'string') {
    // The generated name appends 5 characters to the prefix.
    return DNS1123_SUBDOMAIN.test(`${generateName}abcde`) ? [] : [`metadata.generateName ${JSON.stringify(generateName)} cannot make a valid name`];
  }
  return ['metadata: name or generateName is required'];
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter(isObj) : [];
}

/** Pod spec rules of ValidatePodSpec that these examples can break. */
export function podSpecProblems(spec: Obj, path: string): string[] {
  const problems: string[] = [];
  const volumes = list(spec['volumes']);
  const volumeNames = new Set<string>();
  for (const volume of volumes) {
    const name = String(volume['name']);
    if (!DNS1123_LABEL.test(name)) problems.push(`${path}.volumes: name ${JSON.stringify(name)} is not a DNS-1123 label`);
    if (volumeNames.has(name)) problems.push(`${path}.volumes: duplicate name ${JSON.stringify(name)}`);
    volumeNames.add(name);
    const sources = Object.keys(volume).filter((k) => k !== 'name');
    if (sources.length !== 1) problems.push(`${path}.volumes[${name}]: exactly one volume source is required, found ${sources.join(', ') || 'none'}`);
    for (const source of ['secret', 'configMap'] as const) {
      const mode = isObj(volume[source]) ? volume[source]['defaultMode'] : undefined;
      if (typeof mode === 'number' && (mode < 0 || mode > 0o777)) problems.push(`${path}.volumes[${name}].${source}.defaultMode ${mode} is not within 0..0777`);
    }
  }
  const containers = [...list(spec['initContainers']), ...list(spec['containers'])];
  const containerNames = new Set<string>();
  for (const container of containers) {
    const name = String(container['name']);
    if (!DNS1123_LABEL.test(name)) problems.push(`${path}: container name ${JSON.stringify(name)} is not a DNS-1123 label`);
    if (containerNames.has(name)) problems.push(`${path}: duplicate container name ${JSON.stringify(name)}`);
    containerNames.add(name);
    const mountPaths = new Set<string>();
    for (const mount of list(container['volumeMounts'])) {
      const volume = String(mount['name']);
      const mountPath = String(mount['mountPath']);
      if (!volumeNames.has(volume)) problems.push(`${path}.containers[${name}].volumeMounts: volume ${JSON.stringify(volume)} is not in volumes`);
      if (!mountPath.startsWith('/')) problems.push(`${path}.containers[${name}].volumeMounts: mountPath ${mountPath} must be absolute`);
      if (mountPaths.has(mountPath)) problems.push(`${path}.containers[${name}].volumeMounts: mountPath ${mountPath} is used twice`);
      mountPaths.add(mountPath);
    }
    for (const env of list(container['env'])) {
      const envName = String(env['name']);
      if (!ENV_NAME.test(envName)) problems.push(`${path}.containers[${name}].env: ${JSON.stringify(envName)} is not a valid name`);
      if (env['value'] !== undefined && env['valueFrom'] !== undefined) {
        problems.push(`${path}.containers[${name}].env[${envName}]: value and valueFrom are exclusive`);
      }
    }
  }
  const restartPolicy = spec['restartPolicy'];
  if (restartPolicy !== undefined && !['Always', 'OnFailure', 'Never'].includes(String(restartPolicy))) {
    problems.push(`${path}.restartPolicy ${String(restartPolicy)} is not Always, OnFailure or Never`);
  }
  return problems;
}

/** ValidateJob: the template's restart policy and the pod failure policy. */
function jobProblems(job: Obj): string[] {
  const spec = isObj(job['spec']) ? job['spec'] : {};
  const template = isObj(spec['template']) ? spec['template'] : {};
  const podSpec = isObj(template['spec']) ? template['spec'] : {};
  const problems = podSpecProblems(podSpec, 'spec.template.spec');
  const restartPolicy = podSpec['restartPolicy'];
  if (restartPolicy !== 'Never' && restartPolicy !== 'OnFailure') {
    problems.push('spec.template.spec.restartPolicy: a Job needs Never or OnFailure');
  }
  const policy = isObj(spec['podFailurePolicy']) ? spec['podFailurePolicy'] : undefined;
  if (policy !== undefined) {
    if (restartPolicy !== 'Never') problems.push('spec.podFailurePolicy: only allowed with restartPolicy Never');
    const containerNames = new Set(list(podSpec['containers']).map((c) => String(c['name'])));
    list(policy['rules']).forEach((rule, i) => {
      const at = `spec.podFailurePolicy.rules[${i}]`;
      const onExitCodes = isObj(rule['onExitCodes']) ? rule['onExitCodes'] : undefined;
      const onConditions = rule['onPodConditions'];
      if ((onExitCodes === undefined) === (onConditions === undefined)) problems.push(`${at}: exactly one of onExitCodes and onPodConditions`);
      if (onExitCodes === undefined) return;
      const containerName = onExitCodes['containerName'];
      if (containerName !== undefined && !containerNames.has(String(containerName))) {
        problems.push(`${at}.onExitCodes.containerName ${String(containerName)} is not a container of the pod`);
      }
      const values = Array.isArray(onExitCodes['values']) ? onExitCodes['values'] : [];
      if (values.length === 0 || values.length > 255) problems.push(`${at}.onExitCodes.values: 1 to 255 values`);
      values.forEach((v, j) => {
        if (!Number.isInteger(v)) problems.push(`${at}.onExitCodes.values[${j}] is not an integer`);
        if (onExitCodes['operator'] === 'In' && v === 0) problems.push(`${at}.onExitCodes.values: 0 is not allowed with In`);
        if (j > 0 && !(Number(v) > Number(values[j - 1]))) problems.push(`${at}.onExitCodes.values must be unique and in increasing order`);
      });
    });
  }
  return problems;
}

/** Every problem of a built-in object; empty when the API server would accept it. */
export function validateCoreObject(object: Obj): string[] {
  const key = `${String(object['apiVersion'])}/${String(object['kind'])}`;
  const entry = CORE_MODELS[key];
  if (entry === undefined) return [`${key}: not a kind these checks know`];
  assertClientKnows(entry.clientType);
  const problems = [...openApiProblems(object, entry.model), ...unknownFields(object, entry.clientType, '$'), ...metadataProblems(object)];
  if (key === 'batch/v1/Job') problems.push(...jobProblems(object));
  if (key === 'v1/Pod') problems.push(...podSpecProblems(isObj(object['spec']) ? object['spec'] : {}, 'spec'));
  return problems;
}

/**
 * A k6-operator TestRun: its own schema (k6-operator.ts), no unknown field anywhere (core/v1
 * parts included), and the initializer and runner Pods the operator would create from it must
 * pass the checks of any Pod, as the API server checks them when the operator submits them.
 */
export function validateTestRun(object: Obj): string[] {
  if (object['apiVersion'] !== 'k6.io/v1alpha1' || object['kind'] !== 'TestRun') return ['not a k6.io/v1alpha1 TestRun'];
  const problems = [...testRunSchemaProblems(object), ...unknownFields(object, 'TestRun', '$', TESTRUN_TYPES), ...metadataProblems(object)];
  const pods = operatorPods(object);
  for (const pod of [pods.initializer, ...pods.runners]) {
    const name = String((pod['metadata'] as Obj)['name']);
    problems.push(...validateCoreObject(pod).map((p) => `operator pod ${name}: ${p}`));
  }
  return problems;
}

/** Dispatch on kind. */
export function validateManifest(object: Obj): string[] {
  return object['kind'] === 'TestRun' ? validateTestRun(object) : validateCoreObject(object);
}
