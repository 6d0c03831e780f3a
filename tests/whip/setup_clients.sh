#!/usr/bin/env bash
# Installs what the WHIP/WHEP client tests (tests/whip/clients.py) need and
# does nothing when all is there. As root, or through sudo for apt-get.
#   bash tests/whip/setup_clients.sh
# - PyPI (tests/whip/requirements.txt): aiortc 1.16.0, imageio-ffmpeg 0.8.1
#   (a static FFmpeg 9.0.2 with the WHIP muxer, libx264 and libopus)
# - Debian: simple-whip-client (whip-client, GStreamer webrtcbin), janus 1.1.2
#   (VideoRoom, WebSocket and HTTP transports), libmicrohttpd-dev, chromium,
#   iproute2/util-linux for the network namespace, nodejs + npm
# - simple-whip-server: Debian's package depends on Debian's node-* packages,
#   which conflict with Node 20 from elsewhere, so only its files are taken
#   (apt-get download + dpkg-deb -x into tests/whip/node/simple-whip-server/)
#   and its npm dependencies come from tests/whip/node/package-lock.json
#   (npm ci), with whip-whep 1.2.0 for the browser pages.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
apt_env=(env DEBIAN_FRONTEND=noninteractive)
have_deb() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
missing=()
for pkg in gcc simple-whip-client janus libmicrohttpd-dev chromium iproute2 util-linux \
           gstreamer1.0-nice gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
           gstreamer1.0-plugins-ugly gstreamer1.0-libav; do
  have_deb "$pkg" || missing+=("$pkg")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
updated=false
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup_clients: installing ${missing[*]}" >&2
  "${sudo[@]}" "${apt_env[@]}" timeout 300 apt-get update -qq
  updated=true
  "${sudo[@]}" "${apt_env[@]}" timeout 900 apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Janus's pieces the tests load (the Debian package ships them all).
for so in plugins/libjanus_videoroom.so transports/libjanus_websockets.so transports/libjanus_http.so; do
  [ -e "/usr/lib/x86_64-linux-gnu/janus/$so" ] || { echo "setup_clients: janus lacks $so" >&2; exit 1; }
done

# PyPI: aiortc and the static FFmpeg.
python3 - <<'PY' 2>/dev/null ||
import sys
from importlib.metadata import version
sys.exit(not (version('aiortc') == '1.16.0' and version('imageio-ffmpeg') == '0.8.1'))
PY
  PIP_BREAK_SYSTEM_PACKAGES=1 timeout 600 python3 -m pip install -q -r "$here/requirements.txt"
python3 -c 'import imageio_ffmpeg, os, sys; sys.exit(not os.access(imageio_ffmpeg.get_ffmpeg_exe(), os.X_OK))'

# simple-whip-client: a no-UPnP libgupnp-igd-1.0.so.4 (gupnp_igd_stub.c says why).
stub="$here/build/libgupnp-igd-1.0.so.4"
if [ ! -f "$stub" ] || [ "$here/gupnp_igd_stub.c" -nt "$stub" ]; then
  mkdir -p "$here/build"
  cc -shared -fPIC -O2 -Wall -Wl,-soname,libgupnp-igd-1.0.so.4 -o "$stub" "$here/gupnp_igd_stub.c"
fi

# simple-whip-server's files from its Debian package (the .deb only, no dependencies).
sws="$here/node/simple-whip-server"
if [ ! -f "$sws/usr/share/simple-whip-server/src/server.js" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  # apt-get download fails on a stale or empty package list: update, try again.
  ( cd "$tmp" && timeout 300 apt-get download simple-whip-server >/dev/null 2>&1 ) || {
    $updated || "${sudo[@]}" "${apt_env[@]}" timeout 300 apt-get update -qq
    ( cd "$tmp" && timeout 300 apt-get download simple-whip-server >/dev/null ); }
  rm -rf "$sws"
  dpkg-deb -x "$tmp"/simple-whip-server_*.deb "$sws"
fi

# npm: simple-whip-server's dependencies and whip-whep (pinned in the lock file).
node_dir="$here/node"
(cd "$node_dir" && node -e '
  const want = require("./package.json").dependencies;
  for (const [name, v] of Object.entries(want))
    if (require("./node_modules/" + name + "/package.json").version !== v) process.exit(1);
') 2>/dev/null || (cd "$node_dir" && timeout 600 npm ci --no-audit --no-fund --loglevel=error >&2)
