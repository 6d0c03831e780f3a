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

/// Options of createAnswer (RTCAnswerOptions). Fill with rtc_answer_options_init.
#[repr(C)]
pub struct rtc_answer_options {
    /// Keep comfort noise (CN) when offered. Default true.
    pub voice_activity_detection: bool,
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
