#!/usr/bin/env bash
# Records the ABI of the current tree as the baseline (symbols.txt and
# declarations.txt here): installs into target/abi-prefix with install.sh
# (release build in target/cinstall, as ctest does), then runs abi.py update.
# It refuses an incompatible change unless MAJOR was bumped in Cargo.toml;
# --reviewed records a change you checked is compatible. See README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
prefix="$root/target/abi-prefix"
rm -rf "$prefix"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/cinstall}" "$here/../install.sh" "$prefix" >/dev/null
python3 "$here/abi.py" update "$@" "$prefix/lib/librtcpc.so" "$prefix/include/rtcpc/rtcpc.h"
