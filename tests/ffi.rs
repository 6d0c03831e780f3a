//! The C boundary driven from Rust: NULLs, bad UTF-8, out-of-range enums,
//! callbacks, and a panic in the core surfacing as RTC_ERROR_INTERNAL.

use rtcpc::ffi::*;
use std::ffi::{c_void, CStr, CString};
use std::ptr::{null, null_mut};

#[derive(Default)]
struct Seen {
    ok: u32,
    err: Vec<(rtc_error_code, String, String)>,
}

unsafe extern "C" fn on_ok(_d: *const rtc_session_description, u: *mut c_void) {
    (*(u as *mut Seen)).ok += 1;
}
unsafe extern "C" fn on_void(u: *mut c_void) {
    (*(u as *mut Seen)).ok += 1;
}
unsafe extern "C" fn on_err(e: *const rtc_error, u: *mut c_void) {
    let e = &*e;
    let s = |p| CStr::from_ptr(p).to_string_lossy().into_owned();
    (*(u as *mut Seen))
        .err
        .push((e.code, s(e.name), s(e.message)));
}

fn offer(text: &str) -> (CString, rtc_session_description) {
    let c = CString::new(text).unwrap();
    let d = rtc_session_description {
        r#type: rtc_sdp_type::RTC_SDP_TYPE_OFFER,
        sdp: c.as_ptr(),
    };
    (c, d)
}

mod common;
use common::CHROME;

#[test]
fn null_and_invalid_arguments_are_type_errors() {
    unsafe {
        let mut seen = Seen::default();
        let u = &mut seen as *mut Seen as *mut c_void;
        let (_c, d) = offer(CHROME);
        let r = rtc_pc_set_remote_description(null_mut(), &d, Some(on_void), Some(on_err), u);
        assert_eq!(r, rtc_error_code::RTC_ERROR_INVALID_ARGUMENT);
        let pc = rtc_pc_new(null());
        assert!(!pc.is_null());
        assert_eq!(
            rtc_pc_set_remote_description(pc, null(), Some(on_void), Some(on_err), u),
            rtc_error_code::RTC_ERROR_INVALID_ARGUMENT
        );
        let bad = rtc_session_description {
            r#type: rtc_sdp_type::RTC_SDP_TYPE_OFFER,
            sdp: null(),
        };
        assert_eq!(
            rtc_pc_set_remote_description(pc, &bad, Some(on_void), Some(on_err), u),
            rtc_error_code::RTC_ERROR_INVALID_ARGUMENT
        );
        let latin1 = b"v=0\xff\0";
        let bad = rtc_session_description {
            r#type: rtc_sdp_type::RTC_SDP_TYPE_OFFER,
            sdp: latin1.as_ptr().cast(),
        };
        assert_eq!(
            rtc_pc_set_remote_description(pc, &bad, Some(on_void), Some(on_err), u),
            rtc_error_code::RTC_ERROR_INVALID_ARGUMENT
        );
        // An rtc_sdp_type of 7, as a C caller could pass, is refused, not undefined behaviour.
        let mut raw = [0u8; std::mem::size_of::<rtc_session_description>()];
        std::ptr::copy_nonoverlapping(&d as *const _ as *const u8, raw.as_mut_ptr(), raw.len());
        raw[..4].copy_from_slice(&7i32.to_ne_bytes());
        let r =
            rtc_pc_set_remote_description(pc, raw.as_ptr().cast(), Some(on_void), Some(on_err), u);
        assert_eq!(r, rtc_error_code::RTC_ERROR_INVALID_ARGUMENT);
        assert_eq!(
            rtc_pc_add_track(pc, 9, c"t".as_ptr(), null()),
            rtc_error_code::RTC_ERROR_INVALID_ARGUMENT
        );
        assert_eq!(seen.ok, 0);
        assert_eq!(seen.err.len(), 5);
        for (code, name, msg) in &seen.err {
            assert_eq!(*code, rtc_error_code::RTC_ERROR_INVALID_ARGUMENT);
            assert_eq!(name, "TypeError");
            assert!(!msg.is_empty());
        }
        assert!(seen.err[3].2.contains("UTF-8"), "{}", seen.err[3].2);
        assert_eq!(
            rtc_pc_signaling_state(pc),
            rtc_signaling_state::RTC_SIGNALING_STATE_STABLE
        );
        rtc_pc_free(pc);
    }
}

