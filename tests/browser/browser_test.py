#!/usr/bin/env python3
"""Real-browser test for an rtcpc SDP answerer.

The browser page (page.html/page.js) creates offers, POSTs them to /answer,
this server runs the answerer on them, and the page applies the answers with
setRemoteDescription and posts what happened to /result.

  python3 tests/browser/browser_test.py --browser chromium|firefox \
      --answerer PATH|browser --library librtcpc.so [--timeout 180] \
      [--report FILE.json] [--compare-report OTHER_BROWSER.json]

--answerer browser uses the browser's own answer (from a second
RTCPeerConnection) instead of running a binary; it tests the harness itself.
fake_answerer.py does the same through the subprocess path. In both, the
scenarios answered by --answerer fail the ctypes-twin check below (the twin's
answer is rtcpc's, not the browser's): they test the plumbing, not rtcpc.
--scenario NAME (repeatable) runs a subset.

--library PATH (librtcpc.so, required) answers some scenarios through the
ctypes binding (rtcpc_ctypes.py): one rtcpc connection per scenario, kept in a
worker process across the scenario's offers (renegotiation). Their results
are checked against the library's own negotiated parameters (directions,
payload types); the scenarios answered by --answerer are checked the same way
against a ctypes twin that answers the same offer identically.

--compare-report FILE (the other browser's --report) fills the other
browser's column of the final summary table.

No check passes by not running. A scenario fails when the browser makes no
comparison answer of its own, when the library's negotiation is missing or the
ctypes twin's answer differs from the one the browser applied, when the
browser lacks a codec the scenario needs, or when the page dies before it is
done. The one exception (SKIP_ALLOWED): Firefox has no H.264 without the
OpenH264 plugin, which it downloads on demand, so h264_only in Firefox may be
SKIP; skips are counted in the last line, "N passed, M failed, K skipped".
"""

import argparse
import base64
import collections
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
ANSWERER_TIMEOUT = 20
TEST_CANDIDATE = 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host'
# transceiver_calls: a trickled remote candidate (rtc_pc_add_ice_candidate)
# and a local one learnt late (rtc_pc_add_local_candidate).
REMOTE_CANDIDATE = 'candidate:2 1 udp 2122260223 127.0.0.1 50002 typ host'
LATE_LOCAL_CANDIDATE = 'candidate:3 1 udp 2122260223 127.0.0.1 50003 typ host'
# As in the library's video capabilities: a preference's rtcp-fb is what the
# answer keeps (an empty list would answer VP8 without feedback).
VP8_AND_RTX = [{'name': 'VP8', 'clock_rate': 90000,
                'rtcp_feedback': ['goog-remb', 'transport-cc', 'ccm fir', 'nack', 'nack pli']},
               {'name': 'rtx', 'clock_rate': 90000}]

# name -> answerer options. 'tamper' is the fingerprint-stripping check.
# 'args' are extra rtcpc-answer arguments; 'answer_options' are what the
# browser's own comparison answer gets (createAnswer(options)), so both
# answers are made with the same options.
SCENARIOS = {
    'audio': {'tracks': 'auto'},
    'video': {'tracks': 'auto'},
    'audio_video': {'tracks': 'auto'},
    'datachannel': {'tracks': 'auto'},
    'audio_video_data': {'tracks': 'auto'},
    'recvonly_viewer': {'tracks': 'auto'},
    'candidates': {'tracks': 'auto', 'candidates': [TEST_CANDIDATE], 'gather': True},
    'h264_only': {'tracks': 'auto'},
    'tamper': {'tracks': 'auto'},
    # Issue 7: an answer carrying a session-level a=identity (rtcpc-answer's
    # test IdP); the browser must apply it without a required peer identity.
    'identity_in_answer': {'tracks': 'auto', 'args': ['--identity', 'idp.example']},
    # Issue 7: voice activity detection off, so the answer has no CN.
    'no_comfort_noise': {'tracks': 'auto', 'args': ['--no-vad'],
                         'answer_options': {'voiceActivityDetection': False}},
    # Answered through the ctypes binding, one connection across the steps
    # (page.js MULTI_STEP says what the browser does at each step).
    'simulcast_3_rids': {'tracks': 'auto', 'library': True},
    'many_transceivers': {'tracks': 'auto', 'library': True},
    'vp9_only': {'tracks': 'auto', 'library': True},
    'av1_only': {'tracks': 'auto', 'library': True},
    'renegotiate_add_track': {'tracks': 'auto', 'library': True},
    'ice_restart': {'tracks': 'auto', 'library': True},
    # Before the second offer the library stops its video transceiver.
    'stopped_transceiver': {'tracks': 'auto', 'library': True,
                            'actions': {1: {'before': [{'op': 'stop', 'kind': 'video'}]}}},
    # Each C transceiver/ICE call, and its effect on the answers the browser
    # applies (check_transceiver_calls; page.js has the browser's own answer
    # make the same calls, so the answers compare as usual).
    'transceiver_calls': {'tracks': 'auto', 'library': True, 'actions': {
        0: {'after_remote': [
            {'op': 'set_codec_preferences', 'kind': 'video', 'codecs': VP8_AND_RTX},
            {'op': 'add_ice_candidate', 'kind': 'audio', 'candidate': REMOTE_CANDIDATE},
            {'op': 'add_local_candidate', 'kind': 'audio', 'candidate': LATE_LOCAL_CANDIDATE}],
            'after_tracks': [{'op': 'add_transceiver', 'kind': 'audio', 'direction': 'sendonly',
                              'stream_ids': ['lib-stream']}]},
        1: {'before': [{'op': 'set_direction', 'kind': 'audio', 'direction': 'recvonly'}]},
    }},
    'bundle_max_compat': {'tracks': 'auto', 'library': True},
    'bundle_max_bundle': {'tracks': 'auto', 'library': True},
}
# (browser, scenario) pairs that may end in SKIP (page.js SkipScenario); any
# other SkipScenario is a failure.
SKIP_ALLOWED = {('firefox', 'h264_only')}

CHROMIUM_FLAGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
]

FIREFOX_PREFS = {
    'media.navigator.streams.fake': True,
    'media.navigator.permission.disabled': True,
    # Keep Firefox quiet and offline.
    'app.update.enabled': False,
    'app.update.auto': False,
    'app.update.disabledForTesting': True,
    'browser.shell.checkDefaultBrowser': False,
    'browser.startup.homepage_override.mstone': 'ignore',
    'browser.startup.page': 0,
    'startup.homepage_welcome_url': '',
    'startup.homepage_welcome_url.additional': '',
    'browser.aboutwelcome.enabled': False,
    'browser.newtabpage.enabled': False,
    'browser.newtab.preload': False,
    'datareporting.policy.dataSubmissionEnabled': False,
    'datareporting.healthreport.uploadEnabled': False,
    'toolkit.telemetry.enabled': False,
    'toolkit.telemetry.unified': False,
    'toolkit.telemetry.server': '',
    'toolkit.telemetry.reportingpolicy.firstRun': False,
    'browser.safebrowsing.malware.enabled': False,
    'browser.safebrowsing.phishing.enabled': False,
    'browser.safebrowsing.downloads.enabled': False,
    'browser.safebrowsing.provider.mozilla.updateURL': '',
    'extensions.update.enabled': False,
    'extensions.getAddons.cache.enabled': False,
    'extensions.blocklist.enabled': False,
    'network.captive-portal-service.enabled': False,
    'network.connectivity-service.enabled': False,
    'network.dns.disablePrefetch': True,
    'network.prefetch-next': False,
    'services.settings.server': 'http://127.0.0.1:1/',
    'browser.region.network.url': '',
    'browser.region.update.enabled': False,
    'media.gmp-manager.updateEnabled': False,
    'media.gmp-manager.url': 'http://127.0.0.1:1/',
    'browser.ping-centre.telemetry': False,
    'dom.disable_open_during_load': False,
}


# ---------------------------------------------------------------- SDP helpers

def sdp_sections(sdp):
    """Split an SDP into (session lines, [media section lines])."""
    session, media = [], []
    for line in sdp.replace('\r\n', '\n').split('\n'):
        if not line:
            continue
        if line.startswith('m='):
            media.append([line])
        elif media:
            media[-1].append(line)
        else:
            session.append(line)
    return session, media


