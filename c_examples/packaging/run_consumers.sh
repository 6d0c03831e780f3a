#!/usr/bin/env bash
# Builds and runs a consumer out of tree against an rtcpc installed in PREFIX
# (by install.sh), the way an application would:
#   run_consumers.sh pkgconfig-shared|pkgconfig-static|find-package PREFIX WORKDIR OFFER
# pkgconfig-*: cc with `pkg-config [--static] --cflags --libs rtcpc`;
# find-package: a CMake project with find_package(rtcpc) and CMAKE_PREFIX_PATH=PREFIX,
# linking rtcpc::rtcpc (C and C++ over rtcpc.hpp) and rtcpc::rtcpc_static.
# A shared consumer must need librtcpc.so.MAJOR; a static one must not need it.
set -euo pipefail
mode="$1" prefix="$2" work="$3" offer="$4"
here="$(cd "$(dirname "$0")" && pwd)"
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
soname="librtcpc.so.$(sed -n 's/^#define RTCPC_VERSION_MAJOR //p' "$prefix/include/rtcpc/rtcpc.h")"
CC="${CC:-cc}"

needs() { readelf -d "$1" | grep -F "(NEEDED)" | grep -F "[$soname]" >/dev/null; }
run_shared() {
  needs "$1" || fail "$1 does not need $soname"
  # Not installed in a system directory: the loader is told where.
  LD_LIBRARY_PATH="$prefix/lib" "$@" "$offer"
}
run_static() {
  if needs "$1"; then fail "$1 needs $soname: it was not linked statically"; fi
  "$@" "$offer"
}

case "$mode" in
  pkgconfig-shared)
    echo "pkg-config --cflags --libs rtcpc: $(pkg-config --cflags --libs rtcpc)"
    set -x
    "$CC" -std=c11 -Wall -Wextra -Werror -o "$work/consumer" "$here/consumer/consumer.c" \
      $(pkg-config --cflags --libs rtcpc)
    set +x
    run_shared "$work/consumer"
    ;;
  pkgconfig-static)
    # -l:librtcpc.a picks the archive although librtcpc.so sits next to it;
    # Libs.private brings what Rust's std needs.
    libs="$(pkg-config --static --libs rtcpc)"
    echo "pkg-config --static --libs rtcpc: $libs"
    set -x
    "$CC" -std=c11 -Wall -Wextra -Werror -o "$work/consumer" "$here/consumer/consumer.c" \
      $(pkg-config --cflags rtcpc) ${libs/-lrtcpc/-l:librtcpc.a}
    set +x
    run_static "$work/consumer"
    ;;
  find-package)
    set -x
    cmake -S "$here/consumer" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$prefix"
    cmake --build "$work/build" -j2
    set +x
    run_shared "$work/build/consumer_shared"
    run_static "$work/build/consumer_static"
    run_shared "$work/build/consumer_cpp"
    ;;
  *) fail "unknown mode $mode" ;;
esac
echo "OK: $mode"
