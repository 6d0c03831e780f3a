#!/usr/bin/env python3
"""rtcpc-relay's HTTP side, without media: what RFC 9725 (WHIP) and WHEP
ask of a server, request by request, with real clients' offers
(tests/data/whip: FFmpeg 9.0.2's and GStreamer simple-whip-client's).

  python3 tests/whip/http_test.py --relay PATH [--valgrind PATH --suppressions FILE]

Nobody answers ICE here (the relay gathers on 127.0.0.1, the offers carry
no reachable candidate); what is checked is each status code, header and
body, ICE fragments (trickle 204, restart 200 with the relay's fragment and
a new ETag), 422 for offers it cannot take whole, and that SIGTERM ends the
relay with exit 0 and its summary line. Under --valgrind the relay must
also leak nothing (valgrind's exit would be 99). Exit 0 on pass.
"""

import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), 'data', 'whip')
FFMPEG_OFFER = open(os.path.join(DATA, 'ffmpeg-9.0.2-offer.sdp'), newline='').read()
GST_OFFER = open(os.path.join(DATA, 'simple-whip-client-gstreamer-offer.sdp'), newline='').read()
# A browser's offer, as a WHEP player's (audio, video and data, sendrecv).
CHROME_OFFER = open(os.path.join(os.path.dirname(os.path.dirname(HERE)), 'c_examples',
                                 'offers', 'chrome-156-audio-video-data.sdp')).read()
TRICKLE = 'application/trickle-ice-sdpfrag'
failures = []


def check(cond, what):
    print(('ok   ' if cond else 'FAIL ') + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Relay:
    def __init__(self, args):
        self.port = free_port()
        # ICE servers are only named in Link headers: nothing contacts them.
        cmd = [args.relay, '--media', '127.0.0.1', '--http', f'127.0.0.1:{self.port}',
               '--ice-server', 'stun:stun.example.net',
               '--ice-server', 'turn:turn.example.net?transport=udp,alice,s3cret']
        if args.valgrind:
            cmd = [args.valgrind, '--error-exitcode=99', '--leak-check=full',
                   '--errors-for-leak-kinds=definite,indirect',
                   f'--suppressions={args.suppressions}'] + cmd
        self.proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.listening = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self.listening.wait(120 if args.valgrind else 20):
            raise SystemExit('the relay did not start listening')

    def _read(self):
        for line in self.proc.stderr:
            sys.stderr.write('  | ' + line)
            self.lines.append(line.rstrip('\n'))
            if 'listening on' in line:
                self.listening.set()

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=60)
        data = body.encode() if isinstance(body, str) else body
        conn.request(method, path, body=data, headers=headers or {})
        resp = conn.getresponse()
        text = resp.read().decode(errors='replace')
        conn.close()
        headers = {}
        for k, v in resp.getheaders():  # repeated ones (Link) joined as HTTP allows
            headers[k.lower()] = headers[k.lower()] + ', ' + v if k.lower() in headers else v
        return resp.status, headers, text


def problem_detail(text):
    try:
        return json.loads(text).get('detail', '')
    except ValueError:
        return ''


def fragment(ufrag, pwd, mid, candidate=None):
    lines = [f'a=ice-ufrag:{ufrag}', f'a=ice-pwd:{pwd}', 'm=audio 9 UDP/TLS/RTP/SAVPF 0',
             f'a=mid:{mid}']
    if candidate:
        lines += [f'a={candidate}', 'a=end-of-candidates']
    return '\r\n'.join(lines) + '\r\n'


