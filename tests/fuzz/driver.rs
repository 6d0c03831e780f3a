// Shared by the fuzz targets and tests/fuzz_regressions.rs (through include!):
// drives rtcpc through its C API the way an application would.
//
// Any panic is a finding: the C boundary would turn it into
// RTC_ERROR_INTERNAL, so that code is asserted never to come back, and the
// checks below panic when the library breaks its own promises.

use rtcpc::ffi::*;
use std::ffi::{c_void, CStr, CString};
use std::ptr::{null, null_mut};
use std::sync::OnceLock;

struct SharedConfig(*mut rtc_configuration);
// SAFETY: only read (rtc_pc_new copies it) after being built once.
unsafe impl Send for SharedConfig {}
unsafe impl Sync for SharedConfig {}

fn config() -> *const rtc_configuration {
    static CONFIG: OnceLock<SharedConfig> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let c = rtc_configuration_new();
            assert_eq!(rtc_configuration_generate_shared_certificate(c), rtc_error_code::RTC_OK);
            SharedConfig(c)
        })
        .0
}

unsafe extern "C" fn keep_answer(d: *const rtc_session_description, user: *mut c_void) {
    *(user as *mut String) = CStr::from_ptr((*d).sdp).to_str().expect("answers are UTF-8").to_string();
}

fn no_internal(rc: rtc_error_code, what: &str) -> rtc_error_code {
    assert_ne!(rc, rtc_error_code::RTC_ERROR_INTERNAL, "{what} hit an internal error");
    rc
}

/// Offer -> add tracks -> answer -> apply -> read what was negotiated.
pub fn drive(data: &[u8]) {
    // A C string ends at its first NUL.
    let end = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let sdp = CString::new(&data[..end]).unwrap();
    unsafe {
        let pc = rtc_pc_new(config());
        assert!(!pc.is_null());
        let offer = rtc_session_description { r#type: rtc_sdp_type::RTC_SDP_TYPE_OFFER, sdp: sdp.as_ptr() };
        let rc = no_internal(rtc_pc_set_remote_description(pc, &offer, None, None, null_mut()), "SRD");
        if rc != rtc_error_code::RTC_OK {
            assert_eq!(rtc_pc_signaling_state(pc), rtc_signaling_state::RTC_SIGNALING_STATE_STABLE);
            assert_eq!(rtc_pc_transceiver_count(pc), 0, "a failed SRD left transceivers");
            rtc_pc_free(pc);
            return;
        }
        for i in 0..rtc_pc_transceiver_count(pc) {
            let mut kind = rtc_media_kind::RTC_MEDIA_KIND_AUDIO;
            assert_eq!(rtc_pc_transceiver_kind(pc, i, &mut kind), rtc_error_code::RTC_OK);
            let track = CString::new(format!("t{i}")).unwrap();
            no_internal(rtc_pc_add_track(pc, kind as i32, track.as_ptr(), c"s".as_ptr()), "addTrack");
        }
        let mut answer = String::new();
        let rc = rtc_pc_create_answer(pc, Some(keep_answer), None, null(), &mut answer as *mut String as *mut c_void);
        assert_eq!(rc, rtc_error_code::RTC_OK, "createAnswer failed after SRD succeeded");
        // The answer is valid SDP with one m-section per offered one.
        let parsed = rtcpc::parse_description(&answer).unwrap_or_else(|e| panic!("our answer does not parse: {e}\n{answer}"));
        let offered = rtcpc::parse_description(sdp.to_str().unwrap()).expect("the offer parsed in SRD");
        assert_eq!(parsed, offered, "m-section count differs");
        let local = rtc_session_description { r#type: rtc_sdp_type::RTC_SDP_TYPE_ANSWER, sdp: c"".as_ptr() };
        assert_eq!(rtc_pc_set_local_description(pc, &local, None, None, null_mut()), rtc_error_code::RTC_OK);
        let n = rtc_pc_negotiation(pc);
        assert!(!n.is_null());
        for i in 0..rtc_negotiation_section_count(n) {
            let s = &*rtc_negotiation_section(n, i);
            for c in 0..s.codec_count {
                let codec = &*s.codecs.add(c);
                assert!(!CStr::from_ptr(codec.name).to_bytes().is_empty());
            }
        }
        rtc_negotiation_free(n);
        // A renegotiation with the same offer must work too.
        no_internal(rtc_pc_set_remote_description(pc, &offer, None, None, null_mut()), "second SRD");
        no_internal(rtc_pc_create_answer(pc, None, None, null(), null_mut()), "second createAnswer");
        rtc_pc_free(pc);
    }
}
