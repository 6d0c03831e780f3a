"""What the native-stack tests share (tests/native/README.md).

aiortc_test.py, webrtcbin_test.py and werift_test.py exchange SDP between
rtcpc (through tests/browser/rtcpc_ctypes.py) and another WebRTC stack, and
check what rtcpc negotiated against the two descriptions and against what the
other stack reports about itself. This module has the test's own SDP reading,
the checks, and the multi-round scenarios webrtcbin and werift run through a
synchronous `Peer` adapter (aiortc, asynchronous, keeps its own scenarios and
uses the checks).

The other stack's own report after an exchange, a "peer view" (a dict):

    {'name': 'werift',
     'transceivers': {mid: {'kind', 'current_direction', 'stopped',
                            'codecs': [(pt, name, clock rate)]}},
     'transports': {mid: {'id', 'dtls_role', 'ice_role'}},   # every m-section
     'sctp': bool,                                             # an SCTP transport
     'unknown': {check: why}}   # what this stack does not tell: not checked

`current_direction`: 'sendrecv'.. 'inactive', 'stopped' or None (never
negotiated); `transports[mid]['id']`: the same value for m-sections on the same
transport; roles 'client'/'server' and 'controlling'/'controlled'.
"""

import os
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

REVERSE = {'sendrecv': 'sendrecv', 'sendonly': 'recvonly', 'recvonly': 'sendonly',
           'inactive': 'inactive', 'stopped': 'stopped'}
DIRECTIONS = ('sendrecv', 'sendonly', 'recvonly', 'inactive')
OTHER_DTLS = {'server': 'client', 'client': 'server'}
OTHER_ICE = {'controlling': 'controlled', 'controlled': 'controlling'}


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
        'bundle_only': bool(_attr(m, 'bundle-only')),
    }


def fmtp_set(s):
    return sorted(p.strip() for p in (s or '').split(';') if p.strip())


def codec_tuples(sec):
    return [(pt, name, clock, ch) for pt, name, clock, ch in sec['rtpmap']]


def creds(desc, mid):
    """(ice-ufrag, ice-pwd) of the m-section with `mid` in a parsed description, or None."""
    for m in desc['media'] if desc else []:
        if m['mid'] == mid:
            return (m['ice_ufrag'], m['ice_pwd'])
    return None


# ------------------------------------------------------------------ checks and steps

class Check:
    def __init__(self):
        self.failures = []
        self.notes = []
        self.count = 0

    def eq(self, what, got, want):
        self.count += 1
        if got != want:
            self.failures.append('%s: got %r, want %r' % (what, got, want))

    def true(self, what, cond, detail=''):
        self.count += 1
        if not cond:
            self.failures.append('%s%s' % (what, (': ' + detail) if detail else ''))

    def note(self, text):
        """What the peer does that libwebrtc tolerates: printed, not a failure."""
        if text not in self.notes:
            self.notes.append(text)


class Stage(Exception):
    """A step failed: which step, and the error it gave."""


