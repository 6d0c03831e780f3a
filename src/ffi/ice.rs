//! ICE after an exchange from C: trickle and restart fragments (RFC 8840,
//! RFC 9725 4.3: the bodies of WHIP and WHEP PATCH requests).

use super::pc::{after_change, finish_void, text_out};
use super::*;
use std::ffi::c_void;

/// Applies a trickle or restart fragment from the peer
/// (`application/trickle-ice-sdpfrag`, RFC 8840 section 9, as RFC 9725
/// section 4.3 uses it) after a completed exchange: its candidates and
/// end-of-candidates join the remote description; new ice-ufrag and
/// ice-pwd restart ICE on the transport they name (every transport for a
/// fragment without m= line): the remote credentials and candidates are
/// replaced, ours are new (unless rtc_pc_restart_ice_by_fragment started
/// the restart), and rtc_pc_local_ice_fragment gives the reply. The
/// fragment's m= lines only anchor a=mid (any port, protocol and format);
/// credentials may be at session or media level. `result` (may be NULL)
/// says what it did. Errors: RTC_ERROR_SYNTAX (a line that does not
/// parse, named), RTC_ERROR_OPERATION (a mid no m-section has),
/// RTC_ERROR_INVALID_STATE (no completed exchange); a failed call changes
/// nothing.
///
/// `pc` is NULL or a live handle; `fragment` is NUL-terminated; `result`
/// is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_apply_ice_fragment(
    pc: *mut rtc_pc,
    fragment: *const c_char,
    result: *mut rtc_ice_fragment_result,
    on_success: rtc_void_callback,
    on_failure: rtc_error_callback,
    user_data: *mut c_void,
) -> rtc_error_code {
    let r = boundary(|| {
        let text = str_arg(fragment, "fragment")?;
        let done = locked(pc)?.apply_ice_fragment(text)?;
        if let Some(out) = result.as_mut() {
            *out = rtc_ice_fragment_result {
                restarted: done.restarted,
                candidates: done.candidates,
                discarded: done.discarded,
                end_of_candidates: done.end_of_candidates,
            };
        }
        Ok(())
    });
    let rc = finish_void(r, on_success, on_failure, user_data);
    after_change(pc);
    rc
}

/// Starts an ICE restart without an offer, as a WHIP client does (RFC
/// 9725 4.3.3): new local credentials on every transport now; send
/// rtc_pc_local_ice_fragment in a PATCH with `If-Match: *`, and apply the
/// reply with rtc_pc_apply_ice_fragment. Errors: RTC_ERROR_INVALID_STATE
/// before a completed exchange.
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_restart_ice_by_fragment(pc: *mut rtc_pc) -> rtc_error_code {
    code(boundary(|| locked(pc)?.restart_ice_by_fragment().map(drop)))
}

/// Our side as a fragment (CRLF lines): for each transport our m= line,
/// a=mid, ice-ufrag, ice-pwd and candidates, after our ICE lite, ICE
/// options and BUNDLE lines: the body of the reply to a restart (200, RFC
/// 9725 4.3.3), or of a client's trickle PATCH. Copied into `buffer` like
/// snprintf; returns its full length, 0 before a completed exchange or
/// when pc is NULL.
///
/// `pc` is NULL or a live handle; `buffer` is NULL (with `capacity` 0) or
/// valid for `capacity` bytes.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_local_ice_fragment(
    pc: *const rtc_pc,
    buffer: *mut c_char,
    capacity: usize,
) -> usize {
    text_out(pc, buffer, capacity, |p| p.local_ice_fragment().ok())
}

/// How many ICE restarts the connection has seen (by offer, answer or
/// fragment), for a WHIP/WHEP endpoint's ETag (RFC 9725 4.3.1: a new one
/// after each restart). 0 for a NULL pc.
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_ice_generation(pc: *const rtc_pc) -> u64 {
    let Some(p) = pc.as_ref() else { return 0 };
    boundary(|| p.lock().ice_generation())
}
