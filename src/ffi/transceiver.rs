//! Transceivers, codec capabilities and ICE candidates from C.

use super::pc::after_change;
use super::*;
use crate::codec::Codec;
use crate::signaling::TransceiverInit;

use std::ffi::c_void;

/// Runs `f` on transceiver `index` under the handle's lock.
///
/// `pc` is NULL or a live handle.
pub(crate) unsafe fn with_transceiver<T>(
    pc: *const rtc_pc,
    index: usize,
    f: impl FnOnce(&crate::transceiver::Transceiver) -> T,
) -> Result<T, Error> {
    let g = locked(pc)?;
    let t = g
        .transceivers()
        .get(index)
        .ok_or_else(|| Error::invalid_argument(format!("no transceiver {index}")))?;
    Ok(f(t))
}

/// Reads a C array of rtc_codec.
///
/// `p` is NULL or valid for `count` rtc_codec.
pub(crate) unsafe fn codecs_arg(p: *const rtc_codec, count: usize) -> Result<Vec<Codec>, Error> {
    array_arg(p, count, "codecs", |i, c| {
        Ok(Codec {
            name: str_arg(c.name, &format!("codecs[{i}].name"))?.to_string(),
            clock_rate: c.clock_rate,
            channels: (c.channels != 0).then_some(c.channels),
            fmtp: opt_str_arg(c.fmtp, "fmtp")?.unwrap_or("").to_string(),
            rtcp_fb: str_array(c.rtcp_feedback, c.rtcp_feedback_count, "rtcp_feedback")?,
        })
    })
}

/// addTransceiver. `init` NULL means sendrecv with no streams and no RIDs.
/// `index_out` (may be NULL) receives the new transceiver's index. On the
/// answering side only transceivers from rtc_pc_add_track are matched to new
/// offered m-sections (JSEP 5.10).
///
/// `pc` is NULL or a live handle; `init` is NULL or valid; `index_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_add_transceiver(
    pc: *mut rtc_pc,
    kind: RawMediaKind,
    init: *const rtc_transceiver_init,
    index_out: *mut usize,
) -> rtc_error_code {
    let rc = code(boundary(|| {
        let kind = rtc_media_kind::from_raw(kind)?;
        let init = match init.as_ref() {
            None => TransceiverInit::default(),
            Some(i) => TransceiverInit {
                direction: rtc_direction::from_raw(
                    std::ptr::addr_of!(i.direction)
                        .cast::<RawDirection>()
                        .read(),
                )?,
                stream_ids: str_array(i.stream_ids, i.stream_id_count, "stream_ids")?,
                send_rids: str_array(i.rids, i.rid_count, "rids")?,
            },
        };
        let index = locked(pc)?.add_transceiver(kind, init)?;
        if let Some(out) = index_out.as_mut() {
            *out = index;
        }
        Ok(())
    }));
    after_change(pc);
    rc
}

/// The index of the transceiver with this mid.
///
/// `pc` is NULL or a live handle; `mid` is NUL-terminated; `index_out` writable.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_transceiver_index(
    pc: *const rtc_pc,
    mid: *const c_char,
    index_out: *mut usize,
) -> rtc_error_code {
    code(boundary(|| {
        let mid = str_arg(mid, "mid")?;
        let out = index_out
            .as_mut()
            .ok_or_else(|| Error::invalid_argument("index_out is NULL"))?;
        let g = locked(pc)?;
        *out = g
            .transceivers()
            .iter()
            .position(|t| t.mid.as_deref() == Some(mid))
            .ok_or_else(|| Error::invalid_argument(format!("no transceiver has mid '{mid}'")))?;
        Ok(())
    }))
}

/// Fills `info` for transceiver `index`.
///
/// `pc` is NULL or a live handle; `info` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_transceiver_info(
    pc: *const rtc_pc,
    index: usize,
    info: *mut rtc_transceiver_info,
) -> rtc_error_code {
    code(boundary(|| {
        let out = info
            .as_mut()
            .ok_or_else(|| Error::invalid_argument("info is NULL"))?;
        *out = with_transceiver(pc, index, |t| rtc_transceiver_info {
            kind: t.kind.into(),
            direction: if t.stopped {
                rtc_direction::RTC_DIRECTION_STOPPED
            } else {
                rtc_direction::from(t.direction)
            },
            // W3C: "stopped" once the stop took effect; before, the last
            // negotiated direction (none if never negotiated).
            current_direction: match t.stop_done {
                true => rtc_direction::RTC_DIRECTION_STOPPED,
                false => t.current_direction.into(),
            },
            stopped: t.stopped,
            has_track: t.track.is_some(),
        })?;
        Ok(())
    }))
}