def test_options_and_routes(relay):
    st, h, _ = relay.request('OPTIONS', '/whip/cam')
    check(st == 204 and h.get('accept-post') == 'application/sdp'
          and h.get('accept-patch') == TRICKLE, f'OPTIONS: 204 with Accept-Post/Patch ({st})')
    check(h.get('access-control-allow-origin') == '*'
          and 'Location' in h.get('access-control-expose-headers', ''),
          'CORS headers let a page read Location and ETag')
    st, _, _ = relay.request('POST', '/other', FFMPEG_OFFER, {'Content-Type': 'application/sdp'})
    check(st == 404, f'POST outside /whip and /whep: 404 ({st})')
    st, _, _ = relay.request('GET', '/whip/cam')
    check(st == 405, f'GET /whip/cam: 405 ({st})')
    st, _, _ = relay.request('POST', '/whip/cam', FFMPEG_OFFER, {'Content-Type': 'text/plain'})
    check(st == 415, f'an offer that is not application/sdp: 415 ({st})')
    st, _, _ = relay.request('POST', '/whep/nobody', CHROME_OFFER,
                             {'Content-Type': 'application/sdp'})
    check(st == 404, f'WHEP for a name nobody publishes: 404 ({st})')
    st, _, _ = relay.request('POST', '/whip/cam', 'x' * (70 * 1024),
                             {'Content-Type': 'application/sdp'})
    check(st == 413, f'a 70 KiB body: 413 ({st})')


def test_refused_offers(relay):
    sdp = {'Content-Type': 'application/sdp'}
    st, h, text = relay.request('POST', '/whip/bad', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nbogus\r\n',
                                sdp)
    check(st == 400 and h.get('content-type') == 'application/problem+json'
          and 'line' in problem_detail(text), f'unparsable SDP: 400 naming the line ({st} {text})')
    # RFC 9725 4.2: an answer that would not take the whole offer is a 422.
    unknown_codec = FFMPEG_OFFER.replace('H264/90000', 'X-UNKNOWN/90000')
    st, _, text = relay.request('POST', '/whip/bad', unknown_codec, sdp)
    check(st == 422 and 'mid 1' in problem_detail(text),
          f'a video section with no codec we know: 422 naming mid 1 ({st} {text})')
    unbundled = FFMPEG_OFFER.replace('a=group:BUNDLE 0 1\r\n', '')
    st, _, text = relay.request('POST', '/whip/bad', unbundled, sdp)
    check(st == 422 and 'bundled' in problem_detail(text), f'an unbundled offer: 422 ({st} {text})')
    st, _, _ = relay.request('POST', '/whep/bad', CHROME_OFFER, sdp)
    check(st == 404, f'after refusals nothing is published under the name: 404 ({st})')


def publish(relay, name, offer):
    st, h, answer = relay.request('POST', f'/whip/{name}', offer,
                                  {'Content-Type': 'application/sdp'})
    check(st == 201, f'WHIP POST /whip/{name}: 201 ({st} {answer[:200]})')
    return h, answer


