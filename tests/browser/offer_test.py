#!/usr/bin/env python3
"""Real-browser test of rtcpc OFFERING (issue 15): rtcpc makes the offers,
Chromium or Firefox ESR answers them.

  python3 tests/browser/offer_test.py --browser chromium|firefox \\
      --library target/release/librtcpc.so [--timeout 240] [--scenario NAME ...] \\
      [--report FILE.json] [--compare-report OTHER_BROWSER.json]

rtcpc runs in a ctypes worker process (rtcpc_ctypes.py, op "calls"), one
rtcpc connection per scenario kept across the scenario's steps; the page
(offer_page.html/offer_page.js) is a command executor: this script drives
both sides of every exchange and checks what each reports.

An exchange where rtcpc offers: rtcpc adds tracks/transceivers as the
scenario says, createOffer, setLocalDescription(offer); the page applies the
offer (setRemoteDescription), attaches its getUserMedia tracks as the
scenario says (addTrack after setRemoteDescription reuses the offered
transceivers), createAnswer, setLocalDescription; rtcpc applies that answer
(setRemoteDescription(answer)) and reports rtc_pc_negotiation; the page
reports getTransceivers() (mid, direction, currentDirection) and the
sender/receiver getParameters(). Checked (check_offer_exchange): the browser
took the offer, rtcpc took the answer, both are stable; each m-section is
accepted or rejected as the scenario expects, and rtcpc's negotiation says
the same as the answer (payload types and fmtp, extensions, ICE, DTLS,
SSRC, msid, SCTP, BUNDLE); the browser's currentDirection is the reverse of
rtcpc's direction; the payload types and codec names the browser's sender
and receiver use are rtcpc's for that mid; the extension ids agree
(Chromium only: Firefox's getParameters().headerExtensions is always
empty); rtcpc's DTLS role is the complement of the answer's a=setup (SERVER
for a first answer, which browsers make active); rtcpc's ICE role is
CONTROLLING for its first offer, and the opposite of the browser's
RTCIceTransport.role whenever the browser reports one.

Exchanges where the browser offers (glare, mixed_sequence) are checked the
same way from rtcpc's answer (check_answer_exchange).

Each scenario's first rtcpc offer is also compared with the browser's own
offer for the same tracks (a second RTCPeerConnection, createOffer):
codecs, extensions, rtcp-fb and attributes, printed with OFFER_JUSTIFIED's
reason for every known difference. That comparison is informational.

Scenarios (SCENARIOS): audio_video, sendonly_to_recvonly_browser, recvonly,
data_only, audio_video_data, vp9_only, h264_only, reoffer_add_track,
reoffer_stop, ice_restart, restart_ice_call (the same by W3C
restartIce), glare (rtcpc's SRD(offer) in have-local-offer),
glare_then_reoffer (glare, then rtcpc offers again on that connection),
mixed_sequence (browser offers, rtcpc offers, browser offers),
tampered_answers (TAMPERS: each must be refused with
RTC_ERROR_INVALID_ACCESS, the state staying have-local-offer), pranswer,
rollback_then_offer; bundle_max_bundle, bundle_max_compat, bundle_balanced
(rtc_configuration_set_bundle_policy, 2 audio + 2 video, + data for
max-bundle: which m-sections the offer makes bundle-only, JSEP 5.2.1; then
everything on one transport: the answer's BUNDLE group, rtcpc bundled on
transport_index 0, the browser's transceivers (and pc.sctp) sharing one
RTCDtlsTransport/RTCIceTransport object, getStats naming one transport);
ice_lite (rtcpc an ICE lite agent: a=ice-lite at session level, rtcpc
controlled, the browser controlling where it reports RTCIceTransport.role,
i.e. Firefox); simulcast_3_layers (a sendonly video transceiver with RIDs
h, m, l: a=rid/a=simulcast:send and the RID extensions in the offer; the
browsers answer without a=simulcast, and rtcpc must report
simulcast_fallback, or, if an answer has a=simulcast:recv, those RIDs);
subsequent exchanges (issue 20): perfect_negotiation_data (glare both ways
with data channels: no mid given twice), reoffer_rejected_data (an answer
rejecting the data m-line, re-offered in place), reoffer_after_sfu_offer and
reoffer_after_safari_offer (rtcpc answers a corpus offer, then re-offers to
the browser: every payload type keeps its codec, the codec in use leads, and
the browser's getParameters agrees); the W3C object model (issue 21):
track_lifecycle (the browser sends a track, moves it to another stream,
removes it, stops the transceiver; rtcpc then sends with two streams in
the recycled m-line, setStreams, replaceTrack, removeTrack: rtcpc's
signalingstatechange/track/negotiationneeded events in the W3C order and
with the browser's stream and track ids, the browser's ontrack and remote
streams, and both sides' transceivers, agree); glare also checks the two
signalingstatechange events of rtcpc's implicit rollback.
The scenarios in SCENARIO_CONFIG run with that rtcpc configuration
(ConfiguredWorker). The rtcpc problems this test found have regression
tests without a browser in tests/offer.rs.

Scenarios pass or fail; the one exception is h264_only in Firefox, which
may be SKIP (Firefox has H.264 only with the OpenH264 plugin, downloaded on
demand). The last line is "N passed, M failed, K skipped".
"""

import sys
sys.dont_write_bytecode = True

import argparse  # noqa: E402
import collections  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import queue  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

from browser_test import (  # noqa: E402
    PageHandler, LibraryWorker, REVERSE_DIRECTION, attr_values,
    final_line, launch_plan, bundle_mids, kill_group, media_lines, multiset_diff, parse_media,
    sdp_sections, serve, session_origin, summary_columns)

HERE = os.path.dirname(os.path.abspath(__file__))
CALL_TIMEOUT = 30          # one page command
LONG_POLL = 20             # the page asks again after this
SKIP_ALLOWED = {('firefox', 'h264_only')}

# As in the library's video capabilities (src/codec.rs): a preference names
# the capability (name, clock rate, fmtp) and its rtcp-fb.
VIDEO_FB = ['goog-remb', 'transport-cc', 'ccm fir', 'nack', 'nack pli']
RTX = {'name': 'rtx', 'clock_rate': 90000}
VP9_AND_RTX = [{'name': 'VP9', 'clock_rate': 90000, 'fmtp': 'profile-id=0',
                'rtcp_feedback': VIDEO_FB}, RTX]
H264_AND_RTX = [{'name': 'H264', 'clock_rate': 90000, 'rtcp_feedback': VIDEO_FB,
                 'fmtp': 'level-asymmetry-allowed=1;packetization-mode=%d;profile-level-id=%s'
                 % (mode, profile)}
                for profile in ('42001f', '42e01f', '4d001f') for mode in (1, 0)] + [RTX]


class StepFailure(Exception):
    """A scenario cannot go on (a refused description, a failed call)."""


class PageStuck(Exception):
    """The page stopped answering: the scenarios after this one cannot run."""


# ---------------------------------------------------------------- page RPC

class PageRPC:
    """Commands to the page: /rpc carries a result in, the next command out."""

    def __init__(self):
        self.commands = queue.Queue()
        self.lock = threading.Lock()
        self.pending = {}
        self.seq = 0
        self.hello = threading.Event()
        self.user_agent = None
        self.fatal = None
        self.stuck = None

    def call(self, cmd, timeout=CALL_TIMEOUT, **args):
        if self.stuck:
            raise PageStuck(self.stuck)
        with self.lock:
            self.seq += 1
            seq = self.seq
            slot = self.pending[seq] = {'event': threading.Event(), 'result': None}
        self.commands.put(dict(args, cmd=cmd, seq=seq))
        if not slot['event'].wait(timeout):
            self.stuck = 'the page did not answer %s within %d s%s' % (
                cmd, timeout, ' (page error: %(name)s: %(message)s)' % self.fatal
                if self.fatal else '')
            raise PageStuck(self.stuck)
        return slot['result']

    def handle(self, body):
        """An /rpc request from the page: its result in, the next command out."""
        if body.get('fatal'):
            self.fatal = body['fatal']
            return {'cmd': 'done'}
        if body.get('hello'):
            self.user_agent = body.get('userAgent')
            self.hello.set()
        if 'seq' in body:
            with self.lock:
                slot = self.pending.pop(body['seq'], None)
            if slot:
                slot['result'] = body.get('result')
                slot['event'].set()
        try:
            return self.commands.get(timeout=LONG_POLL)
        except queue.Empty:
            return {'cmd': 'noop'}

    def finish(self):
        self.commands.put({'cmd': 'done'})


def make_handler(rpc):
    class Handler(PageHandler):
        FILES = {'/': 'offer_page.html', '/offer_page.js': 'offer_page.js',
                 '/common.js': 'common.js'}

        def do_GET(self):
            if not self.send_page_file():
                self.send(404, {'error': 'not found'})

        def do_POST(self):
            n = int(self.headers.get('Content-Length', 0))
            body = json.loads(self.rfile.read(n) or b'{}')
            if self.path == '/rpc':
                self.send(200, rpc.handle(body))
            else:
                self.send(404, {'error': 'not found'})

    return Handler


# ---------------------------------------------------------------- SDP helpers

def split(sdp):
    return sdp_sections(sdp or '')


def first(lines, prefix, default=None):
    v = attr_values(lines, prefix)
    return v[0] if v else default


def own_or_session(session, lines, prefix):
    """A media-level attribute, or the session-level one."""
    v = attr_values(lines, prefix)
    return v if v else attr_values(session, prefix)


def fmtp_params(s):
    return dict((p.split('=', 1) + [''])[:2] for p in (s or '').replace(' ', '').split(';') if p)


def rtp_info(lines):
    """Payload-type level view of one m-section."""
    m = lines[0][2:].split()
    info = {'kind': m[0], 'port': int(m[1]), 'pts': [int(p) for p in m[3:] if p.isdigit()],
            'rtpmap': {}, 'fmtp': {}, 'extmap': [], 'ssrcs': [], 'ssrc_groups': [],
            'msid': None, 'cname': None, 'mid': first(lines, 'a=mid:')}
    for line in lines[1:]:
        if line.startswith('a=rtpmap:'):
            pt, enc = line[9:].split(' ', 1)
            parts = enc.split('/')
            info['rtpmap'][int(pt)] = (parts[0], int(parts[1]) if len(parts) > 1 else 0,
                                       int(parts[2]) if len(parts) > 2 else 0)
        elif line.startswith('a=fmtp:'):
            pt, params = line[7:].split(' ', 1)
            info['fmtp'][int(pt)] = params
        elif line.startswith('a=extmap:'):
            ident, uri = line[9:].split()[:2]
            info['extmap'].append((int(ident.split('/')[0]), uri))
        elif line.startswith('a=ssrc:'):
            ssrc, attr = line[7:].split(' ', 1)
            if int(ssrc) not in info['ssrcs']:
                info['ssrcs'].append(int(ssrc))
            if attr.startswith('cname:') and info['cname'] is None:
                info['cname'] = attr[6:]
        elif line.startswith('a=ssrc-group:'):
            parts = line[13:].split()
            info['ssrc_groups'].append({'semantics': parts[0],
                                        'ssrcs': [int(x) for x in parts[1:]]})
        elif line.startswith('a=msid:') and info['msid'] is None:
            parts = line[7:].split()
            info['msid'] = (parts[0], parts[1] if len(parts) > 1 else None)
    return info


def codec_identity(info, pt, depth=0):
    """What makes a codec the same codec across descriptions: name, clock rate,
    channels (none = 1 for audio, RFC 4566 6), the parameters that define it
    (H.264 profile and packetization mode, VP9/AV1 profile) and, for rtx, the
    codec it repairs."""
    name, rate, ch = info['rtpmap'].get(pt, ('pt%d' % pt, 0, 0))
    f = fmtp_params(info['fmtp'].get(pt, ''))
    n = name.lower()
    key = '%s/%d' % (name, rate) + ('/%d' % (ch or 1) if info['kind'] == 'audio' else '')
    if n == 'h264':
        key += ' profile-level-id=%s packetization-mode=%s' % (
            f.get('profile-level-id', '420010').lower(), f.get('packetization-mode', '0'))
    elif n == 'vp9':
        key += ' profile-id=%s' % f.get('profile-id', '0')
    elif n == 'av1':
        key += ' profile=%s' % f.get('profile', '0')
    elif n == 'rtx' and depth == 0 and f.get('apt', '').isdigit():
        key += ' apt=' + codec_identity(info, int(f['apt']), 1)
    return key


def mids_of(sdp):
    return [first(m, 'a=mid:') for m in media_lines(sdp)]


def unused_payload_type(sdp):
    used = {pt for m in media_lines(sdp) for pt in rtp_info(m)['pts']}
    return next(pt for pt in list(range(96, 128)) + list(range(35, 64)) if pt not in used)


def join(session, media):
    return '\r\n'.join(session + [line for m in media for line in m]) + '\r\n'


# ---------------------------------------------------------------- tampered answers

def tamper_no_fingerprint(answer, offer):
    s, m = split(answer)
    keep = lambda ls: [x for x in ls if not x.startswith('a=fingerprint:')]  # noqa: E731
    return join(keep(s), [keep(x) for x in m])


def tamper_swap_mlines(answer, offer):
    s, m = split(answer)
    m[0], m[1] = m[1], m[0]
    return join(s, m)


def tamper_unoffered_pt(answer, offer):
    """The answer's first video codec renumbered to a payload type the offer never used."""
    s, m = split(answer)
    i = next(i for i, x in enumerate(m) if x[0].startswith('m=video'))
    pt = rtp_info(m[i])['pts'][0]
    new = unused_payload_type(offer)
    out = []
    for line in m[i]:
        if line.startswith('m='):
            f = line.split(' ')
            line = ' '.join(f[:3] + [str(new) if x == str(pt) else x for x in f[3:]])
        for attr in ('a=rtpmap:', 'a=fmtp:', 'a=rtcp-fb:'):
            if line.startswith('%s%d ' % (attr, pt)):
                line = '%s%d%s' % (attr, new, line[len(attr) + len(str(pt)):])
        line = re.sub(r'\bapt=%d\b' % pt, 'apt=%d' % new, line)
        out.append(line)
    m[i] = out
    return join(s, m)


def tamper_setup_actpass(answer, offer):
    s, m = split(answer)
    fix = lambda ls: [x.replace('a=setup:active', 'a=setup:actpass')  # noqa: E731
                      .replace('a=setup:passive', 'a=setup:actpass') for x in ls]
    return join(fix(s), [fix(x) for x in m])


def tamper_no_ice_credentials(answer, offer):
    s, m = split(answer)
    keep = lambda ls: [x for x in ls if not x.startswith(('a=ice-ufrag:', 'a=ice-pwd:'))]  # noqa
    return join(keep(s), [keep(x) for x in m])


def tamper_unoffered_extension(answer, offer):
    """An a=extmap the offer did not have (a real URI rtcpc does not offer)."""
    s, m = split(answer)
    i = next(i for i, x in enumerate(m) if x[0].startswith('m=video'))
    used = {e for x in m for e, _ in rtp_info(x)['extmap']}
    new = next(e for e in range(1, 15) if e not in used)
    at = max(j for j, x in enumerate(m[i]) if x.startswith(('a=mid:', 'a=extmap:'))) + 1
    m[i].insert(at, 'a=extmap:%d http://www.webrtc.org/experiments/rtp-hdrext/playout-delay' % new)
    return join(s, m)


TAMPERS = [
    ('fingerprint_removed', tamper_no_fingerprint),
    ('mlines_swapped', tamper_swap_mlines),
    ('unoffered_payload_type', tamper_unoffered_pt),
    ('setup_actpass', tamper_setup_actpass),
    ('ice_credentials_removed', tamper_no_ice_credentials),
    ('unoffered_extension', tamper_unoffered_extension),
]


# ---------------------------------------------------------------- scenario context

class ConfiguredWorker(LibraryWorker):
    """A LibraryWorker whose rtcpc connection has a non-default configuration
    (rtcpc_ctypes.py --ice-lite / --bundle-policy)."""

    def __init__(self, library, ice_lite=False, bundle_policy=None):
        cmd = [sys.executable, '-B', os.path.join(HERE, 'rtcpc_ctypes.py'), '--library', library]
        if ice_lite:
            cmd.append('--ice-lite')
        if bundle_policy:
            cmd += ['--bundle-policy', bundle_policy]
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, start_new_session=True)
        self.buf = b''


# The rtcpc configuration of a scenario (PeerConnection's keywords), default none.
SCENARIO_CONFIG = {
    'bundle_max_bundle': {'bundle_policy': 'max-bundle'},
    'bundle_max_compat': {'bundle_policy': 'max-compat'},
    'ice_lite': {'ice_lite': True},
}