/// RTCRtpTransceiver.direction = direction (SENDRECV..INACTIVE); the next
/// answer uses it. RTC_ERROR_INVALID_STATE for a stopped transceiver.
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_transceiver_set_direction(
    pc: *mut rtc_pc,
    index: usize,
    direction: RawDirection,
) -> rtc_error_code {
    let rc = code(boundary(|| {
        let d = rtc_direction::from_raw(direction)?;
        locked(pc)?.set_direction(index, d)
    }));
    after_change(pc);
    rc
}

/// RTCRtpTransceiver.stop(): the next answer rejects its m-section; once that
/// answer is applied the transceiver is removed (later indexes shift down).
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_transceiver_stop(pc: *mut rtc_pc, index: usize) -> rtc_error_code {
    let rc = code(boundary(|| locked(pc)?.stop_transceiver(index)));
    after_change(pc);
    rc
}

/// setCodecPreferences (W3C 5.4): offers and answers keep only these
/// codecs, in this order (rtx follows its codec). Each must be a codec of
/// the connection's capabilities: name (any case), clock rate, channels and
/// fmtp line (its parameters in any order; NULL is ""), else
/// RTC_ERROR_INVALID_MODIFICATION, as for a list of only rtx, red, fec, CN
/// and telephone-event; descriptions carry that capability's rtcp-fb.
/// count 0 resets.
///
/// `pc` is NULL or a live handle; `codecs` is valid for `count` entries.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_transceiver_set_codec_preferences(
    pc: *mut rtc_pc,
    index: usize,
    codecs: *const rtc_codec,
    count: usize,
) -> rtc_error_code {
    code(boundary(|| {
        let codecs = codecs_arg(codecs, count)?;
        locked(pc)?.set_codec_preferences(index, codecs)
    }))
}

/// addIceCandidate: a remote candidate ("candidate:..." with or without
/// "a=") for the m-section with `mid`, or when `mid` is NULL the one at
/// `mline_index` (-1: none given). An empty candidate is end-of-candidates:
/// for that m-section, or with neither mid nor index for every m-section.
/// Errors: RTC_ERROR_INVALID_ARGUMENT for a candidate with neither mid nor
/// index, RTC_ERROR_INVALID_STATE without a remote description,
/// RTC_ERROR_OPERATION for an unknown m-section or a bad candidate.
///
/// `pc` is NULL or a live handle; strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_add_ice_candidate(
    pc: *mut rtc_pc,
    candidate: *const c_char,
    mid: *const c_char,
    mline_index: i32,
    on_success: rtc_void_callback,
    on_failure: rtc_error_callback,
    user_data: *mut c_void,
) -> rtc_error_code {
    let no_ufrag = std::ptr::null();
    rtc_pc_add_ice_candidate_with_ufrag(
        pc,
        candidate,
        mid,
        mline_index,
        no_ufrag,
        on_success,
        on_failure,
        user_data,
    )
}

/// addIceCandidate with RTCIceCandidateInit.usernameFragment: as
/// rtc_pc_add_ice_candidate; `username_fragment` (NULL: none) must be the
/// ice-ufrag of that m-section (any m-section without mid and index) in the
/// pending or the current remote description, else RTC_ERROR_OPERATION
/// (W3C: a candidate of an ICE generation neither description has).
///
/// `pc` is NULL or a live handle; strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_add_ice_candidate_with_ufrag(
    pc: *mut rtc_pc,
    candidate: *const c_char,
    mid: *const c_char,
    mline_index: i32,
    username_fragment: *const c_char,
    on_success: rtc_void_callback,
    on_failure: rtc_error_callback,
    user_data: *mut c_void,
) -> rtc_error_code {
    let r = boundary(|| {
        let c = str_arg(candidate, "candidate")?;
        let mid = opt_str_arg(mid, "mid")?;
        let ufrag = opt_str_arg(username_fragment, "username_fragment")?;
        let index = usize::try_from(mline_index).ok();
        let r = locked(pc)?.add_ice_candidate_with_ufrag(c, mid, index, ufrag);
        r
    });
    finish_void(r, on_success, on_failure, user_data)
}

