#!/usr/bin/env python3
"""Real WHIP publishers and WHEP players for rtcpc-relay's tests, and a
Janus + simple-whip-server reference to validate the publishers against.
Installed by tests/whip/setup_clients.sh.

Import it (sys.path.insert(0, 'tests/whip'); import clients):

  clients.enter_netns(hard_timeout)   # first thing in main(): re-executes the
                                      # script under `timeout unshare -n` and, in
                                      # there, sets up lo + veth v0 198.51.100.10/24
  relay = clients.Relay(path, media=clients.ADDR)          # rtcpc-relay
  pub = clients.FFmpegPublisher(relay.whip_url('cam'))     # H264 + Opus
  pub = clients.WhipClientPublisher(url)                   # GStreamer VP8 + Opus
  res = clients.AiortcPlayer(relay.whep_url('cam'), duration=8).result()
  pages = clients.PageServer(); b = clients.Browser('chromium', pages.url(
      'player.html', whep=relay.whep_url('cam'), id='p1', duration=8))
  pages.wait_report('p1', 'result', 60)
  ref = clients.JanusWhip(); url = ref.create_endpoint('cam'); ref.packets()

Every child runs in its own process group, has its stderr/stdout lines kept
(and echoed with a prefix when verbose) and is ended by stop()/kill() or by
cleanup() (all children still running), which tests call in a finally.
Only 127.0.0.1 and the namespace's address are ever used.

Used by tests/whip/relay_test.py (ctest whip_*).
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, 'tests', 'browser'))
from browser_test import PageServer as _ThreadingServer  # noqa: E402
from browser_test import browser_command  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, 'tests', 'real_session'))
# The namespace (198.51.100.10 on a veth) and its leftovers, as the real-session tests make them.
from real_session_test import ADDR, GATEWAY, leftover_processes, setup_netns  # noqa: E402,F401

NETNS_ENV = 'RTCPC_WHIP_IN_NETNS'
RELAY_DEFAULT = os.path.join(ROOT, 'build', 'whip', 'rtcpc-relay')
NODE_DIR = os.path.join(HERE, 'node')
SWS_SRC = os.path.join(NODE_DIR, 'simple-whip-server', 'usr', 'share', 'simple-whip-server', 'src')
JANUS_CONF = os.path.join(HERE, 'janus')
STUB_DIR = os.path.join(HERE, 'build')   # libgupnp-igd-1.0.so.4 from gupnp_igd_stub.c
JANUS_ROOM = 1234
JANUS_ADMIN_SECRET = 'rtcpc-test-admin'
# As tests/real_session/real_session_test.py: host candidates on the address,
# not mDNS names; autoplay for the player's <video>.
CHROMIUM_FLAGS = ['--disable-features=WebRtcHideLocalIpsWithMdns',
                  '--autoplay-policy=no-user-gesture-required']
FIREFOX_PREFS = {'media.peerconnection.ice.obfuscate_host_addresses': False,
                 'media.navigator.streams.fake': True,
                 'media.navigator.permission.disabled': True,
                 'media.autoplay.default': 0}

T0 = time.monotonic()
_OUT = threading.Lock()
_CHILDREN = []


def ts():
    return '%7.3f' % (time.monotonic() - T0)


def say(msg):
    with _OUT:
        sys.stdout.write(msg + '\n')
        sys.stdout.flush()


# ---------------------------------------------------------------- network namespace

def enter_netns(hard_timeout, argv=None):
    """Call first in a test's main(). Outside: re-executes sys.argv (or argv)
    as `timeout -k 10 HARD unshare -n -- python3 ...` with NETNS_ENV set
    (never returns). Inside: sets the namespace up, returns its description."""
    if os.environ.get(NETNS_ENV) != '1':
        for tool in ('unshare', 'ip', 'timeout'):
            if not shutil.which(tool):
                raise SystemExit('FAIL prerequisite: %s not found' % tool)
        argv = list(argv or sys.argv)
        cmd = ['timeout', '-k', '10', str(int(hard_timeout)), 'unshare', '-n', '--',
               sys.executable, os.path.abspath(argv[0])] + argv[1:]
        os.environ[NETNS_ENV] = '1'
        sys.stdout.flush()
        sys.stderr.flush()
        os.execvp(cmd[0], cmd)
    desc = setup_netns()
    signal.signal(signal.SIGTERM, lambda s, f: (_ for _ in ()).throw(
        SystemExit('FAIL: got signal %d (hard timeout?)' % s)))
    return desc


def free_port(host='127.0.0.1', kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_port(host, port, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection((host, port), 0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def http_request(method, url, body=None, headers=None, timeout=30):
    """(status, {lower-case header: value}, body text); no exception on 4xx/5xx."""
    req = urllib.request.Request(url, data=body.encode() if isinstance(body, str) else body,
                                 method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, \
                r.read().decode(errors='replace')
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, \
            e.read().decode(errors='replace')


def ffmpeg_exe():
    """The static FFmpeg 9.0.2 of imageio-ffmpeg 0.8.1 (has -f whip)."""
    import imageio_ffmpeg
    return imageio_ffmpeg.get_ffmpeg_exe()


# ---------------------------------------------------------------- children

class Child:
    """A child process in its own process group, its output lines kept."""

    def __init__(self, name, cmd, env=None, cwd=None, verbose=True, stdin=None):
        self.name = name
        self.cmd = [str(c) for c in cmd]
        self.verbose = verbose
        self.lines = []             # (t, line)
        self._cond = threading.Condition()
        full_env = dict(os.environ, **(env or {}))
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.PIPE if stdin is not None
                                     else subprocess.DEVNULL,
                                     env=full_env, cwd=cwd, start_new_session=True)
        if stdin is not None:
            self.proc.stdin.write(stdin.encode())
            self.proc.stdin.close()
        self.rc = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        _CHILDREN.append(self)
        if verbose:
            say('%s [%s] started: %s' % (ts(), name, ' '.join(self.cmd)))

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.decode(errors='replace').rstrip('\r\n')
            with self._cond:
                self.lines.append((time.monotonic() - T0, line))
                self._cond.notify_all()
            if self.verbose:
                say('%s [%s] %s' % (ts(), self.name, line))
        self.rc = self.proc.wait()
        with self._cond:
            self._cond.notify_all()

    @property
    def running(self):
        return self.proc.poll() is None

    def text(self):
        return [l for _, l in self.lines]

    def wait_line(self, regex, timeout, start=0):
        """The first match of regex on a line (from line index start) within
        timeout; None on timeout or when the process ended without it."""
        rx = re.compile(regex)
        end = time.monotonic() + timeout
        i = start
        with self._cond:
            while True:
                while i < len(self.lines):
                    m = rx.search(self.lines[i][1])
                    i += 1
                    if m:
                        return m
                left = end - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    return None
                self._cond.wait(min(left, 0.5))

    def wait(self, timeout):
        """Exit code, or None if still running after timeout."""
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self._reader.join(5)
        return self.proc.returncode

    def stop(self, sig=signal.SIGTERM, wait=10):
        """sig to the process (not its group), then SIGKILL to the group
        after wait seconds. Returns (exit code, how)."""
        how = 'exited by itself'
        if self.running:
            how = 'after %s' % signal.Signals(sig).name
            try:
                self.proc.send_signal(sig)
            except ProcessLookupError:
                pass
            if self.wait(wait) is None:
                how = 'SIGKILL (still running %g s after %s)' % (wait, signal.Signals(sig).name)
        self.kill()
        self._reader.join(5)
        return self.proc.returncode, how

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass


def cleanup():
    """Kills every child still running, and what is left in the namespace
    when inside one (browser helpers that left their process group)."""
    for c in _CHILDREN:
        c.kill()
    if os.environ.get(NETNS_ENV) == '1':
        for pid, _ in leftover_processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


# ---------------------------------------------------------------- the relay

class Relay(Child):
    """rtcpc-relay --media ADDR --http 127.0.0.1:PORT [--duration S] [--verbose]."""

    def __init__(self, path=RELAY_DEFAULT, media=ADDR, port=None, duration=None,
                 verbose_relay=False, wrapper=(), ready_timeout=20, verbose=True):
        self.port = port or free_port()
        cmd = list(wrapper) + [path, '--media', media, '--http', '127.0.0.1:%d' % self.port]
        if duration:
            cmd += ['--duration', str(duration)]
        if verbose_relay:
            cmd.append('--verbose')
        super().__init__('relay', cmd, verbose=verbose)
        if not self.wait_line(r'^relay: listening on http://', ready_timeout):
            raise RuntimeError('rtcpc-relay did not print "listening on" within %g s (%s)'
                               % (ready_timeout, 'exit %s' % self.proc.poll()
                                  if not self.running else 'running'))
        self.base = 'http://127.0.0.1:%d' % self.port

    def whip_url(self, name):
        return '%s/whip/%s' % (self.base, name)

    def whep_url(self, name):
        return '%s/whep/%s' % (self.base, name)

    def summary(self):
        """{'forwarded': N, 'dropped': M, ...} from the last summary line, or None."""
        for line in reversed(self.text()):
            m = re.search(r'^relay: summary (.*)$', line)
            if m:
                return {k: int(v) if v.isdigit() else v for k, v in re.findall(r'(\w+)=(\S+)',
                                                                                m.group(1))}
        return None


# ---------------------------------------------------------------- publishers

def ffmpeg_whip_command(url, duration=None, size='640x360', rate=30, gop=30,
                        video_bitrate='600k', audio=True, video=True, loglevel='info'):
    """FFmpeg 9.0.2 test pattern -> H264 (constrained baseline, zerolatency,
    gop frames between IDRs, no B-frames) + Opus 48 kHz stereo -> -f whip URL."""
    # -progress pipe:1: 'frame=N' lines on stdout (the stats line ends in \r).
    cmd = [ffmpeg_exe(), '-hide_banner', '-nostdin', '-loglevel', loglevel, '-nostats',
           '-progress', 'pipe:1', '-stats_period', '1', '-re']
    if video:
        cmd += ['-f', 'lavfi', '-i', 'testsrc2=size=%s:rate=%d' % (size, rate)]
    if audio:
        cmd += ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000']
    if duration:
        cmd += ['-t', str(duration)]
    if video:
        cmd += ['-c:v', 'libx264', '-profile:v', 'baseline', '-level:v', '3.1',
                '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
                '-g', str(gop), '-keyint_min', str(gop), '-bf', '0',
                '-b:v', video_bitrate, '-maxrate', video_bitrate, '-bufsize', video_bitrate,
                '-x264-params', 'repeat-headers=1']
    if audio:
        cmd += ['-c:a', 'libopus', '-ar', '48000', '-ac', '2', '-b:a', '64k']
    return cmd + ['-f', 'whip', url]


class FFmpegPublisher(Child):
    """FFmpeg's WHIP muxer publishing the test pattern (ffmpeg_whip_command).
    Ends by itself after duration, or with stop() (SIGINT: FFmpeg ends the
    session with its DELETE)."""

    def __init__(self, url, duration=None, name='ffmpeg', verbose=True, **kw):
        super().__init__(name, ffmpeg_whip_command(url, duration, **kw), verbose=verbose)

    def stop(self, sig=signal.SIGINT, wait=10):
        return super().stop(sig, wait)

    def progress(self):
        """The last 'frame=N' FFmpeg printed, or 0."""
        for line in reversed(self.text()):
            m = re.findall(r'frame=\s*(\d+)', line)   # progress lines end in \r
            if m:
                return int(m[-1])
        return 0


# GStreamer pipelines for simple-whip-client (its README's shape): VP8 pt 96
# and Opus pt 111, live test sources.
WHIP_CLIENT_VIDEO = ('videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,'
                     'framerate=30/1 ! videoconvert ! queue ! vp8enc deadline=1 '
                     'keyframe-max-dist=30 target-bitrate=600000 ! rtpvp8pay pt=96 ssrc=2 '
                     'picture-id-mode=15-bit ! queue ! '
                     'application/x-rtp,media=video,encoding-name=VP8,payload=96')
WHIP_CLIENT_AUDIO = ('audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! '
                     'audioresample ! queue ! opusenc ! rtpopuspay pt=111 ssrc=1 ! queue ! '
                     'application/x-rtp,media=audio,encoding-name=OPUS,payload=111')


class WhipClientPublisher(Child):
    """Debian's simple-whip-client (whip-client, GStreamer webrtcbin)
    publishing VP8 + Opus test sources; trickles by default (PATCH with
    If-Match from the POST's ETag), no_trickle=True puts candidates in the
    offer. Runs until stop() (SIGINT: it sends its DELETE)."""

    def __init__(self, url, video=WHIP_CLIENT_VIDEO, audio=WHIP_CLIENT_AUDIO, no_trickle=False,
                 log_level=4, name='whip-client', verbose=True):
        cmd = ['whip-client', '-u', url, '-l', str(log_level), '-o']
        if video:
            cmd += ['-V', video]
        if audio:
            cmd += ['-A', audio]
        if no_trickle:
            cmd.append('-n')
        if not os.path.exists(os.path.join(STUB_DIR, 'libgupnp-igd-1.0.so.4')):
            raise RuntimeError('%s/libgupnp-igd-1.0.so.4 missing: run tests/whip/setup_clients.sh'
                               % STUB_DIR)
        # gupnp_igd_stub.c: else libsoup aborts whip-client (libsoup 2 and 3).
        ld = ':'.join(p for p in (STUB_DIR, os.environ.get('LD_LIBRARY_PATH')) if p)
        super().__init__(name, cmd, verbose=verbose, env={'LD_LIBRARY_PATH': ld})

    def stop(self, sig=signal.SIGINT, wait=10):
        return super().stop(sig, wait)


# ---------------------------------------------------------------- players

class AiortcPlayer(Child):
    """aiortc_player.py URL --duration S --json OUT as a child."""

    def __init__(self, url, duration=10, connect_timeout=20, expect=None, name='aiortc',
                 verbose=True, progress=0):
        self.json_path = tempfile.mktemp(prefix='rtcpc-whep-', suffix='.json')
        cmd = [sys.executable, os.path.join(HERE, 'aiortc_player.py'), url,
               '--duration', str(duration), '--connect-timeout', str(connect_timeout),
               '--json', self.json_path]
        if expect:
            cmd += ['--expect', ','.join(expect)]
        if progress:
            cmd += ['--progress', str(progress)]
        self.budget = duration + connect_timeout + 90
        super().__init__(name, cmd, verbose=verbose)

    def progress(self):
        """[(t, {kind: {'packets', 'lost', 'frames'}})] from its --progress lines."""
        out = []
        for t, line in self.lines:
            m = re.search(r'progress (\{.*\})$', line)
            if m:
                out.append((t, json.loads(m.group(1))))
        return out

    def result(self, timeout=None):
        """Waits for the player's end; its JSON report (with 'exit_code')."""
        rc = self.wait(timeout or self.budget)
        if rc is None:
            self.kill()
            return {'ok': False, 'exit_code': None,
                    'errors': ['aiortc_player.py still running after %gs' % (timeout or self.budget)]}
        try:
            with open(self.json_path) as f:
                res = json.load(f)
            os.unlink(self.json_path)
        except (OSError, ValueError) as e:
            res = {'ok': False, 'errors': ['no JSON report: %s' % e]}
        res['exit_code'] = rc
        return res


class PageServer:
    """Serves tests/whip/ (player.html, publisher.html, common.js) and
    whip-whep's modules at /whip-whep/ on 127.0.0.1; takes the pages'
    reports (POST /report) and hands them commands (GET /command?id=)."""

    def __init__(self, verbose=True):
        self.reports = []          # {id, kind, t, data}
        self.commands = {}         # id -> [command]
        self.cond = threading.Condition()
        self.verbose = verbose
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _send(self, code, body=b'', ctype='text/plain'):
                self.send_response(code)
                self.send_header('Content-Type', ctype)
                self.send_header('Content-Length', str(len(body)))
                self.send_header('Cache-Control', 'no-store')
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                u = urllib.parse.urlparse(self.path)
                if u.path == '/command':
                    pid = urllib.parse.parse_qs(u.query).get('id', [''])[0]
                    with outer.cond:
                        cmds = outer.commands.pop(pid, [])
                    return self._send(200, json.dumps(cmds).encode(), 'application/json')
                if u.path.startswith('/whip-whep/'):
                    path = os.path.join(NODE_DIR, 'node_modules', 'whip-whep',
                                        os.path.basename(u.path))
                else:
                    path = os.path.join(HERE, os.path.basename(u.path))
                if not os.path.isfile(path) or not path.endswith(('.html', '.js')):
                    return self._send(404, b'not found')
                ctype = 'text/html' if path.endswith('.html') else 'text/javascript'
                with open(path, 'rb') as f:
                    self._send(200, f.read(), ctype + '; charset=utf-8')

            def do_POST(self):
                n = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(n)
                if self.path != '/report':
                    return self._send(404, b'not found')
                try:
                    rep = json.loads(body)
                except ValueError:
                    return self._send(400, b'bad json')
                with outer.cond:
                    outer.reports.append(rep)
                    outer.cond.notify_all()
                if outer.verbose and rep.get('kind') in ('log', 'state', 'restart', 'result'):
                    d = rep.get('data')
                    if rep.get('kind') == 'result':
                        d = {k: d.get(k) for k in ('ok', 'connected', 'stats', 'errors')} \
                            if isinstance(d, dict) else d
                    say('%s [page %s] %s %s' % (ts(), rep.get('id'), rep.get('kind'),
                                                d if isinstance(d, str) else json.dumps(d)))
                self._send(204)

        self.server = _ThreadingServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = 'http://127.0.0.1:%d/' % self.server.server_address[1]

    def url(self, page, **query):
        return self.base + page + ('?' + urllib.parse.urlencode(query) if query else '')

    def send_command(self, page_id, command):
        with self.cond:
            self.commands.setdefault(page_id, []).append(command)

    def wait_report(self, page_id, kind, timeout, after=0):
        """The data of the first report `kind` from page_id (index >= after)
        within timeout, or None."""
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for rep in self.reports[after:]:
                    if rep.get('id') == page_id and rep.get('kind') == kind:
                        return rep.get('data')
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(min(left, 0.5))

    def reports_of(self, page_id, kind=None):
        with self.cond:
            return [r for r in self.reports if r.get('id') == page_id and
                    (kind is None or r.get('kind') == kind)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Browser(Child):
    """Headless chromium or firefox-esr with a fresh profile on url, with the
    flags/prefs of tests/browser/browser_test.py plus CHROMIUM_FLAGS /
    FIREFOX_PREFS (fake devices, no mDNS candidates, autoplay)."""

    def __init__(self, browser, url, name=None, verbose=False, extra_prefs=None):
        self.tmp = tempfile.mkdtemp(prefix='rtcpc-whip-%s-' % browser)
        cmd = browser_command(browser, self.tmp, url, CHROMIUM_FLAGS,
                              dict(FIREFOX_PREFS, **(extra_prefs or {})))
        super().__init__(name or browser, cmd, verbose=verbose)

    def stop(self, sig=signal.SIGTERM, wait=5):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        out = super().stop(sig, wait)
        shutil.rmtree(self.tmp, ignore_errors=True)
        return out


# ---------------------------------------------------------------- Janus + simple-whip-server

class ContentLengthProxy:
    """An HTTP reverse proxy on 127.0.0.1 to host:port that forwards each
    request and answers with the whole response body and Content-Length
    (never chunked). Hop-by-hop headers are dropped."""

    HOP = {'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'te', 'trailer',
           'upgrade', 'proxy-connection'}

    def __init__(self, host, port):
        outer = self
        self.exchanges = []   # (method, path, status)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *a):
                pass

            def _forward(self):
                n = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(n) if n else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in outer.HOP}
                conn = http.client.HTTPConnection(host, port, timeout=60)
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    r = conn.getresponse()
                    data = r.read()
                    rh = [(k, v) for k, v in r.getheaders() if k.lower() not in outer.HOP]
                    status = r.status
                except OSError as e:
                    status, rh, data = 502, [('Content-Type', 'text/plain')], str(e).encode()
                finally:
                    conn.close()
                outer.exchanges.append((self.command, self.path, status))
                self.send_response(status)
                for k, v in rh:
                    self.send_header(k, v)
                self.send_header('Content-Length', str(len(data)))
                self.send_header('Connection', 'close')
                self.end_headers()
                self.wfile.write(data)
                self.close_connection = True

            do_GET = do_POST = do_PATCH = do_DELETE = do_OPTIONS = do_PUT = do_HEAD = _forward

        self.server = _ThreadingServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class JanusWhip:
    """Janus 1.1.2 (tests/whip/janus/: VideoRoom room 1234, WebSocket Janus
    API and HTTP admin API on 127.0.0.1, ICE only on ice_enforce) and Debian's
    simple-whip-server (Node, from tests/whip/node/) in front of it.
    create_endpoint(name) -> the WHIP URL; packets() -> per handle the
    packets Janus received per media kind (admin API handle_info)."""

    def __init__(self, ice_enforce=ADDR, rtp_range='20000-20999', verbose=True,
                 ready_timeout=30):
        self.tmp = tempfile.mkdtemp(prefix='rtcpc-janus-')
        conf = os.path.join(self.tmp, 'conf')
        os.mkdir(conf)
        self.ws_port, self.admin_port, self.whip_port = free_port(), free_port(), free_port()
        subst = {'@CONFIG_DIR@': conf, '@ICE_ENFORCE@': ice_enforce, '@RTP_RANGE@': rtp_range,
                 '@WS_PORT@': str(self.ws_port), '@ADMIN_PORT@': str(self.admin_port)}
        for fn in os.listdir(JANUS_CONF):
            with open(os.path.join(JANUS_CONF, fn)) as f:
                text = f.read()
            for k, v in subst.items():
                text = text.replace(k, v)
            with open(os.path.join(conf, fn), 'w') as f:
                f.write(text)
        self.janus = Child('janus', ['janus', '-F', conf, '-C', os.path.join(conf, 'janus.jcfg'),
                                     '-o', '-d', '4'], verbose=verbose)
        if not wait_port('127.0.0.1', self.ws_port, ready_timeout) or \
                not wait_port('127.0.0.1', self.admin_port, 5):
            raise RuntimeError('Janus is not listening on %d/%d' % (self.ws_port, self.admin_port))
        # simple-whip-server: its two sources with our config.js beside them.
        sws = os.path.join(self.tmp, 'sws')
        os.mkdir(sws)
        for fn in ('server.js', 'whip-janus.js'):
            shutil.copy(os.path.join(SWS_SRC, fn), sws)
        with open(os.path.join(sws, 'config.js'), 'w') as f:
            f.write('module.exports = %s;\n' % json.dumps({
                'janus': {'address': 'ws://127.0.0.1:%d' % self.ws_port},
                'port': self.whip_port, 'rest': '/whip', 'allowTrickle': True,
                'strictETags': False, 'iceServers': []}))
        self.sws = Child('sws', ['node', 'server.js'], cwd=sws, verbose=verbose,
                         env={'NODE_PATH': os.path.join(NODE_DIR, 'node_modules'),
                              'DEBUG': 'whip:*,-whip:debug', 'DEBUG_COLORS': 'no'})
        if not self.sws.wait_line(r'WHIP server prototype started', ready_timeout):
            raise RuntimeError('simple-whip-server did not start')
        # FFmpeg 9.0.2's WHIP muxer cannot read a chunked answer ("Failed to
        # read response", answer (null)), and Express sends the 201 chunked:
        # clients talk to simple-whip-server through a proxy that buffers each
        # response and sends it again with Content-Length.
        self.proxy = ContentLengthProxy('127.0.0.1', self.whip_port)
        self.base = 'http://127.0.0.1:%d/whip' % self.proxy.port

    def create_endpoint(self, name, room=JANUS_ROOM):
        st, _, body = http_request('POST', self.base + '/create',
                                   json.dumps({'id': name, 'room': room}),
                                   {'Content-Type': 'application/json'})
        if st != 200:
            raise RuntimeError('simple-whip-server /create %s: %s %s' % (name, st, body))
        return '%s/endpoint/%s' % (self.base, name)

    def admin(self, path='', **req):
        req.setdefault('transaction', 't%d' % int(time.monotonic() * 1e6))
        req['admin_secret'] = JANUS_ADMIN_SECRET
        st, _, body = http_request('POST', 'http://127.0.0.1:%d/admin%s' % (self.admin_port, path),
                                   json.dumps(req), {'Content-Type': 'application/json'})
        return json.loads(body)

    def handles(self):
        """[(session_id, handle_id, handle_info dict)] of every handle."""
        out = []
        for s in self.admin(janus='list_sessions').get('sessions', []):
            for h in self.admin('/%d' % s, janus='list_handles').get('handles', []):
                info = self.admin('/%d/%d' % (s, h), janus='handle_info').get('info', {})
                out.append((s, h, info))
        return out

    def packets(self):
        """{handle_id: {'plugin', 'audio': packets in, 'video': packets in,
        'audio_bytes', 'video_bytes', 'ice': state, 'dtls': state,
        'codecs': {kind: codec}}} for every handle, from Janus 1.1.2's
        handle_info (info.webrtc.media[mid].stats.in, per m-line type)."""
        out = {}
        for _s, h, info in self.handles():
            w = info.get('webrtc') or {}
            c = {'plugin': info.get('plugin'), 'audio': 0, 'video': 0, 'audio_bytes': 0,
                 'video_bytes': 0, 'ice': (w.get('ice') or {}).get('state'),
                 'dtls': (w.get('dtls') or {}).get('dtls-state'), 'codecs': {}}
            for m in (w.get('media') or {}).values():
                kind = m.get('type')
                if kind not in ('audio', 'video'):
                    continue
                ins = (m.get('stats') or {}).get('in') or {}
                c[kind] += int(ins.get('packets', 0) or 0)
                c[kind + '_bytes'] += int(ins.get('bytes', 0) or 0)
                c['codecs'][kind] = (m.get('codecs') or {}).get('codec')
            out[h] = c
        return out

    def stop(self):
        self.proxy.close()
        res = {}
        for c in (self.sws, self.janus):
            res[c.name] = c.stop(signal.SIGTERM, 10)
        shutil.rmtree(self.tmp, ignore_errors=True)
        return res

