//! H.265 joins by its parameters (RFC 7798 7.2.2), not by name: profile,
//! tier and tx-mode must be the offered ones (after the section 7.1
//! defaults), level-id is answered as the lower level. Tested on real
//! offers from Chrome and Safari (tests/data/h265/SOURCES.md), with a host
//! that configures H.265 (the default capabilities have none, like a
//! browser without a hardware decoder).

use rtcpc::codec::{Capabilities, Codec};
use rtcpc::offer::OfferOptions;
use rtcpc::{AnswerOptions, Configuration, MediaKind, PeerConnection, SdpType};
use std::sync::Arc;

mod common;
use common::{attr, send_on_every_transceiver};

const CHROME: &str = include_str!("data/h265/chrome-recvonly-offer.sdp");
const SAFARI: &str = include_str!("data/h265/safari-sendrecv-offer.sdp");
const FB: &[&str] = &["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"];

/// A connection whose video codecs are H.265 with these fmtp lines, then the defaults.
fn with_h265(fmtps: &[&str]) -> PeerConnection {
    let mut caps = Capabilities::default();
    let h265 = fmtps.iter().map(|f| Codec::new("H265", 90000, None, f, FB));
    caps.video.splice(0..0, h265);
    let config = Configuration {
        capabilities: Arc::new(caps),
        ..Configuration::default()
    };
    PeerConnection::new(config).unwrap()
}

/// The answer to `offer`, sending on every transceiver, and the report.
fn answered(pc: &mut PeerConnection, offer: &str) -> (String, String) {
    pc.set_remote_description(SdpType::Offer, offer).unwrap();
    send_on_every_transceiver(pc);
    let answer = pc.create_answer(AnswerOptions::default()).unwrap();
    pc.set_local_description(SdpType::Answer, &answer).unwrap();
    (answer, pc.negotiation_report().unwrap())
}

fn video_pts(answer: &str) -> Vec<String> {
    let line = answer.lines().find(|l| l.starts_with("m=video")).unwrap();
    line.split(' ').skip(3).map(str::to_string).collect()
}

const MAIN_4: &str = "level-id=120;profile-id=1;tier-flag=0;tx-mode=SRST";

/// Chrome offers Main (49) and Main 10 (51) at level 6 (180): a Main-only
/// decoder at level 4 (120) keeps 49 and its rtx at level 120, and refuses
/// Main 10 naming the profile (it was taken by name before).
#[test]
fn rfc7798_a_main10_offer_is_refused_by_a_main_decoder_and_the_level_lowered() {
    let mut pc = with_h265(&[MAIN_4]);
    let (answer, report) = answered(&mut pc, CHROME);
    let pts = video_pts(&answer);
    assert!(
        pts.contains(&"49".into()) && pts.contains(&"50".into()),
        "{pts:?}"
    );
    assert!(
        !pts.contains(&"51".into()) && !pts.contains(&"52".into()),
        "{pts:?}"
    );
    assert_eq!(
        attr(&answer, "a=fmtp:49 "),
        ["level-id=120;profile-id=1;tier-flag=0;tx-mode=SRST"]
    );
    assert!(
        report.contains("H265 profile-id 2 offered, local has profile-id 1"),
        "{report}"
    );
    // The answer keeps the offer's order (JSEP 5.3.1): VP8 first.
    assert_eq!(pts[0], "96");
}

/// A decoder of both profiles keeps both, each with its rtx; one above
/// the offered level answers the offered level (never higher).
#[test]
fn rfc7798_both_profiles_and_the_answer_never_raises_the_level() {
    let mut pc = with_h265(&[
        "level-id=186;profile-id=1;tier-flag=0;tx-mode=SRST",
        "level-id=186;profile-id=2;tier-flag=0;tx-mode=SRST",
    ]);
    let (answer, _) = answered(&mut pc, CHROME);
    let pts = video_pts(&answer);
    for pt in ["49", "50", "51", "52"] {
        assert!(pts.contains(&pt.to_string()), "{pt}: {pts:?}");
    }
    assert_eq!(
        attr(&answer, "a=fmtp:51 "),
        ["level-id=180;profile-id=2;tier-flag=0;tx-mode=SRST"]
    );
}

