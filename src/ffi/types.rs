//! Types of the C API. Enum values are fixed: they are part of the ABI.
#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, c_void};

/// The type of a session description.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_sdp_type {
    /// "offer": a remote one, or the local one rtc_pc_create_offer made.
    RTC_SDP_TYPE_OFFER = 0,
    /// "pranswer": a provisional answer; the offer stays pending.
    RTC_SDP_TYPE_PRANSWER = 1,
    /// "answer": the final answer, as rtc_pc_create_answer makes it.
    RTC_SDP_TYPE_ANSWER = 2,
    /// "rollback": undoes a pending (remote or local) offer; `sdp` may be NULL.
    RTC_SDP_TYPE_ROLLBACK = 3,
}

/// Audio or video: of a track, a transceiver, or the capabilities a configuration sets.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_media_kind {
    /// Audio.
    RTC_MEDIA_KIND_AUDIO = 0,
    /// Video.
    RTC_MEDIA_KIND_VIDEO = 1,
}

/// Where the offer/answer exchange stands (W3C RTCSignalingState).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_signaling_state {
    /// "stable": no exchange in progress.
    RTC_SIGNALING_STATE_STABLE = 0,
    /// "have-local-offer": a local offer is applied and awaits the answer.
    RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER = 1,
    /// "have-remote-offer": a remote offer is applied and awaits an answer.
    RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER = 2,
    /// "have-local-pranswer": a pranswer to the remote offer is applied.
    RTC_SIGNALING_STATE_HAVE_LOCAL_PRANSWER = 3,
    /// "have-remote-pranswer": a remote pranswer to the local offer is applied.
    RTC_SIGNALING_STATE_HAVE_REMOTE_PRANSWER = 4,
    /// "closed": after rtc_pc_close.
    RTC_SIGNALING_STATE_CLOSED = 5,
}

/// Every call's outcome. Each failure also has a DOMException name in `rtc_error`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_error_code {
    /// Success.
    RTC_OK = 0,
    /// A NULL pointer, text that is not UTF-8, an enum value out of range (W3C TypeError).
    RTC_ERROR_INVALID_ARGUMENT = 1,
    /// InvalidStateError: the call is not allowed in the signaling state, or after close.
    RTC_ERROR_INVALID_STATE = 2,
    /// InvalidAccessError: the SDP parses but a WebRTC peer cannot use it.
    RTC_ERROR_INVALID_ACCESS = 3,
    /// InvalidModificationError: a local description that is not the one
    /// createOffer or createAnswer made, a configuration change of what
    /// stays, or a codec preference that is not a capability.
    RTC_ERROR_INVALID_MODIFICATION = 4,
    /// The SDP does not parse: a W3C RTCError named "OperationError" with
    /// error_detail "sdp-syntax-error"; sdp_line_number and the message name
    /// the line.
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
    /// W3C localDescription: the pending local one if there is one, else the current.
    RTC_DESCRIPTION_LOCAL = 0,
    /// W3C remoteDescription: the pending remote one if there is one, else the current.
    RTC_DESCRIPTION_REMOTE = 1,
    /// Ours in the last completed exchange: our answer, or our offer once
    /// its answer was applied.
    RTC_DESCRIPTION_CURRENT_LOCAL = 2,
    /// Ours in the exchange under way: our offer awaiting its answer, or
    /// our pranswer.
    RTC_DESCRIPTION_PENDING_LOCAL = 3,
    /// The peer's in the last completed exchange: the offer we answered,
    /// or its answer to our offer.
    RTC_DESCRIPTION_CURRENT_REMOTE = 4,
    /// The peer's in the exchange under way: its offer being answered, or
    /// its pranswer to ours.
    RTC_DESCRIPTION_PENDING_REMOTE = 5,
}

/// A session description. `sdp` is NUL-terminated UTF-8.
#[repr(C)]
pub struct rtc_session_description {
    /// The description's type.
    pub r#type: rtc_sdp_type,
    /// The SDP text, NUL-terminated UTF-8; may be NULL for a rollback.
    pub sdp: *const c_char,
}

