#!/usr/bin/env python3
"""A WHEP player on aiortc 1.16.0: receives a relay's audio and video and
counts what arrives.

  python3 tests/whip/aiortc_player.py URL [--duration S] [--json OUT]
      [--connect-timeout S] [--expect audio,video] [--progress S]

It offers recvonly audio + video (RTCConfiguration(iceServers=[]): host
candidates only, all in the offer, no trickle), POSTs the offer to the WHEP
URL (application/sdp), applies the 201's answer, then for --duration seconds
from the answer counts per kind the decoded frames it takes from
track.recv() (aiortc decodes Opus, VP8 and H264) and, from getStats(), the
inbound-rtp packetsReceived/bytesReceived. At the end it DELETEs the
Location and writes the JSON report (also printed on stdout as one line
prefixed 'player: result ').

--progress S: every S seconds once connected, one stderr line
'player: T progress {"audio": {"packets", "lost", "frames"}, "video": ...}'
(getStats inbound-rtp and the decoded frames so far), for tests that watch
the flow while it lasts.

Exit 0 when the POST gave 201 with an answer, ICE/DTLS connected, and every
kind in --expect (default: every kind the answer sends) has frames > 0 and
packets > 0; 1 otherwise; 2 on bad usage.
"""

import argparse
import asyncio
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError

from clients import http_request as http  # this script's directory is on sys.path

T0 = time.monotonic()


def log(msg):
    sys.stderr.write('player: %7.3f %s\n' % (time.monotonic() - T0, msg))
    sys.stderr.flush()


def answer_media(sdp):
    """[{kind, direction, codecs}] for each m-section of an SDP."""
    out = []
    for sec in re.split(r'\r?\n(?=m=)', sdp)[1:]:
        kind = sec.split(' ', 1)[0][2:]
        dirs = [d for d in ('sendrecv', 'sendonly', 'recvonly', 'inactive')
                if re.search(r'(?m)^a=%s\r?$' % d, sec)]
        port = sec.split(' ')[1]
        out.append({'kind': kind, 'port': port, 'direction': dirs[0] if dirs else 'sendrecv',
                    'codecs': re.findall(r'(?m)^a=rtpmap:\d+ ([^\r\n]+)', sec)})
    return out


async def run(args, res):
    res.update({'url': args.url, 'duration': args.duration, 'post_status': None, 'location': None,
           'etag': None, 'answer_media': [], 'states': [], 'connected_after_s': None,
           'kinds': {}, 'delete_status': None, 'errors': []})
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    connected = asyncio.Event()
    counters = {}
    tasks = []

    @pc.on('connectionstatechange')
    async def on_state():
        res['states'].append([round(time.monotonic() - T0, 3), pc.connectionState])
        log('connectionState %s' % pc.connectionState)
        if pc.connectionState == 'connected':
            connected.set()

    @pc.on('track')
    def on_track(track):
        c = counters.setdefault(track.kind, {'frames': 0, 'first_frame_s': None,
                                             'width': None, 'height': None, 'sample_rate': None})
        log('track %s' % track.kind)

        async def consume():
            while True:
                try:
                    frame = await track.recv()
                except MediaStreamError:
                    return
                c['frames'] += 1
                if c['first_frame_s'] is None:
                    c['first_frame_s'] = round(time.monotonic() - T0, 3)
                    log('first %s frame' % track.kind)
                if track.kind == 'video':
                    c['width'], c['height'] = frame.width, frame.height
                else:
                    c['sample_rate'] = frame.sample_rate
        tasks.append(asyncio.ensure_future(consume()))

    pc.addTransceiver('audio', direction='recvonly')
    pc.addTransceiver('video', direction='recvonly')
    await pc.setLocalDescription(await pc.createOffer())
    offer = pc.localDescription.sdp
    res['offer_candidates'] = re.findall(r'(?m)^a=candidate:[^\r\n]+', offer)
    loop = asyncio.get_running_loop()
    status, headers, body = await loop.run_in_executor(None, lambda: http(
        'POST', args.url, offer, {'Content-Type': 'application/sdp'}))
    res['post_status'] = status
    res['location'] = headers.get('location')
    res['etag'] = headers.get('etag')
    log('POST %s -> %s, Location %s, ETag %s' % (args.url, status, res['location'], res['etag']))
    resource = urllib.parse.urljoin(args.url, res['location']) if res['location'] else None
    try:
        if status != 201 or 'v=0' not in body:
            res['errors'].append('POST gave %s: %s' % (status, body[:300]))
            return res
        res['answer_media'] = answer_media(body)
        res['answer_candidates'] = re.findall(r'(?m)^a=candidate:[^\r\n]+', body)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=body, type='answer'))
        t_answer = time.monotonic()
        try:
            await asyncio.wait_for(connected.wait(), args.connect_timeout)
            res['connected_after_s'] = round(time.monotonic() - t_answer, 3)
        except asyncio.TimeoutError:
            res['errors'].append('not connected within %g s (state %s, ICE %s)' % (
                args.connect_timeout, pc.connectionState, pc.iceConnectionState))
        remaining = args.duration - (time.monotonic() - t_answer)
        while remaining > 0 and connected.is_set():
            step = min(remaining, args.progress) if args.progress else remaining
            await asyncio.sleep(step)
            remaining = args.duration - (time.monotonic() - t_answer)
            if args.progress:
                log('progress ' + json.dumps(await progress(pc, counters)))
        stats = await pc.getStats()
        for s in stats.values():
            if getattr(s, 'type', None) == 'inbound-rtp':
                k = res['kinds'].setdefault(s.kind, {})
                # aiortc 1.16's RTCInboundRtpStreamStats: packetsReceived,
                # packetsLost, jitter (no bytesReceived).
                k['packets'] = k.get('packets', 0) + (getattr(s, 'packetsReceived', 0) or 0)
                k['packets_lost'] = k.get('packets_lost', 0) + (getattr(s, 'packetsLost', 0) or 0)
        for kind, c in counters.items():
            res['kinds'].setdefault(kind, {}).update(c)
        return res
    finally:
        if resource:
            st, _, _ = await loop.run_in_executor(None, lambda: http('DELETE', resource))
            res['delete_status'] = st
            log('DELETE %s -> %s' % (resource, st))
        await pc.close()
        for t in tasks:
            t.cancel()


