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
sys.path.insert(0, HERE)
from native_common import (Check, Stage, check_negotiation, common_args,  # noqa: E402
                           fail_setup, load_rtcpc, parse_sdp, report, rtc_step, summary)

PINNED = '1.16.0'        # tests/native/requirements.txt


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


async def step(what, coro, timeout):
    try:
        return await asyncio.wait_for(coro, timeout)
    except asyncio.TimeoutError:
        raise Stage('%s: timed out after %ss' % (what, timeout)) from None
    except Exception as e:  # noqa: BLE001 - aiortc raises various errors
        raise Stage('%s: %s: %s' % (what, type(e).__name__, e)) from e


def make_track(kind):
    from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
    # AudioStreamTrack gives silence, VideoStreamTrack blank frames; none is
    # ever sent (no connection is made).
    return AudioStreamTrack() if kind == 'audio' else VideoStreamTrack()


def aiortc_view(apc):
    """aiortc's own report (native_common's peer view): its transceivers, the
    DTLS transport of each m-section (its identity, role and ICE role)."""
    transceivers, transports = {}, {}

    def transport(dtls):
        return {'id': id(dtls), 'dtls_role': dtls._role, 'ice_role': dtls.transport.role}
    for t in apc.getTransceivers():
        if t.mid is None:
            continue
        transceivers[t.mid] = {'kind': t.kind, 'current_direction': t.currentDirection,
                               'stopped': t.stopped, 'codecs': aiortc_codecs(t)}
        if t.receiver.transport is not None:
            transports[t.mid] = transport(t.receiver.transport)
    if apc.sctp is not None and apc.sctp.mid is not None and apc.sctp.transport is not None:
        transports[apc.sctp.mid] = transport(apc.sctp.transport)
    return {'name': 'aiortc', 'transceivers': transceivers, 'transports': transports,
            'sctp': apc.sctp is not None, 'unknown': {}}


# ------------------------------------------------------------------ the two directions

def check_exchange(pc, apc, scenario, offer_sdp, answer_sdp, rtcpc_offers, log):
    """After the answer is applied on both ends: both stable, and what
    rtcpc negotiated checked against the two descriptions. The failures."""
    chk = Check()
    chk.eq('aiortc signalingState', apc.signalingState, 'stable')
    chk.eq('rtcpc signaling state', pc.signaling_state(), 'stable')
    neg = pc.negotiation()
    log['negotiation'] = neg
    check_negotiation(chk, neg, scenario['expect'], parse_sdp(offer_sdp), parse_sdp(answer_sdp),
                      pc.transceivers(), aiortc_view(apc), rtcpc_offers)
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
        report(results, name, failures, log, args)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    common_args(ap, 'aiortc')
    args = ap.parse_args()
    faulthandler.dump_traceback_later(args.timeout, exit=True)   # a hang in a C call too

    try:
        import aiortc
    except ImportError as e:
        return fail_setup('aiortc is not installed (%s). Install it with:\n'
                          '  %s -m pip install -r %s'
                          % (e, sys.executable, os.path.join(HERE, 'requirements.txt')))
    version = getattr(aiortc, '__version__', '?')
    print('aiortc %s (%s)%s' % (version, os.path.dirname(aiortc.__file__),
                                '' if version == PINNED else
                                ' -- note: tests/native/requirements.txt pins %s' % PINNED))
    logging.basicConfig(level=logging.ERROR)
    for name in ('aiortc', 'aioice'):
        logging.getLogger(name).setLevel(logging.CRITICAL)   # ICE never connects here

    loaded = load_rtcpc(args.library)
    if loaded is None:
        return fail_setup('no rtcpc library at %s (cargo build --release)' % args.library)
    R, lib = loaded

    results = asyncio.run(run_all(R, lib, args))
    return summary(results, args)


if __name__ == '__main__':
    sys.exit(main())
