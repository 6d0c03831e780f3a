"""A small ctypes binding to librtcpc.so (include/rtcpc.h), for the browser tests.

    lib = load('target/release/librtcpc.so')
    pc = PeerConnection(lib)
    pc.set_remote_description('offer', offer_sdp)
    pc.add_track('video', 'track-0', 'stream-0')
    answer = pc.create_answer()
    pc.set_local_description('answer', answer)
    pc.negotiation()          # plain dicts/lists, the snapshot is freed at once
    pc.close(); pc.free()

The offering side (offer_test.py):

    pc.add_track('audio', 'track-0', 'stream-0'); pc.request_data_channels()
    offer = pc.create_offer(ice_restart=False)
    pc.set_local_description('offer')            # '' = the offer createOffer made
    pc.set_remote_description('answer', answer)  # or 'pranswer', or 'rollback'
    pc.negotiation()                             # + ice_role, local_* per section

The structs below mirror include/rtcpc.h field by field (order and types);
the C enums are `int`. Calls with callbacks check the header's contract:
exactly one callback, exactly once, before the call returns, and a return
code equal to the outcome; a violation raises ContractViolation. A failure
raises RtcError(code, name, message) with the failure callback's error.
"""

import ctypes
from ctypes import (POINTER, Structure, c_bool, c_char, c_char_p, c_int, c_int16,
                    c_int32, c_size_t, c_uint8, c_uint16, c_uint32, c_uint64, c_void_p)

# ------------------------------------------------------------------ enums

ERROR_CODES = {
    0: 'RTC_OK', 1: 'RTC_ERROR_INVALID_ARGUMENT', 2: 'RTC_ERROR_INVALID_STATE',
    3: 'RTC_ERROR_INVALID_ACCESS', 4: 'RTC_ERROR_INVALID_MODIFICATION',
    5: 'RTC_ERROR_SYNTAX', 6: 'RTC_ERROR_OPERATION', 7: 'RTC_ERROR_NOT_READABLE',
    8: 'RTC_ERROR_INTERNAL',
}
RTC_OK = 0

DIRECTIONS = ['sendrecv', 'sendonly', 'recvonly', 'inactive', 'stopped', None]  # rtc_direction
DIRECTION_VALUES = {d: i for i, d in enumerate(DIRECTIONS) if d}
DTLS_ROLES = ['client', 'server']                                          # rtc_dtls_role
ICE_ROLES = ['controlling', 'controlled']                                  # rtc_ice_role
SIGNALING_STATES = ['stable', 'have-local-offer', 'have-remote-offer',
                    'have-local-pranswer', 'have-remote-pranswer', 'closed']
SDP_TYPES = {'offer': 0, 'pranswer': 1, 'answer': 2, 'rollback': 3}        # rtc_sdp_type
SDP_TYPE_NAMES = {v: k for k, v in SDP_TYPES.items()}
MEDIA_KINDS = {'audio': 0, 'video': 1}                                     # rtc_media_kind
MEDIA_KIND_NAMES = {v: k for k, v in MEDIA_KINDS.items()}
BUNDLE_POLICIES = {'balanced': 0, 'max-compat': 1, 'max-bundle': 2}       # rtc_bundle_policy
DESCRIPTION_SLOTS = {'local': 0, 'remote': 1, 'current_local': 2, 'pending_local': 3,
                     'current_remote': 4, 'pending_remote': 5}


# ------------------------------------------------------------------ structs

class rtc_codec(Structure):
    _fields_ = [
        ('name', c_char_p),
        ('clock_rate', c_uint32),
        ('channels', c_uint32),
        ('fmtp', c_char_p),
        ('rtcp_feedback', POINTER(c_char_p)),
        ('rtcp_feedback_count', c_size_t),
    ]


class rtc_codec_parameters(Structure):
    _fields_ = [
        ('payload_type', c_uint8),
        ('name', c_char_p),
        ('clock_rate', c_uint32),
        ('channels', c_uint32),
        ('fmtp', c_char_p),
        ('remote_fmtp', c_char_p),
        ('associated_payload_type', c_int16),
        ('rtcp_feedback', POINTER(c_char_p)),
        ('rtcp_feedback_count', c_size_t),
    ]


class rtc_header_extension(Structure):
    _fields_ = [('id', c_uint16), ('uri', c_char_p)]


class rtc_simulcast_rid(Structure):
    _fields_ = [('rid', c_char_p), ('layer', c_size_t), ('paused', c_bool)]


class rtc_ssrc_group(Structure):
    _fields_ = [('semantics', c_char_p), ('ssrcs', POINTER(c_uint32)),
                ('ssrc_count', c_size_t)]


