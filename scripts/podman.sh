#!/usr/bin/env bash
# Podman for the Podman tests (test/podman/), as root and rootless, on a Debian 12 machine
# (docs/containers.md, "Podman"): Debian's podman 4.3.1 with what it needs here, a user for the
# rootless tests, and the images under test copied in from the Docker engine.
#
#   bash scripts/podman.sh [IMAGE ...]
#
# Idempotent and quick once done: packages, files and the user are only made when missing, and an
# image is copied only when the Podman store does not hold the same image id as Docker. Needs root.
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
# Podman keeps Docker's image id (the config digest), so equal ids mean the same image. An image
# this script replaced is removed again once nothing names it, so rebuilds do not fill the disk.
drop_replaced() { # RUNNER OLD_ID
  [ -n "$2" ] || return 0
  [ -z "$("$1" podman image inspect --format '{{join .RepoTags ","}}' "$2" 2>/dev/null)" ] || return 0
  "$1" podman rmi "$2" >/dev/null 2>&1 || true
}
for image in "$@"; do
  docker_id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null) || die "no Docker image $image (build it first: bash scripts/build-images.sh)"
  old=$(as_root podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  if [ "$old" != "${docker_id#sha256:}" ]; then
    log "copying $image into root Podman"
    as_root podman pull -q "docker-daemon:$image" >/dev/null
    drop_replaced as_root "$old"
  fi
  old=$(as_user podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  if [ "$old" != "${docker_id#sha256:}" ]; then
    # The user cannot reach Docker's socket: a docker save archive on stdin instead.
    log "copying $image into $user's Podman"
    docker save "$image" | as_user podman load -q >/dev/null
    drop_replaced as_user "$old"
  fi
done
