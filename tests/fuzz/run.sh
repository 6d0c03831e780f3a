#!/usr/bin/env bash
# The fuzz campaign (not part of tests/run-all.sh): each target runs for a
# fixed budget, one after another, seeded with realistic inputs. Needs
# cargo-fuzz (cargo install cargo-fuzz --locked, done here when missing);
# stable rustc serves as nightly through RUSTC_BOOTSTRAP=1, the only
# toolchain here.
#
#   bash tests/fuzz/run.sh [SECONDS_PER_TARGET]         default 300
#   RUNS=1000000 bash tests/fuzz/run.sh [MAX_SECONDS]   N executions per target
#                                                       (MAX_SECONDS, default 3600, still caps each)
# Other settings (environment):
#   TARGETS="answer_bytes mutate_lines offer_answer"   the targets, in order
#   MAX_LEN=65536       largest input (the seeds are 1-30 KiB of SDP)
#   SANITIZER=none      cargo fuzz -s for the campaign: none runs ~25x faster
#                       than address here (rtcpc is malloc-heavy Rust)
#   ASAN_REPLAY=1       then replay each target's whole corpus (what the
#                       campaign kept) under AddressSanitizer; 0 skips it
#   FUZZ_TARGET_DIR     cargo's target dir for the campaign build (default
#                       tests/fuzz/target for address, tests/fuzz/target/<sanitizer>
#                       for the others, so the two builds do not evict each other)
# Share the machine: nice -n 19 bash tests/fuzz/run.sh
#
# Targets: answer_bytes (bytes as the remote offer; seeds
# tests/data/corpus/offers), mutate_lines (line edits over shipped offers),
# offer_answer (bytes as the remote answer to an rtcpc offer; seeds
# tests/fuzz/seeds/offer_answer, see drive_offer_answer in driver.rs).
# Every target uses the driver's shared configuration: one certificate for
# the whole process, so an execution costs the negotiation only.
# Per target it prints the final coverage line, executions, exec/s, wall time.
#
# A crash leaves its input in tests/fuzz/artifacts/<target>/; minimize it
# (cargo fuzz tmin --fuzz-dir tests/fuzz <target> <file>) and copy it to
# tests/data/fuzz-regressions/ (named offer_answer-* for offer_answer; for
# mutate_lines the edited offer, not the raw input) so that
# tests/fuzz_regressions.rs replays it.
set -euo pipefail
cd "$(dirname "$0")/../.."
budget=${1:-}
runs=${RUNS:-}
if [ -n "$runs" ]; then
  budget=${budget:-3600}
  limit="-runs=$runs -max_total_time=$budget"
  what="$runs executions (at most ${budget}s)"
else
  budget=${budget:-300}
  limit="-max_total_time=$budget"
  what="${budget}s"
fi
targets=${TARGETS:-answer_bytes mutate_lines offer_answer}
max_len=${MAX_LEN:-65536}
sanitizer=${SANITIZER:-none}
asan_replay=${ASAN_REPLAY:-1}
if [ "$sanitizer" = address ]; then target_dir=tests/fuzz/target; else target_dir=tests/fuzz/target/$sanitizer; fi
target_dir=${FUZZ_TARGET_DIR:-$target_dir}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
found=0
for target in $targets; do
  corpus=tests/fuzz/corpus/$target
  mkdir -p "$corpus"
  case $target in
    answer_bytes) cp -n tests/data/corpus/offers/*.sdp "$corpus"/ ;;
    offer_answer) cp -n tests/fuzz/seeds/offer_answer/* "$corpus"/ ;;
  esac
  log=tests/fuzz/$target.log
  cargo fuzz build --fuzz-dir tests/fuzz --target-dir "$target_dir" -s "$sanitizer" "$target"
  echo "== $target for $what, -max_len=$max_len, sanitizer $sanitizer"
  start=$(date +%s)
  # shellcheck disable=SC2086
  cargo fuzz run --fuzz-dir tests/fuzz --target-dir "$target_dir" -s "$sanitizer" "$target" "$corpus" -- \
    $limit -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    >"$log" 2>&1 || true
  end=$(date +%s)
  grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|SUMMARY|ERROR|panicked" "$log" || true
  echo "   wall time: $((end - start))s, corpus $(ls "$corpus" | wc -l) files"
  if grep -q "SUMMARY\|ERROR: libFuzzer\|panicked at" "$log"; then
    echo "finding in $target: see $log and tests/fuzz/artifacts/$target/" >&2
    found=1
  elif [ "$asan_replay" = 1 ] && [ "$sanitizer" != address ]; then
    echo "== $target: the corpus under AddressSanitizer"
    alog=tests/fuzz/$target.asan.log
    start=$(date +%s)
    cargo fuzz run --fuzz-dir tests/fuzz --target-dir tests/fuzz/target -s address "$target" "$corpus" -- \
      -runs=0 -max_len="$max_len" -timeout=30 -rss_limit_mb=4096 >"$alog" 2>&1 || true
    grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|SUMMARY|ERROR|panicked" "$alog" || true
    echo "   wall time: $(($(date +%s) - start))s"
    if grep -q "SUMMARY\|ERROR: libFuzzer\|panicked at" "$alog"; then
      echo "finding in $target under ASan: see $alog and tests/fuzz/artifacts/$target/" >&2
      found=1
    fi
  fi
done
exit $found
