#!/usr/bin/env python3
"""rtcpc against a native WebRTC stack from Debian: GStreamer's webrtcbin (tests/native/README.md).

webrtcbin (gstreamer1.0-plugins-bad, with libnice's gstreamer1.0-nice) is
driven through PyGObject (python3-gi, python3-gst-1.0) in this process; rtcpc
through the ctypes binding tests/browser/rtcpc_ctypes.py. SDP only: no media
flows and no ICE connection is made (webrtcbin gathers its host candidates
on set-local-description; no stun-server, no turn-server). webrtcbin runs its
operations on its own thread; each promise is waited for with a timeout.

Its transceivers are made with the 'add-transceiver' action signal, with
codec preferences (Opus, VP8) as caps and no source linked; bundle-policy is
max-bundle, as WebRTC applications set it.

Scenarios (native_common.scenarios): rtcpc offers audio+video+data and
webrtcbin answers; then rtcpc stops a transceiver, restarts ICE, and webrtcbin
re-offers; and webrtcbin offers audio+video+data, rtcpc answers, then
webrtcbin re-offers, or rtcpc does. webrtcbin 1.22 can neither stop a
transceiver nor restart ICE as the offerer (no API, no create-offer option),
so it does not run the scenarios where it would.

    apt-get install gstreamer1.0-plugins-bad gstreamer1.0-nice python3-gst-1.0 ...
    python3 tests/native/webrtcbin_test.py --library target/release/librtcpc.so [-v]

Debian's python3-gi is for Debian's /usr/bin/python3: run by another Python
(pyenv) that cannot import gi, the test runs itself again with that one.
A missing module or GStreamer element fails (exit 1), it never skips. The
last line is "N passed, N failed".
"""

import argparse
import ctypes
import faulthandler
import os
import sys
import threading
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from native_common import (Stage, common_args, fail_setup, load_rtcpc,  # noqa: E402
                           parse_sdp, run_rounds_scenarios, summary)

TESTED = '1.22.0'           # Debian bookworm (tests/native/README.md)
SYSTEM_PYTHON = '/usr/bin/python3'
APT = ('gstreamer1.0-plugins-bad gstreamer1.0-nice gstreamer1.0-plugins-base '
       'gstreamer1.0-plugins-good gir1.2-gst-plugins-bad-1.0 gir1.2-gst-plugins-base-1.0 '
       'python3-gi python3-gst-1.0')
# What webrtcbin needs to offer, answer and gather (a missing one fails the test).
ELEMENTS = ('webrtcbin', 'nicesrc', 'nicesink', 'dtlsenc', 'dtlsdec', 'sctpenc', 'sctpdec',
            'rtpbin', 'rtpfunnel')
# Codec preferences of its transceivers (with a payload type: OFFER_PT when it
# offers, the offer's when it answers).
CODECS = {'audio': 'application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,'
                   'encoding-params=(string)2',
          'video': 'application/x-rtp,media=video,encoding-name=VP8,clock-rate=90000'}
OFFER_PT = {'audio': 96, 'video': 97}

Gst = GstSdp = GstWebRTC = None


def import_gi():
    """Imports PyGObject and GStreamer's bindings; None, or why not."""
    global Gst, GstSdp, GstWebRTC
    try:
        import gi
        gi.require_version('Gst', '1.0')
        gi.require_version('GstSdp', '1.0')
        gi.require_version('GstWebRTC', '1.0')
        from gi.repository import Gst as _Gst, GstSdp as _GstSdp, GstWebRTC as _GstWebRTC
    except (ImportError, ValueError) as e:
        return '%s: %s' % (type(e).__name__, e)
    Gst, GstSdp, GstWebRTC = _Gst, _GstSdp, _GstWebRTC
    Gst.init(None)
    return None


def _g_object_ref(obj):
    """g_object_ref on a PyGObject wrapper's object (see WebrtcbinPeer._kept)."""
    gobject = ctypes.CDLL('libgobject-2.0.so.0')
    gobject.g_object_ref.argtypes = [ctypes.c_void_p]
    gobject.g_object_ref.restype = ctypes.c_void_p
    pointer = ctypes.pythonapi.PyCapsule_GetPointer
    pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    pointer.restype = ctypes.c_void_p
    gobject.g_object_ref(pointer(obj.__gpointer__, None))


