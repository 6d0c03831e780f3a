#!/usr/bin/env bash
# The fuzz campaign (not part of tests/run-all.sh): each target runs for a
# fixed budget, seeded with the SDP corpus. Needs cargo-fuzz
# (cargo install cargo-fuzz); stable rustc serves as nightly through
# RUSTC_BOOTSTRAP=1, the only toolchain here.
#
#   bash tests/fuzz/run.sh [SECONDS_PER_TARGET]     default 300
#
# A crash leaves its input in tests/fuzz/artifacts/<target>/; copy it to
# tests/data/fuzz-regressions/ so tests/fuzz_regressions.rs replays it.
set -euo pipefail
cd "$(dirname "$0")/../.."
budget=${1:-300}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
for target in answer_bytes mutate_lines; do
  corpus=tests/fuzz/corpus/$target
  mkdir -p "$corpus"
  [ "$target" = answer_bytes ] && cp -n tests/data/corpus/offers/*.sdp "$corpus"/
  echo "== $target for ${budget}s"
  cargo fuzz run --fuzz-dir tests/fuzz "$target" "$corpus" -- \
    -max_total_time="$budget" -max_len=262144 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    2>&1 | tee "tests/fuzz/$target.log" | grep -E "^#[0-9]+ +(INITED|DONE)|stat::number_of_executed_units|SUMMARY|ERROR" || true
  if grep -q "SUMMARY\|ERROR: libFuzzer" "tests/fuzz/$target.log"; then
    echo "finding in $target: see tests/fuzz/$target.log and tests/fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
