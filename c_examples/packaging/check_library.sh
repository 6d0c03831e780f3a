#!/usr/bin/env bash
# Checks an install made by install.sh: the files, the exported symbols of the
# shared library (rtc_* only), its SONAME and links, the static library, the
# headers, rtcpc.pc and the CMake package. Usage: check_library.sh PREFIX
set -euo pipefail
prefix="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
fail() { echo "FAIL: $*" >&2; exit 1; }
hdr="$prefix/include/rtcpc/rtcpc.h"
[ -f "$hdr" ] || fail "$hdr missing"
major="$(sed -n 's/^#define RTCPC_VERSION_MAJOR \([0-9]*\)$/\1/p' "$hdr")"
minor="$(sed -n 's/^#define RTCPC_VERSION_MINOR \([0-9]*\)$/\1/p' "$hdr")"
patch="$(sed -n 's/^#define RTCPC_VERSION_PATCH \([0-9]*\)$/\1/p' "$hdr")"
version="$major.$minor.$patch"
so="$prefix/lib/librtcpc.so.$version"

echo "== installed files"
(cd "$prefix" && find . -type f -printf '%p (%s bytes)\n' | sed 's|^\./||' | sort)
(cd "$prefix" && find . -type l -printf '%p -> %l\n' | sed 's|^\./||' | sort)

for f in "$so" "$prefix/lib/librtcpc.a" "$prefix/include/rtcpc/rtcpc.hpp" \
         "$prefix/lib/pkgconfig/rtcpc.pc" "$prefix/lib/cmake/rtcpc/rtcpcConfig.cmake" \
         "$prefix/lib/cmake/rtcpc/rtcpcConfigVersion.cmake"; do
  [ -f "$f" ] || fail "$f missing"
done
cmp -s "$hdr" "$root/include/rtcpc.h" || fail "installed rtcpc.h differs from include/rtcpc.h"
cmp -s "$prefix/include/rtcpc/rtcpc.hpp" "$root/include/rtcpc.hpp" || fail "installed rtcpc.hpp differs"

echo "== SONAME and links"
soname="$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
echo "SONAME $soname"
[ "$soname" = "librtcpc.so.$major" ] || fail "SONAME is '$soname', expected librtcpc.so.$major"
[ "$(readlink "$prefix/lib/librtcpc.so.$major")" = "librtcpc.so.$version" ] \
  || fail "lib/librtcpc.so.$major does not link to librtcpc.so.$version"
[ "$(readlink -f "$prefix/lib/librtcpc.so")" = "$(readlink -f "$so")" ] \
  || fail "lib/librtcpc.so does not lead to librtcpc.so.$version"
readelf -d "$so" | grep -E 'NEEDED|SONAME|RUNPATH|RPATH' || true
if readelf -d "$so" | grep -E 'RPATH|RUNPATH'; then fail "the library carries an rpath"; fi

echo "== exported symbols"
syms="$(nm -D --defined-only "$so" | awk '{print $3}' | sort)"
others="$(grep -v '^rtc_' <<<"$syms" || true)"
echo "$(wc -l <<<"$syms") defined dynamic symbols, all rtc_*: $([ -z "$others" ] && echo yes || echo no)"
[ -z "$others" ] || fail "symbols outside rtc_* are exported:
$others"
# Every function the header declares is exported.
# (comments stripped by the preprocessor, which expands nothing with -fpreprocessed)
decls="$(${CC:-cc} -fpreprocessed -dD -E -P -x c "$hdr" | grep -oE '\brtc_[a-z0-9_]+\(' | tr -d '(' | sort -u)"
missing="$(comm -23 <(echo "$decls") <(echo "$syms"))"
[ -z "$missing" ] || fail "declared in rtcpc.h but not exported: $missing"
undeclared="$(comm -13 <(echo "$decls") <(echo "$syms"))"
[ -z "$undeclared" ] || fail "exported but not declared in rtcpc.h: $undeclared"

echo "== static library"
nm --defined-only "$prefix/lib/librtcpc.a" 2>/dev/null | grep ' T rtc_pc_new$' >/dev/null \
  || fail "librtcpc.a does not define rtc_pc_new"

echo "== rtcpc.pc"
cat "$prefix/lib/pkgconfig/rtcpc.pc"
grep -q '^Libs.private: .*-l' "$prefix/lib/pkgconfig/rtcpc.pc" || fail "rtcpc.pc has no Libs.private"
grep -q "^Version: $version\$" "$prefix/lib/pkgconfig/rtcpc.pc" || fail "rtcpc.pc's Version is not $version"
echo "OK: rtcpc $version, SONAME $soname, $(wc -l <<<"$syms") symbols (rtc_* only)"