class Scenario:
    def __init__(self, name, browser, rpc, library):
        self.name, self.browser, self.rpc, self.library = name, browser, rpc, library
        self.errors, self.notes, self.steps, self.comparisons = [], [], [], []
        self.skip = None
        self.repros = []           # rtcpc problems, with what reproduces them
        config = SCENARIO_CONFIG.get(name)
        self.worker = ConfiguredWorker(library, **config) if config else LibraryWorker(library)

    def close(self):
        self.worker.close()

    def check(self, cond, msg):
        if not cond:
            self.errors.append(msg)
        return cond

    def lib(self, calls, what):
        reply = self.worker.request({'op': 'calls', 'calls': calls})
        if not reply.get('ok'):
            e = reply.get('error') or {}
            raise StepFailure('rtcpc %s failed: %s' % (what, e.get('stderr') or e.get('message')))
        return reply

    def br(self, cmd, expect_error=False, **args):
        r = self.rpc.call(cmd, **args)
        if r is None:
            raise StepFailure('page: no result for %s' % cmd)
        if not r.get('ok') and not expect_error:
            e = r.get('error') or {}
            raise StepFailure('browser %s failed: %s: %s' % (cmd, e.get('name'), e.get('message')))
        return r

    def repro(self, what, **items):
        self.repros.append(dict(items, what=what))


# ---------------------------------------------------------------- exchanges

def rtcpc_offers(sc, step, lib_before=(), options=None, browser_after_srd=(), expect=None,
                 want_dtls='server', want_ice='controlling', twin=None, prev=None):
    """One exchange with rtcpc offering and the browser answering; returns the step record.

    expect: per offered m-line, {'kind', 'accepted' (True), 'lib_direction'}.
    twin: the page calls that give a second RTCPeerConnection the same
    tracks, for the comparison with the browser's own offer.
    prev: an earlier step of the same connection (renegotiation checks).
    """
    st = {'step': step, 'offerer': 'rtcpc'}
    sc.steps.append(st)
    rep = sc.lib(list(lib_before) + [
        {'fn': 'create_offer', 'options': options or {}},
        {'fn': 'set_local_description', 'type': 'offer', 'sdp': ''}],
        'createOffer + setLocalDescription(offer)')
    st['offer'] = rep['results'][-2]['sdp']
    st['lib_after_sld'] = {'signaling_state': rep['signaling_state'],
                           'transceivers': rep['transceivers']}
    p = '%s: ' % step
    sc.check(rep['signaling_state'] == 'have-local-offer',
             p + 'rtcpc signaling state after SLD(offer) is %r, want have-local-offer'
             % rep['signaling_state'])
    local = (rep['descriptions'].get('local') or [None, None])
    sc.check(local[0] == 'offer' and local[1] == st['offer'],
             p + "rtcpc's local description after SLD(offer) is not the offer createOffer made")
    if twin is not None:
        compare_with_browser_offer(sc, st, twin)
    if prev is not None:
        # Before the browser sees it: what the offer keeps is checked even
        # when the browser then refuses it.
        check_reoffer(sc, prev, st)

    r = sc.br('srd', expect_error=True, pc='pc', type='offer', sdp=st['offer'])
    if not r.get('ok'):
        e = r.get('error') or {}
        sc.repro('the browser refused rtcpc\'s offer', offer=st['offer'], error=e)
        raise StepFailure(p + "the browser refused rtcpc's offer: %s: %s"
                          % (e.get('name'), e.get('message')))
    for a in browser_after_srd:
        a = dict(a)
        sc.br(a.pop('cmd'), pc='pc', **a)
    ans = sc.br('create_answer', pc='pc')
    sld = sc.br('sld', pc='pc', type='answer', sdp=ans['sdp'])
    st['answer'] = sld['sdp']
    apply_answer(sc, st, 'answer')
    st['browser'] = sc.br('describe', pc='pc')
    check_offer_exchange(sc, st, expect, want_dtls, want_ice)
    if prev is not None:
        check_dtls_role_kept(sc, prev, st)
    return st


def apply_answer(sc, st, type_):
    reply = sc.worker.request({'op': 'calls', 'calls': [
        {'fn': 'set_remote_description', 'type': type_, 'sdp': st['answer']}]})
    if not reply.get('ok'):
        e = reply.get('error') or {}
        sc.repro('rtcpc refused the browser\'s %s' % type_, offer=st['offer'],
                 answer=st['answer'], error=e)
        raise StepFailure("%s: rtcpc refused the browser's %s: %s"
                          % (st['step'], type_, e.get('stderr') or e.get('message')))
    st['lib'] = reply
    return reply


def browser_offers(sc, step, browser_before=(), lib_calls=(), expect=None, want_ice='controlled',
                   prev=None):
    """One exchange with the browser offering and rtcpc answering.

    lib_calls run after rtcpc's setRemoteDescription(offer), before createAnswer.
    expect: per offered m-line, {'kind', 'accepted', 'lib_direction'}.
    """
    st = {'step': step, 'offerer': 'browser'}
    sc.steps.append(st)
    p = '%s: ' % step
    for a in browser_before:
        a = dict(a)
        sc.br(a.pop('cmd'), pc='pc', **a)
    off = sc.br('create_offer', pc='pc')
    sld = sc.br('sld', pc='pc', type='offer', sdp=off['sdp'])
    st['offer'] = sld['sdp']
    reply = sc.worker.request({'op': 'calls', 'calls': [
        {'fn': 'set_remote_description', 'type': 'offer', 'sdp': st['offer']}] + list(lib_calls) + [
        {'fn': 'create_answer'}, {'fn': 'set_local_description', 'type': 'answer', 'sdp': ''}]})
    st['lib_calls'] = reply.get('results')
    if not reply.get('ok'):
        e = reply.get('error') or {}
        sc.repro("rtcpc failed to answer the browser's offer", offer=st['offer'], error=e,
                 state_before=(prev or {}).get('lib', {}).get('signaling_state'))
        raise StepFailure(p + "rtcpc failed to answer the browser's offer: %s"
                          % (e.get('stderr') or e.get('message')))
    st['lib'] = reply
    st['answer'] = reply['results'][-2]['sdp']
    r = sc.br('srd', expect_error=True, pc='pc', type='answer', sdp=st['answer'])
    if not r.get('ok'):
        e = r.get('error') or {}
        sc.repro("the browser refused rtcpc's answer", offer=st['offer'], answer=st['answer'],
                 error=e)
        raise StepFailure(p + "the browser refused rtcpc's answer: %s: %s"
                          % (e.get('name'), e.get('message')))
    st['browser'] = sc.br('describe', pc='pc')
    check_answer_exchange(sc, st, expect, want_ice)
    return st


# ---------------------------------------------------------------- checks

def check_states(sc, st, lib_state='stable', browser_state='stable'):
    p = '%s: ' % st['step']
    sc.check(st['lib']['signaling_state'] == lib_state, p + 'rtcpc signaling state %r, want %r'
             % (st['lib']['signaling_state'], lib_state))
    sc.check(st['browser']['signalingState'] == browser_state,
             p + 'browser signalingState %r, want %r' % (st['browser']['signalingState'],
                                                          browser_state))


def check_offer_exchange(sc, st, expect, want_dtls, want_ice, final=True):
    """rtcpc offered, the browser answered, rtcpc applied the answer."""
    p = '%s: ' % st['step']
    check_states(sc, st, 'stable' if final else 'have-remote-pranswer',
                 'stable' if final else 'have-local-pranswer')
    neg = st['lib']['negotiation']
    if not sc.check(neg is not None, p + 'rtc_pc_negotiation is NULL after SRD(answer)'):
        return
    osess, om = split(st['offer'])
    asess, am = split(st['answer'])
    secs = neg['sections']
    sc.check(len(am) == len(om), p + 'the answer has %d m-lines, the offer %d' % (len(am), len(om)))
    sc.check(len(secs) == len(om), p + 'rtcpc negotiation has %d sections, the offer %d m-lines'
             % (len(secs), len(om)))
    if expect is not None:
        sc.check(len(expect) == len(om), p + 'the offer has %d m-lines, the scenario expects %d: %s'
                 % (len(om), len(expect), [x[0] for x in om]))
    # DTLS: the answer's a=setup decides; the browser answers a first offer active.
    setups = set(v for x in am for v in own_or_session(asess, x, 'a=setup:')
                 if x[0].split()[1] != '0')
    want_role = {'active': 'server', 'passive': 'client'}.get(next(iter(setups), None))
    sc.check(len(setups) == 1 and want_role, p + "the answer's a=setup values %s" % sorted(setups))
    sc.check(neg['dtls_role'] == want_role, p + 'rtcpc dtls_role %r, but the answer says a=setup:%s'
             % (neg['dtls_role'], '/'.join(sorted(setups))))
    if want_dtls:
        sc.check(neg['dtls_role'] == want_dtls, p + 'rtcpc dtls_role %r, want %r'
                 % (neg['dtls_role'], want_dtls))
    if want_ice:
        sc.check(neg['ice_role'] == want_ice, p + 'rtcpc ice_role %r, want %r'
                 % (neg['ice_role'], want_ice))
    offer_setups = set(v for x in om for v in own_or_session(osess, x, 'a=setup:'))
    st['setup'] = {'offer': sorted(offer_setups), 'answer': sorted(setups)}
    group = bundle_mids(st['answer'])
    amids = [first(x, 'a=mid:') for x in am]
    for i, olines in enumerate(om):
        o = parse_media(olines)
        q = '%sm-line %d (%s, mid %s): ' % (p, i, o['kind'], o['mid'])
        if i >= len(am) or i >= len(secs):
            continue
        a, sec = parse_media(am[i]), secs[i]
        exp = (expect[i] if expect is not None and i < len(expect) else {})
        if exp.get('kind'):
            sc.check(o['kind'] == exp['kind'], q + 'offered kind %s, want %s' % (o['kind'], exp['kind']))
        sc.check(sec['mid'] == o['mid'], q + 'rtcpc section mid %r' % sec['mid'])
        sc.check(a['mid'] == o['mid'], q + 'the answer has mid %r here' % a['mid'])
        sc.check(sec['media'] == o['kind'], q + 'rtcpc section media %r' % sec['media'])
        accepted = a['port'] != 0
        sc.check(sec['accepted'] == accepted, q + 'rtcpc accepted=%s but the answer port is %d'
                 % (sec['accepted'], a['port']))
        want_acc = exp.get('accepted', True)
        sc.check(accepted == want_acc, q + '%s by the browser, want %s' % (
            'accepted' if accepted else 'rejected (port 0)', 'accepted' if want_acc else 'rejected'))
        if not sec['accepted']:
            sc.check(sec['direction'] == 'stopped', q + 'rejected but rtcpc direction %r, want stopped'
                     % sec['direction'])
            continue
        if o['kind'] in ('audio', 'video'):
            sc.check(sec['direction'] == REVERSE_DIRECTION[a['direction']],
                     q + 'rtcpc direction %r, the answer says %s' % (sec['direction'], a['direction']))
            if exp.get('lib_direction'):
                sc.check(sec['direction'] == exp['lib_direction'], q + 'rtcpc direction %r, want %r'
                         % (sec['direction'], exp['lib_direction']))
        check_section(sc, q, osess, olines, asess, am[i], sec, neg)
        if o['mid'] in group:
            ti = amids.index(group[0])
            sc.check(sec['bundled'] and sec['transport_index'] == ti,
                     q + 'in the answer\'s BUNDLE group %s, but rtcpc bundled=%s transport_index=%s'
                     % (group, sec['bundled'], sec['transport_index']))
        else:
            sc.check(not sec['bundled'] and sec['transport_index'] == i,
                     q + 'not in the answer\'s BUNDLE group %s, but rtcpc bundled=%s '
                     'transport_index=%s' % (group, sec['bundled'], sec['transport_index']))
    if any(parse_media(x)['kind'] == 'application' and parse_media(x)['port'] != 0 for x in am):
        sc.check(st['browser'].get('sctp') is not None,
                 p + 'the answer accepts m=application but the browser has pc.sctp == null')
    check_browser_vs_lib(sc, st, neg)


def check_section(sc, q, osess, olines, asess, alines, sec, neg):
    """One accepted m-section: what rtcpc reports against the offer and the answer."""
    def one(lines, session, prefix):
        v = own_or_session(session, lines, prefix)
        return v[0] if v else None
    sc.check(sec['remote_ice_ufrag'] == one(alines, asess, 'a=ice-ufrag:'),
             q + 'remote_ice_ufrag %r, the answer has %r' % (sec['remote_ice_ufrag'],
                                                             one(alines, asess, 'a=ice-ufrag:')))
    sc.check(sec['remote_ice_pwd'] == one(alines, asess, 'a=ice-pwd:'), q + 'remote_ice_pwd differs')
    sc.check(sec['local_ice_ufrag'] == one(olines, osess, 'a=ice-ufrag:'),
             q + 'local_ice_ufrag %r, the offer has %r' % (sec['local_ice_ufrag'],
                                                           one(olines, osess, 'a=ice-ufrag:')))
    sc.check(sec['local_ice_pwd'] == one(olines, osess, 'a=ice-pwd:'), q + 'local_ice_pwd differs')
    afp = own_or_session(asess, alines, 'a=fingerprint:')
    ofp = own_or_session(osess, olines, 'a=fingerprint:')
    norm = lambda fps: sorted(f.lower() for f in fps)  # noqa: E731
    sc.check(norm(sec['remote_fingerprints']) == norm(afp),
             q + 'remote_fingerprints %s, the answer has %s' % (sec['remote_fingerprints'], afp))
    sc.check(norm(sec['local_fingerprints']) == norm(ofp),
             q + 'local_fingerprints %s, the offer has %s' % (sec['local_fingerprints'], ofp))
    sc.check(sec['ice_role'] == neg['ice_role'], q + 'section ice_role %r, negotiation %r'
             % (sec['ice_role'], neg['ice_role']))
    sc.check(sec['dtls_role'] == neg['dtls_role'], q + 'section dtls_role %r, negotiation %r'
             % (sec['dtls_role'], neg['dtls_role']))
    kind = alines[0][2:].split()[0]
    if kind == 'application':
        a_port = first(alines, 'a=sctp-port:')
        o_port = first(olines, 'a=sctp-port:')
        a_mms = first(alines, 'a=max-message-size:')
        sc.check(a_port is not None and sec['sctp_port'] == int(a_port),
                 q + 'sctp_port %s, the answer has a=sctp-port:%s' % (sec['sctp_port'], a_port))
        sc.check(o_port is not None and sec['local_sctp_port'] == int(o_port),
                 q + 'local_sctp_port %s, the offer has a=sctp-port:%s'
                 % (sec['local_sctp_port'], o_port))
        want_mms = int(a_mms) if a_mms is not None else 65536
        sc.check(sec['max_message_size'] == want_mms, q + 'max_message_size %s, the answer gives %s'
                 % (sec['max_message_size'], a_mms))
        return
    o, a = rtp_info(olines), rtp_info(alines)
    lib_pts = [c['payload_type'] for c in sec['codecs']]
    sc.check(lib_pts == a['pts'], q + 'rtcpc codecs have payload types %s, the answer lists %s'
             % (lib_pts, a['pts']))
    for c in sec['codecs']:
        pt = c['payload_type']
        on, ar = o['rtpmap'].get(pt), a['rtpmap'].get(pt)
        cq = q + 'pt %d (%s): ' % (pt, c['name'])
        if not sc.check(on is not None and pt in o['pts'], cq + 'not offered'):
            continue
        sc.check(c['name'].lower() == on[0].lower() and c['clock_rate'] == on[1],
                 cq + 'rtcpc says %s/%d, the offer %s/%d' % (c['name'], c['clock_rate'], on[0], on[1]))
        if ar:
            sc.check(ar[0].lower() == on[0].lower() and ar[1] == on[1],
                     cq + 'the answer maps it to %s/%d' % ar[:2])
        sc.check(fmtp_params(c['fmtp']) == fmtp_params(o['fmtp'].get(pt, '')),
                 cq + 'fmtp %r, the offer (how rtcpc receives) has %r'
                 % (c['fmtp'], o['fmtp'].get(pt, '')))
        sc.check(fmtp_params(c['remote_fmtp']) == fmtp_params(a['fmtp'].get(pt, '')),
                 cq + 'remote_fmtp %r, the answer has %r' % (c['remote_fmtp'], a['fmtp'].get(pt, '')))
        if c['name'].lower() == 'rtx':
            apt = fmtp_params(a['fmtp'].get(pt) or o['fmtp'].get(pt)).get('apt')
            sc.check(apt is not None and c['associated_payload_type'] == int(apt),
                     cq + 'associated_payload_type %s, apt=%s' % (c['associated_payload_type'], apt))
    sc.check(sorted((e['id'], e['uri']) for e in sec['extensions']) == sorted(a['extmap']),
             q + 'rtcpc extensions %s, the answer has %s'
             % (sorted((e['id'], e['uri']) for e in sec['extensions']), sorted(a['extmap'])))
    for e in a['extmap']:
        sc.check(e in o['extmap'], q + 'answer extension %s not offered with that id' % (e,))
    sc.check(sec['remote_ssrcs'] == a['ssrcs'], q + 'remote_ssrcs %s, the answer has %s'
             % (sec['remote_ssrcs'], a['ssrcs']))
    sc.check(sec['remote_ssrc_groups'] == a['ssrc_groups'],
             q + 'remote_ssrc_groups %s, the answer has %s' % (sec['remote_ssrc_groups'],
                                                               a['ssrc_groups']))
    if a['msid']:
        sc.check((sec['remote_msid_stream'], sec['remote_msid_track']) == a['msid'],
                 q + 'remote msid %s %s, the answer has %s' % (sec['remote_msid_stream'],
                                                               sec['remote_msid_track'], a['msid']))
    if sec['direction'] in ('sendrecv', 'sendonly'):
        sc.check(sec['local_ssrcs'] == o['ssrcs'], q + 'local_ssrcs %s, the offer has %s'
                 % (sec['local_ssrcs'], o['ssrcs']))
        sc.check(sec['local_ssrc_groups'] == o['ssrc_groups'],
                 q + 'local_ssrc_groups %s, the offer has %s' % (sec['local_ssrc_groups'],
                                                                 o['ssrc_groups']))
        # RID-only simulcast (RFC 8853) has no a=ssrc, so no CNAME: NULL then.
        sc.check(sec['local_cname'] == o['cname'], q + 'local_cname %r, the offer has %r'
                 % (sec['local_cname'], o['cname']))
        if o['msid']:
            sc.check((sec['local_msid_stream'], sec['local_msid_track']) == o['msid'],
                     q + 'local msid %s %s, the offer has %s'
                     % (sec['local_msid_stream'], sec['local_msid_track'], o['msid']))