def _nick(enum_value):
    return enum_value.value_nick if enum_value is not None else None


class WebrtcbinPeer:
    """One webrtcbin in its own pipeline (native_common.Peer)."""

    name = 'webrtcbin'
    # webrtcbin 1.22 can neither stop a transceiver nor restart ICE as the
    # offerer (create-offer has no such option: its offers keep their
    # credentials); it answers ICE restarts. After rtcpc stopped a
    # transceiver it re-offers that m-line with its old mid (bundle-only,
    # sendrecv; JSEP 5.2.2 wants a new mid) and then refuses any answer that
    # changes the m-line's direction ("transceiver direction changes are not
    # implemented"), whatever rtcpc answers: no peer re-offer after a stop.
    capabilities = {'stop': False, 'ice_restart': False, 'reoffer_after_stop': False}

    def __init__(self, timeout):
        self.timeout = timeout
        self.created = None
        self.kept = {}
        self.channels = 0
        self.pipe = Gst.Pipeline.new('rtcpc-test')
        self.webrtc = Gst.ElementFactory.make('webrtcbin', 'webrtc')
        if self.webrtc is None:
            raise Stage('webrtcbin: cannot make the element')
        self.webrtc.set_property('bundle-policy', GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
        self.pipe.add(self.webrtc)
        if self.pipe.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            raise Stage('webrtcbin: the pipeline does not go to PLAYING%s' % self._bus_errors())

    def _bus_errors(self):
        bus = self.pipe.get_bus()
        out = []
        while True:
            msg = bus.pop_filtered(Gst.MessageType.ERROR | Gst.MessageType.WARNING)
            if msg is None:
                break
            if msg.type == Gst.MessageType.ERROR:
                err, dbg = msg.parse_error()
            else:
                err, dbg = msg.parse_warning()
            out.append('%s (%s)' % (err.message, dbg))
        return ('; bus: ' + '; '.join(out)) if out else ''

    def _promise(self, what, signal, *args, field=None):
        """Emits an action signal with a promise and waits for its reply; the
        SDP text of the description in the reply's `field`. The reply belongs
        to the promise: only Python strings leave this function (a wrapper of
        a value in the reply would outlive it)."""
        done = threading.Event()
        promise = Gst.Promise.new_with_change_func(lambda _p: done.set())
        self.webrtc.emit(signal, *args, promise)
        if not done.wait(self.timeout):
            promise.interrupt()
            raise Stage('webrtcbin %s: timed out after %ss' % (what, self.timeout))
        result = promise.wait()
        if result != Gst.PromiseResult.REPLIED:
            raise Stage('webrtcbin %s: promise %s%s' % (what, _nick(result), self._bus_errors()))
        reply = promise.get_reply()
        if reply is not None and reply.has_field('error'):
            raise Stage('webrtcbin %s: %s' % (what, self._error_text(reply)))
        if field is None:
            return None
        if reply is None or not reply.has_field(field):
            raise Stage('webrtcbin %s: no %s in the reply%s' % (what, field, self._bus_errors()))
        desc = reply.get_value(field)
        text = desc.sdp.as_text()
        del desc, reply
        return text

    @staticmethod
    def _error_text(reply):
        try:
            err = reply.get_value('error')
            return getattr(err, 'message', None) or str(err)
        except (TypeError, ValueError):
            return reply.to_string()

    def _description(self, type_, sdp):
        res, msg = GstSdp.SDPMessage.new_from_text(sdp)
        if res != GstSdp.SDPResult.OK:
            raise Stage('webrtcbin: GstSdp cannot parse the %s (%s)' % (type_, _nick(res)))
        kind = {'offer': GstWebRTC.WebRTCSDPType.OFFER,
                'answer': GstWebRTC.WebRTCSDPType.ANSWER}[type_]
        return GstWebRTC.WebRTCSessionDescription.new(kind, msg)

    def _add_transceiver(self, kind, offer_pt):
        caps = CODECS[kind] + (',payload=%d' % offer_pt if offer_pt else '')
        self.webrtc.emit('add-transceiver', GstWebRTC.WebRTCRTPTransceiverDirection.SENDRECV,
                         Gst.Caps.from_string(caps))

    def _kept(self, prop):
        """webrtcbin's 'sctp-transport' or 'ice-agent' object, or None.
        webrtcbin 1.22 keeps these with the floating reference they were made
        with, so the first Python wrapper takes that reference for itself (and
        frees the object when it goes): then one more reference is added for
        webrtcbin, and this one wrapper kept until close."""
        if self.kept.get(prop) is None:
            obj = self.webrtc.get_property(prop)
            if obj is None:
                return None
            if obj.__grefcount__ == 1:
                _g_object_ref(obj)
            self.kept[prop] = obj
        return self.kept[prop]

    def _ice_role(self):
        """The ICE agent's role: libnice's controlling-mode. (The transports'
        GstWebRTCICETransport.role field is not kept up to date in 1.22.)"""
        agent = self._kept('ice-agent')
        nice = agent.get_property('agent') if agent is not None else None
        if nice is None:
            return None
        return 'controlling' if nice.get_property('controlling-mode') else 'controlled'

    def transceivers(self):
        out, i = [], 0
        while True:
            t = self.webrtc.emit('get-transceiver', i)
            if t is None:
                return out
            out.append(t)
            i += 1

    # -- native_common.Peer
    def setup_offer(self):
        for kind in ('audio', 'video'):
            self._add_transceiver(kind, OFFER_PT[kind])
        self._data_channel()

    def _data_channel(self):
        if self.webrtc.emit('create-data-channel', 'chat', None) is None:
            raise Stage('webrtcbin create-data-channel: no channel%s' % self._bus_errors())
        self.channels += 1

    def prepare_answer(self, offer_sdp):
        # A sendrecv transceiver for each offered audio/video m-section with
        # no transceiver yet (webrtcbin takes an unassociated one of the kind,
        # else makes a receive-only one), its codec preferences with the
        # offer's payload type: webrtcbin needs one to offer on it later.
        have = {}
        for t in self.transceivers():
            kind = _nick(t.get_property('kind'))
            have[kind] = have.get(kind, 0) + 1
        for m in parse_sdp(offer_sdp)['media']:
            if m['kind'] not in CODECS:
                continue
            if have.get(m['kind'], 0) > 0:
                have[m['kind']] -= 1
                continue
            name = 'OPUS' if m['kind'] == 'audio' else 'VP8'
            pts = [pt for pt, n, _, _ in m['rtpmap'] if n.upper() == name]
            self._add_transceiver(m['kind'], pts[0] if pts else None)

    def after_remote_offer(self):
        pass

    def create_offer(self, ice_restart=False):
        if ice_restart:
            self.restart_ice()
        # webrtcbin 1.22 leaves the negotiated m=application out of its offer
        # when it has no data channel of its own (it answered one, no channel
        # was opened): then its own set-local-description refuses that offer
        # ("m=lines removed from the SDP"). A channel keeps the m-section.
        current = self.webrtc.get_property('current-remote-description')
        if (self.channels == 0 and current is not None and any(
                m['kind'] == 'application' and m['port'] != 0
                for m in parse_sdp(current.sdp.as_text())['media'])):
            self._data_channel()
        self.created = ('offer', self._promise('create-offer', 'create-offer', None,
                                               field='offer'))
        return self.created[1]

    def create_answer(self):
        self.created = ('answer', self._promise('create-answer', 'create-answer', None,
                                                field='answer'))
        return self.created[1]

    def set_local(self, type_):
        if not self.created or self.created[0] != type_:
            raise Stage('webrtcbin set-local-description(%s): none created' % type_)
        # The description made from the text create-offer/-answer gave.
        self._promise('set-local-description(%s)' % type_, 'set-local-description',
                      self._description(type_, self.created[1]))
        self.created = None
        # Its host candidates go into the local description as gathered.
        deadline = time.monotonic() + self.timeout
        while (self.webrtc.get_property('ice-gathering-state')
               != GstWebRTC.WebRTCICEGatheringState.COMPLETE):
            if time.monotonic() > deadline:
                raise Stage('webrtcbin ICE gathering: not complete after %ss' % self.timeout)
            time.sleep(0.05)
        return self.webrtc.get_property('local-description').sdp.as_text()

    def set_remote(self, type_, sdp):
        self._promise('set-remote-description(%s from rtcpc)' % type_,
                      'set-remote-description', self._description(type_, sdp))

    def stop(self, mid):
        raise Stage('webrtcbin 1.22 has no way to stop a transceiver')

    def restart_ice(self):
        raise Stage('webrtcbin 1.22 has no way to restart ICE as the offerer')

    def signaling_state(self):
        return _nick(self.webrtc.get_property('signaling-state'))

    def view(self):
        transceivers, transports = {}, {}

        ice_role = self._ice_role()

        def transport(dtls):
            return {'id': dtls.get_property('name'),
                    'dtls_role': 'client' if dtls.get_property('client') else 'server',
                    'ice_role': ice_role}
        for t in self.transceivers():
            mid = t.get_property('mid')
            if mid is None:
                continue
            current = t.get_property('current-direction')
            transceivers[mid] = {
                'kind': _nick(t.get_property('kind')),
                'current_direction': None if _nick(current) == 'none' else _nick(current),
                'stopped': None, 'codecs': None}
            dtls = t.get_property('receiver').get_property('transport')
            if dtls is not None:
                transports[mid] = transport(dtls)
        sctp = self._kept('sctp-transport')
        if sctp is not None:
            desc = self.webrtc.get_property('local-description')
            for m in parse_sdp(desc.sdp.as_text())['media'] if desc else []:
                if m['kind'] == 'application' and m['mid'] is not None:
                    transports[m['mid']] = transport(sctp.get_property('transport'))
        return {'name': 'webrtcbin', 'transceivers': transceivers, 'transports': transports,
                'sctp': sctp is not None,
                # webrtcbin keeps the negotiated codecs to itself (the
                # transceiver has only its codec-preferences caps), and its
                # transceivers have no stopped state in 1.22's API.
                'unknown': {'codecs': 'webrtcbin does not report negotiated codecs',
                            'stopped': 'webrtcbin 1.22 transceivers have no stopped state'}}

    def close(self):
        self.pipe.set_state(Gst.State.NULL)
        self.pipe = self.webrtc = None
        self.kept = {}          # after webrtcbin's references went with it


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    common_args(ap, 'webrtcbin')
    args = ap.parse_args()

    why = import_gi()
    if why is not None:
        # Debian's python3-gi is built for Debian's Python: run again with it.
        if (os.path.exists(SYSTEM_PYTHON) and os.environ.get('RTCPC_WEBRTCBIN_REEXEC') != '1'
                and os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON)):
            print('(%s cannot import gi: running again with %s)' % (sys.executable,
                                                                    SYSTEM_PYTHON), flush=True)
            os.environ['RTCPC_WEBRTCBIN_REEXEC'] = '1'
            os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
        return fail_setup('PyGObject / GStreamer bindings missing (%s). Install them with:\n'
                          '  apt-get install %s' % (why, APT))
    faulthandler.enable()                                          # a crash in a C call
    faulthandler.dump_traceback_later(args.timeout, exit=True)   # a hang in a C call too
    missing = [e for e in ELEMENTS if Gst.ElementFactory.find(e) is None]
    if missing:
        return fail_setup('GStreamer elements missing: %s. Install them with:\n'
                          '  apt-get install %s' % (' '.join(missing), APT))
    plugin = Gst.Registry.get().find_plugin('webrtc')
    version = plugin.get_version() if plugin else '?'
    print('webrtcbin %s (GStreamer %s, Python %s %s)%s'
          % (version, Gst.version_string().split()[-1], sys.executable,
             sys.version.split()[0], '' if version == TESTED else
             ' -- note: tested with %s' % TESTED))

    loaded = load_rtcpc(args.library)
    if loaded is None:
        return fail_setup('no rtcpc library at %s (cargo build --release)' % args.library)
    R, lib = loaded
    results = run_rounds_scenarios(R, lib, 'webrtcbin', lambda: WebrtcbinPeer(args.step_timeout),
                                   WebrtcbinPeer.capabilities, args)
    return summary(results, args)


if __name__ == '__main__':
    sys.exit(main())
