//! The offering side (issue 15): createOffer, setLocalDescription(offer),
//! the remote answer, rollback and glare, with rtcpc on both ends.

use rtcpc::offer::OfferOptions;
use rtcpc::{AnswerOptions, Direction, ErrorKind, MediaKind, PeerConnection};
use rtcpc::{SdpType, SignalingState};

mod common;
use common::{answered, attr, exchange, negotiate, pc, CHROME};

fn offerer() -> PeerConnection {
    let mut a = pc();
    a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    a.add_track(MediaKind::Video, "cam", "s").unwrap();
    a.request_data_channels().unwrap();
    a
}

/// `sdp` with payload type `from` written as `to` everywhere.
fn renumbered(sdp: &str, from: &str, to: &str) -> String {
    sdp.replace(&format!(":{from} "), &format!(":{to} "))
        .replace(&format!(" {from} "), &format!(" {to} "))
        .replace(&format!("{from}/{from}"), &format!("{to}/{to}"))
}

/// B answers `offer` with a track of each kind: B's answer.
fn answer_with_tracks(b: &mut PeerConnection, offer: &str) -> String {
    b.set_remote_description(SdpType::Offer, offer).unwrap();
    b.add_track(MediaKind::Audio, "b-mic", "b").unwrap();
    b.add_track(MediaKind::Video, "b-cam", "b").unwrap();
    let answer = b.create_answer(AnswerOptions::default()).unwrap();
    b.set_local_description(SdpType::Answer, &answer).unwrap();
    answer
}

/// A offers and applies its offer, B answers it with a track of each kind:
/// (the offer, B's answer), the answer not yet applied by A.
fn offered_and_answered(a: &mut PeerConnection, b: &mut PeerConnection) -> (String, String) {
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    a.set_local_description(SdpType::Offer, "").unwrap();
    let answer = answer_with_tracks(b, &offer);
    (offer, answer)
}

#[test]
fn jsep_5_2_then_5_8_an_offer_answered_and_applied() {
    let (mut a, mut b) = (offerer(), pc());
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    a.set_local_description(SdpType::Offer, "").unwrap();
    assert_eq!(a.signaling_state(), SignalingState::HaveLocalOffer);
    let mids: Vec<_> = a.transceivers().iter().map(|t| t.mid.clone()).collect();
    assert_eq!(mids, [Some("0".to_string()), Some("1".to_string())]);
    assert_eq!(a.pending_local_description().unwrap().sdp, offer);
    let answer = answer_with_tracks(&mut b, &offer);
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    assert_eq!(a.signaling_state(), SignalingState::Stable);
    assert_eq!(a.current_remote_description().unwrap().sdp, answer);
    assert_eq!(a.current_local_description().unwrap().sdp, offer);
    for t in a.transceivers() {
        assert_eq!(t.current_direction, Some(Direction::SendRecv));
    }
    // Both ends report the same payload types, extensions and bundle; the
    // DTLS roles are complementary (B answered active).
    let (na, nb) = (a.negotiated().unwrap(), b.negotiated().unwrap());
    assert_eq!(na.dtls_role, rtcpc::dtls::DtlsRole::Server);
    assert_eq!(nb.dtls_role, rtcpc::dtls::DtlsRole::Client);
    assert_eq!(na.ice_role, rtcpc::ice::IceRole::Controlling);
    assert_eq!(nb.ice_role, rtcpc::ice::IceRole::Controlled);
    assert_eq!(na.bundle_groups, nb.bundle_groups);
    for (sa, sb) in na.sections.iter().zip(&nb.sections) {
        assert!(sa.accepted && sb.accepted);
        let pts = |s: &rtcpc::negotiated::NegotiatedSection| -> Vec<(u8, String)> {
            s.codecs
                .iter()
                .map(|c| (c.codec.pt, c.codec.name.to_string()))
                .collect()
        };
        assert_eq!(pts(sa), pts(sb), "mid {:?}", sa.mid);
        assert_eq!(sa.extensions, sb.extensions);
        assert_eq!(sa.direction, sb.direction.reversed());
        // What each reports of the other is what the other states of itself.
        assert_eq!(
            sa.remote_ice_ufrag.as_deref(),
            sb.local.ice.as_ref().map(|c| c.ufrag.as_str())
        );
        assert_eq!(sa.remote_fingerprints, sb.local.fingerprints);
        let b_ssrcs = sb
            .local
            .sender
            .as_ref()
            .map(|s| s.ssrcs.clone())
            .unwrap_or_default();
        assert_eq!(sa.remote_ssrcs, b_ssrcs);
    }
    assert_eq!(na.sections[2].sctp_port, Some(5000));
    assert_eq!(na.sections[2].local.sctp_port, Some(5000));
}