def check_browser_vs_lib(sc, st, neg):
    """The browser's transceivers against rtcpc's negotiation, by mid."""
    p = '%s: ' % st['step']
    by_mid = {s['mid']: s for s in neg['sections']}
    seen = set()
    chromium = sc.browser == 'chromium'
    for t in st['browser']['transceivers']:
        mid = t['mid']
        if mid is None:
            continue
        seen.add(mid)
        q = '%sbrowser %s mid %s: ' % (p, t['kind'], mid)
        sec = by_mid.get(mid)
        if sec is None:
            # A transceiver from an earlier exchange whose m-line is gone.
            sc.check(t['currentDirection'] in ('stopped', None) or not t['inGetTransceivers'],
                     q + 'rtcpc has no section with this mid')
            continue
        if not sec['accepted']:
            sc.check(t['currentDirection'] in ('stopped', None) and
                     (t['direction'] == 'stopped' or t['stopped'] is True or
                      not t['inGetTransceivers']),
                     q + 'rtcpc reports it rejected (%s) but the browser has direction=%r '
                     'currentDirection=%r' % (sec.get('reason'), t['direction'],
                                              t['currentDirection']))
            continue
        want = REVERSE_DIRECTION.get(sec['direction'])
        sc.check(t['currentDirection'] == want, q + 'currentDirection %r, rtcpc direction %r '
                 '(so want %r)' % (t['currentDirection'], sec['direction'], want))
        lib = {c['payload_type']: c for c in sec['codecs']}
        for side in ('sender', 'receiver'):
            codecs = (t.get(side) or {}).get('codecs')
            uses = (side == 'sender' and t['currentDirection'] in ('sendrecv', 'sendonly')) or \
                   (side == 'receiver' and t['currentDirection'] in ('sendrecv', 'recvonly'))
            if uses:
                sc.check(bool(codecs), q + '%s.getParameters().codecs is empty (%r): nothing to '
                         'compare with rtcpc' % (side, codecs))
            for c in codecs or []:
                lc = lib.get(c['payloadType'])
                name = c['mimeType'].split('/', 1)[-1]
                cq = q + '%s codec %s pt %s: ' % (side, c['mimeType'], c['payloadType'])
                if lc is None and offered_not_answered(sc, st, mid, c, name):
                    continue
                if not sc.check(lc is not None, cq + "not among rtcpc's payload types %s"
                                % sorted(lib)):
                    continue
                sc.check(lc['name'].lower() == name.lower() and lc['clock_rate'] == c['clockRate'],
                         cq + 'rtcpc has %s/%d for that pt' % (lc['name'], lc['clock_rate']))
                if c.get('channels') and lc['channels']:
                    sc.check(lc['channels'] == c['channels'], cq + 'channels %s, rtcpc %s'
                             % (c['channels'], lc['channels']))
                # W3C webrtc-pc (RTCRtpCodecParameters.sdpFmtpLine): a sender's
                # comes from the remote description (how rtcpc receives: its
                # `fmtp`), a receiver's from the local one (the browser's own
                # description: rtcpc's `remote_fmtp`), whichever side offered.
                # Firefox's sender reports values of its own instead
                # ("max-fs=0;max-fr=60" for VP8, "profile=5;tier=0" for
                # AV1, its own opus parameters), which are in neither
                # description, so senders are compared in Chromium only.
                want = lc['fmtp'] if side == 'sender' else lc['remote_fmtp']
                if side == 'receiver' or chromium:
                    sc.check(fmtp_params(c.get('sdpFmtpLine')) == fmtp_params(want),
                             cq + 'sdpFmtpLine %r, rtcpc %s %r' % (
                                 c.get('sdpFmtpLine'),
                                 'fmtp' if side == 'sender' else 'remote_fmtp', want))
                if name.lower() == 'rtx' and c.get('sdpFmtpLine'):
                    apt = fmtp_params(c['sdpFmtpLine']).get('apt')
                    sc.check(apt is not None and int(apt) == lc['associated_payload_type'],
                             cq + 'apt=%s, rtcpc associated_payload_type %s'
                             % (apt, lc['associated_payload_type']))
            # Firefox's getParameters().headerExtensions is always empty (a
            # known Firefox limitation), so extension ids are compared in
            # Chromium only.
            if chromium and uses and t['kind'] in ('audio', 'video'):
                exts = (t.get(side) or {}).get('headerExtensions')
                libx = {(e['id'], e['uri']) for e in sec['extensions']}
                if not exts and libx and side == 'receiver' and unsignaled_remote(st, mid):
                    # Chromium's receiver of a stream the remote description
                    # announces no a=ssrc for (RID-only simulcast) reports the
                    # default receive parameters, without header extensions,
                    # until packets arrive. The ids are still checked between
                    # the answer and rtcpc (check_section).
                    sc.notes.append('%sChromium receiver.getParameters().headerExtensions is '
                                    "empty: rtcpc's m-section has no a=ssrc (unsignaled stream)"
                                    % q)
                    exts = []
                else:
                    sc.check(bool(exts) or not libx, q + '%s.getParameters().headerExtensions is '
                             'empty but rtcpc negotiated %s' % (side, sorted(libx)))
                for h in exts or []:
                    sc.check((h['id'], h['uri']) in libx, q + '%s header extension %s=%s is not '
                             "rtcpc's (%s)" % (side, h['id'], h['uri'], sorted(libx)))
        role = (t.get('transport') or {}).get('iceRole')
        if role in ('controlling', 'controlled'):
            other = {'controlling': 'controlled', 'controlled': 'controlling'}[role]
            sc.check(neg['ice_role'] == other, q + "the browser's RTCIceTransport.role is %r and "
                     "rtcpc's ice_role %r: both agents claim the same role"
                     % (role, neg['ice_role']))
    for sec in neg['sections']:
        if sec['media'] in ('audio', 'video') and sec['accepted'] and sec['mid'] not in seen:
            sc.errors.append('%srtcpc accepted %s mid %s but the browser has no transceiver with it'
                             % (p, sec['media'], sec['mid']))
    for lt in st['lib']['transceivers'] or []:
        sec = by_mid.get(lt['mid'])
        if sec and sec['accepted']:
            sc.check(lt['current_direction'] == sec['direction'],
                     '%srtcpc transceiver mid %s current_direction %r, its negotiation %r'
                     % (p, lt['mid'], lt['current_direction'], sec['direction']))
        if sec and not sec['accepted']:
            sc.check(lt['stopped'], '%srtcpc transceiver mid %s is not stopped, but its m-section '
                     'was rejected' % (p, lt['mid']))


def unsignaled_remote(st, mid):
    """Whether rtcpc's description (the browser's remote one) has no a=ssrc for mid."""
    ref = st['offer'] if st['offerer'] == 'rtcpc' else st['answer']
    m = next((x for x in media_lines(ref) if first(x, 'a=mid:') == mid), None)
    return m is not None and not attr_values(m, 'a=ssrc:')


def offered_not_answered(sc, st, mid, codec, name):
    """A codec the browser's getParameters() lists that the offer has (same
    payload type, name and clock rate) but the answer does not. rtcpc never
    negotiated it, so it is not in rtcpc's codecs; the browser lists it
    anyway, which is harmless (rtcpc sends only what the answer has, and
    receives anything it offered). Seen in Chromium, noted, not failed:
      - sender.getParameters().codecs lists CN/48000 from rtcpc's offer
        although Chromium's own answer leaves it out (libwebrtc answers
        comfort noise only at the rates it implements but builds the
        sender's list from the offer);
      - when the browser offered a recvonly m-section, its
        receiver.getParameters().codecs lists every codec of its own offer
        (an offerer must be ready to receive all it offered, RFC 3264 5.1),
        not only the ones rtcpc's answer kept.
    A codec that is not in the offer at all is still a failure.
    Returns True (and notes it) for such a codec."""
    def section(sdp):
        return next((rtp_info(m) for m in media_lines(sdp) if first(m, 'a=mid:') == mid), None)
    o, a = section(st['offer']), section(st['answer'])
    pt = codec['payloadType']
    if o is None or a is None or pt in a['pts'] or pt not in o['pts']:
        return False
    mapped = o['rtpmap'].get(pt)
    if not mapped or mapped[0].lower() != name.lower() or mapped[1] != codec['clockRate']:
        return False
    sc.notes.append('%s: mid %s: the browser lists %s pt %d, offered (by %s) but not in the '
                    'answer: not negotiated, no rtcpc problem'
                    % (st['step'], mid, codec['mimeType'], pt, st['offerer']))
    return True


def check_answer_exchange(sc, st, expect, want_ice):
    """The browser offered, rtcpc answered, the browser applied the answer."""
    p = '%s: ' % st['step']
    check_states(sc, st)
    neg = st['lib']['negotiation']
    if not sc.check(neg is not None, p + 'rtc_pc_negotiation is NULL after SLD(answer)'):
        return
    om, am = media_lines(st['offer']), media_lines(st['answer'])
    secs = neg['sections']
    sc.check(len(am) == len(om) == len(secs), p + 'offer %d, answer %d m-lines, rtcpc %d sections'
             % (len(om), len(am), len(secs)))
    setups = set(v for x in am for v in attr_values(x, 'a=setup:') if x[0].split()[1] != '0')
    want_role = {'active': 'client', 'passive': 'server'}.get(next(iter(setups), None))
    # An answer rejecting every m-line has no a=setup; rtcpc keeps the role
    # of the association (the next offer's a=setup says it).
    sc.check(not setups and all(x[0].split()[1] == '0' for x in am) or
             len(setups) == 1 and neg['dtls_role'] == want_role,
             p + "rtcpc dtls_role %r, its answer says a=setup:%s" % (neg['dtls_role'],
                                                                     '/'.join(sorted(setups))))
    st['setup'] = {'offer': sorted(set(v for x in om for v in attr_values(x, 'a=setup:'))),
                   'answer': sorted(setups)}
    if want_ice:
        sc.check(neg['ice_role'] == want_ice, p + 'rtcpc ice_role %r, want %r'
                 % (neg['ice_role'], want_ice))
    for i, olines in enumerate(om):
        if i >= len(am) or i >= len(secs):
            continue
        o, a, sec = parse_media(olines), parse_media(am[i]), secs[i]
        exp = (expect[i] if expect is not None and i < len(expect) else {})
        q = '%sm-line %d (%s, mid %s): ' % (p, i, o['kind'], o['mid'])
        sc.check(sec['mid'] == o['mid'] == a['mid'], q + 'mids: rtcpc %r, answer %r'
                 % (sec['mid'], a['mid']))
        if exp.get('kind'):
            sc.check(o['kind'] == exp['kind'], q + 'offered kind %s, want %s' % (o['kind'], exp['kind']))
        want_acc = exp.get('accepted', True)
        sc.check((a['port'] != 0) == want_acc == sec['accepted'],
                 q + 'answer port %d, rtcpc accepted=%s, want %s' % (a['port'], sec['accepted'],
                                                                     want_acc))
        if sec['accepted']:
            lib_pts = [c['payload_type'] for c in sec['codecs']]
            apts = rtp_info(am[i])['pts'] if o['kind'] in ('audio', 'video') else []
            sc.check(lib_pts == apts, q + "rtcpc codecs have payload types %s, its answer lists %s"
                     % (lib_pts, apts))
            if o['kind'] in ('audio', 'video'):
                sc.check(sec['direction'] == a['direction'], q + 'rtcpc direction %r, its answer '
                         'says %s' % (sec['direction'], a['direction']))
        if sec['accepted'] and exp.get('lib_direction'):
            sc.check(sec['direction'] == exp['lib_direction'], q + 'rtcpc direction %r, want %r'
                     % (sec['direction'], exp['lib_direction']))
    if any(parse_media(x)['kind'] == 'application' and parse_media(x)['port'] != 0 for x in am):
        sc.check(st['browser'].get('sctp') is not None,
                 p + 'rtcpc accepted m=application but the browser has pc.sctp == null')
    check_browser_vs_lib(sc, st, neg)


def check_reoffer(sc, prev, st):
    """A later rtcpc offer keeps the mids in place, the o= session id, the certificate."""
    p = '%s: ' % st['step']
    # rtcpc's previous local description: its offer, or its answer to the browser's.
    ref = prev['offer'] if prev['offerer'] == 'rtcpc' else prev['answer']
    m0, m1 = mids_of(ref), mids_of(st['offer'])
    # JSEP 5.2.2: an m-line rejected (port 0) in the current description may
    # be recycled with a new mid; every other one keeps its mid in place.
    rejected = [m[0].split()[1] == '0' for m in media_lines(ref)]
    kept = all(a == b or (i < len(rejected) and rejected[i] and b not in m0)
               for i, (a, b) in enumerate(zip(m0, m1)))
    sc.check(len(m1) >= len(m0) and kept,
             p + 'mids changed: earlier offer %s, this offer %s' % (m0, m1))
    k0 = [x[0].split()[0] for x in media_lines(ref)]
    k1 = [x[0].split()[0] for x in media_lines(st['offer'])]
    sc.check(k1[:len(k0)] == k0, p + 'm-line kinds changed: %s -> %s' % (k0, k1))
    (i0, v0), (i1, v1) = session_origin(ref), session_origin(st['offer'])
    sc.check(i0 == i1, p + 'o= session id changed: %s -> %s' % (i0, i1))
    sc.check(v0 is not None and v1 is not None and v1 == v0 + 1,
             p + 'o= session version %s -> %s, want +1' % (v0, v1))
    f0 = set(v for m in media_lines(ref) for v in attr_values(m, 'a=fingerprint:'))
    f1 = set(v for m in media_lines(st['offer']) for v in attr_values(m, 'a=fingerprint:'))
    sc.check(f1 <= f0 or not f0, p + 'a=fingerprint changed: %s -> %s' % (sorted(f0), sorted(f1)))
    # JSEP 5.2.2 (subsequent offers) and RFC 8285 6: the payload type the
    # current negotiation (the previous answer) gave a codec, and the id it
    # gave an extension, stay in later offers.
    prev_secs = {first(m, 'a=mid:'): rtp_info(m) for m in media_lines(prev['answer'])
                 if m[0].split()[1] != '0'}
    for m in media_lines(st['offer']):
        mid, info = first(m, 'a=mid:'), rtp_info(m)
        old = prev_secs.get(mid)
        if not old or info['kind'] not in ('audio', 'video') or m[0].split()[1] == '0':
            continue
        new_ids = collections.defaultdict(set)
        for pt in info['pts']:
            new_ids[codec_identity(info, pt)].add(pt)
        for pt in old['pts']:
            ident = codec_identity(old, pt)
            if ident in new_ids and pt not in new_ids[ident]:
                sc.errors.append('%smid %s: %s was negotiated with payload type %d, this offer '
                                 'gives it %s' % (p, mid, ident, pt, sorted(new_ids[ident])))
        for ident, uri in old['extmap']:
            ids = [i for i, u in info['extmap'] if u == uri]
            if ids and ident not in ids:
                sc.errors.append('%smid %s: extension %s was negotiated with id %d, this offer '
                                 'gives it id %s' % (p, mid, uri, ident, ids))