#[test]
fn exactly_one_callback_and_null_callbacks() {
    unsafe {
        let mut seen = Seen::default();
        let u = &mut seen as *mut Seen as *mut c_void;
        let pc = rtc_pc_new(null());
        let (_c, d) = offer(CHROME);
        assert_eq!(
            rtc_pc_set_remote_description(pc, &d, Some(on_void), Some(on_err), u),
            rtc_error_code::RTC_OK
        );
        assert_eq!(
            rtc_pc_create_answer(pc, Some(on_ok), Some(on_err), null(), u),
            rtc_error_code::RTC_OK
        );
        assert_eq!((seen.ok, seen.err.len()), (2, 0));
        // NULL callbacks: the return code alone tells.
        assert_eq!(
            rtc_pc_create_answer(pc, None, None, null(), null_mut()),
            rtc_error_code::RTC_OK
        );
        let (_c, garbage) = offer("garbage");
        assert_eq!(
            rtc_pc_set_remote_description(pc, &garbage, None, None, null_mut()),
            rtc_error_code::RTC_ERROR_SYNTAX
        );
        rtc_pc_close(pc);
        assert_eq!(
            rtc_pc_create_answer(pc, Some(on_ok), Some(on_err), null(), u),
            rtc_error_code::RTC_ERROR_INVALID_STATE
        );
        assert_eq!(seen.err.last().unwrap().1, "InvalidStateError");
        rtc_pc_free(pc);
        rtc_pc_close(null_mut());
        rtc_pc_free(null_mut());
    }
}

#[cfg(feature = "panic-test-hook")]
#[test]
fn a_panic_in_the_core_is_an_internal_error_not_an_abort() {
    unsafe {
        let mut seen = Seen::default();
        let u = &mut seen as *mut Seen as *mut c_void;
        let pc = rtc_pc_new(null());
        let (_c, d) = offer(&CHROME.replacen("\ns=-", "\ns=rtcpc-test-panic", 1));
        assert_eq!(
            rtc_pc_set_remote_description(pc, &d, None, Some(on_err), u),
            rtc_error_code::RTC_OK
        );
        let r = rtc_pc_create_answer(pc, Some(on_ok), Some(on_err), null(), u);
        assert_eq!(r, rtc_error_code::RTC_ERROR_INTERNAL);
        let (code, name, msg) = seen.err.last().unwrap();
        assert_eq!(*code, rtc_error_code::RTC_ERROR_INTERNAL);
        assert_eq!(name, "InternalError");
        assert!(msg.contains("forced by the panic-test-hook"), "{msg}");
        // The handle still works: the lock was released and the state kept.
        assert_eq!(
            rtc_pc_signaling_state(pc),
            rtc_signaling_state::RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER
        );
        let (_c, d) = offer(CHROME);
        assert_eq!(
            rtc_pc_set_remote_description(pc, &d, None, None, null_mut()),
            rtc_error_code::RTC_OK
        );
        assert_eq!(
            rtc_pc_create_answer(pc, None, None, null(), null_mut()),
            rtc_error_code::RTC_OK
        );
        rtc_pc_free(pc);
    }
}