class rtc_negotiated_section(Structure):
    _fields_ = [
        ('index', c_size_t),
        ('mid', c_char_p),
        ('media', c_char_p),
        ('protocol', c_char_p),
        ('accepted', c_bool),
        ('reason', c_char_p),
        ('direction', c_int),
        ('codecs', POINTER(rtc_codec_parameters)),
        ('codec_count', c_size_t),
        ('extensions', POINTER(rtc_header_extension)),
        ('extension_count', c_size_t),
        ('simulcast_rids', POINTER(rtc_simulcast_rid)),
        ('simulcast_rid_count', c_size_t),
        ('remote_ssrcs', POINTER(c_uint32)),
        ('remote_ssrc_count', c_size_t),
        ('remote_ssrc_groups', POINTER(rtc_ssrc_group)),
        ('remote_ssrc_group_count', c_size_t),
        ('remote_msid_stream', c_char_p),
        ('remote_msid_track', c_char_p),
        ('transport_index', c_size_t),
        ('bundled', c_bool),
        ('remote_ice_ufrag', c_char_p),
        ('remote_ice_pwd', c_char_p),
        ('remote_candidates', POINTER(c_char_p)),
        ('remote_candidate_count', c_size_t),
        ('remote_end_of_candidates', c_bool),
        ('remote_fingerprints', POINTER(c_char_p)),
        ('remote_fingerprint_count', c_size_t),
        ('sctp_port', c_uint16),
        ('max_message_size', c_uint64),
        # Appended for the offering side (issue 15), in the header's order.
        ('local_ice_ufrag', c_char_p),
        ('local_ice_pwd', c_char_p),
        ('ice_role', c_int),
        ('local_candidates', POINTER(c_char_p)),
        ('local_candidate_count', c_size_t),
        ('local_fingerprints', POINTER(c_char_p)),
        ('local_fingerprint_count', c_size_t),
        ('dtls_role', c_int),
        ('local_ssrcs', POINTER(c_uint32)),
        ('local_ssrc_count', c_size_t),
        ('local_ssrc_groups', POINTER(rtc_ssrc_group)),
        ('local_ssrc_group_count', c_size_t),
        ('local_cname', c_char_p),
        ('local_msid_stream', c_char_p),
        ('local_msid_track', c_char_p),
        ('local_sctp_port', c_uint16),
        ('simulcast_fallback', c_bool),
        ('ice_restarted', c_bool),
        # Appended for subsequent exchanges (issue 20).
        ('local_ice_restarted', c_bool),
        ('remote_ice_restarted', c_bool),
        ('tolerated', POINTER(c_char_p)),
        ('tolerated_count', c_size_t),
        ('send_simulcast_rids', POINTER(rtc_simulcast_rid)),
        ('send_simulcast_rid_count', c_size_t),
    ]


class rtc_session_description(Structure):
    _fields_ = [('type', c_int), ('sdp', c_char_p)]


class rtc_error(Structure):
    _fields_ = [('code', c_int), ('name', c_char_p), ('message', c_char_p),
                ('error_detail', c_char_p), ('sdp_line_number', c_int)]


class rtc_answer_options(Structure):
    _fields_ = [('voice_activity_detection', c_bool), ('ice_restart', c_bool),
                ('offer_to_receive_audio', c_int32), ('offer_to_receive_video', c_int32)]


class rtc_offer_options(Structure):
    _fields_ = [('ice_restart', c_bool), ('voice_activity_detection', c_bool),
                ('offer_to_receive_audio', c_int32), ('offer_to_receive_video', c_int32)]


class rtc_transceiver_init(Structure):
    _fields_ = [
        ('direction', c_int),
        ('stream_ids', POINTER(c_char_p)),
        ('stream_id_count', c_size_t),
        ('rids', POINTER(c_char_p)),
        ('rid_count', c_size_t),
    ]


class rtc_transceiver_info(Structure):
    _fields_ = [
        ('kind', c_int),
        ('direction', c_int),
        ('current_direction', c_int),
        ('stopped', c_bool),
        ('has_track', c_bool),
    ]


rtc_void_callback = ctypes.CFUNCTYPE(None, c_void_p)
rtc_error_callback = ctypes.CFUNCTYPE(None, POINTER(rtc_error), c_void_p)
rtc_session_description_callback = ctypes.CFUNCTYPE(
    None, POINTER(rtc_session_description), c_void_p)


class rtc_track_event(Structure):
    _fields_ = [('removed', c_bool), ('transceiver_index', c_size_t), ('mid', c_char_p),
                ('stream_ids', POINTER(c_char_p)), ('stream_id_count', c_size_t),
                ('track_id', c_char_p)]


rtc_signaling_state_callback = ctypes.CFUNCTYPE(None, c_int, c_void_p)
rtc_track_callback = ctypes.CFUNCTYPE(None, POINTER(rtc_track_event), c_void_p)

