#!/usr/bin/env bash
# Podman for the Podman tests (test/podman/), as root and rootless, on a Debian 12 machine
# (docs/containers.md, "Podman"): Debian's podman 4.3.1 with what it needs here, a user for the
# rootless tests, and the images under test copied in from the Docker engine.
#
#   bash scripts/podman.sh [IMAGE ...]
#
# Idempotent and quick once done: packages, files and the user are only made when missing, and an
# image is copied only when Docker's image or Podman's copy changed since the last copy. Needs root.
#
# What this machine needs, and why:
#   - runc, never crun: crun fails on these hybrid cgroups, and installing it makes it the default.
#     So --no-install-recommends, and `runtime = "runc"`.
#   - default_ulimits: 4.3.1 sets nofile/nproc to values above this machine's hard limits and every
#     container fails ("error setting rlimit type 7"); `--ulimit host` is ignored by 4.3.1.
#   - no logind and no systemd: cgroupfs, file events, and XDG_RUNTIME_DIR made by hand.
#   - rootless storage on native overlay: fuse-overlayfs and slirp4netns cannot open /dev/fuse and
#     /dev/net/tun here; every container uses --network host.
# These settings are in one containers.conf that the tests name with CONTAINERS_CONF, so the
# machine's own Podman configuration (if any) is neither read nor changed.
#
# Prints nothing on stdout. Environment:
#   K6_PERSIST_PODMAN_USER   the rootless user (default k6p-rootless; created when missing)
set -euo pipefail

