//! Types of the C API. Enum values are fixed: they are part of the ABI.
#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, c_void};

/// The type of a session description.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_sdp_type {
    RTC_SDP_TYPE_OFFER = 0,
    RTC_SDP_TYPE_PRANSWER = 1,
    RTC_SDP_TYPE_ANSWER = 2,
    RTC_SDP_TYPE_ROLLBACK = 3,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_media_kind {
    RTC_MEDIA_KIND_AUDIO = 0,
    RTC_MEDIA_KIND_VIDEO = 1,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_signaling_state {
    RTC_SIGNALING_STATE_STABLE = 0,
    RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER = 1,
    RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER = 2,
    RTC_SIGNALING_STATE_HAVE_LOCAL_PRANSWER = 3,
    RTC_SIGNALING_STATE_HAVE_REMOTE_PRANSWER = 4,
    RTC_SIGNALING_STATE_CLOSED = 5,
}

/// Every call's outcome. Each failure also has a DOMException name in `rtc_error`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_error_code {
    RTC_OK = 0,
    /// A NULL pointer, text that is not UTF-8, an enum value out of range (W3C TypeError).
    RTC_ERROR_INVALID_ARGUMENT = 1,
    /// InvalidStateError: the call is not allowed in the signaling state, or after close.
    RTC_ERROR_INVALID_STATE = 2,
    /// InvalidAccessError: the SDP parses but a WebRTC peer cannot use it.
    RTC_ERROR_INVALID_ACCESS = 3,
    /// InvalidModificationError: a local description changed what may not change.
    RTC_ERROR_INVALID_MODIFICATION = 4,
    /// SyntaxError: the SDP does not parse; the message names the line.
    RTC_ERROR_SYNTAX = 5,
    /// OperationError.
    RTC_ERROR_OPERATION = 6,
    /// NotReadableError.
    RTC_ERROR_NOT_READABLE = 7,
    /// A caught panic or a bug in rtcpc.
    RTC_ERROR_INTERNAL = 8,
}

/// Which description a getter reads (W3C: localDescription, currentLocalDescription, ...).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_description_slot {
    /// pending if there is one, else current.
    RTC_DESCRIPTION_LOCAL = 0,
    RTC_DESCRIPTION_REMOTE = 1,
    RTC_DESCRIPTION_CURRENT_LOCAL = 2,
    RTC_DESCRIPTION_PENDING_LOCAL = 3,
    RTC_DESCRIPTION_CURRENT_REMOTE = 4,
    RTC_DESCRIPTION_PENDING_REMOTE = 5,
}

/// A session description. `sdp` is NUL-terminated UTF-8.
#[repr(C)]
pub struct rtc_session_description {
    pub r#type: rtc_sdp_type,
    pub sdp: *const c_char,
}

/// An error handed to a failure callback; valid only during the callback.
#[repr(C)]
pub struct rtc_error {
    pub code: rtc_error_code,
    /// The DOMException name: "InvalidStateError", "SyntaxError", "TypeError", ...
    pub name: *const c_char,
    /// What was wrong and, for SDP, on which line.
    pub message: *const c_char,
}

/// Options of createAnswer (RTCAnswerOptions, and the legacy RTCOfferOptions
/// form the callback signature took). Fill with rtc_answer_options_init.
#[repr(C)]
pub struct rtc_answer_options {
    /// Keep comfort noise (CN) when offered; false leaves CN out of the
    /// answer. Default true.
    pub voice_activity_detection: bool,
    /// Legacy offer-only members, accepted for source compatibility: they have
    /// no effect on an answer (an answerer cannot restart ICE or ask to
    /// receive; it follows the offer).
    pub ice_restart: bool,
    pub offer_to_receive_audio: i32,
    pub offer_to_receive_video: i32,
}

/// Called with the created description; valid only during the callback.
pub type rtc_session_description_callback = Option<
    unsafe extern "C" fn(description: *const rtc_session_description, user_data: *mut c_void),
>;
pub type rtc_void_callback = Option<unsafe extern "C" fn(user_data: *mut c_void)>;
pub type rtc_error_callback =
    Option<unsafe extern "C" fn(error: *const rtc_error, user_data: *mut c_void)>;

/// Enum arguments arrive as C ints: reading an out-of-range value into a Rust
/// enum would be undefined behaviour, so they are taken raw and checked.
pub type RawMediaKind = c_int;
pub type RawSdpType = c_int;
pub type RawDescriptionSlot = c_int;

/// A transceiver's direction (W3C RTCRtpTransceiverDirection).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_direction {
    RTC_DIRECTION_SENDRECV = 0,
    RTC_DIRECTION_SENDONLY = 1,
    RTC_DIRECTION_RECVONLY = 2,
    RTC_DIRECTION_INACTIVE = 3,
    RTC_DIRECTION_STOPPED = 4,
    /// currentDirection before any answer was applied.
    RTC_DIRECTION_NONE = 5,
}

