// The release images as the registry holds them after `docker buildx bake --push release-2-2-0
// release-2-2-0-with-browser`, each flavour alike: one index with linux/amd64 and linux/arm64,
// each with BuildKit's attestation manifest (an SBOM and a provenance statement about exactly
// that image), the moving tags on the same index, and labels that name the flavour's own base
// image by the digest it was built from.
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Descriptor,
  FLAVOURS,
  type Index,
  K6_BASE_REPOSITORY,
  PLATFORMS,
  REGISTRY,
  REPOSITORY,
  VERSION,
  attestationFor,
  blobJson,
  imagesByPlatform,
  index,
  manifest,
} from './support/release.ts';

interface Statement {
  _type: string;
  predicateType: string;
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicate: Record<string, unknown>;
}
interface ImageConfig {
  os: string;
  architecture: string;
  config: { Labels?: Record<string, string>; Entrypoint?: string[]; User?: string };
}

const SPDX = 'https://spdx.dev/Document';
/**
 * BuildKit inside dockerd runs the SBOM scanner on the network named "bridge"; an engine started
 * with --bridge=none cannot make an SBOM, and scripts/build-images.sh builds without one there.
 */
const ENGINE_CAN_SCAN = (() => {
  try {
    execFileSync('docker', ['network', 'inspect', 'bridge'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const PROVENANCE = /^https:\/\/slsa\.dev\/provenance\/v/;

/** The in-toto statements of one platform's attestation manifest, by predicate type. */
async function statementsIn(idx: Index, images: Map<string, Descriptor>, platform: string): Promise<Statement[]> {
  const image = images.get(platform);
  if (!image) throw new Error(`no ${platform} image in the index`);
  const attestation = attestationFor(idx, image.digest);
  if (!attestation) throw new Error(`no attestation manifest refers to the ${platform} image ${image.digest}`);
  const m = await manifest(REPOSITORY, attestation.digest);
  return Promise.all(
    m.layers.map(async (layer) => {
      const statement = await blobJson<Statement>(REPOSITORY, layer.digest);
      expect(layer.annotations?.['in-toto.io/predicate-type']).toBe(statement.predicateType);
      return statement;
    }),
  );
}

const fileSha = (sbom: Statement, name: string): string | undefined =>
  (sbom.predicate['files'] as Array<{ fileName: string; checksums: Array<{ algorithm: string; checksumValue: string }> }>)
    .find((f) => f.fileName === name)
    ?.checksums.find((c) => c.algorithm === 'SHA256')?.checksumValue;

describe.each(FLAVOURS)(`${REGISTRY}/${REPOSITORY}:${VERSION}%s`, (flavour) => {
  const tag = `${VERSION}${flavour}`;
  let idx: Index;
  let indexDigest: string;
  let images: Map<string, Descriptor>;
  const statementsOf = (platform: string) => statementsIn(idx, images, platform);

  beforeAll(async () => {
    ({ index: idx, digest: indexDigest } = await index(REPOSITORY, tag));
    images = imagesByPlatform(idx);
  });

  it('is one image index holding exactly linux/amd64 and linux/arm64', () => {
    expect([...images.keys()].sort()).toEqual([...PLATFORMS]);
  });

  it('the moving tags (major.minor, latest) name the same index', async () => {
    const majorMinor = VERSION.split('.').slice(0, 2).join('.');
    expect((await index(REPOSITORY, `${majorMinor}${flavour}`)).digest).toBe(indexDigest);
    expect((await index(REPOSITORY, `latest${flavour}`)).digest).toBe(indexDigest);
  });

  it.each(PLATFORMS)(`%s has an attestation manifest with a provenance statement${ENGINE_CAN_SCAN ? ' and an SBOM' : ' (no SBOM: the engine has no bridge network)'} about that image`, async (platform) => {
    const image = images.get(platform)!;
    expect(attestationFor(idx, image.digest)?.platform).toEqual({ os: 'unknown', architecture: 'unknown' });
    const statements = await statementsOf(platform);
    const types = statements.map((s) => s.predicateType);
    expect(types.filter((t) => PROVENANCE.test(t)), types.join(', ')).toHaveLength(1);
    expect(types.filter((t) => t === SPDX)).toHaveLength(ENGINE_CAN_SCAN ? 1 : 0);
    for (const s of statements) expect(s.subject.map((x) => `sha256:${x.digest.sha256}`)).toContain(image.digest);
  });

  it.each(PLATFORMS)("%s: the provenance records the build's k6 base for that platform, pulled from the registry at the pinned digest", async (platform) => {
    const base = await index(K6_BASE_REPOSITORY, tag);
    const provenance = (await statementsOf(platform)).find((s) => PROVENANCE.test(s.predicateType))!;
    const materials = provenance.predicate['materials'] as Array<{ uri: string; digest: { sha256: string } }>;
    const k6 = materials.filter((m) => m.uri.includes(`/${K6_BASE_REPOSITORY}@`));
    expect(k6.map((m) => [m.digest.sha256, new URL(m.uri.replace(/^pkg:docker\//, 'pkg://x/')).searchParams.get('platform')])).toEqual([[base.digest.slice('sha256:'.length), platform]]);
  });

  // Only where an SBOM can be made (the attestation test above shows there is none otherwise).
  if (ENGINE_CAN_SCAN) it("each platform's SBOM scanned its own image: its own Node, the same wrapper bundle (built once, natively)", async () => {
    const sboms = await Promise.all(PLATFORMS.map(async (p) => (await statementsOf(p)).find((s) => s.predicateType === SPDX)!));
    const node = sboms.map((s) => fileSha(s, './usr/libexec/k6-persist/node'));
    const bundle = sboms.map((s) => fileSha(s, './usr/libexec/k6-persist/k6-persist.cjs'));
    expect(node.every(Boolean) && bundle.every(Boolean), JSON.stringify({ node, bundle })).toBe(true);
    expect(node[0]).not.toBe(node[1]);
    expect(bundle[0]).toBe(bundle[1]);
  });

  it.each(PLATFORMS)('%s: its config is for that platform, built on the stand-in base named and labelled by its index digest', async (platform) => {
    const base = await index(K6_BASE_REPOSITORY, tag);
    const m = await manifest(REPOSITORY, images.get(platform)!.digest);
    const config = await blobJson<ImageConfig>(REPOSITORY, m.config.digest);
    expect(`${config.os}/${config.architecture}`).toBe(platform);
    const labels = config.config.Labels ?? {};
    expect(labels['org.opencontainers.image.base.digest']).toBe(base.digest);
    expect(labels['org.opencontainers.image.base.name']).toBe(`${REGISTRY}/${K6_BASE_REPOSITORY}:${tag}@${base.digest}`);
    // The revision is a commit this checkout knows (the build's HEAD).
    const revision = labels['org.opencontainers.image.revision'] ?? '';
    expect(revision).toMatch(/^[0-9a-f]{40}$/);
    expect(() => execFileSync('git', ['cat-file', '-e', `${revision}^{commit}`], { stdio: 'ignore' })).not.toThrow();
    // As in grafana/k6 (and the stand-in base).
    expect([config.config.User, config.config.Entrypoint]).toEqual(['12345', ['k6']]);
  });
});
