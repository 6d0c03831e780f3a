#!/usr/bin/env python3
"""rtcpc against a native WebRTC stack from PyPI: aiortc (tests/native/README.md).

Both directions, SDP only (no ICE connection, no network beyond the local
host candidates aiortc gathers on setLocalDescription; iceServers is empty):

  offer:  rtcpc createOffer + SLD(offer); aiortc SRD(offer), tracks,
          createAnswer, SLD(answer); rtcpc SRD(answer) and rtc_pc_negotiation
          is checked against aiortc's answer and aiortc's transceivers.
  answer: aiortc createOffer + SLD(offer) with its tracks / data channel;
          rtcpc SRD(offer), tracks, createAnswer, SLD(answer); aiortc
          SRD(answer); aiortc's transceivers are checked against rtcpc's report.

    python3 tests/native/aiortc_test.py --library target/release/librtcpc.so [-v]

A missing aiortc fails (exit 1), it never skips. The last line is
"N passed, N failed"; a failure prints the offer, the answer and the error.
"""

import argparse
import asyncio
import faulthandler
import logging
import os
import sys
import traceback

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PINNED = '1.16.0'        # tests/native/requirements.txt

REVERSE = {'sendrecv': 'sendrecv', 'sendonly': 'recvonly', 'recvonly': 'sendonly',
           'inactive': 'inactive'}
DIRECTIONS = ('sendrecv', 'sendonly', 'recvonly', 'inactive')


# ------------------------------------------------------------------ SDP reading (the test's own)

def parse_sdp(text):
    """{'bundle': [mids], 'session': {attrs}, 'media': [section]} from SDP text."""
    lines = [ln.rstrip('\r') for ln in text.split('\n') if ln.strip()]
    session = {'attrs': []}
    media = []
    cur = session
    for ln in lines:
        if ln.startswith('m='):
            kind, port, proto, *fmts = ln[2:].split()
            cur = {'kind': kind, 'port': int(port), 'protocol': proto, 'fmts': fmts,
                   'attrs': []}
            media.append(cur)
        elif ln.startswith('a='):
            name, _, value = ln[2:].partition(':')
            cur['attrs'].append((name, value))
    bundle = []
    for name, value in session['attrs']:
        if name == 'group' and value.split()[0] == 'BUNDLE':
            bundle = value.split()[1:]
    return {'bundle': bundle, 'session': _section(session, None),
            'media': [_section(m, session) for m in media]}


def _attr(sec, name):
    return [v for n, v in sec['attrs'] if n == name]


def _section(m, session):
    def inherited(name):
        vals = _attr(m, name)
        if not vals and session is not None:
            vals = _attr(session, name)
        return vals

    rtpmap = []
    for v in _attr(m, 'rtpmap'):
        pt, enc = v.split(None, 1)
        parts = enc.split('/')
        rtpmap.append((int(pt), parts[0], int(parts[1]), int(parts[2]) if len(parts) > 2 else 0))
    fmtp = {}
    for v in _attr(m, 'fmtp'):
        pt, _, params = v.partition(' ')
        fmtp[int(pt)] = params.strip()
    fb = {}
    for v in _attr(m, 'rtcp-fb'):
        pt, _, value = v.partition(' ')
        fb.setdefault(pt, []).append(value.strip())
    direction = None
    for n, _ in m['attrs']:
        if n in DIRECTIONS:
            direction = n
    ssrcs = []
    for v in _attr(m, 'ssrc'):
        s = int(v.split()[0])
        if s not in ssrcs:
            ssrcs.append(s)
    setup = inherited('setup')
    ufrag, pwd = inherited('ice-ufrag'), inherited('ice-pwd')
    sctp_port = _attr(m, 'sctp-port')
    mms = _attr(m, 'max-message-size')
    mid = _attr(m, 'mid')
    return {
        'kind': m.get('kind'), 'port': m.get('port'), 'protocol': m.get('protocol'),
        'mid': mid[0] if mid else None, 'direction': direction or 'sendrecv',
        'rtpmap': rtpmap, 'fmtp': fmtp, 'rtcp_fb': fb,
        'extmap': [(int(v.split()[0].split('/')[0]), v.split()[1]) for v in _attr(m, 'extmap')],
        'setup': setup[0] if setup else None,
        'ice_ufrag': ufrag[0] if ufrag else None, 'ice_pwd': pwd[0] if pwd else None,
        'fingerprints': [' '.join(v.split()) for v in inherited('fingerprint')],
        'candidates': ['candidate:' + v for v in _attr(m, 'candidate')],
        'ssrcs': ssrcs,
        'ssrc_groups': [(v.split()[0], [int(x) for x in v.split()[1:]])
                        for v in _attr(m, 'ssrc-group')],
        'msid': _attr(m, 'msid')[0].split() if _attr(m, 'msid') else None,
        'sctp_port': int(sctp_port[0]) if sctp_port else 0,
        'max_message_size': int(mms[0]) if mms else None,
    }


