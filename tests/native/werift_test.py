#!/usr/bin/env python3
"""rtcpc against a native WebRTC stack from npm: werift (tests/native/README.md).

werift (TypeScript) runs in Node: tests/native/node/werift_peer.js holds its
RTCPeerConnection and answers JSON-line commands on stdin/stdout; rtcpc runs
here through the ctypes binding tests/browser/rtcpc_ctypes.py. SDP only: no
ICE connection is made (werift gathers its host candidates on
setLocalDescription; iceServers is empty, so no STUN).

Scenarios (native_common.scenarios): rtcpc offers audio+video+data and werift
answers; then rtcpc stops a transceiver, restarts ICE, and werift re-offers;
and werift offers audio+video+data, rtcpc answers, then werift stops a
transceiver and restarts ICE. Every round is checked (native_common).

    (cd tests/native/node && npm ci)
    python3 tests/native/werift_test.py --library target/release/librtcpc.so [-v]

A missing Node, werift or node_modules fails (exit 1), it never skips. The
last line is "N passed, N failed".
"""

import argparse
import faulthandler
import json
import os
import queue
import shutil
import subprocess
import sys
import threading

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from native_common import (Stage, common_args, fail_setup, load_rtcpc,  # noqa: E402
                           run_rounds_scenarios, summary)

NODE_DIR = os.path.join(HERE, 'node')
SCRIPT = os.path.join(NODE_DIR, 'werift_peer.js')


def pinned_version():
    with open(os.path.join(NODE_DIR, 'package.json')) as f:
        return json.load(f)['dependencies']['werift']


class WeriftPeer:
    """One werift RTCPeerConnection in its own Node process (native_common.Peer)."""

    name = 'werift'
    capabilities = {'stop': True, 'ice_restart': True}

    def __init__(self, node, timeout):
        self.timeout = timeout
        self.ids = 0
        self.stderr = []
        self.proc = subprocess.Popen([node, SCRIPT], cwd=NODE_DIR, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     bufsize=1)
        self.replies = queue.Queue()
        threading.Thread(target=self._read, args=(self.proc.stdout, self.replies.put),
                         daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr.append),
                         daemon=True).start()

    @staticmethod
    def _read(stream, put):
        for line in stream:
            put(line)
        put(None)

    def call(self, what, op, **kw):
        """One command; its reply, or Stage with werift's error (or the timeout)."""
        self.ids += 1
        cmd = dict(kw, id=self.ids, op=op)
        try:
            self.proc.stdin.write(json.dumps(cmd) + '\n')
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError) as e:
            raise Stage('werift %s: the Node process is gone (%s)%s'
                        % (what, e, self._stderr_tail())) from None
        while True:
            try:
                line = self.replies.get(timeout=self.timeout)
            except queue.Empty:
                raise Stage('werift %s: timed out after %ss' % (what, self.timeout)) from None
            if line is None:
                raise Stage('werift %s: the Node process exited (%s)%s'
                            % (what, self.proc.poll(), self._stderr_tail()))
            try:
                reply = json.loads(line)
            except ValueError:
                raise Stage('werift %s: not a JSON reply: %r' % (what, line[:300])) from None
            if reply.get('fatal'):
                raise Stage('werift: %s' % reply.get('error'))
            if reply.get('id') != self.ids:
                continue            # a late reply to a command that timed out
            if not reply.get('ok'):
                raise Stage('werift %s: %s' % (what, reply.get('error')))
            return reply

    def _stderr_tail(self):
        tail = ''.join(self.stderr[-10:]).strip()
        return ('; stderr:\n' + tail) if tail else ''

    # -- native_common.Peer
    def setup_offer(self):
        self.call('addTransceiver(audio, video) + createDataChannel', 'setupOffer')

    def create_offer(self, ice_restart=False):
        return self.call('createOffer(iceRestart=%s)' % ice_restart, 'createOffer',
                         iceRestart=ice_restart)['sdp']

    def create_answer(self):
        return self.call('createAnswer', 'createAnswer')['sdp']

    def set_local(self, type_):
        return self.call('setLocalDescription(%s)' % type_, 'setLocal', type=type_)['sdp']

    def set_remote(self, type_, sdp):
        self.call('setRemoteDescription(%s from rtcpc)' % type_, 'setRemote', type=type_, sdp=sdp)

    def prepare_answer(self, offer_sdp):
        pass

    def after_remote_offer(self):
        self.call('addTrack (sendrecv on the offered transceivers)', 'attachTracks')

    def stop(self, mid):
        self.call('transceiver(mid %s).stop()' % mid, 'stop', mid=mid)

    def restart_ice(self):
        self.call('restartIce', 'restartIce')

    def signaling_state(self):
        return self.call('signalingState', 'view')['signalingState']

    def view(self):
        v = self.call('view', 'view')
        transceivers, transports = {}, {}

        def transport(t):
            return t and {'id': t['id'], 'dtls_role': t['dtlsRole'], 'ice_role': t['iceRole']}
        for t in v['transceivers']:
            if t['mid'] is None:
                continue
            transceivers[t['mid']] = {
                'kind': t['kind'], 'current_direction': t['currentDirection'],
                'stopped': t['stopped'], 'codecs': [tuple(c) for c in t['codecs']]}
            if t['transport']:
                transports[t['mid']] = transport(t['transport'])
        sctp = v['sctp']
        if sctp and sctp['mid'] is not None and sctp['transport']:
            transports[sctp['mid']] = transport(sctp['transport'])
        return {'name': 'werift', 'transceivers': transceivers, 'transports': transports,
                'sctp': sctp is not None, 'unknown': {}}

    def close(self):
        try:
            if self.proc.poll() is None:
                self.call('close', 'close')
        finally:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    common_args(ap, 'werift')
    ap.add_argument('--node', default=shutil.which('node') or 'node',
                    help='the Node.js binary (default: node on PATH; Node 20 or later)')
    args = ap.parse_args()
    faulthandler.enable()                                          # a crash in a C call
    faulthandler.dump_traceback_later(args.timeout, exit=True)   # a hang in a C call too

    if not shutil.which(args.node) and not os.path.exists(args.node):
        return fail_setup('no Node.js (%s): install Node 20 or later (Debian: nodejs)' % args.node)
    if not os.path.isdir(os.path.join(NODE_DIR, 'node_modules', 'werift')):
        return fail_setup('werift is not installed in %s. Install it with:\n'
                          '  (cd %s && npm ci)' % (NODE_DIR, NODE_DIR))
    probe = None
    try:
        probe = WeriftPeer(args.node, args.step_timeout)
        version = probe.call('version', 'version')
    except Stage as e:
        return fail_setup('werift does not start: %s' % e)
    finally:
        if probe is not None:
            try:
                probe.close()
            except Stage:
                pass
    pinned = pinned_version()
    print('werift %s, Node %s (%s)%s' % (version['werift'], version['node'], NODE_DIR,
                                         '' if version['werift'] == pinned else
                                         ' -- note: package.json pins %s' % pinned))

    loaded = load_rtcpc(args.library)
    if loaded is None:
        return fail_setup('no rtcpc library at %s (cargo build --release)' % args.library)
    R, lib = loaded
    results = run_rounds_scenarios(R, lib, 'werift', lambda: WeriftPeer(args.node,
                                                                        args.step_timeout),
                                   WeriftPeer.capabilities, args)
    return summary(results, args)


if __name__ == '__main__':
    sys.exit(main())