/// An error handed to a failure callback; valid only during the callback.
#[repr(C)]
pub struct rtc_error {
    /// The failure's code; never RTC_OK.
    pub code: rtc_error_code,
    /// The DOMException name: "InvalidStateError", "OperationError", "TypeError", ...
    pub name: *const c_char,
    /// What was wrong and, for SDP, on which line.
    pub message: *const c_char,
    /// W3C RTCError.errorDetail: "sdp-syntax-error" for SDP that does not
    /// parse (RTC_ERROR_SYNTAX, named "OperationError" as an RTCError is);
    /// NULL for the other errors.
    pub error_detail: *const c_char,
    /// W3C RTCError.sdpLineNumber: the 1-based line of an SDP syntax error;
    /// 0 when there is none (no line to blame, or another error).
    pub sdp_line_number: i32,
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
    /// Legacy offerToReceiveAudio: no effect on an answer.
    pub offer_to_receive_audio: i32,
    /// Legacy offerToReceiveVideo: no effect on an answer.
    pub offer_to_receive_video: i32,
}

/// Options of createOffer (RTCOfferOptions). Fill with rtc_offer_options_init.
#[repr(C)]
pub struct rtc_offer_options {
    /// Fresh ICE credentials in the offer (JSEP 5.2.1): the answer must
    /// bring fresh ones too. Default false.
    pub ice_restart: bool,
    /// Offer comfort noise (CN). Default true.
    pub voice_activity_detection: bool,
    /// Legacy offerToReceiveAudio (W3C webrtc-pc 11.2): -1 (the default)
    /// not given; 0 false (sendrecv audio transceivers become sendonly,
    /// recvonly ones inactive); above 0 true (sendonly ones become
    /// sendrecv; without any audio transceiver a recvonly one is added).
    pub offer_to_receive_audio: i32,
    /// Legacy offerToReceiveVideo, like offer_to_receive_audio.
    pub offer_to_receive_video: i32,
}

/// Called with the created description; valid only during the callback.
pub type rtc_session_description_callback = Option<
    unsafe extern "C" fn(description: *const rtc_session_description, user_data: *mut c_void),
>;
/// Called when a call without a result succeeds.
pub type rtc_void_callback = Option<unsafe extern "C" fn(user_data: *mut c_void)>;
/// Called with the failure; `error` is valid only during the callback.
pub type rtc_error_callback =
    Option<unsafe extern "C" fn(error: *const rtc_error, user_data: *mut c_void)>;

/// A remote track added to a transceiver's receiver, or taken away (W3C
/// track event; "process the removal of a remote track"). Valid only during
/// the callback.
#[repr(C)]
pub struct rtc_track_event {
    /// Whether the track went away (else it was added).
    pub removed: bool,
    /// The transceiver's index when the event was made.
    pub transceiver_index: usize,
    /// Its mid.
    pub mid: *const c_char,
    /// The remote stream ids (the peer's a=msid), each once; none when removed.
    pub stream_ids: *const *const c_char,
    /// The number of entries in stream_ids.
    pub stream_id_count: usize,
    /// The remote track id (a=msid's second part); NULL when none or removed.
    pub track_id: *const c_char,
}

/// Called with the new signaling state (W3C signalingstatechange).
pub type rtc_signaling_state_callback =
    Option<unsafe extern "C" fn(state: rtc_signaling_state, user_data: *mut c_void)>;
/// Called with a remote track added or removed.
pub type rtc_track_callback =
    Option<unsafe extern "C" fn(event: *const rtc_track_event, user_data: *mut c_void)>;

/// Enum arguments arrive as C ints: reading an out-of-range value into a Rust
/// enum would be undefined behaviour, so they are taken raw and checked.
pub type RawMediaKind = c_int;
/// An rtc_sdp_type argument, taken as a C int and checked (see RawMediaKind).
pub type RawSdpType = c_int;
/// An rtc_description_slot argument, taken as a C int and checked.
pub type RawDescriptionSlot = c_int;

/// A transceiver's direction (W3C RTCRtpTransceiverDirection).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_direction {
    /// "sendrecv": sends and receives.
    RTC_DIRECTION_SENDRECV = 0,
    /// "sendonly": sends, does not receive.
    RTC_DIRECTION_SENDONLY = 1,
    /// "recvonly": receives, does not send.
    RTC_DIRECTION_RECVONLY = 2,
    /// "inactive": neither sends nor receives.
    RTC_DIRECTION_INACTIVE = 3,
    /// "stopped": the transceiver was stopped; reported, never accepted as an argument.
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

/// RTCBundlePolicy (JSEP 4.1.1): which m-sections of an offer may stand on
/// their own transport if the answerer does not bundle.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_bundle_policy {
    /// "balanced" (the default): the first m-section of each media type has
    /// a transport; the others are bundle-only (port 0, a=bundle-only).
    RTC_BUNDLE_POLICY_BALANCED = 0,
    /// "max-compat": every m-section has a transport.
    RTC_BUNDLE_POLICY_MAX_COMPAT = 1,
    /// "max-bundle": only the first m-section has a transport.
    RTC_BUNDLE_POLICY_MAX_BUNDLE = 2,
}

