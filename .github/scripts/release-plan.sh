#!/usr/bin/env bash
# Which k6 versions a release builds, from two tag lists (one tag a line):
#
#   bash .github/scripts/release-plan.sh MODE UPSTREAM_TAGS PUBLISHED_TAGS SUPPORTED
#
#   MODE            all: every supported release line (a k6-persist release, a manual run)
#                   new: only lines whose newest k6 is not published yet (the schedule)
#   UPSTREAM_TAGS   file: the tags of grafana/k6 (skopeo list-tags ... | jq -r '.Tags[]')
#   PUBLISHED_TAGS  file: the tags already in our repository (may be empty or missing)
#   SUPPORTED       space-separated k6 versions (docker-bake.hcl's RELEASE_K6_VERSIONS): the
#                   oldest of them is where the supported release lines start
#
# A release line is a major.minor; what gets built is the newest patch of each line from the
# oldest supported one on, so the moving <major.minor> tags never move back to an older patch.
# A new minor or major of k6 is a new line and is picked up by itself. Only plain x.y.z tags
# count (not -with-browser, release candidates, `latest` or `master`).
#
# Prints, for $GITHUB_OUTPUT:
#   versions=<space-separated versions to build, oldest first; empty: nothing to do>
#   latest=<the newest version that is or will be published: it gets `latest`>
set -euo pipefail

die() { printf 'release-plan: %s\n' "$*" >&2; exit 1; }

[ "$#" -eq 4 ] || die "usage: release-plan.sh all|new UPSTREAM_TAGS PUBLISHED_TAGS SUPPORTED"
mode=$1 upstream_file=$2 published_file=$3 supported=$4
case "$mode" in all | new) ;; *) die "MODE must be all or new, not '$mode'" ;; esac
[ -r "$upstream_file" ] || die "cannot read the upstream tag list $upstream_file"

semver() { { grep -E '^[0-9]+\.[0-9]+\.[0-9]+$' || true; } | sort -u -V; }
line_of() { printf '%s\n' "${1%.*}"; }

mapfile -t upstream < <(semver <"$upstream_file")
[ "${#upstream[@]}" -gt 0 ] || die "no x.y.z tag in $upstream_file: is it the list of grafana/k6's tags?"
published=()
if [ -r "$published_file" ]; then mapfile -t published < <(semver <"$published_file"); fi

read -ra supported_list <<<"$supported"
oldest=$( ( [ "${#supported_list[@]}" -eq 0 ] || printf '%s\n' "${supported_list[@]}" ) | semver | head -n 1)
[ -n "$oldest" ] || die "SUPPORTED holds no x.y.z version: '$supported'"
oldest_line=$(line_of "$oldest")

# The newest patch of each line, from the oldest supported line on.
declare -A newest_of_line=()
for v in "${upstream[@]}"; do
  line=$(line_of "$v")
  # sort -V on the lines keeps the ones not older than the oldest supported line.
  [ "$(printf '%s\n%s\n' "$oldest_line" "$line" | sort -V | head -n 1)" = "$oldest_line" ] || continue
  newest_of_line[$line]=$v
done
mapfile -t candidates < <(printf '%s\n' "${newest_of_line[@]}" | sort -V)

is_published() {
  local v
  for v in "${published[@]}"; do [ "$v" = "$1" ] && return 0; done
  return 1
}

build=()
for v in "${candidates[@]}"; do
  if [ "$mode" = all ] || ! is_published "$v"; then build+=("$v"); fi
done

latest=$(printf '%s\n' "${candidates[@]}" "${published[@]}" | semver | tail -n 1)
printf 'versions=%s\n' "${build[*]}"
printf 'latest=%s\n' "$latest"