/// The DTLS role the negotiation gave the local side.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_dtls_role {
    /// a=setup:active: the local side starts the DTLS handshake.
    RTC_DTLS_ROLE_CLIENT = 0,
    /// a=setup:passive.
    RTC_DTLS_ROLE_SERVER = 1,
}

/// addTransceiver's init. Arrays may be NULL when their count is 0.
#[repr(C)]
pub struct rtc_transceiver_init {
    pub direction: rtc_direction,
    pub stream_ids: *const *const c_char,
    pub stream_id_count: usize,
    /// RIDs of the send encodings (simulcast), in order.
    pub rids: *const *const c_char,
    pub rid_count: usize,
}

/// A transceiver's state, filled by rtc_pc_transceiver_info.
#[repr(C)]
pub struct rtc_transceiver_info {
    pub kind: rtc_media_kind,
    pub direction: rtc_direction,
    /// The negotiated direction; RTC_DIRECTION_NONE before an answer was applied.
    pub current_direction: rtc_direction,
    pub stopped: bool,
    pub has_track: bool,
}

/// A codec, for capabilities and codec preferences. `fmtp` may be NULL (none);
/// `rtcp_feedback` may be NULL when its count is 0 ("nack", "nack pli", ...).
#[repr(C)]
pub struct rtc_codec {
    pub name: *const c_char,
    pub clock_rate: u32,
    /// 0 means unspecified (1 for audio).
    pub channels: u32,
    pub fmtp: *const c_char,
    pub rtcp_feedback: *const *const c_char,
    pub rtcp_feedback_count: usize,
}

/// A negotiated codec. Strings live as long as the rtc_negotiation.
#[repr(C)]
pub struct rtc_codec_parameters {
    pub payload_type: u8,
    pub name: *const c_char,
    pub clock_rate: u32,
    /// 0 when the SDP gives none.
    pub channels: u32,
    /// How the local side receives (the answer's fmtp); "" when none.
    pub fmtp: *const c_char,
    /// How the remote side receives, i.e. how to send (the offer's fmtp).
    pub remote_fmtp: *const c_char,
    /// rtx: the payload type it repairs (apt); red: the first redundant
    /// payload type; -1 otherwise.
    pub associated_payload_type: i16,
    pub rtcp_feedback: *const *const c_char,
    pub rtcp_feedback_count: usize,
}

/// A negotiated RTP header extension.
#[repr(C)]
pub struct rtc_header_extension {
    pub id: u16,
    pub uri: *const c_char,
}

/// One RID received in a simulcast layer.
#[repr(C)]
pub struct rtc_simulcast_rid {
    pub rid: *const c_char,
    /// The simulcast layer (0-based) it is an alternative of.
    pub layer: usize,
    pub paused: bool,
}

/// A remote ssrc-group (RFC 5576): "FID", "SIM", "FEC-FR", ...
#[repr(C)]
pub struct rtc_ssrc_group {
    pub semantics: *const c_char,
    pub ssrcs: *const u32,
    pub ssrc_count: usize,
}

/// What one offered m-section negotiated. All pointers live as long as the
/// rtc_negotiation they came from; strings that may be absent are NULL.
#[repr(C)]
pub struct rtc_negotiated_section {
    pub index: usize,
    pub mid: *const c_char,
    /// "audio", "video", "application" or the offered media name.
    pub media: *const c_char,
    pub protocol: *const c_char,
    pub accepted: bool,
    /// Why it was rejected (NULL when accepted).
    pub reason: *const c_char,
    /// The answer's direction: the transceiver's currentDirection;
    /// RTC_DIRECTION_STOPPED when the m-section was rejected.
    pub direction: rtc_direction,
    pub codecs: *const rtc_codec_parameters,
    pub codec_count: usize,
    pub extensions: *const rtc_header_extension,
    pub extension_count: usize,
    pub simulcast_rids: *const rtc_simulcast_rid,
    pub simulcast_rid_count: usize,
    pub remote_ssrcs: *const u32,
    pub remote_ssrc_count: usize,
    pub remote_ssrc_groups: *const rtc_ssrc_group,
    pub remote_ssrc_group_count: usize,
    /// The first a=msid: stream id and track id (NULL when absent).
    pub remote_msid_stream: *const c_char,
    pub remote_msid_track: *const c_char,
    /// The m-section whose transport this one uses (its own index if not bundled).
    pub transport_index: usize,
    pub bundled: bool,
    pub remote_ice_ufrag: *const c_char,
    pub remote_ice_pwd: *const c_char,
    /// "candidate:..." strings: in the offer, then from rtc_pc_add_ice_candidate.
    pub remote_candidates: *const *const c_char,
    pub remote_candidate_count: usize,
    pub remote_end_of_candidates: bool,
    /// "sha-256 AB:CD:..." strings.
    pub remote_fingerprints: *const *const c_char,
    pub remote_fingerprint_count: usize,
    /// The remote SCTP port and max-message-size; 0 for non data sections.
    pub sctp_port: u16,
    pub max_message_size: u64,
}

pub type RawDirection = c_int;