/// The ICE role of the local agent (RFC 8445 6.1.1): the first exchange's
/// offerer is controlling, its answerer controlled (an ice-lite peer never
/// controls); it stays for the ICE session, whoever offers later, and only
/// an ICE restart can give the new exchange's role.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_ice_role {
    /// Controlling: the local agent nominates the candidate pair.
    RTC_ICE_ROLE_CONTROLLING = 0,
    /// Controlled.
    RTC_ICE_ROLE_CONTROLLED = 1,
}

/// addTransceiver's init. Arrays may be NULL when their count is 0.
#[repr(C)]
pub struct rtc_transceiver_init {
    /// The direction, RTC_DIRECTION_SENDRECV to RTC_DIRECTION_INACTIVE.
    pub direction: rtc_direction,
    /// Ids of the streams the track belongs to, for a=msid.
    pub stream_ids: *const *const c_char,
    /// The number of entries in stream_ids.
    pub stream_id_count: usize,
    /// RIDs of the send encodings (simulcast), in order.
    pub rids: *const *const c_char,
    /// The number of entries in rids.
    pub rid_count: usize,
}

/// What rtc_pc_apply_ice_fragment did. Later versions may append fields.
#[repr(C)]
pub struct rtc_ice_fragment_result {
    /// The fragment brought new credentials: an ICE restart (RFC 9725
    /// 4.3.3); reply with rtc_pc_local_ice_fragment and a new ETag.
    pub restarted: bool,
    /// Candidates added to the remote description.
    pub candidates: usize,
    /// Candidates of another ICE generation, left out (RFC 8840).
    pub discarded: usize,
    /// The fragment ended the candidates of a transport.
    pub end_of_candidates: bool,
}

/// A transceiver's state, filled by rtc_pc_transceiver_info.
#[repr(C)]
pub struct rtc_transceiver_info {
    /// Audio or video.
    pub kind: rtc_media_kind,
    /// The direction (RTCRtpTransceiver.direction); RTC_DIRECTION_STOPPED once stopped.
    pub direction: rtc_direction,
    /// The negotiated direction (W3C currentDirection): RTC_DIRECTION_NONE
    /// before an answer was applied; RTC_DIRECTION_STOPPED once the stop took
    /// effect (rtc_pc_close, or an exchange rejected its m-section). A
    /// transceiver rtc_pc_transceiver_stop stopped keeps its last negotiated
    /// direction (NONE if it never had one) until then.
    pub current_direction: rtc_direction,
    /// Whether rtc_pc_transceiver_stop or rtc_pc_close stopped it.
    pub stopped: bool,
    /// Whether rtc_pc_add_track attached a track to it.
    pub has_track: bool,
}

/// A codec, for capabilities and codec preferences. `fmtp` may be NULL (none);
/// `rtcp_feedback` may be NULL when its count is 0 ("nack", "nack pli", ...).
#[repr(C)]
pub struct rtc_codec {
    /// Encoding name as in a=rtpmap ("opus", "VP8", "rtx", ...); required.
    pub name: *const c_char,
    /// RTP clock rate in Hz.
    pub clock_rate: u32,
    /// 0 means unspecified (1 for audio).
    pub channels: u32,
    /// Format parameters as in a=fmtp, e.g. "minptime=10;useinbandfec=1".
    pub fmtp: *const c_char,
    /// a=rtcp-fb values, rtcp_feedback_count of them.
    pub rtcp_feedback: *const *const c_char,
    /// The number of entries in rtcp_feedback.
    pub rtcp_feedback_count: usize,
}

/// A negotiated codec. Strings live as long as the rtc_negotiation.
#[repr(C)]
pub struct rtc_codec_parameters {
    /// The payload type, the offerer's: the one both sides send it with.
    pub payload_type: u8,
    /// Encoding name, as offered.
    pub name: *const c_char,
    /// RTP clock rate in Hz.
    pub clock_rate: u32,
    /// 0 when the SDP gives none.
    pub channels: u32,
    /// How the local side receives (our description's fmtp); "" when none.
    pub fmtp: *const c_char,
    /// How the remote side receives, i.e. how to send (the peer's
    /// description's fmtp, offer or answer).
    pub remote_fmtp: *const c_char,
    /// rtx: the payload type it repairs (apt); red: the first redundant
    /// payload type; -1 otherwise.
    pub associated_payload_type: i16,
    /// The answer's a=rtcp-fb values for it ("nack", "nack pli", ...).
    pub rtcp_feedback: *const *const c_char,
    /// The number of entries in rtcp_feedback.
    pub rtcp_feedback_count: usize,
}