def test_publisher_and_fragments(relay):
    h, answer = publish(relay, 'cam', FFMPEG_OFFER)
    location, tag = h.get('location', ''), h.get('etag', '')
    m = re.fullmatch(r'/whip/cam/([0-9a-f]{16})', location)
    check(m is not None, f'Location names the session ({location})')
    sid = m.group(1) if m else 'x'
    check(tag == f'"{sid}-0"', f'ETag is the session and ICE generation 0 ({tag})')
    check(h.get('content-type') == 'application/sdp', 'the answer is application/sdp')
    check(h.get('link') == '<stun:stun.example.net>; rel="ice-server", '
          '<turn:turn.example.net?transport=udp>; rel="ice-server"; username="alice"; '
          'credential="s3cret"; credential-type="password"',
          f"the 201 names the ICE servers in Link headers (RFC 9725 4.6) ({h.get('link')})")
    # FFmpeg offers a=setup:passive and sends no candidates: the answer is the
    # DTLS client and carries our host candidate (FFmpeg needs one).
    check('a=setup:active' in answer and 'a=recvonly' in answer and 'sendrecv' not in answer,
          'the answer is DTLS client and receives only')
    check(re.search(r'a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host', answer, re.I) is not None,
          'the answer carries the relay host candidate')
    check('a=rtpmap:106 H264/90000' in answer and 'a=rtpmap:111 opus/48000/2' in answer,
          "the answer keeps FFmpeg's payload types")
    st, _, _ = relay.request('POST', '/whip/cam', FFMPEG_OFFER, {'Content-Type': 'application/sdp'})
    check(st == 409, f'a second publisher for the name: 409 ({st})')

    path = f'/whip/cam/{sid}'
    cand = 'candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host'
    frag = fragment('1e25314b', '947b894b6ea94f150b9d3b8099e0259f', '0', cand)
    st, _, _ = relay.request('PATCH', path, frag, {'Content-Type': TRICKLE})
    check(st == 428, f'PATCH without If-Match: 428 ({st})')
    st, _, _ = relay.request('PATCH', path, frag, {'Content-Type': TRICKLE, 'If-Match': '"x-0"'})
    check(st == 412, f'PATCH with a stale ETag: 412 ({st})')
    st, _, _ = relay.request('PATCH', path, frag,
                             {'Content-Type': 'application/sdp', 'If-Match': tag})
    check(st == 415, f'PATCH that is not a trickle fragment: 415 ({st})')
    st, h, text = relay.request('PATCH', path, frag, {'Content-Type': TRICKLE, 'If-Match': tag})
    check(st == 204 and 'etag' not in h and text == '',
          f'a trickled candidate: 204, no ETag, no body ({st})')
    # An ICE restart (RFC 9725 4.3.2): new credentials, If-Match "*".
    restart = fragment('newufrag1', 'newpassword0123456789abcd', '0')
    st, h, text = relay.request('PATCH', path, restart, {'Content-Type': TRICKLE, 'If-Match': '"*"'})
    check(st == 200 and h.get('content-type') == TRICKLE, f'ICE restart: 200 with a fragment ({st})')
    old = re.search(r'a=ice-ufrag:(\S+)', answer)
    new = re.search(r'a=ice-ufrag:(\S+)', text)
    check(bool(old and new and old.group(1) != new.group(1)) and 'a=ice-pwd:' in text
          and 'a=mid:0' in text, f'the reply has our new credentials ({text!r})')
    check(h.get('etag') == f'"{sid}-1"', f"the ETag moves to generation 1 ({h.get('etag')})")
    st, _, _ = relay.request('PATCH', path, frag, {'Content-Type': TRICKLE, 'If-Match': tag})
    check(st == 412, f'the old ETag no longer matches: 412 ({st})')
    new_cand = fragment('newufrag1', 'newpassword0123456789abcd', '0', cand)
    st, _, _ = relay.request('PATCH', path, new_cand,
                             {'Content-Type': TRICKLE, 'If-Match': h.get('etag', '')})
    check(st == 204, f'trickle in the new generation: 204 ({st})')
    return sid


def test_server_offer(relay):
    """WHEP without an offer: 406 with the relay's offer, the answer by PATCH."""
    st, h, offer = relay.request('POST', '/whep/cam', '')
    loc = h.get('location', '')
    check(st == 406 and h.get('content-type') == 'application/sdp' and
          re.fullmatch(r'/whep/cam/[0-9a-f]{16}', loc) and h.get('etag'),
          f"a player POSTing no offer: 406 with the relay's offer, Location, ETag ({st} {offer[:200]})")
    kinds = re.findall(r'(?m)^m=(\w+) ', offer)
    check(kinds == ['audio', 'video'] and offer.count('a=sendonly') == 2 and
          'a=setup:actpass' in offer and ' H264/90000' in offer and 'VP8' not in offer,
          f"the offer sends the publisher's kinds and codecs ({kinds})")
    st, _, text = relay.request('PATCH', loc, 'v=0\r\nbogus\r\n', {'Content-Type': 'application/sdp'})
    check(st == 400 and 'line' in problem_detail(text), f'a malformed answer: 400 naming the line ({st} {text})')
    st, _, _ = relay.request('DELETE', loc)
    check(st == 200, f'DELETE the player that never answered: 200 ({st})')


