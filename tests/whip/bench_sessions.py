#!/usr/bin/env python3
"""How fast rtcpc-relay sets sessions up, and what an idle one holds (a
benchmark, not a test: nothing here passes or fails on a figure).

  python3 tests/whip/bench_sessions.py [--relay build/whip/rtcpc-relay] [-n 200]

N WHIP publishers one after another (FFmpeg's offer: POST -> 201, DELETE),
then N WHEP players of one publisher (Chrome's offer) held at once: the mean
time per request (ICE gathering on 127.0.0.1 and rtcpc's negotiation) and
the relay's memory before and with the players. BENCH_WRAP (e.g. "valgrind
--tool=massif") runs the relay under a tool.
"""
import argparse
import http.client
import os
import signal
import socket
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        return int(next(l for l in f if l.startswith('VmRSS')).split()[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--relay', default=os.path.join(ROOT, 'build', 'whip', 'rtcpc-relay'))
    ap.add_argument('-n', type=int, default=200)
    args = ap.parse_args()
    port = free_port()
    relay = subprocess.Popen(os.environ.get('BENCH_WRAP', '').split() + [args.relay, '--media', '127.0.0.1', '--http', '127.0.0.1:%d' % port],
                             stderr=subprocess.PIPE, text=True)
    while 'listening on' not in relay.stderr.readline():  # (valgrind writes first, if used)
        pass
    threading.Thread(target=relay.stderr.read, daemon=True).start()  # never a full pipe

    def request(method, path, body=None):
        c = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
        c.request(method, path, body=body, headers={'Content-Type': 'application/sdp'})
        r = c.getresponse()
        r.read()
        c.close()
        return r.status, r.getheader('Location')

    def read(path):
        with open(os.path.join(ROOT, path), newline='') as f:
            return f.read()
    ffmpeg = read('tests/data/whip/ffmpeg-9.0.2-offer.sdp')
    chrome = read('c_examples/offers/chrome-156-audio-video-data.sdp')
    try:
        t = time.perf_counter()
        for i in range(args.n):
            status, location = request('POST', '/whip/s%d' % i, ffmpeg)
            assert status == 201, status
            assert request('DELETE', location)[0] == 200
        publishers_ms = (time.perf_counter() - t) / args.n * 1000
        request('POST', '/whip/cam', ffmpeg)
        before = rss_kib(relay.pid)
        t = time.perf_counter()
        for _ in range(args.n):
            assert request('POST', '/whep/cam', chrome)[0] == 201
        players_ms = (time.perf_counter() - t) / args.n * 1000
        held = rss_kib(relay.pid)
        print('sessions: %d publishers POST+DELETE %.2f ms each; %d players POST %.2f ms each, '
              'held: relay RSS %d -> %d KiB (%.0f KiB per idle player)'
              % (args.n, publishers_ms, args.n, players_ms, before, held,
                 (held - before) / args.n))
    finally:
        relay.send_signal(signal.SIGTERM)
        relay.wait(30)


if __name__ == '__main__':
    main()
