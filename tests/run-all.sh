#!/usr/bin/env bash
# Every test: formatting, lints, Rust tests, then the C/C++ examples and the
# real-browser tests (Chromium and Firefox ESR) through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --all-targets --features panic-test-hook -- -D warnings
cargo test --features panic-test-hook
cmake -S c_examples -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
ctest --test-dir build --output-on-failure