# name: (restype, argtypes)
_PROTOTYPES = {
    'rtc_configuration_new': (c_void_p, []),
    'rtc_configuration_free': (None, [c_void_p]),
    'rtc_configuration_set_ice_lite': (c_int, [c_void_p, c_bool]),
    'rtc_configuration_set_bundle_policy': (c_int, [c_void_p, c_int]),
    'rtc_configuration_set_ice_credentials': (c_int, [c_void_p, c_char_p, c_char_p]),
    'rtc_configuration_add_local_candidate': (c_int, [c_void_p, c_char_p, c_char_p]),
    'rtc_configuration_generate_shared_certificate': (c_int, [c_void_p]),
    'rtc_pc_negotiation': (c_void_p, [c_void_p]),
    'rtc_negotiation_free': (None, [c_void_p]),
    'rtc_negotiation_section_count': (c_size_t, [c_void_p]),
    'rtc_negotiation_section': (POINTER(rtc_negotiated_section), [c_void_p, c_size_t]),
    'rtc_negotiation_dtls_role': (c_int, [c_void_p]),
    'rtc_negotiation_ice_role': (c_int, [c_void_p]),
    'rtc_pc_new': (c_void_p, [c_void_p]),
    'rtc_pc_close': (None, [c_void_p]),
    'rtc_pc_free': (None, [c_void_p]),
    'rtc_pc_signaling_state': (c_int, [c_void_p]),
    'rtc_pc_set_remote_description': (c_int, [c_void_p, POINTER(rtc_session_description),
                                              rtc_void_callback, rtc_error_callback, c_void_p]),
    'rtc_answer_options_init': (None, [POINTER(rtc_answer_options)]),
    'rtc_pc_create_answer': (c_int, [c_void_p, rtc_session_description_callback,
                                     rtc_error_callback, POINTER(rtc_answer_options), c_void_p]),
    'rtc_offer_options_init': (None, [POINTER(rtc_offer_options)]),
    'rtc_pc_create_offer': (c_int, [c_void_p, rtc_session_description_callback,
                                    rtc_error_callback, POINTER(rtc_offer_options), c_void_p]),
    'rtc_pc_request_data_channels': (c_int, [c_void_p]),
    'rtc_error_name': (c_char_p, [c_int]),
    'rtc_pc_negotiation_needed': (c_bool, [c_void_p]),
    'rtc_pc_set_local_description': (c_int, [c_void_p, POINTER(rtc_session_description),
                                             rtc_void_callback, rtc_error_callback, c_void_p]),
    'rtc_pc_add_track': (c_int, [c_void_p, c_int, c_char_p, c_char_p]),
    'rtc_pc_description': (c_size_t, [c_void_p, c_int, POINTER(c_int), POINTER(c_char),
                                      c_size_t]),
    'rtc_pc_transceiver_count': (c_size_t, [c_void_p]),
    'rtc_pc_transceiver_kind': (c_int, [c_void_p, c_size_t, POINTER(c_int)]),
    'rtc_pc_transceiver_mid': (c_size_t, [c_void_p, c_size_t, POINTER(c_char), c_size_t]),
    'rtc_pc_add_transceiver': (c_int, [c_void_p, c_int, POINTER(rtc_transceiver_init),
                                       POINTER(c_size_t)]),
    'rtc_pc_transceiver_index': (c_int, [c_void_p, c_char_p, POINTER(c_size_t)]),
    'rtc_pc_transceiver_info': (c_int, [c_void_p, c_size_t, POINTER(rtc_transceiver_info)]),
    'rtc_pc_transceiver_set_direction': (c_int, [c_void_p, c_size_t, c_int]),
    'rtc_pc_transceiver_stop': (c_int, [c_void_p, c_size_t]),
    'rtc_pc_transceiver_set_codec_preferences': (c_int, [c_void_p, c_size_t,
                                                         POINTER(rtc_codec), c_size_t]),
    'rtc_pc_add_ice_candidate': (c_int, [c_void_p, c_char_p, c_char_p, c_int32,
                                         rtc_void_callback, rtc_error_callback, c_void_p]),
    'rtc_pc_add_local_candidate': (c_int, [c_void_p, c_char_p, c_char_p]),
    'rtc_pc_add_track_with_streams': (c_int, [c_void_p, c_int, c_char_p, POINTER(c_char_p),
                                              c_size_t, POINTER(c_size_t)]),
    'rtc_pc_remove_track': (c_int, [c_void_p, c_size_t]),
    'rtc_pc_restart_ice': (c_int, [c_void_p]),
    'rtc_pc_replace_track': (c_int, [c_void_p, c_size_t, c_int, c_char_p]),
    'rtc_pc_sender_set_streams': (c_int, [c_void_p, c_size_t, POINTER(c_char_p), c_size_t]),
    'rtc_pc_set_signaling_state_callback': (c_int, [c_void_p, rtc_signaling_state_callback,
                                                    c_void_p]),
    'rtc_pc_set_track_callback': (c_int, [c_void_p, rtc_track_callback, c_void_p]),
    'rtc_pc_set_negotiation_needed_callback': (c_int, [c_void_p, rtc_void_callback, c_void_p]),
}


_LIB = []   # the loaded library, for _error_name


def load(path):
    """Loads librtcpc.so and declares the prototypes used here."""
    lib = ctypes.CDLL(path)
    for name, (restype, argtypes) in _PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    _LIB[:] = [lib]
    return lib


def _error_name(rc):
    """The name rtcpc gives a code (rtc_error_name), for calls that only return one."""
    return _LIB[0].rtc_error_name(rc).decode() or 'UnknownError'


# ------------------------------------------------------------------ errors

class RtcError(Exception):
    """A failed call: the rtc_error_code and the failure callback's name/message."""

    def __init__(self, code, name, message, call=''):
        self.code, self.name, self.message, self.call = code, name, message, call
        super().__init__('%s: %s: %s (%s)' % (call, name, message, ERROR_CODES.get(code, code)))


class ContractViolation(Exception):
    """The library broke the header's callback contract."""


def _s(b):
    return None if b is None else b.decode('utf-8', errors='replace')


def _enc(s):
    return None if s is None else s.encode()


def _strings(ptr, n):
    return [_s(ptr[i]) for i in range(n)] if n else []


def _str_array(items):
    items = list(items or [])
    if not items:
        return None, 0, None
    arr = (c_char_p * len(items))(*[_enc(x) for x in items])
    return ctypes.cast(arr, POINTER(c_char_p)), len(items), arr


def _direction(value):
    return DIRECTIONS[value] if 0 <= value < len(DIRECTIONS) else 'invalid(%d)' % value


def _kind(kind):
    if kind not in MEDIA_KINDS:
        raise ValueError('kind must be audio or video, not %r' % (kind,))
    return MEDIA_KINDS[kind]


class _Call:
    """Callbacks for one call; records what the library called."""

    def __init__(self, what):
        self.what = what
        self.calls = []          # 'success' / 'failure', in order
        self.error = None
        self.description = None
        self.void_success = rtc_void_callback(self._on_void)
        self.failure = rtc_error_callback(self._on_failure)
        self.desc_success = rtc_session_description_callback(self._on_description)

    def _on_void(self, _user):
        self.calls.append('success')

    def _on_failure(self, err, _user):
        self.calls.append('failure')
        e = err.contents if err else None
        self.error = (e.code, _s(e.name), _s(e.message)) if e else (None, None, None)

    def _on_description(self, desc, _user):
        self.calls.append('success')
        d = desc.contents if desc else None
        self.description = (SDP_TYPE_NAMES.get(d.type, d.type), _s(d.sdp)) if d else None

    def finish(self, rc):
        if len(self.calls) != 1:
            raise ContractViolation('%s: callbacks called %r (rc=%s); want exactly one'
                                    % (self.what, self.calls, ERROR_CODES.get(rc, rc)))
        if (rc == RTC_OK) != (self.calls[0] == 'success'):
            raise ContractViolation('%s: return code %s but %s callback called'
                                    % (self.what, ERROR_CODES.get(rc, rc), self.calls[0]))
        if rc != RTC_OK:
            code, name, message = self.error
            if code != rc:
                raise ContractViolation('%s: return code %s but error->code %s'
                                        % (self.what, ERROR_CODES.get(rc, rc),
                                           ERROR_CODES.get(code, code)))
            raise RtcError(rc, name, message, self.what)


