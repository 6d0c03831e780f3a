//! The offer checked by reading it back and by rtcpc's own answerer.

use super::*;
use crate::answer::AnswerOptions;
use crate::remote::RemoteDescription;
use crate::signaling::{PeerConnection, SdpType};

fn offerer() -> PeerConnection {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    pc.add_track(MediaKind::Audio, "mic", "s").unwrap();
    pc.add_track(MediaKind::Video, "cam", "s").unwrap();
    pc.request_data_channels().unwrap();
    pc
}

fn lines<'a>(sdp: &'a str, prefix: &str) -> Vec<&'a str> {
    sdp.lines().filter_map(|l| l.strip_prefix(prefix)).collect()
}

#[test]
fn jsep_5_2_1_an_initial_offer_reads_back_as_a_webrtc_offer() {
    let offer = offerer().create_offer(OfferOptions::default()).unwrap();
    let read = RemoteDescription::read_offer(&crate::sdp::parse(&offer).unwrap()).unwrap();
    let mids: Vec<_> = read
        .sections
        .iter()
        .map(|s| s.mid.clone().unwrap())
        .collect();
    assert_eq!(mids, ["0", "1", "2"]);
    assert_eq!(read.bundle_groups, vec![mids.clone()]);
    assert_eq!(lines(&offer, "a=setup:"), ["actpass"; 3]);
    assert_eq!(lines(&offer, "a=ice-options:"), ["trickle"; 3]);
    assert_eq!(lines(&offer, "a=sctp-port:"), ["5000"]);
    // Each sender: msid, cname and, for video, rtx paired in FID.
    assert_eq!(lines(&offer, "a=msid:").len(), 2);
    assert_eq!(lines(&offer, "a=ssrc-group:FID ").len(), 1);
    assert_eq!(lines(&offer, "a=ssrc:").len(), 2 * 3);
    // One payload type space and one extension id space for the bundle.
    let pts: Vec<u8> = read.sections[..2]
        .iter()
        .flat_map(|s| s.rtp.codecs.iter().map(|c| c.pt))
        .collect();
    let mut unique = pts.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), pts.len());
    let uri_ids: Vec<(u16, String)> = read.sections[..2]
        .iter()
        .flat_map(|s| s.rtp.extmaps.iter().map(|e| (e.id, e.uri.to_string())))
        .collect();
    for (id, uri) in &uri_ids {
        assert!(
            uri_ids.iter().all(|(i, u)| (i == id) == (u == uri)),
            "{uri_ids:?}"
        );
    }
}

#[test]
fn jsep_5_3_rtcpcs_answerer_accepts_every_m_section_of_the_offer() {
    let offer = offerer().create_offer(OfferOptions::default()).unwrap();
    let mut answerer = PeerConnection::new(Configuration::default()).unwrap();
    answerer
        .set_remote_description(SdpType::Offer, &offer)
        .unwrap();
    answerer.add_track(MediaKind::Audio, "a", "b").unwrap();
    answerer.add_track(MediaKind::Video, "v", "b").unwrap();
    let answer = answerer.create_answer(AnswerOptions::default()).unwrap();
    answerer
        .set_local_description(SdpType::Answer, &answer)
        .unwrap();
    let n = answerer.negotiated().unwrap();
    assert!(n.sections.iter().all(|s| s.accepted), "{answer}");
    assert_eq!(n.sections[0].direction, Direction::SendRecv);
    assert_eq!(&*n.sections[0].codecs[0].codec.name, "opus");
    assert_eq!(&*n.sections[1].codecs[0].codec.name, "VP8");
    assert_eq!(&*n.sections[1].codecs[1].codec.name, "rtx");
    assert_eq!(
        n.bundle_groups,
        vec![vec!["0".to_string(), "1".into(), "2".into()]]
    );
}

#[test]
fn jsep_5_2_1_a_transceiver_stopped_before_it_had_a_mid_is_not_offered() {
    let mut pc = offerer();
    pc.stop_transceiver(0).unwrap();
    let offer = pc.create_offer(OfferOptions::default()).unwrap();
    assert!(!offer.contains("m=audio"), "{offer}");
    assert_eq!(lines(&offer, "a=group:"), ["BUNDLE 0 1"]);
}

#[test]
fn w3c_codec_preferences_narrow_the_offer_and_payload_types_stay() {
    let mut pc = offerer();
    let first = pc.create_offer(OfferOptions::default()).unwrap();
    let vp9 = crate::codec::Codec::new("VP9", 90000, None, "profile-id=0", &[]);
    let rtx = crate::codec::Codec::new("rtx", 90000, None, "", &[]);
    // Without rtx in the preferences, no rtx (W3C: the list is what is offered).
    pc.set_codec_preferences(1, vec![vp9.clone()]).unwrap();
    let alone = pc.create_offer(OfferOptions::default()).unwrap();
    let video = alone.split("m=video").nth(1).unwrap();
    assert_eq!(lines(video, "a=rtpmap:").len(), 1, "{video}");
    pc.set_codec_preferences(1, vec![vp9, rtx]).unwrap();
    let second = pc.create_offer(OfferOptions::default()).unwrap();
    let video = second.split("m=video").nth(1).unwrap();
    let rtpmaps = lines(video, "a=rtpmap:");
    assert_eq!(rtpmaps.len(), 2, "VP9 and its rtx: {rtpmaps:?}");
    // JSEP 5.2.2: the payload type VP9 had in the first offer.
    let vp9_pt = rtpmaps[0].split(' ').next().unwrap();
    assert!(first.contains(&format!("a=rtpmap:{vp9_pt} VP9/90000")));
}

#[test]
fn w3c_create_offer_is_refused_outside_stable_and_after_close() {
    let mut pc = offerer();
    let chrome = include_str!("../../tests/data/chrome-156-audio-video-data.sdp");
    pc.set_remote_description(SdpType::Offer, chrome).unwrap();
    let e = pc.create_offer(OfferOptions::default()).unwrap_err();
    assert_eq!(e.kind, crate::error::ErrorKind::InvalidState);
    pc.close();
    assert!(pc.create_offer(OfferOptions::default()).is_err());
    assert!(pc.request_data_channels().is_err());
}
