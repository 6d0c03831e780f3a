#!/usr/bin/env python3
"""Real-media browser test: a browser holds a complete WebRTC session
(ICE, DTLS, SRTP, SCTP) with rtcpc-echo, the C echo peer that answers
through rtcpc.

  python3 tests/real_session/real_session_test.py --browser chromium|firefox \\
      --echo PATH_TO_rtcpc-echo \\
      [--scenario dtls_client|dtls_server|wrong_fingerprint|browser_gone] [--timeout 120] \\
      [--valgrind PATH_TO_valgrind] [--end close|sigterm] [--echo-verbose] \\
      [--report FILE.json]

It re-executes itself in a private network namespace (unshare -n) with a veth
pair, v0 = 198.51.100.10/24 and a default route, so the browser gathers one
host candidate on 198.51.100.10 and nothing outside the namespace is ever
contacted (no STUN/TURN; the page's HTTP server is on 127.0.0.1).

The page (page.html/page.js) offers audio + video + a data channel 'echo'
and POSTs the complete offer; the harness starts
  rtcpc-echo --bind 198.51.100.10 --timeout N [--dtls-role server]
(under valgrind with --valgrind), writes the offer to its stdin, returns its
stdout (the answer) to the page and prints its stderr as it comes. The page
then checks, within the budget, that the session connects, that a text
message and a 64 KiB random binary message come back byte for byte, and that
the echoed media is received (inbound video framesDecoded > 0, inbound audio
packetsReceived > 0 and totalSamplesReceived > 0).

Scenarios:
  dtls_client        rtcpc answers a=setup:active (its default role)
  dtls_server        --dtls-role server; the answer must say a=setup:passive
  wrong_fingerprint  the echo gets the offer with its a=fingerprint altered;
                     it must refuse the DTLS handshake and exit 1 with an
                     "echo: error: dtls: ...fingerprint..." line, and the
                     browser must never reach connectionState 'connected'
  browser_gone       the page applies the answer and the harness SIGKILLs the
                     browser as soon as the echo prints "echo: ice connected"
                     (before or during DTLS); the echo must end by itself
                     within a bound with exit 1 and an "echo: error: LAYER:"
                     line (no hang, no crash; under valgrind no leak)

--end close (default): after reporting, the page closes its
RTCPeerConnection (the echo should end on the DTLS close_notify); the
harness then closes the browser and sends SIGTERM to the echo if it still
runs. --end sigterm: the harness sends SIGTERM to the echo while the session
is still up. Either way the echo must exit with 0 (success scenarios) and its
summary line must show rtp_in>0, rtp_out>0, dc_messages>=2.

Exit status 0 on pass, 1 on failure. Nothing is skipped: a missing browser,
echo binary, valgrind, unshare or ip is a failure.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# Nothing written under tests/browser/ (no __pycache__ from this import).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'browser'))
from browser_test import (  # noqa: E402
    PageHandler, browser_command, browser_version, kill_group, serve)

SCENARIOS = ('dtls_client', 'dtls_server', 'wrong_fingerprint', 'browser_gone')
# browser_gone: how long the echo may take to end by itself once the browser
# is gone. libnice's consent freshness (RFC 7675) fails ICE when its checks
# go unanswered (about 10 s after the kill here, 30 s at most by the RFC);
# the rest is slack for a loaded machine (and valgrind's leak check at exit).
GONE_BOUND_S = 50
ADDR = '198.51.100.10'
GATEWAY = '198.51.100.1'
# What the page's data channel exchanges (page.js): a text message and a
# 64 KiB binary one.
DC_LABEL = 'echo'
EXTRA_CHROMIUM_FLAGS = [
    # Else Chromium offers an mDNS .local name instead of 198.51.100.10.
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    '--autoplay-policy=no-user-gesture-required',
]
EXTRA_FIREFOX_PREFS = {
    # Else Firefox offers an mDNS .local name instead of 198.51.100.10.
    'media.peerconnection.ice.obfuscate_host_addresses': False,
    'media.navigator.streams.fake': True,
    'media.navigator.permission.disabled': True,
    'media.autoplay.default': 0,
}
# The page's stages, in order, with the layer each belongs to.
STAGES = [
    ('getUserMedia', 'setup'), ('offer', 'signaling'), ('gathering', 'ICE'),
    ('answer', 'signaling'), ('setRemoteDescription', 'signaling'),
    ('ice_connected', 'ICE'), ('dtls_connected', 'DTLS'), ('connected', 'DTLS'),
    ('video_decoded', 'SRTP'), ('audio_received', 'SRTP'), ('media_flowing', 'SRTP'),
    ('sctp_connected', 'SCTP'), ('datachannel_open', 'SCTP'),
    ('dc_text_echo', 'SCTP'), ('dc_binary_echo', 'SCTP'),
]
# rtcpc-echo's milestone lines (plan/issue14-api.md).
MILESTONES = [
    ('ice', 'ICE', re.compile(r'^echo: ice connected\b')),
    ('dtls', 'DTLS', re.compile(r'^echo: dtls connected\b')),
    ('srtp', 'SRTP', re.compile(r'^echo: srtp ready\b')),
    ('sctp', 'SCTP', re.compile(r'^echo: sctp associated\b')),
    ('datachannel', 'SCTP', re.compile(r'^echo: datachannel open\b')),
]
ERROR_RE = re.compile(r'^echo: error: (\w+): (.*)$')
SUMMARY_RE = re.compile(r'^echo: summary (.*)$')

T_START = time.monotonic()


def ts():
    return '%7.3f' % (time.monotonic() - T_START)


_OUT = threading.Lock()


def say(msg):
    with _OUT:
        sys.stdout.write(msg + '\n')
        sys.stdout.flush()


# ---------------------------------------------------------------- SDP

def sdp_lines(sdp):
    return [l for l in (sdp or '').replace('\r\n', '\n').split('\n') if l]


def candidates_of(sdp):
    """(address, port, type, transport) of every a=candidate line."""
    out = []
    for l in sdp_lines(sdp):
        if l.startswith('a=candidate:'):
            f = l[len('a=candidate:'):].split()
            if len(f) >= 8:
                out.append((f[4], f[5], f[7], f[2].lower()))
    return out


def setup_values(sdp):
    return [l[len('a=setup:'):] for l in sdp_lines(sdp) if l.startswith('a=setup:')]


def fingerprints_of(sdp):
    return [l[len('a=fingerprint:'):] for l in sdp_lines(sdp) if l.startswith('a=fingerprint:')]


def alter_fingerprints(sdp):
    """Flips the last hex digit of every a=fingerprint value; returns (sdp, n)."""
    n = 0

    def flip(m):
        nonlocal n
        n += 1
        digit = m.group(3)
        new = '%x' % (int(digit, 16) ^ 1)
        return m.group(1) + m.group(2) + (new.upper() if digit.isupper() else new)

    out = re.sub(r'(?m)^(a=fingerprint:\S+ )([0-9A-Fa-f:]*)([0-9A-Fa-f])(?=\r?$)', flip, sdp)
    return out, n


# ---------------------------------------------------------------- network

def run_checked(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=15)
    if p.returncode != 0:
        raise RuntimeError('%s: exit %d: %s' % (' '.join(cmd), p.returncode,
                                                 (p.stderr or p.stdout).strip()))
    return p.stdout


def setup_netns():
    links = run_checked(['ip', '-o', 'link', 'show'])
    names = [l.split(':')[1].strip().split('@')[0] for l in links.splitlines() if ':' in l]
    if names != ['lo']:
        raise RuntimeError('not in a fresh network namespace (links: %s)' % ', '.join(names))
    for cmd in (['ip', 'link', 'set', 'lo', 'up'],
                ['ip', 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'],
                ['ip', 'addr', 'add', ADDR + '/24', 'dev', 'v0'],
                ['ip', 'link', 'set', 'v0', 'up'],
                ['ip', 'link', 'set', 'v1', 'up'],
                ['ip', 'route', 'add', 'default', 'via', GATEWAY, 'dev', 'v0', 'onlink']):
        run_checked(cmd)
    addrs = run_checked(['ip', '-4', '-o', 'addr', 'show'])
    if ADDR not in addrs:
        raise RuntimeError('%s is not configured: %s' % (ADDR, addrs))
    return ' | '.join(' '.join(l.split()[1:4]) for l in addrs.splitlines())


# ---------------------------------------------------------------- echo peer

class Echo:
    """rtcpc-echo as a child: offer in, answer out, stderr kept and printed."""

    def __init__(self, cmd):
        self.cmd = cmd
        self.proc = None
        self.answer = None
        self.stdout_done = threading.Event()
        self.exited = threading.Event()
        self.lines = []          # (harness time, line)
        self.rc = None
        self.exit_t = None
        self.start_t = None
        self.sigterm_t = None
        self.sigkilled = False
        self.threads = []
        self.on_line = None      # called with each stderr line, on the reader thread

    def start(self, offer):
        self.start_t = time.monotonic() - T_START
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, start_new_session=True)
        for target in (self._read_stdout, self._read_stderr, self._wait):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self.threads.append(t)
        try:
            self.proc.stdin.write(offer.encode())
            self.proc.stdin.close()
        except (BrokenPipeError, OSError) as e:
            self.lines.append((time.monotonic() - T_START, 'harness: writing the offer: %s' % e))

    def _read_stdout(self):
        data = self.proc.stdout.read()
        # Bytes: the answer's CRLF stays as it is.
        self.answer = data.decode(errors='replace')
        self.stdout_done.set()

    def _read_stderr(self):
        for raw in self.proc.stderr:
            line = raw.decode(errors='replace').rstrip('\r\n')
            self.lines.append((time.monotonic() - T_START, line))
            say('%s [echo] %s' % (ts(), line))
            if self.on_line:
                self.on_line(line)

    def _wait(self):
        self.rc = self.proc.wait()
        self.exit_t = time.monotonic() - T_START
        say('%s harness: rtcpc-echo exited with %s' % (ts(), exit_text(self.rc)))
        self.exited.set()

    @property
    def running(self):
        return self.proc is not None and not self.exited.is_set()

    def terminate(self, wait_s):
        """SIGTERM, then up to wait_s for the exit; SIGKILL (a failure) after."""
        if not self.running:
            return
        self.sigterm_t = time.monotonic() - T_START
        say('%s harness: sending SIGTERM to rtcpc-echo' % ts())
        try:
            self.proc.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass
        if not self.exited.wait(wait_s):
            say('%s harness: rtcpc-echo still running %g s after SIGTERM: SIGKILL' % (ts(), wait_s))
            self.kill()

    def kill(self):
        if self.proc is None:
            return
        if self.running:
            self.sigkilled = True
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.exited.wait(10)

    def join(self, timeout=5):
        for t in self.threads:
            t.join(timeout)

    def text_lines(self):
        return [l for _, l in self.lines]


def parse_echo(lines):
    """Milestones, errors and summary from rtcpc-echo's stderr lines."""
    info = {'milestones': {}, 'errors': [], 'summary': None, 'dtls_line': None}
    for t, line in lines:
        for key, _layer, rx in MILESTONES:
            if rx.search(line) and key not in info['milestones']:
                info['milestones'][key] = t
                if key == 'dtls':
                    info['dtls_line'] = line
        m = ERROR_RE.search(line)
        if m:
            info['errors'].append({'layer': m.group(1), 'message': m.group(2), 'line': line})
        m = SUMMARY_RE.search(line)
        if m:
            info['summary'] = {k: int(v) if v.isdigit() else v
                               for k, v in re.findall(r'(\w+)=(\S+)', m.group(1))}
    return info