def _check_rc(rc, what):
    if rc != RTC_OK:
        raise RtcError(rc, _error_name(rc), '%s returned %s'
                       % (what, ERROR_CODES.get(rc, rc)), what)


# ------------------------------------------------------------------ peer connection

class PeerConnection:
    def __init__(self, lib, ice_lite=False, local_candidates=(), ice_credentials=None,
                 bundle_policy=None):
        """bundle_policy: None (the library's default), 'balanced', 'max-compat' or
        'max-bundle' (rtc_configuration_set_bundle_policy)."""
        self.lib = lib
        cfg = lib.rtc_configuration_new()
        if not cfg:
            raise RuntimeError('rtc_configuration_new returned NULL')
        try:
            if ice_lite:
                _check_rc(lib.rtc_configuration_set_ice_lite(cfg, True), 'set_ice_lite')
            if bundle_policy is not None:
                if bundle_policy not in BUNDLE_POLICIES:
                    raise ValueError('bundle_policy must be one of %s, not %r'
                                     % (sorted(BUNDLE_POLICIES), bundle_policy))
                _check_rc(lib.rtc_configuration_set_bundle_policy(
                    cfg, BUNDLE_POLICIES[bundle_policy]), 'set_bundle_policy')
            if ice_credentials:
                _check_rc(lib.rtc_configuration_set_ice_credentials(
                    cfg, _enc(ice_credentials[0]), _enc(ice_credentials[1])),
                    'set_ice_credentials')
            for c in local_candidates:
                _check_rc(lib.rtc_configuration_add_local_candidate(cfg, _enc(c), None),
                          'add_local_candidate')
            self.pc = lib.rtc_pc_new(cfg)
        finally:
            lib.rtc_configuration_free(cfg)
        if not self.pc:
            raise RuntimeError('rtc_pc_new returned NULL')
        self._listen()

    # -- events (W3C signalingstatechange, track, negotiationneeded), in order
    def _listen(self):
        self.events = []

        def on_state(state, _user):
            self.events.append({'event': 'signalingstatechange',
                                'state': SIGNALING_STATES[state]})

        def on_track(ev, _user):
            e = ev.contents
            self.events.append({'event': 'track-removed' if e.removed else 'track',
                                'index': e.transceiver_index, 'mid': _s(e.mid),
                                'stream_ids': _strings(e.stream_ids, e.stream_id_count),
                                'track_id': _s(e.track_id)})

        def on_needed(_user):
            self.events.append({'event': 'negotiationneeded'})
        # The CFUNCTYPE objects live as long as the connection.
        self._callbacks = (rtc_signaling_state_callback(on_state), rtc_track_callback(on_track),
                           rtc_void_callback(on_needed))
        _check_rc(self.lib.rtc_pc_set_signaling_state_callback(self.pc, self._callbacks[0], None),
                  'set_signaling_state_callback')
        _check_rc(self.lib.rtc_pc_set_track_callback(self.pc, self._callbacks[1], None),
                  'set_track_callback')
        _check_rc(self.lib.rtc_pc_set_negotiation_needed_callback(self.pc, self._callbacks[2],
                                                                  None),
                  'set_negotiation_needed_callback')

    def take_events(self):
        events, self.events = self.events, []
        return events

    # -- lifetime
    def close(self):
        if self.pc:
            self.lib.rtc_pc_close(self.pc)

    def free(self):
        if self.pc:
            self.lib.rtc_pc_free(self.pc)
            self.pc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.free()

    def signaling_state(self):
        return SIGNALING_STATES[self.lib.rtc_pc_signaling_state(self.pc)]

    # -- offer/answer
    def _description_call(self, fn, what, type_, sdp):
        call = _Call(what)
        desc = rtc_session_description(SDP_TYPES[type_], _enc(sdp))
        rc = fn(self.pc, ctypes.byref(desc), call.void_success, call.failure, None)
        call.finish(rc)

    def set_remote_description(self, type_, sdp=None):
        """type_: 'offer' (in stable; in have-local-offer: glare, the local offer is
        rolled back first), 'answer' or 'pranswer' (to our offer, in have-local-offer
        or have-remote-pranswer) or 'rollback' (sdp may be None)."""
        if type_ not in SDP_TYPES:
            raise ValueError('type must be one of %s, not %r' % (sorted(SDP_TYPES), type_))
        self._description_call(self.lib.rtc_pc_set_remote_description,
                               'setRemoteDescription(%s)' % type_, type_, sdp)

    def set_local_description(self, type_, sdp=''):
        """type_: 'answer'/'pranswer' ('' = the one createAnswer made), 'offer'
        ('' = the one createOffer made) or 'rollback'."""
        if type_ not in SDP_TYPES:
            raise ValueError('type must be one of %s, not %r' % (sorted(SDP_TYPES), type_))
        self._description_call(self.lib.rtc_pc_set_local_description,
                               'setLocalDescription(%s)' % type_, type_, sdp)

    def create_offer(self, ice_restart=False, voice_activity_detection=True,
                     offer_to_receive_audio=None, offer_to_receive_video=None):
        """rtc_pc_create_offer with rtc_offer_options (rtc_offer_options_init's
        defaults for what is not given; None = -1, not given). Returns the SDP."""
        call = _Call('createOffer')
        opts = rtc_offer_options()
        self.lib.rtc_offer_options_init(ctypes.byref(opts))
        opts.ice_restart = bool(ice_restart)
        opts.voice_activity_detection = bool(voice_activity_detection)
        if offer_to_receive_audio is not None:
            opts.offer_to_receive_audio = int(offer_to_receive_audio)
        if offer_to_receive_video is not None:
            opts.offer_to_receive_video = int(offer_to_receive_video)
        rc = self.lib.rtc_pc_create_offer(self.pc, call.desc_success, call.failure,
                                          ctypes.byref(opts), None)
        call.finish(rc)
        type_, sdp = call.description
        if type_ != 'offer':
            raise ContractViolation('createOffer gave a description of type %r' % (type_,))
        return sdp

    def offer_options_defaults(self):
        """What rtc_offer_options_init fills in, as a dict."""
        opts = rtc_offer_options()
        self.lib.rtc_offer_options_init(ctypes.byref(opts))
        return {k: getattr(opts, k) for k, _ in rtc_offer_options._fields_}

    def request_data_channels(self):
        _check_rc(self.lib.rtc_pc_request_data_channels(self.pc), 'requestDataChannels')

    def negotiation_needed(self):
        return bool(self.lib.rtc_pc_negotiation_needed(self.pc))

    def create_answer(self, voice_activity_detection=True):
        call = _Call('createAnswer')
        opts = rtc_answer_options()
        self.lib.rtc_answer_options_init(ctypes.byref(opts))
        opts.voice_activity_detection = voice_activity_detection
        rc = self.lib.rtc_pc_create_answer(self.pc, call.desc_success, call.failure,
                                           ctypes.byref(opts), None)
        call.finish(rc)
        type_, sdp = call.description
        if type_ != 'answer':
            raise ContractViolation('createAnswer gave a description of type %r' % (type_,))
        return sdp

    def description(self, slot='local'):
        """(type, sdp) of a description slot, or None."""
        t = c_int(-1)
        n = self.lib.rtc_pc_description(self.pc, DESCRIPTION_SLOTS[slot], ctypes.byref(t), None, 0)
        if n == 0:
            return None
        buf = ctypes.create_string_buffer(n + 1)
        n2 = self.lib.rtc_pc_description(self.pc, DESCRIPTION_SLOTS[slot], ctypes.byref(t), buf,
                                         n + 1)
        if n2 != n:
            raise ContractViolation('rtc_pc_description length changed: %d then %d' % (n, n2))
        return SDP_TYPE_NAMES.get(t.value, t.value), _s(buf.value)

    # -- tracks and transceivers
    def add_track(self, kind, track_id, stream_id=None):
        _check_rc(self.lib.rtc_pc_add_track(self.pc, _kind(kind), _enc(track_id),
                                            _enc(stream_id)), 'addTrack(%s)' % kind)

    def add_track_with_streams(self, kind, track_id, stream_ids):
        sp, sn, keep = _str_array(stream_ids)
        index = c_size_t(0)
        _check_rc(self.lib.rtc_pc_add_track_with_streams(self.pc, _kind(kind), _enc(track_id),
                                                         sp, sn, ctypes.byref(index)),
                  'addTrack(%s, %s)' % (kind, list(stream_ids)))
        del keep
        return index.value

    def restart_ice(self):
        _check_rc(self.lib.rtc_pc_restart_ice(self.pc), 'restartIce')

    def remove_track(self, index_or_mid):
        i = self._index(index_or_mid)
        _check_rc(self.lib.rtc_pc_remove_track(self.pc, i), 'removeTrack(%s)' % index_or_mid)

    def replace_track(self, index_or_mid, kind, track_id):
        i = self._index(index_or_mid)
        _check_rc(self.lib.rtc_pc_replace_track(self.pc, i, _kind(kind), _enc(track_id)),
                  'replaceTrack(%s, %s)' % (index_or_mid, track_id))

    def set_streams(self, index_or_mid, stream_ids):
        i = self._index(index_or_mid)
        sp, sn, keep = _str_array(stream_ids)
        _check_rc(self.lib.rtc_pc_sender_set_streams(self.pc, i, sp, sn),
                  'setStreams(%s, %s)' % (index_or_mid, list(stream_ids)))
        del keep

    def add_transceiver(self, kind, direction='sendrecv', stream_ids=(), rids=()):
        sp, sn, keep1 = _str_array(stream_ids)
        rp, rn, keep2 = _str_array(rids)
        init = rtc_transceiver_init(DIRECTION_VALUES[direction], sp, sn, rp, rn)
        index = c_size_t(0)
        _check_rc(self.lib.rtc_pc_add_transceiver(self.pc, _kind(kind), ctypes.byref(init),
                                                  ctypes.byref(index)),
                  'addTransceiver(%s)' % kind)
        del keep1, keep2
        return index.value

    def transceiver_count(self):
        return self.lib.rtc_pc_transceiver_count(self.pc)

    def transceiver_mid(self, index):
        n = self.lib.rtc_pc_transceiver_mid(self.pc, index, None, 0)
        if n == 0:
            return None
        buf = ctypes.create_string_buffer(n + 1)
        self.lib.rtc_pc_transceiver_mid(self.pc, index, buf, n + 1)
        return _s(buf.value)

    def transceiver_index(self, mid):
        index = c_size_t(0)
        _check_rc(self.lib.rtc_pc_transceiver_index(self.pc, _enc(mid), ctypes.byref(index)),
                  'transceiverIndex(%s)' % mid)
        return index.value

    def transceiver_info(self, index):
        info = rtc_transceiver_info()
        _check_rc(self.lib.rtc_pc_transceiver_info(self.pc, index, ctypes.byref(info)),
                  'transceiverInfo(%d)' % index)
        return {'index': index, 'mid': self.transceiver_mid(index),
                'kind': MEDIA_KIND_NAMES.get(info.kind, info.kind),
                'direction': _direction(info.direction),
                'current_direction': _direction(info.current_direction),
                'stopped': bool(info.stopped), 'has_track': bool(info.has_track)}

    def transceivers(self):
        return [self.transceiver_info(i) for i in range(self.transceiver_count())]

    def _index(self, index_or_mid):
        if isinstance(index_or_mid, str):
            return self.transceiver_index(index_or_mid)
        return index_or_mid

    def set_direction(self, index_or_mid, direction):
        i = self._index(index_or_mid)
        _check_rc(self.lib.rtc_pc_transceiver_set_direction(self.pc, i,
                                                            DIRECTION_VALUES[direction]),
                  'setDirection(%s, %s)' % (index_or_mid, direction))

    def stop(self, index_or_mid):
        i = self._index(index_or_mid)
        _check_rc(self.lib.rtc_pc_transceiver_stop(self.pc, i), 'stop(%s)' % index_or_mid)

    def set_codec_preferences(self, index_or_mid, codecs):
        """codecs: dicts with name, clock_rate, channels (0), fmtp (None), rtcp_feedback ([])."""
        i = self._index(index_or_mid)
        keep = []
        arr = (rtc_codec * max(len(codecs), 1))()
        for j, c in enumerate(codecs):
            fb, fbn, fbkeep = _str_array(c.get('rtcp_feedback'))
            keep.append(fbkeep)
            arr[j] = rtc_codec(_enc(c['name']), c['clock_rate'], c.get('channels', 0),
                               _enc(c.get('fmtp')), fb, fbn)
        _check_rc(self.lib.rtc_pc_transceiver_set_codec_preferences(
            self.pc, i, arr if codecs else None, len(codecs)),
            'setCodecPreferences(%s)' % index_or_mid)
        del keep

    # -- ICE
    def add_ice_candidate(self, candidate, mid=None, mline_index=-1):
        call = _Call('addIceCandidate')
        rc = self.lib.rtc_pc_add_ice_candidate(self.pc, _enc(candidate), _enc(mid), mline_index,
                                               call.void_success, call.failure, None)
        call.finish(rc)

    def add_local_candidate(self, candidate, mid=None):
        _check_rc(self.lib.rtc_pc_add_local_candidate(self.pc, _enc(candidate), _enc(mid)),
                  'addLocalCandidate')

    # -- negotiated parameters
    def negotiation(self):
        """What the current descriptions negotiated, as plain data (None before an answer)."""
        n = self.lib.rtc_pc_negotiation(self.pc)
        if not n:
            return None
        try:
            count = self.lib.rtc_negotiation_section_count(n)
            sections = []
            for i in range(count):
                p = self.lib.rtc_negotiation_section(n, i)
                if not p:
                    raise ContractViolation('rtc_negotiation_section(%d) is NULL, count %d'
                                            % (i, count))
                sections.append(_section(p.contents))
            if self.lib.rtc_negotiation_section(n, count):
                raise ContractViolation('rtc_negotiation_section(count) is not NULL')
            role = self.lib.rtc_negotiation_dtls_role(n)
            ice = self.lib.rtc_negotiation_ice_role(n)
            return {'dtls_role': DTLS_ROLES[role] if 0 <= role < 2 else 'invalid(%d)' % role,
                    'ice_role': ICE_ROLES[ice] if 0 <= ice < 2 else 'invalid(%d)' % ice,
                    'sections': sections}
        finally:
            self.lib.rtc_negotiation_free(n)


