#!/usr/bin/env bash
# The image's main job, end to end, on one machine:
#   1. build the image (on the real grafana/k6 when it can be pulled, else on the local stand-in),
#   2. start a mock k6 Cloud API on 127.0.0.1,
#   3. log in to it in one container, with only a named volume mounted at /config,
#   4. run a cloud test in a second container with the same volume and no token anywhere,
#   5. print what reached the cloud, and the volume's config file (token masked).
# As root on a fresh Debian machine it installs what it needs first (npm ci, Docker engine).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ ! -x node_modules/.bin/vitest ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing dependencies"
  npm ci --no-audit --no-fund
fi
bash scripts/docker-engine.sh
node=node_modules/.bin/node

say "building the image"
if timeout 60 docker pull -q grafana/k6:2.2.0 >/dev/null 2>&1 && timeout 60 docker pull -q node:24-alpine >/dev/null 2>&1; then
  bash scripts/build-images.sh default
  image=k6-persist:latest
else
  echo "grafana/k6 cannot be pulled here: building on the local stand-in base (scripts/standin-images.sh)"
  bash scripts/build-images.sh test-2-2-0
  image=k6-persist:test-2.2.0
fi

token="demo_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
volume="k6-persist-demo-$$"
work=$(mktemp -d)
chmod 0755 "$work"  # the container user (uid 12345) reads the script from it
cloud_pid=
cleanup() {
  if [ -n "$cloud_pid" ]; then kill "$cloud_pid" 2>/dev/null || true; fi
  docker volume rm -f "$volume" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

say "starting a mock k6 Cloud on 127.0.0.1"
$node test/mock-cloud/cli.ts --port 0 --token "$token" --stack "demo=4242:77" >"$work/cloud.log" 2>"$work/cloud.err" &
cloud_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/cloud.log" ] && break
  sleep 0.1
done
url=$(head -n 1 "$work/cloud.log")
case "$url" in http://127.0.0.1:*) ;; *) echo "mock cloud did not start: $(cat "$work/cloud.err")" >&2; exit 1 ;; esac
echo "mock cloud at $url"
cloud_env=(-e "K6_CLOUD_HOST=$url" -e "K6_CLOUD_HOST_V6=$url")

cat >"$work/script.js" <<'JS'
import http from 'k6/http';
export const options = { vus: 1, duration: '2s' };
// standin: duration=1s
export default function () {}
JS

say "container 1: docker run --rm -v $volume:/config $image cloud login --token <token> --stack demo"
docker run --rm --network host "${cloud_env[@]}" -v "$volume:/config" "$image" \
  cloud login --token "$token" --stack demo

say "container 2: docker run --rm -v $volume:/config $image cloud run /scripts/script.js   (no token given)"
docker run --rm --network host "${cloud_env[@]}" -v "$volume:/config" -v "$work:/scripts:ro" "$image" \
  cloud run /scripts/script.js

say "what reached the mock k6 Cloud"
sleep 0.2
# shellcheck disable=SC2016 # JavaScript, not shell
tail -n +2 "$work/cloud.log" | $node -e '
  const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").filter(Boolean);
  for (const line of lines) {
    const r = JSON.parse(line);
    const mask = (v) => v && v.replace(/(Bearer|Token) (\S{4})\S+(\S{4})/, "$1 $2****$3");
    console.log(`${r.method} ${r.path}  Authorization: ${mask(r.authorization) ?? "-"}  X-Stack-Id: ${r.stackId ?? "-"}`);
  }'

say "the config file on the volume (k6-persist status)"
docker run --rm -v "$volume:/config" --entrypoint k6-persist "$image" status
