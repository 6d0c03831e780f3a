//! Replays every input the fuzzers found a problem with
//! (tests/data/fuzz-regressions/), plus the seed offers and the seed
//! answers of offer_answer, through the fuzz driver: each must now pass its
//! checks. A file whose name starts with `offer_answer` is a remote answer
//! (drive_offer_answer); any other is an offer (drive: answer_bytes, and
//! mutate_lines with the edited offer written out).

include!("fuzz/driver.rs");

use std::path::Path;

fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) != Some("md"))
        .collect();
    v.sort();
    v
}

fn is_answer(path: &Path) -> bool {
    path.file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("offer_answer")
}

#[test]
fn fuzz_findings_and_seeds_pass_the_driver() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let (mut offers, mut answers) = (0, 0);
    for dir in [
        "data/fuzz-regressions",
        "data/corpus/offers",
        "fuzz/seeds/offer_answer",
    ] {
        for path in inputs(&root.join(dir)) {
            let data = std::fs::read(&path).unwrap();
            if dir.ends_with("offer_answer") || is_answer(&path) {
                eprintln!("offer_answer: {}", path.display());
                drive_offer_answer(&data);
                answers += 1;
            } else {
                drive(&data);
                offers += 1;
            }
        }
    }
    assert!(offers >= 73, "only {offers} offers");
    assert!(answers >= 5, "only {answers} answers");
}

/// The valid answer the driver reuses is accepted by a fresh offer, as a
/// pranswer and after a rollback too.
#[test]
fn offer_answer_takes_rtcpc_own_answer_in_every_mode() {
    let answer = valid_answer().to_bytes();
    for mode in [&[][..], &[1u8][..], &[2u8][..]] {
        drive_offer_answer(&[mode, answer].concat());
    }
    drive_offer_answer(b"");
    drive_offer_answer(b"\x01v=0\r\n");
    drive_offer_answer(b"\x02garbage");
    drive_offer_answer(b"\x03garbage");
    for mode in [3u8, 4] {
        let answer = reoffer_answer(mode);
        drive_offer_answer(&[&[mode][..], answer.to_bytes()].concat());
    }
}

/// rtcpc's answer to the driver's re-offer of `mode` (3: the audio
/// stopped, 4: ICE restarted), checked to be taken.
fn reoffer_answer(mode: u8) -> CString {
    unsafe {
        let (pc, offer) = offerer();
        let (valid, _) = valid_answer_for(&offer);
        let (rc, why) = srd(pc, rtc_sdp_type::RTC_SDP_TYPE_ANSWER, &valid, "SRD");
        assert_eq!(rc, rtc_error_code::RTC_OK, "{why}");
        if mode == 3 {
            assert_eq!(rtc_pc_transceiver_stop(pc, 0), rtc_error_code::RTC_OK);
        }
        let next = offer_and_apply_with(pc, mode == 4);
        let answer = answer_to(&next);
        let (rc, why) = srd(pc, rtc_sdp_type::RTC_SDP_TYPE_ANSWER, &answer, "SRD");
        assert_eq!(rc, rtc_error_code::RTC_OK, "mode {mode}: {why}\n{next}");
        rtc_pc_free(pc);
        answer
    }
}