def _section(s):
    codecs = []
    for i in range(s.codec_count):
        c = s.codecs[i]
        codecs.append({
            'payload_type': c.payload_type, 'name': _s(c.name), 'clock_rate': c.clock_rate,
            'channels': c.channels, 'fmtp': _s(c.fmtp), 'remote_fmtp': _s(c.remote_fmtp),
            'associated_payload_type': c.associated_payload_type,
            'rtcp_feedback': _strings(c.rtcp_feedback, c.rtcp_feedback_count),
        })
    return {
        'index': s.index, 'mid': _s(s.mid), 'media': _s(s.media), 'protocol': _s(s.protocol),
        'accepted': bool(s.accepted), 'reason': _s(s.reason),
        'direction': _direction(s.direction),
        'codecs': codecs,
        'extensions': [{'id': s.extensions[i].id, 'uri': _s(s.extensions[i].uri)}
                       for i in range(s.extension_count)],
        'simulcast_rids': [{'rid': _s(s.simulcast_rids[i].rid),
                            'layer': s.simulcast_rids[i].layer,
                            'paused': bool(s.simulcast_rids[i].paused)}
                           for i in range(s.simulcast_rid_count)],
        'remote_ssrcs': [s.remote_ssrcs[i] for i in range(s.remote_ssrc_count)],
        'remote_ssrc_groups': [{'semantics': _s(g.semantics),
                                'ssrcs': [g.ssrcs[j] for j in range(g.ssrc_count)]}
                               for g in (s.remote_ssrc_groups[i]
                                         for i in range(s.remote_ssrc_group_count))],
        'remote_msid_stream': _s(s.remote_msid_stream),
        'remote_msid_track': _s(s.remote_msid_track),
        'transport_index': s.transport_index, 'bundled': bool(s.bundled),
        'remote_ice_ufrag': _s(s.remote_ice_ufrag), 'remote_ice_pwd': _s(s.remote_ice_pwd),
        'remote_candidates': _strings(s.remote_candidates, s.remote_candidate_count),
        'remote_end_of_candidates': bool(s.remote_end_of_candidates),
        'remote_fingerprints': _strings(s.remote_fingerprints, s.remote_fingerprint_count),
        'sctp_port': s.sctp_port, 'max_message_size': s.max_message_size,
        'local_ice_ufrag': _s(s.local_ice_ufrag), 'local_ice_pwd': _s(s.local_ice_pwd),
        'ice_role': _enum(ICE_ROLES, s.ice_role),
        'local_candidates': _strings(s.local_candidates, s.local_candidate_count),
        'local_fingerprints': _strings(s.local_fingerprints, s.local_fingerprint_count),
        'dtls_role': _enum(DTLS_ROLES, s.dtls_role),
        'local_ssrcs': [s.local_ssrcs[i] for i in range(s.local_ssrc_count)],
        'local_ssrc_groups': [{'semantics': _s(g.semantics),
                               'ssrcs': [g.ssrcs[j] for j in range(g.ssrc_count)]}
                              for g in (s.local_ssrc_groups[i]
                                        for i in range(s.local_ssrc_group_count))],
        'local_cname': _s(s.local_cname),
        'local_msid_stream': _s(s.local_msid_stream),
        'local_msid_track': _s(s.local_msid_track),
        'local_sctp_port': s.local_sctp_port,
        'simulcast_fallback': bool(s.simulcast_fallback),
        'ice_restarted': bool(s.ice_restarted),
        'local_ice_restarted': bool(s.local_ice_restarted),
        'remote_ice_restarted': bool(s.remote_ice_restarted),
        'tolerated': _strings(s.tolerated, s.tolerated_count),
        'send_simulcast_rids': [{'rid': _s(s.send_simulcast_rids[i].rid),
                                 'layer': s.send_simulcast_rids[i].layer,
                                 'paused': bool(s.send_simulcast_rids[i].paused)}
                                for i in range(s.send_simulcast_rid_count)],
    }


