#!/usr/bin/env bash
# Install and start a Docker engine with buildx on a bare Debian machine.
# Idempotent: returns at once when an engine with buildx already answers.
# No bridge network and no iptables: containers get loopback only, and tests
# that reach a server on the host use --network host (see docs/containers.md).
set -euo pipefail

log() { printf 'docker-engine: %s\n' "$*" >&2; }
plugin_dir=/usr/libexec/docker/cli-plugins

engine_up() { docker info >/dev/null 2>&1; }
buildx_ok() { docker buildx version >/dev/null 2>&1; }

if engine_up && buildx_ok; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  log "needs root to install and start dockerd (run it with sudo)"
  exit 1
fi

apt_updated=
apt_update_once() {
  [ -n "$apt_updated" ] && return 0
  apt-get update -qq
  apt_updated=1
}

if ! command -v dockerd >/dev/null 2>&1; then
  log "installing docker.io"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

if ! buildx_ok; then
  # Debian 12 has no buildx; Debian 13 ships one that needs only libc.
  log "installing docker-buildx from Debian trixie"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"; rm -f /etc/apt/sources.list.d/k6-persist-trixie.list' EXIT
  # Reuse the mirror this machine is already configured with.
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || { log "no Debian mirror configured in /etc/apt"; exit 1; }
  list=/etc/apt/sources.list.d/k6-persist-trixie.list
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$list"
  apt-get update -qq -o Dir::Etc::sourcelist="$list" -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0
  (cd "$tmp" && apt-get download -qq docker-buildx/trixie)
  rm -f "$list"
  apt-get update -qq
  dpkg-deb -x "$tmp"/docker-buildx_*.deb "$tmp/x"
  install -D -m 0755 "$tmp/x/usr/libexec/docker/cli-plugins/docker-buildx" "$plugin_dir/docker-buildx"
fi

if ! engine_up; then
  log "starting dockerd"
  mkdir -p /var/log
  nohup dockerd --bridge=none --iptables=false --ip-masq=false \
    >/var/log/k6-persist-dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    engine_up && break
    sleep 0.5
  done
  if ! engine_up; then
    log "dockerd did not answer within 60 s; its log:"
    tail -n 30 /var/log/k6-persist-dockerd.log >&2 || true
    exit 1
  fi
fi

buildx_ok || { log "docker buildx is not usable"; exit 1; }
log "engine ready: $(docker version --format '{{.Server.Version}}'), buildx $(docker buildx version | awk '{print $2}')"