/// A negotiated RTP header extension.
#[repr(C)]
pub struct rtc_header_extension {
    /// The extmap id (RFC 8285).
    pub id: u16,
    /// The extension URI.
    pub uri: *const c_char,
}

/// One RID received in a simulcast layer.
#[repr(C)]
pub struct rtc_simulcast_rid {
    /// The RID (RFC 8851).
    pub rid: *const c_char,
    /// The simulcast layer (0-based) it is an alternative of.
    pub layer: usize,
    /// Offered paused ("~" in a=simulcast, RFC 8853).
    pub paused: bool,
}

/// A remote ssrc-group (RFC 5576): "FID", "SIM", "FEC-FR", ...
#[repr(C)]
pub struct rtc_ssrc_group {
    /// The semantics: "FID", "SIM", "FEC-FR", ...
    pub semantics: *const c_char,
    /// The group's SSRCs, in order.
    pub ssrcs: *const u32,
    /// The number of entries in ssrcs.
    pub ssrc_count: usize,
}

/// What one offered m-section negotiated. All pointers live as long as the
/// rtc_negotiation they came from; strings that may be absent are NULL.
/// Only rtcpc allocates it; read it through rtc_negotiation_section's pointer
/// (never copy it by value or index an array of it): later versions append
/// fields at the end.
#[repr(C)]
pub struct rtc_negotiated_section {
    /// The m-section's 0-based index in the offer.
    pub index: usize,
    /// The mid: the offer's, or for an m-line the offer wrote none for,
    /// the one rtcpc gave it and its answer carries (as Chromium does).
    pub mid: *const c_char,
    /// "audio", "video", "application" or the offered media name.
    pub media: *const c_char,
    /// The offered protocol, e.g. "UDP/TLS/RTP/SAVPF".
    pub protocol: *const c_char,
    /// Whether the answer accepted it.
    pub accepted: bool,
    /// Why it was rejected (NULL when accepted).
    pub reason: *const c_char,
    /// Our direction as the exchange decided it (the answer's, or the
    /// reverse of the peer's answer to our offer): the transceiver's
    /// currentDirection; RTC_DIRECTION_STOPPED when the m-section was rejected.
    pub direction: rtc_direction,
    /// The answer's codecs (ours or the peer's), in its order; none when rejected.
    pub codecs: *const rtc_codec_parameters,
    /// The number of entries in codecs.
    pub codec_count: usize,
    /// The accepted header extensions.
    pub extensions: *const rtc_header_extension,
    /// The number of entries in extensions.
    pub extension_count: usize,
    /// The RIDs received (a=simulcast:recv), layer by layer.
    pub simulcast_rids: *const rtc_simulcast_rid,
    /// The number of entries in simulcast_rids.
    pub simulcast_rid_count: usize,
    /// The peer's a=ssrc SSRCs (its offer, or its answer to ours).
    pub remote_ssrcs: *const u32,
    /// The number of entries in remote_ssrcs.
    pub remote_ssrc_count: usize,
    /// The peer's a=ssrc-group lines.
    pub remote_ssrc_groups: *const rtc_ssrc_group,
    /// The number of entries in remote_ssrc_groups.
    pub remote_ssrc_group_count: usize,
    /// The first a=msid: stream id and track id (NULL when absent).
    pub remote_msid_stream: *const c_char,
    /// The first a=msid's track id (NULL when absent).
    pub remote_msid_track: *const c_char,
    /// The m-section whose transport this one uses (its own index if not bundled).
    pub transport_index: usize,
    /// Whether it is in an answered BUNDLE group (RFC 8843).
    pub bundled: bool,
    /// The remote ice-ufrag, own or inherited; NULL if offerer-rejected or unsupported protocol.
    pub remote_ice_ufrag: *const c_char,
    /// The remote ice-pwd; NULL like remote_ice_ufrag.
    pub remote_ice_pwd: *const c_char,
    /// "candidate:..." strings: in the peer's description, then from
    /// rtc_pc_add_ice_candidate.
    pub remote_candidates: *const *const c_char,
    /// The number of entries in remote_candidates.
    pub remote_candidate_count: usize,
    /// Whether the remote side ended its candidates (a=end-of-candidates, or an empty one added).
    pub remote_end_of_candidates: bool,
    /// "sha-256 AB:CD:..." strings.
    pub remote_fingerprints: *const *const c_char,
    /// The number of entries in remote_fingerprints.
    pub remote_fingerprint_count: usize,
    /// The remote SCTP port and max-message-size; 0 for other sections and
    /// for a rejected data section.
    pub sctp_port: u16,
    /// The remote max-message-size (RFC 8841: 65536 when the peer's
    /// description gives none); 0 like sctp_port.
    pub max_message_size: u64,
    // The local side, as our applied description (answer or offer) states
    // it: what the host sets up its own ICE agent, DTLS stack, RTP sender
    // and SCTP stack with.
    /// The local a=ice-ufrag (ICE: the local username fragment); NULL when rejected.
    pub local_ice_ufrag: *const c_char,
    /// The local a=ice-pwd; NULL when rejected.
    pub local_ice_pwd: *const c_char,
    /// The local ICE agent's role (the same in every section).
    pub ice_role: rtc_ice_role,
    /// The local "candidate:..." strings our description carries, in the m-section
    /// owning the transport (see transport_index); empty in the others.
    pub local_candidates: *const *const c_char,
    /// The number of entries in local_candidates.
    pub local_candidate_count: usize,
    /// The local a=fingerprint values, "sha-256 AB:CD:..." (of the certificate
    /// rtc_pc_certificate_pem writes); empty when rejected.
    pub local_fingerprints: *const *const c_char,
    /// The number of entries in local_fingerprints.
    pub local_fingerprint_count: usize,
    /// The local DTLS role (the same in every section, as rtc_negotiation_dtls_role).
    pub dtls_role: rtc_dtls_role,
    /// The SSRCs the local sender announced (a=ssrc): the primary first, then
    /// its rtx; empty when our description does not send on this m-section.
    pub local_ssrcs: *const u32,
    /// The number of entries in local_ssrcs.
    pub local_ssrc_count: usize,
    /// The local a=ssrc-group lines, e.g. FID primary rtx.
    pub local_ssrc_groups: *const rtc_ssrc_group,
    /// The number of entries in local_ssrc_groups.
    pub local_ssrc_group_count: usize,
    /// The RTCP CNAME of the local a=ssrc lines; NULL when the description
    /// has none (not sending, or simulcast: its layers go by RID).
    pub local_cname: *const c_char,
    /// The local a=msid stream id; NULL when not sending.
    pub local_msid_stream: *const c_char,
    /// The local a=msid track id; NULL when not sending.
    pub local_msid_track: *const c_char,
    /// The local a=sctp-port: the SCTP port to bind; 0 for other sections and
    /// for a rejected data section.
    pub local_sctp_port: u16,
    /// rtcpc offered simulcast (send RIDs) and the answer did not take it
    /// (no a=simulcast:recv, as Chromium and Firefox answer): send one
    /// stream, the first encoding. Otherwise simulcast_rids lists the
    /// layers the answer receives.
    pub simulcast_fallback: bool,
    /// The exchange restarted ICE on this m-section's transport (an offer
    /// with new credentials, rtcpc's with ice_restart or the peer's, or an
    /// answer with new ones): the host restarts its ICE agent with the
    /// local and remote credentials above. Either of the next two.
    pub ice_restarted: bool,
    /// rtcpc's credentials on this transport are new in this exchange.
    pub local_ice_restarted: bool,
    /// The peer's credentials on this transport are new in this exchange
    /// (Chromium takes an answer bringing new ones without a restart offered
    /// as the peer restarting; so does rtcpc).
    pub remote_ice_restarted: bool,
    /// What the peer's answer to rtcpc's offer said that rtcpc tolerated,
    /// and how it took it (e.g. a direction beyond the offered one, clamped:
    /// `direction` is the clamped one); empty otherwise.
    pub tolerated: *const *const c_char,
    /// The number of entries in tolerated.
    pub tolerated_count: usize,
    /// The simulcast layers rtcpc sends, RID by RID: its offer's as the
    /// answer takes them, or its answer's to an offer that asks to receive
    /// simulcast (a=simulcast:recv; RFC 8853 5.3). Empty: one stream.
    pub send_simulcast_rids: *const rtc_simulcast_rid,
    /// The number of entries in send_simulcast_rids.
    pub send_simulcast_rid_count: usize,
}

/// An rtc_direction argument, taken as a C int and checked.
pub type RawDirection = c_int;
/// An rtc_dtls_role argument, taken as a C int and checked.
pub type RawDtlsRole = c_int;
/// An rtc_bundle_policy argument, taken as a C int and checked.
pub type RawBundlePolicy = c_int;
