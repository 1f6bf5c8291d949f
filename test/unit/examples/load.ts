// The example manifests of examples/kubernetes, read once, and the containers they make
// (Job templates directly, a TestRun through the Pods the k6-operator creates from it).
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { operatorPods } from './k6-operator.ts';
import { type Manifest, parseManifests } from './kubernetes-validate.ts';
import { type Obj, isObj } from './manifest-types.ts';

export const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const EXAMPLES_DIR = join(REPO, 'examples/kubernetes');

export function exampleFiles(): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort();
}

export function loadExamples(): Manifest[] {
  return exampleFiles().flatMap((file) => parseManifests(file, readFileSync(join(EXAMPLES_DIR, file), 'utf8')));
}

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO, path), 'utf8');
}

export const obj = (value: unknown): Obj => (isObj(value) ? value : {});
export const objs = (value: unknown): Obj[] => (Array.isArray(value) ? value.filter(isObj) : []);
export const nameOf = (object: Obj): string => String(obj(object['metadata'])['name'] ?? obj(object['metadata'])['generateName']);

export interface ContainerSite {
  /** e.g. `pvc-run-job.yaml Job k6-cloud-run- container k6`. */
  readonly label: string;
  readonly manifest: Manifest;
  readonly podSpec: Obj;
  readonly container: Obj;
}

/** Every container the examples run, with the pod spec it runs in. */
export function containerSites(manifests: readonly Manifest[]): ContainerSite[] {
  const sites: ContainerSite[] = [];
  for (const manifest of manifests) {
    const { object } = manifest;
    const podSpecs: Array<[string, Obj]> = [];
    if (object['kind'] === 'Job') podSpecs.push([`Job ${nameOf(object)}`, obj(obj(obj(object['spec'])['template'])['spec'])]);
    if (object['kind'] === 'TestRun') {
      const pods = operatorPods(object);
      for (const pod of [pods.initializer, ...pods.runners]) podSpecs.push([`TestRun ${nameOf(object)} pod ${nameOf(pod)}`, obj(pod['spec'])]);
    }
    for (const [where, podSpec] of podSpecs) {
      for (const container of [...objs(podSpec['initContainers']), ...objs(podSpec['containers'])]) {
        sites.push({ label: `${manifest.file} ${where} container ${String(container['name'])}`, manifest, podSpec, container });
      }
    }
  }
  return sites;
}

/** The volume of the pod that a volumeMount names. */
export function volumeFor(site: ContainerSite, mount: Obj): Obj {
  return objs(site.podSpec['volumes']).find((v) => v['name'] === mount['name']) ?? {};
}