/// A local candidate learnt after the connection was made; later answers
/// carry it. `mid` NULL: the first m-section of every transport; a mid
/// bundled on another m-section's transport: that m-section (RFC 8843).
///
/// `pc` is NULL or a live handle; strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_add_local_candidate(
    pc: *mut rtc_pc,
    candidate: *const c_char,
    mid: *const c_char,
) -> rtc_error_code {
    code(boundary(|| {
        let c = str_arg(candidate, "candidate")?;
        let mid = opt_str_arg(mid, "mid")?;
        locked(pc)?.add_local_candidate(c, mid)
    }))
}

/// addTrack with any number of streams (W3C addTrack(track, ...streams)):
/// as rtc_pc_add_track, each stream id an a=msid line; `stream_ids` may be
/// NULL when `stream_count` is 0. `index_out` (may be NULL) receives the
/// index of the transceiver that now sends the track. Ids are RFC 8830
/// msid-ids (1-64 token characters), else RTC_ERROR_INVALID_ARGUMENT.
///
/// `pc` is NULL or a live handle; `track_id` is NUL-terminated; `stream_ids`
/// holds `stream_count` NUL-terminated strings; `index_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_add_track_with_streams(
    pc: *mut rtc_pc,
    kind: RawMediaKind,
    track_id: *const c_char,
    stream_ids: *const *const c_char,
    stream_count: usize,
    index_out: *mut usize,
) -> rtc_error_code {
    let rc = code(boundary(|| {
        let kind = rtc_media_kind::from_raw(kind)?;
        let track = str_arg(track_id, "track_id")?;
        let streams = str_array(stream_ids, stream_count, "stream_ids")?;
        let streams: Vec<&str> = streams.iter().map(String::as_str).collect();
        let index = locked(pc)?.add_track_with_streams(kind, track, &streams)?;
        if let Some(out) = index_out.as_mut() {
            *out = index;
        }
        Ok(())
    }));
    after_change(pc);
    rc
}

/// W3C removeTrack for the sender of transceiver `index`: it sends no track
/// any more, its direction loses send (sendrecv becomes recvonly, sendonly
/// inactive) and negotiation is needed. Does nothing for a stopped
/// transceiver or one without a track. RTC_ERROR_INVALID_ACCESS when there
/// is no such sender, RTC_ERROR_INVALID_STATE after rtc_pc_close.
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_remove_track(pc: *mut rtc_pc, index: usize) -> rtc_error_code {
    let rc = code(boundary(|| locked(pc)?.remove_track(index)));
    after_change(pc);
    rc
}

/// W3C replaceTrack for the sender of transceiver `index`: `track_id`
/// (NULL: no track) is sent from now on, without renegotiation (a=msid
/// keeps the sender's id). RTC_ERROR_INVALID_ARGUMENT when `kind` is not the
/// transceiver's, RTC_ERROR_INVALID_STATE when it is stopped.
///
/// `pc` is NULL or a live handle; `track_id` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_replace_track(
    pc: *mut rtc_pc,
    index: usize,
    kind: RawMediaKind,
    track_id: *const c_char,
) -> rtc_error_code {
    code(boundary(|| {
        let kind = rtc_media_kind::from_raw(kind)?;
        let track = opt_str_arg(track_id, "track_id")?;
        locked(pc)?.replace_track(index, kind, track)
    }))
}

/// W3C RTCRtpSender.setStreams for the sender of transceiver `index`: its
/// a=msid lines name these streams (each once; none: "a=msid:- ...") from
/// the next exchange on, and negotiation is needed. `stream_ids` may be NULL
/// when `stream_count` is 0. RTC_ERROR_INVALID_STATE for a stopped
/// transceiver or after rtc_pc_close.
///
/// `pc` is NULL or a live handle; `stream_ids` holds `stream_count`
/// NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_sender_set_streams(
    pc: *mut rtc_pc,
    index: usize,
    stream_ids: *const *const c_char,
    stream_count: usize,
) -> rtc_error_code {
    let rc = code(boundary(|| {
        let streams = str_array(stream_ids, stream_count, "stream_ids")?;
        let streams: Vec<&str> = streams.iter().map(String::as_str).collect();
        locked(pc)?.set_streams(index, &streams)
    }));
    after_change(pc);
    rc
}
