//! Issue 12.5: the log callback never runs with a handle's lock held, so it
//! may call back into the same handle (here at TRACE, where the negotiation
//! decisions are logged). Its own process: the log bridge is process-wide.

use rtcpc::ffi::*;
use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr::null;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

mod common;
use common::CHROME;

static PC: AtomicPtr<rtc_pc> = AtomicPtr::new(std::ptr::null_mut());
static RECORDS: AtomicUsize = AtomicUsize::new(0);
static DEBUG_RECORDS: AtomicUsize = AtomicUsize::new(0);
static REENTERED: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn on_log(
    level: rtc_log_level,
    _target: *const c_char,
    message: *const c_char,
    _user: *mut c_void,
) {
    assert!(!CStr::from_ptr(message).to_bytes().is_empty());
    RECORDS.fetch_add(1, Ordering::SeqCst);
    if level == rtc_log_level::RTC_LOG_LEVEL_DEBUG {
        DEBUG_RECORDS.fetch_add(1, Ordering::SeqCst);
    }
    let pc = PC.load(Ordering::SeqCst);
    if !pc.is_null() {
        // Would deadlock if the record came with the handle's lock held.
        let _ = rtc_pc_signaling_state(pc);
        let _ = rtc_pc_transceiver_count(pc);
        REENTERED.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_log_callback_may_call_the_same_handle() {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || unsafe {
        assert_eq!(
            rtc_set_log_callback(
                rtc_log_level::RTC_LOG_LEVEL_TRACE as i32,
                Some(on_log),
                std::ptr::null_mut()
            ),
            rtc_error_code::RTC_OK
        );
        let pc = rtc_pc_new(null());
        PC.store(pc, Ordering::SeqCst);
        let sdp = CString::new(CHROME).unwrap();
        let offer = rtc_session_description {
            r#type: rtc_sdp_type::RTC_SDP_TYPE_OFFER,
            sdp: sdp.as_ptr(),
        };
        let empty = CString::new("").unwrap();
        let answer = rtc_session_description {
            r#type: rtc_sdp_type::RTC_SDP_TYPE_ANSWER,
            sdp: empty.as_ptr(),
        };
        let ok = rtc_error_code::RTC_OK;
        assert_eq!(
            rtc_pc_set_remote_description(pc, &offer, None, None, std::ptr::null_mut()),
            ok
        );
        assert_eq!(
            rtc_pc_create_answer(pc, None, None, null(), std::ptr::null_mut()),
            ok
        );
        assert_eq!(
            rtc_pc_set_local_description(pc, &answer, None, None, std::ptr::null_mut()),
            ok
        );
        // A refusal is logged at WARN, also re-entrantly.
        assert_ne!(
            rtc_pc_set_local_description(pc, &answer, None, None, std::ptr::null_mut()),
            ok
        );
        PC.store(std::ptr::null_mut(), Ordering::SeqCst);
        rtc_pc_free(pc);
        rtc_set_log_callback(0, None, std::ptr::null_mut());
        done.send(()).unwrap();
    });
    finished
        .recv_timeout(Duration::from_secs(30))
        .expect("a log callback calling into the same handle deadlocked");
    assert!(
        DEBUG_RECORDS.load(Ordering::SeqCst) > 0,
        "DEBUG decisions logged"
    );
    assert_eq!(
        REENTERED.load(Ordering::SeqCst),
        RECORDS.load(Ordering::SeqCst)
    );
}
