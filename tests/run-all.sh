#!/usr/bin/env bash
# Every test: formatting, lints, Rust tests, the threads stress test under
# ThreadSanitizer, then through ctest the C/C++ examples and the C tests of
# tests/c/ (also under valgrind) and the real-browser tests (Chromium and
# Firefox ESR). First installs what a fresh machine lacks (tests/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/setup.sh
cargo fmt --all -- --check
cargo clippy --all-targets --features panic-test-hook -- -D warnings
cargo test --features panic-test-hook
bash tests/tsan/run.sh
cmake -S c_examples -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
ctest --test-dir build --output-on-failure