/// Issue 12.9: rtc_configuration_set_certificate_pem takes OpenSSL-made EC
/// and RSA pairs, and refuses a key that is not the certificate's.
#[test]
fn certificate_pem_must_come_with_its_own_key() {
    let read = |f: &str| {
        CString::new(std::fs::read_to_string(format!("tests/data/certs/{f}")).unwrap()).unwrap()
    };
    let (ec_crt, ec_key, rsa_crt, rsa_key) = (
        read("ec.crt"),
        read("ec.key"),
        read("rsa.crt"),
        read("rsa.key"),
    );
    unsafe {
        let c = rtc_configuration_new();
        let set = |crt: &CString, key: &CString| {
            rtc_configuration_set_certificate_pem(c, crt.as_ptr(), key.as_ptr())
        };
        assert_eq!(set(&ec_crt, &ec_key), rtc_error_code::RTC_OK);
        assert_eq!(set(&rsa_crt, &rsa_key), rtc_error_code::RTC_OK);
        assert_eq!(
            set(&ec_crt, &rsa_key),
            rtc_error_code::RTC_ERROR_INVALID_ARGUMENT
        );
        assert_eq!(
            set(&rsa_crt, &ec_key),
            rtc_error_code::RTC_ERROR_INVALID_ARGUMENT
        );
        // The last good pair stays: the answer carries the RSA fingerprint.
        let pc = rtc_pc_new(c);
        rtc_configuration_free(c);
        let (_o, d) = offer(CHROME);
        assert_eq!(
            rtc_pc_set_remote_description(pc, &d, None, None, null_mut()),
            rtc_error_code::RTC_OK
        );
        let mut answer = String::new();
        unsafe extern "C" fn keep(d: *const rtc_session_description, u: *mut c_void) {
            *(u as *mut String) = CStr::from_ptr((*d).sdp).to_string_lossy().into_owned();
        }
        rtc_pc_create_answer(
            pc,
            Some(keep),
            None,
            null(),
            &mut answer as *mut String as *mut c_void,
        );
        rtc_pc_free(pc);
        let pem = pem::parse(std::fs::read("tests/data/certs/rsa.crt").unwrap()).unwrap();
        let digest = ring::digest::digest(&ring::digest::SHA256, pem.contents());
        let fp: Vec<String> = digest.as_ref().iter().map(|b| format!("{b:02X}")).collect();
        let fp = fp.join(":");
        assert!(
            answer.contains(&format!("a=fingerprint:sha-256 {fp}")),
            "{answer}"
        );
    }
}

/// Issue 14: the certificate and key a host's DTLS stack needs, and the
/// local side in the snapshot, through the C functions.
#[test]
fn certificate_pem_and_the_local_side_of_the_snapshot() {
    unsafe {
        let c = rtc_configuration_new();
        assert_eq!(
            rtc_configuration_set_dtls_role(c, 7),
            rtc_error_code::RTC_ERROR_INVALID_ARGUMENT
        );
        assert_eq!(
            rtc_configuration_set_dtls_role(c, rtc_dtls_role::RTC_DTLS_ROLE_SERVER as i32),
            rtc_error_code::RTC_OK
        );
        let pc = rtc_pc_new(c);
        rtc_configuration_free(c);
        assert_eq!(rtc_pc_certificate_pem(null(), null_mut(), 0), 0);
        let len = rtc_pc_certificate_pem(pc, null_mut(), 0);
        let mut buf = vec![0u8; len + 1];
        assert_eq!(
            rtc_pc_certificate_pem(pc, buf.as_mut_ptr().cast(), buf.len()),
            len
        );
        let pem = CStr::from_bytes_until_nul(&buf).unwrap().to_str().unwrap();
        let (crt, key) = pem.split_at(pem.find("-----BEGIN PRIVATE KEY-----").unwrap());
        // The key is the certificate's (from_pem refuses another one).
        rtcpc::dtls::Certificate::from_pem(crt, key).unwrap();
        let der = pem::parse(crt).unwrap();
        let digest = ring::digest::digest(&ring::digest::SHA256, der.contents());
        let fp: Vec<String> = digest.as_ref().iter().map(|b| format!("{b:02X}")).collect();
        // A short buffer gets a truncated, terminated copy and the full length.
        let mut short = [0x7fu8; 8];
        assert_eq!(
            rtc_pc_certificate_pem(pc, short.as_mut_ptr().cast(), 8),
            len
        );
        assert_eq!(&short, b"-----BE\0");

        let (_o, d) = offer(CHROME);
        rtc_pc_set_remote_description(pc, &d, None, None, null_mut());
        let track = CString::new("cam").unwrap();
        rtc_pc_add_track(
            pc,
            rtc_media_kind::RTC_MEDIA_KIND_VIDEO as i32,
            track.as_ptr(),
            null(),
        );
        rtc_pc_create_answer(pc, None, None, null(), null_mut());
        let answer = rtc_session_description {
            r#type: rtc_sdp_type::RTC_SDP_TYPE_ANSWER,
            sdp: c"".as_ptr(),
        };
        assert_eq!(
            rtc_pc_set_local_description(pc, &answer, None, None, null_mut()),
            rtc_error_code::RTC_OK
        );
        let n = rtc_pc_negotiation(pc);
        assert_eq!(
            rtc_negotiation_ice_role(n),
            rtc_ice_role::RTC_ICE_ROLE_CONTROLLED
        );
        assert_eq!(
            rtc_negotiation_ice_role(null()),
            rtc_ice_role::RTC_ICE_ROLE_CONTROLLED
        );
        assert_eq!(
            rtc_negotiation_dtls_role(n),
            rtc_dtls_role::RTC_DTLS_ROLE_SERVER
        );
        let s = |p: *const std::ffi::c_char| CStr::from_ptr(p).to_str().unwrap().to_string();
        let video = &*rtc_negotiation_section(n, 1);
        assert_eq!(video.dtls_role, rtc_dtls_role::RTC_DTLS_ROLE_SERVER);
        assert_eq!(video.ice_role, rtc_ice_role::RTC_ICE_ROLE_CONTROLLED);
        assert_eq!(video.local_fingerprint_count, 1);
        assert_eq!(
            s(*video.local_fingerprints),
            format!("sha-256 {}", fp.join(":"))
        );
        assert_eq!(s(video.local_ice_ufrag).len(), 16);
        assert_eq!(s(video.local_ice_pwd).len(), 32);
        assert_eq!(s(video.local_msid_track), "cam");
        assert_eq!(s(video.local_cname).len(), 16);
        let ssrcs = std::slice::from_raw_parts(video.local_ssrcs, video.local_ssrc_count);
        assert_eq!(ssrcs.len(), 2);
        assert_eq!(video.local_ssrc_group_count, 1);
        let fid = &*video.local_ssrc_groups;
        assert_eq!(s(fid.semantics), "FID");
        assert_eq!(std::slice::from_raw_parts(fid.ssrcs, fid.ssrc_count), ssrcs);
        // Audio has no track: nothing sent, no SSRC, no cname.
        let audio = &*rtc_negotiation_section(n, 0);
        assert!(audio.local_cname.is_null() && audio.local_ssrc_count == 0);
        assert_eq!(audio.local_sctp_port, 0);
        assert_eq!((*rtc_negotiation_section(n, 2)).local_sctp_port, 5000);
        rtc_negotiation_free(n);
        rtc_pc_free(pc);
    }
}

