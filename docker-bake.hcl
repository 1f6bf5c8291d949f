# Builds of the k6-persist image (Dockerfile beside this file).
#
#   docker buildx bake --load                  # k6-persist:latest on grafana/k6:2.2.0
#   K6_VERSION=1.8.1 TAG=1.8.1 docker buildx bake --load
#   docker buildx bake --load with-browser     # on grafana/k6:<version>-with-browser
#   IMAGE=registry.example.com/you/k6-persist docker buildx bake --push release
#   bash scripts/build-images.sh               # the test images (k6-persist:test-<k6 version>),
#                                              # from local stand-in bases
#
# Build secrets (optional, see the Dockerfile): add e.g.
#   --set '*.secrets=id=ca,src=/etc/ssl/certs/ca-certificates.crt'
#   --set "*.secrets=id=npmrc,src=$HOME/.npmrc"     (double quotes: the shell expands $HOME)
#
# The release (for a release workflow; docs/multi-platform.md)
# -------------------------------------------------------------
# `release` is a group made by one matrix target: one target per k6 version in
# RELEASE_K6_VERSIONS and flavour (plain, -with-browser), named release-<version with dashes>
# and release-<version with dashes>-with-browser (release-2-2-0, release-2-2-0-with-browser), so
# a workflow can build the whole group or one entry. Each builds linux/amd64 and linux/arm64
# (RELEASE_PLATFORMS) in one go, with SBOM and provenance (mode=max) attestations, and is tagged
#   ${IMAGE}:<k6 version>[-with-browser]      e.g. 2.2.0, 2.2.0-with-browser
#   ${IMAGE}:<major.minor>[-with-browser]     moving: e.g. 2.2 (list one patch per minor)
#   ${IMAGE}:latest[-with-browser]            moving: only for LATEST_K6
# Variables (all from the environment):
#   IMAGE                registry/repository to push to (the default `k6-persist` would mean
#                        docker.io/library/k6-persist: always set it for --push)
#   RELEASE_K6_VERSIONS  space-separated k6 versions (default "1.8.1 2.0.0 2.1.0 2.2.0")
#   LATEST_K6            the version that gets `latest` (default 2.2.0)
#   K6_BASE, NODE_BASE   base repositories (default grafana/k6 and node; their tags
#                        <k6 version>[-with-browser] and <NODE_VERSION>-alpine are appended)
#   BASE_DIGESTS         the k6 base images' digests, space-separated `<base tag>=<digest>`, e.g.
#                        "2.2.0=sha256:ab... 2.2.0-with-browser=sha256:cd...", as
#                          docker buildx imagetools inspect grafana/k6:2.2.0 --format '{{json .Manifest}}'
#                        gives them (.digest). A listed base is built FROM <base>:<tag>@<digest>,
#                        so the image is built on exactly that index, and its digest goes into
#                        the label org.opencontainers.image.base.digest. Unlisted: no such label.
#   SBOM_GENERATOR       the SBOM scanner image (default: BuildKit's, docker/buildkit-syft-scanner)
#   SBOM                 "false": no SBOM attestation (default "true")
#   RELEASE_PLATFORMS    default "linux/amd64 linux/arm64"
#   VERSION, REVISION    org.opencontainers.image.version / .revision labels
# A two-platform build needs a builder that can make one: Docker with the containerd image store,
# or a docker-container builder (docker/setup-buildx-action), plus QEMU for the other platform.
# Example (a workflow step):
#   IMAGE=ghcr.io/you/k6-persist RELEASE_K6_VERSIONS="2.1.0 2.2.0" LATEST_K6=2.2.0 \
#   BASE_DIGESTS="2.2.0=sha256:... 2.2.0-with-browser=sha256:..." VERSION=1.2.3 REVISION=$GITHUB_SHA \
#   docker buildx bake --push release

variable "K6_VERSION" {
  default = "2.2.0"
}

variable "NODE_VERSION" {
  default = "24"
}

variable "IMAGE" {
  default = "k6-persist"
}

variable "TAG" {
  default = "latest"
}

# Version written into the org.opencontainers.image.version label.
variable "VERSION" {
  default = "0.1.0"
}

variable "REVISION" {
  default = "unknown"
}

