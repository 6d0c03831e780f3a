#!/usr/bin/env bash
# Installs what the README's commands need and a fresh Debian machine with
# only Rust lacks; does nothing when all is there (apt-get update included).
#   bash tests/setup.sh               # everything tests/run-all.sh needs
#   bash tests/setup.sh --build-only  # what building c_examples needs
set -euo pipefail
build_only=false
case "${1:-}" in
  --build-only) build_only=true ;;
  "") ;;
  *) echo "usage: $0 [--build-only]" >&2; exit 2 ;;
esac
missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
# c_examples/CMakeLists.txt: CMake with its generator, C and C++, and Python 3
# (required at configure time, for the browser tests).
need cmake cmake; need make make; need cc gcc; need c++ g++; need python3 python3
need pkg-config pkg-config
# The examples' and C tests' libraries: OpenSSL (tests/c/identity.c, the echo
# peer's DTLS), cJSON (rtcpc-explain), libnice, libsrtp2 and usrsctp (the echo peer),
# libmicrohttpd and libcurl (the WHIP relay and client).
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
for pair in openssl:libssl-dev libcjson:libcjson-dev nice:libnice-dev libsrtp2:libsrtp2-dev \
            usrsctp:libusrsctp-dev libmicrohttpd:libmicrohttpd-dev \
            libcurl:libcurl4-openssl-dev; do
  have_pc "${pair%%:*}" || missing+=("${pair#*:}")
done
if ! $build_only; then
  need chromium chromium; need firefox-esr firefox-esr; need valgrind valgrind
  # Packaging tests: readelf/nm for the SONAME and symbols.
  need readelf binutils
  # The real-session tests: a network namespace with a veth pair.
  need ip iproute2; need unshare util-linux
  # tests/native/aiortc_test.py: pip, for aiortc from PyPI.
  python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
  # tests/native/webrtcbin_test.py: GStreamer's webrtcbin (with libnice's
  # elements) and PyGObject for Debian's python3.
  have_deb() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
  for pkg in gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
             gstreamer1.0-nice gir1.2-gst-plugins-base-1.0 gir1.2-gst-plugins-bad-1.0 \
             python3-gi python3-gst-1.0; do
    have_deb "$pkg" || missing+=("$pkg")
  done
  # tests/native/werift_test.py: Node.js and npm, for werift from npm.
  need node nodejs; need npm npm
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
$build_only && exit 0
# tests/native/aiortc_test.py: aiortc (pinned in tests/native/requirements.txt).
python3 -c 'import aiortc, sys; sys.exit(aiortc.__version__ != "1.16.0")' 2>/dev/null ||
  PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install -q -r "$(dirname "$0")/native/requirements.txt"
# tests/native/werift_test.py: werift (pinned in tests/native/node/package-lock.json).
node_dir="$(dirname "$0")/native/node"
(cd "$node_dir" && node -e 'process.exit(require("./node_modules/werift/package.json").version
  === require("./package.json").dependencies.werift ? 0 : 1)') 2>/dev/null ||
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
# tests/whip/: the real WHIP/WHEP clients (FFmpeg 9 from imageio-ffmpeg,
# simple-whip-client, aiortc, Janus + simple-whip-server, whip-whep).
bash "$(dirname "$0")/whip/setup_clients.sh"
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
# cargo-c: 0.10.25 and later need a newer Rust than 1.95 (about 8 minutes to build).
cargo cinstall --version >/dev/null 2>&1 || cargo install cargo-c --version 0.10.24 --locked