/// Safari offers H265/90000 with no fmtp: Main, tier 0, level 3.1 (93),
/// SRST by the defaults. A Main decoder takes it; its answer writes a level
/// only when below 93.
#[test]
fn rfc7798_safari_bare_h265_is_main_at_level_93() {
    let mut pc = with_h265(&[MAIN_4]);
    let (answer, _) = answered(&mut pc, SAFARI);
    assert!(video_pts(&answer).contains(&"104".into()), "{answer}");
    assert!(attr(&answer, "a=fmtp:104 ").is_empty(), "{answer}");
    let mut low = with_h265(&["level-id=90;profile-id=1"]);
    let (answer, _) = answered(&mut low, SAFARI);
    assert_eq!(attr(&answer, "a=fmtp:104 "), ["level-id=90"]);
    let mut main10 = with_h265(&["profile-id=2"]);
    let (answer, report) = answered(&mut main10, SAFARI);
    assert!(!video_pts(&answer).contains(&"104".into()), "{answer}");
    assert!(report.contains("H265 profile-id 1 offered, local has profile-id 2"));
}

/// Tier must match; an absent tx-mode is SRST, in any case.
#[test]
fn rfc7798_tier_must_match_and_tx_mode_defaults_to_srst() {
    let high_tier = CHROME.replace(
        "a=fmtp:49 level-id=180;profile-id=1;tier-flag=0",
        "a=fmtp:49 level-id=180;profile-id=1;tier-flag=1",
    );
    let mut pc = with_h265(&[MAIN_4]);
    let (answer, report) = answered(&mut pc, &high_tier);
    assert!(!video_pts(&answer).contains(&"49".into()));
    assert!(report.contains("H265 tier-flag 1 offered, local has tier-flag 0"));
    let no_mode = CHROME.replace(
        "a=fmtp:49 level-id=180;profile-id=1;tier-flag=0;tx-mode=SRST",
        "a=fmtp:49 level-id=180;profile-id=1;tier-flag=0",
    );
    let mut pc = with_h265(&["level-id=120;profile-id=1;tx-mode=srst"]);
    let (answer, _) = answered(&mut pc, &no_mode);
    assert!(video_pts(&answer).contains(&"49".into()), "{answer}");
}

/// With no H.265 configured (the default), Chrome's H.265 is refused by name
/// and the rest answered as before.
#[test]
fn without_h265_the_offer_is_answered_with_the_other_codecs() {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    let (answer, report) = answered(&mut pc, CHROME);
    let pts = video_pts(&answer);
    assert!(
        !pts.contains(&"49".into()) && pts.contains(&"96".into()),
        "{pts:?}"
    );
    assert!(
        report.contains("no local video codec H265/90000"),
        "{report}"
    );
}

/// As the offerer: Main and Main 10 get payload types of their own, which
/// the next offer keeps; an answer giving Main's payload type Main 10 is
/// refused (RFC 3264 8.3.2).
#[test]
fn rfc3264_h265_profiles_keep_their_payload_types() {
    let profiles = ["level-id=120;profile-id=1", "level-id=120;profile-id=2"];
    let mut a = with_h265(&profiles);
    let mut b = with_h265(&profiles);
    a.add_track(MediaKind::Video, "cam", "s").unwrap();
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    let pt_of = |sdp: &str, fmtp: &str| {
        attr(sdp, "a=fmtp:")
            .into_iter()
            .find(|l| l.ends_with(fmtp))
            .map(|l| l.split(' ').next().unwrap().to_string())
            .unwrap()
    };
    let (main, main10) = (pt_of(&offer, profiles[0]), pt_of(&offer, profiles[1]));
    assert_ne!(main, main10);
    a.set_local_description(SdpType::Offer, "").unwrap();
    b.set_remote_description(SdpType::Offer, &offer).unwrap();
    b.add_track(MediaKind::Video, "cam", "s").unwrap();
    let good = b.create_answer(AnswerOptions::default()).unwrap();
    let swapped = good.replace(
        &format!("a=fmtp:{main} level-id=120;profile-id=1"),
        &format!("a=fmtp:{main} level-id=120;profile-id=2"),
    );
    assert_ne!(swapped, good);
    let e = a
        .set_remote_description(SdpType::Answer, &swapped)
        .unwrap_err();
    assert!(
        e.message.contains(&format!(
            "payload type {main} is H265/90000 (profile-space 0 profile-id 2"
        )),
        "{}",
        e.message
    );
    a.set_remote_description(SdpType::Answer, &good).unwrap();
    let again = a.create_offer(OfferOptions::default()).unwrap();
    assert_eq!(pt_of(&again, profiles[0]), main);
    assert_eq!(pt_of(&again, profiles[1]), main10);
}