def test_players(relay, pub):
    sdp = {'Content-Type': 'application/sdp'}
    st, h, answer = relay.request('POST', '/whep/cam', CHROME_OFFER, sdp)
    check(st == 201 and re.fullmatch(r'/whep/cam/[0-9a-f]{16}', h.get('location', '')),
          f'WHEP POST: 201 with a Location ({st} {answer[:200]})')
    # The player receives what the publisher sends: its codecs are FFmpeg's
    # (H.264 42001e and opus), nothing else the browser offered.
    video = answer[answer.find('m=video'):answer.find('m=application')]
    codecs = re.findall(r'a=rtpmap:\d+ ([^/\s]+)/', video)
    check('H264' in codecs and 'VP8' not in codecs and 'VP9' not in codecs,
          f"the player's video codecs are the publisher's ({codecs})")
    check('a=msid:cam ' in answer and 'a=sendrecv' in answer,
          'the player is sent a track of stream "cam"')
    check(len(re.findall(r'(?m)^a=candidate:', answer)) == 1,
          "the player's answer carries its own host candidate only (not the publisher's)")
    player = h.get('location', '')
    test_server_offer(relay)
    # GStreamer's offer (VP8 video) to a second name; its player gets VP8.
    publish(relay, 'gst', GST_OFFER)
    st, _, answer = relay.request('POST', '/whep/gst', CHROME_OFFER, sdp)
    video = answer[answer.find('m=video'):answer.find('m=application')]
    codecs = re.findall(r'a=rtpmap:\d+ ([^/\s]+)/', video)
    check(st == 201 and 'VP8' in codecs and 'H264' not in codecs,
          f"a VP8 publisher's player gets VP8 ({st} {codecs})")

    st, _, _ = relay.request('PUT', f'/whip/cam/{pub}')
    check(st == 405, f'PUT on a session: 405 ({st})')
    st, _, _ = relay.request('DELETE', f'/whip/cam/{pub}')
    check(st == 200, f'DELETE the publisher: 200 ({st})')
    st, _, _ = relay.request('DELETE', player)
    check(st == 404, f"the publisher's players ended with it: 404 ({st})")
    st, _, _ = relay.request('DELETE', f'/whip/cam/{pub}')
    check(st == 404, f'DELETE again: 404 ({st})')
    st, _, _ = relay.request('POST', '/whep/cam', CHROME_OFFER, sdp)
    check(st == 404, f'nothing published under the name any more: 404 ({st})')
    h, _ = publish(relay, 'cam', FFMPEG_OFFER)  # the name is free again
    return h.get('location')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--relay', required=True)
    ap.add_argument('--valgrind')
    ap.add_argument('--suppressions')
    args = ap.parse_args()
    relay = Relay(args)
    try:
        test_options_and_routes(relay)
        test_refused_offers(relay)
        pub = test_publisher_and_fragments(relay)
        test_players(relay, pub)
    finally:
        relay.proc.send_signal(signal.SIGTERM)
        try:
            rc = relay.proc.wait(120 if args.valgrind else 20)
        except subprocess.TimeoutExpired:
            relay.proc.kill()
            rc = 'hung'
    time.sleep(0.2)
    check(rc == 0, f'SIGTERM: exit 0 ({rc}{", valgrind found errors" if rc == 99 else ""})')
    check(any(re.fullmatch(r'relay: summary forwarded=0 dropped=0', l) for l in relay.lines),
          'the summary line')
    check(any('publisher gst/' in l and 'the relay stops' in l for l in relay.lines),
          'the sessions left end with the relay')
    print('FAILED: ' + '; '.join(failures) if failures else 'PASS')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
