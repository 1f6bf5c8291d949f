#!/usr/bin/env bash
# A container registry on 127.0.0.1:5000 for the release round trip (docs/multi-platform.md):
# Debian's docker-registry (distribution 2.8), with the project's own config and storage under
# build/registry/ of this checkout. Idempotent and quick when it already runs.
#
#   bash scripts/registry.sh          start it (or return at once when it answers)
#   bash scripts/registry.sh stop     stop the one this checkout started
#
# Nothing of Debian's packaging runs: `apt-get install docker-registry` would start the packaged
# service, whose config listens on every interface, so the package is only downloaded (apt-get
# download, no apt state changes) and its binary unpacked into the cache. The config written here
# listens on 127.0.0.1:5000 and nowhere else (127.0.0.0/8 is an insecure registry to Docker by
# default: plain HTTP, no daemon change), without auth, with deletes allowed.
#
# Environment:
#   K6_PERSIST_REGISTRY_DIR    config, storage, log and pid file (default build/registry)
#   K6_PERSIST_REGISTRY_CACHE  the unpacked package (default ~/.cache/k6-persist/registry)
set -euo pipefail

log() { printf 'registry: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${K6_PERSIST_REGISTRY_DIR:-$repo/build/registry}
cache=${K6_PERSIST_REGISTRY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/k6-persist/registry}
addr=127.0.0.1:5000
pidfile=$dir/registry.pid

# The registry API's version check: 200 with the distribution header from a registry.
answers() { curl -fsS -m 2 -o /dev/null "http://$addr/v2/" 2>/dev/null; }
ours() { [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

case "${1:-start}" in
  stop)
    if ours; then
      pid=$(cat "$pidfile")
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      log "stopped (pid $pid)"
    fi
    rm -f "$pidfile"
    exit 0
    ;;
  start) ;;
  *) die "usage: $0 [start|stop]" ;;
esac

command -v curl >/dev/null || die "curl is needed (apt-get install curl)"

if ours && answers; then exit 0; fi
if answers || (exec 3<>"/dev/tcp/127.0.0.1/5000") 2>/dev/null; then
  die "something else listens on $addr (not the registry of $dir): stop it, or stop the other checkout's (bash scripts/registry.sh stop there)"
fi

# The binary from Debian's package, unpacked once.
bin=$cache/usr/bin/docker-registry
if [ ! -x "$bin" ]; then
  log "fetching Debian's docker-registry package"
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/get.XXXXXX")
  (cd "$tmp" && apt-get download -qq docker-registry >/dev/null 2>&1) || {
    apt-get update -qq
    (cd "$tmp" && apt-get download -qq docker-registry >/dev/null)
  }
  debs=("$tmp"/docker-registry_*.deb)
  [ -s "${debs[0]}" ] || die "apt-get download left no docker-registry .deb"
  dpkg-deb -x "${debs[0]}" "$tmp/root"
  mkdir -p "$cache/usr/bin"
  mv "$tmp/root/usr/bin/docker-registry" "$bin"
  rm -rf "$tmp"
fi

mkdir -p "$dir/storage"
cat >"$dir/config.yml" <<EOF
# Written by scripts/registry.sh: the release round trip's registry, on loopback only.
version: 0.1
log:
  level: warn
  fields:
    service: k6-persist-registry
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: $addr
EOF

# Its own session, so it outlives the shell (or test run) that started it.
setsid "$bin" serve "$dir/config.yml" >>"$dir/registry.log" 2>&1 </dev/null &
echo $! >"$pidfile"
for _ in $(seq 1 100); do
  answers && { log "listening on $addr (pid $(cat "$pidfile"), storage $dir/storage)"; exit 0; }
  kill -0 "$(cat "$pidfile")" 2>/dev/null || break
  sleep 0.1
done
tail -n 5 "$dir/registry.log" >&2 || true
die "docker-registry did not answer on $addr (log: $dir/registry.log)"
