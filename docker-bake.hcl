# Builds of the k6-persist image (Dockerfile beside this file).
#
#   docker buildx bake --load                  # k6-persist:latest on grafana/k6:2.2.0
#   K6_VERSION=1.8.1 TAG=1.8.1 docker buildx bake --load
#   docker buildx bake --load with-browser     # on grafana/k6:<version>-with-browser
#   docker buildx bake --push release          # linux/amd64 + linux/arm64 (needs a
#                                              # docker-container builder and a registry)
#   bash scripts/build-images.sh               # the test images (k6-persist:test-<k6 version>),
#                                              # from local stand-in bases
#
# Build secrets (optional, see the Dockerfile): add e.g.
#   --set '*.secrets=id=ca,src=/etc/ssl/certs/ca-certificates.crt'
#   --set "*.secrets=id=npmrc,src=$HOME/.npmrc"     (double quotes: the shell expands $HOME)

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

target "release" {
  inherits  = ["default"]
  platforms = ["linux/amd64", "linux/arm64"]
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