# Base image names (a mirror or private registry can be put here).
variable "K6_BASE" {
  default = "grafana/k6"
}

variable "NODE_BASE" {
  default = "node"
}

# Local stand-ins made by scripts/standin-images.sh where no registry can be reached.
variable "STANDIN_PREFIX" {
  default = "k6-persist-standin"
}

target "default" {
  context    = "."
  dockerfile = "Dockerfile"
  args = {
    K6_IMAGE   = "${K6_BASE}:${K6_VERSION}"
    NODE_IMAGE = "${NODE_BASE}:${NODE_VERSION}-alpine"
    VERSION    = VERSION
    REVISION   = REVISION
  }
  tags = ["${IMAGE}:${TAG}"]
}

target "with-browser" {
  inherits = ["default"]
  args = {
    K6_IMAGE = "${K6_BASE}:${K6_VERSION}-with-browser"
  }
  tags = ["${IMAGE}:${TAG}-with-browser"]
}

variable "RELEASE_K6_VERSIONS" {
  default = "1.8.1 2.0.0 2.1.0 2.2.0"
}

variable "LATEST_K6" {
  default = "2.2.0"
}

variable "RELEASE_PLATFORMS" {
  default = "linux/amd64 linux/arm64"
}

variable "BASE_DIGESTS" {
  default = ""
}

variable "SBOM_GENERATOR" {
  default = ""
}

# "false" leaves the SBOM out (an engine whose builder cannot run the scanner container).
variable "SBOM" {
  default = "true"
}

# BASE_DIGESTS as a map from base tag to digest (entries without "=" are ignored).
function "base_digest" {
  params = [tag]
  result = lookup({ for entry in split(" ", BASE_DIGESTS) : split("=", entry)[0] => split("=", entry)[1] if length(split("=", entry)) == 2 }, tag, "")
}

function "k6_base" {
  params = [tag]
  result = base_digest(tag) == "" ? "${K6_BASE}:${tag}" : "${K6_BASE}:${tag}@${base_digest(tag)}"
}

target "release" {
  name     = "release-${replace(k6, ".", "-")}${flavour}"
  matrix   = { k6 = split(" ", RELEASE_K6_VERSIONS), flavour = ["", "-with-browser"] }
  inherits = ["default"]
  args = {
    K6_IMAGE = k6_base("${k6}${flavour}")
  }
  platforms = split(" ", RELEASE_PLATFORMS)
  tags = concat(
    ["${IMAGE}:${k6}${flavour}", "${IMAGE}:${join(".", slice(split(".", k6), 0, 2))}${flavour}"],
    k6 == LATEST_K6 ? ["${IMAGE}:latest${flavour}"] : [],
  )
  labels = { for key, value in { "org.opencontainers.image.base.digest" = base_digest("${k6}${flavour}") } : key => value if value != "" }
  attest = concat(
    ["type=provenance,mode=max"],
    SBOM == "false" ? [] : [SBOM_GENERATOR == "" ? "type=sbom" : "type=sbom,generator=${SBOM_GENERATOR}"],
  )
}

# The k6 releases the test images are built for (space-separated, so the environment can
# narrow it: TEST_K6_VERSIONS=2.2.0 bash scripts/build-images.sh). One stand-in base per version
# comes from scripts/standin-images.sh.
variable "TEST_K6_VERSIONS" {
  default = "1.8.1 2.0.0 2.1.0 2.2.0"
}

# Test images: the default build with ONLY the two base images swapped for the local stand-ins,
# so the tests exercise exactly the Dockerfile users build. scripts/build-images.sh adds the
# flags this machine needs (host network, CA secret) to every target alike.
# One matrix block makes one target per version (test-1-8-1 ... test-2-2-0, target names allow
# no dots) and a group "test" holding them all (buildx 0.13.1, used here, expands it:
# `docker buildx bake --print test` lists the four targets).
target "test" {
  name     = "test-${replace(k6, ".", "-")}"
  matrix   = { k6 = split(" ", TEST_K6_VERSIONS) }
  inherits = ["default"]
  args = {
    K6_IMAGE   = "${STANDIN_PREFIX}/k6:${k6}"
    NODE_IMAGE = "${STANDIN_PREFIX}/node:24"
  }
  tags = ["${IMAGE}:test-${k6}"]
}
