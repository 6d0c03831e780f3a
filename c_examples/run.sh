#!/usr/bin/env bash
# The main job from a fresh machine: install what building needs
# (tests/setup.sh --build-only), configure and build c_examples into build/,
# then run rtcpc-answer with the given arguments (none: the shipped Chromium
# offer). Build output goes to stderr, so stdout is the answer alone.
#   bash c_examples/run.sh [--tracks auto|none] [--candidate LINE]... [--ice-lite] [OFFER_FILE|-]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/tests/setup.sh" --build-only
cmake -S "$root/c_examples" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >&2
cmake --build "$root/build" -j2 >&2
exec "$root/build/rtcpc-answer" "$@"