def check_dtls_role_kept(sc, prev, st):
    """RFC 8842 5.5: a renegotiation keeps the DTLS association, so the roles stay."""
    p = '%s: ' % st['step']
    r0 = (prev.get('lib') or {}).get('negotiation') or {}
    r1 = (st.get('lib') or {}).get('negotiation') or {}
    if r0 and r1:
        sc.check(r0['dtls_role'] == r1['dtls_role'],
                 p + 'DTLS role changed on renegotiation: %s -> %s (answer a=setup %s -> %s)'
                 % (r0['dtls_role'], r1['dtls_role'], prev.get('setup'), st.get('setup')))


# ---------------------------------------------------------------- offer comparison

# Known differences between rtcpc's offer and the browser's own offer for
# the same tracks: (browser or '*', field, side, prefix, why). field is
# 'codecs', 'extmaps', 'rtcp_fb', 'attrs', 'session' or 'direction'; side
# 'only_rtcpc' or 'only_browser'. Payload type numbers are not compared at
# all: each offerer picks its own dynamic payload types (RFC 3264 5.1), the
# answerer echoes them; both are valid.
OFFER_JUSTIFIED = [
    # -- header extensions
    # libwebrtc-internal extensions rtcpc does not implement (the answering
    # side leaves them out too; rtc_configuration_set_header_extensions adds
    # any of them).
    ('chromium', 'extmaps', 'only_browser', 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
     "libwebrtc-internal extension, not in rtcpc's default capabilities"),
    ('chromium', 'extmaps', 'only_browser', 'http://www.webrtc.org/experiments/rtp-hdrext/video-timing',
     "libwebrtc-internal extension, not in rtcpc's default capabilities"),
    ('chromium', 'extmaps', 'only_browser', 'http://www.webrtc.org/experiments/rtp-hdrext/color-space',
     "libwebrtc-internal extension, not in rtcpc's default capabilities"),
    ('chromium', 'extmaps', 'only_browser', 'http://www.webrtc.org/experiments/rtp-hdrext/video-content-type',
     "libwebrtc-internal extension, not in rtcpc's default capabilities"),
    ('chromium', 'extmaps', 'only_browser', 'http://www.webrtc.org/experiments/rtp-hdrext/video-layers-allocation00',
     "libwebrtc-internal extension, not in rtcpc's default capabilities"),
    ('chromium', 'extmaps', 'only_browser', 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension',
     'AV1 dependency descriptor: rtcpc does no SVC'),
    ('firefox', 'extmaps', 'only_browser', 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
     'Firefox offers it recvonly; not in rtcpc\'s default capabilities'),
    ('firefox', 'extmaps', 'only_browser', 'urn:ietf:params:rtp-hdrext:csrc-audio-level',
     'mixer-to-client audio level (RFC 6465), Firefox offers it recvonly; rtcpc mixes nothing'),
    ('firefox', 'extmaps', 'only_rtcpc', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
     'Firefox offers abs-send-time for video only; rtcpc (like libwebrtc) for audio too'),
    ('firefox', 'extmaps', 'only_rtcpc', 'urn:3gpp:video-orientation',
     'Firefox does not implement CVO; rtcpc (like libwebrtc) offers it'),
    ('firefox', 'extmaps', 'only_rtcpc', 'urn:ietf:params:rtp-hdrext:sdes:',
     'Firefox offers the RID extensions only with simulcast; rtcpc (like libwebrtc) always'),
    # -- codecs
    ('*', 'codecs', 'only_rtcpc', 'CN/48000',
     'rtcpc offers comfort noise at the rates of its codecs (8000 and 48000 for opus); '
     'libwebrtc offers CN/8000 only, Firefox none; an answer leaves out what it lacks'),
    ('firefox', 'codecs', 'only_rtcpc', 'CN/8000', 'Firefox offers no comfort noise'),
    ('*', 'codecs', 'only_browser', 'rtx/90000 apt=red/90000',
     'the browser protects RED with rtx; rtcpc offers rtx for its media codecs only'),
    ('chromium', 'codecs', 'only_browser', 'flexfec-03/90000',
     'libwebrtc offers flexfec receive-only (recvonly m-section); not in rtcpc\'s capabilities'),
    ('chromium', 'codecs', 'only_browser', 'H264/90000 profile-level-id=f4001f',
     'libwebrtc offers decoders without encoders (H.264 High 4:4:4) in recvonly m-sections'),
    ('chromium', 'codecs', 'only_browser', 'rtx/90000 apt=H264/90000 profile-level-id=f4001f',
     'rtx of a receive-only codec'),
    ('chromium', 'codecs', 'only_browser', 'VP9/90000 profile-id=',
     'VP9 profiles 1-3: libwebrtc offers receive-only profiles in recvonly m-sections, and its '
     'setCodecPreferences("VP9") keeps every profile where rtcpc\'s preference names profile 0'),
    ('chromium', 'codecs', 'only_browser', 'rtx/90000 apt=VP9/90000 profile-id=', 'rtx of the above'),
    ('chromium', 'codecs', 'only_browser', 'AV1/90000',
     'a second AV1 (profile=1, receive-only) in a recvonly m-section'),
    ('chromium', 'codecs', 'only_browser', 'rtx/90000 apt=AV1/90000', 'rtx of the above'),
    ('firefox', 'codecs', 'only_rtcpc', 'H264/90000',
     'Firefox has H.264 only with the OpenH264 plugin (not installed here)'),
    ('firefox', 'codecs', 'only_rtcpc', 'rtx/90000 apt=H264/90000', 'rtx of the above'),
    ('firefox', 'codecs', 'only_rtcpc', 'VP9/90000 profile-id=0',
     'the same codec as Firefox\'s "VP9/90000": Firefox writes no profile-id (0 is the default)'),
    ('firefox', 'codecs', 'only_browser', 'VP9/90000', 'see VP9/90000 profile-id=0'),
    ('firefox', 'codecs', 'only_rtcpc', 'rtx/90000 apt=VP9/90000 profile-id=0', 'see VP9 profile-id=0'),
    ('firefox', 'codecs', 'only_browser', 'rtx/90000 apt=VP9/90000', 'see VP9 profile-id=0'),
    ('firefox', 'codecs', 'only_rtcpc', 'VP9/90000 profile-id=2', 'Firefox has no VP9 profile 2'),
    ('firefox', 'codecs', 'only_rtcpc', 'rtx/90000 apt=VP9/90000 profile-id=2', 'rtx of the above'),
    ('firefox', 'codecs', 'only_browser', 'G722/8000/1',
     'the same codec as rtcpc\'s G722/8000: Firefox writes the channel count (RFC 4566 6: '
     'default 1)'),
    ('firefox', 'codecs', 'only_rtcpc', 'G722/8000', 'see G722/8000/1'),
    ('firefox', 'codecs', 'only_browser', 'telephone-event/8000/1', 'see G722/8000/1'),
    ('firefox', 'codecs', 'only_rtcpc', 'telephone-event/8000', 'see G722/8000/1'),
    ('firefox', 'codecs', 'only_rtcpc', 'telephone-event/48000',
     'Firefox offers telephone-event at 8000 Hz only'),
    ('firefox', 'codecs', 'only_rtcpc', 'red/48000/2', 'Firefox offers no audio RED'),
    # -- rtcp-fb
    ('*', 'rtcp_fb', 'only_rtcpc', 'G722/8000: transport-cc',
     "rtcpc's capabilities give transport-cc to every audio codec, the browsers to some; "
     'transport-wide feedback does not depend on the codec'),
    ('*', 'rtcp_fb', 'only_rtcpc', 'PCMU/8000: transport-cc', 'see G722/8000: transport-cc'),
    ('*', 'rtcp_fb', 'only_rtcpc', 'PCMA/8000: transport-cc', 'see G722/8000: transport-cc'),
    ('firefox', 'rtcp_fb', 'only_browser', 'G722/8000/1: ', 'see G722/8000/1'),
    ('firefox', 'rtcp_fb', 'only_rtcpc', 'H264/90000', 'Firefox has no H.264 (above)'),
    ('firefox', 'rtcp_fb', 'only_rtcpc', 'VP9/90000 profile-id=', 'see VP9/90000 profile-id=0'),
    ('firefox', 'rtcp_fb', 'only_browser', 'VP9/90000: ', 'see VP9/90000 profile-id=0'),
    ('firefox', 'rtcp_fb', 'only_browser', 'red/90000: ',
     'Firefox writes rtcp-fb for red and ulpfec; feedback concerns the media codec (RFC 4585 4.2)'),
    ('firefox', 'rtcp_fb', 'only_browser', 'ulpfec/90000: ', 'see red/90000'),
    ('firefox', 'rtcp_fb', 'only_browser', 'pt',
     'after setCodecPreferences Firefox keeps a=rtcp-fb for payload types its m= line no longer '
     'lists ("ptNNN": no rtpmap); they describe nothing'),
    # -- attributes
    ('chromium', 'attrs', 'only_browser', 'a=rtcp:9 IN IP4 0.0.0.0',
     'RFC 3605 a=rtcp with the dummy address JSEP 5.2.1 mentions; with a=rtcp-mux it carries '
     'nothing, and Firefox leaves it out too'),
    ('chromium', 'attrs', 'only_browser', 'a=rtcp-xr',
     'libwebrtc offers RTCP XR receiver reference time (a=rtcp-xr:rcvr-rtt=all, RFC 3611); '
     'rtcpc does no RTCP'),
    ('firefox', 'session', 'only_browser', 'a=fingerprint:', 'Firefox writes a=fingerprint at '
     'session level, rtcpc in every m-section (RFC 8122 5 allows both)'),
    ('firefox', 'attrs', 'only_rtcpc', 'a=fingerprint:', 'see the session-level a=fingerprint'),
    ('firefox', 'session', 'only_browser', 'a=ice-options:trickle', 'Firefox writes it at '
     'session level, rtcpc in every m-section (RFC 8840 allows both)'),
    ('firefox', 'attrs', 'only_rtcpc', 'a=ice-options:trickle', 'see the session-level one'),
    ('firefox', 'session', 'only_rtcpc', 'a=extmap-allow-mixed', 'rtcpc writes it at session '
     'level, Firefox in every m-section (RFC 8285 6 allows both)'),
    ('firefox', 'attrs', 'only_browser', 'a=extmap-allow-mixed', 'see the session-level one'),
    ('firefox', 'attrs', 'only_rtcpc', 'a=rtcp-rsize', 'Firefox offers reduced-size RTCP for '
     'video only'),
    ('firefox', 'attrs', 'only_rtcpc', 'a=ssrc:* msid', 'the legacy a=ssrc msid attribute: '
     'Firefox writes only a=msid (RFC 8830); libwebrtc and rtcpc write both'),
    ('firefox', 'attrs', 'only_browser', 'a=ssrc:* cname', 'Firefox announces an SSRC (for '
     'its RTCP) in recvonly m-sections; rtcpc announces SSRCs only when it sends'),
    ('firefox', 'attrs', 'only_rtcpc', 'a=max-message-size:', 'each side offers the SCTP '
     'message size it can receive (RFC 8841 6)'),
    ('firefox', 'attrs', 'only_browser', 'a=max-message-size:', 'see above'),
    ('chromium', 'attrs', 'only_rtcpc', 'a=bundle-only',
     'libwebrtc never writes a=bundle-only: whatever its bundlePolicy, it offers every m-section '
     'with a port and counts on the answerer bundling; rtcpc (and Firefox) offer the '
     'bundle-only m-sections of JSEP 5.2.1 (port 0, a=bundle-only)'),
    ('*', 'session', 'only_rtcpc', 'a=ice-lite',
     'rtcpc is configured ice-lite (rtc_configuration_set_ice_lite); a browser is always a full '
     'ICE agent'),
    ('firefox', 'extmaps', 'only_browser',
     'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension',
     'Firefox offers the AV1 dependency descriptor with simulcast sendEncodings; rtcpc does no '
     'SVC'),
    ('firefox', 'attrs', 'only_browser', 'a=ssrc-group:FID',
     'Firefox announces the SSRCs of its simulcast layers and their rtx (FID); rtcpc, like '
     'libwebrtc, signals RID-only simulcast (RFC 8853), without a=ssrc'),
]


def norm_attr(line):
    """An attribute line as compared: the name, and the value where it is not per-connection."""
    if not line.startswith('a='):
        return line[:2]                     # c=, b=: presence
    name, _, value = line[2:].partition(':')
    if name in ('rtpmap', 'fmtp', 'rtcp-fb', 'extmap', 'candidate', 'sendrecv', 'sendonly',
                'recvonly', 'inactive'):
        return None                         # compared as codecs/extmaps/direction
    if name == 'fingerprint':
        return 'a=fingerprint:' + value.split()[0].lower()
    if name == 'ssrc':
        return 'a=ssrc:* ' + value.split(' ', 1)[1].split(':')[0] if ' ' in value else 'a=ssrc'
    if name == 'ssrc-group':
        return 'a=ssrc-group:' + value.split()[0]
    if name == 'group':
        return 'a=group:' + value.split()[0]
    if name == 'msid-semantic':
        return 'a=msid-semantic:' + value.strip().split()[0]
    if name in ('setup', 'ice-options', 'rtcp', 'sctp-port', 'max-message-size', 'rtcp-mux',
                'rtcp-rsize', 'extmap-allow-mixed', 'ice-lite', 'rtcp-mux-only', 'bundle-only'):
        return line
    return 'a=' + name                      # mid, msid, ice-ufrag, ice-pwd, ...: presence


def diff_offers(ours, theirs):
    """Differences between rtcpc's offer and the browser's, per m-line and session."""
    s0, m0 = split(ours)
    s1, m1 = split(theirs)
    diffs = []

    def add(where, field, a, b):
        only_r, only_b = multiset_diff(a, b)
        for side, items in (('only_rtcpc', only_r), ('only_browser', only_b)):
            for item in items:
                diffs.append({'where': where, 'field': field, 'side': side, 'item': item})

    sess = lambda s: sorted(set(x for x in map(norm_attr, s) if x and not x.startswith(  # noqa
        ('v=', 'o=', 's=', 't='))))
    add('session', 'session', sess(s0), sess(s1))
    for i in range(max(len(m0), len(m1))):
        if i >= len(m0) or i >= len(m1):
            diffs.append({'where': 'm-line %d' % i, 'field': 'mline', 'side':
                          'only_browser' if i >= len(m0) else 'only_rtcpc',
                          'item': (m1[i] if i >= len(m0) else m0[i])[0]})
            continue
        a, b = parse_media(m0[i]), parse_media(m1[i])
        where = 'm-line %d (%s)' % (i, a['kind'])
        if a['kind'] != b['kind']:
            diffs.append({'where': where, 'field': 'kind', 'side': 'both',
                          'item': '%s vs %s' % (a['kind'], b['kind'])})
            continue
        if a['direction'] != b['direction']:
            diffs.append({'where': where, 'field': 'direction', 'side': 'both',
                          'item': 'rtcpc %s, browser %s' % (a['direction'], b['direction'])})
        proto = lambda m: m[0].split()[2]  # noqa: E731
        if proto(m0[i]) != proto(m1[i]):
            diffs.append({'where': where, 'field': 'protocol', 'side': 'both',
                          'item': 'rtcpc %s, browser %s' % (proto(m0[i]), proto(m1[i]))})
        for field in ('codecs', 'extmaps', 'rtcp_fb'):
            add(where, field, a[field], b[field])
        attrs = lambda m: sorted(set(x for x in map(norm_attr, m[1:]) if x))  # noqa: E731
        add(where, 'attrs', attrs(m0[i]), attrs(m1[i]))
    return diffs


def justification(browser, d):
    for b, field, side, prefix, why in OFFER_JUSTIFIED:
        if b in ('*', browser) and field == d['field'] and side == d['side'] and \
                d['item'].startswith(prefix):
            return why
    return None


def compare_with_browser_offer(sc, st, twin):
    """The browser's own offer for the same tracks, from a second RTCPeerConnection."""
    rec = {'step': st['step']}
    try:
        sc.br('pc_new', pc='cmp')
        for a in twin:
            a = dict(a)
            cmd = a.pop('cmd')
            r = sc.br(cmd, pc='cmp', **a)
            if r.get('missing'):
                rec['note'] = r['missing']
        rec['browser_offer'] = sc.br('create_offer', pc='cmp')['sdp']
        sc.br('pc_close', pc='cmp')
    except StepFailure as e:
        rec['error'] = str(e)
        sc.comparisons.append(rec)
        return
    rec['rtcpc_offer'] = st['offer']
    rec['diffs'] = diff_offers(st['offer'], rec['browser_offer'])
    only = {(d['where'], d['side'], d['item']) for d in rec['diffs'] if d['field'] == 'codecs'}
    for d in rec['diffs']:
        d['justified'] = justification(sc.browser, d)
        codec = d['item'].split(': ')[0]
        if d['justified'] is None and d['field'] == 'rtcp_fb' and \
                (d['where'], d['side'], codec) in only:
            d['justified'] = 'the feedback of %s, which only one side offers (above)' % codec
    sc.comparisons.append(rec)


