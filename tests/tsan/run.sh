#!/usr/bin/env bash
# ThreadSanitizer over the C stress test, tests/c/stress.c (8 threads on
# their own connections, then 8 threads on one shared connection).
#
# rtcpc and its dependencies are built with -Zsanitizer=thread: only the
# stable toolchain exists here, so RUSTC_BOOTSTRAP=1 unlocks the flag, and
# Rust's std stays uninstrumented (no rust-src to rebuild it). The C side is
# built with gcc -fsanitize=thread and everything is linked against rustc's
# own TSan runtime, since gcc 12's libtsan lacks __tsan_memcpy, which LLVM
# emits. A canary with a known data race must be reported, or this fails:
# a quiet sanitizer proves nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/tsan
mkdir -p "$out"
RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zsanitizer=thread -Cunsafe-allow-abi-mismatch=sanitizer" \
  CARGO_TARGET_DIR=target/tsan-cargo \
  cargo build --release --lib --target x86_64-unknown-linux-gnu
rt="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/lib/librustc-stable_rt.tsan.a"
link() { gcc "$@" -Wl,--whole-archive "$rt" -Wl,--no-whole-archive -lpthread -ldl -lm -lstdc++; }

gcc -std=c11 -O1 -g -fsanitize=thread -c tests/tsan/canary_race.c -o "$out/canary.o"
link "$out/canary.o" -o "$out/canary"
if TSAN_OPTIONS=exitcode=66 "$out/canary" >/dev/null 2>"$out/canary.log"; then
  echo "tsan: the canary race was not reported: ThreadSanitizer is not working" >&2
  exit 1
fi
grep -q "WARNING: ThreadSanitizer: data race" "$out/canary.log"

gcc -std=c11 -O1 -g -fsanitize=thread -Iinclude \
  -DRTCPC_DEFAULT_OFFER="\"$PWD/c_examples/offers/chrome-156-audio-video-data.sdp\"" \
  -c tests/c/stress.c -o "$out/stress.o"
link "$out/stress.o" target/tsan-cargo/x86_64-unknown-linux-gnu/release/librtcpc.a -o "$out/stress"
TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$out/stress" 8 200
echo "tsan: stress test clean under ThreadSanitizer"
