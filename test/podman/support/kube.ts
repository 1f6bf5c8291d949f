// `podman kube play` (Podman 5.4, in the trixie chroot of scripts/podman-kube.sh) playing the
// manifests of examples/kubernetes/. The manifests are read from the repository as users get
// them; the few changes needed to run them here are made in memory, each named by a function
// below with the reason, and never written back (test/unit/examples validates the files).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parseAllDocuments, stringify } from 'yaml';
import type { Outcome } from '../../e2e/support/containers.ts';

const EXAMPLES = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../examples/kubernetes');

// Loose shapes: only the fields the changes below touch.
type Obj = Record<string, unknown>;
export interface Manifest extends Obj {
  kind: string;
  metadata: Obj & { name?: string; generateName?: string };
}

/**
 * The documents of one example file, parsed fresh (the caller may change them). YAML 1.1, as
 * Kubernetes and Podman read it: `defaultMode: 0440` is octal there, decimal 440 in YAML 1.2.
 */
export function example(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(EXAMPLES, file), 'utf8'), { version: '1.1' }).map((doc) => doc.toJS() as Manifest);
}

const podSpecOf = (job: Manifest): Obj => ((job['spec'] as Obj)['template'] as Obj)['spec'] as Obj;
const containersOf = (job: Manifest): Obj[] => podSpecOf(job)['containers'] as Obj[];

/** The registry image of the examples, replaced by the image under test (loaded into this Podman). */
export function useImage(docs: Manifest[], image: string): Manifest[] {
  for (const doc of docs.filter((d) => d.kind === 'Job')) for (const container of containersOf(doc)) container['image'] = image;
  return docs;
}

/** Every container's k6 talks to the mock cloud on 127.0.0.1 instead of Grafana Cloud. */
export function useCloud(docs: Manifest[], env: Record<string, string>): Manifest[] {
  for (const doc of docs.filter((d) => d.kind === 'Job')) {
    for (const container of containersOf(doc)) {
      const list = (container['env'] as Obj[] | undefined) ?? [];
      container['env'] = [...list, ...Object.entries(env).map(([name, value]) => ({ name, value }))];
    }
  }
  return docs;
}

/** kube play has no generateName (Kubernetes adds a random suffix to it): give the Job a name. */
export function nameGenerated(docs: Manifest[]): Manifest[] {
  for (const doc of docs) {
    if (doc.metadata.generateName !== undefined && doc.metadata.name === undefined) {
      doc.metadata.name = `${doc.metadata.generateName}${randomBytes(3).toString('hex')}`;
      delete doc.metadata.generateName;
    }
  }
  return docs;
}

/**
 * Podman ignores fsGroup, so a Secret volume's files stay root's (group 0, defaultMode 0440). The
 * group the Pod can be given instead, without fsGroup: supplementalGroups [0].
 */
export function secretGroupWithoutFsGroup(docs: Manifest[]): Manifest[] {
  for (const doc of docs.filter((d) => d.kind === 'Job')) {
    const securityContext = (podSpecOf(doc)['securityContext'] as Obj | undefined) ?? {};
    securityContext['supplementalGroups'] = [0];
    podSpecOf(doc)['securityContext'] = securityContext;
  }
  return docs;
}

/** The value a user fills into a Secret's stringData key (the examples hold a placeholder). */
export function fillSecret(docs: Manifest[], secret: string, key: string, value: (placeholder: string) => string): Manifest[] {
  const doc = docs.find((d) => d.kind === 'Secret' && d.metadata.name === secret);
  if (!doc) throw new Error(`no Secret ${secret}`);
  const data = doc['stringData'] as Record<string, string>;
  if (data[key] === undefined) throw new Error(`Secret ${secret} has no stringData key ${key}`);
  data[key] = value(data[key]);
  return docs;
}

export const jobNamed = (docs: Manifest[]): string => {
  const job = docs.find((d) => d.kind === 'Job');
  if (!job?.metadata.name) throw new Error('no named Job');
  return job.metadata.name;
};

/** Podman in the chroot; manifests go to a directory on its /tmp (a tmpfs of scripts/podman-kube.sh). */
export class KubePodman {
  readonly root: string;
  private readonly dir: string;

  constructor(root: string) {
    this.root = root;
    this.dir = `/tmp/k6p-kube-${randomBytes(4).toString('hex')}`;
    mkdirSync(join(root, this.dir), { recursive: true });
  }

  async podman(args: readonly string[], timeoutMs = 120_000): Promise<Outcome> {
    const result = await execa('chroot', [this.root, 'podman', ...args], {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', PODMAN_IGNORE_CGROUPSV1_WARNING: '1' },
      extendEnv: false,
      cwd: '/',
      reject: false,
      timeout: timeoutMs,
      stdin: 'ignore',
    });
    if (result.timedOut) throw new Error(`podman (kube chroot) timed out: ${args.join(' ')}`);
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  async ok(args: readonly string[]): Promise<string> {
    const result = await this.podman(args);
    if (result.exitCode !== 0) throw new Error(`podman (kube chroot) ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
    return result.stdout.trim();
  }

  /** Writes the documents as one file where the chroot's Podman can read it; its path in there. */
  write(name: string, docs: Manifest[]): string {
    const path = `${this.dir}/${name}`;
    writeFileSync(join(this.root, path), docs.map((doc) => stringify(doc, { version: '1.1' })).join('---\n'));
    return path;
  }

  /**
   * `podman kube play --network host` (the mock cloud is on the host's 127.0.0.1). A ConfigMap
   * must come with --configmap: kube play does not take one as an object of its own.
   */
  async play(file: string, configmaps: readonly string[] = []): Promise<void> {
    await this.ok(['kube', 'play', '--network', 'host', ...configmaps.flatMap((c) => ['--configmap', c]), file]);
  }

  /** Waits for the Job's container (kube play names it `<job>-pod-<container>`) and returns what it left. */
  async jobOutcome(job: string, container = 'k6'): Promise<Outcome> {
    const name = `${job}-pod-${container}`;
    await this.ok(['wait', name]);
    const exitCode = Number(await this.ok(['inspect', '--format', '{{.State.ExitCode}}', name]));
    const logs = await this.podman(['logs', name]);
    return { exitCode, stdout: logs.stdout, stderr: logs.stderr };
  }

  /** The host path of a named volume's data (a PVC, Secret or ConfigMap volume of kube play). */
  async volumeDir(name: string): Promise<string> {
    return join(this.root, await this.ok(['volume', 'inspect', '--format', '{{.Mountpoint}}', name]));
  }

  /** Everything kube play made: pods, containers, volumes, secrets. The chroot's Podman is the tests' own. */
  async reset(): Promise<void> {
    await this.podman(['pod', 'rm', '--all', '--force', '--time', '0']);
    await this.podman(['rm', '--all', '--force', '--time', '0']);
    await this.podman(['volume', 'rm', '--all', '--force']);
    await this.podman(['secret', 'rm', '--all']);
  }

  close(): void {
    rmSync(join(this.root, this.dir), { recursive: true, force: true });
  }
}