def rtc_step(what, fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except Exception as e:  # noqa: BLE001 - RtcError / ContractViolation
        raise Stage('%s: %s' % (what, e)) from e


# ------------------------------------------------------------------ common checks

def check_negotiation(chk, neg, expect, offer, answer, rtc_trs, peer, rtcpc_offers,
                      prev_offerer=None, prev_answerer=None, rtcpc_controlling=None):
    """neg: rtcpc's rtc_pc_negotiation; offer/answer: parsed SDP, one of them
    rtcpc's own (the offer when rtcpc_offers); expect: per m-section (kind,
    rtcpc's direction), None for data, 'stopped' for a rejected m-section;
    peer: the peer view (module doc). prev_offerer/prev_answerer: the parsed
    description each side had before this exchange (None on the first): an
    ICE restart is an offer whose credentials differ from its previous ones.
    rtcpc_controlling: whether rtcpc's ICE agent is controlling (None: it is
    when it offers; RFC 8445 6.1.1: the first exchange's offerer controls, for
    the whole ICE session, so a later exchange passes what the first gave)."""
    local, remote = (offer, answer) if rtcpc_offers else (answer, offer)
    pname = peer['name']
    unknown = peer.get('unknown', {})
    chk.true('rtcpc has a negotiation', neg is not None)
    if neg is None:
        return
    secs = neg['sections']
    chk.eq('section count (= offered m-lines)', len(secs), len(offer['media']))
    chk.eq('answer m-lines', len(answer['media']), len(offer['media']))
    chk.eq('m-sections (kinds)', [s['media'] for s in secs], [k for k, _ in expect])
    live = [i for i, (_, d) in enumerate(expect) if d != 'stopped']
    # DTLS/ICE roles: complementary.
    answer_setup = {answer['media'][i]['setup'] for i in live if i < len(answer['media'])}
    chk.eq('answer a=setup', len(answer_setup), 1)
    setup = next(iter(answer_setup)) if answer_setup else None
    if rtcpc_offers:
        want_dtls = {'active': 'server', 'passive': 'client'}.get(setup, 'invalid a=setup %r'
                                                                  % setup)
    else:
        want_dtls = {'active': 'client', 'passive': 'server'}.get(setup, 'invalid a=setup %r'
                                                                  % setup)
    if rtcpc_controlling is None:
        rtcpc_controlling = rtcpc_offers
    want_ice = 'controlling' if rtcpc_controlling else 'controlled'
    chk.eq('rtcpc dtls_role (answer a=setup:%s)' % setup, neg['dtls_role'], want_dtls)
    chk.eq('rtcpc ice_role', neg['ice_role'], want_ice)
    by_mid = {t['mid']: t for t in rtc_trs if t['mid']}
    bundle = answer['bundle']
    offer_mids = [m['mid'] for m in offer['media']]
    transports = peer.get('transports', {})
    transceivers = peer.get('transceivers', {})

    for i, (kind, want_dir) in enumerate(expect):
        if i >= len(secs) or i >= len(answer['media']):
            break
        s, a, o = secs[i], answer['media'][i], offer['media'][i]
        loc, rem = local['media'][i], remote['media'][i]
        tag = 'm%d %s' % (i, kind)
        chk.eq(tag + ' index', s['index'], i)
        chk.eq(tag + ' mid (offer)', s['mid'], o['mid'])
        chk.eq(tag + ' mid (answer)', a['mid'], o['mid'])
        chk.eq(tag + ' protocol', s['protocol'], o['protocol'])
        if want_dir == 'stopped':
            check_rejected(chk, tag, s, o, a, answer, by_mid, peer, rtcpc_offers)
            continue
        chk.true(tag + ' accepted by rtcpc\'s report', s['accepted'], 'reason %r' % s['reason'])
        chk.true(tag + ' offer port non-zero or bundle-only', o['port'] != 0 or o['bundle_only'])
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
        chk.eq(tag + ' local_ice_pwd', s['local_ice_pwd'], loc['ice_pwd'])
        chk.eq(tag + ' local_fingerprints', s['local_fingerprints'], loc['fingerprints'])
        chk.eq(tag + ' bundled', s['bundled'], a['mid'] in bundle)
        if a['mid'] in bundle and bundle:
            chk.eq(tag + ' transport_index (BUNDLE tag %s)' % bundle[0], owner,
                   offer_mids.index(bundle[0]) if bundle[0] in offer_mids else None)
        # ICE restart: the offer's credentials (on this section's transport)
        # against the offerer's previous ones.
        restarted = False
        if prev_offerer is not None and owner < len(offer['media']):
            before = creds(prev_offerer, offer_mids[owner])
            now = (offer['media'][owner]['ice_ufrag'], offer['media'][owner]['ice_pwd'])
            restarted = before is not None and before != now
            chk.eq(tag + ' ice_restarted (the offer %s its credentials)'
                   % ('changed' if restarted else 'kept'), s['ice_restarted'], restarted)
            a_before = creds(prev_answerer, offer_mids[owner])
            a_now = (answer['media'][owner]['ice_ufrag'], answer['media'][owner]['ice_pwd'])
            if a_before is not None:
                if not rtcpc_offers:
                    # rtcpc answers: new credentials exactly when the offer
                    # restarts ICE (RFC 9429 5.3.1, 5.2.1 for a re-offer).
                    chk.eq(tag + ' rtcpc\'s answer changed its ICE credentials (offer '
                           'restarted: %s)' % restarted, a_now != a_before, restarted)
                elif restarted and a_now == a_before:
                    chk.note('%s: %s answered an ICE restart with its old credentials '
                             '(libwebrtc accepts: only the offerer restarts)' % (tag, pname))
                elif not restarted and a_now != a_before:
                    chk.note('%s: %s answered with new ICE credentials to an offer that kept '
                             'its own' % (tag, pname))
        elif prev_offerer is None:
            chk.eq(tag + ' ice_restarted (first exchange)', s['ice_restarted'], False)
        # The peer uses the transport rtcpc says (the bundle's).
        mine = transports.get(a['mid'])
        if owner < len(secs):
            theirs = transports.get(secs[owner]['mid'])
            chk.true(tag + ' %s uses the transport of m%d' % (pname, owner),
                     mine is not None and theirs is not None and mine['id'] == theirs['id'])
        if mine is not None:
            want_peer = OTHER_DTLS.get(neg['dtls_role'])
            if 'dtls_role' not in unknown:
                chk.eq(tag + ' %s DTLS role (complement of rtcpc %s)' % (pname, neg['dtls_role']),
                       mine['dtls_role'], want_peer)
            if 'ice_role' not in unknown:
                if (mine['ice_role'] != OTHER_ICE[want_ice] and prev_offerer is not None
                        and not restarted):
                    # A re-offer without an ICE restart: RFC 8445 6.1.1 keeps
                    # the first exchange's roles (rtcpc and libwebrtc do); a
                    # peer taking its role from this exchange instead meets a
                    # role conflict that ICE repairs (7.3.1.1).
                    chk.note('%s takes the ICE role %s from this %s (rtcpc keeps %s, '
                             'RFC 8445 6.1.1; a role conflict, 7.3.1.1)'
                             % (pname, mine['ice_role'],
                                'answer' if rtcpc_offers else 're-offer', want_ice))
                else:
                    chk.eq(tag + ' %s ICE role' % pname, mine['ice_role'], OTHER_ICE[want_ice])
        else:
            chk.true(tag + ' %s has a transport for mid %s' % (pname, a['mid']), False)

        if kind == 'application':
            chk.eq(tag + ' codecs', s['codecs'], [])
            chk.eq(tag + ' sctp_port (peer\'s a=sctp-port)', s['sctp_port'], rem['sctp_port'])
            chk.eq(tag + ' max_message_size', s['max_message_size'],
                   rem['max_message_size'] if rem['max_message_size'] is not None else 65536)
            chk.eq(tag + ' local_sctp_port', s['local_sctp_port'], loc['sctp_port'])
            chk.true(tag + ' %s has an SCTP transport' % pname, peer.get('sctp'))
            continue

        # Direction: rtcpc's currentDirection; the peer's is its reverse.
        answer_dir = a['direction']
        rtc_dir = REVERSE[answer_dir] if rtcpc_offers else answer_dir
        chk.eq(tag + ' rtcpc direction (answer a=%s)' % answer_dir, s['direction'], rtc_dir)
        chk.eq(tag + ' rtcpc direction (scenario)', s['direction'], want_dir)
        t = by_mid.get(o['mid'])
        chk.true(tag + ' rtcpc transceiver with mid %s' % o['mid'], t is not None)
        if t:
            chk.eq(tag + ' rtcpc transceiver current_direction', t['current_direction'],
                   s['direction'])
        tr = transceivers.get(o['mid'])
        chk.true(tag + ' %s transceiver with mid %s' % (pname, o['mid']), tr is not None)
        if tr is not None:
            if 'current_direction' not in unknown:
                chk.eq(tag + ' %s currentDirection (reverse of rtcpc %s)' % (pname, s['direction']),
                       tr['current_direction'], REVERSE.get(s['direction']))
            chk.eq(tag + ' %s kind' % pname, tr['kind'], kind)
        # Codecs: the answer's, with the answer's payload types.
        # Encoding names compare without case (RFC 4855 3: "case-insensitive").
        got = [(c['payload_type'], c['name'].lower(), c['clock_rate'], c['channels'])
               for c in s['codecs']]
        chk.eq(tag + ' codecs (the answer\'s a=rtpmap)', got,
               [(pt, name.lower(), clock, ch) for pt, name, clock, ch in codec_tuples(a)])
        chk.true(tag + ' at least one codec', len(got) > 0)
        if tr is not None and 'codecs' not in unknown:
            chk.eq(tag + ' codecs (%s transceiver)' % pname,
                   [g[:3] for g in got], [(pt, name.lower(), clock)
                                          for pt, name, clock in tr['codecs']])
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


def check_rejected(chk, tag, s, o, a, answer, by_mid, peer, rtcpc_offers):
    """A stopped transceiver's m-section: port 0 in the offer and in rtcpc's
    answer (RFC 3264 8.2), rejected in rtcpc's report, its transceivers
    stopped on both sides, in no answer BUNDLE group rtcpc writes (RFC 8843
    7.3.3). A peer's answer that gives it a port or keeps it in the group is a
    note: rtcpc accepting that answer (and reporting the m-section rejected)
    or refusing it is rtcpc's policy (libwebrtc refuses the BUNDLE case)."""
    pname = peer['name']
    chk.eq(tag + ' offer port (stopped)', o['port'], 0)
    if rtcpc_offers and a['port'] != 0:
        chk.note('%s: %s answers the port-0 m-section with port %d (RFC 3264 8.2: 0)'
                 % (tag, pname, a['port']))
    else:
        chk.eq(tag + ' answer port (stopped)', a['port'], 0)
    chk.true(tag + ' rejected in rtcpc\'s report', not s['accepted'], 'reported accepted')
    chk.eq(tag + ' rtcpc direction (rejected)', s['direction'], 'stopped')
    chk.eq(tag + ' rtcpc codecs (rejected)', s['codecs'], [])
    chk.eq(tag + ' rtcpc bundled (rejected)', s['bundled'], False)
    t = by_mid.get(o['mid'])
    if t is not None:           # W3C removes a stopped transceiver; rtcpc may keep it
        chk.true(tag + ' rtcpc transceiver stopped', t['stopped'], repr(t))
        chk.eq(tag + ' rtcpc transceiver current_direction', t['current_direction'], 'stopped')
    if o['mid'] in answer['bundle']:
        if rtcpc_offers:
            chk.note('%s: %s\'s answer keeps the rejected mid %s in its BUNDLE group %s'
                     % (tag, pname, o['mid'], answer['bundle']))
        else:
            chk.true(tag + ' rtcpc\'s answer leaves the rejected mid out of BUNDLE', False,
                     'group %s' % answer['bundle'])
    tr = peer.get('transceivers', {}).get(o['mid'])
    if tr is not None:          # W3C: gone from getTransceivers(), or stopped
        stopped = tr['stopped'] or tr['current_direction'] == 'stopped'
        if 'stopped' in peer.get('unknown', {}):
            pass
        elif rtcpc_offers and not stopped:
            # The peer's own state after taking our port-0 m-line: W3C stops
            # its transceiver; werift 0.24 leaves it inactive.
            chk.note('%s: %s keeps its transceiver after the port-0 m-section (%s)'
                     % (tag, pname, tr['current_direction']))
        else:
            chk.true(tag + ' %s transceiver stopped' % pname, stopped, repr(tr))


# ------------------------------------------------------------------ multi-round scenarios
#
# webrtcbin_test.py and werift_test.py run these through a Peer (below). A
# scenario is a list of rounds on one pair of connections; each round is an
# offer/answer exchange and is checked on its own.
#
#   ('rtcpc-offers', {'stop': kind, 'ice_restart': bool})
#       rtcpc (first round: adds an audio and a video track and requests data
#       channels) optionally stops its live transceiver of `kind`, creates an
#       offer, setLocalDescription; the peer setRemoteDescription, answers
#       (sending on every live audio/video transceiver), setLocalDescription;
#       rtcpc setRemoteDescription(answer).
#   ('peer-offers', {'stop': kind, 'ice_restart': bool})
#       the same with the roles swapped (the peer's first offer: audio and video
#       sendrecv and a data channel; rtcpc adds a track to each live transceiver
#       without one).
#
# Every round expects audio and video sendrecv, data, and 'stopped' for a kind
# stopped in this round or before.

class Peer:
    """The other stack, driven synchronously, each call with its own timeout.
    Implementations raise Stage on an error or a timeout.

    name, version
    setup_offer(): audio + video sendrecv transceivers and a data channel
    create_offer(ice_restart) -> SDP      set_local(type) -> localDescription SDP
    set_remote(type, sdp)                 create_answer() -> SDP
    prepare_answer(offer_sdp)             before set_remote(offer): what the
                                          peer needs to answer sending
    after_remote_offer()                  after it: tracks on receiving transceivers
    stop(mid)                             restart_ice() (before create_offer)
    signaling_state() -> str              view() -> peer view (module doc)
    close()
    capabilities: {'stop': bool, 'ice_restart': bool}
    """


def rtcpc_tracks_for_answer(pc):
    """A track on each live audio/video transceiver without one (addTrack
    reuses the offered transceiver, W3C)."""
    for t in pc.transceivers():
        if not t['has_track'] and not t['stopped'] and t['mid']:
            rtc_step('rtcpc addTrack(%s)' % t['kind'], pc.add_track, t['kind'],
                     'rtcpc-%s-%d' % (t['kind'], t['index']), 'rtcpc-stream')


def _expect(stopped):
    return [('audio', 'stopped' if 'audio' in stopped else 'sendrecv'),
            ('video', 'stopped' if 'video' in stopped else 'sendrecv'),
            ('application', None)]


def _round_name(who, opts, first):
    if first:
        return '%s offers audio+video+data' % who
    parts = []
    if opts.get('stop'):
        parts.append('stops its %s transceiver' % opts['stop'])
    if opts.get('ice_restart'):
        parts.append('restarts ICE')
    return ' '.join([who, ', '.join(parts), 'and re-offers'] if parts else [who, 're-offers'])


class Exchange:
    """One scenario: rtcpc's connection and the peer's, and what each round left."""

    def __init__(self, R, lib, peer, log):
        self.pc = R.PeerConnection(lib)
        self.peer = peer
        self.log = log
        self.stopped = set()
        self.prev = None          # (rtcpc's local, the peer's local), parsed
        self.rtcpc_controlling = None
        self.rounds = 0

    def close(self):
        try:
            self.peer.close()
        finally:
            self.pc.close()
            self.pc.free()

    def round(self, who, opts):
        pc, peer = self.pc, self.peer
        first = self.rounds == 0
        self.rounds += 1
        rec = {'name': 'round %d (%s)' % (self.rounds, _round_name(
            'rtcpc' if who == 'rtcpc-offers' else peer.name, opts, first))}
        self.log.setdefault('rounds', []).append(rec)
        if who == 'rtcpc-offers':
            if first:
                for kind in ('audio', 'video'):
                    rtc_step('rtcpc addTrack(%s)' % kind, pc.add_track, kind, 'rtcpc-' + kind,
                             'rtcpc-stream')
                rtc_step('rtcpc requestDataChannels', pc.request_data_channels)
            if opts.get('stop'):
                mid = self._live_mid(opts['stop'])
                rtc_step('rtcpc stop(%s, mid %s)' % (opts['stop'], mid), pc.stop, mid)
                self.stopped.add(opts['stop'])
            offer = rtc_step('rtcpc createOffer(ice_restart=%s)' % bool(opts.get('ice_restart')),
                             pc.create_offer, ice_restart=bool(opts.get('ice_restart')))
            rec['offer'] = offer
            rtc_step('rtcpc setLocalDescription(offer)', pc.set_local_description, 'offer', '')
            peer.prepare_answer(offer)
            peer.set_remote('offer', offer)
            peer.after_remote_offer()
            rec['answer'] = peer.create_answer()
            answer = peer.set_local('answer')
            rec['answer'] = answer
            rtc_step('rtcpc setRemoteDescription(answer from %s)' % peer.name,
                     pc.set_remote_description, 'answer', answer)
        else:
            if first:
                peer.setup_offer()
            if opts.get('stop'):
                mid = self._live_mid(opts['stop'])
                peer.stop(mid)
                self.stopped.add(opts['stop'])
            if opts.get('ice_restart'):
                peer.restart_ice()
            rec['offer'] = peer.create_offer(bool(opts.get('ice_restart')))
            offer = peer.set_local('offer')
            rec['offer'] = offer
            rtc_step('rtcpc setRemoteDescription(offer from %s)' % peer.name,
                     pc.set_remote_description, 'offer', offer)
            rtcpc_tracks_for_answer(pc)
            answer = rtc_step('rtcpc createAnswer', pc.create_answer)
            rec['answer'] = answer
            rtc_step('rtcpc setLocalDescription(answer)', pc.set_local_description, 'answer', '')
            peer.set_remote('answer', answer)
        return self.check(rec, who == 'rtcpc-offers', opts)

    def _revived(self, chk, offer):
        """A peer that never stopped its side re-offers an m-line rtcpc
        stopped with its old mid and a port (JSEP 5.2.2 wants a new mid):
        rtcpc takes it as a new m-line (W3C: a new transceiver), as Chromium
        does, so it is live again."""
        for m in offer['media']:
            if m['kind'] in self.stopped and m['port'] != 0:
                chk.note('%s re-offers the %s m-line rtcpc stopped with its mid %s and port %d: '
                         'a new m-line to rtcpc' % (self.peer.name, m['kind'], m['mid'], m['port']))
                self.stopped.discard(m['kind'])

    def _live_mid(self, kind):
        for t in self.pc.transceivers():
            if t['kind'] == kind and not t['stopped'] and t['mid']:
                return t['mid']
        raise Stage('no live %s transceiver with a mid on rtcpc\'s side' % kind)

    def check(self, rec, rtcpc_offers, opts):
        chk = Check()
        pc, peer = self.pc, self.peer
        chk.eq('%s signalingState' % peer.name, peer.signaling_state(), 'stable')
        chk.eq('rtcpc signaling state', pc.signaling_state(), 'stable')
        neg = pc.negotiation()
        view = peer.view()
        offer, answer = parse_sdp(rec['offer']), parse_sdp(rec['answer'])
        rtc_local, peer_local = (offer, answer) if rtcpc_offers else (answer, offer)
        prev_offerer = prev_answerer = None
        if self.prev is not None:
            prev_offerer, prev_answerer = self.prev if rtcpc_offers else self.prev[::-1]
            if opts.get('ice_restart'):
                mid0 = offer['media'][0]['mid']
                chk.true('the offer restarts ICE (new ice-ufrag/ice-pwd)',
                         creds(prev_offerer, mid0) != creds(offer, mid0),
                         'kept %r' % (creds(offer, mid0),))
        # ICE roles: the first exchange's offerer controls; an ICE restart
        # gives the role anew (its offerer controls).
        if self.rtcpc_controlling is None or opts.get('ice_restart'):
            self.rtcpc_controlling = rtcpc_offers
        if not rtcpc_offers:
            self._revived(chk, offer)
        check_negotiation(chk, neg, _expect(self.stopped), offer, answer, pc.transceivers(),
                          view, rtcpc_offers, prev_offerer, prev_answerer,
                          self.rtcpc_controlling)
        self.prev = (rtc_local, peer_local)
        rec['checks'] = chk.count
        rec['notes'] = chk.notes
        return chk


# Each scenario: a name and its rounds. The peer-side rounds that need a stop
# or an ICE restart need the Peer's capability (README: what each peer lacks).
def scenarios(peer_name, caps):
    first_r = ('rtcpc-offers', {})
    first_p = ('peer-offers', {})
    out = [
        ('rtcpc offers, %s answers' % peer_name, [first_r]),
        ('rtcpc offers, then stops video and re-offers',
         [first_r, ('rtcpc-offers', {'stop': 'video'})]),
        ('rtcpc offers, then re-offers with an ICE restart',
         [first_r, ('rtcpc-offers', {'ice_restart': True})]),
        ('rtcpc offers, then %s re-offers' % peer_name, [first_r, ('peer-offers', {})]),
        ('rtcpc offers; stops video; ICE restart%s' % (
            '; %s re-offers' % peer_name if caps.get('reoffer_after_stop', True) else ''),
         [first_r, ('rtcpc-offers', {'stop': 'video'}), ('rtcpc-offers', {'ice_restart': True})]
         + ([('peer-offers', {})] if caps.get('reoffer_after_stop', True) else [])),
        ('%s offers, rtcpc answers' % peer_name, [first_p]),
        ('%s offers, then re-offers unchanged' % peer_name, [first_p, ('peer-offers', {})]),
        ('%s offers, then rtcpc re-offers' % peer_name, [first_p, ('rtcpc-offers', {})]),
    ]
    if caps.get('stop'):
        out.append(('%s offers, then stops video and re-offers' % peer_name,
                    [first_p, ('peer-offers', {'stop': 'video'})]))
    if caps.get('ice_restart'):
        out.append(('%s offers, then re-offers with an ICE restart' % peer_name,
                    [first_p, ('peer-offers', {'ice_restart': True})]))
    if caps.get('stop') and caps.get('ice_restart'):
        out.append(('%s offers; stops video; ICE restart' % peer_name,
                    [first_p, ('peer-offers', {'stop': 'video'}),
                     ('peer-offers', {'ice_restart': True})]))
    return out


def run_scenario(R, lib, make_peer, rounds, log):
    """The rounds on one new pair of connections; the failures, by round."""
    peer = make_peer()
    ex = Exchange(R, lib, peer, log)
    failures = []
    try:
        for who, opts in rounds:
            try:
                chk = ex.round(who, opts)
            except Stage as e:
                failures.append('%s: %s' % (log['rounds'][-1]['name'], e))
                break
            failures += ['%s: %s' % (log['rounds'][-1]['name'], f) for f in chk.failures]
            if chk.failures:
                break          # the next round would start from a state not checked
    finally:
        log['checks'] = sum(r.get('checks', 0) for r in log.get('rounds', []))
        try:
            ex.close()
        except Exception as e:  # noqa: BLE001 - reported, not hidden
            failures.append('close: %s: %s' % (type(e).__name__, e))
    return failures


def call_with_timeout(fn, timeout, *args):
    """fn(*args) on a daemon thread: its result, or raises what it raised, or
    TimeoutError (the thread is left behind; the run's own timeout ends it)."""
    box = {}

    def body():
        try:
            box['result'] = fn(*args)
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            box['error'] = e
            box['traceback'] = traceback.format_exc()
    th = threading.Thread(target=body, daemon=True)
    th.start()
    th.join(timeout)
    if th.is_alive():
        raise TimeoutError('timed out after %ss' % timeout)
    if 'error' in box:
        box['error'].traceback_text = box['traceback']
        raise box['error']
    return box['result']


def run_rounds_scenarios(R, lib, peer_name, make_peer, caps, args):
    """Every scenario of scenarios(), one PASS/FAIL line each; the results."""
    results = []
    for name, rounds in scenarios(peer_name, caps):
        if args.only and args.only.lower() not in name.lower():
            continue
        log = {}
        start = time.monotonic()
        try:
            failures = call_with_timeout(run_scenario, args.scenario_timeout, R, lib, make_peer,
                                         rounds, log)
        except TimeoutError:
            failures = ['scenario timed out after %ss (in %s)'
                        % (args.scenario_timeout,
                           log['rounds'][-1]['name'] if log.get('rounds') else 'setup')]
        except Stage as e:
            failures = [str(e)]
        except Exception as e:  # noqa: BLE001 - report, go on with the next scenario
            failures = ['unexpected error:\n' + getattr(e, 'traceback_text',
                                                        traceback.format_exc())]
        log['seconds'] = time.monotonic() - start
        report(results, name, failures, log, args)
    return results


# ------------------------------------------------------------------ output

def dump(log, out):
    rounds = log.get('rounds') or [log]
    for r in rounds:
        for key in ('offer', 'answer'):
            if r.get(key):
                out.write('----- %s%s\n%s\n' % (r['name'] + ': ' if 'name' in r else '', key,
                                               r[key].replace('\r\n', '\n').rstrip()))
    out.write('-----\n')


def report(results, name, failures, log, args):
    """One PASS/FAIL line, the failed checks under it, the notes, and the
    descriptions of a failed scenario (of every one with -v)."""
    ok = not failures
    results.append((name, ok))
    print('%s  %s (%d checks)' % ('PASS' if ok else 'FAIL', name, log.get('checks', 0)),
          flush=True)
    for f in failures:
        print('      ' + f)
    for r in log.get('rounds', []):
        for n in r.get('notes', []):
            print('      note: %s: %s' % (r['name'], n))
    if not ok or args.verbose:
        dump(log, sys.stdout)
    sys.stdout.flush()


def summary(results, args):
    """The last line; the exit code."""
    passed = sum(1 for _, ok in results if ok)
    failed = len(results) - passed
    if not results:
        print('FAIL: no scenario matched --only %r' % args.only)
        failed = 1
    print('%d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


def fail_setup(message):
    """A missing prerequisite: FAIL (never a skip), exit code 1."""
    print('FAIL: ' + message)
    print('0 passed, 1 failed')
    return 1


def common_args(ap, peer):
    ap.add_argument('--library', default=os.path.join(ROOT, 'target', 'release', 'librtcpc.so'))
    ap.add_argument('--step-timeout', type=float, default=30.0,
                    help='seconds for one %s call (default 30)' % peer)
    ap.add_argument('--scenario-timeout', type=float, default=60.0,
                    help='seconds for one scenario (default 60)')
    ap.add_argument('--timeout', type=float, default=270.0,
                    help='seconds for the whole run; then exit 1 with the tracebacks')
    ap.add_argument('--only', help='run the scenarios whose name contains this')
    ap.add_argument('-v', '--verbose', action='store_true', help='print every offer and answer')


def load_rtcpc(library):
    """(rtcpc_ctypes module, loaded library), or None when the library is missing."""
    if not os.path.exists(library):
        return None
    sys.path.insert(0, os.path.join(ROOT, 'tests', 'browser'))
    import rtcpc_ctypes as R
    return R, R.load(library)
