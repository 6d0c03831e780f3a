#!/usr/bin/env python3
"""rtcpc-relay (c_examples/whip) with real WHIP publishers and WHEP players
(tests/whip/clients.py), one scenario per run, each in a private network
namespace (198.51.100.10 on a veth; nothing outside is reachable).

  python3 tests/whip/relay_test.py --scenario NAME --relay PATH --whip-client PATH
      [--browser chromium|firefox] [--valgrind VALGRIND --suppressions FILE]
      [--verbose] [--relay-verbose]

Scenarios:
  ffmpeg_chromium     FFmpeg 9 (H.264 + Opus) -> relay -> Chromium player page
                      (whip-whep WHEPClient): framesDecoded > 0, audio packets > 0
  ffmpeg_firefox      the same with Firefox ESR (Debian's has no H.264 decoder:
                      connected, video and audio packets > 0; frames not required)
  gst_chromium        simple-whip-client (VP8 + Opus) -> relay -> Chromium: frames > 0
  gst_firefox         the same, Firefox ESR: frames > 0
  browser_restart     Chromium publisher page -> relay -> aiortc player; the page
                      restarts ICE (PATCH If-Match "*" -> 200, new ETag); the
                      player's packets keep growing across the restart
  counter_offer       WHEP server offer: a Chromium page POSTs no body (406, the
                      relay's sendonly offer, Location, ETag), PATCHes its answer
                      (application/sdp -> 204) and decodes frames
  janus_rtcpc_client  rtcpc-whip-client (fed by gst-launch: VP8 + Opus RTP on UDP)
                      -> simple-whip-server + Janus 1.1.2: Janus's admin API shows
                      audio and video packets received and growing
  whip_client_relay   rtcpc-whip-client --trickle --restart-after 4 -> relay -> aiortc
                      player: its candidates trickled (204), frames of both kinds,
                      the client's ICE restart (generation 1). With --valgrind the
                      client and the relay run under memcheck.
  bad_input           while simple-whip-client streams to an aiortc player: a
                      second publisher (FFmpeg) SIGKILLed (the relay's watchdog ends
                      it and its player: "no media for 10 s"), a WHEP player that
                      never does ICE ("not connected after 30 s"), refused requests
                      (malformed SDP and fragment, content types, stale and missing
                      ETags, unknown session, oversized body); the first player's
                      packets grow throughout; SIGTERM -> exit 0. With --valgrind
                      the relay runs under memcheck (99 = valgrind errors).
  load                rtcpc-whip-client (GStreamer VP8 320x180 + Opus) -> relay ->
                      10 aiortc players for 60 s:
                      frames of both kinds and loss < 1% for each; relay CPU and
                      RSS; prints the 'load: ...' summary line

A missing prerequisite is a failure, never a skip. Prints one 'ok'/'FAIL'
line per check and closes with 'N passed, N failed'; exit 0 when all passed.
"""

import argparse
import json
import os
import re
import shutil
import signal
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import clients  # noqa: E402
from clients import say, http_request  # noqa: E402

ROOT = clients.ROOT
DATA = os.path.join(ROOT, 'tests', 'data', 'whip')
TRICKLE = 'application/trickle-ice-sdpfrag'

# Hard limit of each scenario, seconds (the namespace's `timeout`); ctest's
# TIMEOUT is above these.
BUDGET = {'ffmpeg_chromium': 240, 'ffmpeg_firefox': 240, 'gst_chromium': 240,
          'gst_firefox': 240, 'browser_restart': 300, 'counter_offer': 240,
          'janus_rtcpc_client': 240, 'whip_client_relay': 240, 'bad_input': 300,
          'load': 420}
VALGRIND_BUDGET = 660

results = []


def check(cond, what):
    results.append((bool(cond), what))
    say('%s %s' % ('ok  ' if cond else 'FAIL', what))
    return bool(cond)


class Failed(Exception):
    """A check that makes the rest of the scenario pointless."""


def require(cond, what):
    if not check(cond, what):
        raise Failed(what)


# ---------------------------------------------------------------- prerequisites

def prerequisites(args):
    """[(ok, what)] for everything the scenario needs."""
    s = args.scenario
    need = []

    def exe(path, what):
        need.append((bool(path) and os.path.isfile(path) and os.access(path, os.X_OK),
                     '%s (%s)' % (what, path)))

    def tool(name, what):
        exe(shutil.which(name), '%s: %s on PATH' % (what, name))

    def module(name, what):
        try:
            __import__(name)
            need.append((True, '%s: Python module %s' % (what, name)))
        except ImportError as e:
            need.append((False, '%s: Python module %s (%s; pip install -r '
                                'tests/whip/requirements.txt)' % (what, name, e)))

    for t in ('unshare', 'ip', 'timeout'):
        tool(t, 'network namespace')
    if s != 'janus_rtcpc_client':
        exe(args.relay, 'rtcpc-relay')
    if s in ('janus_rtcpc_client', 'whip_client_relay', 'load'):
        exe(args.whip_client, 'rtcpc-whip-client')
        tool('gst-launch-1.0', 'the RTP source')
    if s.startswith('ffmpeg_') or s == 'bad_input':
        module('imageio_ffmpeg', 'FFmpeg 9')
        try:
            import imageio_ffmpeg
            exe(imageio_ffmpeg.get_ffmpeg_exe(), 'imageio-ffmpeg\'s FFmpeg')
        except Exception as e:  # noqa: BLE001
            need.append((False, 'imageio-ffmpeg\'s FFmpeg: %s' % e))
    if s.startswith('gst_') or s == 'bad_input':
        tool('whip-client', 'simple-whip-client (apt install simple-whip-client)')
        need.append((os.path.exists(os.path.join(clients.STUB_DIR, 'libgupnp-igd-1.0.so.4')),
                     'the gupnp-igd stub %s/libgupnp-igd-1.0.so.4 '
                     '(bash tests/whip/setup_clients.sh)' % clients.STUB_DIR))
    if s in ('browser_restart', 'whip_client_relay', 'bad_input', 'load'):
        module('aiortc', 'the aiortc player')
    if s.endswith(('_chromium', '_firefox')) or s in ('browser_restart', 'counter_offer'):
        if args.browser == 'chromium':
            tool('chromium', 'the browser')
        else:
            exe(shutil.which('firefox-esr') or shutil.which('firefox'),
                'the browser: firefox-esr on PATH')
        ww = os.path.join(clients.NODE_DIR, 'node_modules', 'whip-whep')
        need.append((os.path.isfile(os.path.join(ww, 'whep.js')) and
                     os.path.isfile(os.path.join(ww, 'whip.js')),
                     'npm module whip-whep in %s (bash tests/whip/setup_clients.sh)' % ww))
    if s == 'janus_rtcpc_client':
        tool('janus', 'Janus 1.1.2')
        tool('node', 'simple-whip-server')
        need.append((os.path.isfile(os.path.join(clients.SWS_SRC, 'server.js')),
                     'simple-whip-server in %s (bash tests/whip/setup_clients.sh)'
                     % clients.SWS_SRC))
        need.append((os.path.isdir(os.path.join(clients.NODE_DIR, 'node_modules', 'ws')) or
                     os.path.isdir(os.path.join(clients.NODE_DIR, 'node_modules', 'express')),
                     'simple-whip-server\'s npm modules in %s/node_modules' % clients.NODE_DIR))
    if args.valgrind is not None:
        exe(args.valgrind if os.path.sep in args.valgrind else shutil.which(args.valgrind),
            'valgrind')
        need.append((bool(args.suppressions) and os.path.isfile(args.suppressions),
                     'valgrind suppressions (%s)' % args.suppressions))
    return need