# ---------------------------------------------------------------- scenarios

AV = [{'kind': 'audio', 'lib_direction': 'sendrecv'}, {'kind': 'video', 'lib_direction': 'sendrecv'}]
DATA = [{'kind': 'application'}]
LIB_AV = [{'fn': 'add_track', 'kind': 'audio'}, {'fn': 'add_track', 'kind': 'video'}]
BR_AV = [{'cmd': 'add_track', 'kind': 'audio'}, {'cmd': 'add_track', 'kind': 'video'}]
TWIN_AV = [{'cmd': 'add_track', 'kind': 'audio'}, {'cmd': 'add_track', 'kind': 'video'}]
TWIN_DATA = [{'cmd': 'create_data_channel', 'label': 'x'}]


def sc_audio_video(sc):
    rtcpc_offers(sc, 'offer', LIB_AV, browser_after_srd=BR_AV, expect=AV, twin=TWIN_AV)


def sc_sendonly_to_recvonly_browser(sc):
    rtcpc_offers(sc, 'offer', LIB_AV + [
        {'fn': 'set_direction', 'index': 0, 'direction': 'sendonly'},
        {'fn': 'set_direction', 'index': 1, 'direction': 'sendonly'}],
        expect=[{'kind': 'audio', 'lib_direction': 'sendonly'},
                {'kind': 'video', 'lib_direction': 'sendonly'}],
        twin=[{'cmd': 'add_transceiver', 'kind': k, 'direction': 'sendonly', 'track': True}
              for k in ('audio', 'video')])


def sc_recvonly(sc):
    rtcpc_offers(sc, 'offer', [{'fn': 'add_transceiver', 'kind': 'audio', 'direction': 'recvonly'},
                               {'fn': 'add_transceiver', 'kind': 'video', 'direction': 'recvonly'}],
                 browser_after_srd=BR_AV,
                 expect=[{'kind': 'audio', 'lib_direction': 'recvonly'},
                         {'kind': 'video', 'lib_direction': 'recvonly'}],
                 twin=[{'cmd': 'add_transceiver', 'kind': k, 'direction': 'recvonly'}
                       for k in ('audio', 'video')])


def sc_data_only(sc):
    st = rtcpc_offers(sc, 'offer', [{'fn': 'request_data_channels'}], expect=DATA, twin=TWIN_DATA)
    a = media_lines(st['answer'])
    sc.check(len(a) == 1 and a[0][0].startswith('m=application ') and a[0][0].split()[1] != '0',
             'offer: the answer does not accept m=application: %s' % [x[0] for x in a])
    sc.check(st['browser'].get('sctp') is not None, 'offer: pc.sctp is null after SRD+SLD')


def sc_audio_video_data(sc):
    rtcpc_offers(sc, 'offer', LIB_AV + [{'fn': 'request_data_channels'}], browser_after_srd=BR_AV,
                 expect=AV + DATA, twin=TWIN_AV + TWIN_DATA)


def codec_only(sc, st, codec):
    """Every video codec the offer, the answer, rtcpc and the browser use is `codec` or rtx."""
    for what, sdp in (('offer', st['offer']), ('answer', st['answer'])):
        for m in media_lines(sdp):
            if m[0].startswith('m=video'):
                info = rtp_info(m)
                names = [info['rtpmap'][pt][0].lower() for pt in info['pts'] if pt in info['rtpmap']]
                sc.check(codec.lower() in names and set(names) <= {codec.lower(), 'rtx'},
                         '%s: video codecs %s, want %s (+rtx)' % (what, names, codec))
                for pt in info['pts']:
                    if info['rtpmap'].get(pt, ('',))[0].lower() == 'rtx':
                        apt = fmtp_params(info['fmtp'].get(pt)).get('apt')
                        sc.check(apt and info['rtpmap'].get(int(apt), ('',))[0].lower() ==
                                 codec.lower(), '%s: rtx pt %d repairs %s' % (what, pt, apt))
    for sec in st['lib']['negotiation']['sections']:
        if sec['media'] == 'video':
            names = sorted(set(c['name'].lower() for c in sec['codecs']))
            sc.check(codec.lower() in names and set(names) <= {codec.lower(), 'rtx'},
                     'rtcpc negotiated video codecs %s, want %s (+rtx)' % (names, codec))
    for t in st['browser']['transceivers']:
        if t['kind'] == 'video':
            sent = t['senderCodecs'] or []
            sc.check(sent and sent[0].lower() == 'video/' + codec.lower(),
                     'browser video sender codecs %s, want %s first' % (sent, codec))


def sc_vp9_only(sc):
    st = rtcpc_offers(sc, 'offer', [{'fn': 'add_track', 'kind': 'video'},
                                    {'fn': 'set_codec_preferences', 'index': 0,
                                     'codecs': VP9_AND_RTX}],
                      browser_after_srd=[{'cmd': 'add_track', 'kind': 'video'}],
                      expect=[{'kind': 'video', 'lib_direction': 'sendrecv'}],
                      twin=[{'cmd': 'add_track', 'kind': 'video'},
                            {'cmd': 'set_codec_preferences', 'kind': 'video', 'mime': 'VP9'}])
    codec_only(sc, st, 'VP9')


def sc_h264_only(sc):
    caps = sc.br('capabilities', kind='video')
    mimes = [c['mimeType'].lower() for c in caps.get('codecs') or []]
    sc.notes.append('browser video receive capabilities: %s' % sorted(set(mimes)))
    if 'video/h264' not in mimes:
        sc.skip = 'the browser has no H264 in RTCRtpReceiver.getCapabilities("video")'
        return
    st = rtcpc_offers(sc, 'offer', [{'fn': 'add_track', 'kind': 'video'},
                                    {'fn': 'set_codec_preferences', 'index': 0,
                                     'codecs': H264_AND_RTX}],
                      browser_after_srd=[{'cmd': 'add_track', 'kind': 'video'}],
                      expect=[{'kind': 'video', 'lib_direction': 'sendrecv'}],
                      twin=[{'cmd': 'add_track', 'kind': 'video'},
                            {'cmd': 'set_codec_preferences', 'kind': 'video', 'mime': 'H264'}])
    codec_only(sc, st, 'H264')


def sc_reoffer_add_track(sc):
    s0 = rtcpc_offers(sc, 'offer 1', [{'fn': 'add_track', 'kind': 'audio'}],
                      browser_after_srd=[{'cmd': 'add_track', 'kind': 'audio'}],
                      expect=AV[:1], twin=[{'cmd': 'add_track', 'kind': 'audio'}])
    s1 = rtcpc_offers(sc, 'offer 2', [{'fn': 'add_track', 'kind': 'video'}],
                      browser_after_srd=[{'cmd': 'add_track', 'kind': 'video'}],
                      expect=AV, prev=s0)
    m = media_lines(s1['offer'])
    sc.check(len(m) == 2 and m[1][0].startswith('m=video'),
             'offer 2: want the audio m-line kept and a video m-line appended: %s' % [x[0] for x in m])
    sc.check(set(attr_values(media_lines(s1['offer'])[0], 'a=ice-ufrag:')) ==
             set(attr_values(media_lines(s0['offer'])[0], 'a=ice-ufrag:')),
             'offer 2: ICE credentials changed without an ICE restart')


def sc_reoffer_stop(sc):
    s0 = rtcpc_offers(sc, 'offer 1', LIB_AV, browser_after_srd=BR_AV, expect=AV, twin=TWIN_AV)
    audio_mid = mids_of(s0['offer'])[0]
    s1 = rtcpc_offers(sc, 'offer 2 (audio stopped)', [{'fn': 'stop', 'mid': audio_mid}],
                      expect=[{'kind': 'audio', 'accepted': False}, AV[1]], prev=s0)
    m = media_lines(s1['offer'])
    sc.check(m and m[0][0].split()[1] == '0', 'offer 2: the stopped audio m-line has port %s, want 0'
             % (m[0][0].split()[1] if m else None))
    sc.check(audio_mid not in bundle_mids(s1['offer']),
             'offer 2: the stopped mid %s is still in a=group:BUNDLE' % audio_mid)
    # By identity: Chromium sets a removed transceiver's mid to null.
    tid = next((t['tid'] for t in s0['browser']['transceivers'] if t['mid'] == audio_mid), None)
    bt = [t for t in s1['browser']['transceivers'] if t['tid'] == tid]
    sc.check(bt and bt[0]['currentDirection'] in ('stopped', None) and
             (bt[0]['direction'] == 'stopped' or bt[0]['stopped'] is True),
             'offer 2: the browser audio transceiver is %s, want stopped'
             % ({k: bt[0][k] for k in ('direction', 'currentDirection', 'stopped',
                                        'inGetTransceivers')} if bt else 'gone'))
    lt = [t for t in s1['lib']['transceivers'] if t['mid'] == audio_mid and not t['stopped']]
    sc.check(not lt, 'offer 2: rtcpc still has a live transceiver for the stopped mid: %s' % lt)
    # And once more: the rejected m-line stays in place, port 0.
    s2 = rtcpc_offers(sc, 'offer 3 (no change)', expect=[{'kind': 'audio', 'accepted': False}, AV[1]],
                      prev=s1)
    m = media_lines(s2['offer'])
    sc.check(m and m[0][0].split()[1] == '0', 'offer 3: the stopped audio m-line has port %s, want 0'
             % (m[0][0].split()[1] if m else None))
    # JSEP 5.2.2: a new audio track recycles the rejected m-line, with a new mid.
    s3 = rtcpc_offers(sc, 'offer 4 (recycled)', [{'fn': 'add_track', 'kind': 'audio'}],
                      expect=[{'kind': 'audio', 'lib_direction': 'sendonly'}, AV[1]], prev=s2)
    mids = mids_of(s3['offer'])
    sc.check(len(mids) == 2 and mids[0] not in mids_of(s0['offer']),
             'offer 4: want the audio m-line recycled in place with a new mid; mids %s (first offer %s)'
             % (mids, mids_of(s0['offer'])))


def sc_ice_restart(sc, call=False):
    """An ICE restart by rtc_offer_options.ice_restart, or with `call`
    (restart_ice_call) by W3C restartIce: negotiationneeded, the next
    default offer restarts, and the need ends with the answer."""
    s0 = rtcpc_offers(sc, 'offer 1', LIB_AV, browser_after_srd=BR_AV, expect=AV, twin=TWIN_AV)
    if call:
        rep = sc.lib([{'fn': 'restart_ice'}], 'restartIce')
        sc.check(event_names(lib_events(rep)) == ['negotiationneeded'] and
                 rep['negotiation_needed'], 'restartIce: rtcpc events %s, negotiation_needed %s; '
                 'want negotiationneeded' % (lib_events(rep), rep['negotiation_needed']))
    s1 = rtcpc_offers(sc, 'offer 2 (%s)' % ('restartIce' if call else 'ice_restart'),
                      options=None if call else {'ice_restart': True}, expect=AV, prev=s0)
    sc.check(not s1['lib']['negotiation_needed'], 'offer 2: the answer replaced the credentials '
             'but rtcpc still needs negotiation')
    for attr in ('a=ice-ufrag:', 'a=ice-pwd:'):
        for what in ('offer', 'answer'):
            before = set(v for m in media_lines(s0[what]) for v in attr_values(m, attr))
            after = set(v for m in media_lines(s1[what]) for v in attr_values(m, attr))
            sc.check(after and not (before & after), 'offer 2: the %s keeps %s%s (before %s, after %s)'
                     % (what, attr, sorted(before & after), sorted(before), sorted(after)))
    new_ufrag = attr_values(media_lines(s1['answer'])[0], 'a=ice-ufrag:')
    for sec in s1['lib']['negotiation']['sections']:
        sc.check(sec['remote_ice_ufrag'] in new_ufrag, 'offer 2: rtcpc mid %s remote_ice_ufrag %r, '
                 'the new answer has %s' % (sec['mid'], sec['remote_ice_ufrag'], new_ufrag))


# rtcpc's ICE role when it re-offers on a connection whose first offer the
# browser made. RFC 8445 6.1.1: the agent that started ICE processing (the
# initial offerer) is controlling, and a renegotiation without ICE restart
# does not start it again; libwebrtc fixes the role at the first
# setLocalDescription (JsepTransportController: initial_offerer_ ->
# ICEROLE_CONTROLLING, else CONTROLLED) and keeps it, so Chromium stays
# controlling when it answers rtcpc's re-offer. rtcpc must then stay
# controlled, or both agents are controlling.
INITIAL_OFFERER_CONTROLS = 'controlled'


def sc_glare(sc, reoffer=False):
    """rtcpc in have-local-offer gets the browser's offer: implicit rollback, then it
    answers; with `reoffer` (glare_then_reoffer) rtcpc then offers again."""
    st = {'step': 'rtcpc offer (rolled back)', 'offerer': 'rtcpc'}
    sc.steps.append(st)
    rep = sc.lib(LIB_AV + [{'fn': 'create_offer'}, {'fn': 'set_local_description', 'type': 'offer'}],
                 'createOffer + SLD(offer)')
    st['offer'] = rep['results'][-2]['sdp']
    sc.check(rep['signaling_state'] == 'have-local-offer', 'rtcpc state %r after SLD(offer)'
             % rep['signaling_state'])
    compare_with_browser_offer(sc, st, TWIN_AV)
    s1 = browser_offers(sc, 'browser offer (glare)', BR_AV, expect=AV, want_ice='controlled')
    r0 = (s1.get('lib_calls') or [{}])[0]
    sc.check(r0.get('ok') and r0.get('signaling_state') == 'have-remote-offer',
             "glare: rtcpc's SRD(offer) in have-local-offer gave %s, state %r; want success, "
             'have-remote-offer' % (r0.get('error') or 'success', r0.get('signaling_state')))
    # W3C: both transitions of the implicit rollback fire signalingstatechange,
    # then the browser's two tracks fire track.
    names = event_names(r0.get('events') or [])
    sc.check(names == ['signalingstatechange:stable', 'signalingstatechange:have-remote-offer',
                       'track', 'track'],
             "glare: rtcpc's events on SRD(offer): %s, want stable, have-remote-offer, track, "
             'track' % names)
    lt = s1['lib']['transceivers']
    sc.check(len(lt) == 2 and all(t['has_track'] for t in lt),
             'glare: want the two addTrack transceivers (rolled back) associated with the offer, '
             'rtcpc has %s' % lt)
    if not reoffer:
        return
    # The side that lost the glare offers again (perfect negotiation), now with
    # data channels. The browser made the first offer that was applied, so it
    # stays the controlling ICE agent (see INITIAL_OFFERER_CONTROLS).
    rtcpc_offers(sc, 'rtcpc offer again', [{'fn': 'request_data_channels'}], expect=AV + DATA,
                 want_dtls=None, want_ice=INITIAL_OFFERER_CONTROLS, prev=s1)


def sc_mixed_sequence(sc):
    s0 = browser_offers(sc, 'browser offer 1', BR_AV, [{'fn': 'add_tracks_auto'}], expect=AV,
                        want_ice='controlled')
    s1 = rtcpc_offers(sc, 'rtcpc offer', [{'fn': 'add_track', 'kind': 'video'}],
                      expect=AV + [{'kind': 'video', 'lib_direction': 'sendonly'}],
                      want_dtls=None, want_ice=INITIAL_OFFERER_CONTROLS, prev=s0)
    browser_offers(sc, 'browser offer 2', [{'cmd': 'create_data_channel', 'label': 'x'}],
                   [{'fn': 'add_tracks_auto'}],
                   expect=AV + [{'kind': 'video', 'lib_direction': 'sendonly'}] + DATA,
                   want_ice='controlled', prev=s1)
    # The DTLS role stays the one of the first exchange throughout.
    roles = [(st['step'], (st.get('lib') or {}).get('negotiation', {}).get('dtls_role'))
             for st in sc.steps]
    sc.check(len(set(r for _, r in roles)) == 1, 'the DTLS role changed: %s' % roles)