def _enum(names, value):
    return names[value] if 0 <= value < len(names) else 'invalid(%d)' % value


# ------------------------------------------------------------------ worker process
#
# browser_test.py runs one worker per scenario so that one rtcpc connection
# lives across the scenario's offers, and so that a crash in the library fails
# that scenario instead of the whole harness. Protocol: one JSON request per
# line on stdin, one JSON reply per line on stdout.
#
#   {"op": "answer", "offer": SDP, "tracks": "auto"|"none",
#    "before": [ACTION...], "after_remote": [ACTION...], "after_tracks": [ACTION...]}
#   before setRemoteDescription, after it, and after the tracks ("auto").
#   ACTION: {"op": OP, "kind": "audio"|"video" | "mid": MID, ...}: OP is
#     "stop", "set_direction" (+ "direction"), "set_codec_preferences"
#     (+ "codecs", as set_codec_preferences takes them), "add_ice_candidate"
#     and "add_local_candidate" (+ "candidate"), on the first live transceiver
#     with a mid of that kind (or that mid; the candidate calls pass its mid);
#     "add_transceiver" (+ "direction", "stream_ids", "rids") adds one of
#     that kind; the log gives its index.
#
# The reply has the answer, the library's negotiation, transceivers and remote
# description after setLocalDescription, or {"ok": false, "error": {...}}.
#
# The worker's one connection is made with --candidate (repeatable),
# --ice-lite and --bundle-policy balanced|max-compat|max-bundle (the
# PeerConnection keywords local_candidates, ice_lite, bundle_policy).

