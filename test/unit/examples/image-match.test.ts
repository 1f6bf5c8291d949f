// The example manifests use the image as it is built: its image name and tag, its user, its
// entrypoint and the `k6` on PATH that is the wrapper, the environment variables the wrapper and
// k6 read, and mount points where the wrapper finds the config volume. Facts about the image
// come from the Dockerfile and docker-bake.hcl, facts about the wrapper from src/ (its own
// mount-table logic decides where the config is, from the mounts kubelet would make).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyseArgs } from '../../../src/args/analyse.ts';
import { cloudSection, parseConfigText } from '../../../src/config/document.ts';
import { locateConfig } from '../../../src/mounts/locate.ts';
import { parseMountinfo } from '../../../src/mounts/mountinfo.ts';
import { type ContainerSite, REPO, containerSites, loadExamples, nameOf, obj, objs, readRepoFile, volumeFor } from './load.ts';
import type { Obj } from './manifest-types.ts';

const manifests = loadExamples();
const sites = containerSites(manifests);
const dockerfile = readRepoFile('Dockerfile');
const bake = readRepoFile('docker-bake.hcl');

function one(pattern: RegExp, text: string, what: string): string {
  const all = [...text.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))];
  const last = all.at(-1)?.[1];
  if (last === undefined) throw new Error(`cannot find ${what}`);
  return last;
}

/** The image as the Dockerfile and the bake file build it. */
const image = {
  user: Number(one(/^USER\s+(\d+)\s*$/m, dockerfile, 'the final USER of the Dockerfile')),
  workdir: one(/^WORKDIR\s+(\S+)\s*$/m, dockerfile, 'WORKDIR'),
  entrypoint: one(/^ENTRYPOINT\s+(\[.*\])\s*$/m, dockerfile, 'ENTRYPOINT'),
  k6OnPath: one(/ln -s (\S+) \/usr\/local\/bin\/k6(?![\w-])/, dockerfile, 'the /usr/local/bin/k6 symlink'),
  k6Version: one(/variable "K6_VERSION"\s*\{\s*default\s*=\s*"([^"]+)"/, bake, 'K6_VERSION in docker-bake.hcl'),
  imageName: one(/variable "IMAGE"\s*\{\s*default\s*=\s*"([^"]+)"/, bake, 'IMAGE in docker-bake.hcl'),
};

/** Every K6_PERSIST_* name and K6_CLOUD_TOKEN_FILE that the wrapper's source reads. */
function wrapperEnvNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) for (const m of readRepoFile(path).matchAll(/['"`](K6_PERSIST_[A-Z_]+|K6_CLOUD_TOKEN_FILE)['"`]/g)) names.add(m[1]!);
    }
  };
  walk('src');
  return names;
}

/** Environment variables k6 itself reads for the Cloud and its config (docs/k6-behaviour.md). */
const K6_ENV = new Set(['K6_CONFIG', 'K6_CLOUD_TOKEN', 'K6_CLOUD_HOST', 'K6_CLOUD_HOST_V6', 'K6_CLOUD_PROJECT_ID', 'K6_CLOUD_STACK_ID', 'K6_CLOUD_STACK_URL', 'K6_OUT']);

const words = (site: ContainerSite): string[] => [
  ...((site.container['command'] as string[] | undefined) ?? []),
  ...((site.container['args'] as string[] | undefined) ?? []),
];