def parse_media(lines):
    """Summary of one m-section with payload types replaced by codec names."""
    m = lines[0][2:].split()
    info = {'kind': m[0], 'port': int(m[1]), 'mid': None, 'direction': 'sendrecv',
            'codecs': [], 'extmaps': [], 'rtcp_fb': [], 'candidates': []}
    rtpmap, fmtp, fb = {}, {}, []
    for line in lines[1:]:
        if line.startswith('a=mid:'):
            info['mid'] = line[6:]
        elif line[2:] in ('sendrecv', 'sendonly', 'recvonly', 'inactive'):
            info['direction'] = line[2:]
        elif line.startswith('a=rtpmap:'):
            pt, name = line[9:].split(' ', 1)
            rtpmap[pt] = name
        elif line.startswith('a=fmtp:'):
            pt, params = line[7:].split(' ', 1)
            fmtp[pt] = dict(p.strip().split('=', 1) for p in params.split(';') if '=' in p)
        elif line.startswith('a=extmap:'):
            info['extmaps'].append(line.split()[1])
        elif line.startswith('a=rtcp-fb:'):
            pt, val = line[10:].split(' ', 1)
            fb.append((pt, val))
        elif line.startswith('a=candidate:'):
            info['candidates'].append(line[2:])

    def codec_key(pt, depth=0):
        name = rtpmap.get(pt, 'pt' + pt)
        params = fmtp.get(pt, {})
        enc = name.split('/')[0].lower()
        # Distinguish codec variants so the diff says which one is missing.
        if enc == 'h264':
            name += ' profile-level-id=%s packetization-mode=%s' % (
                params.get('profile-level-id', '?'), params.get('packetization-mode', '0'))
        elif enc in ('vp9', 'av1') and 'profile-id' in params:
            name += ' profile-id=' + params['profile-id']
        elif enc == 'vp9' and 'profile' in params:
            name += ' profile=' + params['profile']
        elif enc == 'rtx' and 'apt' in params and depth == 0:
            name += ' apt=' + codec_key(params['apt'], 1)
        return name

    info['rtpmap_names'] = [rtpmap[pt] for pt in m[3:] if pt in rtpmap]
    info['codecs'] = [codec_key(pt) for pt in m[3:] if pt in rtpmap]
    info['rtcp_fb'] = ['%s: %s' % ('*' if pt == '*' else codec_key(pt), val) for pt, val in fb]
    return info


def parse_sdp(sdp):
    session, media = sdp_sections(sdp or '')
    return {'session': session, 'media': [parse_media(m) for m in media]}


def inject_candidates(sdp, candidates):
    """Add a=candidate lines to every m-section (what --candidate asks for)."""
    session, media = sdp_sections(sdp)
    out = list(session)
    for sec in media:
        out += sec + ['a=' + c for c in candidates]
    return '\r\n'.join(out) + '\r\n'


def multiset_diff(ours, theirs):
    a, b = collections.Counter(ours), collections.Counter(theirs)
    return sorted((a - b).elements()), sorted((b - a).elements())


def diff_answers(ours, browser):
    """Per m-line differences between our answer and the browser's answer."""
    if not ours or not browser:
        return []
    po, pb = parse_sdp(ours)['media'], parse_sdp(browser)['media']
    diffs = []
    for i in range(max(len(po), len(pb))):
        o = po[i] if i < len(po) else None
        b = pb[i] if i < len(pb) else None
        if o is None or b is None:
            diffs.append({'index': i, 'missing_in': 'ours' if o is None else 'browser'})
            continue
        d = {}
        if (o['port'] == 0) != (b['port'] == 0):
            # One side rejected it: its codecs/extensions/rtcp-fb are moot.
            d['rejected'] = {'ours': o['port'] == 0, 'browser': b['port'] == 0}
            d.update(index=i, mid=o['mid'], kind=o['kind'])
            diffs.append(d)
            continue
        for field in ('codecs', 'extmaps', 'rtcp_fb'):
            only_ours, only_browser = multiset_diff(o[field], b[field])
            if only_ours or only_browser:
                d[field] = {'only_ours': only_ours, 'only_browser': only_browser}
        if o['direction'] != b['direction']:
            d['direction'] = {'ours': o['direction'], 'browser': b['direction']}
        if d:
            d.update(index=i, mid=o['mid'], kind=o['kind'])
            diffs.append(d)
    return diffs