log() { printf 'podman: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (it installs packages and creates a user)"

user=${K6_PERSIST_PODMAN_USER:-k6p-rootless}
conf_dir=/etc/k6-persist/podman
conf=$conf_dir/containers.conf

# --- packages -------------------------------------------------------------------------------
missing=()
for cmd in podman:podman newuidmap:uidmap catatonit:catatonit runc:runc setpriv:util-linux; do
  command -v "${cmd%%:*}" >/dev/null 2>&1 || [ -x "/usr/libexec/podman/${cmd%%:*}" ] || missing+=("${cmd##*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if command -v crun >/dev/null 2>&1; then
  # Not removed behind anyone's back: runtime = "runc" below makes it harmless for these tests.
  log "note: crun is installed; the tests use runc (containers.conf)"
fi

# --- configuration --------------------------------------------------------------------------
mkdir -p "$conf_dir"
want_conf=$(cat <<'EOF'
# Written by k6-persist scripts/podman.sh; the Podman tests use it through CONTAINERS_CONF.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "host"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
)
if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "$want_conf" ]; then
  printf '%s\n' "$want_conf" >"$conf"
  chmod 0644 "$conf"
fi
chmod 0755 /etc/k6-persist "$conf_dir"

# --- the rootless user ------------------------------------------------------------------------
if ! id "$user" >/dev/null 2>&1; then
  log "creating user $user"
  useradd --create-home --shell /bin/sh "$user"
fi
uid=$(id -u "$user")
gid=$(id -g "$user")
home=$(getent passwd "$user" | cut -d: -f6)
# useradd gives new users subordinate ids; a user made elsewhere may have none.
for file in /etc/subuid /etc/subgid; do
  grep -q "^$user:" "$file" 2>/dev/null || {
    log "adding a subordinate id range for $user to $file"
    usermod "$([ "$file" = /etc/subuid ] && echo --add-subuids || echo --add-subgids)" 200000-265535 "$user"
  }
done
# No logind here: the runtime directory a login session would get.
runtime_dir=/run/user/$uid
[ -d /run/user ] || install -d -m 0755 /run/user
install -d -m 0700 -o "$uid" -g "$gid" "$runtime_dir"
install -d -m 0755 -o "$uid" -g "$gid" "$home/.config" "$home/.config/containers"
storage="$home/.config/containers/storage.conf"
want_storage=$(printf '# Written by k6-persist scripts/podman.sh: native overlay (no fuse-overlayfs here).\n[storage]\ndriver = "overlay"\n')
if [ ! -f "$storage" ] || [ "$(cat "$storage")" != "$want_storage" ]; then
  printf '%s\n' "$want_storage" >"$storage"
  chown "$uid:$gid" "$storage"
fi

as_user() {
  setpriv --reuid="$uid" --regid="$gid" --init-groups \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" USER="$user" LOGNAME="$user" \
    XDG_RUNTIME_DIR="$runtime_dir" CONTAINERS_CONF="$conf" "$@"
}
as_root() { CONTAINERS_CONF="$conf" "$@"; }

# --- images -------------------------------------------------------------------------------------
# Docker's containerd image store names an image by its manifest digest, Podman by its config
# digest, so the two ids never match. Each copy is recorded as "RUNNER IMAGE DOCKER_ID PODMAN_ID"
# and an image is copied again only when Docker's image or Podman's copy changed since. Docker's
# `docker-daemon:` transport in Podman 4.3 speaks API 1.22, which Docker 26 refuses: copies go
# through a `docker save` archive for both stores. An image this script replaced is removed again
# once nothing names it, so rebuilds do not fill the disk.
copies=/var/cache/k6-persist/podman-copies
mkdir -p "$(dirname "$copies")"
touch "$copies"
drop_replaced() { # RUNNER OLD_ID
  [ -n "$2" ] || return 0
  [ -z "$("$1" podman image inspect --format '{{join .RepoTags ","}}' "$2" 2>/dev/null)" ] || return 0
  "$1" podman rmi "$2" >/dev/null 2>&1 || true
}
archive=
trap 'rm -f "$archive"' EXIT
# Docker 26's archives name an image fully (docker.io/library/NAME), while Podman resolves a short
# name to localhost/NAME first, where an older copy may still sit: the copy takes that name.
local_name() { # RUNNER IMAGE CONFIG_ID
  # A first path component with a dot or a port, or localhost, is a registry: already fully named.
  case "$2" in */*) case "${2%%/*}" in *.* | *:* | localhost) return 0 ;; esac ;; esac
  "$1" podman tag "$3" "localhost/$2"
  "$1" podman untag "$3" "docker.io/library/$2" 2>/dev/null || true
}
copy_image() { # RUNNER IMAGE DOCKER_ID
  local runner=$1 image=$2 docker_id=$3 current recorded config
  current=$("$runner" podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  recorded=$(awk -v r="$runner" -v i="$image" -v d="$docker_id" '$1 == r && $2 == i && $3 == d {print $4}' "$copies")
  [ -n "$current" ] && [ "$current" = "$recorded" ] && return 0
  log "copying $image into $([ "$runner" = as_root ] && echo "root Podman" || echo "$user's Podman")"
  if [ -z "$archive" ]; then
    archive=$(mktemp)
    docker save "$image" -o "$archive"
  fi
  config=$(tar -xOf "$archive" manifest.json | sed -n 's|.*"Config":"blobs/sha256/\([0-9a-f]*\)".*|\1|p')
  # Read by this (root) shell and given on stdin: the rootless user cannot read the archive.
  "$runner" podman load -q <"$archive" >/dev/null
  local_name "$runner" "$image" "$config"
  if [ -z "$config" ] || [ "$("$runner" podman image inspect --format '{{.Id}}' "$image")" != "$config" ]; then
    die "$image did not arrive in $runner's Podman"
  fi
  drop_replaced "$runner" "$current"
  { awk -v r="$runner" -v i="$image" '!($1 == r && $2 == i)' "$copies"; echo "$runner $image $docker_id $config"; } >"$copies.new"
  mv "$copies.new" "$copies"
}
for image in "$@"; do
  docker_id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null) || die "no Docker image $image (build it first: bash scripts/build-images.sh)"
  archive=
  copy_image as_root "$image" "$docker_id"
  copy_image as_user "$image" "$docker_id"
  rm -f "$archive"
done