# ---------------------------------------------------------------- helpers

def memcheck(args):
    """The valgrind command a program runs under with --valgrind, else ()."""
    if not args.valgrind:
        return ()
    return (args.valgrind, '--error-exitcode=99', '--leak-check=full',
            '--errors-for-leak-kinds=definite', '--suppressions=%s' % args.suppressions)


def start_relay(args, name_hint=''):
    wrapper = memcheck(args)
    return clients.Relay(args.relay, verbose_relay=args.relay_verbose, wrapper=wrapper,
                         ready_timeout=180 if args.valgrind else 20, verbose=True)


def stop_relay(relay, args):
    rc, how = relay.stop(signal.SIGTERM, 120 if args.valgrind else 15)
    say('  relay exit %s (%s), summary %s' % (rc, how, relay.summary()))
    check(rc == 0, 'relay exits 0 on SIGTERM (%s%s)' % (
        rc, ', valgrind found errors' if rc == 99 else ''))
    check(relay.summary() is not None, 'relay printed its summary (%s)' % relay.summary())
    return relay.summary() or {}


def wait_session(relay, role, name, what, timeout):
    """The id of the relay's '<role> <name>/<id> <what>' line, or None."""
    m = relay.wait_line(r'^relay: %s %s/(\w+) %s' % (role, re.escape(name), what), timeout)
    return m.group(1) if m else None


def page_player(args, pages, url, pid, duration, mode=None, connect_timeout=30):
    q = {'whep': url, 'id': pid, 'duration': duration, 'connect_timeout': connect_timeout}
    if mode:
        q['mode'] = mode
    return clients.Browser(args.browser, pages.url('player.html', **q), name=args.browser)


def check_page_end(pages, relay, pid, name, role='player'):
    """The page's end: whip-whep's stop() closes the connection (DTLS
    close_notify, on which the relay ends the session) before its DELETE,
    which then finds nothing (404); the server-offer page DELETEs first."""
    done = pages.wait_report(pid, 'done', 20)
    dels = [x.get('status') for x in (done or {}).get('exchanges', [])
            if x.get('method') == 'DELETE']
    m = relay.wait_line(r'^relay: %s %s/\w+ ended: (.*) \(rtp in (\d+), out (\d+)\)'
                        % (role, name), 10)
    say('  the page DELETE: %s; relay: %s' % (dels, m and m.group(0)))
    n = m and int(m.group(2 if role == 'publisher' else 3))
    check(m and n > 0, 'the relay ended the %s (%s) after %s %s packets' % (
        role, m and m.group(1), 'receiving' if role == 'publisher' else 'sending it', n))
    check(m and (dels == [200] and m.group(1) == 'DELETE' or
                 dels == [404] and 'close_notify' in m.group(1)),
          'the page\'s DELETE: 200, or 404 when its close_notify came first (%s)' % dels)


def describe_inbound(stats):
    inbound = (stats or {}).get('inbound') or {}
    a, v = inbound.get('audio') or {}, inbound.get('video') or {}
    return ('video %s packets=%s frames=%s %sx%s, audio %s packets=%s samples=%s' % (
        v.get('codec'), v.get('packetsReceived', 0), v.get('framesDecoded', 0),
        v.get('frameWidth'), v.get('frameHeight'), a.get('codec'), a.get('packetsReceived', 0),
        a.get('totalSamplesReceived', 0)))


def describe_player(res):
    return ('post %s, connected after %s s, kinds %s, delete %s, errors %s' % (
        res.get('post_status'), res.get('connected_after_s'),
        json.dumps(res.get('kinds')), res.get('delete_status'), res.get('errors')))


def grew(before, after, kinds=('audio', 'video')):
    """Both samples have every kind, and its packets grew."""
    return all(k in before and k in after and after[k]['packets'] > before[k]['packets']
               for k in kinds)


def sample_at(player, t):
    """The last progress sample at or before time t (clients.T0 based), or None."""
    out = None
    for ts_, s in player.progress():
        if ts_ <= t:
            out = s
    return out


def wait_line_at(child, regex, timeout):
    """(match, time of its line, clients.T0 based) of child's first line
    matching regex within timeout, or (None, None)."""
    if not child.wait_line(regex, timeout):
        return None, None
    rx = re.compile(regex)
    for t, line in list(child.lines):
        m = rx.search(line)
        if m:
            return m, t
    return None, None


