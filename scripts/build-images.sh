#!/usr/bin/env bash
# Everything the image tests need, in one call:
#   1. the Docker engine (scripts/docker-engine.sh; returns at once when it already runs),
#   2. the k6 test doubles (node_modules/.bin/node scripts/build-standin.ts, when it exists),
#   3. the stand-in base images (scripts/standin-images.sh), after the bake plan is made and the
#      images its tags and bases point to are recorded,
#   4. the test images k6-persist:test-<version> for each k6 in TEST_K6_VERSIONS (default 1.8.1
#      2.0.0 2.1.0 2.2.0; docker buildx bake --load test),
#   5. removal of the images this run replaced, and only those (scripts/replaced-images.sh).
#
#   bash scripts/build-images.sh [bake target or group ...]     (default: test)
#
# The release round trip (docs/multi-platform.md): given `release` or release-<version> targets,
# the images are built for linux/amd64 and linux/arm64 (emulation: scripts/qemu.sh) and pushed to
# the local registry on 127.0.0.1:5000 (scripts/registry.sh) instead of loaded, from the
# unchanged Dockerfile and bake targets, with only the base names switched: K6_BASE and
# NODE_BASE point at registry copies of the stand-in bases, pinned by BASE_DIGESTS, and the SBOM
# attestation comes from a scanner stand-in (test/release/sbom-standin; BuildKit's own scanner
# image cannot be pulled here). `release` means both flavours of RELEASE_K6_VERSIONS,
# release-<version> and release-<version>-with-browser; the -with-browser base is the stand-in of
# test/with-browser-standin/, built on the k6 stand-in for both platforms. IMAGE defaults to
# 127.0.0.1:5000/k6-persist and must stay in that registry (stand-in images go nowhere else).
#
# Two things this machine needs that the bake file does not carry (users do not need them):
#   - Host networking for RUN steps: the engine runs without a bridge network, so a RUN in the
#     default network mode fails ("network bridge not found"). buildx 0.13.1 takes `network` for
#     bake targets only from a Compose file (the HCL key arrived in 0.17; `--set *.network` is an
#     "unknown key"), so a generated Compose file that sets `build.network: host` on each target
#     is passed as a second bake file. Bake merges it into the HCL targets of the same name.
#   - The CA of the TLS proxy in front of the npm registry, as the build secret `ca`
#     (K6_PERSIST_CA_BUNDLE, default npm's cafile or /etc/ssl/certs/ca-certificates.crt).
# Both apply to every target alike, so the test images differ from user builds only in their
# base images.
#
# Environment:
#   K6_PERSIST_CA_BUNDLE        CA bundle for the `ca` secret (see above)
#   K6_PERSIST_NPMRC            an npmrc to pass as the `npmrc` secret (private registry, auth)
#   K6_PERSIST_STANDIN_K6_DIR   where the k6 doubles k6-<version>.cjs are (default build/k6-standin)
#   TEST_K6_VERSIONS            k6 versions of the test images and their stand-in bases (docker-bake.hcl)
#   RELEASE_K6_VERSIONS         release round trip: the k6 versions (default 2.2.0; LATEST_K6 the
#                               newest of them), IMAGE (default 127.0.0.1:5000/k6-persist)
#   BUILDKIT_PROGRESS           bake's progress output (default plain)
set -euo pipefail

log() { printf 'build-images: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
trap 'log "FAILED (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(test)

t_start=$(date +%s.%N)
t_last=$t_start
timing=()
step_done() {
  local now
  now=$(date +%s.%N)
  timing+=("$(awk -v a="$t_last" -v b="$now" -v n="$1" 'BEGIN { printf "%-28s %6.1f s", n, b - a }')")
  t_last=$now
}

bash scripts/docker-engine.sh
step_done "docker engine"

if [ -f scripts/build-standin.ts ]; then
  [ -x node_modules/.bin/node ] || die "node_modules/.bin/node is missing: run npm ci first"
  node_modules/.bin/node scripts/build-standin.ts
  step_done "k6 stand-in bundles"
else
  log "scripts/build-standin.ts does not exist yet: using K6_PERSIST_STANDIN_K6_DIR=${K6_PERSIST_STANDIN_K6_DIR:-<unset>}"
fi

# The release round trip: its targets, emulation, the registry, the stand-in bases in it.
release=0
for t in "${targets[@]}"; do
  case "$t" in release | release-*) release=1 ;; esac
