#!/usr/bin/env bash
# A Docker engine that can hold and build multi-platform images, with buildx, on a bare Debian 12
# machine. Idempotent: returns at once when an engine with the containerd image store and buildx
# already answers.
#
# Debian 12's own engine (20.10, end of life) keeps one platform per tag and cannot build or load
# a multi-platform image. Debian 13 (trixie) has Docker 26.1.5 and containerd 1.7.24, whose
# binaries need only glibc 2.34 (this system has 2.36). Installing them with apt from trixie
# would upgrade libc6, dpkg and base-files and remove packages apt itself needs, so their .deb
# files are fetched with a private apt state and unpacked under $prefix; nothing of the system's
# apt state or package set changes beyond Debian 12's docker.io, which brings what they run with
# (runc, tini as docker-init, the docker CLI, iptables).
#
# The daemon runs with the containerd snapshotter (the image store that holds image indexes) and
# with no bridge network and no iptables: containers get loopback only, and tests that reach a
# server on the host use --network host (see docs/containers.md).
#
# Environment:
#   K6_PERSIST_ENGINE_PREFIX   where the Docker 26 files go (default /opt/k6-persist/engine)
set -euo pipefail

log() { printf 'docker-engine: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

prefix=${K6_PERSIST_ENGINE_PREFIX:-/opt/k6-persist/engine}
plugin_dir=/usr/libexec/docker/cli-plugins
# The versions this script was checked with; the trixie suite is asked for exactly these.
docker_version=26.1.5
containerd_version=1.7.24
daemon_log=/var/log/k6-persist-dockerd.log

engine_up() { docker info >/dev/null 2>&1; }
buildx_ok() { docker buildx version >/dev/null 2>&1; }
# The containerd image store reports itself as the storage driver's "driver-type".
multi_platform_store() {
  docker info --format '{{range .DriverStatus}}{{index . 0}}={{index . 1}};{{end}}' 2>/dev/null |
    grep -q 'driver-type=io.containerd.snapshotter.v1'
}

if engine_up && buildx_ok && multi_platform_store; then
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "needs root to install and start dockerd (run it with sudo)"

if engine_up && ! multi_platform_store; then
  # An engine without a multi-platform image store: replace it only if it is the one this script
  # starts (its pid file is the default one), never a daemon somebody else runs.
  pid=$(cat /var/run/docker.pid 2>/dev/null || true)
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    die "a Docker engine answers but keeps one platform per image (no containerd image store), and it is not one started with the default pid file; restart it with {\"features\":{\"containerd-snapshotter\":true}} or stop it"
  fi
  log "stopping the running engine (pid $pid): it has no multi-platform image store"
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && die "dockerd (pid $pid) did not stop within 30 s"
fi

mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)

# What Debian 12's engine package brings that Docker 26 runs with: runc, tini (docker-init),
# iptables, the docker CLI (a newer CLI already on PATH stays first).
if ! command -v runc >/dev/null 2>&1 || ! command -v docker-init >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  log "installing Debian 12's docker.io (runc, tini, the CLI)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

# Downloads from trixie with an apt state of its own: no file under /etc/apt or /var/lib/apt changes.
trixie_apt() {
  [ -n "$mirror" ] || die "no Debian mirror configured in /etc/apt"
  local state=$1
  shift
  mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/etc"
  [ -f "$state/status" ] || : >"$state/status"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$state/etc/sources.list"
  apt-get -qq \
    -o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache" -o Dir::State::status="$state/status" \
    -o Dir::Etc::sourcelist="$state/etc/sources.list" -o Dir::Etc::sourceparts=- \
    -o Debug::NoLocking=1 -o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root "$@"
}

engine_dir="$prefix/docker-$docker_version-containerd-$containerd_version"
need_engine=0
[ -x "$engine_dir/usr/sbin/dockerd" ] && [ -x "$engine_dir/usr/bin/containerd" ] || need_engine=1
need_buildx=0
buildx_ok || need_buildx=1

if [ "$need_engine" = 1 ] || [ "$need_buildx" = 1 ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  log "fetching from Debian trixie:$([ "$need_engine" = 1 ] && echo " docker.io $docker_version containerd $containerd_version")$([ "$need_buildx" = 1 ] && echo " docker-buildx")"
  trixie_apt "$tmp/apt" update
  packages=()
  [ "$need_engine" = 1 ] && packages+=("docker.io=$docker_version*" "containerd=$containerd_version*")
  [ "$need_buildx" = 1 ] && packages+=(docker-buildx)
  (cd "$tmp" && trixie_apt "$tmp/apt" download "${packages[@]}")
  if [ "$need_engine" = 1 ]; then
    rm -rf "$engine_dir.partial"
    mkdir -p "$engine_dir.partial"
    for deb in "$tmp"/docker.io_*.deb "$tmp"/containerd_*.deb; do dpkg-deb -x "$deb" "$engine_dir.partial"; done
    rm -rf "$engine_dir"
    mv "$engine_dir.partial" "$engine_dir"
  fi
  if [ "$need_buildx" = 1 ]; then
    dpkg-deb -x "$tmp"/docker-buildx_*.deb "$tmp/buildx"
    install -D -m 0755 "$tmp/buildx/usr/libexec/docker/cli-plugins/docker-buildx" "$plugin_dir/docker-buildx"
  fi
fi

if ! engine_up; then
  log "starting dockerd $docker_version with the containerd image store"
  mkdir -p /var/log "$prefix"
  # Its own config file: a /etc/docker/daemon.json of the machine is neither read nor changed.
  printf '{\n  "features": { "containerd-snapshotter": true }\n}\n' >"$prefix/daemon.json"
  # dockerd starts the containerd it finds on PATH: the one unpacked beside it.
  PATH="$engine_dir/usr/bin:$engine_dir/usr/sbin:$PATH" nohup "$engine_dir/usr/sbin/dockerd" \
    --config-file "$prefix/daemon.json" \
    --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
    >"$daemon_log" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    engine_up && break
    sleep 0.5
  done
  if ! engine_up; then
    log "dockerd did not answer within 60 s; its log:"
    tail -n 30 "$daemon_log" >&2 || true
    exit 1
  fi
fi

buildx_ok || die "docker buildx is not usable"
multi_platform_store || die "the engine answers but without the containerd image store; see $daemon_log"
log "engine ready: $(docker version --format '{{.Server.Version}}') with the containerd image store, buildx $(docker buildx version | awk '{print $2}')"