def fmtp_set(s):
    return sorted(p.strip() for p in (s or '').split(';') if p.strip())


def codec_tuples(sec):
    return [(pt, name, clock, ch) for pt, name, clock, ch in sec['rtpmap']]


def aiortc_codecs(transceiver):
    return [(c.payloadType, c.mimeType.split('/', 1)[1], c.clockRate)
            for c in transceiver._codecs]


# ------------------------------------------------------------------ scenarios
#
# rtcpc: what rtcpc adds before createOffer (forward) / after SRD(offer)
#   (reverse): ('track', kind) or ('transceiver', kind, direction).
# aiortc: tracks ('audio'/'video') aiortc adds; 'data': a data channel.
# expect: per m-section (kind, rtcpc's negotiated direction), offer order.

OFFER_SCENARIOS = [
    {'name': 'audio+video sendrecv',
     'rtcpc': [('track', 'audio'), ('track', 'video')], 'data': False,
     'aiortc': ['audio', 'video'],
     'expect': [('audio', 'sendrecv'), ('video', 'sendrecv')]},
    {'name': 'audio only, recvonly from rtcpc',
     'rtcpc': [('transceiver', 'audio', 'recvonly')], 'data': False,
     'aiortc': ['audio'],
     'expect': [('audio', 'recvonly')]},
    {'name': 'video sendrecv, aiortc without a track',
     'rtcpc': [('track', 'video')], 'data': False,
     'aiortc': [],
     'expect': [('video', 'sendonly')]},
    {'name': 'two audio (the second bundle-only)',
     'rtcpc': [('track', 'audio'), ('track', 'audio')], 'data': False,
     'aiortc': ['audio', 'audio'],
     'expect': [('audio', 'sendrecv'), ('audio', 'sendrecv')]},
    {'name': 'data channel only',
     'rtcpc': [], 'data': True, 'aiortc': [],
     'expect': [('application', None)]},
    {'name': 'audio+video+data',
     'rtcpc': [('track', 'audio'), ('track', 'video')], 'data': True,
     'aiortc': ['audio', 'video'],
     'expect': [('audio', 'sendrecv'), ('video', 'sendrecv'), ('application', None)]},
]

ANSWER_SCENARIOS = [
    {'name': 'audio+video sendrecv',
     'aiortc': ['audio', 'video'], 'rtcpc': [('track', 'audio'), ('track', 'video')],
     'expect': [('audio', 'sendrecv'), ('video', 'sendrecv')]},
    {'name': 'audio only, recvonly from rtcpc',
     'aiortc': ['audio'], 'rtcpc': [],
     'expect': [('audio', 'recvonly')]},
    {'name': 'two audio',
     'aiortc': ['audio', 'audio'], 'rtcpc': [('track', 'audio'), ('track', 'audio')],
     'expect': [('audio', 'sendrecv'), ('audio', 'sendrecv')]},
    {'name': 'data channel only',
     'aiortc': ['data'], 'rtcpc': [],
     'expect': [('application', None)]},
    {'name': 'audio+video+data',
     'aiortc': ['audio', 'video', 'data'], 'rtcpc': [('track', 'audio'), ('track', 'video')],
     'expect': [('audio', 'sendrecv'), ('video', 'sendrecv'), ('application', None)]},
]


class Check:
    def __init__(self):
        self.failures = []
        self.count = 0

    def eq(self, what, got, want):
        self.count += 1
        if got != want:
            self.failures.append('%s: got %r, want %r' % (what, got, want))

    def true(self, what, cond, detail=''):
        self.count += 1
        if not cond:
            self.failures.append('%s%s' % (what, (': ' + detail) if detail else ''))


class Stage(Exception):
    """A step failed: which step, and the error it gave."""