def sc_tampered_answers(sc):
    st = {'step': 'offer', 'offerer': 'rtcpc', 'tampers': []}
    sc.steps.append(st)
    rep = sc.lib(LIB_AV + [{'fn': 'request_data_channels'}, {'fn': 'create_offer'},
                           {'fn': 'set_local_description', 'type': 'offer'}],
                 'createOffer + SLD(offer)')
    st['offer'] = rep['results'][-2]['sdp']
    compare_with_browser_offer(sc, st, TWIN_AV + TWIN_DATA)
    sc.br('srd', pc='pc', type='offer', sdp=st['offer'])
    for a in BR_AV:
        a = dict(a)
        sc.br(a.pop('cmd'), pc='pc', **a)
    ans = sc.br('create_answer', pc='pc')
    st['answer'] = sc.br('sld', pc='pc', type='answer', sdp=ans['sdp'])['sdp']
    for name, fn in TAMPERS:
        bad = fn(st['answer'], st['offer'])
        reply = sc.worker.request({'op': 'calls', 'calls': [
            {'fn': 'set_remote_description', 'type': 'answer', 'sdp': bad, 'expect_error': True}]})
        r = (reply.get('results') or [{}])[0]
        rec = {'tamper': name, 'ok': r.get('ok'), 'error': r.get('error'),
               'signaling_state': r.get('signaling_state'),
               'remote_description': r.get('remote_description')}
        st['tampers'].append(rec)
        if r.get('ok'):
            sc.errors.append('tampered answer %s was ACCEPTED by rtcpc' % name)
            sc.repro('rtcpc accepted a tampered answer (%s)' % name, offer=st['offer'],
                     answer=bad, error=None)
            # The connection moved on: the rest cannot run on it.
            return
        code = (r.get('error') or {}).get('code')
        if not sc.check(code == 'RTC_ERROR_INVALID_ACCESS',
                        'tampered answer %s: %s, want RTC_ERROR_INVALID_ACCESS' % (
                            name, '%(code)s %(name)s: %(message)s' % r['error'])):
            sc.repro('tampered answer %s refused with the wrong code' % name, offer=st['offer'],
                     answer=bad, error=r.get('error'))
        sc.check(r.get('signaling_state') == 'have-local-offer',
                 'tampered answer %s: state %r after the refusal, want have-local-offer'
                 % (name, r.get('signaling_state')))
        sc.check(not r.get('remote_description'),
                 'tampered answer %s: a remote description is set after the refusal' % name)
    apply_answer(sc, st, 'answer')
    st['browser'] = sc.br('describe', pc='pc')
    check_offer_exchange(sc, st, AV + DATA, 'server', 'controlling')


def offer_to_browser(sc, st, lib_calls):
    """rtcpc runs `lib_calls`, creates and applies its offer (kept in `st`);
    the browser applies it, adds an audio and a video track and creates its
    answer, which it has not applied: that answer."""
    rep = sc.lib(list(lib_calls) + [{'fn': 'create_offer'},
                                    {'fn': 'set_local_description', 'type': 'offer'}],
                 'createOffer + SLD(offer)')
    st['offer'] = rep['results'][-2]['sdp']
    sc.br('srd', pc='pc', type='offer', sdp=st['offer'])
    for a in BR_AV:
        a = dict(a)
        sc.br(a.pop('cmd'), pc='pc', **a)
    return sc.br('create_answer', pc='pc')


def sc_pranswer(sc):
    """The browser's answer applied first as a pranswer, then as the answer."""
    st = {'step': 'pranswer', 'offerer': 'rtcpc'}
    sc.steps.append(st)
    ans = offer_to_browser(sc, st, LIB_AV)
    r = sc.br('sld', expect_error=True, pc='pc', type='pranswer', sdp=ans['sdp'])
    s1 = {'step': 'answer', 'offerer': 'rtcpc', 'offer': st['offer']}
    if r.get('ok'):
        st['answer'] = r['sdp']
        apply_answer(sc, st, 'pranswer')
        st['browser'] = sc.br('describe', pc='pc')
        check_states(sc, st, 'have-remote-pranswer', 'have-local-pranswer')
        s1['answer'] = sc.br('sld', pc='pc', type='answer', sdp=ans['sdp'])['sdp']
    elif sc.browser == 'firefox' and (r.get('error') or {}).get('name') == 'NotSupportedError':
        # Firefox ESR 153: setLocalDescription({type: 'pranswer'}) throws
        # NotSupportedError "pranswer not yet implemented". rtcpc then gets
        # the browser's real answer first as a pranswer, then as the answer.
        sc.notes.append("Firefox cannot apply a pranswer (%s): rtcpc gets Firefox's answer "
                        'as a pranswer, then as the answer' % r['error']['message'])
        s1['answer'] = st['answer'] = sc.br('sld', pc='pc', type='answer', sdp=ans['sdp'])['sdp']
        rep = apply_answer(sc, st, 'pranswer')
        sc.check(rep['signaling_state'] == 'have-remote-pranswer',
                 'pranswer: rtcpc state %r, want have-remote-pranswer' % rep['signaling_state'])
    else:
        e = r.get('error') or {}
        raise StepFailure('browser sld(pranswer) failed: %s: %s' % (e.get('name'), e.get('message')))
    sc.steps.append(s1)
    apply_answer(sc, s1, 'answer')
    s1['browser'] = sc.br('describe', pc='pc')
    check_offer_exchange(sc, s1, AV, 'server', 'controlling')


def sc_rollback_then_offer(sc):
    """SLD(rollback) and SRD(rollback) of rtcpc's pending offer, then a real exchange."""
    for how in ('set_local_description', 'set_remote_description'):
        rep = sc.lib([{'fn': 'add_track', 'kind': 'audio'} if how == 'set_local_description'
                      else {'fn': 'add_track', 'kind': 'video'},
                      {'fn': 'create_offer'}, {'fn': 'set_local_description', 'type': 'offer'},
                      {'fn': how, 'type': 'rollback', 'sdp': None}], 'offer + %s(rollback)' % how)
        sc.check(rep['signaling_state'] == 'stable', '%s(rollback): state %r, want stable'
                 % (how, rep['signaling_state']))
        sc.check(not rep['descriptions'].get('local'), '%s(rollback): a local description remains'
                 % how)
        sc.check(all(t['mid'] is None for t in rep['transceivers']),
                 '%s(rollback): transceivers keep the rolled-back mids: %s' % (how, rep['transceivers']))
    rtcpc_offers(sc, 'offer after rollbacks', browser_after_srd=BR_AV, expect=AV)


# -- BUNDLE policies (rtc_configuration_set_bundle_policy, JSEP 4.1.1)

LIB_AAVV = [{'fn': 'add_track', 'kind': k} for k in ('audio', 'audio', 'video', 'video')]
BR_AAVV = [{'cmd': 'add_track', 'kind': k} for k in ('audio', 'audio', 'video', 'video')]
AAVV = [{'kind': k, 'lib_direction': 'sendrecv'} for k in ('audio', 'audio', 'video', 'video')]


def want_bundle_only(policy, kinds, i):
    """JSEP 5.2.1: whether the offer's m-line i is bundle-only under `policy`."""
    if policy == 'max-bundle':
        return i > 0
    if policy == 'max-compat':
        return False
    return kinds[i] in kinds[:i]           # balanced: all but the first of each kind


def sc_bundle(sc, policy):
    """rtcpc offers 2 audio + 2 video (+ data with max-bundle) with a bundle policy
    (None: the default, balanced); the browser bundles everything on one transport."""
    data = policy == 'max-bundle'
    lib = LIB_AAVV + ([{'fn': 'request_data_channels'}] if data else [])
    expect = AAVV + (DATA if data else [])
    browser_config = {'bundlePolicy': policy or 'balanced'}
    twin = [{'cmd': 'pc_new', 'config': browser_config}] + BR_AAVV + (TWIN_DATA if data else [])
    st = rtcpc_offers(sc, 'offer', lib, browser_after_srd=BR_AAVV, expect=expect, twin=twin)
    check_bundle_policy_offer(sc, st, policy or 'balanced')
    check_all_bundled(sc, st, data)


def check_bundle_policy_offer(sc, st, policy):
    p = '%s: ' % st['step']
    om = media_lines(st['offer'])
    kinds = [m[0][2:].split()[0] for m in om]
    for i, m in enumerate(om):
        port = int(m[0].split()[1])
        bonly = 'a=bundle-only' in m
        q = p + '%s policy, offer m-line %d (%s, mid %s): ' % (policy, i, kinds[i],
                                                               first(m, 'a=mid:'))
        if want_bundle_only(policy, kinds, i):
            sc.check(port == 0 and bonly, q + 'port %d%s, want port 0 and a=bundle-only'
                     % (port, ' with a=bundle-only' if bonly else ', no a=bundle-only'))
            # RFC 8843 7.5 / JSEP 5.2.1: no candidates for a bundle-only m-section.
            sc.check(not attr_values(m, 'a=candidate:'),
                     q + 'bundle-only but it carries a=candidate lines')
        else:
            sc.check(port != 0 and not bonly, q + 'port %d%s, want a port and no a=bundle-only'
                     % (port, ' with a=bundle-only' if bonly else ''))
    mids = mids_of(st['offer'])
    sc.check(bundle_mids(st['offer']) == mids, p + "the offer's a=group:BUNDLE %s, want every "
             'mid %s' % (bundle_mids(st['offer']), mids))
    sc.check(media_lines(st['offer'])[0][0].split()[1] != '0',
             p + 'the first m-line (the offerer-tagged one) has port 0')


def check_all_bundled(sc, st, data):
    """The answer bundles every mid; rtcpc and the browser use one transport."""
    p = '%s: ' % st['step']
    mids = mids_of(st['offer'])
    sc.check(sorted(bundle_mids(st['answer'])) == sorted(mids),
             p + "the answer's a=group:BUNDLE %s, want every mid %s"
             % (bundle_mids(st['answer']), mids))
    secs = st['lib']['negotiation']['sections']
    for sec in secs:
        sc.check(sec['bundled'] and sec['transport_index'] == 0,
                 p + 'rtcpc mid %s: bundled=%s transport_index=%s, want bundled on 0'
                 % (sec['mid'], sec['bundled'], sec['transport_index']))
        # rtc_negotiated_section.local_candidates: in the m-section owning the
        # transport, empty in the others.
        if sec['index'] == 0:
            offered = attr_values(media_lines(st['offer'])[0], 'a=')
            offered = [x for x in offered if x.startswith('candidate:')]
            sc.check(sec['local_candidates'] == offered, p + 'rtcpc mid %s local_candidates %s, '
                     'the offer has %s' % (sec['mid'], sec['local_candidates'], offered))
        else:
            sc.check(not sec['local_candidates'], p + 'rtcpc mid %s is bundled on 0 but reports '
                     'local_candidates %s' % (sec['mid'], sec['local_candidates']))
    # The browser: one RTCDtlsTransport (and one RTCIceTransport) for all.
    trs = [t for t in st['browser']['transceivers'] if t['mid'] in mids and t['inGetTransceivers']]
    sc.check(sorted(t['mid'] for t in trs) == sorted(m for m, x in zip(mids, media_lines(
        st['offer'])) if not x[0].startswith('m=application')),
        p + 'browser transceivers have mids %s, the offer %s' % ([t['mid'] for t in trs], mids))
    ids = {}
    for t in trs:
        for side in ('transport', 'receiverTransport'):
            info = t.get(side) or {}
            ids.setdefault(('dtls', info.get('id')), []).append('%s %s' % (t['mid'], side))
            ids.setdefault(('ice', info.get('iceId')), []).append('%s %s' % (t['mid'], side))
    sctp = st['browser'].get('sctp')
    if data:
        if sc.check(sctp is not None, p + 'the browser has pc.sctp == null'):
            info = sctp.get('transport') or {}
            ids.setdefault(('dtls', info.get('id')), []).append('sctp')
            ids.setdefault(('ice', info.get('iceId')), []).append('sctp')
    dtls = {k[1]: v for k, v in ids.items() if k[0] == 'dtls'}
    ice = {k[1]: v for k, v in ids.items() if k[0] == 'ice'}
    sc.check(None not in dtls and None not in ice,
             p + 'the browser has no RTCDtlsTransport/RTCIceTransport for %s'
             % sorted(set(dtls.get(None, []) + ice.get(None, []))))
    sc.check(len(dtls) == 1, p + 'the browser uses %d RTCDtlsTransport objects, want one: %s'
             % (len(dtls), dtls))
    sc.check(len(ice) == 1, p + 'the browser uses %d RTCIceTransport objects, want one: %s'
             % (len(ice), ice))
    # getStats: whatever names a transport names the same one.
    stats = sc.br('stats', pc='pc').get('stats') or []
    st['browser_stats'] = stats
    named = sorted(set(s['transportId'] for s in stats if s.get('transportId')))
    transports = [s['id'] for s in stats if s['type'] == 'transport']
    sc.notes.append('%sbrowser getStats: %d entries name transports %s; transport entries %s'
                    % (p, sum(1 for s in stats if s.get('transportId')), named, transports))
    sc.check(len(named) <= 1, p + 'browser getStats entries name %d transports: %s'
             % (len(named), [(s['type'], s.get('mid'), s.get('kind'), s['transportId'])
                             for s in stats if s.get('transportId')]))
    sc.check(len(transports) <= 1, p + 'browser getStats has %d transport entries: %s'
             % (len(transports), transports))


# -- ICE lite (rtc_configuration_set_ice_lite)

def sc_ice_lite(sc):
    """RFC 8445 6.1.1: a lite agent is always controlled; the full browser controls."""
    s0 = rtcpc_offers(sc, 'offer 1', LIB_AV, browser_after_srd=BR_AV, expect=AV, twin=TWIN_AV,
                      want_ice='controlled')
    s1 = rtcpc_offers(sc, 'offer 2', expect=AV, want_ice='controlled', prev=s0)
    for st in (s0, s1):
        p = '%s: ' % st['step']
        osess, om = split(st['offer'])
        sc.check('a=ice-lite' in osess, p + "rtcpc's offer has no session-level a=ice-lite")
        sc.check(not any('a=ice-lite' in m for m in om),
                 p + "rtcpc's offer has a=ice-lite inside an m-section (RFC 8839 5.3: session level)")
        asess, am = split(st['answer'])
        sc.check('a=ice-lite' not in asess and not any('a=ice-lite' in m for m in am),
                 p + "the browser's answer says a=ice-lite (a full agent is expected)")
        neg = st['lib']['negotiation']
        for sec in neg['sections']:
            sc.check(sec['ice_role'] == 'controlled', p + 'rtcpc mid %s ice_role %r, want '
                     'controlled (ice-lite)' % (sec['mid'], sec['ice_role']))
        roles = [(t['mid'], (t.get('transport') or {}).get('iceRole'))
                 for t in st['browser']['transceivers'] if t['mid'] and t['inGetTransceivers']]
        reported = [r for _, r in roles if r not in (None, 'unknown')]
        if sc.browser == 'firefox':
            sc.check(len(reported) == len(roles) and roles,
                     p + 'Firefox does not report RTCIceTransport.role for every transceiver: %s'
                     % roles)
        elif not reported:
            sc.notes.append('%sthe browser reports no RTCIceTransport.role (%s)' % (p, roles))
        sc.check(all(r == 'controlling' for r in reported),
                 p + "the browser's RTCIceTransport.role %s, want controlling (its peer is lite)"
                 % roles)


# -- simulcast (RFC 8853): rtcpc sends three RID layers

SIMULCAST_RIDS = ['h', 'm', 'l']
RID_EXTENSIONS = ['urn:ietf:params:rtp-hdrext:sdes:mid',
                  'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
                  'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id']


def simulcast_recv_rids(lines):
    """The RIDs of an a=simulcast:recv (alternatives flattened, '~' = paused), or None."""
    for v in attr_values(lines, 'a=simulcast:'):
        parts = v.split()
        for d, lst in zip(parts[0::2], parts[1::2]):
            if d == 'recv':
                return [(r.lstrip('~'), r.startswith('~'))
                        for alt in lst.split(';') for r in alt.split(',')]
    return None


