#!/usr/bin/env bash
# Docker Compose v2 for the Compose tests (test/compose/): the `docker-compose` binary of Debian
# trixie's package (Debian 12 has only Compose v1), which needs nothing but libc 2.34+.
#
#   bash scripts/compose.sh        prints the path of the docker-compose binary
#
# The package is downloaded with a private apt state pointed at trixie and unpacked with
# dpkg-deb: it is never apt-installed, because installing from trixie on Debian 12 upgrades libc6
# and removes packages apt itself needs (docs/containers.md). The machine's apt sources, lists
# and package database are not touched. The binary is kept in $K6_PERSIST_CACHE_DIR (default
# /var/cache/k6-persist); a second call only prints its path. It is run directly, not installed
# as a Docker CLI plugin, so nothing on the machine changes; `docker-compose` and `docker compose`
# are the same program.
set -euo pipefail

log() { printf 'compose: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cache=${K6_PERSIST_CACHE_DIR:-/var/cache/k6-persist}
bin=$cache/compose/docker-compose

if [ -x "$bin" ] && "$bin" version --short >/dev/null 2>&1; then
  printf '%s\n' "$bin"
  exit 0
fi

mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || die "no Debian mirror configured in /etc/apt"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/etc/preferences.d"
touch "$work/status"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$work/sources.list"
apt_private=(
  -o Dir::State::Lists="$work/lists" -o Dir::State::status="$work/status"
  -o Dir::Cache="$work/cache" -o Dir::Etc::sourcelist="$work/sources.list" -o Dir::Etc::sourceparts=-
  -o Dir::Etc::preferencesparts="$work/etc/preferences.d" -o Debug::NoLocking=1
  -o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o APT::Sandbox::User=root
)
log "downloading docker-compose from Debian trixie"
apt-get "${apt_private[@]}" update -qq
(cd "$work" && apt-get "${apt_private[@]}" download -qq docker-compose)
dpkg-deb -x "$work"/docker-compose_*.deb "$work/x"
found=$(find "$work/x" -type f -name docker-compose -perm -u+x | head -n 1)
[ -n "$found" ] || die "no docker-compose binary in the package"
mkdir -p "$(dirname "$bin")"
install -m 0755 "$found" "$bin.new"
mv "$bin.new" "$bin"
log "$("$bin" version)"
printf '%s\n' "$bin"
