# k6-persist: a drop-in replacement for the grafana/k6 image whose `k6` keeps the k6 Cloud login
# on a mounted volume. The real k6 stays where it is, at /usr/bin/k6; `k6` on PATH becomes a
# small Node program in /usr/local/bin, ahead of /usr/bin, that hands over to it.
#
#   docker buildx bake                 # see docker-bake.hcl (targets default, with-browser, release)
#   docker build -t k6-persist .       # the same image without bake
#
# No `# syntax=` line on purpose: everything here works with the Dockerfile frontend built into
# Docker 20.10+ BuildKit, so a build never has to pull a frontend image from a registry.
#
# Build secrets, both optional (for builders behind a private npm registry or a TLS-intercepting
# proxy); without them npm uses the public registry and Node's own CA list:
#   --secret id=npmrc,src=$HOME/.npmrc
#       mounted as the user npmrc of `npm ci` (registry, auth tokens, proxy settings). It is never
#       written to a layer.
#   --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt
#       a PEM bundle of the CAs to trust. It is added to Node's CAs (NODE_EXTRA_CA_CERTS) and
#       becomes npm's `cafile`. npm's `cafile` REPLACES npm's list, so pass a full bundle (such as
#       the system one, which carries the proxy's CA) rather than the proxy's CA alone.

# The k6 image to extend (grafana/k6 is alpine, so Node comes from node:*-alpine: same musl).
ARG K6_IMAGE=grafana/k6:2.2.0
# Node for bundling the wrapper and as its runtime in the final image.
ARG NODE_IMAGE=node:24-alpine

# ---------------------------------------------------------------------------------------------
# Bundle src/ into one self-contained ESM file. The output is plain JavaScript, so this stage
# runs on the build machine's own platform even in a multi-platform build.
FROM --platform=${BUILDPLATFORM} ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: no install script of any dependency runs (esbuild finds its platform binary
# through its optional dependency without one). The npm cache lives in a cache mount, so a
# rebuild after a lockfile change downloads only what changed.
RUN --mount=type=cache,id=k6-persist-npm,target=/root/.npm,sharing=locked \
    --mount=type=secret,id=npmrc,target=/root/.npmrc,required=false \
    --mount=type=secret,id=ca,target=/run/secrets/ca,required=false \
    set -eu; \
    if [ -s /run/secrets/ca ]; then \
      export NODE_EXTRA_CA_CERTS=/run/secrets/ca npm_config_cafile=/run/secrets/ca; \
    fi; \
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=warn
COPY tsconfig.json ./
COPY scripts/build.ts scripts/
COPY src/ src/
# Node itself, not `npm run build`: that script resolves `node` to the devDependency `node`,
# whose binary comes from an install script that --ignore-scripts skipped.
RUN node scripts/build.ts --node-path /usr/libexec/k6-persist/node

# ---------------------------------------------------------------------------------------------
# The Node runtime of NODE_IMAGE: the binary and the C++ runtime it links against, which a bare
# alpine (and so grafana/k6) does not have. The globs take the versioned files and their
# symlinks; `cp -a` keeps the symlinks as symlinks.
FROM ${NODE_IMAGE} AS node-runtime
RUN set -eu; \
    mkdir -p /out/lib; \
    cp -a /usr/local/bin/node /out/node; \
    cp -a /usr/lib/libstdc++.so.6* /usr/lib/libgcc_s.so.1 /out/lib/

# ---------------------------------------------------------------------------------------------
# That Node without its debug info and static symbol table (what `strip` removes: ~18 MB of a
# 127 MB binary that carries them). The target platform's binary is read as data by the BUILD
# platform's Node (scripts/strip-elf.ts), so this needs neither binutils, nor apk's network, nor
# emulation, and works the same for linux/amd64 and linux/arm64. A binary with nothing to strip
# is left as it is.
FROM --platform=${BUILDPLATFORM} ${NODE_IMAGE} AS node-stripped
COPY scripts/strip-elf.ts /strip-elf.ts
COPY --from=node-runtime /out /out
RUN node /strip-elf.ts /out/node

# ---------------------------------------------------------------------------------------------
FROM ${K6_IMAGE}
ARG K6_IMAGE
ARG VERSION=0.0.0-dev
ARG REVISION=unknown

# Root for the one RUN that adds to the filesystem; the base's user comes back below.
USER root
# In one layer, and nothing of the base's is changed or moved (a file of the base touched here
# would be copied whole into this layer: /usr/bin/k6, tens of MB, would then ship twice):
#  - Node goes to /usr/libexec/k6-persist/node: private, not on PATH, so nothing in the image
#    that runs `node` changes behaviour.
#  - Its C++ runtime goes to /usr/lib unless the base already has one there (the -with-browser
#    image does, for Chromium): the base's copy is what its own packages were built against and
#    is not replaced; the `node --version` check below fails the build if it cannot run Node.
#  - The real k6 stays at /usr/bin/k6. The wrapper is /usr/local/bin/k6, which comes first on the
#    base's PATH (alpine's: /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin), so
#    every way of starting `k6` by name goes through it: the ENTRYPOINT, a PATH lookup,
#    Kubernetes `command: ["k6", ...]`, the k6-operator's `sh -c 'command -v k6'`. The build
#    fails if a base puts /usr/bin first. Only a caller naming /usr/bin/k6 itself gets plain k6
#    (README, "Building the image").
#  - k6-version holds what `k6 version` printed at build time: the wrapper reads the k6 major
#    version from it (for advice that differs between 1.x and 2.x) without starting k6 first.
#  - /usr/local/bin/k6 is the launcher (src/launcher.ts): it hands a command that never reads the
#    config (`version`, `help`, ...) straight to k6, and runs the wrapper bundle for any other from
#    a V8 code cache made below, so no k6 start compiles the bundle first.
#  - /usr/local/bin/k6-persist is the wrapper's own command (its status report), a bundle of its
#    own so that k6 starts never load it.
#  - The mount points a user names (/config, and k6's own default directory) exist, owned by the
#    image's user: Docker fills a new, empty named volume from the image directory it is mounted
#    over, ownership included, so `-v k6-config:/config` is writable by uid 12345 from the first
#    run. Without them Docker creates the volume root-owned. Group 0 with write access is for
#    OpenShift, whose random uids run with gid 0.
# The bind mount brings the runtime in without a layer of its own. Its target is alpine's empty
# /mnt, an existing directory, so no empty mount point is left behind in the image.
RUN --mount=type=bind,from=node-stripped,source=/out,target=/mnt \
    set -eu; \
    case ":$PATH:" in \
      *:/usr/local/bin:*:/usr/bin:*) ;; \
      *) echo "error: PATH=$PATH does not put /usr/local/bin before /usr/bin, so k6 would not find the wrapper" >&2; exit 1 ;; \
    esac; \
    mkdir -p -m 0755 /usr/libexec/k6-persist /usr/local/bin; \
    cp -a /mnt/node /usr/libexec/k6-persist/node; \
    [ -e /usr/lib/libstdc++.so.6 ] || cp -a /mnt/lib/libstdc++.so.6* /usr/lib/; \
    [ -e /usr/lib/libgcc_s.so.1 ] || cp -a /mnt/lib/libgcc_s.so.1 /usr/lib/; \
    /usr/libexec/k6-persist/node --version >/dev/null; \
    /usr/bin/k6 version >/usr/libexec/k6-persist/k6-version; \
    ln -s /usr/libexec/k6-persist/k6-persist-launcher.cjs /usr/local/bin/k6; \
    ln -s /usr/libexec/k6-persist/k6-persist-cli.cjs /usr/local/bin/k6-persist; \
    mkdir -p /config /home/k6/.config/k6; \
    chown 12345:0 /config /home/k6/.config /home/k6/.config/k6; \
    chmod 0770 /config /home/k6/.config /home/k6/.config/k6