def sample_after(player, t, timeout=15):
    """The first progress sample taken after time t (clients.T0 based),
    waiting for it; None if none came."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for ts_, s in player.progress():
            if ts_ > t:
                return s
        time.sleep(0.3)
    return None


def wait_progress(player, cond, timeout):
    """The first progress sample (t, stats) satisfying cond within timeout."""
    end = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < end:
        samples = player.progress()
        for ts_, s in samples[seen:]:
            if cond(s):
                return ts_, s
        seen = len(samples)
        if not player.running:
            break
        time.sleep(0.3)
    return None


def now():
    return time.monotonic() - clients.T0


def proc_cpu_seconds(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def proc_mem_kib(pid):
    out = {}
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            k, _, v = line.partition(':')
            if k in ('VmRSS', 'VmHWM'):
                out[k] = int(v.split()[0])
    return out


def gst_rtp_source(video_port, audio_port, width=320, height=180, fps=30, verbose=True):
    """gst-launch-1.0 sending VP8 (pt 96) and Opus (pt 111) RTP to 127.0.0.1."""
    pipeline = ('videotestsrc is-live=true pattern=ball ! video/x-raw,width=%d,height=%d,'
                'framerate=%d/1 ! videoconvert ! vp8enc deadline=1 keyframe-max-dist=%d '
                'target-bitrate=400000 ! rtpvp8pay pt=96 mtu=1200 picture-id-mode=15-bit ! '
                'udpsink host=127.0.0.1 port=%d sync=false '
                'audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample ! '
                'opusenc ! rtpopuspay pt=111 ! udpsink host=127.0.0.1 port=%d sync=false'
                % (width, height, fps, fps, video_port, audio_port))
    return clients.Child('gst', ['gst-launch-1.0', '-q'] + pipeline.split(), verbose=verbose)


def rtcpc_whip_client(args, url, restart_after=None, trickle=False):
    ap, vp = clients.free_port(kind=clients.socket.SOCK_DGRAM), \
        clients.free_port(kind=clients.socket.SOCK_DGRAM)
    cmd = list(memcheck(args)) + [args.whip_client, '--url', url, '--media', clients.ADDR,
                                  '--audio-port', ap, '--video-port', vp, '--video-codec', 'VP8']
    if restart_after:
        cmd += ['--restart-after', restart_after]
    if trickle:
        cmd.append('--trickle')
    client = clients.Child('rtcpc-whip-client', cmd, verbose=True)
    return client, ap, vp


# ---------------------------------------------------------------- browser players

def browser_player_of(args, publisher_kind):
    """FFmpeg or simple-whip-client -> relay -> browser player page."""
    name = 'ff' if publisher_kind == 'ffmpeg' else 'gst'
    relay = start_relay(args)
    pages = None
    browser = None
    pub = None
    try:
        if publisher_kind == 'ffmpeg':
            pub = clients.FFmpegPublisher(relay.whip_url(name), verbose=args.verbose)
            expect_codec = 'h264'
        else:
            pub = clients.WhipClientPublisher(relay.whip_url(name), verbose=args.verbose)
            expect_codec = 'vp8'
        require(wait_session(relay, 'publisher', name, 'connected', 40),
                '%s connected to the relay as publisher of %r' % (publisher_kind, name))
        time.sleep(2)
        pages = clients.PageServer(verbose=True)
        browser = page_player(args, pages, relay.whep_url(name), 'play', 10)
        res = pages.wait_report('play', 'result', 100)
        require(res is not None, '%s player page reported a result within 100 s' % args.browser)
        stats = res.get('stats') or {}
        inbound = stats.get('inbound') or {}
        a, v = inbound.get('audio') or {}, inbound.get('video') or {}
        say('  %s player: connected=%s %s; pair %s; errors %s' % (
            args.browser, res.get('connected'), describe_inbound(stats), stats.get('pair'),
            res.get('errors')))
        say('  %s player exchanges: %s' % (args.browser, json.dumps(
            [(x.get('method'), x.get('status'), (x.get('request_headers') or {}).get('If-Match'))
             for x in res.get('exchanges', [])])))
        for x in res.get('exchanges', []):
            if (x.get('status') or 0) >= 400 and x.get('method') == 'POST':
                say('  %s %s -> %s: %s' % (x.get('method'), x.get('url'), x.get('status'),
                                          x.get('response_body')))
                say('  its offer:\n    ' + '\n    '.join(
                    l for l in (x.get('request_body') or '').splitlines()
                    if l.startswith(('m=', 'a=rtpmap', 'a=fmtp', 'a=group', 'a=mid',
                                     'a=recvonly', 'a=sendrecv', 'a=sendonly'))))
        posts = [x for x in res.get('exchanges', []) if x.get('method') == 'POST']
        check(res.get('connected'), '%s player connected' % args.browser)
        check(posts and posts[0].get('status') == 201, 'the WHEP POST got 201 (%s)' %
              [x.get('status') for x in posts])
        no_h264 = publisher_kind == 'ffmpeg' and posts and not re.search(
            r'(?m)^a=rtpmap:\d+ H264/90000', posts[0].get('request_body') or '')
        if no_h264:
            # Debian's Firefox ESR offers no H.264 (no OpenH264 plugin here), so
            # its video m-line cannot take FFmpeg's H.264: the relay answers the
            # audio and rejects the video m-line (port 0) rather than refuse the
            # player (a publisher's offer, RFC 9725 4.2, is refused whole).
            answer = posts[0].get('response_body') or ''
            check(re.search(r'(?m)^m=video 0 ', answer),
                  "%s offers no H.264: the answer rejects its video m-line" % args.browser)
            check(any('answered in part' in l and 'no codec in common' in l
                      for l in relay.text()),
                  'the relay says what it left out ("answered in part: ... no codec in common")')
            check((a.get('packetsReceived') or 0) > 0,
                  'audio packets %s > 0 (video: none can be negotiated)' % a.get('packetsReceived'))
        else:
            check(expect_codec in (v.get('codec') or '').lower(),
                  'video codec is %s (%s)' % (expect_codec, v.get('codec')))
            check((a.get('packetsReceived') or 0) > 0 and (v.get('packetsReceived') or 0) > 0,
                  'audio packets %s > 0, video packets %s > 0' % (a.get('packetsReceived'),
                                                                v.get('packetsReceived')))
            check((v.get('framesDecoded') or 0) > 0, 'video framesDecoded %s > 0'
                  % v.get('framesDecoded'))
        check((a.get('totalSamplesReceived') or 0) > 0 or args.browser == 'firefox',
              'audio samples %s' % a.get('totalSamplesReceived'))
        check(pub.running, '%s still publishing at the end' % publisher_kind)
        check_page_end(pages, relay, 'play', name)
    finally:
        if browser:
            browser.stop()
        if pages:
            pages.close()
        if pub:
            say('  %s exit %s' % (publisher_kind, pub.stop()))
        stop_relay(relay, args)


def scenario_ffmpeg(args):
    browser_player_of(args, 'ffmpeg')


def scenario_gst(args):
    browser_player_of(args, 'gst')


# ---------------------------------------------------------------- browser_restart

def scenario_browser_restart(args):
    relay = start_relay(args)
    pages = clients.PageServer(verbose=True)
    b = clients.Browser(args.browser, pages.url('publisher.html', whip=relay.whip_url('page'),
                                                id='pub', duration=120))
    player = None
    try:
        require(pages.wait_report('pub', 'state', 40) is not None and
                wait_session(relay, 'publisher', 'page', 'connected', 40),
                '%s publisher page connected to the relay' % args.browser)
        time.sleep(2)
        player = clients.AiortcPlayer(relay.whep_url('page'), duration=20, connect_timeout=30,
                                      progress=1)
        s0 = wait_progress(player, lambda s: grew({'audio': {'packets': 0},
                                                     'video': {'packets': 0}}, s), 40)
        require(s0, 'aiortc player receives audio and video before the restart')
        time.sleep(2)
        t_restart = now()
        before = sample_at(player, t_restart)
        n = len(pages.reports)
        pages.send_command('pub', 'restart')
        r = pages.wait_report('pub', 'restart', 40, after=n)
        require(r is not None, 'the publisher page reported its restart')
        patch = r.get('patch') or {}
        say('  restart: ok=%s before %s after %s, connected again after %s s, PATCH %s '
            'If-Match %s -> ETag %s' % (
                r.get('ok'), r.get('before'), r.get('after'), r.get('connected_again_after_s'),
                patch.get('status'), (patch.get('request_headers') or {}).get('If-Match'),
                (patch.get('response_headers') or {}).get('etag')))
        check(r.get('ok'), 'whip-whep restart: PATCH -> 200, new ICE credentials both ways, '
              'the page\'s packets flow again (%s)' % r.get('error'))
        check(patch.get('status') == 200 and
              (patch.get('request_headers') or {}).get('If-Match') in ('"*"', '*'),
              'the restart PATCH carried If-Match "*" and got 200')
        check(relay.wait_line(r'^relay: page/\w+ restarted ICE', 10),
              'relay logged the restart')
        res = player.result()
        say('  aiortc player: %s' % describe_player(res))
        after = player.progress()[-1][1] if player.progress() else {}
        say('  aiortc packets before the restart %s, at the end %s' % (before, after))
        check(res.get('ok'), 'aiortc player: frames and packets of both kinds')
        check(before and grew(before, after), 'aiortc player\'s packets kept growing across '
              'the publisher\'s restart')
        tail = [s for t, s in player.progress() if t > t_restart + 6]
        check(len(tail) >= 2 and grew(tail[0], tail[-1]),
              'and still grew from 6 s after the restart on (%s -> %s)' % (
                  tail[0] if tail else None, tail[-1] if tail else None))
        pages.send_command('pub', 'stop')
        pres = pages.wait_report('pub', 'result', 30)
        require(pres is not None, 'the publisher page reported its result')
        xs = pres.get('exchanges', [])
        say('  publisher exchanges: %s' % json.dumps(
            [(x.get('method'), x.get('status'), (x.get('request_headers') or {}).get('If-Match'),
              (x.get('response_headers') or {}).get('etag')) for x in xs]))
        post_etag = next(((x.get('response_headers') or {}).get('etag') for x in xs
                          if x.get('method') == 'POST'), None)
        new_etag = (patch.get('response_headers') or {}).get('etag')
        check(post_etag and new_etag and post_etag != new_etag and new_etag.endswith('-1"'),
              'new ETag after the restart (%s -> %s)' % (post_etag, new_etag))
        check_page_end(pages, relay, 'pub', 'page', role='publisher')
    finally:
        b.stop()
        pages.close()
        stop_relay(relay, args)


# ---------------------------------------------------------------- counter_offer

def scenario_counter_offer(args):
    relay = start_relay(args)
    pages = browser = None
    pub = clients.WhipClientPublisher(relay.whip_url('so'), verbose=args.verbose) \
        if shutil.which('whip-client') else clients.FFmpegPublisher(relay.whip_url('so'))
    try:
        require(wait_session(relay, 'publisher', 'so', 'connected', 40),
                'publisher of "so" connected to the relay')
        time.sleep(2)
        pages = clients.PageServer(verbose=True)
        browser = page_player(args, pages, relay.whep_url('so'), 'play', 10, mode='server-offer')
        res = pages.wait_report('play', 'result', 100)
        require(res is not None, '%s player page reported a result' % args.browser)
        so = res.get('server_offer') or {}
        say('  server offer: %s' % json.dumps({k: v for k, v in so.items()
                                                if k != 'patch_body'}))
        say('  %s player: connected=%s %s; errors %s' % (
            args.browser, res.get('connected'), describe_inbound(res.get('stats')),
            res.get('errors')))
        check(so.get('post_status') == 406, 'POST with an empty body: 406 (%s)'
              % so.get('post_status'))
        check((so.get('content_type') or '').startswith('application/sdp'),
              'the 406 is application/sdp (%s)' % so.get('content_type'))
        check(re.fullmatch(r'/whep/so/[0-9a-f]{16}', so.get('location') or '') is not None,
              'Location names the session (%s)' % so.get('location'))
        check(re.fullmatch(r'"[0-9a-f]{16}-0"', so.get('etag') or '') is not None,
              'ETag (%s)' % so.get('etag'))
        # In the publisher's m-line order (simple-whip-client: video first).
        check(sorted(so.get('offer_kinds') or []) == ['audio', 'video'] and
              so.get('offer_directions') == ['sendonly', 'sendonly'],
              'the relay\'s offer: audio and video, sendonly (%s %s)' % (
                  so.get('offer_kinds'), so.get('offer_directions')))
        check(so.get('patch_status') == 204, 'PATCH of the answer (application/sdp, no '
              'If-Match): 204 (%s %s)' % (so.get('patch_status'), so.get('patch_body')))
        check(relay.wait_line(r'^relay: player so/\w+ offered', 5), 'relay logged its offer')
        check(res.get('connected'), '%s player connected' % args.browser)
        v = ((res.get('stats') or {}).get('inbound') or {}).get('video') or {}
        a = ((res.get('stats') or {}).get('inbound') or {}).get('audio') or {}
        check((v.get('framesDecoded') or 0) > 0, 'video framesDecoded %s > 0'
              % v.get('framesDecoded'))
        check((a.get('packetsReceived') or 0) > 0, 'audio packets %s > 0'
              % a.get('packetsReceived'))
        check_page_end(pages, relay, 'play', 'so')
    finally:
        if browser:
            browser.stop()
        if pages:
            pages.close()
        say('  publisher exit %s' % (pub.stop(),))
        stop_relay(relay, args)


# ---------------------------------------------------------------- rtcpc-whip-client

def janus_publisher_packets(ref):
    return {h: c for h, c in ref.packets().items()
            if c['plugin'] == 'janus.plugin.videoroom' and (c['audio'] or c['video'])}


def scenario_janus_rtcpc_client(args):
    ref = clients.JanusWhip(verbose=args.verbose)
    client = gst = None
    try:
        # Room 1235 takes VP8 only: room 1234 ("h264,vp8") would answer the
        # client's offer (VP8, H.264, ...) with H.264, which it cannot send.
        url = ref.create_endpoint('rtcpc', room=1235)
        client, ap, vp = rtcpc_whip_client(args, url)
        m = client.wait_line(r'^whip-client: published at .*audio pt (-?\d+), video VP8 pt (-?\d+)',
                             30)
        require(m, 'rtcpc-whip-client: simple-whip-server + Janus accepted the offer (201)')
        check(int(m.group(1)) >= 0 and int(m.group(2)) >= 0,
              'Janus\'s answer accepts Opus and VP8 (audio pt %s, video pt %s)' % m.groups())
        gst = gst_rtp_source(vp, ap)
        require(client.wait_line(r'^whip-client: connected', 30),
                'rtcpc-whip-client connected to Janus (ICE + DTLS)')
        time.sleep(4)
        first = janus_publisher_packets(ref)
        time.sleep(4)
        second = janus_publisher_packets(ref)
        say('  janus: first %s' % json.dumps(first))
        say('  janus: then  %s' % json.dumps(second))
        ok = any(c['audio'] > first.get(h, {}).get('audio', 0) > 0 and
                 c['video'] > first.get(h, {}).get('video', 0) > 0 for h, c in second.items())
        check(ok, 'Janus received audio and video packets, growing')
        check(any(c['codecs'].get('video') == 'vp8' and c['codecs'].get('audio') == 'opus'
                  for c in second.values()), 'Janus: VP8 + Opus (%s)'
              % [c['codecs'] for c in second.values()])
        check(gst.running, 'the GStreamer source still running')
        rc, how = client.stop(signal.SIGTERM, 15)
        m = client.wait_line(r'summary audio=(\d+) video=(\d+) rtcp=(\d+)', 1)
        say('  rtcpc-whip-client exit %s (%s): %s' % (rc, how, m and m.group(0)))
        check(rc == 0, 'rtcpc-whip-client exit 0 on SIGTERM')
        check(m and int(m.group(1)) > 0 and int(m.group(2)) > 0,
              'rtcpc-whip-client sent audio and video')
        time.sleep(0.5)
        check(any(x[0] == 'DELETE' and x[1].startswith('/whip/resource/rtcpc') and x[2] == 200
                  for x in ref.proxy.exchanges),
              'its DELETE reached simple-whip-server: 200 (%s)' % ref.proxy.exchanges)
    finally:
        for c in (gst, client):
            if c:
                c.stop()
        say('  janus/sws stopped: %s' % (ref.stop(),))


def scenario_whip_client_relay(args):
    relay = start_relay(args)
    client = gst = player = None
    k = 4 if args.valgrind else 1  # both under memcheck: everything slower
    try:
        client, ap, vp = rtcpc_whip_client(args, relay.whip_url('native'), restart_after=4,
                                           trickle=True)
        require(client.wait_line(r'^whip-client: published at', 30 * k),
                'rtcpc-whip-client published to the relay (201)')
        check(client.wait_line(r'^whip-client: trickled [1-9]\d* candidate\(s\): 204', 10 * k),
              'its candidates followed the offer by PATCH (If-Match: the ETag): 204')
        gst = gst_rtp_source(vp, ap)
        require(client.wait_line(r'^whip-client: connected', 30 * k),
                'rtcpc-whip-client connected to the relay')
        player = clients.AiortcPlayer(relay.whep_url('native'), duration=14 * k, connect_timeout=30 * k,
                                      progress=1)
        m = client.wait_line(r'^whip-client: ICE restarted: generation (\d+), ETag (\S+)', 20 * k)
        t_restart = now()
        say('  client: %s' % (m and m.group(0)))
        require(m, 'rtcpc-whip-client restarted ICE')
        check(m.group(1) == '1' and re.fullmatch(r'"[0-9a-f]{16}-1"', m.group(2)),
              'ICE generation 1, ETag of generation 1 (%s)' % m.group(2))
        check(relay.wait_line(r'^relay: native/\w+ restarted ICE', 5 * k), 'relay logged the restart')
        res = player.result()
        say('  aiortc player: %s' % describe_player(res))
        check(res.get('ok'), 'aiortc player: frames and packets of audio and video')
        before = sample_at(player, t_restart)
        tail = [s for t, s in player.progress() if t > t_restart + 3]
        say('  player at the restart %s, then %s -> %s' % (
            before, tail[0] if tail else None, tail[-1] if tail else None))
        check(len(tail) >= 2 and grew(tail[0], tail[-1]),
              'the player\'s packets grow after the publisher\'s restart')
        rc, how = client.stop(signal.SIGTERM, 15 * k)
        s = client.wait_line(r'summary audio=(\d+) video=(\d+) rtcp=(\d+)', 1 * k)
        say('  rtcpc-whip-client exit %s (%s): %s' % (rc, how, s and s.group(0)))
        check(rc == 0, 'rtcpc-whip-client exit 0 on SIGTERM (%s%s)' % (
            rc, ', valgrind found errors' if rc == 99 else ''))
        check(s and int(s.group(1)) > 0 and int(s.group(2)) > 0, 'it sent audio and video')
        check(relay.wait_line(r'^relay: publisher native/\w+ ended: DELETE', 10 * k),
              'its DELETE ended the publisher at the relay')
    finally:
        for c in (gst, client, player):
            if c:
                c.stop()
        stop_relay(relay, args)


# ---------------------------------------------------------------- bad_input

def read_data(name):
    with open(os.path.join(DATA, name), newline='') as f:
        return f.read()


def scenario_bad_input(args):
    vg = bool(args.valgrind)
    relay = start_relay(args)
    main_pub = victim = p1 = p2 = None
    chrome_offer = open(os.path.join(ROOT, 'c_examples', 'offers',
                                     'chrome-156-audio-video-data.sdp')).read()
    ffmpeg_offer = read_data('ffmpeg-9.0.2-offer.sdp')
    small_video = clients.WHIP_CLIENT_VIDEO.replace('width=640,height=360', 'width=320,height=180') \
        .replace('target-bitrate=600000', 'target-bitrate=300000')
    try:
        main_pub = clients.WhipClientPublisher(relay.whip_url('main'), video=small_video,
                                               verbose=args.verbose)
        require(wait_session(relay, 'publisher', 'main', 'connected', 60),
                'simple-whip-client connected as publisher of "main"')
        victim = clients.FFmpegPublisher(relay.whip_url('victim'), size='320x180', rate=15,
                                         gop=15, video_bitrate='250k', verbose=args.verbose)
        require(wait_session(relay, 'publisher', 'victim', 'connected', 60),
                'FFmpeg connected as publisher of "victim"')
        time.sleep(2)
        p1 = clients.AiortcPlayer(relay.whep_url('main'), duration=80 if vg else 60,
                                  connect_timeout=60, progress=1, name='aiortc-main')
        p2 = clients.AiortcPlayer(relay.whep_url('victim'), duration=80 if vg else 60,
                                  connect_timeout=60, progress=1, name='aiortc-victim')
        both = lambda s: all(s.get(k, {}).get('frames', 0) > 0 for k in ('audio', 'video'))  # noqa
        first = wait_progress(p1, both, 60)
        require(first, 'player 1 (main) gets frames of both kinds')
        require(wait_progress(p2, both, 60), 'player 2 (victim) gets frames of both kinds')
        p2_id = wait_session(relay, 'player', 'victim', 'connected', 1)
        say('  player 1 at the start: %s' % first[1])

        # (b) WHEP players that never do ICE: a real offer, nobody behind it.
        # Without candidates (the relay waits for a trickle that never
        # comes: its watchdog ends it at 30 s) ...
        silent_offer = re.sub(r'(?m)^a=(candidate|end-of-candidates)[^\n]*\n', '', chrome_offer)
        st, h, body = http_request('POST', relay.whep_url('main'), silent_offer,
                                   {'Content-Type': 'application/sdp'})
        t_zombie = now()
        zloc, ztag = h.get('location', ''), h.get('etag', '')
        require(st == 201 and re.fullmatch(r'/whep/main/[0-9a-f]{16}', zloc),
                'an offer without candidates, nobody behind it: 201 (%s %s)' % (st, zloc))
        zid = zloc.rsplit('/', 1)[1]
        zurl = relay.base + zloc
        # ... and with candidates nobody answers on (ICE fails first, or the watchdog).
        st, h, body = http_request('POST', relay.whep_url('main'), chrome_offer,
                                   {'Content-Type': 'application/sdp'})
        t_zombie2 = now()
        z2loc = h.get('location', '')
        check(st == 201 and re.fullmatch(r'/whep/main/[0-9a-f]{16}', z2loc),
              'an offer with unreachable candidates: 201 (%s %s)' % (st, z2loc))
        z2id = z2loc.rsplit('/', 1)[1] if z2loc else 'none'

        # (a) the second publisher SIGKILLed mid-stream.
        t_kill = now()
        victim.stop(signal.SIGKILL, 5)
        say('  FFmpeg (victim) SIGKILLed')

        # (c) refused requests while the media flows.
        base = relay.base
        refused = [
            ('POST', '/whip/bad', 'v=0\r\nthis is not SDP\r\n', {'Content-Type': 'application/sdp'},
             400, 'malformed SDP'),
            ('POST', '/whip/bad', ffmpeg_offer, {'Content-Type': 'text/plain'}, 415,
             'an offer as text/plain'),
            ('POST', '/whip/main', ffmpeg_offer, {'Content-Type': 'application/sdp'}, 409,
             'a second publisher for "main"'),
            ('POST', '/whep/nobody', chrome_offer, {'Content-Type': 'application/sdp'}, 404,
             'WHEP for a name nobody publishes'),
            ('POST', '/whip/big', 'v=0\r\n' + 'a=x-pad:' + 'x' * 70000 + '\r\n',
             {'Content-Type': 'application/sdp'}, 413, 'a 70 KiB body'),
            ('PATCH', zloc, 'this is not an ICE fragment', {'Content-Type': TRICKLE,
                                                           'If-Match': ztag}, 400,
             'a malformed fragment'),
            ('PATCH', zloc, 'a=ice-ufrag:abcd\r\n', {'Content-Type': 'text/plain',
                                                     'If-Match': ztag}, 415,
             'a fragment as text/plain'),
            ('PATCH', zloc, 'a=end-of-candidates\r\n', {'Content-Type': TRICKLE,
                                                        'If-Match': '"%s-7"' % zid}, 412,
             'a stale ETag'),
            ('PATCH', zloc, 'a=end-of-candidates\r\n', {'Content-Type': TRICKLE}, 428,
             'no If-Match'),
            ('PATCH', '/whep/main/0123456789abcdef', 'a=end-of-candidates\r\n',
             {'Content-Type': TRICKLE, 'If-Match': '*'}, 404, 'an unknown session'),
            ('DELETE', '/whep/main/0123456789abcdef', None, {}, 404, 'DELETE an unknown session'),
        ]
        for method, path, body, headers, want, what in refused:
            st, h, text = http_request(method, base + path, body, headers, timeout=60)
            check(st == want, '%s (%s %s): %s (got %s %s)' % (
                what, method, path if len(path) < 40 else path[:40] + '...', want, st,
                text[:160].replace('\n', ' ')))
        t_c = now()

        # (a) the relay ends the killed publisher and its player by itself.
        m, t = wait_line_at(relay, r'^relay: publisher victim/\w+ ended: (.*)$', 40)
        dt = (t or now()) - t_kill
        say('  victim publisher ended %.1f s after the SIGKILL: %s' % (dt, m and m.group(1)))
        check(m and 'no media for 10 s' in m.group(1) and 9 <= dt <= 25,
              'the killed publisher ended by the watchdog: "no media for 10 s" (after %.1f s)'
              % dt)
        check(p2_id and relay.wait_line(r'^relay: player victim/%s ended: the publisher left'
                                        % p2_id, 5),
              'its player ended with it (%s)' % p2_id)
        st, _, _ = http_request('POST', relay.whep_url('victim'), chrome_offer,
                                {'Content-Type': 'application/sdp'})
        check(st == 404, 'nothing published under "victim" any more: 404 (%s)' % st)
        t_a = now()

        # (b) the players that never connected are ended.
        m, t = wait_line_at(relay, r'^relay: player main/%s ended: (.*)$' % z2id, 50)
        dt = (t or now()) - t_zombie2
        say('  the player with unreachable candidates ended %.1f s after its POST: %s'
            % (dt, m and m.group(1)))
        check(m and ('ice: failed' in m.group(1) or 'not connected after 30 s' in m.group(1))
              and dt <= 45, 'the player with unreachable candidates ended: ICE failed or '
              'not connected after 30 s (%.1f s)' % dt)
        m, t = wait_line_at(relay, r'^relay: player main/%s ended: (.*)$' % zid, 50)
        dt = (t or now()) - t_zombie
        say('  the silent player ended %.1f s after its POST: %s' % (dt, m and m.group(1)))
        check(m and 'not connected after 30 s' in m.group(1) and 29 <= dt <= 45,
              'the player that never did ICE ended: "not connected after 30 s" (%.1f s)' % dt)
        st, _, _ = http_request('DELETE', zurl)
        check(st == 404, 'its resource is gone: DELETE 404 (%s)' % st)
        t_b = now()
        time.sleep(3)

        # Throughout: player 1's packets grow.
        res = p1.result()
        say('  player 1: %s' % describe_player(res))
        marks = [('after the refused requests', t_c),
                 ('after the killed publisher ended', t_a),
                 ('after the silent player ended', t_b)]
        samples = [('start', first[1])] + [(what, sample_after(p1, t + 1)) for what, t in marks]
        samples.append(('end', p1.progress()[-1][1] if p1.progress() else None))
        for what, s in samples:
            say('  player 1 %-34s %s' % (what, s))
        check(all(a and b and grew(a, b) for (_, a), (_, b) in zip(samples, samples[1:])),
              'player 1\'s audio and video packets grew between every step')
        check(res.get('ok'), 'player 1: frames and packets of both kinds')
        ended = [l for l in relay.text() if re.match(r'relay: player main/\w+ ended', l)
                 and zid not in l and z2id not in l]
        check(not any('DELETE' not in l for l in ended),
              'the relay ended no other "main" player but by its DELETE (%s)' % ended)
        r2 = p2.result(30)
        say('  player 2 (victim): %s' % describe_player(r2))
        say('  main publisher exit %s' % (main_pub.stop(),))
        main_pub = None
    finally:
        for c in (victim, p1, p2, main_pub):
            if c:
                c.stop()
        stop_relay(relay, args)


# ---------------------------------------------------------------- load

def scenario_load(args, players=10, seconds=60):
    relay = start_relay(args)
    pid = relay.proc.pid
    pub = gst = None
    ps = []
    try:
        # rtcpc-whip-client, not FFmpeg: FFmpeg 9.0.2's WHIP muxer may end
        # the session after 30 s ("Consent Freshness expired") against the relay.
        pub, ap, vp = rtcpc_whip_client(args, relay.whip_url('load'))
        require(pub.wait_line(r'^whip-client: published at', 30),
                'rtcpc-whip-client published to the relay (201)')
        gst = gst_rtp_source(vp, ap, verbose=args.verbose)
        require(wait_session(relay, 'publisher', 'load', 'connected', 40),
                'rtcpc-whip-client (GStreamer: VP8 320x180 30 fps 400 kbit/s + Opus) connected '
                'to the relay')
        time.sleep(3)
        c0, t0 = proc_cpu_seconds(pid), time.monotonic()
        time.sleep(10)
        c1, t1 = proc_cpu_seconds(pid), time.monotonic()
        mem0 = proc_mem_kib(pid)
        cpu_pub = (c1 - c0) / (t1 - t0) * 100
        say('  relay with the publisher only: cpu %.1f%%, %s' % (cpu_pub, mem0))
        for i in range(players):
            ps.append(clients.AiortcPlayer(relay.whep_url('load'), duration=seconds,
                                           connect_timeout=60, progress=5,
                                           name='aiortc-%d' % i, verbose=args.verbose))
            time.sleep(0.3)
        ok_join = all(wait_progress(p, lambda s: True, 90) for p in ps)
        require(ok_join, 'all %d players connected' % players)
        connected = len([l for l in relay.text() if re.match(r'relay: player load/\w+ connected',
                                                           l)])
        say('  relay connected %d players' % connected)
        c2, t2 = proc_cpu_seconds(pid), time.monotonic()
        time.sleep(seconds - 20)
        c3, t3 = proc_cpu_seconds(pid), time.monotonic()
        mem1 = proc_mem_kib(pid)
        cpu_players = (c3 - c2) / (t3 - t2) * 100
        res = [p.result(seconds + 120) for p in ps]
        total_rx = total_lost = 0
        all_ok = True
        worst = 0.0
        for i, r in enumerate(res):
            k = r.get('kinds') or {}
            rx = sum((k.get(x) or {}).get('packets', 0) for x in ('audio', 'video'))
            lost = sum(max(0, (k.get(x) or {}).get('packets_lost', 0)) for x in ('audio', 'video'))
            loss = 100.0 * lost / (rx + lost) if rx + lost else 100.0
            worst = max(worst, loss)
            total_rx += rx
            total_lost += lost
            say('  player %d: ok=%s connected after %s s, audio packets=%s lost=%s frames=%s, '
                'video packets=%s lost=%s frames=%s, loss %.3f%%, errors %s' % (
                    i, r.get('ok'), r.get('connected_after_s'),
                    (k.get('audio') or {}).get('packets'), (k.get('audio') or {}).get('packets_lost'),
                    (k.get('audio') or {}).get('frames'), (k.get('video') or {}).get('packets'),
                    (k.get('video') or {}).get('packets_lost'), (k.get('video') or {}).get('frames'),
                    loss, r.get('errors')))
            frames = all((k.get(x) or {}).get('frames', 0) > 0 for x in ('audio', 'video'))
            all_ok = all_ok and frames and loss < 1.0
            check(frames and loss < 1.0, 'player %d: frames of both kinds, loss %.3f%% < 1%%'
                  % (i, loss))
            # Opus: 50 packets a second; 90% of them over the whole run.
            audio = (k.get('audio') or {}).get('packets', 0)
            check(audio >= 0.9 * 50 * seconds, 'player %d: audio packets %d >= %d (the stream '
                  'lasted the whole %d s)' % (i, audio, 0.9 * 50 * seconds, seconds))
        say('  relay with %d players: cpu %.1f%% of one core (publisher only %.1f%%), '
            'VmRSS %s -> %s KiB, VmHWM %s KiB' % (players, cpu_players, cpu_pub,
                                                  mem0.get('VmRSS'), mem1.get('VmRSS'),
                                                  mem1.get('VmHWM')))
        if not check(pub.running and gst.running, 'the publisher and its source still '
                     'running at the end'):
            say('  its last lines:\n    ' + '\n    '.join(pub.text()[-25:] + gst.text()[-10:]))
        rc, how = pub.stop(signal.SIGTERM, 15)
        m = pub.wait_line(r'summary audio=(\d+) video=(\d+) rtcp=(\d+)', 1)
        say('  rtcpc-whip-client exit %s (%s): %s' % (rc, how, m and m.group(0)))
        check(rc == 0, 'rtcpc-whip-client exit 0 on SIGTERM')
        pub = None
        summary = stop_relay(relay, args)
        relay = None
        lost_pct = 100.0 * total_lost / (total_rx + total_lost) if total_rx + total_lost else 100
        rss_pp = (mem1.get('VmRSS', 0) - mem0.get('VmRSS', 0)) / players
        say('load: players=%d seconds=%d forwarded=%s lost=%.3f%% relay_cpu=%.1f%% '
            'rss_per_player=%.0fKiB' % (players, seconds, summary.get('forwarded'), lost_pct,
                                        cpu_players, rss_pp))
        say('  (received %d packets in all, lost %d, worst player %.3f%%; relay cpu with the '
            'publisher alone %.1f%%; VmHWM %s KiB)' % (total_rx, total_lost, worst, cpu_pub,
                                                      mem1.get('VmHWM')))
        check(summary.get('forwarded', 0) >= total_rx,
              'relay forwarded %s >= packets the players received %d' % (
                  summary.get('forwarded'), total_rx))
    finally:
        for c in ps + [pub, gst]:
            if c:
                c.stop()
        if relay:
            stop_relay(relay, args)


SCENARIOS = {
    'ffmpeg_chromium': (scenario_ffmpeg, 'chromium'),
    'ffmpeg_firefox': (scenario_ffmpeg, 'firefox'),
    'gst_chromium': (scenario_gst, 'chromium'),
    'gst_firefox': (scenario_gst, 'firefox'),
    'browser_restart': (scenario_browser_restart, None),
    'counter_offer': (scenario_counter_offer, None),
    'janus_rtcpc_client': (scenario_janus_rtcpc_client, None),
    'whip_client_relay': (scenario_whip_client_relay, None),
    'bad_input': (scenario_bad_input, None),
    'load': (scenario_load, None),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--scenario', required=True, choices=sorted(SCENARIOS))
    ap.add_argument('--relay', default=clients.RELAY_DEFAULT)
    ap.add_argument('--whip-client', default=os.path.join(ROOT, 'build', 'whip',
                                                          'rtcpc-whip-client'))
    ap.add_argument('--browser', choices=('chromium', 'firefox'),
                    help='for the page scenarios (default: the one in the name, else chromium)')
    ap.add_argument('--valgrind', help='run the relay under this valgrind (memcheck)')
    ap.add_argument('--suppressions')
    ap.add_argument('--verbose', action='store_true', help='echo every client line')
    ap.add_argument('--relay-verbose', action='store_true')
    args = ap.parse_args()
    fn, browser = SCENARIOS[args.scenario]
    if browser and args.browser not in (None, browser):
        ap.error('--scenario %s runs %s' % (args.scenario, browser))
    args.browser = browser or args.browser or 'chromium'
    args.relay = os.path.abspath(args.relay)
    args.whip_client = os.path.abspath(args.whip_client)
    if args.valgrind is not None and args.scenario not in ('bad_input', 'whip_client_relay'):
        ap.error('--valgrind is for --scenario bad_input or whip_client_relay')
    if os.environ.get(clients.NETNS_ENV) != '1':
        # Outside the namespace: prerequisites first (a missing one is a failure).
        missing = [what for ok, what in prerequisites(args) if not ok]
        for what in missing:
            say('FAIL prerequisite missing: %s' % what)
        if missing:
            say('0 passed, %d failed' % len(missing))
            return 1
    budget = VALGRIND_BUDGET if args.valgrind else BUDGET[args.scenario]
    desc = clients.enter_netns(budget)   # outside: re-executes itself in the namespace
    t0 = time.monotonic()
    say('scenario %s (%s%s): netns %s' % (args.scenario, args.browser,
                                           ', relay under valgrind' if args.valgrind else '',
                                           desc))
    try:
        fn(args)
    except Failed:
        pass
    except SystemExit as e:   # the hard timeout's SIGTERM
        check(False, 'harness: %s' % e)
    except Exception as e:  # noqa: BLE001 - a failure, reported
        import traceback
        traceback.print_exc(file=sys.stdout)
        check(False, 'harness: %s: %s' % (type(e).__name__, e))
    finally:
        clients.cleanup()
    passed = sum(1 for ok, _ in results if ok)
    failed = len(results) - passed
    say('%s: %d passed, %d failed in %.1f s' % (args.scenario, passed, failed,
                                                time.monotonic() - t0))
    return 0 if failed == 0 and passed else 1


if __name__ == '__main__':
    sys.exit(main())