def sc_simulcast_3_layers(sc):
    st = rtcpc_offers(
        sc, 'offer',
        [{'fn': 'add_transceiver', 'kind': 'video', 'direction': 'sendonly',
          'stream_ids': ['lib-stream'], 'rids': SIMULCAST_RIDS}, {'fn': 'add_tracks_auto'}],
        expect=[{'kind': 'video', 'lib_direction': 'sendonly'}],
        twin=[{'cmd': 'add_transceiver', 'kind': 'video', 'direction': 'sendonly', 'track': True,
               'rids': SIMULCAST_RIDS}])
    p = 'offer: '
    om, am = media_lines(st['offer']), media_lines(st['answer'])
    o = om[0]
    sc.check(attr_values(o, 'a=rid:') == ['%s send' % r for r in SIMULCAST_RIDS],
             p + "rtcpc's offer has a=rid %s, want %s" % (
                 attr_values(o, 'a=rid:'), ['%s send' % r for r in SIMULCAST_RIDS]))
    sc.check(attr_values(o, 'a=simulcast:') == ['send ' + ';'.join(SIMULCAST_RIDS)],
             p + "rtcpc's offer has a=simulcast %s, want send %s"
             % (attr_values(o, 'a=simulcast:'), ';'.join(SIMULCAST_RIDS)))
    ouris = [u for _, u in rtp_info(o)['extmap']]
    for uri in RID_EXTENSIONS:
        sc.check(uri in ouris, p + "rtcpc's offer lacks the extension %s (has %s)" % (uri, ouris))
    sc.check(parse_media(o)['direction'] == 'sendonly', p + "rtcpc's offer direction %s"
             % parse_media(o)['direction'])
    sc.check(parse_media(am[0])['direction'] == 'recvonly' and am[0][0].split()[1] != '0',
             p + 'the browser answered %s port %s, want an accepted recvonly'
             % (parse_media(am[0])['direction'], am[0][0].split()[1]))
    sec = st['lib']['negotiation']['sections'][0]
    recv = simulcast_recv_rids(am[0])
    got = [(r['rid'], r['paused']) for r in sec['simulcast_rids']]
    if recv is None:
        sc.notes.append('%sthe browser accepted the simulcast offer without a=simulcast:recv '
                        '(it receives one layer); answer a=rid %s' % (p, attr_values(am[0], 'a=rid:')))
        sc.check(sec['simulcast_fallback'] is True,
                 p + 'the answer has no a=simulcast but rtcpc simulcast_fallback=%s, want true'
                 % sec['simulcast_fallback'])
        sc.check(got == [], p + 'the answer has no a=simulcast but rtcpc simulcast_rids %s' % got)
    else:
        sc.notes.append('%sthe browser answered a=simulcast:recv %s' % (p, recv))
        sc.check(got == recv, p + 'rtcpc simulcast_rids %s, the answer receives %s' % (got, recv))
        sc.check(sec['simulcast_fallback'] is False,
                 p + 'the answer has a=simulcast:recv but rtcpc simulcast_fallback=true')
        sc.check(sorted(r for r, _ in got) == sorted(r for r, _ in recv) and
                 [r['layer'] for r in sec['simulcast_rids']] ==
                 sorted(r['layer'] for r in sec['simulcast_rids']),
                 p + 'rtcpc simulcast layers %s' % sec['simulcast_rids'])
    lt = st['lib']['transceivers']
    sc.check(len(lt) == 1 and lt[0]['has_track'] and lt[0]['direction'] == 'sendonly',
             p + 'rtcpc transceivers %s, want one sendonly with a track' % lt)


# ---------------------------------------------------------------- subsequent exchanges (issue 20)

def check_unique_mids(sc, st):
    """RFC 8843 9.1: no mid twice in either description (Chromium refuses
    "Duplicate a=mid value")."""
    for what in ('offer', 'answer'):
        mids = mids_of(st.get(what) or '')
        sc.check(len(mids) == len(set(mids)), '%s: the %s has a mid twice: %s'
                 % (st['step'], what, mids))


def sc_perfect_negotiation_data(sc):
    """Glare both ways with data channels (W3C perfect negotiation). First
    rtcpc's offer (audio "0", data "1") is rolled back by the browser's
    (audio "0", video "1"); rtcpc answers, then offers again with its data
    channels: a new m-line with a new mid, not the "1" of its rolled-back
    offer that the browser's video has now (Chromium refuses "Duplicate
    a=mid value"). Then the browser's offer is rolled back by rtcpc's (the
    browser's implicit rollback), the browser answers, and offers what it
    had pending."""
    st = {'step': 'rtcpc offer (rolled back)', 'offerer': 'rtcpc'}
    sc.steps.append(st)
    rep = sc.lib([{'fn': 'add_track', 'kind': 'audio'}, {'fn': 'request_data_channels'},
                  {'fn': 'create_offer'}, {'fn': 'set_local_description', 'type': 'offer'}],
                 'createOffer + SLD(offer)')
    st['offer'] = rep['results'][-2]['sdp']
    recv_video = {'kind': 'video', 'lib_direction': 'recvonly'}
    s1 = browser_offers(sc, 'browser offer (glare: rtcpc rolls back)', BR_AV,
                        expect=[AV[0], recv_video], want_ice='controlled')
    s2 = rtcpc_offers(sc, 'rtcpc offer again', [{'fn': 'add_track', 'kind': 'video'}],
                      expect=AV + DATA, want_dtls=None, want_ice=INITIAL_OFFERER_CONTROLS,
                      prev=s1)
    mids = mids_of(s2['offer'])
    sc.check(mids[:2] == mids_of(s1['offer']) and mids[2] not in mids[:2] + mids_of(st['offer']),
             "rtcpc offer again: want the browser's mids %s in place and a data m-line with a "
             'mid no offer had, got %s' % (mids_of(s1['offer']), mids))
    # The browser offers (a second audio track) and applies its offer; rtcpc's
    # offer crosses it and the browser rolls its own back.
    sc.br('add_track', pc='pc', kind='audio', stream='browser-2')
    off = sc.br('create_offer', pc='pc')
    sc.br('sld', pc='pc', type='offer', sdp=off['sdp'])
    send_video = {'kind': 'video', 'lib_direction': 'sendonly'}
    s3 = rtcpc_offers(sc, 'rtcpc offer (glare: the browser rolls back)',
                      [{'fn': 'set_direction', 'index': 1, 'direction': 'sendonly'}],
                      expect=[AV[0], send_video] + DATA, want_dtls=None,
                      want_ice=INITIAL_OFFERER_CONTROLS, prev=s2)
    s4 = browser_offers(sc, 'browser offer again', expect=[AV[0], send_video] + DATA + [
        {'kind': 'audio', 'lib_direction': 'recvonly'}], want_ice='controlled', prev=s3)
    for st in sc.steps:
        check_unique_mids(sc, st)
    mids = mids_of(s4['offer'])
    sc.check(mids[:3] == mids_of(s2['offer']) and mids[3] not in mids[:3],
             'browser offer again: mids %s, want %s and a new one' % (mids, mids_of(s2['offer'])))


def reject_data(answer):
    """`answer` with its data m-line rejected (port 0, out of BUNDLE), as a
    peer without SCTP answers it."""
    sess, media = split(answer)
    out = []
    mid = None
    for m in media:
        if m[0].startswith('m=application '):
            parts = m[0].split()
            parts[1] = '0'
            m = [' '.join(parts)] + m[1:]
            mid = first(m, 'a=mid:')
        out.append(m)
    sess = [l if not l.startswith('a=group:BUNDLE') else
            ' '.join(x for x in l.split() if x != mid) for l in sess]
    return join(sess, out)


def sc_reoffer_rejected_data(sc):
    """JSEP 5.2.2 as Chromium: an answer rejected rtcpc's data m-line; the
    next offer offers data again in that m-line, with its mid (no second
    data m-line, no mid twice), and the browser takes it."""
    st = {'step': 'offer (the answer rejects data)', 'offerer': 'rtcpc'}
    sc.steps.append(st)
    ans = offer_to_browser(sc, st, LIB_AV + [{'fn': 'request_data_channels'}])
    sld = sc.br('sld', pc='pc', type='answer', sdp=ans['sdp'])
    st['answer'] = reject_data(sld['sdp'])
    apply_answer(sc, st, 'answer')
    secs = st['lib']['negotiation']['sections']
    sc.check(len(secs) == 3 and not secs[2]['accepted'],
             'offer: rtcpc took the rejected data m-line as %s' % (secs[2:] or None))
    sc.check(st['lib']['negotiation_needed'] is True,
             'offer: data channels are wanted and not negotiated: negotiationneeded must be set')
    s1 = rtcpc_offers(sc, 'offer again', expect=AV + DATA, want_dtls=None, prev=st)
    m = media_lines(s1['offer'])
    kinds = [x[0].split()[0] for x in m]
    sc.check(kinds == ['m=audio', 'm=video', 'm=application'] and m[2][0].split()[1] != '0',
             'offer again: want the data m-line offered again in place, got %s' % [x[0] for x in m])
    sc.check(mids_of(s1['offer']) == mids_of(st['offer']),
             'offer again: mids %s, want %s' % (mids_of(s1['offer']), mids_of(st['offer'])))
    check_unique_mids(sc, s1)


# Offers rtcpc answered before re-offering to the browser (tests/data/corpus).
CORPUS = os.path.join(HERE, '..', 'data', 'corpus', 'offers')
MEDIASOUP = 'gen-mediasoup-client-3.24.1__remote-reoffer-icelite-audio-video-probator-datachannel.sdp'
SAFARI_H264_FIRST = 'kvs-webrtc-sdk-c__safari-mac-recvonly-video-h264-first-datachannel.sdp'


def answered_elsewhere(sc, offer_file, lib_after):
    """rtcpc answers an offer from another peer (an SFU, Safari): the step
    record the browser's exchange then renegotiates from."""
    with open(os.path.join(CORPUS, offer_file), newline='') as f:
        offer = f.read()
    reply = sc.lib([{'fn': 'set_remote_description', 'type': 'offer', 'sdp': offer}]
                   + list(lib_after) + [{'fn': 'create_answer'},
                                        {'fn': 'set_local_description', 'type': 'answer', 'sdp': ''}],
                   'answering %s' % offer_file)
    st = {'step': 'rtcpc answers %s' % offer_file, 'offerer': 'peer', 'offer': offer,
          'answer': reply['results'][-2]['sdp'], 'lib': reply}
    sc.steps.append(st)
    return st


def check_payload_types_keep_codecs(sc, st, earlier):
    """RFC 3264 8.3.2: every payload type of rtcpc's re-offer names, in every
    m-line, the codec it named in the descriptions `earlier` (any m-line)."""
    meanings = collections.defaultdict(set)
    for sdp in earlier:
        for m in media_lines(sdp):
            info = rtp_info(m)
            for pt in info['pts']:
                meanings[pt].add(codec_identity(info, pt))
    for m in media_lines(st['offer']):
        info = rtp_info(m)
        for pt in info['pts']:
            ident, before = codec_identity(info, pt), meanings.get(pt)
            sc.check(before is None or ident in before,
                     '%s: mid %s gives payload type %d to %s; it was %s'
                     % (st['step'], first(m, 'a=mid:'), pt, ident, sorted(before or ())))


def sc_reoffer_after_sfu_offer(sc):
    """rtcpc answers an SFU offer that numbers each m-line on its own
    (mediasoup: VP8 101 with rtx 102, a "probator" m-line with VP8 127), then
    re-offers it to the browser: each payload type keeps its codec, and the
    browser's getParameters shows that codec on that payload type."""
    s0 = answered_elsewhere(sc, MEDIASOUP, [])
    recv = lambda kind: {'kind': kind, 'lib_direction': 'recvonly'}  # noqa: E731
    s1 = rtcpc_offers(sc, 're-offer to the browser', expect=[recv('audio'), recv('video'),
                                                              recv('video')] + DATA,
                      browser_after_srd=BR_AV + [{'cmd': 'add_track', 'kind': 'video'}],
                      want_dtls='client', want_ice='controlling', prev=s0)
    check_payload_types_keep_codecs(sc, s1, [s0['offer'], s0['answer']])
    check_unique_mids(sc, s1)


def sc_reoffer_after_safari_offer(sc):
    """rtcpc answers Safari's H.264-first offer, then re-offers to the
    browser: H.264, the codec in use, leads the video m-line with its
    payload type; a browser with H.264 (Chromium) keeps it first."""
    s0 = answered_elsewhere(sc, SAFARI_H264_FIRST, [{'fn': 'add_track', 'kind': 'video'}])
    used = [x for x in media_lines(s0['answer']) if x[0].startswith('m=video')][0]
    used_pt = int(used[0].split()[3])
    s1 = rtcpc_offers(sc, 're-offer to the browser',
                      expect=[{'kind': 'video', 'lib_direction': 'sendrecv'},
                              {'kind': 'audio', 'lib_direction': 'recvonly'}] + DATA,
                      browser_after_srd=BR_AV, want_dtls='client', want_ice='controlling',
                      prev=s0)
    video = [x for x in media_lines(s1['offer']) if x[0].startswith('m=video')][0]
    sc.check(int(video[0].split()[3]) == used_pt and
             codec_identity(rtp_info(video), used_pt).lower().startswith('h264/'),
             're-offer: the video m-line starts with %s, want H264 on %d (the answer\'s first)'
             % (video[0], used_pt))
    check_payload_types_keep_codecs(sc, s1, [s0['offer'], s0['answer']])
    if sc.browser == 'chromium':
        vsec = s1['lib']['negotiation']['sections'][0]
        sc.check(vsec['codecs'] and vsec['codecs'][0]['payload_type'] == used_pt,
                 're-offer: Chromium has H.264; rtcpc negotiated %s first, want %d'
                 % ([c['payload_type'] for c in vsec['codecs'][:1]], used_pt))


# ---------------------------------------------------------------- the W3C object model (issue 21)

def lib_events(reply, upto=None):
    """rtcpc's events (signalingstatechange, track, track-removed,
    negotiationneeded) during a worker request's calls, in order."""
    return [e for r in (reply.get('results') or [])[:upto] for e in r.get('events') or []]


def event_names(events):
    return [e['event'] + (':' + e['state'] if e['event'] == 'signalingstatechange' else '')
            for e in events]


def browser_transceiver(st, mid):
    return next((t for t in st['browser']['transceivers'] if t['mid'] == mid), None)


def lib_transceiver(st, mid):
    return next((t for t in st['lib']['transceivers'] if t['mid'] == mid), None)