/// Writes the offer_answer seeds (rtcpc's answers to the driver's offer,
/// with various tracks, codec preferences and settings, and the browser
/// answers from /tmp/offercheck when present) to tests/fuzz/seeds/offer_answer/:
///   cargo test --test fuzz_regressions -- --ignored write_offer_answer_seeds
#[test]
#[ignore]
fn write_offer_answer_seeds() {
    use rtcpc::{AnswerOptions, Configuration, MediaKind, PeerConnection, SdpType};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/seeds/offer_answer");
    std::fs::create_dir_all(&dir).unwrap();
    let (pc, offer) = unsafe { offerer() };
    unsafe { rtc_pc_free(pc) };
    let prefs = |b: &mut PeerConnection, kind: MediaKind, names: &[&str]| {
        let i = b
            .transceivers()
            .iter()
            .position(|t| t.kind == kind)
            .unwrap();
        let caps = Configuration::default().capabilities.codecs(kind).to_vec();
        let chosen: Vec<_> = caps
            .into_iter()
            .filter(|c| names.iter().any(|n| c.name.eq_ignore_ascii_case(n)))
            .collect();
        b.set_codec_preferences(i, chosen).unwrap();
    };
    let answer = |name: &str, config: Configuration, f: &dyn Fn(&mut PeerConnection)| {
        let mut b = PeerConnection::new(config).unwrap();
        b.set_remote_description(SdpType::Offer, &offer).unwrap();
        f(&mut b);
        let a = b.create_answer(AnswerOptions::default()).unwrap();
        std::fs::write(dir.join(format!("{name}.sdp")), &a).unwrap();
        a
    };
    let both = |b: &mut PeerConnection| {
        b.add_track(MediaKind::Audio, "b-mic", "b").unwrap();
        b.add_track(MediaKind::Video, "b-cam", "b").unwrap();
    };
    let sendrecv = answer("rtcpc-sendrecv", Configuration::default(), &both);
    answer("rtcpc-recvonly", Configuration::default(), &|_| {});
    answer("rtcpc-opus-vp8-prefs", Configuration::default(), &|b| {
        both(b);
        prefs(b, MediaKind::Audio, &["opus"]);
        prefs(b, MediaKind::Video, &["VP8", "rtx"]);
    });
    let passive = Configuration {
        dtls_role: rtcpc::dtls::DtlsRole::Server,
        ice_lite: true,
        ..Configuration::default()
    };
    answer("rtcpc-passive-icelite-h264-audio-only", passive, &|b| {
        b.add_track(MediaKind::Audio, "b-mic", "b").unwrap();
        prefs(b, MediaKind::Video, &["H264", "rtx"]);
    });
    let stopped = answer("rtcpc-video-stopped", Configuration::default(), &|b| {
        both(b);
        let i = b
            .transceivers()
            .iter()
            .position(|t| t.kind == MediaKind::Video)
            .unwrap();
        b.stop_transceiver(i).unwrap();
    });
    // The mode byte: pranswer first, then rollback.
    std::fs::write(
        dir.join("mode1-pranswer-rtcpc-sendrecv.sdp"),
        [&[1u8][..], sendrecv.as_bytes()].concat(),
    )
    .unwrap();
    std::fs::write(
        dir.join("mode2-rollback-rtcpc-sendrecv.sdp"),
        [&[2u8][..], sendrecv.as_bytes()].concat(),
    )
    .unwrap();
    // Answers to subsequent offers: the audio stopped, ICE restarted.
    for (mode, name) in [
        (3u8, "mode3-reoffer-audio-stopped"),
        (4, "mode4-reoffer-ice-restart"),
    ] {
        let answer = reoffer_answer(mode);
        let seed = [&[mode][..], answer.to_bytes()].concat();
        std::fs::write(dir.join(format!("{name}.sdp")), seed).unwrap();
    }
    // A subsequent offer after an answer that rejected the video m-line.
    std::fs::write(
        dir.join("mode2-rollback-rtcpc-video-stopped.sdp"),
        [&[2u8][..], stopped.as_bytes()].concat(),
    )
    .unwrap();
    for browser in ["chromium", "firefox"] {
        if let Ok(a) = std::fs::read(format!("/tmp/offercheck/answer-{browser}.sdp")) {
            std::fs::write(dir.join(format!("{browser}.sdp")), a).unwrap();
        }
    }
    for path in inputs(&dir) {
        let data = std::fs::read(&path).unwrap();
        drive_offer_answer(&data);
        let sdp =
            CString::new(data.into_iter().filter(|b| *b >= 0x08).collect::<Vec<u8>>()).unwrap();
        let (rc, why) = unsafe {
            let (pc, _) = offerer();
            let r = srd(pc, rtc_sdp_type::RTC_SDP_TYPE_ANSWER, &sdp, "SRD");
            rtc_pc_free(pc);
            r
        };
        eprintln!("{}: {rc:?} {why}", path.display());
    }
}
