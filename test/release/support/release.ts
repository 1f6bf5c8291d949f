// What the release round trip built (test/release/support/global-setup.ts runs
// `scripts/build-images.sh release`) and how the tests read it back: the registry's HTTP API
// for indexes, manifests and attestation blobs, as a client pulling the image sees them.
export const REGISTRY = '127.0.0.1:5000';
/** The release image's repository in the local registry (IMAGE of the bake file). */
export const REPOSITORY = 'k6-persist';
export const IMAGE = `${REGISTRY}/${REPOSITORY}`;
/** The one k6 version the round trip builds (each one costs a two-platform build). */
export const VERSION = '2.2.0';
export const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
/** The tag suffixes of the two flavours the round trip builds (the -with-browser base is test/with-browser-standin/). */
export const FLAVOURS = ['', '-with-browser'] as const;
export type Platform = (typeof PLATFORMS)[number];
/** The stand-in base the release is built on, as the registry holds it. */
export const K6_BASE_REPOSITORY = 'k6-persist-standin/k6';

const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];
const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface Index {
  mediaType: string;
  manifests: Descriptor[];
}

export interface Manifest {
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

async function get(path: string, accept: string[]): Promise<{ digest: string; body: Buffer; type: string }> {
  const response = await fetch(`http://${REGISTRY}/v2/${path}`, { headers: { Accept: accept.join(', ') } });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
  return {
    digest: response.headers.get('docker-content-digest') ?? '',
    type: response.headers.get('content-type') ?? '',
    body: Buffer.from(await response.arrayBuffer()),
  };
}

/** An image index by tag or digest, with the digest the registry gives it. */
export async function index(repository: string, reference: string): Promise<{ digest: string; index: Index }> {
  const got = await get(`${repository}/manifests/${reference}`, INDEX_TYPES);
  if (!INDEX_TYPES.includes(got.type)) throw new Error(`${repository}:${reference} is a ${got.type}, not an image index`);
  return { digest: got.digest, index: JSON.parse(got.body.toString('utf8')) as Index };
}

export async function manifest(repository: string, digest: string): Promise<Manifest> {
  const got = await get(`${repository}/manifests/${digest}`, MANIFEST_TYPES);
  return JSON.parse(got.body.toString('utf8')) as Manifest;
}

export async function blobJson<T>(repository: string, digest: string): Promise<T> {
  const got = await get(`${repository}/blobs/${digest}`, ['*/*']);
  return JSON.parse(got.body.toString('utf8')) as T;
}

export const platformOf = (d: Descriptor): string => (d.platform ? `${d.platform.os}/${d.platform.architecture}${d.platform.variant ? `/${d.platform.variant}` : ''}` : '');

/** The index's image manifests (attestation manifests left out), by platform. */
export function imagesByPlatform(idx: Index): Map<string, Descriptor> {
  return new Map(idx.manifests.filter((d) => d.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest').map((d) => [platformOf(d), d]));
}

/** The attestation manifest BuildKit attached to an image manifest of the index. */
export function attestationFor(idx: Index, imageDigest: string): Descriptor | undefined {
  return idx.manifests.find((d) => d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' && d.annotations['vnd.docker.reference.digest'] === imageDigest);
}