# Every way our answer may differ from the browser's own answer to the same
# offer, and why. A difference not listed here fails the scenario.
JUSTIFIED = [
    # rtcpc answers only header extensions the application handles; these
    # libwebrtc-internal ones are off by default (rtc_configuration_set_header_extensions
    # turns any of them on).
    ('chromium', 'extmaps', 'only_browser', 'http://www.webrtc.org/experiments/rtp-hdrext/color-space'),
    ('chromium', 'extmaps', 'only_browser', 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay'),
    ('chromium', 'extmaps', 'only_browser', 'http://www.webrtc.org/experiments/rtp-hdrext/video-content-type'),
    ('chromium', 'extmaps', 'only_browser', 'http://www.webrtc.org/experiments/rtp-hdrext/video-timing'),
    ('chromium', 'extmaps', 'only_browser', 'http://www.webrtc.org/experiments/rtp-hdrext/video-layers-allocation00'),
    ('chromium', 'extmaps', 'only_browser', 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension'),
    # Firefox writes channels on telephone-event/G722 in its answer even when
    # its offer did not; rtcpc mirrors the offer's rtpmap (RFC 4566 allows both).
    ('firefox', 'codecs', 'only_browser', 'telephone-event/8000/1'),
    ('firefox', 'codecs', 'only_ours', 'telephone-event/8000'),
    ('firefox', 'codecs', 'only_browser', 'G722/8000/1'),
    ('firefox', 'codecs', 'only_ours', 'G722/8000'),
    # Firefox echoes rtcp-fb on red and ulpfec; feedback concerns the media
    # codec (RFC 4585 section 4.2), and libwebrtc does not answer it either.
    ('firefox', 'rtcp_fb', 'only_browser', 'red/90000: '),
    ('firefox', 'rtcp_fb', 'only_browser', 'ulpfec/90000: '),
    # After setCodecPreferences Firefox's answer keeps a=rtcp-fb lines for the
    # payload types its m= line no longer lists (diff_answers names them
    # "ptNNN": no rtpmap); they describe no format of the m-section (RFC 4585
    # section 4.2), and rtcpc writes rtcp-fb only for the formats it answers.
    ('firefox', 'rtcp_fb', 'only_browser', 'pt'),
    # Firefox does not answer the RID extensions to a simulcast offer; rtcpc
    # keeps them, since RFC 8853 simulcast without them cannot tell layers apart.
    ('firefox', 'extmaps', 'only_ours', 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id'),
    ('firefox', 'extmaps', 'only_ours', 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id'),
]

# Issue 7's scenarios need no entry: a=identity is a session-level line and
# diff_answers compares m-lines only (identity_in_answer checks it on its
# own); no_comfort_noise has the browser make its comparison answer with
# {voiceActivityDetection: false} as well (Chromium then leaves CN out too;
# Firefox offers no CN at all).

# The stopped_transceiver scenario makes rtcpc reject an m-line on purpose.
JUSTIFIED_REJECTIONS = {'stopped_transceiver'}


def unjustified(browser, scenario, diffs):
    """The differences from the browser's answer that JUSTIFIED does not explain."""
    out = []
    for d in diffs:
        where = '%sm-line %s (mid %s)' % ('step %d, ' % d['step'] if 'step' in d else '',
                                           d['index'], d.get('mid'))
        for field in ('codecs', 'extmaps', 'rtcp_fb'):
            for side in ('only_ours', 'only_browser'):
                for item in d.get(field, {}).get(side, []):
                    if not any(b == browser and f == field and sd == side and item.startswith(p)
                               for b, f, sd, p in JUSTIFIED):
                        out.append('unjustified difference from the browser answer, %s: %s %s %s'
                                   % (where, field, side, item))
        if 'rejected' in d and scenario not in JUSTIFIED_REJECTIONS:
            out.append('unjustified difference, %s: rejected ours=%s browser=%s'
                       % (where, d['rejected']['ours'], d['rejected']['browser']))
        if 'direction' in d:
            out.append('unjustified difference, %s: direction ours=%s browser=%s'
                       % (where, d['direction']['ours'], d['direction']['browser']))
        if 'missing_in' in d:
            out.append('unjustified difference, %s: m-line missing in %s' % (where, d['missing_in']))
    return out


# ---------------------------------------------------------------- checks

def transceivers_of(res, kind):
    return [t for t in res.get('transceivers') or [] if t['kind'] == kind]


def check_direction(res, kind, want, errors):
    trs = transceivers_of(res, kind)
    if not trs:
        errors.append('no %s transceiver' % kind)
    for t in trs:
        if t['currentDirection'] != want:
            errors.append('%s mid=%s currentDirection=%r, want %r'
                          % (kind, t['mid'], t['currentDirection'], want))


def check_datachannel(res, errors):
    if not res.get('sctp'):
        errors.append('pc.sctp is null')
    apps = [m for m in parse_sdp(res.get('answer'))['media'] if m['kind'] == 'application']
    if not apps:
        errors.append('answer has no application m-line')
    elif any(m['port'] == 0 for m in apps):
        errors.append('answer rejected the application m-line (port 0)')


def check(name, res):
    """Returns a list of failure reasons (empty = PASS)."""
    errors = []
    if res.get('exception'):
        e = res['exception']
        return ['page exception: %s: %s' % (e['name'], e['message'])]
    if res.get('answer_error'):
        e = res['answer_error']
        return ['answerer failed: %s' % (e.get('stderr') or e.get('message'))]
    if name == 'tamper':
        if res.get('tamper_accepted') is not False:
            return ['answer without a=fingerprint was ACCEPTED by the browser']
        if not res.get('accepted'):
            e = res.get('error') or {}
            return ['control (untampered answer) rejected: %s: %s'
                    % (e.get('name'), e.get('message'))]
        return check_against_library(res.get('transceivers'), res.get('library'))
    if not res.get('accepted'):
        e = res.get('error') or {}
        return ['setRemoteDescription rejected the answer: %s: %s'
                % (e.get('name'), e.get('message'))]
    if res.get('signalingState') != 'stable':
        errors.append('signalingState=%r' % res.get('signalingState'))

    if name in ('audio', 'audio_video', 'audio_video_data', 'candidates'):
        check_direction(res, 'audio', 'sendrecv', errors)
    if name in ('video', 'audio_video', 'audio_video_data', 'candidates', 'h264_only'):
        check_direction(res, 'video', 'sendrecv', errors)
    if name in ('datachannel', 'audio_video_data'):
        check_datachannel(res, errors)
    if name == 'recvonly_viewer':
        check_direction(res, 'audio', 'recvonly', errors)
        check_direction(res, 'video', 'recvonly', errors)
    if name == 'candidates':
        if TEST_CANDIDATE not in res['answer']:
            errors.append('answer does not contain %r' % TEST_CANDIDATE)
    if name == 'h264_only':
        check_codec_only(res, 'H264', errors)
    if name == 'identity_in_answer':
        check_direction(res, 'audio', 'sendrecv', errors)
        check_direction(res, 'video', 'sendrecv', errors)
        check_datachannel(res, errors)
        check_identity_answer(res, 'idp.example', errors)
    if name == 'no_comfort_noise':
        check_direction(res, 'audio', 'sendrecv', errors)
        check_direction(res, 'video', 'sendrecv', errors)
        cn = [n for m in parse_sdp(res['answer'])['media'] for n in m['rtpmap_names']
              if n.split('/')[0].upper() == 'CN']
        if cn:
            errors.append('answer made with --no-vad has CN: %s' % cn)
    errors += check_against_library(res.get('transceivers'), res.get('library'))
    return errors


def check_identity_answer(res, domain, errors):
    """The answer's a=identity (RFC 8827 section 7) and how the browser took it.

    One a=identity, at session level, whose base64 JSON names the IdP domain
    and protocol and carries rtcpc-answer's test assertion over the answer's
    fingerprint. The browser applied the answer (checked before) and, having
    no required peer identity, keeps the connection: signalingState is still
    'stable' after the wait in which Firefox tries the IdP and fails; the
    page saw no unhandled promise rejection (pc.peerIdentity gets a catch).
    """
    session, media = sdp_sections(res['answer'])
    values = attr_values(session, 'a=identity:')
    if len(values) != 1:
        errors.append('answer has %d session-level a=identity lines, want 1' % len(values))
    in_media = [m[0] for m in media if attr_values(m, 'a=identity:')]
    if in_media:
        errors.append('a=identity at media level in %s' % in_media)
    if values:
        try:
            ident = json.loads(base64.b64decode(values[0].split()[0], validate=True))
        except (ValueError, TypeError) as e:
            errors.append('a=identity is not base64 JSON: %s' % e)
            ident = None
        if ident is not None:
            idp = ident.get('idp') if isinstance(ident, dict) else None
            if not isinstance(idp, dict) or idp.get('domain') != domain \
                    or idp.get('protocol') != 'default':
                errors.append('a=identity idp is %r, want domain %r protocol default'
                              % (idp, domain))
            fps = all_values(res['answer'], 'a=fingerprint:sha-256 ')
            want = 'test-assertion-for:' + (fps[0] if fps else '?')
            if ident.get('assertion') != want:
                errors.append('a=identity assertion is %r, want %r'
                              % (ident.get('assertion'), want))
    after = res.get('identity_wait') or {}
    if after.get('signalingState') != 'stable':
        errors.append('signalingState %r after the identity validation wait, want stable'
                      % after.get('signalingState'))
    if after.get('unhandled_rejections'):
        errors.append('unhandled promise rejections in the page: %s'
                      % after['unhandled_rejections'])
    pi = after.get('peerIdentity') or {}
    if pi.get('state') == 'resolved':
        errors.append('pc.peerIdentity resolved (%r) with no reachable IdP' % pi.get('value'))


# ---------------------------------------------------------------- library checks

REVERSE_DIRECTION = {'sendrecv': 'sendrecv', 'sendonly': 'recvonly', 'recvonly': 'sendonly',
                     'inactive': 'inactive', 'stopped': 'stopped'}


def check_codec_only(res, codec, errors, negotiation=None):
    """The answer's video codecs are `codec` (+rtx) only; the sender sends it."""
    videos = [m for m in parse_sdp(res['answer'])['media'] if m['kind'] == 'video']
    names = [n.split('/')[0].lower() for m in videos for n in m['rtpmap_names']]
    if codec.lower() not in names:
        errors.append('no %s in answer video m-line: %s' % (codec, names))
    bad = sorted(set(n for n in names if n not in (codec.lower(), 'rtx')))
    if bad:
        errors.append('answer video m-line has codecs other than %s/rtx: %s' % (codec, bad))
    if not videos:
        errors.append('answer has no video m-line')
    for m in videos:
        bad_rtx = [c for c in m['codecs'] if c.lower().startswith('rtx/')
                   and not c.lower().startswith('rtx/90000 apt=%s/' % codec.lower())]
        if bad_rtx:
            errors.append('answer video mid %s has rtx for another codec: %s' % (m['mid'], bad_rtx))
    if not transceivers_of(res, 'video'):
        errors.append('the browser has no video transceiver')
    for t in transceivers_of(res, 'video'):
        codecs = t.get('senderCodecs')
        if not codecs:
            errors.append('sender.getParameters().codecs is empty/unsupported: %r' % codecs)
        elif codecs[0].lower() != 'video/' + codec.lower():
            errors.append('first sender codec is %s, want video/%s' % (codecs[0], codec))
    if negotiation is not None and not any(s['media'] == 'video'
                                           for s in negotiation.get('sections', [])):
        errors.append('the library negotiated no video section')
    for sec in (negotiation or {}).get('sections', []):
        if sec['media'] == 'video':
            lib = sorted(set(c['name'].lower() for c in sec['codecs']))
            if codec.lower() not in lib or set(lib) - {codec.lower(), 'rtx'}:
                errors.append('library negotiated video codecs %s for mid %s, want %s (+rtx)'
                              % (lib, sec['mid'], codec))


def check_against_library(transceivers, library, prefix=''):
    """The browser's negotiated state agrees with what the library reports.

    For each browser transceiver (by mid): currentDirection is the reverse of
    the library's direction (the library reports its own side), or 'stopped'
    when the library rejected the m-section; its sender's payload types are
    among the library's for that mid. Also the library's own transceivers
    agree with its negotiation.
    """
    if not library:
        return [prefix + 'no library negotiation to check the browser against']
    if library.get('unavailable'):
        return [prefix + 'no library negotiation check: %s' % library['unavailable']]
    neg = library.get('negotiation')
    if not neg:
        return [prefix + 'library reported no negotiation (rtc_pc_negotiation NULL) '
                'after setLocalDescription(answer)']
    errors = []
    by_mid = {sec['mid']: sec for sec in neg['sections']}
    seen = set()
    for t in transceivers or []:
        mid = t.get('mid')
        if mid is None:
            continue
        seen.add(mid)
        sec = by_mid.get(mid)
        if sec is None:
            errors.append('%sbrowser transceiver mid %s: the library has no section with that mid'
                          % (prefix, mid))
            continue
        if not sec['accepted']:
            if t.get('currentDirection') != 'stopped' and t.get('stopped') is not True:
                errors.append('%smid %s: library rejected it (%s) but the browser has '
                              'currentDirection=%r' % (prefix, mid, sec.get('reason'),
                                                       t.get('currentDirection')))
            continue
        want = REVERSE_DIRECTION.get(sec['direction'], '?' + str(sec['direction']))
        if t.get('currentDirection') != want:
            errors.append('%smid %s: browser currentDirection=%r, library direction=%r '
                          '(so want %r)' % (prefix, mid, t.get('currentDirection'),
                                           sec['direction'], want))
        pts = t.get('senderPayloadTypes')
        lib_pts = [c['payload_type'] for c in sec['codecs']]
        if not pts and t.get('currentDirection') in ('sendrecv', 'sendonly'):
            errors.append('%smid %s: the browser sends (%s) but its sender has no codecs to '
                          'compare with the library: %r' % (prefix, mid, t['currentDirection'],
                                                           pts))
        if pts:
            extra = [p for p in pts if p not in lib_pts]
            if pts[0] not in lib_pts:
                errors.append('%smid %s: browser sender codec %s (pt %s) is first, but the '
                              'library negotiated pts %s' % (prefix, mid, (t.get('senderCodecs')
                                                                           or ['?'])[0],
                                                             pts[0], lib_pts))
            if extra:
                errors.append('%smid %s: browser sender payload types %s are not in the '
                              "library's %s" % (prefix, mid, extra, lib_pts))
    for sec in neg['sections']:
        if sec['media'] in ('audio', 'video') and sec['accepted'] and sec['mid'] not in seen:
            errors.append('%slibrary accepted %s mid %s but the browser has no transceiver '
                          'with that mid' % (prefix, sec['media'], sec['mid']))
    for lt in library.get('transceivers') or []:
        sec = by_mid.get(lt.get('mid'))
        if sec and sec['accepted'] and lt['current_direction'] != sec['direction']:
            errors.append('%slibrary transceiver mid %s: current_direction=%r but its '
                          'negotiation says %r' % (prefix, lt['mid'], lt['current_direction'],
                                                   sec['direction']))
    return errors


def media_lines(sdp):
    return sdp_sections(sdp or '')[1]


def attr_values(lines, prefix):
    return [line[len(prefix):] for line in lines if line.startswith(prefix)]


def bundle_mids(sdp):
    for line in sdp_sections(sdp or '')[0]:
        if line.startswith('a=group:BUNDLE'):
            return line.split()[1:]
    return []


def session_origin(sdp):
    for line in sdp_sections(sdp or '')[0]:
        if line.startswith('o='):
            f = line[2:].split()
            return f[1], int(f[2])
    return None, None


def all_values(sdp, prefix):
    """Values of an attribute at session and media level, in order."""
    session, media = sdp_sections(sdp or '')
    return attr_values(session, prefix) + [v for m in media for v in attr_values(m, prefix)]


def check_multi(name, res):
    """Checks of the scenarios answered through the ctypes binding."""
    if res.get('exception'):
        e = res['exception']
        return ['page exception: %s: %s' % (e['name'], e['message'])]
    steps = res.get('steps') or []
    errors = []
    for st in steps:
        p = 'step %d: ' % st['step'] if len(steps) > 1 or st['step'] else ''
        if st.get('answer_error'):
            e = st['answer_error']
            return errors + ['%slibrary failed to answer: %s' % (p, e.get('stderr') or e.get('message'))]
        if not st.get('accepted'):
            e = st.get('error') or {}
            return errors + ['%ssetRemoteDescription rejected the answer: %s: %s'
                             % (p, e.get('name'), e.get('message'))]
        if st.get('signalingState') != 'stable':
            errors.append('%ssignalingState=%r' % (p, st.get('signalingState')))
        errors += check_against_library(st.get('transceivers'), st.get('library'), p)
    if not steps or not res.get('accepted'):
        return errors + ['scenario did not complete its steps (%d run)' % len(steps)]
    first, last = steps[0], steps[-1]
    neg = (last.get('library') or {}).get('negotiation') or {'sections': []}
    secs = neg['sections']
    answer = parse_sdp(last['answer'])['media']

    if name == 'simulcast_3_rids':
        want = ['h', 'm', 'l']
        video = [(m, raw) for m, raw in zip(answer, media_lines(last['answer']))
                 if m['kind'] == 'video']
        if not video:
            errors.append('answer has no video m-section')
        for m, raw in video:
            sim = attr_values(raw, 'a=simulcast:')
            if not sim:
                errors.append('answer video mid %s has no a=simulcast line' % m['mid'])
            for v in sim:
                parts = v.split()
                rids = [r.lstrip('~') for r in re.split('[;,]', parts[1])] if len(parts) > 1 else []
                if parts[0] != 'recv' or rids != want:
                    errors.append('answer has a=simulcast:%s, want a=simulcast:recv h;m;l' % v)
            for rid in want:
                if 'a=rid:%s recv' % rid not in raw:
                    errors.append('answer video mid %s lacks "a=rid:%s recv"' % (m['mid'], rid))
            sec = next((x for x in secs if x['mid'] == m['mid']), None)
            got = [r['rid'] for r in sec['simulcast_rids']] if sec else None
            if got != want:
                errors.append('library negotiation simulcast_rids for mid %s: %s, want %s'
                              % (m['mid'], got, want))
    elif name == 'many_transceivers':
        if len(answer) != 17:
            errors.append('answer has %d m-sections, want 17' % len(answer))
        rejected = [m['mid'] for m in answer if m['port'] == 0]
        if rejected:
            errors.append('answer rejected mids %s (port 0)' % rejected)
        if len(secs) != 17:
            errors.append('library negotiation has %d sections, want 17' % len(secs))
        check_bundled(last, secs, errors)
    elif name in ('vp9_only', 'av1_only'):
        check_codec_only(last, name.split('_')[0].upper(), errors, neg)
    elif name == 'renegotiate_add_track':
        check_renegotiation(first, last, errors)
        if len(answer) != 2:
            errors.append('second answer has %d m-sections, want 2' % len(answer))
        check_direction(last, 'video', 'sendrecv', errors)
    elif name == 'ice_restart':
        for attr in ('a=ice-ufrag:', 'a=ice-pwd:'):
            before, after = set(all_values(first['answer'], attr)), set(all_values(last['answer'], attr))
            if not after or before & after:
                errors.append('ICE restart: the second answer keeps %s%s (first %s, second %s)'
                              % (attr, sorted(before & after), sorted(before), sorted(after)))
            ob, oa = set(all_values(first['offer'], attr)), set(all_values(last['offer'], attr))
            if ob & oa:
                errors.append('browser did not restart ICE: offer %s unchanged' % attr)
        offer_ufrag = (all_values(last['offer'], 'a=ice-ufrag:') or [None])[0]
        for sec in secs:
            if sec['accepted'] and sec['remote_ice_ufrag'] != offer_ufrag:
                errors.append('library mid %s remote_ice_ufrag=%r, the new offer has %r'
                              % (sec['mid'], sec['remote_ice_ufrag'], offer_ufrag))
        check_renegotiation(first, last, errors)
    elif name == 'stopped_transceiver':
        stopped = [a['mid'] for a in (last.get('library') or {}).get('actions', [])
                   if a['op'] == 'stop']
        if not stopped:
            errors.append('the library did not stop a transceiver')
        for m in answer:
            if m['mid'] in stopped and m['port'] != 0:
                errors.append('answer keeps stopped mid %s (port %d), want port 0'
                              % (m['mid'], m['port']))
            if m['mid'] not in stopped and m['port'] == 0:
                errors.append('answer rejected mid %s which was not stopped' % m['mid'])
        for sec in secs:
            if sec['mid'] in stopped and sec['accepted']:
                errors.append('library negotiation still accepts stopped mid %s' % sec['mid'])
        for lt in (last.get('library') or {}).get('transceivers') or []:
            if lt['mid'] in stopped and not lt['stopped']:
                errors.append('library transceiver mid %s not stopped after the answer: %r'
                              % (lt['mid'], lt))
        sv = last.get('stopped_video')
        if not sv:
            errors.append('page recorded no state for the stopped video transceiver')
        elif sv.get('currentDirection') != 'stopped' and sv.get('stopped') is not True:
            errors.append('browser video transceiver after the answer: currentDirection=%r '
                          'stopped=%r, want stopped' % (sv.get('currentDirection'), sv.get('stopped')))
        check_direction(last, 'audio', 'sendrecv', errors)
        check_renegotiation(first, last, errors)
    elif name == 'transceiver_calls':
        check_transceiver_calls(first, last, errors)
        check_renegotiation(first, last, errors)
    elif name in ('bundle_max_compat', 'bundle_max_bundle'):
        if len(answer) != 3:
            errors.append('answer has %d m-sections, want 3' % len(answer))
        rejected = [m['mid'] for m in answer if m['port'] == 0]
        if rejected:
            errors.append('answer rejected mids %s (port 0)%s' % (
                rejected, ' (the offer had them bundle-only)' if res.get('offer_bundle_only') else ''))
        check_bundled(last, secs, errors)
        check_datachannel(last, errors)
    return errors


def missing_browser_answers(res):
    """diff_answers needs the browser's own answer: its absence is a failure."""
    out = []
    for st in res.get('steps') or [res]:
        if st.get('answer') and not st.get('browser_answer'):
            e = st.get('browser_answer_error') or {}
            out.append('%sno browser answer to compare with: %s: %s'
                       % ('step %d: ' % st['step'] if 'step' in st else '',
                          e.get('name', 'none'), e.get('message', 'the page sent none')))
    return out


def section_of(sdp, mid):
    """The lines of the m-section with `mid`, or []."""
    return next((m for m in media_lines(sdp) if 'a=mid:%s' % mid in m), [])


def check_transceiver_calls(first, last, errors):
    """The effect of each C call of transceiver_calls on what the browser applied.

    Step 0, after the offer (audio + video): set_codec_preferences(video,
    VP8 + rtx), add_ice_candidate and add_local_candidate on the audio mid;
    after the tracks, add_transceiver(audio, sendonly, streams [lib-stream]).
    Step 1: set_direction(audio, recvonly), and the browser offers a second
    audio m-line.
    """
    lib0, lib1 = first.get('library') or {}, last.get('library') or {}
    audio = [t['mid'] for t in transceivers_of(first, 'audio')]
    amid = audio[0] if audio else None
    if amid is None:
        errors.append('step 0: the browser has no audio transceiver')
    # rtc_pc_transceiver_set_codec_preferences: only VP8 (+ its rtx) is
    # answered and sent, in both answers (preferences stay).
    for st in (first, last):
        p = 'step %d: ' % st['step']
        e = []
        check_codec_only(st, 'VP8', e, (st.get('library') or {}).get('negotiation') or {})
        errors.extend(p + x for x in e)
        if not any(c.lower().startswith('rtx/') for m in parse_sdp(st['answer'])['media']
                   if m['kind'] == 'video' for c in m['codecs']):
            errors.append(p + 'the answer has no rtx for VP8, which the preferences list')
    # rtc_pc_add_local_candidate: both answers carry it in the audio
    # m-section, and the browser applied it (its currentRemoteDescription).
    for st in (first, last):
        for what, sdp in (('answer', st.get('answer')),
                          ('browser currentRemoteDescription', st.get('applied_answer'))):
            if not any(line.startswith('a=' + LATE_LOCAL_CANDIDATE)
                       for line in section_of(sdp, amid)):
                errors.append('step %d: the %s lacks a=%s in mid %s'
                              % (st['step'], what, LATE_LOCAL_CANDIDATE, amid))
    # rtc_pc_add_ice_candidate: the library's remote description and its
    # negotiation carry the trickled candidate.
    if 'a=' + REMOTE_CANDIDATE not in section_of(lib0.get('remote_description'), amid):
        errors.append("step 0: the library's remote description lacks a=%s in mid %s"
                      % (REMOTE_CANDIDATE, amid))
    sec = next((x for x in (lib0.get('negotiation') or {}).get('sections', [])
                if x['mid'] == amid), None)
    if not sec or REMOTE_CANDIDATE not in sec['remote_candidates']:
        errors.append('step 0: the library negotiation of mid %s lacks the remote candidate: %s'
                      % (amid, sec and sec['remote_candidates']))
    # rtc_pc_add_transceiver: JSEP 5.10 associates only transceivers from
    # addTrack with offered m-lines, and an answer adds none (RFC 3264 6):
    # the transceiver stays without a mid through both offers, keeps its
    # direction, and neither answer has an m-line more or its stream.
    added = [a['index'] for a in lib0.get('actions') or [] if a['op'] == 'add_transceiver']
    if len(added) != 1:
        errors.append('step 0: the library log has %d add_transceiver, want 1' % len(added))
    for st, lib in ((first, lib0), (last, lib1)):
        p = 'step %d: ' % st['step']
        trs = lib.get('transceivers') or []
        for i in added:
            t = trs[i] if i < len(trs) else None
            if not t or t['kind'] != 'audio' or t['mid'] is not None \
                    or t['direction'] != 'sendonly' or t['current_direction'] is not None:
                errors.append(p + 'library transceiver %d from add_transceiver is %r, want '
                              'audio, no mid, sendonly, no current direction' % (i, t))
        if len(media_lines(st['answer'])) != len(media_lines(st['offer'])):
            errors.append(p + 'answer has %d m-lines, the offer %d'
                          % (len(media_lines(st['answer'])), len(media_lines(st['offer']))))
        if 'lib-stream' in st['answer']:
            errors.append(p + "the answer names add_transceiver's stream lib-stream")
    # rtc_pc_transceiver_set_direction(recvonly) on a sendrecv offer: the
    # answer says recvonly and the browser's transceiver becomes sendonly;
    # the second audio m-line got a transceiver of its own (sendrecv).
    a1 = [t for t in transceivers_of(last, 'audio')]
    want = {amid: 'sendonly'}
    want.update({t['mid']: 'sendrecv' for t in a1 if t['mid'] != amid})
    if len(a1) != 2:
        errors.append('step 1: the browser has %d audio transceivers, want 2' % len(a1))
    for t in a1:
        if t['currentDirection'] != want.get(t['mid']):
            errors.append('step 1: browser audio mid %s currentDirection=%r, want %r'
                          % (t['mid'], t['currentDirection'], want.get(t['mid'])))
    if 'a=recvonly' not in section_of(last['answer'], amid):
        errors.append('step 1: the answer does not say a=recvonly for mid %s' % amid)
    check_direction(last, 'video', 'sendrecv', errors)


def check_bundled(step, secs, errors):
    mids = [m['mid'] for m in parse_sdp(step['answer'])['media']]
    group = bundle_mids(step['answer'])
    if group != mids:
        errors.append('answer a=group:BUNDLE %s, want all mids %s' % (group, mids))
    notb = ['%s(transport %s, bundled %s)' % (x['mid'], x['transport_index'], x['bundled'])
            for x in secs if x['transport_index'] != 0 or not x['bundled']]
    if notb:
        errors.append('library: sections not on transport 0 / not bundled: %s' % ', '.join(notb))


def check_renegotiation(first, last, errors):
    """A later answer keeps the mids, session id, fingerprint and setup."""
    m0 = [m['mid'] for m in parse_sdp(first['answer'])['media']]
    m1 = [m['mid'] for m in parse_sdp(last['answer'])['media']]
    if m1[:len(m0)] != m0:
        errors.append('mids changed: first answer %s, later answer %s' % (m0, m1))
    (id0, v0), (id1, v1) = session_origin(first['answer']), session_origin(last['answer'])
    if id0 != id1:
        errors.append('o= session id changed: %s -> %s' % (id0, id1))
    if v0 is None or v1 is None or v1 <= v0:
        errors.append('o= session version did not increase: %s -> %s' % (v0, v1))
    for attr in ('a=fingerprint:', 'a=setup:'):
        a0, a1 = set(all_values(first['answer'], attr)), set(all_values(last['answer'], attr))
        if a0 != a1:
            errors.append('%s changed: %s -> %s' % (attr, sorted(a0), sorted(a1)))


# ---------------------------------------------------------------- answerer

def parse_answerer_error(stderr):
    m = re.search(r'^error: (\w+): (.*)$', stderr, re.M)
    if m:
        return m.group(1), m.group(2)
    return 'UnknownError', stderr.strip()[-500:]


def run_answerer(path, scenario, offer, browser_answer):
    """Returns {'ok': True, 'answer': sdp} or {'ok': False, 'error': {...}}."""
    opts = SCENARIOS[scenario]
    candidates = opts.get('candidates', [])
    if path == 'browser':
        if not browser_answer:
            return {'ok': False, 'error': {'name': 'OperationError',
                                           'message': 'browser produced no answer',
                                           'stderr': ''}}
        answer = inject_candidates(browser_answer, candidates) if candidates else browser_answer
        return {'ok': True, 'answer': answer}

    cmd = [sys.executable, path] if path.endswith('.py') else [path]
    cmd += ['--tracks', opts['tracks']]
    for c in candidates:
        cmd += ['--candidate', c]
    cmd += opts.get('args', [])
    cmd.append('-')
    env = dict(os.environ)
    # Only fake_answerer.py reads this; lets it echo a valid answer.
    env['RTCPC_TEST_BROWSER_ANSWER'] = browser_answer or ''
    try:
        # Bytes, not text=True: text mode would turn the answer's CRLF into LF.
        p = subprocess.run(cmd, input=offer.encode(), capture_output=True,
                           timeout=ANSWERER_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return {'ok': False, 'error': {'name': 'Timeout', 'cmd': cmd,
                                       'message': 'answerer timed out after %d s' % ANSWERER_TIMEOUT,
                                       'stderr': 'answerer timed out after %d s' % ANSWERER_TIMEOUT}}
    except OSError as e:
        return {'ok': False, 'error': {'name': 'OSError', 'message': str(e),
                                       'cmd': cmd, 'stderr': str(e)}}
    stderr = p.stderr.decode(errors='replace')
    if p.returncode != 0:
        name, msg = parse_answerer_error(stderr)
        return {'ok': False, 'error': {'name': name, 'message': msg, 'cmd': cmd,
                                       'exit_code': p.returncode, 'stderr': stderr.strip()}}
    return {'ok': True, 'answer': p.stdout.decode(errors='replace')}


# ---------------------------------------------------------------- library (ctypes)

class LibraryWorker:
    """rtcpc_ctypes.py in a child process: one rtcpc connection, JSON lines."""

    def __init__(self, library, candidates=()):
        cmd = [sys.executable, '-B', os.path.join(HERE, 'rtcpc_ctypes.py'), '--library', library]
        for c in candidates:
            cmd += ['--candidate', c]
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, start_new_session=True)
        self.buf = b''

    def _stderr_tail(self):
        self.stderr.seek(0)
        return self.stderr.read().decode(errors='replace').strip()[-1500:]

    def request(self, req, timeout=ANSWERER_TIMEOUT):
        """The reply dict, or {'ok': False, 'error': ...} if the worker died or hung."""
        try:
            self.proc.stdin.write((json.dumps(req) + '\n').encode())
            self.proc.stdin.flush()
        except OSError as e:
            return self._failed('could not write to the library worker: %s' % e)
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b'\n' not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                return self._failed('library worker timed out after %d s' % timeout, 'Timeout')
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    rc = self.proc.wait()
                    what = ('killed by signal %d' % -rc) if rc < 0 else ('exit code %d' % rc)
                    return self._failed('library worker died (%s)' % what, 'WorkerDied')
                self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def _failed(self, message, name='WorkerError'):
        tail = self._stderr_tail()
        return {'ok': False, 'error': {'name': name, 'message': message,
                                       'stderr': message + ('\n' + tail if tail else '')}}

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(b'{"op": "quit"}\n')
                self.proc.stdin.close()
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            kill_group(self.proc)
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        self.stderr.close()


def library_reply(reply):
    """The /answer reply of a library answer: answer + what the library reports."""
    out = {'ok': reply.get('ok', False)}
    if out['ok']:
        out['answer'] = reply['answer']
    else:
        out['error'] = reply.get('error')
    out['library'] = {k: reply.get(k) for k in ('negotiation', 'transceivers', 'signaling_state',
                                                 'actions', 'remote_description')}
    return out


def library_answer(state, scenario, step, offer):
    """Answers step `step` of a library scenario on its one rtcpc connection."""
    opts = SCENARIOS[scenario]
    with state.lock:
        worker = state.workers.get(scenario)
        if step == 0 or worker is None:
            if worker:
                worker.close()
            worker = state.workers[scenario] = LibraryWorker(state.library,
                                                             opts.get('candidates', []))
    req = {'op': 'answer', 'offer': offer, 'tracks': opts['tracks']}
    req.update(opts.get('actions', {}).get(step, {}))
    return library_reply(worker.request(req))


def normalize_answer(sdp):
    """An answer without what differs between two connections (ICE, DTLS, o=, ssrc)."""
    # a=identity covers the connection's fingerprint, and the twin has no IdP.
    volatile = ('o=', 'a=ice-ufrag:', 'a=ice-pwd:', 'a=fingerprint:', 'a=ssrc:',
                'a=ssrc-group:', 'a=msid:', 'a=identity:')
    return [line for line in sdp.replace('\r\n', '\n').split('\n')
            if line and not line.startswith(volatile)]


def twin_negotiation(state, scenario, offer, answer):
    """The library's negotiation for an answer rtcpc-answer made.

    A ctypes twin answers the same offer the way rtcpc-answer does; when its
    answer is the same (less what is random per connection), its negotiation
    is the one of the answer the browser applied.
    """
    opts = SCENARIOS[scenario]
    worker = LibraryWorker(state.library, opts.get('candidates', []))
    req = {'op': 'answer', 'offer': offer, 'tracks': opts['tracks']}
    if opts.get('answer_options', {}).get('voiceActivityDetection') is False:
        # For a worker that honours it; one that does not answers with CN,
        # and the comparison below then says the twin is unavailable.
        req['voice_activity_detection'] = False
    try:
        reply = worker.request(req)
    finally:
        worker.close()
    if not reply.get('ok'):
        e = reply.get('error') or {}
        return {'unavailable': 'ctypes twin failed: %s: %s' % (e.get('name'), e.get('message'))}
    a, b = normalize_answer(answer), normalize_answer(reply['answer'])
    if a != b:
        i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        return {'unavailable': 'ctypes twin answer differs from rtcpc-answer at line %d: '
                               '%r vs %r' % (i, a[i] if i < len(a) else None,
                                             b[i] if i < len(b) else None)}
    lib = library_reply(reply)['library']
    lib['source'] = 'ctypes twin (same answer as rtcpc-answer, less ICE/DTLS/o=/ssrc/msid)'
    return lib


# ---------------------------------------------------------------- server

class State:
    def __init__(self, answerer, scenarios, library=None):
        self.answerer = answerer
        self.scenarios = scenarios
        self.library = library
        self.workers = {}
        self.results = collections.OrderedDict()
        self.done = threading.Event()
        self.done_info = {}
        self.lock = threading.Lock()

    def close_worker(self, scenario):
        with self.lock:
            worker = self.workers.pop(scenario, None)
        if worker:
            worker.close()

    def close_workers(self):
        for name in list(self.workers):
            self.close_worker(name)


class PageHandler(BaseHTTPRequestHandler):
    """Serves a test page (page.html and page.js from `page_dir`, and the
    helpers both pages share, common.js from here) and answers in JSON.
    tests/real_session/ uses it too."""
    page_dir = HERE
    FILES = {'/': 'page.html', '/page.js': 'page.js', '/common.js': 'common.js'}
    TYPES = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8'}

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body, ctype='application/json'):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(data)))
        self.send_header('Cache-Control', 'no-store')
        self.end_headers()
        self.wfile.write(data)

    def send_page_file(self):
        """Sends the page file self.path names; False when it names none."""
        name = self.FILES.get(self.path)
        if name is None:
            return False
        folder = HERE if name == 'common.js' else self.page_dir
        with open(os.path.join(folder, name), 'rb') as f:
            self.send(200, f.read(), self.TYPES[os.path.splitext(name)[1]])
        return True


def make_handler(state):
    class Handler(PageHandler):
        def do_GET(self):
            if self.send_page_file():
                pass
            elif self.path == '/config':
                self.send(200, {'scenarios': [
                    {'name': n, 'tracks': SCENARIOS[n]['tracks'],
                     'gather': SCENARIOS[n].get('gather', False),
                     'answer_options': SCENARIOS[n].get('answer_options', {})}
                    for n in state.scenarios]})
            else:
                self.send(404, {'error': 'not found'})

        def do_POST(self):
            n = int(self.headers.get('Content-Length', 0))
            body = json.loads(self.rfile.read(n) or b'{}')
            if self.path == '/answer':
                name = body['scenario']
                if SCENARIOS[name].get('library'):
                    reply = library_answer(state, name, body.get('step', 0), body['offer'])
                else:
                    reply = run_answerer(state.answerer, name, body['offer'],
                                         body.get('browser_answer'))
                    if reply.get('ok') and state.library:
                        reply['library'] = twin_negotiation(state, name, body['offer'],
                                                            reply['answer'])
                self.send(200, reply)
            elif self.path == '/result':
                state.close_worker(body['scenario'])
                with state.lock:
                    state.results[body['scenario']] = body
                print('  [page] result for %s' % body['scenario'], flush=True)
                self.send(200, {'ok': True})
            elif self.path == '/log':
                print('  [page] %s' % body.get('msg'), flush=True)
                self.send(200, {'ok': True})
            elif self.path == '/done':
                state.done_info = body
                state.done.set()
                self.send(200, {'ok': True})
            else:
                self.send(404, {'error': 'not found'})

    return Handler


# ---------------------------------------------------------------- browsers

class PageServer(ThreadingHTTPServer):
    # The default listen backlog (5) overflows when a loaded machine starts
    # handler threads slowly and the browser opens connections in parallel:
    # the page then sees "TypeError: Failed to fetch" (seen once in CI).
    request_queue_size = 128


def serve(handler):
    """An HTTP server on 127.0.0.1 in a thread: (server, its URL)."""
    server = PageServer(('127.0.0.1', 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, 'http://127.0.0.1:%d/' % server.server_address[1]


def browser_command(browser, profile, url, extra_flags=(), extra_prefs=None):
    """The command line of a headless browser with a fresh profile;
    tests/real_session/ adds its own flags and prefs."""
    if browser == 'chromium':
        exe = shutil.which('chromium') or shutil.which('chromium-browser')
        return [exe] + CHROMIUM_FLAGS + list(extra_flags) + ['--user-data-dir=' + profile, url]
    exe = shutil.which('firefox-esr') or shutil.which('firefox')
    prefs = dict(FIREFOX_PREFS, **(extra_prefs or {}))
    with open(os.path.join(profile, 'user.js'), 'w') as f:
        for k, v in prefs.items():
            f.write('user_pref(%s, %s);\n' % (json.dumps(k), json.dumps(v)))
    return [exe, '--headless', '--no-remote', '--profile', profile, url]


def final_line(passed, failed, skipped, harness_errors):
    """Prints the last line, "N passed, M failed, K skipped"; the exit code."""
    if skipped:
        print('skipped (allowed: the browser lacks the feature): %s' % ', '.join(skipped))
    print('%d passed, %d failed, %d skipped%s' % (
        passed, failed, len(skipped),
        ' (and the harness failed: %s)' % '; '.join(harness_errors) if harness_errors else ''))
    return 0 if failed == 0 and not harness_errors else 1


def launch_plan(browser, url, prefix):
    """A fresh profile in a new temporary folder and the browser's command:
    (folder, command, version); exits when the browser is missing."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    profile = os.path.join(tmp, 'profile')
    os.mkdir(profile)
    cmd = browser_command(browser, profile, url)
    if not cmd[0]:
        sys.exit('%s not found' % browser)
    version = browser_version(cmd[0])
    print('%s: %s' % (browser, version))
    return tmp, cmd, version


def browser_version(cmd0):
    try:
        return subprocess.run([cmd0, '--version'], capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except Exception as e:  # informational only
        return 'unknown (%s)' % e


def kill_group(proc):
    # SIGTERM first so the browser can exit cleanly, then SIGKILL whatever is
    # left of the group (child processes outlive the leader for a moment).
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


# ---------------------------------------------------------------- summary

def diff_counts(diffs):
    """How many codecs, extensions, rtcp-fb and directions differ from the browser's answer."""
    c = collections.Counter()
    for d in diffs:
        for field, key in (('codecs', 'codecs'), ('extmaps', 'ext'), ('rtcp_fb', 'fb')):
            if field in d:
                c[key] += len(d[field]['only_ours']) + len(d[field]['only_browser'])
        for field in ('direction', 'rejected', 'missing_in'):
            if field in d:
                c['dir' if field == 'direction' else 'mline'] += 1
    return {k: c.get(k, 0) for k in ('codecs', 'ext', 'fb', 'dir', 'mline')}


def accepted_label(res):
    if res is None:
        return '-'
    if res.get('outcome') == 'SKIP':
        return 'skip'
    if res.get('exception') or res.get('answer_error'):
        label = 'error'
    elif res.get('accepted'):
        label = 'yes'
    elif res.get('accepted') is False:
        label = 'NO'
    else:
        label = '?'
    # A '*' marks an accepted answer whose scenario failed other checks.
    return label + ('*' if label == 'yes' and res.get('outcome') == 'FAIL' else '')


def counts_label(res):
    if not res or res.get('outcome') == 'SKIP' or 'diff_counts' not in res:
        return '-'
    c = res['diff_counts']
    return 'c%(codecs)d e%(ext)d fb%(fb)d d%(dir)d m%(mline)d' % c


def summary_columns(browser, outcomes, compare_report):
    """This run's outcomes beside those of the other browser's report, if
    given: (columns by browser, scenario names in order, a note on the
    report), for the summary tables of this harness and offer_test.py."""
    columns = {browser: outcomes}
    note = ''
    if compare_report:
        try:
            with open(compare_report) as f:
                other = json.load(f)
            age = time.time() - os.path.getmtime(compare_report)
            if other.get('browser') and other['browser'] != browser:
                columns[other['browser']] = other.get('scenarios') or {}
                note = ' (%s from %s, written %.0f s ago)' % (other['browser'],
                                                              compare_report, age)
        except (OSError, ValueError) as e:
            note = ' (no %s: %s)' % (compare_report, e.__class__.__name__)
    names = list(outcomes) + [n for col in columns.values() for n in col if n not in outcomes]
    return columns, list(collections.OrderedDict.fromkeys(names)), note


def print_summary(browser, outcomes, compare_report):
    columns, names, note = summary_columns(browser, outcomes, compare_report)
    order = ['chromium', 'firefox']
    print('summary%s; diffs vs the browser\'s own answer: c=codecs e=extensions '
          'fb=rtcp-fb d=directions m=m-lines rejected/missing; * = accepted but failed a check'
          % note)
    w = max(len(n) for n in names + ['scenario'])
    head = '%-*s | %-9s | %-9s | %-22s | %-22s' % (w, 'scenario', 'chromium', 'firefox',
                                                     'diffs chromium', 'diffs firefox')
    print(head)
    print('-' * len(head))
    for n in names:
        cells = [columns.get(b, {}).get(n) for b in order]
        print('%-*s | %-9s | %-9s | %-22s | %-22s' % (
            w, n, accepted_label(cells[0]), accepted_label(cells[1]),
            counts_label(cells[0]), counts_label(cells[1])))


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--browser', choices=['chromium', 'firefox'], required=True)
    ap.add_argument('--answerer', required=True,
                    help="answerer executable, or 'browser' to test the harness")
    ap.add_argument('--timeout', type=float, default=180)
    ap.add_argument('--report', help='write full results as JSON here')
    ap.add_argument('--scenario', action='append', choices=list(SCENARIOS),
                    help='run only these (repeatable; default all)')
    ap.add_argument('--library', required=True,
                    help='librtcpc.so, for the scenarios answered through ctypes and the '
                         'ctypes twin')
    ap.add_argument('--compare-report',
                    help="the other browser's --report, for the summary table")
    args = ap.parse_args()

    if args.answerer != 'browser':
        args.answerer = os.path.abspath(args.answerer)
        if not os.path.isfile(args.answerer):
            sys.exit('answerer not found: %s' % args.answerer)
    args.library = os.path.abspath(args.library)
    if not os.path.isfile(args.library):
        sys.exit('library not found: %s' % args.library)
    scenarios = args.scenario or list(SCENARIOS)
    state = State(args.answerer, scenarios, args.library)

    start = time.monotonic()
    server, url = serve(make_handler(state))

    tmp, cmd, version = launch_plan(args.browser, url, 'rtcpc-browser-')
    print('answerer: %s' % args.answerer)
    print('library: %s' % args.library)
    print('url: %s' % url, flush=True)

    log_path = os.path.join(tmp, 'browser.log')
    browser_log = ''
    timed_out = False
    with open(log_path, 'wb') as logf:
        proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + args.timeout
            while not state.done.wait(0.5):
                if proc.poll() is not None:
                    print('browser exited early with code %s' % proc.returncode)
                    break
                if time.monotonic() > deadline:
                    timed_out = True
                    print('TIMEOUT after %g s' % args.timeout)
                    break
        finally:
            kill_group(proc)
            server.shutdown()
            server.server_close()
            state.close_workers()
    with open(log_path, errors='replace') as f:
        browser_log = f.read()
    shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.monotonic() - start

    outcomes = collections.OrderedDict()
    for name in scenarios:
        res = state.results.get(name)
        if res is None:
            errors = ['no result from the page'
                      + (' (timeout)' if timed_out else '')]
            res = {'scenario': name}
        elif SCENARIOS[name].get('library'):
            res['offer_bundle_only'] = [
                m[0] for m in media_lines(res.get('offer'))
                if 'a=bundle-only' in m] if res.get('offer') else []
            errors = check_multi(name, res)
        else:
            errors = check(name, res)
        if res.get('steps'):
            res['diffs'] = [dict(d, step=st['step']) for st in res['steps']
                            for d in diff_answers(st.get('answer'), st.get('browser_answer'))]
        else:
            res['diffs'] = diff_answers(res.get('answer'), res.get('browser_answer'))
        res['diff_counts'] = diff_counts(res['diffs'])
        errors = errors + missing_browser_answers(res) + unjustified(args.browser, name,
                                                                     res['diffs'])
        skip_ok = (args.browser, name) in SKIP_ALLOWED
        if res.get('skip') and not skip_ok:
            # It stopped before its offer: the other checks would only add noise.
            errors = ['the browser cannot run it (%s); only %s may be skipped'
                      % (res['skip'], ', '.join('%s in %s' % (n, b) for b, n in
                                                sorted(SKIP_ALLOWED)))]
        res['outcome'] = 'SKIP' if res.get('skip') and skip_ok and not res.get('exception') \
            else 'FAIL' if errors else 'PASS'
        res['passed'] = res['outcome'] == 'PASS'
        res['failures'] = [] if res['outcome'] == 'SKIP' else errors
        outcomes[name] = res

    print()
    for name, res in outcomes.items():
        label = 'tamper check (answer without a=fingerprint must be rejected)' \
            if name == 'tamper' else name
        print('%s %s' % (res['outcome'], label))
        if res['outcome'] == 'SKIP':
            print('    skipped: %s' % res['skip'])
        for e in res['failures']:
            for i, line in enumerate(str(e).splitlines()):
                print('    ' + ('' if i == 0 else '  ') + line)
        if name == 'tamper' and res.get('tamper_error'):
            print('    rejected with %(name)s: %(message)s' % res['tamper_error'])
        if name == 'identity_in_answer' and res.get('identity_wait'):
            pi = res['identity_wait'].get('peerIdentity') or {}
            print('    (pc.peerIdentity after %s ms: %s%s)' % (
                res['identity_wait'].get('waited_ms'), pi.get('state'),
                ': %(name)s: %(message)s' % pi['error'] if pi.get('error') else ''))
        if name == 'no_comfort_noise' and res.get('offer'):
            offered = [n for m in parse_sdp(res['offer'])['media'] for n in m['rtpmap_names']
                       if n.split('/')[0].upper() == 'CN']
            print('    (the browser offered CN: %s)' % (', '.join(offered) or 'none'))
        if res.get('offer_bundle_only'):
            print('    (offer had bundle-only m-lines: %s)' % ' | '.join(res['offer_bundle_only']))
        elif name == 'bundle_max_bundle' and res.get('offer'):
            print('    (note: the max-bundle offer has no a=bundle-only m-line)')
        for d in res['diffs']:
            print('    diff vs browser answer, %sm-line %s (%s, mid %s):'
                  % ('step %d, ' % d['step'] if 'step' in d else '',
                     d['index'], d.get('kind'), d.get('mid')))
            for field in ('codecs', 'extmaps', 'rtcp_fb'):
                if field in d:
                    if d[field]['only_ours']:
                        print('      %s only in ours: %s' % (field, d[field]['only_ours']))
                    if d[field]['only_browser']:
                        print('      %s only in browser: %s' % (field, d[field]['only_browser']))
            for field in ('direction', 'rejected'):
                if field in d:
                    print('      %s: ours=%s browser=%s' % (field, d[field]['ours'], d[field]['browser']))
            if 'missing_in' in d:
                print('      m-line missing in %s' % d['missing_in'])

    # The run itself fails when the page did not get to its end, even if
    # every scenario reported.
    harness_errors = []
    if state.done_info.get('fatal'):
        harness_errors.append('page fatal error: %(name)s: %(message)s'
                              % state.done_info['fatal'])
    if not state.done.is_set():
        harness_errors.append('the page did not finish (%s)' % (
            'timeout' if timed_out else 'the browser exited with code %s' % proc.returncode))
    for e in harness_errors:
        print('FAIL harness: ' + e)
    failed = sum(1 for r in outcomes.values() if r['outcome'] == 'FAIL')
    passed = sum(1 for r in outcomes.values() if r['outcome'] == 'PASS')
    skipped = [n for n, r in outcomes.items() if r['outcome'] == 'SKIP']
    if (failed or harness_errors) and (timed_out or not state.done.is_set()):
        print('--- browser log (tail) ---')
        print(browser_log[-4000:])
    print()
    print_summary(args.browser, outcomes, args.compare_report)
    print('elapsed: %.1f s' % elapsed)

    if args.report:
        report = {
            'browser': args.browser, 'browser_version': version,
            'user_agent': state.done_info.get('userAgent'),
            'answerer': args.answerer, 'elapsed_s': round(elapsed, 1),
            'timed_out': timed_out, 'page_fatal': state.done_info.get('fatal'),
            'library': args.library,
            'passed': passed, 'failed': failed, 'skipped': skipped,
            'harness_errors': harness_errors,
            'scenarios': outcomes,
        }
        with open(args.report, 'w') as f:
            json.dump(report, f, indent=2)
    return final_line(passed, failed, skipped, harness_errors)


if __name__ == '__main__':
    sys.exit(main())