def _find_transceiver(pc, action):
    for t in pc.transceivers():
        if 'mid' in action and t['mid'] == action['mid']:
            return t
        if 'kind' in action and t['kind'] == action['kind'] and not t['stopped'] and t['mid']:
            return t
    raise RtcError(0, 'TestError', 'no transceiver matches %r' % (action,), 'action')


def _do_actions(pc, actions, log):
    for a in actions or []:
        op = a['op']
        if op == 'add_transceiver':
            i = pc.add_transceiver(a['kind'], a.get('direction', 'sendrecv'),
                                   a.get('stream_ids', ()), a.get('rids', ()))
            log.append(dict(a, index=i))
            continue
        t = _find_transceiver(pc, a)
        if op == 'stop':
            pc.stop(t['mid'])                       # by mid (rtc_pc_transceiver_index)
        elif op == 'set_direction':
            pc.set_direction(t['mid'], a['direction'])
        elif op == 'set_codec_preferences':
            pc.set_codec_preferences(t['mid'], a['codecs'])
        elif op == 'add_ice_candidate':
            pc.add_ice_candidate(a['candidate'], t['mid'])
        elif op == 'add_local_candidate':
            pc.add_local_candidate(a['candidate'], t['mid'])
        else:
            raise ValueError('unknown action %r' % (a,))
        log.append(dict(a, mid=t['mid'], index=t['index']))


def _answer(pc, req, track_counter):
    actions = []
    stage = 'before setRemoteDescription'
    try:
        _do_actions(pc, req.get('before'), actions)
        stage = 'setRemoteDescription'
        pc.set_remote_description('offer', req['offer'])
        stage = 'after setRemoteDescription'
        _do_actions(pc, req.get('after_remote'), actions)
        if req.get('tracks', 'auto') == 'auto':
            # As many tracks of a kind as live transceivers of it lack one
            # (addTrack takes the first free transceiver of its kind, W3C).
            want = [t['kind'] for t in pc.transceivers() if not t['has_track'] and not t['stopped']]
            for kind in want:
                stage = 'addTrack'
                pc.add_track(kind, 'track-%d' % track_counter[0], 'stream-0')
                track_counter[0] += 1
        stage = 'after the tracks'
        _do_actions(pc, req.get('after_tracks'), actions)
        stage = 'createAnswer'
        answer = pc.create_answer(req.get('voice_activity_detection', True))
        stage = 'setLocalDescription'
        pc.set_local_description('answer', answer)
        return {'ok': True, 'answer': answer, 'negotiation': pc.negotiation(),
                'transceivers': pc.transceivers(), 'signaling_state': pc.signaling_state(),
                'remote_description': (pc.description('remote') or (None, None))[1],
                'actions': actions}
    except RtcError as e:
        err = {'name': e.name, 'message': e.message, 'code': ERROR_CODES.get(e.code, e.code),
               'call': e.call, 'stage': stage}
    except ContractViolation as e:
        err = {'name': 'ContractViolation', 'message': str(e), 'stage': stage}
    try:
        trs = pc.transceivers()
    except Exception:  # noqa: BLE001 - informational only
        trs = None
    err['stderr'] = '%s at %s: %s' % (err['name'], stage, err['message'])
    return {'ok': False, 'error': err, 'transceivers': trs, 'actions': actions}


# {"op": "calls", "calls": [CALL...]} runs rtcpc calls one after another
# (offer_test.py, the offering side). CALL: {"fn": FN, ...}: FN is
#   "add_track" (kind, track_id, stream_id), "add_transceiver" (kind,
#   direction, stream_ids, rids; the result has its index),
#   "request_data_channels", "create_offer" (options: rtc_offer_options as
#   create_offer's keywords; the result has the sdp), "create_answer"
#   (voice_activity_detection; sdp), "set_local_description" and
#   "set_remote_description" (type, sdp), "add_tracks_auto" (a track on
#   every live transceiver without one, as the "answer" op does), and
#   "stop", "set_direction" (direction), "set_codec_preferences" (codecs) on
#   the transceiver given by "index", "mid" or "kind" (the first live one).
# The calls stop at the first failure unless it has "expect_error": true.
# The reply has each call's result ({"fn", "ok", "error", "signaling_state",
# "remote_description": whether one is set, ...}), then the negotiation,
# transceivers, signaling state and every description slot after the last.

