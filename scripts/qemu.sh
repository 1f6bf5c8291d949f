#!/usr/bin/env bash
# Emulation of the other release platform for the Docker engine: QEMU's user-mode emulator
# registered with the kernel's binfmt_misc, so that an arm64 binary (a RUN step of an arm64
# build, `docker run --platform linux/arm64`) runs on this amd64 machine (on an arm64 machine,
# the same for amd64 with qemu-x86_64). Idempotent and quick when done.
#
#   - qemu-user-static and binfmt-support from Debian (apt-get install; nothing else changes).
#   - binfmt_misc mounted: PID 1 here is not systemd, so nothing mounts it at boot.
#   - qemu-aarch64 enabled. Debian registers it with the F (fix-binary) flag: the kernel opens the
#     emulator when it is registered, so it also works inside containers, whose file systems do
#     not hold /usr/bin/qemu-aarch64-static. The script refuses an entry without F (someone
#     else's registration that would fail in containers).
set -euo pipefail

log() { printf 'qemu: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

binfmt=/proc/sys/fs/binfmt_misc
case "$(uname -m)" in
  x86_64) emulator=qemu-aarch64 ;;
  aarch64) emulator=qemu-x86_64 ;;
  *) die "no release platform is native here ($(uname -m)): emulation of both is not set up by this script" ;;
esac
entry=$binfmt/$emulator

# Enabled with the F flag: everything below is done already.
entry_ok() { [ -r "$entry" ] && grep -qx enabled "$entry" && grep -q '^flags:.*F' "$entry"; }
if entry_ok; then exit 0; fi

[ "$(id -u)" -eq 0 ] || die "needs root to install qemu-user-static and register it with binfmt_misc"

if ! command -v update-binfmts >/dev/null || [ ! -x "/usr/bin/$emulator-static" ]; then
  log "installing qemu-user-static and binfmt-support from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static binfmt-support >/dev/null
fi

if ! mountpoint -q "$binfmt"; then
  log "mounting binfmt_misc on $binfmt"
  mount -t binfmt_misc binfmt_misc "$binfmt"
fi

# The package's postinst may have registered it already (when binfmt_misc was mounted then).
if [ ! -e "$entry" ]; then
  log "enabling $emulator"
  update-binfmts --enable "$emulator"
fi
[ -e "$entry" ] || die "update-binfmts did not register $emulator ($entry is missing)"
if ! grep -qx enabled "$entry"; then
  echo 1 >"$entry"
fi
grep -q '^flags:.*F' "$entry" ||
  die "$emulator is registered without the F flag ($(grep '^flags' "$entry")): arm64 binaries would not run inside containers; remove it (echo -1 > $entry) and run this again"

# That the other platform's programs really run is shown by scripts/standin-images.sh, which
# runs its images (busybox, Node) for both platforms.
log "$emulator enabled ($(grep '^flags' "$entry"))"
