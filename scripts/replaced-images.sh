#!/usr/bin/env bash
# Removes the images one build run replaced, and nothing else.
#
#   bash scripts/replaced-images.sh record FILE TAG...   before the build: "TAG ID" for each TAG
#                                                         that exists now
#   bash scripts/replaced-images.sh remove FILE          after it: each recorded ID that no tag
#                                                         points to any more is removed
#
# A rebuild moves a tag to a new image and leaves the old one untagged. Pruning every dangling
# image with the project's labels (what scripts/build-images.sh did before) also deletes other
# people's builds on the same engine, e.g. a second checkout's images replaced a minute ago and
# still used by a running test. Only the ids recorded here, which this run's tags pointed to, are
# candidates. An id that still has a tag (the build reproduced the same image, or someone tagged
# it meanwhile) is kept; so is one a container or a child image still uses (docker refuses).
# On the containerd image store (scripts/docker-engine.sh) an image goes with its last name, so
# there is nothing left to remove; the classic store of older engines keeps it untagged.
set -euo pipefail

log() { printf 'replaced-images: %s\n' "$*" >&2; }

case "${1:-}" in
  record)
    [ "$#" -ge 2 ] || { log "usage: $0 record FILE TAG..."; exit 2; }
    file=$2
    shift 2
    : >"$file"
    for tag in "$@"; do
      id=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null) || continue
      printf '%s %s\n' "$tag" "$id" >>"$file"
    done
    ;;
  remove)
    [ "$#" -eq 2 ] || { log "usage: $0 remove FILE"; exit 2; }
    while read -r tag id; do
      [ -n "$id" ] || continue
      # Gone already (removed with its last tag elsewhere): nothing to do.
      tags=$(docker image inspect -f '{{len .RepoTags}}' "$id" 2>/dev/null) || continue
      if [ "$tags" != 0 ]; then
        continue
      fi
      if docker image rm "$id" >/dev/null 2>&1; then
        log "removed ${id#sha256:} (was $tag)"
      else
        log "kept ${id#sha256:} (was $tag): still in use"
      fi
    done <"$2"
    ;;
  *)
    log "usage: $0 record FILE TAG... | remove FILE"
    exit 2
    ;;
esac