# ---------------------------------------------------------------- HTTP

class State:
    def __init__(self, args, echo_cmd):
        self.args = args
        self.echo = Echo(echo_cmd)
        self.deadline = T_START + args.timeout
        self.offer = None           # as the browser made it
        self.offer_given = None     # as the echo got it
        self.fingerprint_changes = None
        self.answer = None
        self.answer_error = None
        self.result = None
        self.result_event = threading.Event()
        self.closed_event = threading.Event()
        self.release_page = threading.Event()
        self.lock = threading.Lock()
        # browser_gone: the browser, and when and after what it was killed.
        self.browser = None
        self.browser_killed = threading.Event()
        self.kill_t = None
        self.kill_after = None   # the echo's milestones printed before the kill
        if args.scenario == 'browser_gone':
            self.echo.on_line = self.on_echo_line

    def on_echo_line(self, line):
        # On the reader thread, so the kill follows the line within a
        # millisecond or so.
        if MILESTONES[0][2].search(line):
            self.kill_browser()

    def kill_browser(self):
        """SIGKILL for the browser's process group, and for whatever of the
        browser left it (everything in the namespace but us and the echo)."""
        with self.lock:
            if self.browser is None or self.kill_t is not None:
                return
            try:
                os.killpg(self.browser.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.kill_t = time.monotonic() - T_START
            groups = (self.browser.pid, self.echo.proc.pid if self.echo.proc else None)
            stray = []
            for pid, name in leftover_processes():
                try:
                    with open('/proc/%d/stat' % pid) as f:
                        fields = f.read().rsplit(')', 1)[1].split()
                    if fields[0] == 'Z' or int(fields[2]) in groups:
                        continue  # dead already, or in a group just killed / the echo's
                    os.kill(pid, signal.SIGKILL)
                    stray.append('%d (%s)' % (pid, name.split()[0][:40]))
                except (OSError, IndexError, ValueError):
                    pass
            self.kill_after = [key for key, _layer, rx in MILESTONES
                               if any(rx.search(l) for _, l in self.echo.lines)]
        say('%s harness: SIGKILL to the browser (process group %d%s) after the echo printed: %s'
            % (ts(), self.browser.pid, ', and ' + ', '.join(stray) if stray else '',
               ', '.join(self.kill_after)))
        self.browser_killed.set()

    def answer_offer(self, sdp):
        with self.lock:
            if self.echo.proc is not None:
                return {'ok': False, 'error': 'the page sent a second offer'}
            self.offer = sdp
            if self.args.scenario == 'wrong_fingerprint':
                given, n = alter_fingerprints(sdp)
                self.fingerprint_changes = n
                say('%s harness: altered %d a=fingerprint value(s) in the offer the echo gets'
                    % (ts(), n))
                for a, b in sorted(set(zip(fingerprints_of(sdp), fingerprints_of(given)))):
                    say('           browser: %s\n           echo:    %s' % (a, b))
                if n == 0:
                    self.answer_error = 'the offer has no a=fingerprint to alter'
                    return {'ok': False, 'error': self.answer_error}
            else:
                given = sdp
            self.offer_given = given
            say('%s harness: starting %s' % (ts(), ' '.join(self.echo.cmd)))
            try:
                self.echo.start(given)
            except OSError as e:
                self.answer_error = 'cannot start rtcpc-echo: %s' % e
                return {'ok': False, 'error': self.answer_error}
        limit = self.args.answer_timeout
        if not self.echo.stdout_done.wait(limit):
            self.answer_error = 'rtcpc-echo wrote no complete answer within %g s ' \
                                '(stdout not closed)' % limit
            return {'ok': False, 'error': self.answer_error}
        answer = self.echo.answer or ''
        if not answer.startswith('v=0'):
            self.echo.exited.wait(2)
            self.answer_error = 'rtcpc-echo closed stdout without an answer (%d bytes%s)' % (
                len(answer), ', exit code %s' % self.echo.rc if self.echo.rc is not None else '')
            return {'ok': False, 'error': self.answer_error}
        self.answer = answer
        say('%s harness: answer received (%d bytes), returned to the page' % (ts(), len(answer)))
        return {'ok': True, 'answer': answer}

    def page_budget_ms(self):
        # What is left of --timeout, minus time for the final report.
        left = self.deadline - time.monotonic() - 5
        return int(max(left, 5) * 1000)


def make_handler(state):
    class Handler(PageHandler):
        page_dir = HERE

        def do_GET(self):
            if self.send_page_file():
                pass
            elif self.path == '/config':
                self.send(200, {'scenario': state.args.scenario,
                                'expect_failure': state.args.scenario in ('wrong_fingerprint',
                                                                          'browser_gone'),
                                'hold_ms': int(state.args.hold * 1000),
                                'budget_ms': state.page_budget_ms()})
            elif self.path == '/status':
                e = state.echo
                self.send(200, {'echo_started': e.proc is not None,
                                'echo_exited': e.exited.is_set(), 'echo_rc': e.rc})
            elif self.path == '/favicon.ico':
                self.send(404, b'', 'text/plain')
            else:
                self.send(404, {'error': 'not found'})

        def do_POST(self):
            n = int(self.headers.get('Content-Length', 0))
            body = json.loads(self.rfile.read(n) or b'{}')
            if self.path == '/offer':
                self.send(200, state.answer_offer(body.get('sdp') or ''))
            elif self.path == '/log':
                say('%s [page] %s' % (ts(), body.get('msg')))
                self.send(200, {'ok': True})
            elif self.path == '/result':
                state.result = body
                state.result_event.set()
                say('%s harness: the page reported its result' % ts())
                # --end sigterm: the page keeps its session up until the
                # harness has ended the echo.
                if state.args.end == 'sigterm':
                    state.release_page.wait(state.args.echo_exit_wait + 15)
                self.send(200, {'ok': True})
            elif self.path == '/closed':
                state.closed_event.set()
                say('%s harness: the page closed its RTCPeerConnection' % ts())
                self.send(200, {'ok': True})
            else:
                self.send(404, {'error': 'not found'})

    return Handler


# ---------------------------------------------------------------- report

def fmt(v):
    if v is None:
        return '-'
    if isinstance(v, float):
        return '%.3f' % v if v < 10 else '%.0f' % v
    return str(v)


def table(headers, rows, indent='  '):
    w = [max(len(str(h)), *(len(fmt(r[i])) for r in rows)) if rows else len(h)
         for i, h in enumerate(headers)]
    line = lambda cells: indent + ' | '.join(c.ljust(w[i]) for i, c in enumerate(cells))
    out = [line(headers), indent + '-+-'.join('-' * x for x in w)]
    out += [line([fmt(c) for c in r]) for r in rows]
    return '\n'.join(out)


RTP_COLUMNS = [
    ('ssrc', 'ssrc'), ('codec', 'codec'), ('packets', None), ('bytes', None),
    ('packetsLost', 'packetsLost'), ('framesEncoded/Decoded', None),
    ('keyFrames', None), ('frameSize', None), ('totalSamplesReceived', 'totalSamplesReceived'),
    ('nack', 'nackCount'), ('pli', 'pliCount'),
]


def rtp_row(direction, kind, r):
    if r is None:
        return [direction, kind] + ['(none)'] + [None] * (len(RTP_COLUMNS) - 1)
    out = direction == 'outbound'
    cells = [direction, kind]
    for name, field in RTP_COLUMNS:
        if field:
            cells.append(r.get(field))
        elif name == 'packets':
            cells.append(r.get('packetsSent' if out else 'packetsReceived'))
        elif name == 'bytes':
            cells.append(r.get('bytesSent' if out else 'bytesReceived'))
        elif name == 'framesEncoded/Decoded':
            cells.append(r.get('framesEncoded' if out else 'framesDecoded'))
        elif name == 'keyFrames':
            cells.append(r.get('keyFramesEncoded' if out else 'keyFramesDecoded'))
        elif name == 'frameSize':
            cells.append('%sx%s' % (r['frameWidth'], r['frameHeight'])
                         if r.get('frameWidth') else None)
    return cells


def print_page_report(res):
    say('\n=== what the browser reported (%s) ===' % res.get('userAgent', '?'))
    stages = res.get('stages') or {}
    rows = []
    for name, layer in STAGES:
        s = stages.get(name)
        if s is None:
            rows.append([name, layer, 'not run', None, None])
        else:
            detail = s.get('error') or ', '.join(
                '%s=%s' % (k, v) for k, v in s.items() if k not in ('ok', 't_ms', 'error'))
            rows.append([name, layer, 'ok' if s['ok'] else 'FAILED', s.get('t_ms'), detail[:110]])
    say(table(['stage', 'layer', 'result', 't (ms)', 'detail'], rows))
    if res.get('stop_reason'):
        say('  the page stopped waiting: %s' % res['stop_reason'])
    if res.get('fatal'):
        say('  page fatal error: %s' % res['fatal'])
    st = res.get('stats') or {}
    rows = []
    for direction, key in (('outbound', 'outbound'), ('inbound', 'inbound')):
        for kind in ('audio', 'video'):
            rows.append(rtp_row(direction, kind, (st.get(key) or {}).get(kind)))
    say('\n  RTP (final getStats, %s polls):' % res.get('stats_polls'))
    say(table(['direction', 'kind'] + [c for c, _ in RTP_COLUMNS], rows, '    '))
    for key, what in (('remote_inbound', 'remote-inbound-rtp (RTCP receiver reports from the echo)'),
                      ('remote_outbound', 'remote-outbound-rtp (RTCP sender reports from the echo)')):
        got = st.get(key) or {}
        say('  %s: %s' % (what, ', '.join(
            '%s packetsLost=%s rtt=%s' % (k, v.get('packetsLost'), fmt(v.get('roundTripTime')))
            if key == 'remote_inbound' else '%s packetsSent=%s' % (k, v.get('packetsSent'))
            for k, v in sorted(got.items())) or 'none'))
    sp = st.get('selected_pair')
    if sp:
        c = lambda x: '%s:%s %s/%s' % (x.get('address'), x.get('port'), x.get('protocol'),
                                       x.get('candidateType')) if x else '?'
        say('  selected candidate pair: local %s <-> remote %s, state %s, nominated %s, '
            'bytes sent/received %s/%s, rtt %s' % (
                c(sp.get('local')), c(sp.get('remote')), sp.get('state'), sp.get('nominated'),
                sp.get('bytesSent'), sp.get('bytesReceived'), sp.get('currentRoundTripTime')))
    else:
        say('  selected candidate pair: none')
    pairs = st.get('candidate_pairs') or []
    if pairs:
        say('  candidate pairs: ' + ', '.join('%s%s' % (p.get('state'), '(nominated)' if p.get('nominated') else '')
                                              for p in pairs))
    for t in st.get('transports') or []:
        say('  transport %s: dtlsState %s, dtlsRole %s, iceState %s, tls %s, dtls cipher %s, '
            'srtp cipher %s' % (t.get('id'), t.get('dtlsState'), t.get('dtlsRole'),
                                t.get('iceState'), t.get('tlsVersion'), t.get('dtlsCipher'),
                                t.get('srtpCipher')))
    if not st.get('transports'):
        say('  transport stats: none (the browser reports no RTCTransportStats)')
    fs = res.get('final_states') or {}
    if fs:
        say('  final states: ' + ', '.join('%s=%s' % kv for kv in fs.items()))
    for name, hist in (res.get('history') or {}).items():
        if hist:
            say('  %s history: %s' % (name, ' -> '.join('%s@%s' % (h['state'], h['t_ms'])
                                                        for h in hist)))
    for e in res.get('dtls_errors') or []:
        say('  DTLS transport error: %s' % json.dumps(e))
    dc = res.get('datachannel') or {}
    if dc:
        txt, b = dc.get('text') or {}, dc.get('binary') or {}
        say('  data channel: id %s, maxMessageSize %s, messages received %s' % (
            dc.get('id'), dc.get('maxMessageSize'), dc.get('messages_received')))
        if txt:
            say('    text   sent %r, got %r, rtt %s ms' % (txt.get('sent'), txt.get('received'),
                                                          txt.get('rtt_ms')))
        if b:
            say('    binary sent %s bytes sha256 %s, got %s sha256 %s, rtt %s ms' % (
                b.get('sent_bytes'), (b.get('sent_sha256') or '-')[:16],
                b.get('received'), (b.get('received_sha256') or '-')[:16], b.get('rtt_ms')))
    rv = res.get('remote_video')
    if rv:
        say('  remote <video>: %sx%s readyState %s currentTime %s' % (
            rv.get('videoWidth'), rv.get('videoHeight'), rv.get('readyState'),
            fmt(rv.get('currentTime'))))
    for e in res.get('errors') or []:
        say('  page note: %s' % e)


def exit_text(rc):
    if rc is None:
        return 'no exit code'
    if rc < 0:
        try:
            return 'signal %s' % signal.Signals(-rc).name
        except ValueError:
            return 'signal %d' % -rc
    return 'code %d' % rc


def stage_ok(res, name):
    s = ((res or {}).get('stages') or {}).get(name)
    return bool(s and s.get('ok'))


def diagnose(res, echo_info, answer_ok):
    """The layer the session stopped at, with the evidence from both sides."""
    ms = echo_info['milestones']
    err_layers = sorted({e['layer'].upper() for e in echo_info['errors']})
    tail = (' (echo errors at: %s)' % ', '.join(err_layers)) if err_layers else ''
    if not answer_ok:
        return 'signaling: no usable answer' + tail
    if not stage_ok(res, 'setRemoteDescription'):
        return 'signaling: the browser rejected the answer' + tail
    b_ice, e_ice = stage_ok(res, 'ice_connected'), 'ice' in ms
    if not (b_ice and e_ice):
        return 'ICE: browser ice_connected=%s, echo "ice connected"=%s%s' % (b_ice, e_ice, tail)
    b_dtls = stage_ok(res, 'dtls_connected') or stage_ok(res, 'connected')
    e_dtls = 'dtls' in ms
    if not (b_dtls and e_dtls):
        return 'DTLS: browser dtls/connected=%s, echo "dtls connected"=%s%s' % (b_dtls, e_dtls, tail)
    failed = []
    summ = echo_info['summary'] or {}
    srtp = {'echo srtp ready': 'srtp' in ms,
            'echo rtp_in>0': summ.get('rtp_in', 0) > 0 if summ else None,
            'echo rtp_out>0': summ.get('rtp_out', 0) > 0 if summ else None,
            'browser video decoded': stage_ok(res, 'video_decoded'),
            'browser audio received': stage_ok(res, 'audio_received'),
            'media kept flowing': stage_ok(res, 'media_flowing')}
    if not all(srtp.values()):
        failed.append('SRTP: ' + ', '.join('%s=%s' % kv for kv in srtp.items()))
    sctp = {'echo sctp associated': 'sctp' in ms, 'echo datachannel open': 'datachannel' in ms,
            'browser sctp connected': stage_ok(res, 'sctp_connected'),
            'browser channel open': stage_ok(res, 'datachannel_open'),
            'text echoed': stage_ok(res, 'dc_text_echo'),
            'binary echoed': stage_ok(res, 'dc_binary_echo')}
    if not all(sctp.values()):
        failed.append('SCTP: ' + ', '.join('%s=%s' % kv for kv in sctp.items()))
    return '; '.join(failed) + tail if failed else None


# What an error line may name, given how far the echo's own milestones got:
# DTLS only before "dtls connected", SCTP only between that and "sctp
# associated"; ICE (consent lost) at any point.
def error_layer_fits(layer, milestones):
    if layer == 'ice':
        return True
    if layer == 'dtls':
        return 'dtls' not in milestones
    if layer == 'sctp':
        return 'dtls' in milestones and 'sctp' not in milestones
    return False


def evaluate_browser_gone(args, state, echo_info, valgrind_errors):
    errors = []
    echo = state.echo
    ms = echo_info['milestones']
    if state.kill_t is None:
        errors.append('the browser was never killed: rtcpc-echo printed no "echo: ice connected"')
        return errors
    if echo.proc is None:
        return errors
    if echo.sigterm_t is not None:
        errors.append('rtcpc-echo did not end by itself within %g s of the browser\'s death: '
                      'the harness had to send SIGTERM (a hang)' % args.gone_bound)
    elif echo.exit_t is None:
        errors.append('rtcpc-echo never exited')
    elif echo.exit_t - state.kill_t > args.gone_bound:
        errors.append('rtcpc-echo ended %.1f s after the browser\'s death, more than %g s'
                      % (echo.exit_t - state.kill_t, args.gone_bound))
    if echo.rc is not None and echo.rc < 0:
        errors.append('rtcpc-echo crashed: %s' % exit_text(echo.rc))
    elif not echo.sigkilled and not valgrind_errors and echo.rc != 1:
        errors.append('rtcpc-echo exited with %s, expected 1' % exit_text(echo.rc))
    if not echo_info['errors']:
        errors.append('rtcpc-echo printed no "echo: error: LAYER: ..." line')
    else:
        first = echo_info['errors'][0]
        if not error_layer_fits(first['layer'], ms):
            errors.append('the echo\'s error names %s, which does not fit its milestones (%s): %s'
                          % (first['layer'], ', '.join(ms) or 'none', first['line']))
    ended = [l for _, l in echo.lines if l.startswith('echo: session ended')]
    if ended:
        errors.append('rtcpc-echo took the vanished browser for a clean end: %s' % ended[0])
    if echo_info['summary'] is None:
        errors.append('rtcpc-echo printed no summary line')
    return errors


def evaluate(args, state, echo_info):
    """List of failure messages (empty: pass)."""
    errors = []
    res = state.result or {}
    echo = state.echo
    offer_cands = candidates_of(state.offer)
    if state.offer is None:
        errors.append('the page sent no offer')
    elif not any(c[0] == ADDR for c in offer_cands):
        errors.append('the browser offered no candidate on %s (candidates: %s)'
                      % (ADDR, offer_cands or 'none'))
    if state.answer:
        setups = setup_values(state.answer)
        want = 'passive' if args.scenario == 'dtls_server' else 'active'
        if not setups or any(s != want for s in setups):
            errors.append('the answer says a=setup:%s, expected a=setup:%s'
                          % ('/'.join(setups) or '(none)', want))
        if not any(c[0] == ADDR for c in candidates_of(state.answer)):
            errors.append('the answer has no candidate on %s (candidates: %s)'
                          % (ADDR, candidates_of(state.answer) or 'none'))
    elif state.offer is not None:
        errors.append('no answer: %s' % state.answer_error)
    if state.result is None and args.scenario != 'browser_gone':  # killed before it reports
        errors.append('the page reported no result')
    elif res.get('fatal'):
        errors.append('page error: %s' % res['fatal'])

    valgrind_errors = args.valgrind and echo.rc == 99
    if valgrind_errors:
        errors.append('valgrind found memory errors or leaks in rtcpc-echo (exit code 99)')
    if echo.proc is None:
        errors.append('rtcpc-echo was never started')
    elif echo.sigkilled:
        errors.append('rtcpc-echo did not exit within %g s of SIGTERM (killed)' % args.echo_exit_wait)

    if args.scenario == 'browser_gone':
        return errors + evaluate_browser_gone(args, state, echo_info, valgrind_errors)
    if args.scenario == 'wrong_fingerprint':
        if echo.proc is not None and not echo.sigkilled and not valgrind_errors and echo.rc != 1:
            errors.append('rtcpc-echo exited with %s, expected 1' % exit_text(echo.rc))
        if echo.sigterm_t is not None:
            errors.append('rtcpc-echo did not end by itself: the harness had to send SIGTERM '
                          '%.1f s after it started' % (echo.sigterm_t - echo.start_t))
        elif echo.exit_t is not None and echo.exit_t > args.timeout:
            errors.append('rtcpc-echo ended after the budget (%.1f s > %g s)'
                          % (echo.exit_t, args.timeout))
        dtls_fp = [e for e in echo_info['errors']
                   if e['layer'] == 'dtls' and 'fingerprint' in e['message'].lower()]
        if not dtls_fp:
            errors.append('no "echo: error: dtls: ...fingerprint..." line (errors: %s)'
                          % ([e['line'] for e in echo_info['errors']] or 'none'))
        if 'ice' not in echo_info['milestones']:
            errors.append('rtcpc-echo printed no "echo: ice connected" line: the session must '
                          'fail at DTLS, after ICE connected')
        if 'dtls' in echo_info['milestones']:
            errors.append('rtcpc-echo printed "echo: dtls connected" despite the wrong fingerprint')
        hist = [h['state'] for h in (res.get('history') or {}).get('connectionState', [])]
        if 'connected' in hist:
            errors.append('the browser reached connectionState connected')
        inbound = ((res.get('stats') or {}).get('inbound') or {})
        for kind, r in inbound.items():
            if (r.get('packetsReceived') or 0) > 0:
                errors.append('the browser received %s %s packets' % (r['packetsReceived'], kind))
        if stage_ok(res, 'datachannel_open'):
            errors.append('the data channel opened')
        return errors

    # Success scenarios.
    not_run = []
    for name, _layer in STAGES:
        s = (res.get('stages') or {}).get(name)
        if state.result is None:
            break
        if s is None:
            not_run.append(name)
        elif not s.get('ok'):
            errors.append('page stage %s: %s' % (name, s.get('error') or 'failed'))
    if not_run:
        errors.append('page stages never reached: %s' % ', '.join(not_run))
    hist = [h['state'] for h in (res.get('history') or {}).get('connectionState', [])]
    if 'failed' in hist:
        errors.append('the browser\'s connectionState went to failed (%s)' % ' -> '.join(hist))
    if echo.proc is not None and not echo.sigkilled and not valgrind_errors and echo.rc != 0:
        errors.append('rtcpc-echo exited with %s, expected 0' % exit_text(echo.rc))
    ms = echo_info['milestones']
    missing = ['"%s"' % rx.pattern.strip('^').replace('\\b', '') for key, _layer, rx in MILESTONES
               if key not in ms]
    if missing:
        errors.append('rtcpc-echo printed no %s line' % ', '.join(missing))
    role = 'server' if args.scenario == 'dtls_server' else 'client'
    dl = echo_info['dtls_line']
    if dl and ('role=%s' % role not in dl or 'fingerprint verified' not in dl):
        errors.append('the echo\'s DTLS line says %r, expected role=%s ... fingerprint verified'
                      % (dl, role))
    for e in echo_info['errors']:
        errors.append('rtcpc-echo error: %s' % e['line'])
    summ = echo_info['summary']
    if summ is None:
        errors.append('rtcpc-echo printed no summary line')
    else:
        for key, least in (('rtp_in', 1), ('rtp_out', 1), ('dc_messages', 2)):
            v = summ.get(key)
            if not isinstance(v, int) or v < least:
                errors.append('echo summary %s=%s, expected >= %d' % (key, v, least))
    return errors


# ---------------------------------------------------------------- main

def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--browser', choices=['chromium', 'firefox'], required=True)
    ap.add_argument('--echo', required=True, help='the rtcpc-echo executable')
    ap.add_argument('--scenario', choices=SCENARIOS, default='dtls_client')
    ap.add_argument('--timeout', type=float, default=120,
                    help='budget in seconds for the whole session (default 120)')
    ap.add_argument('--valgrind', help='run rtcpc-echo under this valgrind')
    ap.add_argument('--hold', type=float, default=3,
                    help='seconds the session stays up once every check passed, to check that '
                         'media keeps flowing (default 3)')
    ap.add_argument('--end', choices=['close', 'sigterm'], default='close',
                    help='how the session ends (default: the page closes its peer connection)')
    ap.add_argument('--echo-verbose', action='store_true', help='pass --verbose to rtcpc-echo')
    ap.add_argument('--report', help='write everything (page result, echo lines, verdict) '
                                     'as JSON here')
    ap.add_argument('--in-netns', action='store_true', help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    slow = 4 if args.valgrind else 1
    args.answer_timeout = 20 * slow
    args.echo_exit_wait = 15 * slow
    args.gone_bound = GONE_BOUND_S + (20 if args.valgrind else 0)
    return args


def prerequisites(args):
    problems = []
    names = ['chromium', 'chromium-browser'] if args.browser == 'chromium' else ['firefox-esr', 'firefox']
    if not any(shutil.which(n) for n in names):
        problems.append('%s not found (looked for %s)' % (args.browser, ', '.join(names)))
    if not os.path.isfile(args.echo):
        problems.append('rtcpc-echo not found: %s' % args.echo)
    elif not os.access(args.echo, os.X_OK):
        problems.append('rtcpc-echo is not executable: %s' % args.echo)
    if args.valgrind and not (os.path.isfile(args.valgrind) and os.access(args.valgrind, os.X_OK)):
        problems.append('valgrind not found or not executable: %s' % args.valgrind)
    for tool in ('unshare', 'ip', 'timeout'):
        if not shutil.which(tool):
            problems.append('%s not found (needed for the private network namespace)' % tool)
    return problems


def outer_main(args):
    args.echo = os.path.abspath(args.echo)
    if args.valgrind:
        args.valgrind = shutil.which(args.valgrind) or os.path.abspath(args.valgrind)
    problems = prerequisites(args)
    if problems:
        for p in problems:
            say('FAIL prerequisite: %s' % p)
        return 1
    argv = [sys.executable, os.path.abspath(__file__), '--in-netns',
            '--browser', args.browser, '--echo', args.echo, '--scenario', args.scenario,
            '--timeout', str(args.timeout), '--end', args.end, '--hold', str(args.hold)]
    if args.valgrind:
        argv += ['--valgrind', args.valgrind]
    if args.echo_verbose:
        argv.append('--echo-verbose')
    if args.report:
        argv += ['--report', os.path.abspath(args.report)]
    # A hard stop well past every bounded step, in case something hangs.
    hard = int(args.timeout + 3 * args.echo_exit_wait + args.answer_timeout + 120)
    cmd = ['timeout', '-k', '10', str(hard), 'unshare', '-n', '--'] + argv
    try:
        os.execvp(cmd[0], cmd)
    except OSError as e:
        say('FAIL: cannot run %s: %s' % (' '.join(cmd[:6]), e))
        return 1


def leftover_processes():
    """Processes in this private network namespace other than the harness:
    all were started by it (browser helpers that left its process group)."""
    me = os.getpid()
    try:
        ns = os.readlink('/proc/self/ns/net')
    except OSError:
        return []
    out = []
    for d in os.listdir('/proc'):
        if not d.isdigit() or int(d) == me:
            continue
        try:
            if os.readlink('/proc/%s/ns/net' % d) != ns:
                continue
            with open('/proc/%s/cmdline' % d, 'rb') as f:
                name = f.read().split(b'\0')[0].decode(errors='replace')
        except OSError:
            continue
        out.append((int(d), os.path.basename(name) or '?'))
    return out


def echo_command(args):
    cmd = [args.echo, '--bind', ADDR, '--timeout', str(int(args.timeout))]
    if args.scenario == 'dtls_server':
        cmd += ['--dtls-role', 'server']
    if args.echo_verbose:
        cmd.append('--verbose')
    if args.valgrind:
        supp_dir = os.path.join(os.path.dirname(os.path.dirname(HERE)), 'c_examples', 'echo')
        supps = sorted(os.path.join(supp_dir, f) for f in os.listdir(supp_dir)
                       if f.endswith('.supp')) if os.path.isdir(supp_dir) else []
        cmd = [args.valgrind, '--error-exitcode=99', '--leak-check=full',
               '--errors-for-leak-kinds=definite,indirect',
               '--show-leak-kinds=definite,indirect'] + \
              ['--suppressions=' + s for s in supps] + cmd
    return cmd


def inner_main(args):
    def on_term(signum, frame):
        raise SystemExit('FAIL: the harness got signal %d (hard timeout?)' % signum)
    signal.signal(signal.SIGTERM, on_term)

    problems = prerequisites(args)
    if problems:
        for p in problems:
            say('FAIL prerequisite: %s' % p)
        return 1
    try:
        net = setup_netns()
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as e:
        say('FAIL: network namespace setup: %s' % e)
        return 1

    state = State(args, echo_command(args))
    server, url = serve(make_handler(state))

    tmp = tempfile.mkdtemp(prefix='rtcpc-real-session-')
    profile = os.path.join(tmp, 'profile')
    os.mkdir(profile)
    cmd = browser_command(args.browser, profile, url, EXTRA_CHROMIUM_FLAGS, EXTRA_FIREFOX_PREFS)
    version = browser_version(cmd[0])
    say('real_session: %s (%s), scenario %s, budget %g s, end by %s' % (
        args.browser, version, args.scenario, args.timeout, args.end))
    say('network namespace: %s; default via %s' % (net, GATEWAY))
    say('echo: %s' % ' '.join(state.echo.cmd))
    say('page: %s' % url)

    log_path = os.path.join(tmp, 'browser.log')
    proc = None
    outcome_note = None
    try:
        with open(log_path, 'wb') as logf:
            proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
            say('%s harness: browser started (pid %d)' % (ts(), proc.pid))
            with state.lock:
                state.browser = proc
            limit = state.deadline + 10  # the page reports by itself before the deadline
            while args.scenario == 'browser_gone' and not state.browser_killed.wait(0.5):
                if proc.poll() is not None:
                    if state.browser_killed.wait(5):  # our kill, reported a moment later
                        break
                    outcome_note = 'the browser exited by itself (code %s) before the echo ' \
                                   'printed "ice connected"' % proc.returncode
                elif not state.echo.running and state.echo.proc is not None:
                    outcome_note = 'rtcpc-echo exited before ICE connected'
                elif time.monotonic() > limit:
                    outcome_note = 'the echo printed no "ice connected" within the budget (%g s)' \
                                   % args.timeout
                else:
                    continue
                break
            if state.browser_killed.is_set():
                proc.wait()
                if state.echo.exited.wait(args.gone_bound):
                    say('%s harness: rtcpc-echo ended by itself %.1f s after the browser was killed'
                        % (ts(), state.echo.exit_t - state.kill_t))
                else:
                    say('%s harness: rtcpc-echo still runs %g s after the browser was killed'
                        % (ts(), args.gone_bound))
            while args.scenario != 'browser_gone' and not state.result_event.wait(0.5):
                if proc.poll() is not None:
                    outcome_note = 'the browser exited early with code %s' % proc.returncode
                    break
                if time.monotonic() > limit:
                    outcome_note = 'no result from the page within the budget (%g s)' % args.timeout
                    break
            if outcome_note:
                say('%s harness: %s' % (ts(), outcome_note))
            # Ending the session.
            if state.result_event.is_set() and args.end == 'sigterm':
                state.echo.terminate(args.echo_exit_wait)
                state.release_page.set()
                state.closed_event.wait(5)
            elif state.result_event.is_set():
                if state.closed_event.wait(5) and state.echo.running:
                    if state.echo.exited.wait(5):
                        say('%s harness: rtcpc-echo ended by itself after the page closed '
                            'its RTCPeerConnection' % ts())
                    else:
                        say('%s harness: note: rtcpc-echo still runs 5 s after the page closed '
                            'its RTCPeerConnection' % ts())
            state.release_page.set()
            say('%s harness: closing the browser' % ts())
            kill_group(proc)
            state.echo.terminate(args.echo_exit_wait)
    finally:
        state.release_page.set()
        if proc is not None and proc.poll() is None:
            kill_group(proc)
        state.echo.kill()
        server.shutdown()
        server.server_close()
    state.echo.join()
    left = leftover_processes()
    if left:
        say('%s harness: killing processes left in the namespace: %s' % (
            ts(), ', '.join('%d (%s)' % p for p in left)))
        for pid, _ in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    with open(log_path, errors='replace') as f:
        browser_log = f.read()
    shutil.rmtree(tmp, ignore_errors=True)

    # ------------------------------------------------------------ verdict
    echo_info = parse_echo(state.echo.lines)
    if state.offer:
        say('\n=== signaling ===')
        say('  offer candidates: %s' % (', '.join('%s:%s %s/%s' % c for c in candidates_of(state.offer)) or 'none'))
        say('  offer a=setup: %s, a=fingerprint: %s' % ('/'.join(setup_values(state.offer)),
                                                        ' | '.join(set(fingerprints_of(state.offer)))))
    if state.answer:
        say('  answer candidates: %s' % (', '.join('%s:%s %s/%s' % c for c in candidates_of(state.answer)) or 'none'))
        say('  answer a=setup: %s, a=fingerprint: %s' % ('/'.join(setup_values(state.answer)),
                                                         ' | '.join(set(fingerprints_of(state.answer)))))
    if state.result:
        print_page_report(state.result)
        if args.scenario == 'wrong_fingerprint':
            say('  (wrong_fingerprint: the stages from DTLS on are expected to fail)')
    say('\n=== rtcpc-echo ===')
    e = state.echo
    rows = [[key, layer, 'yes' if key in echo_info['milestones'] else 'NO',
             echo_info['milestones'].get(key)] for key, layer, _ in MILESTONES]
    say(table(['milestone', 'layer', 'seen', 't (s)'], rows))
    for err in echo_info['errors']:
        say('  error line: %s' % err['line'])
    say('  summary: %s' % (' '.join('%s=%s' % kv for kv in echo_info['summary'].items())
                           if echo_info['summary'] else 'none'))
    how = 'never started' if e.proc is None else \
        'killed (SIGKILL)' if e.sigkilled else \
        'after SIGTERM' if e.sigterm_t is not None else 'by itself'
    say('  exit code: %s (%s%s)' % (exit_text(e.rc), how, ', at %.1f s' % e.exit_t if e.exit_t else ''))
    if args.scenario == 'browser_gone' and state.kill_t is not None:
        say('  browser SIGKILLed at %.3f s, after the echo printed: %s; the echo exited %s' % (
            state.kill_t, ', '.join(state.kill_after) or 'nothing',
            '%.1f s later' % (e.exit_t - state.kill_t) if e.exit_t else 'never'))

    errors = evaluate(args, state, echo_info)
    if outcome_note:
        errors.insert(0, outcome_note)
    layer = None
    if args.scenario not in ('wrong_fingerprint', 'browser_gone') and errors:
        layer = diagnose(state.result, echo_info, bool(state.answer))
    if errors and (not state.result or state.result.get('fatal') or outcome_note):
        say('\n--- browser log (tail) ---')
        say(browser_log[-4000:])
    say('\n=== verdict ===')
    if layer:
        say('  stopped at: %s' % layer)
    for err in errors:
        say('  FAIL: %s' % err)
    verdict = 'FAIL' if errors else 'PASS'
    say('%s %s %s%s (%.1f s)' % (verdict, args.browser, args.scenario,
                                 ' under valgrind' if args.valgrind else '',
                                 time.monotonic() - T_START))
    if args.report:
        report = {'browser': args.browser, 'browser_version': version,
                  'scenario': args.scenario, 'valgrind': bool(args.valgrind),
                  'verdict': verdict, 'failures': errors, 'stopped_at': layer,
                  'offer': state.offer, 'offer_given_to_echo': state.offer_given,
                  'answer': state.answer, 'page': state.result,
                  'browser_killed_at': state.kill_t, 'browser_killed_after': state.kill_after,
                  'echo': {'cmd': e.cmd, 'exit_code': e.rc, 'ended': how,
                           'lines': e.text_lines(), 'parsed': echo_info}}
        with open(args.report, 'w') as f:
            json.dump(report, f, indent=2)
    return 1 if errors else 0


def main():
    args = parse_args()
    if args.in_netns:
        return inner_main(args)
    return outer_main(args)


if __name__ == '__main__':
    sys.exit(main())
