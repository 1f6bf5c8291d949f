# Builds of the k6-persist image (Dockerfile beside this file).
#
#   docker buildx bake --load                  # k6-persist:latest on grafana/k6:2.2.0
#   K6_VERSION=1.8.1 TAG=1.8.1 docker buildx bake --load
#   docker buildx bake --load with-browser     # on grafana/k6:<version>-with-browser
#   docker buildx bake --push release          # linux/amd64 + linux/arm64 (needs a
#                                              # docker-container builder and a registry)
#   bash scripts/build-images.sh               # the test images, from local stand-in bases
#
# Build secrets (optional, see the Dockerfile): add e.g.
#   --set '*.secrets=id=ca,src=/etc/ssl/certs/ca-certificates.crt'
#   --set '*.secrets=id=npmrc,src=$HOME/.npmrc'

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

# Test images: the default build with ONLY the two base images swapped for the local stand-ins,
# so the tests exercise exactly the Dockerfile users build. scripts/build-images.sh adds the
# flags this machine needs (host network, CA secret) to every target alike.
target "test-2-2-0" {
  inherits = ["default"]
  args = {
    K6_IMAGE   = "${STANDIN_PREFIX}/k6:2.2.0"
    NODE_IMAGE = "${STANDIN_PREFIX}/node:24"
  }
  tags = ["${IMAGE}:test-2.2.0"]
}

target "test-1-8-1" {
  inherits = ["default"]
  args = {
    K6_IMAGE   = "${STANDIN_PREFIX}/k6:1.8.1"
    NODE_IMAGE = "${STANDIN_PREFIX}/node:24"
  }
  tags = ["${IMAGE}:test-1.8.1"]
}

group "test" {
  targets = ["test-2-2-0", "test-1-8-1"]
}
