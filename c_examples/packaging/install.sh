#!/usr/bin/env bash
# Installs rtcpc into PREFIX the way a C or C++ project consumes it:
#
#   c_examples/packaging/install.sh /usr/local        (or any PREFIX)
#
# 1. `cargo cinstall --release --prefix=PREFIX --libdir=lib` (cargo-c 0.10.24:
#    `cargo install cargo-c --version 0.10.24 --locked`) installs
#      lib/librtcpc.so.MAJOR.MINOR.PATCH, its SONAME link lib/librtcpc.so.MAJOR
#      and lib/librtcpc.so, lib/librtcpc.a,
#      include/rtcpc/rtcpc.h and include/rtcpc/rtcpc.hpp,
#      lib/pkgconfig/rtcpc.pc (static link flags in Libs.private);
# 2. then this script adds the CMake package cargo-c does not write:
#      lib/cmake/rtcpc/rtcpcConfig.cmake and rtcpcConfigVersion.cmake
#    (imported targets rtcpc::rtcpc and rtcpc::rtcpc_static), made from what
#    step 1 installed (version and Libs.private of rtcpc.pc).
#
# Extra arguments go to cargo cinstall (e.g. --destdir=DIR for staging,
# --target-dir=DIR). CARGO_TARGET_DIR is honoured like cargo's.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 PREFIX [cargo cinstall arguments...]" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mkdir -p "$1"
prefix="$(cd "$1" && pwd)"
shift

if ! cargo cinstall --version >/dev/null 2>&1; then
  echo "cargo cinstall is missing: cargo install cargo-c --version 0.10.24 --locked" >&2
  exit 1
fi
cargo cinstall --release --manifest-path "$root/Cargo.toml" \
  --prefix="$prefix" --libdir=lib "$@"

# With --destdir the files land under DESTDIR/PREFIX, and the package is
# written there too (it only records paths relative to itself).
destdir=""
for a in "$@"; do
  case "$a" in --destdir=*) destdir="${a#--destdir=}" ;; esac
done
dest="${destdir:+$destdir/}$prefix"
dest="${dest//\/\//\/}"

pc="$dest/lib/pkgconfig/rtcpc.pc"
version="$(sed -n 's/^Version: *//p' "$pc")"
libs_private="$(sed -n 's/^Libs.private: *//p' "$pc")"
if ! command -v cmake >/dev/null; then
  echo "cmake not found: skipped the CMake package (pkg-config works without it)" >&2
  exit 0
fi
cmake -DDEST="$dest" -DVERSION="$version" -DLIBS_PRIVATE="$libs_private" \
  -DSIZEOF_VOID_P="$(($(getconf LONG_BIT) / 8))" \
  -P "$here/write_cmake_package.cmake"
echo "Installed rtcpc $version into $dest"
