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
            // SAFETY: c is from rtc_configuration_new.
            assert_eq!(unsafe { rtc_configuration_generate_shared_certificate(c) }, rtc_error_code::RTC_OK);
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
        let local = rtc_session_description { r#type: rtc_sdp_type::RTC_SDP_TYPE_ANSWER, sdp: c"".as_ptr() };
        assert_eq!(rtc_pc_set_local_description(pc, &local, None, None, null_mut()), rtc_error_code::RTC_OK);
        let n = rtc_pc_negotiation(pc);
        assert!(!n.is_null());
        // (The snapshot has one section per offered m-section.)
        assert_eq!(parsed, rtc_negotiation_section_count(n), "m-section count differs");
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

// ---------------------------------------------------------------------------
// The offering side: the fuzz input is the remote answer to an rtcpc offer.

unsafe extern "C" fn keep_error(e: *const rtc_error, user: *mut c_void) {
    *(user as *mut String) = CStr::from_ptr((*e).message).to_string_lossy().into_owned();
}

fn describe(rc: rtc_error_code, message: &str) -> String {
    format!("{rc:?}: {message}")
}

/// setRemoteDescription of `type` with `sdp`: the code and the error message.
unsafe fn srd(pc: *mut rtc_pc, r#type: rtc_sdp_type, sdp: &CStr, what: &str) -> (rtc_error_code, String) {
    let d = rtc_session_description { r#type, sdp: sdp.as_ptr() };
    let mut message = String::new();
    let rc = rtc_pc_set_remote_description(pc, &d, None, Some(keep_error), &mut message as *mut String as *mut c_void);
    assert_ne!(rc, rtc_error_code::RTC_ERROR_INTERNAL, "{what} hit an internal error: {message}");
    (rc, message)
}

/// createOffer + setLocalDescription(offer, ""): the offer.
unsafe fn offer_and_apply(pc: *mut rtc_pc) -> String {
    offer_and_apply_with(pc, false)
}

/// createOffer (restarting ICE with `ice_restart`) + setLocalDescription(offer, "").
unsafe fn offer_and_apply_with(pc: *mut rtc_pc, ice_restart: bool) -> String {
    let mut offer = String::new();
    let mut message = String::new();
    let mut options = std::mem::zeroed::<rtc_offer_options>();
    rtc_offer_options_init(&mut options);
    options.ice_restart = ice_restart;
    let rc = rtc_pc_create_offer(
        pc,
        Some(keep_answer),
        Some(keep_error),
        &options,
        &mut offer as *mut String as *mut c_void,
    );
    assert_eq!(rc, rtc_error_code::RTC_OK, "createOffer failed");
    let local = rtc_session_description { r#type: rtc_sdp_type::RTC_SDP_TYPE_OFFER, sdp: c"".as_ptr() };
    let rc = rtc_pc_set_local_description(pc, &local, None, Some(keep_error), &mut message as *mut String as *mut c_void);
    assert_eq!(rc, rtc_error_code::RTC_OK, "setLocalDescription(offer) failed: {message}");
    assert_eq!(rtc_pc_signaling_state(pc), rtc_signaling_state::RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER);
    offer
}

/// A connection from the shared configuration with an audio and a video
/// track and data channels requested, its offer created and applied.
unsafe fn offerer() -> (*mut rtc_pc, String) {
    let pc = rtc_pc_new(config());
    assert!(!pc.is_null());
    assert_eq!(rtc_pc_add_track(pc, rtc_media_kind::RTC_MEDIA_KIND_AUDIO as i32, c"mic".as_ptr(), c"s".as_ptr()), rtc_error_code::RTC_OK);
    assert_eq!(rtc_pc_add_track(pc, rtc_media_kind::RTC_MEDIA_KIND_VIDEO as i32, c"cam".as_ptr(), c"s".as_ptr()), rtc_error_code::RTC_OK);
    assert_eq!(rtc_pc_request_data_channels(pc), rtc_error_code::RTC_OK);
    let offer = offer_and_apply(pc);
    (pc, offer)
}

/// The payload types of each m-line of `sdp` (empty for non-RTP ones).
fn offered_payload_types(sdp: &str) -> Vec<Vec<u8>> {
    sdp.lines()
        .filter_map(|l| l.strip_prefix("m="))
        .map(|m| m.split(' ').skip(3).filter_map(|f| f.trim().parse().ok()).collect())
        .collect()
}

/// The a=mid values of `sdp`, in order.
fn mids(sdp: &str) -> Vec<String> {
    sdp.lines().filter_map(|l| l.strip_prefix("a=mid:")).map(|m| m.trim().to_string()).collect()
}

/// rtcpc's own answer to `offer` (an offer `offerer` made): its answerer
/// with no tracks (recvonly) and codec preferences opus and VP8, so the
/// answer is short (2 KB) and cheap to apply.
fn answer_to(offer: &str) -> CString {
    use rtcpc::{AnswerOptions, Configuration, MediaKind, PeerConnection, SdpType};
    let config = Configuration::default();
    let mut b = PeerConnection::new(config.clone()).unwrap();
    b.set_remote_description(SdpType::Offer, offer).expect("rtcpc refused its own offer");
    for (kind, name) in [(MediaKind::Audio, "opus"), (MediaKind::Video, "VP8")] {
        // (A stopped m-line, offered with port 0, has no transceiver.)
        let Some(i) = b.transceivers().iter().position(|t| t.kind == kind) else {
            continue;
        };
        let codec = config.capabilities.codecs(kind).iter().find(|c| c.name == name).unwrap().clone();
        b.set_codec_preferences(i, vec![codec]).unwrap();
    }
    let answer = b.create_answer(AnswerOptions::default()).unwrap();
    b.set_local_description(SdpType::Answer, "").unwrap();
    CString::new(answer).unwrap()
}

/// A valid answer to `offer`, made once per shape of offer (its mids and
/// which m-lines have port 0): payload types and mids do not depend on the
/// connection, so one answer fits every offer `offerer` makes, another every
/// re-offer after a rollback (rtcpc does not reuse the mids of a
/// rolled-back offer), another every re-offer with the audio stopped. The
/// flag says it was made just now (its report still to be checked, once).
fn valid_answer_for(offer: &str) -> (CString, bool) {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static ANSWERS: OnceLock<Mutex<HashMap<Vec<String>, CString>>> = OnceLock::new();
    let mut answers = ANSWERS.get_or_init(Default::default).lock().unwrap();
    let ports = offer.lines().filter_map(|l| l.strip_prefix("m=")).map(|m| m.split(' ').nth(1).unwrap_or("").to_string());
    let key: Vec<String> = mids(offer).into_iter().chain(ports).collect();
    if let Some(a) = answers.get(&key) {
        return (a.clone(), false);
    }
    let answer = answer_to(offer);
    answers.insert(key, answer.clone());
    (answer, true)
}

/// The valid answer to the first offer of `offerer`, checked on it.
pub fn valid_answer() -> &'static CStr {
    static ANSWER: OnceLock<CString> = OnceLock::new();
    ANSWER.get_or_init(|| unsafe {
        let (pc, offer) = offerer();
        let (answer, _) = valid_answer_for(&offer);
        let (rc, message) = srd(pc, rtc_sdp_type::RTC_SDP_TYPE_ANSWER, &answer, "SRD(our answer)");
        assert_eq!(rc, rtc_error_code::RTC_OK, "rtcpc refused its own answer: {message}");
        check_accepted(pc, &offer, answer.to_bytes(), true);
        rtc_pc_free(pc);
        answer
    })
}

/// After an accepted answer: stable, a snapshot with one section per
/// offered m-line and only offered payload types, and (with `report`) a
/// negotiation report that is JSON.
unsafe fn check_accepted(pc: *mut rtc_pc, offer: &str, answer: &[u8], report: bool) {
    let answer = String::from_utf8_lossy(answer);
    assert_eq!(
        rtc_pc_signaling_state(pc),
        rtc_signaling_state::RTC_SIGNALING_STATE_STABLE,
        "an accepted answer did not end the exchange"
    );
    let offered = offered_payload_types(offer);
    let n = rtc_pc_negotiation(pc);
    assert!(!n.is_null(), "no negotiation after an accepted answer");
    assert_eq!(rtc_negotiation_section_count(n), offered.len(), "section count is not the offer's m-line count\n{answer}");
    for (i, offered_pts) in offered.iter().enumerate() {
        let s = &*rtc_negotiation_section(n, i);
        assert_eq!(s.index, i, "section {i} reports index {}", s.index);
        for c in 0..s.codec_count {
            let codec = &*s.codecs.add(c);
            assert!(
                offered_pts.contains(&codec.payload_type),
                "section {i}: payload type {} ({}) was not offered ({:?})\n{answer}",
                codec.payload_type,
                CStr::from_ptr(codec.name).to_string_lossy(),
                offered_pts
            );
        }
    }
    rtc_negotiation_free(n);
    if !report {
        return;
    }
    let len = rtc_pc_negotiation_report(pc, null_mut(), 0);
    assert!(len > 0, "no report after an accepted answer");
    let mut buf = vec![0u8; len + 1];
    assert_eq!(rtc_pc_negotiation_report(pc, buf.as_mut_ptr().cast(), buf.len()), len);
    assert_eq!(buf[len], 0);
    let report: serde_json::Value = serde_json::from_slice(&buf[..len])
        .unwrap_or_else(|e| panic!("the report is not JSON: {e}\n{}", String::from_utf8_lossy(&buf[..len])));
    assert_eq!(report["side"], "offer", "report side");
    let m_lines = report["m_lines"].as_array().expect("report m_lines");
    assert_eq!(m_lines.len(), offered.len(), "report m_lines count");
}

/// After a refused answer or pranswer: the state is `state` (the exchange
/// goes on), what was negotiated is what it was (`before`: the sections of
/// an earlier exchange, if any), and rtcpc's valid answer still applies.
unsafe fn check_refused(pc: *mut rtc_pc, state: rtc_signaling_state, offer: &str, why: &str) {
    check_refused_after(pc, state, offer, why, None)
}

unsafe fn check_refused_after(
    pc: *mut rtc_pc,
    state: rtc_signaling_state,
    offer: &str,
    why: &str,
    before: Option<usize>,
) {
    assert_eq!(rtc_pc_signaling_state(pc), state, "a refused answer ({why}) changed the state");
    let n = rtc_pc_negotiation(pc);
    match before {
        None => assert!(n.is_null(), "a refused answer ({why}) left a negotiation"),
        Some(count) => {
            assert!(!n.is_null(), "a refused answer ({why}) took the negotiation away");
            assert_eq!(rtc_negotiation_section_count(n), count, "a refused answer ({why}) changed the negotiation");
            rtc_negotiation_free(n);
        }
    }
    let (valid, new) = valid_answer_for(offer);
    let (rc, message) = srd(pc, rtc_sdp_type::RTC_SDP_TYPE_ANSWER, &valid, "SRD(valid answer)");
    assert_eq!(rc, rtc_error_code::RTC_OK, "the valid answer is refused after a refused one ({why}): {message}");
    // The report of that answer is the same every time: checked the first time.
    check_accepted(pc, offer, valid.to_bytes(), new);
}

/// The description `slot` of `pc`, as text.
unsafe fn description(pc: *const rtc_pc, slot: rtc_description_slot) -> String {
    let n = rtc_pc_description(pc, slot as i32, null_mut(), null_mut(), 0);
    let mut buf = vec![0u8; n + 1];
    rtc_pc_description(pc, slot as i32, null_mut(), buf.as_mut_ptr().cast(), buf.len());
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// An ICE fragment after a completed exchange: refused with nothing
/// changed, or applied with both descriptions still parsing, the exchange
/// still the offer's, and our reply fragment readable by the peer.
unsafe fn check_fragment(pc: *mut rtc_pc, offer: &str, fragment: &CStr) {
    use rtc_description_slot::*;
    let (local, remote) = (description(pc, RTC_DESCRIPTION_LOCAL), description(pc, RTC_DESCRIPTION_REMOTE));
    let mut result = std::mem::zeroed::<rtc_ice_fragment_result>();
    let mut message = String::new();
    let user = &mut message as *mut String as *mut c_void;
    let rc = rtc_pc_apply_ice_fragment(pc, fragment.as_ptr(), &mut result, None, Some(keep_error), user);
    assert_ne!(rc, rtc_error_code::RTC_ERROR_INTERNAL, "applyIceFragment hit an internal error: {message}");
    if rc != rtc_error_code::RTC_OK {
        assert_eq!(description(pc, RTC_DESCRIPTION_LOCAL), local, "a refused fragment ({message}) changed ours");
        assert_eq!(description(pc, RTC_DESCRIPTION_REMOTE), remote, "a refused fragment ({message}) changed theirs");
        return;
    }
    for text in [description(pc, RTC_DESCRIPTION_LOCAL), description(pc, RTC_DESCRIPTION_REMOTE)] {
        rtcpc::parse_description(&text).unwrap_or_else(|e| panic!("a description no longer parses: {e}\n{text}"));
    }
    check_accepted(pc, offer, b"", false);
    let len = rtc_pc_local_ice_fragment(pc, null_mut(), 0);
    let mut reply = vec![0u8; len + 1];
    rtc_pc_local_ice_fragment(pc, reply.as_mut_ptr().cast(), reply.len());
    let reply = String::from_utf8_lossy(&reply[..len]).into_owned();
    rtcpc::fragment::parse(&reply).unwrap_or_else(|e| panic!("our fragment does not parse: {e}\n{reply}"));
}

/// The fuzz input is the remote answer to an rtcpc offer (audio, video,
/// data). A first byte below 0x08 is not SDP but picks what is done with it:
/// 1 = apply it as a pranswer first, 2 = roll back after it (or, when it
/// was accepted, make a subsequent offer and roll that back), 3 = apply it
/// as the answer to a subsequent offer (after a first exchange, the audio
/// transceiver stopped), 4 = the same to an ICE-restart offer, 7 = apply it
/// as an ICE fragment (RFC 8840) after a first exchange; any other byte and
/// 0 = apply it as the answer.
pub fn drive_offer_answer(data: &[u8]) {
    let (mode, data) = match data.first() {
        Some(7) => (7, &data[1..]),
        Some(&b) if b < 0x08 => (b % 5, &data[1..]),
        _ => (0, data),
    };
    let end = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let sdp = CString::new(&data[..end]).unwrap();
    let bytes = sdp.to_bytes();
    use rtc_sdp_type::*;
    use rtc_signaling_state::*;
    valid_answer(); // made once, before the first execution's connection
    unsafe {
        let (pc, offer) = offerer();
        match mode {
            1 => {
                let (rc, why) = srd(pc, RTC_SDP_TYPE_PRANSWER, &sdp, "SRD(pranswer)");
                if rc != rtc_error_code::RTC_OK {
                    check_refused(pc, RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER, &offer, &describe(rc, &why));
                } else {
                    assert_eq!(rtc_pc_signaling_state(pc), RTC_SIGNALING_STATE_HAVE_REMOTE_PRANSWER);
                    assert!(rtc_pc_negotiation(pc).is_null(), "a pranswer left a negotiation");
                    // The same checks apply to answers and pranswers.
                    let (rc, why) = srd(pc, RTC_SDP_TYPE_ANSWER, &sdp, "SRD(answer after pranswer)");
                    assert_eq!(rc, rtc_error_code::RTC_OK, "accepted as a pranswer, refused as the answer: {why}");
                    check_accepted(pc, &offer, bytes, true);
                }
            }
            2 => {
                let (rc, why) = srd(pc, RTC_SDP_TYPE_ANSWER, &sdp, "SRD(answer)");
                let rollback = rtc_session_description { r#type: RTC_SDP_TYPE_ROLLBACK, sdp: null() };
                if rc != rtc_error_code::RTC_OK {
                    let why = describe(rc, &why);
                    assert_eq!(rtc_pc_signaling_state(pc), RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER, "a refused answer ({why}) changed the state");
                    let rc = no_internal(rtc_pc_set_remote_description(pc, &rollback, None, None, null_mut()), "SRD(rollback)");
                    assert_eq!(rc, rtc_error_code::RTC_OK, "rollback in have-local-offer failed");
                    assert_eq!(rtc_pc_signaling_state(pc), RTC_SIGNALING_STATE_STABLE);
                    // Offering again gives the same m-lines and payload types
                    // (with new mids: those of the rolled-back offer are not reused).
                    let again = offer_and_apply(pc);
                    assert_eq!(offered_payload_types(&again), offered_payload_types(&offer));
                    check_refused(pc, RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER, &again, &why);
                } else {
                    check_accepted(pc, &offer, bytes, true);
                    // A subsequent offer built on the fuzzed answer, rolled back.
                    let next = offer_and_apply(pc);
                    // JSEP 5.2.2: the m-lines stay in place (a new one may follow).
                    assert!(
                        offered_payload_types(&next).len() >= offered_payload_types(&offer).len(),
                        "a subsequent offer dropped m-lines\n{next}"
                    );
                    let rc = no_internal(rtc_pc_set_local_description(pc, &rollback, None, None, null_mut()), "SLD(rollback)");
                    assert_eq!(rc, rtc_error_code::RTC_OK, "rollback of a subsequent offer failed");
                    check_accepted(pc, &offer, bytes, true);
                }
            }
            7 => {
                let (valid, _) = valid_answer_for(&offer);
                let (rc, why) = srd(pc, RTC_SDP_TYPE_ANSWER, &valid, "SRD(first answer)");
                assert_eq!(rc, rtc_error_code::RTC_OK, "rtcpc refused its own answer: {why}");
                check_fragment(pc, &offer, &sdp);
            }
            3 | 4 => {
                // A first exchange, completed with rtcpc's own answer.
                let (valid, _) = valid_answer_for(&offer);
                let (rc, why) = srd(pc, RTC_SDP_TYPE_ANSWER, &valid, "SRD(first answer)");
                assert_eq!(rc, rtc_error_code::RTC_OK, "rtcpc refused its own answer: {why}");
                if mode == 3 {
                    assert_eq!(rtc_pc_transceiver_stop(pc, 0), rtc_error_code::RTC_OK);
                }
                let next = offer_and_apply_with(pc, mode == 4);
                let (rc, why) = srd(pc, RTC_SDP_TYPE_ANSWER, &sdp, "SRD(answer to a re-offer)");
                if rc != rtc_error_code::RTC_OK {
                    let why = describe(rc, &why);
                    let before = Some(offered_payload_types(&offer).len());
                    check_refused_after(pc, RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER, &next, &why, before);
                } else {
                    check_accepted(pc, &next, bytes, true);
                }
            }
            _ => {
                let (rc, why) = srd(pc, RTC_SDP_TYPE_ANSWER, &sdp, "SRD(answer)");
                if rc != rtc_error_code::RTC_OK {
                    check_refused(pc, RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER, &offer, &describe(rc, &why));
                } else {
                    check_accepted(pc, &offer, bytes, true);
                }
            }
        }
        rtc_pc_free(pc);
    }
}