async def step(what, coro, timeout):
    try:
        return await asyncio.wait_for(coro, timeout)
    except asyncio.TimeoutError:
        raise Stage('%s: timed out after %ss' % (what, timeout)) from None
    except Exception as e:  # noqa: BLE001 - aiortc raises various errors
        raise Stage('%s: %s: %s' % (what, type(e).__name__, e)) from e


def rtc_step(what, fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except Exception as e:  # noqa: BLE001 - RtcError / ContractViolation
        raise Stage('%s: %s' % (what, e)) from e


def make_track(kind):
    from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
    # AudioStreamTrack gives silence, VideoStreamTrack blank frames; none is
    # ever sent (no connection is made).
    return AudioStreamTrack() if kind == 'audio' else VideoStreamTrack()


def aiortc_transport_of(apc, sec_kind, mid):
    """(dtls transport, transceiver or None) of aiortc's m-section with `mid`."""
    if sec_kind == 'application':
        return (apc.sctp.transport if apc.sctp else None), None
    for t in apc.getTransceivers():
        if t.mid == mid:
            return t.receiver.transport, t
    return None, None


# ------------------------------------------------------------------ common checks

def check_negotiation(chk, neg, scenario, offer, answer, rtc_trs, apc, rtcpc_offers):
    """neg: rtcpc's rtc_pc_negotiation; offer/answer: parsed SDP, one of them
    rtcpc's own (the offer when rtcpc_offers)."""
    local, remote = (offer, answer) if rtcpc_offers else (answer, offer)
    chk.true('rtcpc has a negotiation', neg is not None)
    if neg is None:
        return
    secs = neg['sections']
    chk.eq('section count (= offered m-lines)', len(secs), len(offer['media']))
    chk.eq('answer m-lines', len(answer['media']), len(offer['media']))
    chk.eq('m-sections (kinds)', [s['media'] for s in secs], [k for k, _ in scenario['expect']])
    # DTLS/ICE roles: complementary.
    answer_setup = {m['setup'] for m in answer['media']}
    chk.eq('answer a=setup', len(answer_setup), 1)
    setup = next(iter(answer_setup)) if answer_setup else None
    if rtcpc_offers:
        want_dtls = {'active': 'server', 'passive': 'client'}.get(setup, 'invalid a=setup %r'
                                                                  % setup)
        want_ice = 'controlling'
    else:
        want_dtls = {'active': 'client', 'passive': 'server'}.get(setup, 'invalid a=setup %r'
                                                                  % setup)
        want_ice = 'controlled'
    chk.eq('rtcpc dtls_role (answer a=setup:%s)' % setup, neg['dtls_role'], want_dtls)
    chk.eq('rtcpc ice_role', neg['ice_role'], want_ice)
    by_mid = {t['mid']: t for t in rtc_trs if t['mid']}
    bundle = answer['bundle']

    for i, (kind, want_dir) in enumerate(scenario['expect']):
        if i >= len(secs) or i >= len(answer['media']):
            break
        s, a, o = secs[i], answer['media'][i], offer['media'][i]
        loc, rem = local['media'][i], remote['media'][i]
        tag = 'm%d %s' % (i, kind)
        chk.eq(tag + ' index', s['index'], i)
        chk.eq(tag + ' mid (offer)', s['mid'], o['mid'])
        chk.eq(tag + ' mid (answer)', a['mid'], o['mid'])
        chk.eq(tag + ' protocol', s['protocol'], o['protocol'])
        chk.true(tag + ' accepted by rtcpc\'s report', s['accepted'], 'reason %r' % s['reason'])
        chk.true(tag + ' answer port non-zero', a['port'] != 0)
        chk.eq(tag + ' section dtls_role', s['dtls_role'], want_dtls)
        chk.eq(tag + ' section ice_role', s['ice_role'], want_ice)
        # Transport: remote_* are the peer's, local_* rtcpc's own description's.
        chk.eq(tag + ' remote_ice_ufrag', s['remote_ice_ufrag'], rem['ice_ufrag'])
        chk.eq(tag + ' remote_ice_pwd', s['remote_ice_pwd'], rem['ice_pwd'])
        chk.eq(tag + ' remote_fingerprints', s['remote_fingerprints'], rem['fingerprints'])
        owner = s['transport_index']
        if owner == i:
            chk.eq(tag + ' remote_candidates', sorted(s['remote_candidates']),
                   sorted(rem['candidates']))
        chk.eq(tag + ' local_ice_ufrag', s['local_ice_ufrag'], loc['ice_ufrag'])
        chk.eq(tag + ' local_fingerprints', s['local_fingerprints'], loc['fingerprints'])
        chk.eq(tag + ' bundled', s['bundled'], a['mid'] in bundle)
        if a['mid'] in bundle and bundle:
            chk.eq(tag + ' transport_index (BUNDLE tag %s)' % bundle[0], owner,
                   [m['mid'] for m in offer['media']].index(bundle[0]))
        # aiortc uses the transport rtcpc says (the bundle's).
        if owner < len(secs):
            mine, _ = aiortc_transport_of(apc, kind, a['mid'])
            theirs, _ = aiortc_transport_of(apc, secs[owner]['media'], secs[owner]['mid'])
            chk.true(tag + ' aiortc uses the transport of m%d' % owner,
                     mine is not None and mine is theirs)
        dtls, tr = aiortc_transport_of(apc, kind, a['mid'])
        if dtls is not None:
            want_peer = {'server': 'client', 'client': 'server'}[neg['dtls_role']] \
                if neg['dtls_role'] in ('server', 'client') else None
            chk.eq(tag + ' aiortc DTLS role (complement of rtcpc %s)' % neg['dtls_role'],
                   dtls._role, want_peer)
            peer_ice = {'controlling': 'controlled', 'controlled': 'controlling'}[want_ice]
            chk.eq(tag + ' aiortc ICE role', dtls.transport.role, peer_ice)
        else:
            chk.true(tag + ' aiortc has a transport for mid %s' % a['mid'], False)

        if kind == 'application':
            chk.eq(tag + ' codecs', s['codecs'], [])
            chk.eq(tag + ' sctp_port (peer\'s a=sctp-port)', s['sctp_port'], rem['sctp_port'])
            chk.eq(tag + ' max_message_size', s['max_message_size'],
                   rem['max_message_size'] if rem['max_message_size'] is not None else 65536)
            chk.eq(tag + ' local_sctp_port', s['local_sctp_port'], loc['sctp_port'])
            chk.true(tag + ' aiortc has an SCTP transport', apc.sctp is not None)
            continue

        # Direction: rtcpc's currentDirection; aiortc's is its reverse.
        answer_dir = a['direction']
        rtc_dir = REVERSE[answer_dir] if rtcpc_offers else answer_dir
        chk.eq(tag + ' rtcpc direction (answer a=%s)' % answer_dir, s['direction'], rtc_dir)
        chk.eq(tag + ' rtcpc direction (scenario)', s['direction'], want_dir)
        t = by_mid.get(o['mid'])
        chk.true(tag + ' rtcpc transceiver with mid %s' % o['mid'], t is not None)
        if t:
            chk.eq(tag + ' rtcpc transceiver current_direction', t['current_direction'],
                   s['direction'])
        chk.true(tag + ' aiortc transceiver with mid %s' % o['mid'], tr is not None)
        if tr is not None:
            chk.eq(tag + ' aiortc currentDirection (reverse of rtcpc %s)' % s['direction'],
                   tr.currentDirection, REVERSE.get(s['direction']))
            chk.eq(tag + ' aiortc kind', tr.kind, kind)
        # Codecs: the answer's, with the answer's payload types.
        got = [(c['payload_type'], c['name'], c['clock_rate'], c['channels'])
               for c in s['codecs']]
        chk.eq(tag + ' codecs (the answer\'s a=rtpmap)', got, codec_tuples(a))
        chk.true(tag + ' at least one codec', len(got) > 0)
        if tr is not None:
            chk.eq(tag + ' codecs (aiortc transceiver._codecs)',
                   [g[:3] for g in got], aiortc_codecs(tr))
        for c in s['codecs']:
            pt = c['payload_type']
            ctag = '%s pt %d %s' % (tag, pt, c['name'])
            chk.eq(ctag + ' fmtp (rtcpc\'s own description)', fmtp_set(c['fmtp']),
                   fmtp_set(loc['fmtp'].get(pt)))
            chk.eq(ctag + ' remote_fmtp (the peer\'s)', fmtp_set(c['remote_fmtp']),
                   fmtp_set(rem['fmtp'].get(pt)))
            chk.eq(ctag + ' rtcp_feedback (the answer\'s)', sorted(c['rtcp_feedback']),
                   sorted(a['rtcp_fb'].get(str(pt), []) + a['rtcp_fb'].get('*', [])))
            if c['name'].lower() == 'rtx':
                apt = dict(p.split('=', 1) for p in fmtp_set(a['fmtp'].get(pt)) if '=' in p)
                chk.eq(ctag + ' associated_payload_type', c['associated_payload_type'],
                       int(apt.get('apt', -1)))
        chk.eq(tag + ' extensions (the answer\'s a=extmap)',
               sorted((e['id'], e['uri']) for e in s['extensions']), sorted(a['extmap']))
        # SSRCs / msid: remote_* the peer's.
        chk.eq(tag + ' remote_ssrcs', sorted(s['remote_ssrcs']), sorted(rem['ssrcs']))
        chk.eq(tag + ' remote_ssrc_groups',
               [(g['semantics'], g['ssrcs']) for g in s['remote_ssrc_groups']],
               rem['ssrc_groups'])
        if rem['msid']:
            chk.eq(tag + ' remote msid', [s['remote_msid_stream'], s['remote_msid_track']],
                   rem['msid'][:2])
        if s['direction'] in ('sendrecv', 'sendonly'):
            chk.eq(tag + ' local_ssrcs', sorted(s['local_ssrcs']), sorted(loc['ssrcs']))
            chk.true(tag + ' local_ssrcs present when sending', len(s['local_ssrcs']) > 0)


# ------------------------------------------------------------------ the two directions

def check_exchange(pc, apc, scenario, offer_sdp, answer_sdp, rtcpc_offers, log):
    """After the answer is applied on both ends: both stable, and what
    rtcpc negotiated checked against the two descriptions. The failures."""
    chk = Check()
    chk.eq('aiortc signalingState', apc.signalingState, 'stable')
    chk.eq('rtcpc signaling state', pc.signaling_state(), 'stable')
    neg = pc.negotiation()
    log['negotiation'] = neg
    check_negotiation(chk, neg, scenario, parse_sdp(offer_sdp), parse_sdp(answer_sdp),
                      pc.transceivers(), apc, rtcpc_offers)
    log['checks'] = chk.count
    return chk.failures


async def rtcpc_offers(R, lib, sc, args, log):
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    T = args.step_timeout
    pc = R.PeerConnection(lib)
    apc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        for n, item in enumerate(sc['rtcpc']):
            if item[0] == 'track':
                rtc_step('rtcpc addTrack(%s)' % item[1], pc.add_track, item[1],
                         'rtcpc-%s-%d' % (item[1], n), 'rtcpc-stream')
            else:
                rtc_step('rtcpc addTransceiver(%s, %s)' % item[1:], pc.add_transceiver,
                         item[1], item[2])
        if sc['data']:
            rtc_step('rtcpc requestDataChannels', pc.request_data_channels)
        offer = rtc_step('rtcpc createOffer', pc.create_offer)
        log['offer'] = offer
        rtc_step('rtcpc setLocalDescription(offer)', pc.set_local_description, 'offer', '')

        await step('aiortc setRemoteDescription(offer)',
                   apc.setRemoteDescription(RTCSessionDescription(offer, 'offer')), T)
        for kind in sc['aiortc']:
            apc.addTrack(make_track(kind))
        answer = await step('aiortc createAnswer', apc.createAnswer(), T)
        await step('aiortc setLocalDescription(answer)', apc.setLocalDescription(answer), T)
        answer_sdp = apc.localDescription.sdp       # with the gathered candidates
        log['answer'] = answer_sdp

        rtc_step('rtcpc setRemoteDescription(answer from aiortc)', pc.set_remote_description,
                 'answer', answer_sdp)
        return check_exchange(pc, apc, sc, offer, answer_sdp, True, log)
    finally:
        await step('aiortc close', apc.close(), T)
        pc.close()
        pc.free()


async def rtcpc_answers(R, lib, sc, args, log):
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    T = args.step_timeout
    pc = R.PeerConnection(lib)
    apc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        for kind in sc['aiortc']:
            if kind == 'data':
                apc.createDataChannel('chat')
            else:
                apc.addTrack(make_track(kind))
        offer = await step('aiortc createOffer', apc.createOffer(), T)
        await step('aiortc setLocalDescription(offer)', apc.setLocalDescription(offer), T)
        offer_sdp = apc.localDescription.sdp
        log['offer'] = offer_sdp

        rtc_step('rtcpc setRemoteDescription(offer from aiortc)', pc.set_remote_description,
                 'offer', offer_sdp)
        for n, item in enumerate(sc['rtcpc']):
            rtc_step('rtcpc addTrack(%s)' % item[1], pc.add_track, item[1],
                     'rtcpc-%s-%d' % (item[1], n), 'rtcpc-stream')
        answer = rtc_step('rtcpc createAnswer', pc.create_answer)
        log['answer'] = answer
        rtc_step('rtcpc setLocalDescription(answer)', pc.set_local_description, 'answer', '')

        await step('aiortc setRemoteDescription(answer from rtcpc)',
                   apc.setRemoteDescription(RTCSessionDescription(answer, 'answer')), T)
        return check_exchange(pc, apc, sc, offer_sdp, answer, False, log)
    finally:
        await step('aiortc close', apc.close(), T)
        pc.close()
        pc.free()


def dump(log, out):
    for key in ('offer', 'answer'):
        if log.get(key):
            out.write('----- %s\n%s\n' % (key, log[key].replace('\r\n', '\n').rstrip()))
    out.write('-----\n')


async def run_all(R, lib, args):
    results = []
    runs = [('rtcpc offers, aiortc answers', rtcpc_offers, sc) for sc in OFFER_SCENARIOS]
    runs += [('aiortc offers, rtcpc answers', rtcpc_answers, sc) for sc in ANSWER_SCENARIOS]
    for direction, fn, sc in runs:
        name = '%s: %s' % (direction, sc['name'])
        if args.only and args.only.lower() not in name.lower():
            continue
        log = {}
        try:
            failures = await asyncio.wait_for(fn(R, lib, sc, args, log), args.scenario_timeout)
        except asyncio.TimeoutError:
            failures = ['scenario timed out after %ss' % args.scenario_timeout]
        except Stage as e:
            failures = [str(e)]
        except Exception:  # noqa: BLE001 - report, go on with the next scenario
            failures = ['unexpected error:\n' + traceback.format_exc()]
        ok = not failures
        results.append((name, ok))
        print('%s  %s (%d checks)' % ('PASS' if ok else 'FAIL', name, log.get('checks', 0)),
              flush=True)
        for f in failures:
            print('      ' + f)
        if not ok or args.verbose:
            dump(log, sys.stdout)
        sys.stdout.flush()
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--library', default=os.path.join(ROOT, 'target', 'release', 'librtcpc.so'))
    ap.add_argument('--step-timeout', type=float, default=30.0,
                    help='seconds for one aiortc call (default 30)')
    ap.add_argument('--scenario-timeout', type=float, default=60.0,
                    help='seconds for one scenario (default 60)')
    ap.add_argument('--timeout', type=float, default=270.0,
                    help='seconds for the whole run; then exit 1 with the tracebacks')
    ap.add_argument('--only', help='run the scenarios whose name contains this')
    ap.add_argument('-v', '--verbose', action='store_true', help='print every offer and answer')
    args = ap.parse_args()
    faulthandler.dump_traceback_later(args.timeout, exit=True)   # a hang in a C call too

    try:
        import aiortc
    except ImportError as e:
        print('FAIL: aiortc is not installed (%s). Install it with:\n'
              '  %s -m pip install -r %s'
              % (e, sys.executable, os.path.join(HERE, 'requirements.txt')))
        print('0 passed, 1 failed')
        return 1
    version = getattr(aiortc, '__version__', '?')
    print('aiortc %s (%s)%s' % (version, os.path.dirname(aiortc.__file__),
                                '' if version == PINNED else
                                ' -- note: tests/native/requirements.txt pins %s' % PINNED))
    logging.basicConfig(level=logging.ERROR)
    for name in ('aiortc', 'aioice'):
        logging.getLogger(name).setLevel(logging.CRITICAL)   # ICE never connects here

    if not os.path.exists(args.library):
        print('FAIL: no rtcpc library at %s (cargo build --release)' % args.library)
        print('0 passed, 1 failed')
        return 1
    sys.path.insert(0, os.path.join(ROOT, 'tests', 'browser'))
    import rtcpc_ctypes as R
    lib = R.load(args.library)

    results = asyncio.run(run_all(R, lib, args))
    passed = sum(1 for _, ok in results if ok)
    failed = len(results) - passed
    if not results:
        print('FAIL: no scenario matched --only %r' % args.only)
        failed = 1
    print('%d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