def sc_track_lifecycle(sc):
    """W3C track events and the sender calls, both ways, against what the
    browser's own objects say. The browser sends a track (rtcpc's track
    event names the browser's MediaStream and track ids, and the browser's
    mid), moves it to another stream (setStreams: track again, with that
    stream), removes it (rtcpc's track goes away), stops the transceiver
    (rtcpc's is stopped and gone after the answer); rtcpc then sends with
    two streams (the m-line recycled: a new mid in its place; the browser's
    ontrack names both streams), moves the sender to another stream
    (setStreams: negotiationneeded; the browser's old streams lose the
    track), replaces the track (no negotiation) and removes it (the
    browser's transceiver goes inactive)."""
    p = 'browser sends: '
    sent = sc.br('add_track', pc='pc', kind='audio', stream='browser-stream')
    s0 = browser_offers(sc, 'browser sends', expect=[{'kind': 'audio', 'lib_direction': 'recvonly'}])
    mid = mids_of(s0['offer'])[0]
    srd, sld = lib_events(s0['lib'], 1), lib_events(s0['lib'])[len(lib_events(s0['lib'], 1)):]
    sc.check(event_names(srd) == ['signalingstatechange:have-remote-offer', 'track'],
             p + "rtcpc's events on SRD(offer): %s, want have-remote-offer then track"
             % event_names(srd))
    track = next((e for e in srd if e['event'] == 'track'), {})
    # JSEP 5.2.1: a=msid's second part identifies the sender; Chromium
    # writes its track's id there, Firefox an id of its own.
    msid = attr_values(media_lines(s0['offer'])[0], 'a=msid:')
    sender_id = msid[0].split()[1] if msid and len(msid[0].split()) > 1 else None
    if sc.browser == 'chromium':
        sc.check(sender_id == sent['trackId'], p + "Chromium's a=msid %s does not name its "
                 'track %s' % (msid, sent['trackId']))
    sc.check(track.get('mid') == mid and track.get('stream_ids') == [sent['streamId']] and
             track.get('track_id') == sender_id,
             p + "rtcpc's track event %s; the browser sends from stream %s (a=msid %s) on mid %s"
             % (track, sent['streamId'], msid, mid))
    sc.check(event_names(sld) == ['signalingstatechange:stable'],
             p + "rtcpc's events on SLD(answer): %s, want stable" % event_names(sld))

    p = 'browser moves its sender to another stream: '
    moved = sc.br('set_streams', pc='pc', mid=mid, streams=['browser-stream-2'])
    s0 = browser_offers(sc, 'browser moves its sender to another stream',
                        expect=[{'kind': 'audio', 'lib_direction': 'recvonly'}], prev=s0)
    events = lib_events(s0['lib'])
    sc.check(event_names(events) == ['signalingstatechange:have-remote-offer', 'track',
                                     'signalingstatechange:stable'] and
             events[1]['stream_ids'] == moved['streamIds'],
             p + "rtcpc's events %s, want have-remote-offer, track (streams %s), stable (W3C: "
             'the associated remote streams grew)' % (events, moved['streamIds']))

    p = 'browser removes the track: '
    s1 = browser_offers(sc, 'browser removes the track',
                        [{'cmd': 'remove_track', 'mid': mid}],
                        expect=[{'kind': 'audio', 'lib_direction': 'inactive'}], prev=s0)
    names = event_names(lib_events(s1['lib']))
    sc.check(names == ['signalingstatechange:have-remote-offer', 'track-removed',
                       'signalingstatechange:stable'],
             p + "rtcpc's events: %s, want have-remote-offer, track-removed, stable" % names)
    sc.check((browser_transceiver(s1, mid) or {}).get('currentDirection') == 'inactive',
             p + "the browser's transceiver: %s" % browser_transceiver(s1, mid))

    p = 'browser stops the transceiver: '
    s2 = browser_offers(sc, 'browser stops the transceiver',
                        [{'cmd': 'stop_transceiver', 'mid': mid}],
                        expect=[{'kind': 'audio', 'accepted': False}], prev=s1)
    names = event_names(lib_events(s2['lib']))
    sc.check(names == ['signalingstatechange:have-remote-offer', 'signalingstatechange:stable'],
             p + "rtcpc's events: %s, want have-remote-offer, stable (the track was gone)" % names)
    # W3C: a stopped transceiver whose m-section is rejected leaves the set
    # of transceivers when the answer is applied (Chromium's getTransceivers too).
    sc.check(lib_transceiver(s2, mid) is None,
             p + 'rtcpc still lists the stopped transceiver: %s' % s2['lib']['transceivers'])
    sc.check(not (browser_transceiver(s2, mid) or {}).get('inGetTransceivers'),
             p + "the browser still lists the stopped transceiver: %s"
             % browser_transceiver(s2, mid))

    p = 'rtcpc sends with two streams: '
    sc.br('take_track_events', pc='pc')
    s3 = rtcpc_offers(sc, 'rtcpc sends with two streams',
                      [{'fn': 'add_track', 'kind': 'audio', 'track_id': 'lib-audio',
                        'stream_ids': ['lib-a', 'lib-b']}],
                      expect=[{'kind': 'audio', 'lib_direction': 'sendonly'}], want_dtls=None,
                      want_ice=INITIAL_OFFERER_CONTROLS, prev=s2)
    mid2 = mids_of(s3['offer'])[0]
    sc.check(mid2 != mid and len(mids_of(s3['offer'])) == 1,
             p + 'mids %s: want the rejected m-line %s recycled with a new mid'
             % (mids_of(s3['offer']), mid))
    bev = sc.br('take_track_events', pc='pc')['events']
    sc.check(len(bev) == 1 and bev[0]['mid'] == mid2 and
             sorted(bev[0]['streams']) == ['lib-a', 'lib-b'],
             p + "the browser's track events %s, want one on mid %s with streams lib-a, lib-b"
             % (bev, mid2))
    streams = s3['browser'].get('remoteStreams') or {}
    sc.check(all(len(streams.get(x) or []) == 1 for x in ('lib-a', 'lib-b')),
             p + "the browser's remote streams %s, want lib-a and lib-b with the track" % streams)

    p = 'rtcpc moves the sender to another stream: '
    rep = sc.lib([{'fn': 'set_streams', 'mid': mid2, 'stream_ids': ['lib-c']}], 'setStreams')
    sc.check(event_names(lib_events(rep)) == ['negotiationneeded'],
             p + "rtcpc's events %s, want negotiationneeded" % event_names(lib_events(rep)))
    s4 = rtcpc_offers(sc, 'rtcpc moves the sender to another stream',
                      expect=[{'kind': 'audio', 'lib_direction': 'sendonly'}], want_dtls=None,
                      want_ice=INITIAL_OFFERER_CONTROLS, prev=s3)
    msids = attr_values(media_lines(s4['offer'])[0], 'a=msid:')
    sc.check(msids == ['lib-c lib-audio'] or (len(msids) == 1 and msids[0].startswith('lib-c ')),
             p + "rtcpc's offer has a=msid %s, want the one stream lib-c" % msids)
    streams = s4['browser'].get('remoteStreams') or {}
    sc.check(not streams.get('lib-a') and not streams.get('lib-b'),
             p + "the browser's streams lib-a and lib-b still hold the track: %s" % streams)
    bev = sc.br('take_track_events', pc='pc')['events']
    sc.check(len(bev) == 1 and bev[0]['mid'] == mid2 and bev[0]['streams'] == ['lib-c'],
             p + "the browser's track events %s, want one on mid %s with the stream lib-c (W3C: "
             'the associated remote streams grew)' % (bev, mid2))

    p = 'rtcpc replaces the track: '
    rep = sc.lib([{'fn': 'replace_track', 'mid': mid2, 'kind': 'audio', 'track_id': 'lib-audio-2'},
                  {'fn': 'replace_track', 'mid': mid2, 'kind': 'video', 'track_id': 'v',
                   'expect_error': True}], 'replaceTrack')
    sc.check(not lib_events(rep) and rep['negotiation_needed'] is False,
             p + 'replaceTrack needs no negotiation; rtcpc: events %s, negotiation_needed %s'
             % (lib_events(rep), rep['negotiation_needed']))
    err = (rep['results'][1].get('error') or {})
    sc.check(err.get('code') == 'RTC_ERROR_INVALID_ARGUMENT',
             p + 'replaceTrack with a video track on an audio sender gave %s, want '
             'RTC_ERROR_INVALID_ARGUMENT (W3C TypeError)' % (err or 'success'))

    p = 'rtcpc removes the track: '
    rep = sc.lib([{'fn': 'remove_track', 'mid': mid2}], 'removeTrack')
    sc.check(event_names(lib_events(rep)) == ['negotiationneeded'],
             p + "rtcpc's events %s, want negotiationneeded" % event_names(lib_events(rep)))
    s5 = rtcpc_offers(sc, 'rtcpc removes the track',
                      expect=[{'kind': 'audio', 'lib_direction': 'inactive'}], want_dtls=None,
                      want_ice=INITIAL_OFFERER_CONTROLS, prev=s4)
    sc.check((browser_transceiver(s5, mid2) or {}).get('currentDirection') == 'inactive',
             p + "the browser's transceiver: %s" % browser_transceiver(s5, mid2))
    streams = s5['browser'].get('remoteStreams') or {}
    sc.check(not any(streams.values()),
             p + "the browser's remote streams still hold the track: %s" % streams)


SCENARIOS = collections.OrderedDict([
    ('audio_video', sc_audio_video),
    ('sendonly_to_recvonly_browser', sc_sendonly_to_recvonly_browser),
    ('recvonly', sc_recvonly),
    ('data_only', sc_data_only),
    ('audio_video_data', sc_audio_video_data),
    ('vp9_only', sc_vp9_only),
    ('h264_only', sc_h264_only),
    ('reoffer_add_track', sc_reoffer_add_track),
    ('reoffer_stop', sc_reoffer_stop),
    ('ice_restart', sc_ice_restart),
    ('restart_ice_call', lambda sc: sc_ice_restart(sc, call=True)),
    ('glare', sc_glare),
    ('glare_then_reoffer', lambda sc: sc_glare(sc, reoffer=True)),
    ('mixed_sequence', sc_mixed_sequence),
    ('tampered_answers', sc_tampered_answers),
    ('pranswer', sc_pranswer),
    ('rollback_then_offer', sc_rollback_then_offer),
    ('bundle_max_bundle', lambda sc: sc_bundle(sc, 'max-bundle')),
    ('bundle_max_compat', lambda sc: sc_bundle(sc, 'max-compat')),
    ('bundle_balanced', lambda sc: sc_bundle(sc, None)),
    ('ice_lite', sc_ice_lite),
    ('simulcast_3_layers', sc_simulcast_3_layers),
    ('perfect_negotiation_data', sc_perfect_negotiation_data),
    ('reoffer_rejected_data', sc_reoffer_rejected_data),
    ('reoffer_after_sfu_offer', sc_reoffer_after_sfu_offer),
    ('reoffer_after_safari_offer', sc_reoffer_after_safari_offer),
    ('track_lifecycle', sc_track_lifecycle),
])


def run_scenario(name, browser, rpc, library):
    sc = Scenario(name, browser, rpc, library)
    try:
        sc.br('reset', scenario=name)
        sc.br('pc_new', pc='pc')
        SCENARIOS[name](sc)
    except StepFailure as e:
        sc.errors.append(str(e))
    except PageStuck as e:
        sc.errors.append('page stuck: %s' % e)
    except Exception as e:  # noqa: BLE001 - a harness bug fails the scenario, not the run
        sc.errors.append('harness error: %s\n%s' % (e, traceback.format_exc()))
    finally:
        sc.close()
    if sc.skip and (browser, name) not in SKIP_ALLOWED:
        sc.errors.append('cannot run (%s); only %s may be skipped' % (
            sc.skip, ', '.join('%s in %s' % (n, b) for b, n in sorted(SKIP_ALLOWED))))
    outcome = 'FAIL' if sc.errors else 'SKIP' if sc.skip else 'PASS'
    return {'scenario': name, 'outcome': outcome, 'errors': sc.errors, 'skip': sc.skip,
            'notes': sc.notes, 'steps': sc.steps, 'comparisons': sc.comparisons,
            'repros': sc.repros}


# ---------------------------------------------------------------- output

def print_result(res, verbose=False):
    print('%s %s' % (res['outcome'], res['scenario']))
    if res['skip']:
        print('    skipped: %s' % res['skip'])
    for e in res['errors']:
        for i, line in enumerate(str(e).splitlines()):
            print('    ' + ('' if i == 0 else '  ') + line)
    for n in res['notes']:
        print('    note: %s' % n)
    for st in res['steps']:
        neg = (st.get('lib') or {}).get('negotiation') or {}
        print('    step %r (%s offers): a=setup offer %s answer %s; rtcpc dtls_role %s ice_role %s'
              % (st['step'], st.get('offerer'), (st.get('setup') or {}).get('offer'),
                 (st.get('setup') or {}).get('answer'), neg.get('dtls_role'), neg.get('ice_role')))
        roles = sorted(set((t.get('transport') or {}).get('iceRole') or 'n/a'
                           for t in (st.get('browser') or {}).get('transceivers', [])))
        if roles:
            print('      browser RTCIceTransport.role: %s' % ', '.join(roles))
        for t in st.get('tampers', []):
            print('      tampered %-24s -> %s' % (t['tamper'], 'ACCEPTED' if t['ok'] else
                                                   '%(code)s %(name)s: %(message)s' % t['error']))
    for c in res['comparisons']:
        if c.get('error'):
            print('    offer comparison (%s): could not make the browser offer: %s'
                  % (c['step'], c['error']))
            continue
        diffs = c.get('diffs') or []
        print('    offer comparison with the browser\'s own offer (%s): %d differences, %d '
              'unexplained%s' % (c['step'], len(diffs), sum(1 for d in diffs if not d['justified']),
                                 ' (%s)' % c['note'] if c.get('note') else ''))
        for d in diffs:
            if verbose or not d['justified']:
                print('      %-14s %-9s %-12s %s%s' % (d['where'], d['field'], d['side'], d['item'],
                                                       '  [JUSTIFIED: %s]' % d['justified']
                                                       if d['justified'] else '  [UNEXPLAINED]'))


def print_offer_differences(outcomes):
    """Every distinct difference from the browser's own offers, once, with its reason."""
    seen = collections.OrderedDict()
    for name, res in outcomes.items():
        for c in res.get('comparisons') or []:
            for d in c.get('diffs') or []:
                kind = d['where'].split('(')[-1].rstrip(')') if '(' in d['where'] else d['where']
                item, why = d['item'], d['justified']
                if why and why.startswith('the feedback of '):
                    # One line for all of a one-sided codec's rtcp-fb values.
                    item = item.split(': ')[0] + ': (its rtcp-fb)'
                key = (kind, d['field'], d['side'], item, why)
                if name not in seen.get(key, []):
                    seen.setdefault(key, []).append(name)
    if not seen:
        return
    print("differences between rtcpc's offers and the browser's own offers for the same tracks "
          '(informational; payload type numbers are not compared: each offerer picks its own, '
          'RFC 3264 5.1):')
    for (kind, field, side, item, why), names in seen.items():
        print('  %-11s %-8s %-12s %s\n      %s (%d scenario%s)' % (
            kind, field, side, item, 'JUSTIFIED: ' + why if why else 'UNEXPLAINED',
            len(names), '' if len(names) == 1 else 's'))


def print_summary(browser, outcomes, compare_report):
    columns, names, note = summary_columns(browser, outcomes, compare_report)
    w = max(len(n) for n in names + ['scenario'])
    print('summary%s; offer diffs = differences from the browser\'s own offer '
          '(unexplained/total, informational)' % note)
    head = '%-*s | %-8s | %-8s | %-14s | %-14s' % (w, 'scenario', 'chromium', 'firefox',
                                                   'offer diffs chr', 'offer diffs ff')
    print(head)
    print('-' * len(head))
    for n in names:
        cells = [columns.get(b, {}).get(n) for b in ('chromium', 'firefox')]

        def diffs(res):
            if not res or not res.get('comparisons'):
                return '-'
            ds = [d for c in res['comparisons'] for d in c.get('diffs') or []]
            return '%d/%d' % (sum(1 for d in ds if not d.get('justified')), len(ds))
        print('%-*s | %-8s | %-8s | %-14s | %-14s' % (
            w, n, cells[0]['outcome'] if cells[0] else '-', cells[1]['outcome'] if cells[1] else '-',
            diffs(cells[0]), diffs(cells[1])))


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--browser', choices=['chromium', 'firefox'], required=True)
    ap.add_argument('--library', required=True, help='librtcpc.so')
    ap.add_argument('--timeout', type=float, default=240, help='for the whole run, seconds')
    ap.add_argument('--scenario', action='append', choices=list(SCENARIOS),
                    help='run only these (repeatable; default all)')
    ap.add_argument('--report', help='write full results as JSON here')
    ap.add_argument('--compare-report', help="the other browser's --report, for the summary table")
    ap.add_argument('--verbose', action='store_true',
                    help="list every difference from the browser's own offer per scenario")
    args = ap.parse_args()
    args.library = os.path.abspath(args.library)
    if not os.path.isfile(args.library):
        sys.exit('library not found: %s' % args.library)
    names = args.scenario or list(SCENARIOS)

    start = time.monotonic()
    rpc = PageRPC()
    server, url = serve(make_handler(rpc))
    tmp, cmd, version = launch_plan(args.browser, url, 'rtcpc-offer-')
    print('library: %s' % args.library)
    print('url: %s' % url, flush=True)

    outcomes = collections.OrderedDict()
    harness_errors = []
    log_path = os.path.join(tmp, 'browser.log')
    with open(log_path, 'wb') as logf:
        proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + args.timeout
        done = threading.Event()

        def drive():
            try:
                if not rpc.hello.wait(max(1, deadline - time.monotonic())):
                    harness_errors.append('the page never connected')
                    return
                for name in names:
                    if time.monotonic() > deadline:
                        rpc.stuck = rpc.stuck or 'the run timed out (--timeout %g s)' % args.timeout
                    print('running %s' % name, flush=True)
                    outcomes[name] = run_scenario(name, args.browser, rpc, args.library)
            finally:
                rpc.finish()
                done.set()
        driver = threading.Thread(target=drive, daemon=True)
        driver.start()
        try:
            while not done.wait(0.5):
                if proc.poll() is not None:
                    harness_errors.append('the browser exited early with code %s' % proc.returncode)
                    rpc.stuck = 'the browser exited'
                    break
                if time.monotonic() > deadline + CALL_TIMEOUT:
                    harness_errors.append('timeout after %g s' % args.timeout)
                    rpc.stuck = 'timeout'
                    break
            driver.join(CALL_TIMEOUT + 25)
            time.sleep(0.5)        # the page fetches its 'done'
        finally:
            kill_group(proc)
            server.shutdown()
            server.server_close()
    with open(log_path, errors='replace') as f:
        browser_log = f.read()
    shutil.rmtree(tmp, ignore_errors=True)
    if rpc.fatal:
        harness_errors.append('page error: %(name)s: %(message)s' % rpc.fatal)
    for name in names:
        if name not in outcomes:
            outcomes[name] = {'scenario': name, 'outcome': 'FAIL', 'errors': ['did not run'],
                              'skip': None, 'notes': [], 'steps': [], 'comparisons': [],
                              'repros': []}
    print('userAgent: %s' % rpc.user_agent)
    print()
    for res in outcomes.values():
        print_result(res, args.verbose)
    print()
    print_offer_differences(outcomes)
    for e in harness_errors:
        print('FAIL harness: ' + e)
    if harness_errors:
        print('--- browser log (tail) ---')
        print(browser_log[-4000:])
    elapsed = time.monotonic() - start
    print()
    print_summary(args.browser, outcomes, args.compare_report)
    print('elapsed: %.1f s' % elapsed)
    passed = sum(1 for r in outcomes.values() if r['outcome'] == 'PASS')
    failed = sum(1 for r in outcomes.values() if r['outcome'] == 'FAIL')
    skipped = [n for n, r in outcomes.items() if r['outcome'] == 'SKIP']
    if args.report:
        with open(args.report, 'w') as f:
            json.dump({'browser': args.browser, 'browser_version': version,
                       'user_agent': rpc.user_agent, 'library': args.library,
                       'elapsed_s': round(elapsed, 1), 'passed': passed, 'failed': failed,
                       'skipped': skipped, 'harness_errors': harness_errors,
                       'scenarios': outcomes}, f, indent=2)
    return final_line(passed, failed, skipped, harness_errors)


if __name__ == '__main__':
    sys.exit(main())