describe('the image the examples name', () => {
  test('the Dockerfile facts these checks rely on are there', () => {
    expect(image.user).toBe(12345);
    expect(image.workdir).toBe('/home/k6');
    expect(JSON.parse(image.entrypoint)).toEqual(['k6']);
    expect(image.k6OnPath).toBe('/usr/libexec/k6-persist/k6-persist-launcher.cjs');
    expect(dockerfile).toMatch(/^COPY --from=build \/src\/dist\/k6-persist\.cjs .*\/usr\/libexec\/k6-persist\/$/m);
  });

  test('every container runs this image, tagged with the k6 version it is built on', () => {
    // Five Jobs, the TestRun's initializer and its two runners.
    expect(sites.length).toBe(8);
    for (const site of sites) {
      const ref = String(site.container['image']);
      const match = /^(?:[a-z0-9.-]+(?::\d+)?\/)?(?:[a-z0-9._-]+\/)*([a-z0-9._-]+):([\w.-]+)$/.exec(ref);
      expect(match?.[1], `${site.label}: ${ref}`).toBe(image.imageName);
      expect(match?.[2], `${site.label}: ${ref}`).toBe(image.k6Version);
    }
  });

  test('every container starts the wrapper: through the entrypoint, `k6` on PATH or `sh -c` calling k6', () => {
    for (const site of sites) {
      const command = site.container['command'] as string[] | undefined;
      const args = site.container['args'] as string[] | undefined;
      if (command === undefined) {
        // The ENTRYPOINT ["k6"] is the wrapper; args are a k6 command line it understands.
        expect(args?.length, site.label).toBeGreaterThan(0);
        expect(['run', 'cloud', 'archive', 'inspect'], site.label).toContain(analyseArgs(args ?? []).command[0]);
      } else if (command[0] === 'sh') {
        expect(command[1], site.label).toBe('-c');
        expect(command[2], site.label).toMatch(/(^|[;&|] *)k6 /);
        expect(command[2], site.label).not.toMatch(/\/usr\/bin\/k6\b/);
      } else {
        // A bare name: the PATH lookup finds /usr/local/bin/k6, the wrapper (not the real binary).
        expect(command[0], site.label).toBe('k6');
        expect(['run', 'cloud'], site.label).toContain(analyseArgs(command.slice(1).concat(args ?? [])).command[0]);
      }
    }
  });

  test('the login Job is a login to the wrapper, its token a file of the Secret (K6_CLOUD_TOKEN_FILE), in neither args nor env', () => {
    const login = sites.filter((s) => analyseArgs(words(s)).login !== undefined);
    expect(login.map((s) => s.label)).toEqual([expect.stringContaining('pvc-login-job.yaml')]);
    const site = login[0]!;
    const request = analyseArgs(words(site)).login;
    expect(request).toMatchObject({ stack: '$(CLOUD_STACK)', show: false, reset: false });
    expect(request).not.toHaveProperty('token');
    const env = objs(site.container['env']);
    // No variable takes the token from the Secret: only the file does.
    expect(env.filter((e) => obj(e['valueFrom'])['secretKeyRef'] !== undefined)).toEqual([]);
    const tokenFile = String(env.find((e) => e['name'] === 'K6_CLOUD_TOKEN_FILE')?.['value']);
    const mount = objs(site.container['volumeMounts']).find((m) => tokenFile.startsWith(`${String(m['mountPath'])}/`));
    expect(mount, `nothing is mounted over ${tokenFile}`).toMatchObject({ readOnly: true });
    const volume = objs(site.podSpec['volumes']).find((v) => v['name'] === mount?.['name']);
    expect(obj(volume?.['secret'])['secretName']).toBe('k6-cloud-token');
    expect(tokenFile.slice(String(mount?.['mountPath']).length + 1)).toBe('token');
  });

  test('the stack ConfigMap holds only the stack, is mounted read-only at /config, and goes with a token from the environment', () => {
    const site = sites.find((s) => s.label.includes('stack-configmap-job.yaml'));
    expect(site).toBeDefined();
    const mount = objs(site!.container['volumeMounts']).find((m) => m['mountPath'] === '/config');
    expect(mount).toMatchObject({ readOnly: true });
    const volume = objs(site!.podSpec['volumes']).find((v) => v['name'] === mount?.['name']);
    const configMap = manifests.find((m) => m.object['kind'] === 'ConfigMap' && nameOf(m.object) === obj(volume?.['configMap'])['name']);
    const config = JSON.parse(String(obj(configMap?.object['data'])['config.json'])) as unknown;
    expect(config).toStrictEqual({ collectors: { cloud: { stackID: 123456, stackURL: 'https://my-stack.grafana.net' } } });
    const env = objs(site!.container['env']).map((e) => e['name']);
    expect(env).toContain('K6_CLOUD_TOKEN');
    expect(env).not.toContain('K6_CLOUD_STACK_ID');
  });

  test('env names are ones the wrapper or k6 read; any other name is only there for a $(NAME) in the arguments', () => {
    const wrapperNames = wrapperEnvNames();
    expect(wrapperNames).toContain('K6_PERSIST_DEBUG');
    expect(wrapperNames).toContain('K6_CLOUD_TOKEN_FILE');
    for (const site of sites) {
      for (const env of objs(site.container['env'])) {
        const name = String(env['name']);
        if (name.startsWith('K6_PERSIST_') || name === 'K6_CLOUD_TOKEN_FILE') expect(wrapperNames, `${site.label}: ${name}`).toContain(name);
        else if (name.startsWith('K6_')) expect(K6_ENV, `${site.label}: ${name}`).toContain(name);
        else expect(words(site).some((w) => w.includes(`$(${name})`)), `${site.label}: ${name} is not used`).toBe(true);
      }
    }
  });

  test("pods run as the image's user, so the volume they share stays readable (the login is saved 0600)", () => {
    for (const site of sites) {
      const pod = obj(site.podSpec['securityContext']);
      const container = obj(site.container['securityContext']);
      const uid = container['runAsUser'] ?? pod['runAsUser'];
      if (uid !== undefined) expect(uid, site.label).toBe(image.user);
      // The operator's initializer takes no securityContext from the TestRun (initializer.go).
      if (!site.label.includes('-initializer')) expect(pod['runAsNonRoot'], site.label).toBe(true);
    }
  });

  test('a read-only root file system comes with a writable /tmp (login staging, private HOME)', () => {
    const readOnly = sites.filter((s) => obj(s.container['securityContext'])['readOnlyRootFilesystem'] === true);
    expect(readOnly.length).toBeGreaterThanOrEqual(6);
    for (const site of readOnly) {
      expect(objs(site.container['env']).map((e) => e['name']), site.label).not.toContain('TMPDIR');
      const tmp = objs(site.container['volumeMounts']).find((m) => m['mountPath'] === '/tmp');
      expect(tmp, `${site.label}: no volume at /tmp`).toBeDefined();
      expect(tmp?.['readOnly'], site.label).not.toBe(true);
      expect(Object.keys(volumeFor(site, tmp ?? {})), site.label).toContain('emptyDir');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Mount points: the wrapper's own logic, on the mount table kubelet would give each container.
// ---------------------------------------------------------------------------------------------

const POD_UID = '0f1e2d3c-4b5a-4697-8877-665544332211';

/** mountinfo lines as containerd/kubelet make them for the container's volume mounts. */
function kubeletMountinfo(site: ContainerSite): string {
  const lines = [
    '1000 900 0:100 / / ro,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w',
    '1001 1000 0:101 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw',
    `1002 1000 259:1 /var/lib/kubelet/pods/${POD_UID}/etc-hosts /etc/hosts rw,relatime - ext4 /dev/nvme0n1p1 rw`,
    `1003 1000 259:1 /var/lib/kubelet/pods/${POD_UID}/containers/k6/0a1b2c3d /dev/termination-log rw,relatime - ext4 /dev/nvme0n1p1 rw`,
    '1004 1000 0:102 / /var/run/secrets/kubernetes.io/serviceaccount ro,relatime - tmpfs tmpfs rw,size=1024k',
  ];
  objs(site.container['volumeMounts']).forEach((mount, i) => {
    const volume = volumeFor(site, mount);
    const name = String(volume['name']);
    const id = 1100 + i;
    const at = String(mount['mountPath']);
    const ro = mount['readOnly'] === true;
    if (volume['secret'] !== undefined) {
      // A Secret is a tmpfs of its own that kubelet always mounts read-only.
      lines.push(`${id} 1000 0:${200 + i} / ${at} ro,relatime - tmpfs tmpfs rw,size=1024k`);
    } else if (volume['configMap'] !== undefined) {
      lines.push(`${id} 1000 259:1 /var/lib/kubelet/pods/${POD_UID}/volumes/kubernetes.io~configmap/${name} ${at} ro,relatime - ext4 /dev/nvme0n1p1 rw`);
    } else if (volume['emptyDir'] !== undefined) {
      lines.push(
        obj(volume['emptyDir'])['medium'] === 'Memory'
          ? `${id} 1000 0:${200 + i} / ${at} ${ro ? 'ro' : 'rw'},relatime - tmpfs tmpfs rw,size=16384k`
          : `${id} 1000 259:1 /var/lib/kubelet/pods/${POD_UID}/volumes/kubernetes.io~empty-dir/${name} ${at} ${ro ? 'ro' : 'rw'},relatime - ext4 /dev/nvme0n1p1 rw`,
      );
    } else if (volume['persistentVolumeClaim'] !== undefined) {
      // A CSI block volume: a file system of its own, read-only when the mount or the claim says so.
      const claimRo = obj(volume['persistentVolumeClaim'])['readOnly'] === true;
      lines.push(`${id} 1000 259:${20 + i} / ${at} ${ro || claimRo ? 'ro' : 'rw'},relatime - ext4 /dev/nvme1n1 rw`);
    } else {
      throw new Error(`${site.label}: no mount line for volume ${name}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

/** The k6 command line(s) of a container: its words, or each `k6 ...` inside an `sh -c` script. */
function k6CommandLines(site: ContainerSite): string[][] {
  const all = words(site);
  if (all[0] === 'sh') {
    return (all[2] ?? '')
      .split(/&&|;|\|\|/)
      .map((part) => part.trim().split(/\s+/))
      .filter((part) => part[0] === 'k6')
      .map((part) => part.slice(1).filter((w) => !/^2?>$/.test(w) && !w.startsWith('/tmp/k6logs')));
  }
  return [all[0] === 'k6' ? all.slice(1) : all];
}

function locationFor(site: ContainerSite, argv: readonly string[]) {
  const env = Object.fromEntries(objs(site.container['env']).map((e) => [String(e['name']), e['value'] === undefined ? undefined : String(e['value'])]));
  return locateConfig({
    configFlag: analyseArgs(argv).config?.path,
    // The image's passwd gives its user HOME=/home/k6 (the WORKDIR); Kubernetes keeps it.
    env: { HOME: image.workdir, K6_CONFIG: env['K6_CONFIG'], K6_PERSIST_DIR: env['K6_PERSIST_DIR'], XDG_CONFIG_HOME: env['XDG_CONFIG_HOME'] },
    mounts: parseMountinfo(kubeletMountinfo(site)),
    cwd: image.workdir,
  });
}

describe('where the wrapper finds the config in each example pod', () => {
  const configVolume = (site: ContainerSite): Obj | undefined =>
    objs(site.container['volumeMounts']).find((m) => {
      const volume = volumeFor(site, m);
      return (
        obj(volume['persistentVolumeClaim'])['claimName'] === 'k6-config' ||
        obj(volume['secret'])['secretName'] === 'k6-cloud-config' ||
        obj(volume['configMap'])['name'] === 'k6-cloud-stack'
      );
    });

  test('pods that mount the login volume, the config Secret or the stack ConfigMap mount it at /config, and the wrapper uses /config/config.json', () => {
    const withConfig = sites.filter((s) => configVolume(s) !== undefined);
    // Login Job, PVC run Job, Secret Job, stack ConfigMap Job, two TestRun runners.
    expect(withConfig.length).toBe(6);
    for (const site of withConfig) {
      const mount = configVolume(site)!;
      expect(mount['mountPath'], site.label).toBe('/config');
      const [argv] = k6CommandLines(site);
      const location = locationFor(site, argv ?? []);
      expect(location.source, `${site.label}: ${location.reason}`).toBe('mount');
      expect(location.path, site.label).toBe('/config/config.json');
      expect(location.singleFile, site.label).toBe(false);
      // Logins need it writable, runs only read it.
      const isLogin = analyseArgs(words(site)).login !== undefined;
      expect(location.mount?.readOnly, site.label).toBe(!isLogin);
    }
  });

  test('pods without a config volume get none: no script, tmp or system mount is mistaken for one', () => {
    const without = sites.filter((s) => configVolume(s) === undefined);
    // The env-token Job and the TestRun initializer.
    expect(without.map((s) => s.label)).toEqual([expect.stringContaining('env-token-job.yaml'), expect.stringContaining('-initializer')]);
    for (const site of without) {
      const lines = k6CommandLines(site);
      // The initializer runs two: k6 archive, k6 inspect.
      expect(lines.length, site.label).toBeGreaterThan(0);
      for (const argv of lines) expect(locationFor(site, argv).source, `${site.label}: k6 ${argv.join(' ')}`).toBe('none');
    }
  });

  test('the config.json kept in the Secret is a login the wrapper and k6 can read', () => {
    const secret = manifests.find((m) => m.object['kind'] === 'Secret' && nameOf(m.object) === 'k6-cloud-config')?.object;
    const text = String(obj(secret?.['stringData'])['config.json']);
    const parsed = parseConfigText(text);
    expect(parsed.ok).toBe(true);
    const cloud = parsed.ok ? cloudSection(parsed.config) : {};
    expect(typeof cloud['token']).toBe('string');
    // k6 2.x `cloud run` needs the stack id (a number, as `cloud login --stack` saves it).
    expect(Number.isInteger(cloud['stackID'])).toBe(true);
    expect(Number.isInteger(cloud['defaultProjectID'])).toBe(true);
    expect(String(cloud['stackURL'])).toMatch(/^https:\/\/[a-z0-9-]+\.grafana\.net$/);
  });
});

describe('how the Jobs end', () => {
  const jobs = manifests.filter((m) => m.object['kind'] === 'Job');
  const runJobs = jobs.filter((m) => !String(nameOf(m.object)).includes('login'));

  test('every run Job fails at once on thresholds (99) and other non-retryable codes, never on 105', () => {
    expect(runJobs.length).toBe(4);
    for (const { file, object } of runJobs) {
      const spec = obj(object['spec']);
      const container = String(objs(obj(obj(spec['template'])['spec'])['containers'])[0]?.['name']);
      const failJob = objs(obj(spec['podFailurePolicy'])['rules']).filter((r) => r['action'] === 'FailJob');
      const codes = failJob.flatMap((r) => {
        const on = obj(r['onExitCodes']);
        expect(on['operator'], file).toBe('In');
        expect(on['containerName'], file).toBe(container);
        return on['values'] as number[];
      });
      expect(codes, file).toContain(99);
      // 105 is k6 stopped by SIGTERM (pod deleted, node drained): a retry may well pass.
      expect(codes, file).not.toContain(105);
      expect(Number(obj(obj(spec['template'])['spec'])['terminationGracePeriodSeconds'] ?? 30), file).toBeGreaterThanOrEqual(30);
    }
  });

  test('the login Job is not retried: a wrong token fails the same way every time', () => {
    const login = jobs.find((m) => nameOf(m.object) === 'k6-cloud-login');
    expect(obj(login?.object['spec'])['backoffLimit']).toBe(0);
  });
});
