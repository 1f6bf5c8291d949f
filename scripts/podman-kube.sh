#!/usr/bin/env bash
# Podman 5.4 for `podman kube play`, which plays the Kubernetes examples in test/podman/kube/.
# Debian 12's Podman 4.3.1 cannot play Jobs, and trixie's Podman cannot be apt-installed on
# Debian 12 (it would upgrade libc and remove what apt needs; its binaries want glibc 2.38), so it
# runs in a Debian trixie chroot (docs/containers.md, "podman kube play"):
#
#   bash scripts/podman-kube.sh up [IMAGE ...]  build the chroot when it is not cached, mount what
#                                               Podman needs, copy the images in; prints the root
#   bash scripts/podman-kube.sh down            remove every pod, container and volume, unmount
#                                               everything under the root, drop the container store
#   bash scripts/podman-kube.sh build           only build (or find) the cached chroot; prints it
#
# The chroot (debootstrap --variant=minbase trixie, then podman, runc and catatonit; about 5
# minutes, 380 MB) is cached in $K6_PERSIST_CACHE_DIR (default /var/cache/k6-persist) under a key
# made from the hash of the script's build steps: changing them builds a new one and removes the old.
# Nothing inside the cached tree changes while it is mounted: /run, /tmp and Podman's store
# (/var/lib/containers) are a tmpfs or a scratch directory that `down` throws away, so each `up`
# starts from an empty Podman.
#
# Everything runs on the host's network and namespaces (a chroot is no container): Podman's
# containers must use --network host and reach the tests' servers on 127.0.0.1. One test run at a
# time: `up` first undoes whatever a killed run left mounted. Needs root.
set -euo pipefail