#[test]
fn w3c_a_modified_offer_is_refused_and_rollback_takes_the_mids_back() {
    let mut a = offerer();
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    let edited = offer.replace("a=setup:actpass", "a=setup:active");
    let e = a
        .set_local_description(SdpType::Offer, &edited)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidModification);
    assert!(
        e.message.contains("where createOffer wrote"),
        "{}",
        e.message
    );
    assert_eq!(a.signaling_state(), SignalingState::Stable);
    a.set_local_description(SdpType::Offer, &offer).unwrap();
    a.set_local_description(SdpType::Rollback, "").unwrap();
    assert_eq!(a.signaling_state(), SignalingState::Stable);
    assert!(a.transceivers().iter().all(|t| t.mid.is_none()));
    assert!(a.pending_local_description().is_none());
}

#[test]
fn rfc3264_answers_that_do_not_fit_the_offer_are_refused_and_change_nothing() {
    let (mut a, mut b) = (offerer(), pc());
    let (offer, answer) = offered_and_answered(&mut a, &mut b);
    let sections: Vec<&str> = answer.split("m=").collect();
    let reordered = format!(
        "{}m={}m={}m={}",
        sections[0], sections[2], sections[1], sections[3]
    );
    let pt = attr(&answer, "a=rtpmap:")[0]
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    // A payload type the offer does not have (and not in 64-95, refused
    // under rtcp-mux before anything else).
    let offered: Vec<&str> = attr(&offer, "a=rtpmap:")
        .iter()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    let free = (35..=63)
        .map(|p: u8| p.to_string())
        .find(|p| !offered.contains(&p.as_str()))
        .unwrap();
    let bad = [
        (reordered, "mid".to_string()),
        (
            answer.replace("a=setup:active", "a=setup:actpass"),
            "active or passive".to_string(),
        ),
        (
            renumbered(&answer, &pt, &free),
            format!("payload type {free} (opus) was not offered"),
        ),
        (
            answer.replace("a=extmap:1 ", "a=extmap:14 "),
            "not offered".to_string(),
        ),
        // RFC 3264 8.3.2: an offered payload type naming another codec.
        (
            answer.replace(
                &format!("a=rtpmap:{pt} opus/48000/2"),
                &format!("a=rtpmap:{pt} G722/8000"),
            ),
            format!("payload type {pt} is G722/8000 in the answer but opus/48000"),
        ),
        // RFC 3264 6: the offered transport; not "not a WebRTC offer" (an
        // offer-only rule).
        (
            answer.replace("UDP/TLS/RTP/SAVPF", "RTP/AVP"),
            "is answered over RTP/AVP but was offered over UDP/TLS/RTP/SAVPF".to_string(),
        ),
    ];
    for (text, why) in bad {
        let e = a
            .set_remote_description(SdpType::Answer, &text)
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidAccess, "{}", e.message);
        assert!(e.message.contains(&why), "{why}: {}", e.message);
        assert_eq!(a.signaling_state(), SignalingState::HaveLocalOffer);
    }
    let no_fp: String = answer
        .lines()
        .filter(|l| !l.starts_with("a=fingerprint"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    assert!(a.set_remote_description(SdpType::Answer, &no_fp).is_err());
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    assert_eq!(a.signaling_state(), SignalingState::Stable);
}

#[test]
fn w3c_pranswer_then_answer() {
    let (mut a, mut b) = (offerer(), pc());
    let (_, answer) = offered_and_answered(&mut a, &mut b);
    a.set_remote_description(SdpType::Pranswer, &answer)
        .unwrap();
    assert_eq!(a.signaling_state(), SignalingState::HaveRemotePranswer);
    assert_eq!(a.pending_remote_description().unwrap().sdp, answer);
    assert!(a.negotiated().is_none());
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    assert_eq!(a.signaling_state(), SignalingState::Stable);
    assert!(a.negotiated().is_some());
}

#[test]
fn w3c_perfect_negotiation_a_remote_offer_in_have_local_offer_rolls_ours_back() {
    let mut a = offerer();
    a.create_offer(OfferOptions::default()).unwrap();
    a.set_local_description(SdpType::Offer, "").unwrap();
    // A bad remote offer changes nothing: the local offer stays.
    assert!(a.set_remote_description(SdpType::Offer, "v=0\r\n").is_err());
    assert_eq!(a.signaling_state(), SignalingState::HaveLocalOffer);
    a.set_remote_description(SdpType::Offer, CHROME).unwrap();
    assert_eq!(a.signaling_state(), SignalingState::HaveRemoteOffer);
    let answer = a.create_answer(AnswerOptions::default()).unwrap();
    a.set_local_description(SdpType::Answer, &answer).unwrap();
    // The Chrome offer's audio and video took A's two tracks.
    assert_eq!(attr(&answer, "a=sendrecv").len(), 2, "{answer}");
}

#[test]
fn jsep_renegotiation_alternates_between_the_two_sides() {
    let (mut a, mut b) = (offerer(), pc());
    let (offer, answer) = offered_and_answered(&mut a, &mut b);
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    // A offers again on the negotiated connection.
    let again = a.create_offer(OfferOptions::default()).unwrap();
    assert_eq!(attr(&again, "a=mid:"), ["0", "1", "2"]);
    let (offer_pts, again_pts) = (attr(&offer, "a=rtpmap:"), attr(&again, "a=rtpmap:"));
    assert_eq!(offer_pts, again_pts, "JSEP 5.2.2: payload types kept");
    answered(&mut a, &mut b, &again);
    assert_eq!(a.signaling_state(), SignalingState::Stable);
    // Then A answers an offer from the other side on the same connection:
    // Chrome's offer has A's mids (0 audio, 1 video, 2 data).
    negotiate(&mut a, CHROME);
    assert_eq!(
        a.transceivers().len(),
        2,
        "the offer reuses A's transceivers"
    );
    let n = a.negotiated().unwrap();
    assert!(n.sections.iter().all(|s| s.accepted));
    assert_eq!(n.sections[0].direction, Direction::SendRecv);
    // And offers once more.
    let third = a.create_offer(OfferOptions::default()).unwrap();
    assert_eq!(attr(&third, "a=mid:"), ["0", "1", "2"]);
}

/// JSEP 5.2.2: a subsequent offer keeps the m-lines of the current
/// description in place (here a remote offer's, with its own mids), offers
/// a stopped transceiver's with port 0, and puts new transceivers after.
#[test]
fn jsep_5_2_2_a_subsequent_offer_keeps_the_current_m_lines() {
    let remote = CHROME
        .replace("a=group:BUNDLE 0 1 2", "a=group:BUNDLE au vi da")
        .replace("a=mid:0", "a=mid:au")
        .replace("a=mid:1", "a=mid:vi")
        .replace("a=mid:2", "a=mid:da");
    let mut a = pc();
    a.set_remote_description(SdpType::Offer, &remote).unwrap();
    a.add_track(MediaKind::Video, "cam", "s").unwrap();
    let answer = a.create_answer(AnswerOptions::default()).unwrap();
    a.set_local_description(SdpType::Answer, &answer).unwrap();
    let audio = a
        .transceivers()
        .iter()
        .position(|t| t.kind == MediaKind::Audio)
        .unwrap();
    a.stop_transceiver(audio).unwrap();
    a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    assert_eq!(attr(&offer, "a=mid:"), ["au", "vi", "da", "0"], "{offer}");
    let mlines = attr(&offer, "m=");
    assert!(
        mlines[0].starts_with("audio 0 "),
        "stopped: port 0: {mlines:?}"
    );
    assert!(
        mlines[2].starts_with("application 9 UDP/DTLS/SCTP"),
        "{mlines:?}"
    );
    assert!(mlines[3].starts_with("audio 9 "), "{mlines:?}");
    assert_eq!(attr(&offer, "a=group:"), ["BUNDLE vi da 0"]);
    // The offer is one the answering side takes, with the new audio accepted.
    let mut b = pc();
    let answer = answer_with_tracks(&mut b, &offer);
    a.set_local_description(SdpType::Offer, "").unwrap();
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    let n = a.negotiated().unwrap();
    let accepted: Vec<bool> = n.sections.iter().map(|s| s.accepted).collect();
    assert_eq!(accepted, [false, true, true, true]);
}

/// RFC 3264 8.3.2: after answering an offer, our offers keep the payload
/// types that offer gave (Chrome's opus 111, VP8 96 and its rtx 97).
#[test]
fn rfc3264_8_3_2_a_re_offer_keeps_the_negotiated_payload_types() {
    let mut a = pc();
    a.set_remote_description(SdpType::Offer, CHROME).unwrap();
    a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    a.add_track(MediaKind::Video, "cam", "s").unwrap();
    let answer = a.create_answer(AnswerOptions::default()).unwrap();
    a.set_local_description(SdpType::Answer, &answer).unwrap();
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    let rtpmaps = attr(&offer, "a=rtpmap:");
    for line in ["111 opus/48000/2", "96 VP8/90000", "97 rtx/90000"] {
        assert!(rtpmaps.contains(&line), "{line}: {rtpmaps:?}");
    }
    assert!(attr(&offer, "a=fmtp:97 ").contains(&"apt=96"));
    // Every payload type the answer used still names the same codec.
    for l in attr(&answer, "a=rtpmap:") {
        let pt = l.split(' ').next().unwrap();
        let ours = rtpmaps.iter().find(|r| r.split(' ').next() == Some(pt));
        assert!(ours.is_none_or(|r| *r == l), "{l} became {ours:?}");
    }
}

/// JSEP 5.2.1 and 5.4: an ICE restart offers fresh credentials; the answer
/// must bring fresh ones too.
#[test]
fn jsep_ice_restart_from_the_offering_side() {
    let (mut a, mut b) = (offerer(), pc());
    let first = a.create_offer(OfferOptions::default()).unwrap();
    a.set_local_description(SdpType::Offer, "").unwrap();
    let old_answer = answer_with_tracks(&mut b, &first);
    a.set_remote_description(SdpType::Answer, &old_answer)
        .unwrap();
    let restart = OfferOptions {
        ice_restart: true,
        ..Default::default()
    };
    let offer = a.create_offer(restart).unwrap();
    assert_ne!(
        attr(&offer, "a=ice-ufrag:")[0],
        attr(&first, "a=ice-ufrag:")[0]
    );
    a.set_local_description(SdpType::Offer, "").unwrap();
    b.set_remote_description(SdpType::Offer, &offer).unwrap();
    let answer = b.create_answer(AnswerOptions::default()).unwrap();
    b.set_local_description(SdpType::Answer, &answer).unwrap();
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    let n = a.negotiated().unwrap();
    let ufrag = n.sections[0].local.ice.as_ref().unwrap().ufrag.clone();
    assert_eq!(ufrag, attr(&offer, "a=ice-ufrag:")[0]);
    // Both snapshots say the transport restarted.
    assert!(n.sections.iter().all(|s| s.ice_restarted));
    assert!(b
        .negotiated()
        .unwrap()
        .sections
        .iter()
        .all(|s| s.ice_restarted));
    // The next offer keeps the new credentials, and restarts nothing.
    let next = a.create_offer(OfferOptions::default()).unwrap();
    assert_eq!(attr(&next, "a=ice-ufrag:")[0], ufrag);
    answered(&mut a, &mut b, &next);
    assert!(a
        .negotiated()
        .unwrap()
        .sections
        .iter()
        .all(|s| !s.ice_restarted));
    assert!(b
        .negotiated()
        .unwrap()
        .sections
        .iter()
        .all(|s| !s.ice_restarted));
}

/// W3C webrtc-pc 4.7.3: negotiationneeded once per need, only in stable,
/// cleared by an exchange that reflects every change.
#[test]
fn w3c_negotiation_needed_flag_and_event() {
    let (mut a, mut b) = (pc(), pc());
    assert!(!a.negotiation_needed() && !a.take_negotiation_needed_event());
    a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    assert!(a.negotiation_needed() && a.take_negotiation_needed_event());
    a.add_track(MediaKind::Video, "cam", "s").unwrap();
    assert!(
        a.negotiation_needed() && !a.take_negotiation_needed_event(),
        "one event per need"
    );
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    a.set_local_description(SdpType::Offer, "").unwrap();
    // Not in stable: the flag waits for the exchange to end.
    a.request_data_channels().unwrap();
    assert!(!a.take_negotiation_needed_event());
    let answer = answer_with_tracks(&mut b, &offer);
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    // The answer reflects the tracks but not the data channels.
    assert!(a.negotiation_needed() && a.take_negotiation_needed_event());
    exchange(&mut a, &mut b);
    assert!(!a.negotiation_needed(), "everything is negotiated");
    a.set_direction(0, Direction::SendOnly).unwrap();
    assert!(a.take_negotiation_needed_event());
    a.set_direction(0, Direction::SendRecv).unwrap();
    assert!(!a.negotiation_needed(), "back to what was negotiated");
    a.stop_transceiver(1).unwrap();
    assert!(a.take_negotiation_needed_event());
    // As answerer: an answer without a track, then addTrack.
    let mut c = pc();
    negotiate(&mut c, CHROME);
    assert!(!c.negotiation_needed());
    c.add_track(MediaKind::Audio, "mic", "s").unwrap();
    assert!(c.negotiation_needed() && c.take_negotiation_needed_event());
}

/// JSEP 4.1.1: the bundle policies in an initial offer of two audio and two
/// video m-sections.
#[test]
fn jsep_4_1_1_bundle_policies() {
    use rtcpc::config::BundlePolicy;
    let cases = [
        (BundlePolicy::Balanced, ["9", "0", "9", "0"]),
        (BundlePolicy::MaxCompat, ["9", "9", "9", "9"]),
        (BundlePolicy::MaxBundle, ["9", "0", "0", "0"]),
    ];
    for (policy, ports) in cases {
        let config = rtcpc::Configuration {
            bundle_policy: policy,
            ..Default::default()
        };
        let mut a = PeerConnection::new(config).unwrap();
        for (kind, id) in [
            (MediaKind::Audio, "a1"),
            (MediaKind::Audio, "a2"),
            (MediaKind::Video, "v1"),
            (MediaKind::Video, "v2"),
        ] {
            a.add_track(kind, id, "s").unwrap();
        }
        let offer = a.create_offer(OfferOptions::default()).unwrap();
        let got: Vec<&str> = attr(&offer, "m=")
            .iter()
            .map(|m| m.split(' ').nth(1).unwrap())
            .collect();
        assert_eq!(got, ports, "{policy:?}");
        let bundle_only = ports.iter().filter(|p| **p == "0").count();
        assert_eq!(attr(&offer, "a=bundle-only").len(), bundle_only);
        assert_eq!(attr(&offer, "a=group:"), ["BUNDLE 0 1 2 3"]);
        // rtcpc's answerer bundles them all, bundle-only ones included.
        a.set_local_description(SdpType::Offer, "").unwrap();
        let mut b = pc();
        let answer = answer_with_tracks(&mut b, &offer);
        a.set_remote_description(SdpType::Answer, &answer).unwrap();
        let n = a.negotiated().unwrap();
        assert!(
            n.sections
                .iter()
                .all(|s| s.accepted && s.bundled && s.transport_index == 0),
            "{policy:?}"
        );
        // A re-offer keeps every negotiated m-line on its transport.
        let again = a.create_offer(OfferOptions::default()).unwrap();
        assert!(attr(&again, "a=bundle-only").is_empty(), "{policy:?}");
    }
}

/// RFC 8853: simulcast sent; an answer taking it, one taking part of it
/// (paused, removed), and one without a=simulcast (browsers today): one
/// layer, said in the negotiation.
#[test]
fn rfc8853_simulcast_send_and_the_fallback_to_one_layer() {
    let init = rtcpc::TransceiverInit {
        direction: Direction::SendOnly,
        stream_ids: vec!["s".into()],
        send_rids: vec!["h".into(), "m".into(), "l".into()],
    };
    let offered = || {
        let mut a = pc();
        a.add_transceiver(MediaKind::Video, init.clone()).unwrap();
        let offer = a.create_offer(OfferOptions::default()).unwrap();
        a.set_local_description(SdpType::Offer, "").unwrap();
        (a, offer)
    };
    let (mut a, offer) = offered();
    assert_eq!(attr(&offer, "a=rid:"), ["h send", "m send", "l send"]);
    assert_eq!(attr(&offer, "a=simulcast:"), ["send h;m;l"]);
    assert!(attr(&offer, "a=ssrc:").is_empty(), "RIDs, not SSRCs");
    for ext in [
        "sdes:mid",
        "sdes:rtp-stream-id",
        "sdes:repaired-rtp-stream-id",
    ] {
        assert!(offer.contains(ext), "{ext}");
    }
    let mut b = pc();
    b.set_remote_description(SdpType::Offer, &offer).unwrap();
    let answer = b.create_answer(AnswerOptions::default()).unwrap();
    assert_eq!(attr(&answer, "a=simulcast:"), ["recv h;m;l"]);
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    let s = &a.negotiated().unwrap().sections[0];
    assert_eq!(s.rids, ["h", "m", "l"]);
    assert!(!s.simulcast_fallback && s.direction == Direction::SendOnly);

    let (mut a, _) = offered();
    let partial = answer
        .replace("a=simulcast:recv h;m;l", "a=simulcast:recv h;~m")
        .replace("a=rid:l recv\r\n", "");
    a.set_remote_description(SdpType::Answer, &partial).unwrap();
    let s = &a.negotiated().unwrap().sections[0];
    let layers = vec![
        vec![("h".to_string(), false)],
        vec![("m".to_string(), true)],
    ];
    assert_eq!(s.simulcast_layers, layers);

    let (mut a, _) = offered();
    let none: String = answer
        .lines()
        .filter(|l| !l.starts_with("a=simulcast") && !l.starts_with("a=rid"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    a.set_remote_description(SdpType::Answer, &none).unwrap();
    let s = &a.negotiated().unwrap().sections[0];
    assert!(s.accepted && s.simulcast_fallback && s.rids.is_empty());
}

/// The JSON report covers the offering side: what the answer took of each
/// codec and extension offered.
#[test]
fn the_report_of_an_answer_to_our_offer() {
    let (mut a, mut b) = (offerer(), pc());
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    a.set_local_description(SdpType::Offer, "").unwrap();
    assert!(a.negotiation_report().is_none(), "no answer yet");
    // B takes only VP8 for video.
    let vp8 = rtcpc::codec::Codec::new("VP8", 90000, None, "", &[]);
    b.set_remote_description(SdpType::Offer, &offer).unwrap();
    let video = common::first_of_kind(&b, MediaKind::Video);
    b.set_codec_preferences(video, vec![vp8]).unwrap();
    let answer = b.create_answer(AnswerOptions::default()).unwrap();
    b.set_local_description(SdpType::Answer, &answer).unwrap();
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    let r: serde_json::Value = serde_json::from_str(&a.negotiation_report().unwrap()).unwrap();
    assert_eq!(r["side"], "offer");
    assert_eq!(r["dtls_role"], "server");
    let video = &r["m_lines"][1];
    let kept: Vec<&str> = video["codecs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["accepted"] == true)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(kept, ["VP8"]);
    let vp9 = video["codecs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "VP9")
        .unwrap();
    assert_eq!(vp9["reason"], "the answer leaves the payload type out");
    assert_eq!(video["direction"]["current"], "sendonly", "B sends nothing");
    assert_eq!(r["m_lines"][2]["accepted"], true);
}

/// Found by the browser tests (tests/browser/offer_repro.py): a third
/// offer keeps a stopped m-line with port 0 and its answer is taken; after
/// answering a browser, re-offers keep its payload types (G722/8000/1, red)
/// and extension ids (RFC 8285 6); the ICE role stays the first exchange's.
#[test]
fn regressions_from_the_browser_offer_tests() {
    // 1. A stopped m-line, offered with port 0 twice.
    let (mut a, mut b) = (offerer(), pc());
    for step in 0..3 {
        if step == 1 {
            a.stop_transceiver(0).unwrap();
        }
        let offer = a.create_offer(OfferOptions::default()).unwrap();
        a.set_local_description(SdpType::Offer, "").unwrap();
        b.set_remote_description(SdpType::Offer, &offer).unwrap();
        let answer = b.create_answer(AnswerOptions::default()).unwrap();
        b.set_local_description(SdpType::Answer, &answer).unwrap();
        a.set_remote_description(SdpType::Answer, &answer)
            .unwrap_or_else(|e| panic!("step {step}: {e}"));
    }
    // 2. Firefox's G722/8000/1 and extension ids, and Chrome's red 63 and
    // toffset 14: no number names another codec or URI in the re-offer.
    let firefox = include_str!("data/corpus/offers/aiortc__firefox-58-audio.sdp");
    for remote in [firefox, CHROME] {
        let mut c = pc();
        c.set_remote_description(SdpType::Offer, remote).unwrap();
        c.add_track(MediaKind::Audio, "mic", "s").unwrap();
        let answer = c.create_answer(AnswerOptions::default()).unwrap();
        c.set_local_description(SdpType::Answer, &answer).unwrap();
        let offer = c.create_offer(OfferOptions::default()).unwrap();
        for prefix in ["a=rtpmap:", "a=extmap:"] {
            for line in attr(&answer, prefix) {
                let id = line.split([' ', '/']).next().unwrap();
                let ours = attr(&offer, prefix)
                    .into_iter()
                    .find(|l| l.split([' ', '/']).next() == Some(id));
                // G722/8000/1 and G722/8000 are one codec (one channel).
                let codec = |l: &str| {
                    l.split(' ')
                        .nth(1)
                        .map(|c| c.trim_end_matches("/1").to_string())
                };
                let same = |l: &str| codec(l) == codec(line);
                assert!(ours.is_none_or(same), "{line} became {ours:?}");
            }
        }
        // And each URI we offer again keeps its negotiated id.
        for line in attr(&answer, "a=extmap:") {
            let (id, uri) = line.split_once(' ').unwrap();
            let id = id.split('/').next().unwrap();
            let again = attr(&offer, "a=extmap:")
                .into_iter()
                .find(|l| l.ends_with(uri));
            assert!(
                again.is_none_or(|l| l.starts_with(&format!("{id} "))),
                "{line}: {again:?}"
            );
        }
    }
    let mut c = pc();
    c.set_remote_description(SdpType::Offer, CHROME).unwrap();
    c.add_track(MediaKind::Audio, "mic", "s").unwrap();
    let answer = c.create_answer(AnswerOptions::default()).unwrap();
    c.set_local_description(SdpType::Answer, &answer).unwrap();
    let offer = c.create_offer(OfferOptions::default()).unwrap();
    assert!(
        attr(&offer, "a=rtpmap:").contains(&"63 red/48000/2"),
        "{offer}"
    );
    // 3. a offered first: a stays controlling when b offers later.
    let (mut a, mut b) = (offerer(), pc());
    let (_, answer) = offered_and_answered(&mut a, &mut b);
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    let offer = b.create_offer(OfferOptions::default()).unwrap();
    b.set_local_description(SdpType::Offer, "").unwrap();
    a.set_remote_description(SdpType::Offer, &offer).unwrap();
    let answer = a.create_answer(AnswerOptions::default()).unwrap();
    a.set_local_description(SdpType::Answer, &answer).unwrap();
    b.set_remote_description(SdpType::Answer, &answer).unwrap();
    use rtcpc::ice::IceRole;
    assert_eq!(a.negotiated().unwrap().ice_role, IceRole::Controlling);
    assert_eq!(b.negotiated().unwrap().ice_role, IceRole::Controlled);
}

/// Firefox answers a re-offer's new bundled m-section with another a=setup
/// than the tagged one's: the transport's role is the tagged m-section's.
#[test]
fn rfc8843_the_dtls_role_is_the_tagged_m_sections() {
    let (mut a, mut b) = (offerer(), pc());
    let (_, answer) = offered_and_answered(&mut a, &mut b);
    let (head, data) = answer.split_at(answer.find("m=application").unwrap());
    let odd = format!(
        "{head}{}",
        data.replace("a=setup:active", "a=setup:passive")
    );
    a.set_remote_description(SdpType::Answer, &odd).unwrap();
    assert_eq!(
        a.negotiated().unwrap().dtls_role,
        rtcpc::dtls::DtlsRole::Server
    );
}

/// RFC 8842 5.5: a subsequent offer states the association's role instead
/// of actpass, and an answer turning it around is refused.
#[test]
fn rfc8842_5_5_a_re_offer_keeps_the_dtls_role() {
    let (mut a, mut b) = (offerer(), pc());
    let (_, answer) = offered_and_answered(&mut a, &mut b);
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    let again = a.create_offer(OfferOptions::default()).unwrap();
    assert_eq!(
        attr(&again, "a=setup:"),
        ["passive"; 3],
        "a is the DTLS server"
    );
    a.set_local_description(SdpType::Offer, "").unwrap();
    b.set_remote_description(SdpType::Offer, &again).unwrap();
    let answer = b.create_answer(AnswerOptions::default()).unwrap();
    b.set_local_description(SdpType::Answer, &answer).unwrap();
    assert_eq!(attr(&answer, "a=setup:"), ["active"; 3]);
    let flipped = answer.replace("a=setup:active", "a=setup:passive");
    let e = a
        .set_remote_description(SdpType::Answer, &flipped)
        .unwrap_err();
    assert!(e.message.contains("RFC 8842 5.5"), "{}", e.message);
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
}

/// JSEP 5.2.2: once a stopped transceiver's m-line is rejected by an
/// exchange, a new transceiver of its media type takes its place, with a
/// new mid; no mid is ever given twice.
#[test]
fn jsep_5_2_2_a_rejected_m_line_is_recycled_with_a_new_mid() {
    let (mut a, mut b) = (offerer(), pc());
    exchange(&mut a, &mut b);
    a.stop_transceiver(0).unwrap();
    let stopped = exchange(&mut a, &mut b);
    assert_eq!(attr(&stopped, "a=mid:"), ["0", "1", "2"]);
    a.add_track(MediaKind::Audio, "mic2", "s").unwrap();
    let recycled = exchange(&mut a, &mut b);
    assert_eq!(attr(&recycled, "a=mid:"), ["3", "1", "2"], "{recycled}");
    assert!(recycled.starts_with("v=0") && recycled.contains("m=audio 9 "));
    let n = a.negotiated().unwrap();
    assert!(n.sections.iter().all(|s| s.accepted));
    // A video track does not take an audio m-line; mids stay new.
    let audio = common::first_of_kind(&a, MediaKind::Audio);
    a.stop_transceiver(audio).unwrap();
    exchange(&mut a, &mut b);
    a.add_track(MediaKind::Video, "cam2", "s").unwrap();
    let appended = exchange(&mut a, &mut b);
    assert_eq!(
        attr(&appended, "a=mid:"),
        ["3", "1", "2", "4"],
        "{appended}"
    );
    assert!(appended.starts_with("v=0") && appended.contains("m=audio 0 "));
}