async def progress(pc, counters):
    out = {}
    for s in (await pc.getStats()).values():
        if getattr(s, 'type', None) == 'inbound-rtp':
            k = out.setdefault(s.kind, {'packets': 0, 'lost': 0, 'frames': 0})
            k['packets'] += getattr(s, 'packetsReceived', 0) or 0
            k['lost'] += getattr(s, 'packetsLost', 0) or 0
    for kind, c in counters.items():
        out.setdefault(kind, {'packets': 0, 'lost': 0, 'frames': 0})['frames'] = c['frames']
    return out


def verdict(res, expect):
    if res['post_status'] != 201 or not res['answer_media']:
        return False
    if res['connected_after_s'] is None:
        return False
    if expect is None:
        expect = [m['kind'] for m in res['answer_media']
                  if m['port'] != '0' and m['direction'] in ('sendonly', 'sendrecv')]
    ok = True
    for kind in expect:
        k = res['kinds'].get(kind, {})
        if not (k.get('frames', 0) > 0 and k.get('packets', 0) > 0):
            res['errors'].append('%s: frames=%s packets=%s' % (kind, k.get('frames', 0),
                                                                 k.get('packets', 0)))
            ok = False
    res['expected_kinds'] = expect
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('url')
    ap.add_argument('--duration', type=float, default=10)
    ap.add_argument('--connect-timeout', type=float, default=20)
    ap.add_argument('--json')
    ap.add_argument('--expect', help='comma-separated kinds that must have frames')
    ap.add_argument('--progress', type=float, default=0,
                    help='log the counters every S seconds while connected')
    args = ap.parse_args()
    expect = [k for k in args.expect.split(',') if k] if args.expect else None
    res = {'url': args.url, 'errors': [], 'post_status': None, 'answer_media': [],
           'connected_after_s': None, 'kinds': {}}
    try:
        asyncio.run(asyncio.wait_for(run(args, res), args.duration + args.connect_timeout + 60))
    except Exception as e:  # noqa: BLE001 - reported in the JSON
        res.setdefault('errors', []).append('%s: %s' % (type(e).__name__, e))
    res['ok'] = verdict(res, expect)
    text = json.dumps(res, indent=2)
    if args.json:
        with open(args.json, 'w') as f:
            f.write(text)
    print('player: result ' + json.dumps(res, separators=(',', ':')), flush=True)
    return 0 if res['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