/// Issue 15: rtc_pc_create_offer asks the configured provider, with no
/// lock held, and the offer carries a=identity; a failing provider is
/// NotReadableError through the failure callback.
#[test]
fn create_offer_asks_the_identity_provider() {
    unsafe extern "C" fn generate(
        contents: *const std::ffi::c_char,
        _origin: *const std::ffi::c_char,
        _hint: *const std::ffi::c_char,
        result: *mut rtc_identity_result,
        user_data: *mut c_void,
    ) {
        let fail = *(user_data as *const bool);
        if fail {
            rtc_identity_result_fail(result, c"idp-need-login".as_ptr(), null());
        } else {
            assert!(CStr::from_ptr(contents)
                .to_str()
                .unwrap()
                .contains("fingerprint"));
            rtc_identity_result_set_assertion(result, c"signed".as_ptr());
        }
    }
    unsafe extern "C" fn keep(d: *const rtc_session_description, u: *mut c_void) {
        *(u as *mut String) = CStr::from_ptr((*d).sdp).to_string_lossy().into_owned();
    }
    for fail in [true, false] {
        unsafe {
            let c = rtc_configuration_new();
            let provider = rtc_identity_provider {
                domain: c"idp.example".as_ptr(),
                protocol: null(),
                origin: null(),
                username_hint: null(),
                generate_assertion: Some(generate),
                validate_assertion: None,
                user_data: &fail as *const bool as *mut c_void,
            };
            assert_eq!(
                rtc_configuration_set_identity_provider(c, &provider),
                rtc_error_code::RTC_OK
            );
            let pc = rtc_pc_new(c);
            rtc_configuration_free(c);
            let mut seen = Seen::default();
            let mut offer = String::new();
            let user = if fail {
                &mut seen as *mut Seen as *mut c_void
            } else {
                &mut offer as *mut String as *mut c_void
            };
            let rc = rtc_pc_create_offer(pc, Some(keep), Some(on_err), null(), user);
            if fail {
                assert_eq!(rc, rtc_error_code::RTC_ERROR_NOT_READABLE);
                assert_eq!(seen.err[0].1, "NotReadableError");
                assert!(seen.err[0].2.contains("idp-need-login"), "{:?}", seen.err);
            } else {
                assert_eq!(rc, rtc_error_code::RTC_OK);
                assert!(offer.contains("\r\na=identity:"), "{offer}");
            }
            rtc_pc_free(pc);
        }
    }
}