# Last, because they change most often. Their shebang is #!/usr/libexec/k6-persist/node.
COPY --from=build /src/dist/k6-persist.cjs /src/dist/k6-persist-cli.cjs /src/dist/k6-persist-launcher.cjs /usr/libexec/k6-persist/

# Where the wrapper finds the real k6 (an absolute path: never the wrapper itself).
ENV K6_PERSIST_K6_BIN=/usr/bin/k6

# The V8 code cache of the wrapper bundle: made by running the wrapper once with this image's own
# Node (emulated for a foreign platform, as the `node --version` check above already is), so it
# holds the functions a start runs, not only the bundle's top level. Spawn hand-over, because the
# cache is written when the process exits and an execve never does. One root-owned 0644 file:
# every uid reads it (Node's own compile cache keeps one per uid), no run writes to the image.
# The build fails when the result is not used by the next start. (A K6_PERSIST_* setting sends
# even `version` through the wrapper: src/boot/direct-start.ts.)
RUN set -eu; \
    K6_PERSIST_WRITE_CODE_CACHE=1 K6_PERSIST_HANDOVER=spawn /usr/local/bin/k6 version >/dev/null; \
    chmod 0644 /usr/libexec/k6-persist/k6-persist.cjs.v8-cache; \
    K6_PERSIST_DEBUG=1 /usr/local/bin/k6 version 2>&1 >/dev/null | grep -q 'code cache: used'

LABEL org.opencontainers.image.title="k6-persist" \
      org.opencontainers.image.description="grafana/k6 whose k6 Cloud login persists on a mounted volume" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="${K6_IMAGE}"
# org.opencontainers.image.base.digest: a Dockerfile cannot learn its base's digest, so the
# release's bake targets add that label (BASE_DIGESTS in docker-bake.hcl).

# Deliberately NO `VOLUME` for the config directory: a VOLUME gives every container an anonymous
# volume of its own, which `docker run --rm` deletes on exit, token included, and which the next
# run does not see. The user mounts a named volume or a host directory instead.

# As in grafana/k6: numeric user (Kubernetes runAsNonRoot can check it), HOME /home/k6 from
# /etc/passwd (not set as ENV, so an unknown --user gets HOME=/ exactly as with grafana/k6),
# the same working directory and entrypoint. sh stays, for the k6-operator.
USER 12345
WORKDIR /home/k6
ENTRYPOINT ["k6"]
