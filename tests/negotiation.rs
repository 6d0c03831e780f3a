//! Negotiation fidelity (issue 3): transceivers, codec preferences,
//! renegotiation, ICE restart, remote candidates and what was negotiated.

use rtcpc::codec::Codec;
use rtcpc::{
    AnswerOptions, Configuration, Direction, ErrorKind, MediaKind, PeerConnection, SdpType,
};

mod common;
use common::{attr, first_of_kind, negotiate, section, CHROME};

#[test]
fn jsep_5_8_renegotiation_keeps_mids_role_and_identity() {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    let a1 = negotiate(&mut pc, CHROME);
    // The same offer again, now with the video direction changed to recvonly.
    let offer2 = {
        let v = section(CHROME, 1);
        CHROME.replace(&v, &v.replace("a=sendrecv", "a=recvonly"))
    };
    let a2 = negotiate(&mut pc, &offer2);
    let o = |s: &str| {
        attr(s, "o=")[0]
            .split(' ')
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(o(&a1)[1], o(&a2)[1]);
    assert!(o(&a2)[2].parse::<u64>().unwrap() > o(&a1)[2].parse::<u64>().unwrap());
    assert_eq!(attr(&a1, "a=mid:"), attr(&a2, "a=mid:"));
    assert_eq!(attr(&a2, "a=setup:"), vec!["active"; 3]);
    assert_eq!(attr(&a1, "a=fingerprint:"), attr(&a2, "a=fingerprint:"));
    assert_eq!(attr(&a1, "a=ice-ufrag:"), attr(&a2, "a=ice-ufrag:"));
    // RFC 3264 6.1: the offer's recvonly video is answered inactive (no local track).
    assert!(section(&a2, 1).contains("a=inactive"));
    // An offer with actpass again after we were active keeps us active.
    assert_eq!(pc.dtls_role(), Some(rtcpc::dtls::DtlsRole::Client));
}

#[test]
fn jsep_5_6_ice_restart_gives_fresh_credentials_only_where_restarted() {
    // No BUNDLE, so each m-section has its own transport.
    let offer = CHROME.replace("a=group:BUNDLE 0 1 2\r\n", "");
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    let a1 = negotiate(&mut pc, &offer);
    let audio = section(&offer, 0);
    let ufrag = audio
        .lines()
        .find_map(|l| l.strip_prefix("a=ice-ufrag:"))
        .unwrap()
        .to_string();
    let restarted = offer.replace(
        &audio,
        &audio
            .replace(&format!("a=ice-ufrag:{ufrag}"), "a=ice-ufrag:NEWU")
            .replace("a=ice-pwd:", "a=ice-pwd:X"),
    );
    let a2 = negotiate(&mut pc, &restarted);
    let (u1, u2) = (attr(&a1, "a=ice-ufrag:"), attr(&a2, "a=ice-ufrag:"));
    assert_ne!(u1[0], u2[0], "the restarted transport has new credentials");
    assert_eq!(u1[1..], u2[1..], "the others keep theirs");
    // Stable across a third offer without restart.
    let a3 = negotiate(&mut pc, &restarted);
    assert_eq!(attr(&a3, "a=ice-ufrag:"), u2);
}

#[test]
fn w3c_stop_rejects_the_m_section_and_a_new_mid_recycles_it() {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    negotiate(&mut pc, CHROME);
    let video = pc
        .transceivers()
        .iter()
        .position(|t| t.mid.as_deref() == Some("1"))
        .unwrap();
    pc.stop_transceiver(video).unwrap();
    assert_eq!(
        pc.set_direction(video, Direction::SendOnly)
            .unwrap_err()
            .kind,
        ErrorKind::InvalidState
    );
    let a = negotiate(&mut pc, CHROME);
    assert!(attr(&a, "m=")[1].starts_with("video 0 "), "{a}");
    assert_eq!(
        pc.last_answer().unwrap().sections[1].reason().as_deref(),
        Some("transceiver stopped")
    );
    assert_eq!(attr(&a, "a=group:BUNDLE "), vec!["0 2"]);
    // The stopped transceiver is gone once the answer is applied.
    assert_eq!(pc.transceivers().len(), 1);
    // The offerer recycles the m-line with a new mid: a new transceiver takes it.
    let recycled = CHROME
        .replace("a=mid:1\r\n", "a=mid:3\r\n")
        .replace("BUNDLE 0 1 2", "BUNDLE 0 3 2");
    let a = negotiate(&mut pc, &recycled);
    assert!(attr(&a, "m=")[1].starts_with("video 9 "), "{a}");
    assert_eq!(pc.transceivers().len(), 2);
}

#[test]
fn w3c_set_codec_preferences_orders_and_narrows_the_answer() {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    pc.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let video = first_of_kind(&pc, MediaKind::Video);
    let h264 = Codec {
        name: "H264".into(),
        clock_rate: 90000,
        channels: None,
        fmtp: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f".into(),
        rtcp_fb: vec![],
    };
    let rtx = Codec {
        name: "rtx".into(),
        clock_rate: 90000,
        channels: None,
        fmtp: String::new(),
        rtcp_fb: vec![],
    };
    let vp8 = Codec {
        name: "VP8".into(),
        ..rtx.clone()
    };
    pc.set_codec_preferences(video, vec![h264.clone(), vp8, rtx.clone()])
        .unwrap();
    let a = pc.create_answer(AnswerOptions::default()).unwrap();
    let m = attr(&a, "m=video")[0].to_string();
    let pts: Vec<&str> = m.split(' ').skip(3).collect();
    let names: Vec<String> = pts
        .iter()
        .map(|pt| {
            attr(&a, &format!("a=rtpmap:{pt} "))[0]
                .split('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(names, ["H264", "rtx", "VP8", "rtx"], "{m}");
    // A codec the connection does not support is refused.
    let bogus = Codec {
        name: "H265".into(),
        ..h264
    };
    assert_eq!(
        pc.set_codec_preferences(video, vec![bogus])
            .unwrap_err()
            .kind,
        ErrorKind::InvalidModification
    );
    assert_eq!(
        pc.set_codec_preferences(video, vec![rtx]).unwrap_err().kind,
        ErrorKind::InvalidModification
    );
}

#[test]
fn w3c_add_ice_candidate() {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    let c = "candidate:1 1 udp 2122260223 192.0.2.9 50000 typ host";
    assert_eq!(
        pc.add_ice_candidate(c, Some("0"), None).unwrap_err().kind,
        ErrorKind::InvalidState
    );
    negotiate(&mut pc, CHROME);
    pc.add_ice_candidate(c, Some("0"), None).unwrap();
    pc.add_ice_candidate(c, None, Some(1)).unwrap();
    pc.add_ice_candidate("", Some("0"), None).unwrap();
    assert_eq!(
        pc.add_ice_candidate(c, Some("9"), None).unwrap_err().kind,
        ErrorKind::Operation
    );
    assert_eq!(
        pc.add_ice_candidate(c, None, None).unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
    let e = pc
        .add_ice_candidate("candidate:garbage", Some("0"), None)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Operation);
    let wrong_ufrag = format!("{c} ufrag nope");
    assert_eq!(
        pc.add_ice_candidate(&wrong_ufrag, Some("0"), None)
            .unwrap_err()
            .kind,
        ErrorKind::Operation
    );
    let remote = pc.remote_description().unwrap().sdp.clone();
    let audio = section(&remote, 0);
    assert!(
        audio.contains("a=candidate:1 1 udp 2122260223 192.0.2.9 50000 typ host\r\n"),
        "{audio}"
    );
    assert!(audio.ends_with("\r\na=end-of-candidates"), "{audio}");
    rtcpc::parse_description(&remote).unwrap();
    let n = pc.negotiated().unwrap();
    assert!(n.sections[0]
        .remote_candidates
        .iter()
        .any(|c| c.contains("192.0.2.9")));
    assert!(n.sections[0].remote_end_of_candidates);
}

#[test]
fn negotiated_parameters_match_the_answer() {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    let a = negotiate(&mut pc, CHROME);
    let n = pc.negotiated().unwrap();
    assert_eq!(n.sections.len(), 3);
    assert_eq!(n.dtls_role, rtcpc::dtls::DtlsRole::Client);
    assert_eq!(
        n.bundle_groups,
        vec![vec!["0".to_string(), "1".into(), "2".into()]]
    );
    for (i, s) in n.sections.iter().enumerate() {
        let m = section(&a, i);
        let pts: Vec<u8> = m
            .lines()
            .next()
            .unwrap()
            .split(' ')
            .skip(3)
            .filter_map(|p| p.parse().ok())
            .collect();
        let mine: Vec<u8> = s.codecs.iter().map(|c| c.codec.pt).collect();
        assert_eq!(mine, pts, "section {i}");
        for (id, uri) in &s.extensions {
            assert!(m.contains(&format!("a=extmap:{id} {uri}")));
        }
        assert_eq!(s.transport_index, 0);
        assert!(s.remote_ice_ufrag.is_some() && !s.remote_fingerprints.is_empty());
    }
    let video = &n.sections[1];
    let rtx = video
        .codecs
        .iter()
        .find(|c| &*c.codec.name == "rtx")
        .unwrap();
    assert!(video
        .codecs
        .iter()
        .any(|c| Some(c.codec.pt) == rtx.associated_payload_type));
    assert!(!video.remote_ssrcs.is_empty());
    assert_eq!(n.sections[2].sctp_port, Some(5000));
    assert_eq!(n.sections[0].direction, Direction::RecvOnly);
}

#[test]
fn rfc8853_simulcast_offer_is_received() {
    let offer = include_str!("data/corpus/offers/gen-libwebrtc-m106__simulcast-rid-sendonly.sdp");
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    let a = negotiate(&mut pc, offer);
    assert_eq!(attr(&a, "a=rid:"), vec!["h recv", "m recv", "l recv"]);
    assert_eq!(attr(&a, "a=simulcast:"), vec!["recv h;m;l"]);
    let n = pc.negotiated().unwrap();
    let v = n.sections.iter().find(|s| s.media == "video").unwrap();
    assert_eq!(v.simulcast_layers.len(), 3);
    assert!(v
        .extensions
        .iter()
        .any(|(_, u)| u == rtcpc::codec::ext::RID));
}

#[test]
fn rfc8853_simulcast_paused_and_restricted_rids() {
    let base = include_str!("data/corpus/offers/gen-libwebrtc-m106__simulcast-rid-sendonly.sdp");
    let offer = base
        .replace("a=simulcast:send h;m;l", "a=simulcast:send h;~m;l")
        .replace("a=rid:l send", "a=rid:l send pt=120");
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    let a = negotiate(&mut pc, &offer);
    // l names only a payload type that is not in the offer: refused.
    assert_eq!(attr(&a, "a=simulcast:"), vec!["recv h;~m"]);
    assert_eq!(attr(&a, "a=rid:"), vec!["h recv", "m recv"]);
}

#[test]
fn rfc8843_bundle_only_sections_are_accepted_on_the_tagged_transport() {
    let offer = include_str!(
        "data/corpus/offers/medooze-semantic-sdp__firefox-59-17-mlines-bundle-only.sdp"
    );
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    let a = negotiate(&mut pc, offer);
    let m = attr(&a, "m=");
    assert_eq!(m.len(), 17);
    assert!(m.iter().all(|l| l.split(' ').nth(1) == Some("9")), "{m:?}");
    assert!(
        !a.contains("a=bundle-only"),
        "RFC 8843 7.3: no bundle-only in an answer"
    );
    let n = pc.negotiated().unwrap();
    assert!(n
        .sections
        .iter()
        .all(|s| s.bundled && s.transport_index == 0));
    assert_eq!(n.bundle_groups[0].len(), 17);
}

#[test]
fn rfc8843_sections_outside_the_group_get_their_own_transport() {
    // The data channel is left out of the BUNDLE group.
    let offer = CHROME.replace("a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 1");
    let mut cfg = Configuration::default();
    cfg.local_candidates.push(
        rtcpc::config::LocalCandidate::parse(
            "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host",
            None,
        )
        .unwrap(),
    );
    let mut pc = PeerConnection::new(cfg).unwrap();
    let a = negotiate(&mut pc, &offer);
    assert_eq!(attr(&a, "a=group:BUNDLE "), vec!["0 1"]);
    let n = pc.negotiated().unwrap();
    assert_eq!(
        (n.sections[2].transport_index, n.sections[2].bundled),
        (2, false)
    );
    // Two transports: the tagged audio section and the data section each carry candidates.
    assert!(section(&a, 0).contains("a=candidate:"));
    assert!(!section(&a, 1).contains("a=candidate:"));
    assert!(section(&a, 2).contains("a=candidate:"));
    // A rejected mid never stays in the answer's group (pion/webrtc #840).
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    pc.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let v = first_of_kind(&pc, MediaKind::Video);
    pc.stop_transceiver(v).unwrap();
    let a = pc.create_answer(AnswerOptions::default()).unwrap();
    assert_eq!(attr(&a, "a=group:BUNDLE "), vec!["0 2"]);
}

#[test]
fn rfc8843_no_bundle_group_means_one_transport_each() {
    let offer = CHROME.replace("a=group:BUNDLE 0 1 2\r\n", "");
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    let a = negotiate(&mut pc, &offer);
    assert!(attr(&a, "a=group:").is_empty());
    assert!(
        attr(&a, "m=")
            .iter()
            .all(|m| m.split(' ').nth(1) == Some("9")),
        "nothing rejected (pion/webrtc #3522)"
    );
    let n = pc.negotiated().unwrap();
    assert_eq!(
        n.sections
            .iter()
            .map(|s| s.transport_index)
            .collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
}

#[test]
fn rfc8285_extmap_allow_mixed_is_answered_where_offered() {
    let media_level = CHROME
        .replace("a=extmap-allow-mixed\r\n", "")
        .replace("a=mid:1\r\n", "a=mid:1\r\na=extmap-allow-mixed\r\n");
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    let a = negotiate(&mut pc, &media_level);
    assert_eq!(attr(&a, "a=extmap-allow-mixed").len(), 1);
    assert!(section(&a, 1).contains("a=extmap-allow-mixed"));
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    let a = negotiate(&mut pc, CHROME);
    assert!(a
        .split("\r\nm=")
        .next()
        .unwrap()
        .contains("a=extmap-allow-mixed"));
    let none = CHROME.replace("a=extmap-allow-mixed\r\n", "");
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    assert!(!negotiate(&mut pc, &none).contains("extmap-allow-mixed"));
}

#[test]
fn av1_profile_and_fec_follow_their_codecs() {
    use rtcpc::codec::{negotiate as codecs, Capabilities, CodecOptions, RtpCodec};
    let caps = Capabilities::default();
    let oc = |pt: u8, name: &str, fmtp: &str| RtpCodec {
        pt,
        name: name.into(),
        clock_rate: 90000,
        channels: None,
        fmtp: fmtp.into(),
        rtcp_fb: vec![],
    };
    let opts = CodecOptions {
        voice_activity_detection: true,
        local_order: false,
    };
    // AV1 profile 1 (High) is not a local codec: refused, and with it its rtx;
    // red and ulpfec need a kept primary codec.
    let n = codecs(
        MediaKind::Video,
        &[
            oc(45, "AV1", "profile=1"),
            oc(46, "rtx", "apt=45"),
            oc(120, "red", ""),
            oc(121, "ulpfec", ""),
        ],
        &caps.video,
        opts,
    );
    assert!(n.kept.is_empty(), "{:?}", n.kept);
    assert!(
        n.refused[0].reason.contains("AV1 profile 1"),
        "{}",
        n.refused[0].reason
    );
    let n = codecs(
        MediaKind::Video,
        &[
            oc(45, "AV1", ""),
            oc(46, "rtx", "apt=45"),
            oc(120, "red", ""),
            oc(121, "ulpfec", ""),
            oc(122, "flexfec-03", "repair-window=10000000"),
        ],
        &caps.video,
        opts,
    );
    let kept: Vec<&str> = n.kept.iter().map(|k| &*k.name).collect();
    // flexfec-03 is not a default local codec (as in browsers without the field trial).
    assert_eq!(kept, ["AV1", "rtx", "red", "ulpfec"]);
}

/// Issue 12.1, RFC 3264 6 and RFC 8843 7.3.3: an m-line webrtc-sdp cannot
/// parse keeps its mid; it is rejected with it and left out of BUNDLE.
#[test]
fn rfc3264_6_unknown_m_line_in_bundle_is_rejected_with_its_mid() {
    for (mline, proto) in [
        ("m=image 9 UDPTL t38", "UDPTL t38"),
        ("m=application 9 TCP/BFCP *", "TCP/BFCP *"),
        ("m=text 9 RTP/AVP 98", "RTP/AVP 98"),
    ] {
        let offer = format!(
            "{}{mline}\r\nc=IN IP4 0.0.0.0\r\na=mid:3\r\na=sendrecv\r\na=floorctrl:c-s\r\n",
            CHROME.replace("a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 1 2 3")
        );
        let mut pc = PeerConnection::new(Configuration::default()).unwrap();
        pc.add_track(MediaKind::Audio, "a", "s").unwrap();
        let a = negotiate(&mut pc, &offer);
        let m = attr(&a, "m=");
        assert_eq!(m.len(), 4, "{a}");
        assert!(m[3].ends_with(&format!(" 0 {proto}")), "{mline}: {}", m[3]);
        assert_eq!(attr(&a, "a=mid:"), vec!["0", "1", "2", "3"]);
        assert_eq!(attr(&a, "a=group:BUNDLE "), vec!["0 1 2"]);
        assert!(m[0].starts_with("audio 9 "), "{a}");
        assert!(section(&a, 3).contains("a=inactive"));
    }
}

/// The Firefox max-bundle offer of the corpus with a=ice-ufrag, a=ice-pwd,
/// a=ice-options and a=setup removed from its bundle-only m-sections.
fn firefox_bundle_only_without_transport() -> String {
    let offer = include_str!(
        "data/corpus/offers/medooze-semantic-sdp__firefox-70-recvonly-maxbundle-relay-candidates.sdp"
    )
    .replace("\r\n", "\n")
    .replace('\n', "\r\n");
    let mut parts: Vec<String> = offer.split("\r\nm=").map(str::to_string).collect();
    for p in parts.iter_mut().skip(1) {
        if p.contains("a=bundle-only") {
            *p = p
                .split("\r\n")
                .filter(|l| {
                    !["a=ice-ufrag:", "a=ice-pwd:", "a=ice-options:", "a=setup:"]
                        .iter()
                        .any(|x| l.starts_with(x))
                })
                .collect::<Vec<_>>()
                .join("\r\n");
        }
    }
    parts.join("\r\nm=")
}

/// Issue 12.2, RFC 8843 7.2 and RFC 9429 5.2.1/5.2.2: bundle-only (and, in
/// subsequent offers, bundled) m-sections may leave out their transport
/// attributes; they use the tagged m-section's.
#[test]
fn rfc8843_7_bundle_only_m_sections_without_transport_attributes() {
    let offer = firefox_bundle_only_without_transport();
    assert!(offer.matches("a=ice-ufrag:").count() == 1, "{offer}");
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    pc.add_track(MediaKind::Video, "v", "s").unwrap();
    let a = negotiate(&mut pc, &offer);
    let m = attr(&a, "m=");
    assert!(m.iter().all(|l| !l.contains(" 0 UDP")), "all accepted: {a}");
    assert_eq!(attr(&a, "a=group:BUNDLE "), vec!["0 1 2 3"]);
    let n = pc.negotiated().unwrap();
    let ufrag = offer
        .lines()
        .find_map(|l| l.strip_prefix("a=ice-ufrag:"))
        .unwrap();
    for s in &n.sections {
        assert_eq!(s.transport_index, 0, "bundled on the tagged m-section");
        assert_eq!(s.remote_ice_ufrag.as_deref(), Some(ufrag));
    }
    let remote = pc.remote_description().unwrap().sdp.clone();
    assert!(remote.contains(ufrag));
    // Without BUNDLE the same m-sections need their own attributes.
    let unbundled = offer
        .replace("a=group:BUNDLE 0 1 2 3\r\n", "")
        .replace("a=bundle-only\r\n", "")
        .replace("m=video 0 ", "m=video 9 ")
        .replace("m=audio 0 ", "m=audio 9 ");
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    let e = pc
        .set_remote_description(SdpType::Offer, &unbundled)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidAccess);
    assert!(
        e.message
            .contains("m-section has no a=ice-ufrag (nor at session level)"),
        "{}",
        e.message
    );
}

/// Issue 12.6, W3C addIceCandidate: an empty candidate with neither mid nor
/// m-line index is end-of-candidates for every m-section.
#[test]
fn w3c_empty_candidate_without_mid_ends_every_m_section() {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    negotiate(&mut pc, CHROME);
    pc.add_ice_candidate("", Some("1"), None).unwrap();
    pc.add_ice_candidate("", None, None).unwrap();
    let n = pc.negotiated().unwrap();
    assert!(n.sections.iter().all(|s| s.remote_end_of_candidates));
    let remote = &pc.remote_description().unwrap().sdp;
    for i in 0..3 {
        assert_eq!(
            section(remote, i).matches("a=end-of-candidates").count(),
            1,
            "m-section {i}, once each"
        );
    }
    assert!(remote.ends_with("a=end-of-candidates\r\n"));
    // A real candidate still needs a mid or an index.
    let e = pc
        .add_ice_candidate("candidate:1 1 udp 1 198.51.100.2 9 typ host", None, None)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
}

/// Issue 14: what the snapshot says of the local side is what the applied
/// answer says, line for line.
#[test]
fn the_local_side_is_what_the_applied_answer_states() {
    let mut config = Configuration::default();
    let cand = "candidate:1 1 udp 2122260223 198.51.100.10 50000 typ host";
    config.local_candidates = vec![rtcpc::config::LocalCandidate::parse(cand, None).unwrap()];
    let mut pc = PeerConnection::new(config).unwrap();
    pc.set_remote_description(SdpType::Offer, CHROME).unwrap();
    pc.add_track(MediaKind::Audio, "mic", "s").unwrap();
    pc.add_track(MediaKind::Video, "cam", "s").unwrap();
    let a = pc.create_answer(AnswerOptions::default()).unwrap();
    pc.set_local_description(SdpType::Answer, &a).unwrap();
    let n = pc.negotiated().unwrap();
    assert_eq!(n.ice_role, rtcpc::ice::IceRole::Controlled);
    for (i, s) in n.sections.iter().enumerate() {
        let m = section(&a, i);
        let l = &s.local;
        let ice = l.ice.as_ref().unwrap();
        assert_eq!(
            attr(&m, "a=ice-ufrag:"),
            [ice.ufrag.as_str()],
            "section {i}"
        );
        assert_eq!(attr(&m, "a=ice-pwd:"), [ice.pwd.as_str()]);
        assert_eq!(attr(&m, "a=fingerprint:"), l.fingerprints);
        let cands: Vec<String> = attr(&m, "a=candidate:")
            .iter()
            .map(|c| format!("candidate:{c}"))
            .collect();
        assert_eq!(cands, l.candidates);
        assert_eq!(l.candidates.len(), usize::from(i == 0));
        let sctp: Vec<u16> = attr(&m, "a=sctp-port:")
            .iter()
            .map(|p| p.parse().unwrap())
            .collect();
        assert_eq!(sctp, l.sctp_port.into_iter().collect::<Vec<_>>());
        let Some(sender) = &l.sender else {
            assert!(attr(&m, "a=ssrc:").is_empty() && i == 2);
            continue;
        };
        let mut lines = Vec::new();
        for ssrc in &sender.ssrcs {
            lines.push(format!("{ssrc} cname:{}", sender.cname));
            lines.push(format!(
                "{ssrc} msid:{} {}",
                sender.streams[0], sender.track
            ));
        }
        assert_eq!(attr(&m, "a=ssrc:"), lines);
        let groups: Vec<String> = sender
            .ssrc_groups
            .iter()
            .map(|(sem, s)| format!("{sem} {} {}", s[0], s[1]))
            .collect();
        assert_eq!(attr(&m, "a=ssrc-group:"), groups);
        assert_eq!(sender.streams, ["s"]);
        let msids: Vec<String> = attr(&m, "a=msid:").iter().map(|l| l.to_string()).collect();
        assert_eq!(msids, [format!("s {}", sender.track)]);
        // Video has rtx: primary and rtx SSRCs, paired in FID.
        assert_eq!(sender.ssrcs.len(), 1 + i);
    }
}

/// RFC 8445 6.1.1: to an ice-lite offerer, a full answerer is controlling.
#[test]
fn rfc8445_6_1_1_a_full_answerer_controls_a_lite_offerer() {
    let lite = CHROME.replacen("t=0 0\r\n", "t=0 0\r\na=ice-lite\r\n", 1);
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    negotiate(&mut pc, &lite);
    let n = pc.negotiated().unwrap();
    assert_eq!(n.ice_role, rtcpc::ice::IceRole::Controlling);
    let config = Configuration {
        ice_lite: true,
        ..Default::default()
    };
    let mut pc = PeerConnection::new(config).unwrap();
    negotiate(&mut pc, &lite);
    let n = pc.negotiated().unwrap();
    assert_eq!(n.ice_role, rtcpc::ice::IceRole::Controlled);
}

/// RFC 8842 5.3: to actpass the answerer takes the configured role; to
/// active or passive, the other one whatever the configuration.
#[test]
fn rfc8842_5_3_the_configured_role_answers_actpass_only() {
    use rtcpc::dtls::DtlsRole;
    let cases = [
        ("actpass", DtlsRole::Server, "passive", DtlsRole::Server),
        ("actpass", DtlsRole::Client, "active", DtlsRole::Client),
        ("active", DtlsRole::Client, "passive", DtlsRole::Server),
        ("passive", DtlsRole::Server, "active", DtlsRole::Client),
    ];
    for (offered, preferred, answered, role) in cases {
        let offer = CHROME.replace("a=setup:actpass", &format!("a=setup:{offered}"));
        let config = Configuration {
            dtls_role: preferred,
            ..Default::default()
        };
        let mut pc = PeerConnection::new(config).unwrap();
        let a = negotiate(&mut pc, &offer);
        assert_eq!(
            attr(&a, "a=setup:"),
            [answered; 3],
            "{offered} {preferred:?}"
        );
        let n = pc.negotiated().unwrap();
        assert_eq!(n.dtls_role, role);
        assert!(n.sections.iter().all(|s| s.accepted));
    }
}

/// The snapshot's remote candidates are the offer's lines as written
/// (webrtc-sdp would print "tcp" as "TCP" and drop what it does not keep).
#[test]
fn remote_candidates_are_reported_as_the_offer_wrote_them() {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    negotiate(&mut pc, CHROME);
    let n = pc.negotiated().unwrap();
    let offered: Vec<String> = attr(&section(CHROME, 0), "a=candidate:")
        .iter()
        .map(|c| format!("candidate:{c}"))
        .collect();
    assert!(offered.iter().any(|c| c.contains(" tcp ")), "{offered:?}");
    assert_eq!(n.sections[0].remote_candidates, offered);
}