log() { printf 'podman-kube: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, mount, chroot)"

cache=${K6_PERSIST_CACHE_DIR:-/var/cache/k6-persist}
store=$cache/podman-kube-store

# Every mount point at or below $1, deepest first, from this process's mount table.
mounts_under() {
  awk '{ print $5 }' /proc/self/mountinfo |
    while IFS= read -r point; do
      point=$(printf '%b' "${point//\\/\\0}") # mountinfo escapes spaces and the like as \040
      case "$point" in "$1" | "$1"/*) printf '%s\n' "$point" ;; esac
    done | awk '{ print length($0) "\t" $0 }' | sort -rn | cut -f2-
}

unmount_all() {
  local point left
  while IFS= read -r point; do
    [ -n "$point" ] || continue
    umount "$point" 2>/dev/null || umount -l "$point" 2>/dev/null || log "could not unmount $point"
  done < <(mounts_under "$1")
  left=$(mounts_under "$1")
  [ -z "$left" ] || die "still mounted under $1: $left"
}

# What Podman (and apt's maintainer scripts) need of a running system.
mount_system() {
  local r=$1
  # Podman remounts / inside its containers' set-up; in a chroot that is no mount point, `podman
  # load` fails ("remount /, flags: 0x44000"). Private: nothing below propagates back to the host.
  mount --bind "$r" "$r"
  mount --make-private "$r"
  mount -t proc proc "$r/proc"
  mount --rbind /sys "$r/sys"
  mount --make-rslave "$r/sys"
  mount --rbind /dev "$r/dev"
  mount --make-rslave "$r/dev"
  mount -t tmpfs -o mode=0755 tmpfs "$r/run"
  mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
}

mirror() {
  local m
  m=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$m" ] || m=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$m" ] || die "no Debian mirror configured in /etc/apt"
  printf '%s\n' "$m"
}

build() {
  [ -f "$dir/complete" ] && return 0
  command -v debootstrap >/dev/null 2>&1 || {
    log "installing debootstrap"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  local work=$dir.building.$$
  # Whatever happens, nothing stays mounted and no half-built tree is left.
  trap 'unmount_all "$work/root" || true; rm -rf "$work"' EXIT
  mkdir -p "$work"
  log "debootstrap trixie (a few minutes)"
  debootstrap --variant=minbase trixie "$work/root" "$(mirror)" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  # No service may start inside the chroot while packages are installed.
  printf '#!/bin/sh\nexit 101\n' >"$work/root/usr/sbin/policy-rc.d"
  chmod 0755 "$work/root/usr/sbin/policy-rc.d"
  mount_system "$work/root"
  log "installing podman runc catatonit in the chroot (about a minute)"
  # runc, not crun: crun fails on these hybrid cgroups (and would become the default).
  chroot "$work/root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    podman runc catatonit >"$work/apt.log" 2>&1 || { tail -n 20 "$work/apt.log" >&2; die "apt-get install in the chroot failed"; }
  chroot "$work/root" apt-get clean
  unmount_all "$work/root"
  mkdir -p "$work/root/etc/containers"
  cat >"$work/root/etc/containers/containers.conf" <<'EOF'
# Written by k6-persist scripts/podman-kube.sh. No systemd and no logind in this chroot; runc
# because crun does not work on the hybrid cgroups of the build machines.
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  mkdir -p "$work/root/var/lib/containers"
  touch "$work/complete"
  mv "$work" "$dir"
  trap - EXIT
  # Older builds (another version of this script) are no longer used.
  local old
  for old in "$cache"/podman-kube-*; do
    [ "$old" = "$dir" ] || [ "$old" = "$store" ] || case "$old" in *.building.*) ;; *)
      [ -z "$(mounts_under "$old")" ] && rm -rf "$old" ;;
    esac
  done
  log "chroot ready: $root"
}

# The cache key: the hash of what decides the chroot's content (the functions that build it), so
# a change to how it is built gives a new one while changes to up/down reuse the cached tree.
key=$(declare -f build mount_system mirror | sha256sum | cut -c1-16)
dir=$cache/podman-kube-$key
root=$dir/root

in_chroot() { chroot "$root" env PODMAN_IGNORE_CGROUPSV1_WARNING=1 PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

down() {
  if [ -n "$(mounts_under "$root")" ]; then
    # Stop what runs before the mounts go; the containers' own overlay mounts go with them.
    in_chroot podman pod rm --all --force --time 0 >/dev/null 2>&1 || true
    in_chroot podman rm --all --force --time 0 >/dev/null 2>&1 || true
    in_chroot podman volume rm --all --force >/dev/null 2>&1 || true
    unmount_all "$root"
  fi
  unmount_all "$store"
  rm -rf "$store"
}

up() {
  build
  down
  # A failure (also die's exit) leaves nothing mounted.
  trap 'down' EXIT
  mkdir -p "$store"
  mount_system "$root"
  mount --bind "$store" "$root/var/lib/containers"
  local image archive config
  archive=$(mktemp)
  for image in "$@"; do
    docker image inspect "$image" >/dev/null 2>&1 || die "no Docker image $image (bash scripts/build-images.sh)"
    docker save "$image" -o "$archive"
    # Podman names an image by its config digest; Docker's containerd image store by its
    # manifest, so the archive's manifest.json says which id must arrive.
    config=$(tar -xOf "$archive" manifest.json | sed -n 's|.*"Config":"blobs/sha256/\([0-9a-f]*\)".*|\1|p')
    in_chroot podman load -q <"$archive" >/dev/null
    # Docker 26's archives name it docker.io/library/NAME; the manifests use the short name,
    # which Podman resolves to localhost/NAME.
    case "$image" in
      */*) ;;
      *)
        in_chroot podman tag "$config" "localhost/$image"
        in_chroot podman untag "$config" "docker.io/library/$image" 2>/dev/null || true
        ;;
    esac
    if [ -z "$config" ] || [ "$(in_chroot podman image inspect --format '{{.Id}}' "$image")" != "$config" ]; then
      die "$image did not arrive in the chroot's Podman"
    fi
  done
  rm -f "$archive"
  trap - EXIT
  printf '%s\n' "$root"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  build) build; printf '%s\n' "$root" ;;
  *) die "usage: $0 up [IMAGE ...] | down | build" ;;
esac