def _select(pc, c):
    if 'index' in c:
        return c['index']
    if 'mid' in c:
        return pc.transceiver_index(c['mid'])
    for t in pc.transceivers():
        if t['kind'] == c.get('kind') and not t['stopped']:
            return t['index']
    raise RtcError(0, 'TestError', 'no transceiver matches %r' % (c,), c['fn'])


def _one_call(pc, c, r, track_counter):
    fn = c['fn']
    if fn == 'add_track':
        track_id = c.get('track_id') or 'lib-track-%d' % track_counter[0]
        track_counter[0] += 1
        if 'stream_ids' in c:
            r['index'] = pc.add_track_with_streams(c['kind'], track_id, c['stream_ids'])
        else:
            pc.add_track(c['kind'], track_id, c.get('stream_id', 'lib-stream'))
        r['track_id'] = track_id
    elif fn == 'add_transceiver':
        r['index'] = pc.add_transceiver(c['kind'], c.get('direction', 'sendrecv'),
                                        c.get('stream_ids', ()), c.get('rids', ()))
    elif fn == 'request_data_channels':
        pc.request_data_channels()
    elif fn == 'restart_ice':
        pc.restart_ice()
    elif fn == 'create_offer':
        r['sdp'] = pc.create_offer(**(c.get('options') or {}))
    elif fn == 'create_answer':
        r['sdp'] = pc.create_answer(c.get('voice_activity_detection', True))
    elif fn == 'set_local_description':
        pc.set_local_description(c['type'], c.get('sdp', ''))
    elif fn == 'set_remote_description':
        pc.set_remote_description(c['type'], c.get('sdp'))
    elif fn == 'add_tracks_auto':
        r['added'] = []
        for t in pc.transceivers():
            if not t['has_track'] and not t['stopped']:
                track_id = 'lib-track-%d' % track_counter[0]
                track_counter[0] += 1
                pc.add_track(t['kind'], track_id, 'lib-stream')
                r['added'].append({'kind': t['kind'], 'track_id': track_id})
    elif fn in ('stop', 'set_direction', 'set_codec_preferences', 'remove_track',
                'replace_track', 'set_streams'):
        i = _select(pc, c)
        r['index'], r['mid'] = i, pc.transceiver_mid(i)
        if fn == 'stop':
            pc.stop(i)
        elif fn == 'remove_track':
            pc.remove_track(i)
        elif fn == 'replace_track':
            pc.replace_track(i, c['kind'], c.get('track_id'))
        elif fn == 'set_streams':
            pc.set_streams(i, c['stream_ids'])
        elif fn == 'set_direction':
            pc.set_direction(i, c['direction'])
        else:
            pc.set_codec_preferences(i, c['codecs'])
    else:
        raise RtcError(0, 'TestError', 'unknown call %r' % (c,), fn)


def _calls(pc, req, track_counter):
    results, error = [], None
    for c in req.get('calls') or []:
        r = {'fn': c.get('fn')}
        try:
            _one_call(pc, c, r, track_counter)
            r['ok'] = True
        except RtcError as e:
            r.update(ok=False, error={'name': e.name, 'message': e.message,
                                      'code': ERROR_CODES.get(e.code, e.code), 'call': e.call})
        except ContractViolation as e:
            r.update(ok=False, error={'name': 'ContractViolation', 'message': str(e),
                                      'code': None, 'call': c.get('fn')})
        r['signaling_state'] = pc.signaling_state()
        r['remote_description'] = pc.description('remote') is not None
        r['events'] = pc.take_events()
        results.append(r)
        if not r['ok'] and not c.get('expect_error'):
            error = dict(r['error'], stderr='%s: %s: %s' % (r['fn'], r['error']['name'],
                                                            r['error']['message']))
            break
    return {'ok': error is None, 'error': error, 'results': results,
            'negotiation': pc.negotiation(), 'transceivers': pc.transceivers(),
            'signaling_state': pc.signaling_state(),
            'negotiation_needed': pc.negotiation_needed(),
            'descriptions': {slot: pc.description(slot) for slot in DESCRIPTION_SLOTS}}


def worker_main(argv=None):
    import argparse
    import json
    import sys
    ap = argparse.ArgumentParser(description='rtcpc ctypes worker (see browser_test.py)')
    ap.add_argument('--library', required=True)
    ap.add_argument('--candidate', action='append', default=[])
    ap.add_argument('--ice-lite', action='store_true',
                    help='rtc_configuration_set_ice_lite (offer_test.py: ice_lite)')
    ap.add_argument('--bundle-policy', choices=sorted(BUNDLE_POLICIES),
                    help='rtc_configuration_set_bundle_policy (offer_test.py: bundle_*)')
    args = ap.parse_args(argv)
    out = sys.stdout
    sys.stdout = sys.stderr          # nothing else may write to the reply stream
    lib = load(args.library)
    pc = PeerConnection(lib, local_candidates=args.candidate, ice_lite=args.ice_lite,
                        bundle_policy=args.bundle_policy)
    track_counter = [0]
    try:
        for line in sys.stdin:
            req = json.loads(line)
            if req['op'] == 'answer':
                reply = _answer(pc, req, track_counter)
            elif req['op'] == 'calls':
                reply = _calls(pc, req, track_counter)
            elif req['op'] == 'quit':
                break
            else:
                reply = {'ok': False, 'error': {'name': 'TestError',
                                                'message': 'unknown op %r' % req['op']}}
            out.write(json.dumps(reply) + '\n')
            out.flush()
    finally:
        pc.close()
        pc.free()
    return 0


if __name__ == '__main__':
    import sys as _sys
    _sys.dont_write_bytecode = True
    _sys.exit(worker_main())