done
registry=127.0.0.1:5000
if [ "$release" = 1 ]; then
  export RELEASE_K6_VERSIONS=${RELEASE_K6_VERSIONS:-2.2.0}
  read -r -a release_versions <<<"$RELEASE_K6_VERSIONS"
  export LATEST_K6=${LATEST_K6:-${release_versions[-1]}}
  export IMAGE=${IMAGE:-$registry/k6-persist}
  case "$IMAGE" in "$registry"/*) ;; *) die "IMAGE=$IMAGE: images built on the stand-ins are pushed to $registry only" ;; esac
  expanded=()
  for t in "${targets[@]}"; do
    case "$t" in
      release) for v in "${release_versions[@]}"; do expanded+=("release-${v//./-}" "release-${v//./-}-with-browser"); done ;;
      release-*) expanded+=("$t") ;;
      *) die "$t: the release round trip builds release targets only (build $t in a run of its own)" ;;
    esac
  done
  targets=("${expanded[@]}")
  bash scripts/qemu.sh
  bash scripts/registry.sh
  step_done "qemu, registry"
fi

# The CA bundle: npm's configured cafile if it has one, else the system bundle.
ca=${K6_PERSIST_CA_BUNDLE:-}
if [ -z "$ca" ]; then
  ca=$(npm config get cafile 2>/dev/null || true)
  case "$ca" in '' | null | undefined) ca=/etc/ssl/certs/ca-certificates.crt ;; esac
fi
secret_args=()
if [ -s "$ca" ]; then
  secret_args=(--set "*.secrets=id=ca,src=$ca")
else
  log "no CA bundle at $ca: building without the ca secret"
fi
if [ -n "${K6_PERSIST_NPMRC:-}" ]; then
  [ -s "$K6_PERSIST_NPMRC" ] || die "K6_PERSIST_NPMRC=$K6_PERSIST_NPMRC is not a file"
  secret_args+=(--set "*.secrets=id=npmrc,src=$K6_PERSIST_NPMRC")
fi

# The commit the images are built from, for their org.opencontainers.image.revision label (bake
# reads its variables from the environment).
if [ -z "${REVISION:-}" ] && git rev-parse --verify -q HEAD >/dev/null 2>&1; then
  REVISION=$(git rev-parse HEAD)
  export REVISION
fi

# The Compose file that gives each target host networking (see above).
work=$(mktemp -d "${TMPDIR:-/tmp}/k6-persist-bake.XXXXXX")
trap 'rm -rf "$work"' EXIT
docker buildx bake --print "${targets[@]}" 2>/dev/null >"$work/plan.json"
# shellcheck disable=SC2016 # JavaScript, not shell
node -e '
  const plan = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const names = Object.keys(plan.target ?? {});
  if (names.length === 0) { console.error("no targets in the bake plan"); process.exit(1); }
  process.stdout.write("services:\n" + names.map((n) => `  ${JSON.stringify(n)}:\n    build:\n      network: host\n`).join(""));
' "$work/plan.json" >"$work/network-host.compose.yaml"
step_done "bake plan"

# What the tags this run may move point to before it starts (the targets' tags and the base
# images they name, i.e. the stand-in bases rebuilt next): afterwards, exactly these images may
# have become untagged by this run.
mapfile -t plan_tags < <(node -e 'const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); for (const t of Object.values(p.target)) for (const tag of t.tags ?? []) console.log(tag);' "$work/plan.json")
mapfile -t base_images < <(node -e 'const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); for (const t of Object.values(p.target)) for (const k of ["K6_IMAGE", "NODE_IMAGE"]) if (t.args?.[k]) console.log(t.args[k]);' "$work/plan.json" | sort -u)
# The release's -with-browser stand-in bases are built below under local tags of their own.
local_bases=()
[ "$release" = 1 ] && for v in "${release_versions[@]}"; do local_bases+=("k6-persist-standin/k6:$v-with-browser"); done
bash scripts/replaced-images.sh record "$work/before.txt" "${plan_tags[@]}" "${base_images[@]}" "${local_bases[@]}"

# The stand-in bases and the test images cover the same k6 versions.
if [ -n "${TEST_K6_VERSIONS:-}" ]; then
  export K6_PERSIST_STANDIN_K6_VERSIONS=${K6_PERSIST_STANDIN_K6_VERSIONS:-$TEST_K6_VERSIONS}
fi
bash scripts/standin-images.sh
step_done "stand-in base images"

if [ "$release" = 1 ]; then
  # Copies of the stand-in bases in the registry, named as the bake file asks for them, and
  # their index digests for BASE_DIGESTS. The local registry-named tags only serve the push.
  push_copy() { # local-ref registry-ref
    docker tag "$1" "$2"
    docker push -q "$2" >/dev/null
    docker image rm "$2" >/dev/null
  }
  index_digest() {
    docker buildx imagetools inspect "$1" --format '{{json .Manifest}}' | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).digest))'
  }
  base_digests=''
  push_copy k6-persist-standin/node:24 "$registry/k6-persist-standin/node:24-alpine"
  # The -with-browser stand-in of each version, on the k6 stand-in just made, for both platforms
  # (a RUN of a few file operations, emulated for the other one).
  for v in "${release_versions[@]}"; do
    docker buildx build -q --load --network host --platform linux/amd64,linux/arm64 \
      --build-arg "K6_STANDIN=k6-persist-standin/k6:$v" --build-arg NODE_STANDIN=k6-persist-standin/node:24 \
      -t "k6-persist-standin/k6:$v-with-browser" test/with-browser-standin >/dev/null
  done
  for v in "${release_versions[@]}"; do
    for tag in "$v" "$v-with-browser"; do
      push_copy "k6-persist-standin/k6:$tag" "$registry/k6-persist-standin/k6:$tag"
      base_digests+="${base_digests:+ }$tag=$(index_digest "$registry/k6-persist-standin/k6:$tag")"
    done
  done
  export K6_BASE=$registry/k6-persist-standin/k6 NODE_BASE=$registry/k6-persist-standin/node BASE_DIGESTS=$base_digests
  # BuildKit's SBOM scanner stand-in, in the registry too (BuildKit resolves the generator there).
  # BuildKit inside dockerd runs the scanner on the network named "bridge", whatever the build's
  # network: an engine started with --bridge=none has none, and no SBOM can be made there.
  if docker network inspect bridge >/dev/null 2>&1; then
    export SBOM_GENERATOR=$registry/k6-persist-standin/sbom-scanner:1
    docker buildx build -q --load -t k6-persist-standin/sbom-scanner:1 test/release/sbom-standin >/dev/null
    push_copy k6-persist-standin/sbom-scanner:1 "$SBOM_GENERATOR"
  else
    log "the engine has no \"bridge\" network, on which BuildKit runs SBOM scanners: building without the SBOM attestation (SBOM=false)"
    export SBOM=false
  fi
  docker buildx bake --print "${targets[@]}" 2>/dev/null >"$work/plan.json"
  mapfile -t plan_tags < <(node -e 'const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); for (const t of Object.values(p.target)) for (const tag of t.tags ?? []) console.log(tag);' "$work/plan.json")
  log "bases: $BASE_DIGESTS"
  step_done "bases in the registry"
fi

output=--load
[ "$release" = 1 ] && output=--push
bake() {
  docker buildx bake \
    -f docker-bake.hcl -f "$work/network-host.compose.yaml" \
    "$output" "${secret_args[@]}" \
    --progress "${BUILDKIT_PROGRESS:-plain}" \
    "${targets[@]}"
}
log "docker buildx bake $output ${targets[*]}"
if ! bake; then
  # The local registry (Debian's docker-registry 2.8, filesystem storage) rewrites a tag's link
  # file in place, so a HEAD of a tag that is being pushed at that moment can get a 500 ("invalid
  # checksum digest format"), which fails the push. Everything is built by then: a second bake
  # only pushes again. A build that fails fails twice.
  [ "$release" = 1 ] || die "docker buildx bake $output ${targets[*]} failed"
  log "the push failed (see above); pushing once more"
  bake || die "docker buildx bake $output ${targets[*]} failed twice"
fi
step_done "bake ${targets[*]}"

for t in "${plan_tags[@]}"; do
  if [ "$release" = 1 ]; then
    docker buildx imagetools inspect "$t" >/dev/null 2>&1 || die "bake finished but $t is not in the registry"
    log "pushed $t"
    continue
  fi
  docker image inspect "$t" >/dev/null 2>&1 || die "bake finished but $t is not in the engine"
  log "built $t ($(docker image inspect -f '{{.Size}}' "$t" | awk '{printf "%.0f MB", $1/1e6}'))"
done

step_done "image check"

# A rebuild leaves the images the tags pointed to before untagged: remove those (also the old
# stand-in bases that scripts/standin-images.sh could not remove while a container used them).
# Other dangling images, even with this project's labels, may be someone else's build on the
# same engine and stay.
bash scripts/replaced-images.sh remove "$work/before.txt"
step_done "replaced images removed"
log "timings:"
for line in "${timing[@]}"; do log "  $line"; done
log "$(awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN { printf "  %-28s %6.1f s", "total", b - a }')"
