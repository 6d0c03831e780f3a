//! The answering side of the W3C signaling state machine and JSEP 5.3.1 rules.

use rtcpc::{
    AnswerOptions, Configuration, Direction, ErrorKind, MediaKind, PeerConnection, SdpType,
    SignalingState,
};

mod common;
use common::{attr, first_of_kind, pc, CHROME};

#[test]
fn w3c_answerer_state_machine() {
    let mut p = pc();
    assert_eq!(
        p.create_answer(AnswerOptions::default()).unwrap_err().kind,
        ErrorKind::InvalidState
    );
    assert_eq!(
        p.set_remote_description(SdpType::Answer, CHROME)
            .unwrap_err()
            .kind,
        ErrorKind::InvalidState
    );
    assert_eq!(
        p.set_local_description(SdpType::Answer, "")
            .unwrap_err()
            .kind,
        ErrorKind::InvalidState
    );
    p.set_remote_description(SdpType::Offer, CHROME).unwrap();
    assert_eq!(p.signaling_state(), SignalingState::HaveRemoteOffer);
    p.create_answer(AnswerOptions::default()).unwrap();
    p.set_local_description(SdpType::Pranswer, "").unwrap();
    assert_eq!(p.signaling_state(), SignalingState::HaveLocalPranswer);
    let answer = p.create_answer(AnswerOptions::default()).unwrap();
    p.set_local_description(SdpType::Answer, &answer).unwrap();
    assert_eq!(p.signaling_state(), SignalingState::Stable);
    assert_eq!(p.current_local_description().unwrap().sdp, answer);
    assert!(p.pending_local_description().is_none());
    assert_eq!(p.current_remote_description().unwrap().sdp, CHROME);
    p.close();
    assert_eq!(p.signaling_state(), SignalingState::Closed);
    for e in [
        p.set_remote_description(SdpType::Offer, CHROME)
            .unwrap_err(),
        p.create_answer(AnswerOptions::default()).unwrap_err(),
        p.add_track(MediaKind::Audio, "a", "s").unwrap_err(),
    ] {
        assert_eq!(e.kind, ErrorKind::InvalidState);
    }
}

#[test]
fn w3c_rollback_restores_the_state_before_the_offer() {
    let mut p = pc();
    p.add_track(MediaKind::Audio, "mic", "s").unwrap();
    p.set_remote_description(SdpType::Offer, CHROME).unwrap();
    assert_eq!(p.transceivers().len(), 2);
    p.set_remote_description(SdpType::Rollback, "").unwrap();
    assert_eq!(p.signaling_state(), SignalingState::Stable);
    assert_eq!(p.transceivers().len(), 1);
    assert!(p.transceivers()[0].mid.is_none());
    assert!(p.remote_description().is_none());
}

#[test]
fn failed_calls_leave_the_connection_as_it_was() {
    let mut p = pc();
    p.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let before = p.transceivers().len();
    let e = p
        .set_remote_description(SdpType::Offer, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=garbage:\r\nb=xx\r\n")
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert!(e.message.starts_with("line 7:"), "{}", e.message);
    assert_eq!(p.signaling_state(), SignalingState::HaveRemoteOffer);
    assert_eq!(p.transceivers().len(), before);
    assert_eq!(p.remote_description().unwrap().sdp, CHROME);
    // A munged answer that changes the DTLS setup is refused; the state stays.
    let answer = p.create_answer(AnswerOptions::default()).unwrap();
    let munged = answer.replace("a=setup:active", "a=setup:passive");
    let e = p
        .set_local_description(SdpType::Answer, &munged)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidModification);
    assert_eq!(p.signaling_state(), SignalingState::HaveRemoteOffer);
    // Any other change is refused too (W3C setLocalDescription): what is
    // applied is what rtc_pc_negotiation reports. The error names the line.
    let trimmed = answer.replacen("a=rtcp-fb:96 goog-remb\r\n", "", 1);
    let e = p
        .set_local_description(SdpType::Answer, &trimmed)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidModification);
    let n = answer
        .lines()
        .position(|l| l == "a=rtcp-fb:96 goog-remb")
        .unwrap()
        + 1;
    assert!(e.message.contains(&format!("line {n}: ")), "{}", e.message);
    assert_eq!(p.signaling_state(), SignalingState::HaveRemoteOffer);
    // Line endings do not count: LF only is the same description.
    p.set_local_description(SdpType::Answer, &answer.replace("\r\n", "\n"))
        .unwrap();
    assert_eq!(p.current_local_description().unwrap().sdp, answer);
}

#[test]
fn jsep_5_3_1_answer_shape() {
    let mut p = pc();
    p.set_remote_description(SdpType::Offer, CHROME).unwrap();
    // No local track: the offered sendrecv sections are answered recvonly.
    let a = p.create_answer(AnswerOptions::default()).unwrap();
    assert_eq!(attr(&a, "a=recvonly").len(), 2);
    assert!(attr(&a, "a=msid:").is_empty());
    assert_eq!(attr(&a, "a=group:BUNDLE "), vec!["0 1 2"]);
    assert_eq!(attr(&a, "a=setup:"), vec!["active"; 3]);
    assert_eq!(attr(&a, "a=sctp-port:"), vec!["5000"]);
    let ufrag = attr(&a, "a=ice-ufrag:")[0];
    assert!(ufrag.len() >= 4 && attr(&a, "a=ice-pwd:")[0].len() >= 22);
    let fp = attr(&a, "a=fingerprint:sha-256 ")[0];
    assert_eq!(fp.len(), 95);
    // addTrack after the offer reuses the offered transceiver: sendrecv.
    p.add_track(MediaKind::Video, "cam", "stream").unwrap();
    assert_eq!(p.transceivers().len(), 2);
    let a2 = p.create_answer(AnswerOptions::default()).unwrap();
    assert_eq!(attr(&a2, "a=sendrecv").len(), 1);
    assert_eq!(attr(&a2, "a=msid:"), vec!["stream cam"]);
    assert_eq!(attr(&a2, "a=ssrc-group:FID ").len(), 1);
    // Same session id, higher version; same credentials and fingerprint.
    let o = |s: &str| {
        attr(s, "o=")[0]
            .split(' ')
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(o(&a)[1], o(&a2)[1]);
    assert!(o(&a2)[2].parse::<u64>().unwrap() > o(&a)[2].parse::<u64>().unwrap());
    assert_eq!(attr(&a2, "a=ice-ufrag:")[0], ufrag);
    assert_eq!(attr(&a2, "a=fingerprint:sha-256 ")[0], fp);
}

#[test]
fn rfc8842_setup_roles() {
    let passive = CHROME.replace("a=setup:actpass", "a=setup:passive");
    let active = CHROME.replace("a=setup:actpass", "a=setup:active");
    let holdconn = CHROME.replace("a=setup:actpass", "a=setup:holdconn");
    let mut p = pc();
    p.set_remote_description(SdpType::Offer, &passive).unwrap();
    assert_eq!(
        attr(
            &p.create_answer(AnswerOptions::default()).unwrap(),
            "a=setup:"
        )[0],
        "active"
    );
    let mut p = pc();
    p.set_remote_description(SdpType::Offer, &active).unwrap();
    assert_eq!(
        attr(
            &p.create_answer(AnswerOptions::default()).unwrap(),
            "a=setup:"
        )[0],
        "passive"
    );
    let mut p = pc();
    let e = p
        .set_remote_description(SdpType::Offer, &holdconn)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidAccess);
    assert!(
        e.message.contains("holdconn") && e.message.starts_with("line "),
        "{}",
        e.message
    );
}

#[test]
fn unknown_media_and_protocols_are_rejected_not_failed() {
    let offer = format!(
        "{CHROME}m=text 9 UDP/TLS/RTP/SAVPF 98\r\nc=IN IP4 0.0.0.0\r\na=mid:t\r\nm=audio 9 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\na=mid:p\r\n"
    );
    let mut p = pc();
    p.set_remote_description(SdpType::Offer, &offer).unwrap();
    let a = p.create_answer(AnswerOptions::default()).unwrap();
    let m: Vec<&str> = attr(&a, "m=");
    assert_eq!(m.len(), 5);
    assert!(m[3].starts_with("text 0 "), "{}", m[3]);
    assert!(m[4].starts_with("audio 0 RTP/AVP"), "{}", m[4]);
    let report = p.last_answer().unwrap();
    assert_eq!(
        report.sections[3].reason().as_deref(),
        Some("unknown media type text")
    );
}

#[test]
fn configured_candidates_ice_lite_and_credentials() {
    let mut cfg = Configuration {
        ice_lite: true,
        ice_credentials: Some(
            rtcpc::ice::validate_local("abcd", "0123456789012345678901").unwrap(),
        ),
        ..Default::default()
    };
    cfg.local_candidates.push(
        rtcpc::config::LocalCandidate::parse(
            "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host",
            None,
        )
        .unwrap(),
    );
    let mut p = PeerConnection::new(cfg).unwrap();
    p.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let a = p.create_answer(AnswerOptions::default()).unwrap();
    assert_eq!(attr(&a, "a=ice-lite").len(), 1);
    assert_eq!(attr(&a, "a=ice-ufrag:"), vec!["abcd"; 3]);
    // Bundled: the candidate goes once, in the tagged m-section, and every
    // bundled m-section takes its address and port.
    assert_eq!(attr(&a, "a=candidate:").len(), 1);
    assert_eq!(attr(&a, "c=IN IP4 127.0.0.1").len(), 3);
    assert!(attr(&a, "m=")
        .iter()
        .all(|m| m.split(' ').nth(1) == Some("50000")));
}

#[test]
fn legacy_sctpmap_data_channel_mirrors_the_offer_form() {
    let offer = include_str!("data/corpus/offers/aiortc__firefox-58-datachannel-sctpmap.sdp");
    let mut p = pc();
    p.set_remote_description(SdpType::Offer, offer).unwrap();
    let a = p.create_answer(AnswerOptions::default()).unwrap();
    assert_eq!(attr(&a, "m="), vec!["application 9 DTLS/SCTP 5000"]);
    assert_eq!(attr(&a, "a=sctpmap:"), vec!["5000 webrtc-datachannel 1024"]);
    assert!(attr(&a, "a=sctp-port").is_empty());
}

/// Issue 12.4, W3C 4.4.1.5 (rollback): only what the offer did is undone.
/// A transceiver the offer created goes unless a track was attached since;
/// the application's directions, codec preferences and stops stay.
#[test]
fn w3c_rollback_keeps_the_application_changes() {
    let mut p = pc();
    let mine = p.add_track(MediaKind::Video, "cam", "s").unwrap();
    let before = p.create_answer(AnswerOptions::default()).unwrap_err();
    assert_eq!(before.kind, ErrorKind::InvalidState);
    p.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let audio = first_of_kind(&p, MediaKind::Audio);
    assert_ne!(audio, mine);
    // After the offer: a track on the transceiver it created, a direction
    // and codec preferences on the associated one, a new one stopped.
    assert_eq!(p.add_track(MediaKind::Audio, "mic", "s").unwrap(), audio);
    p.set_direction(mine, Direction::RecvOnly).unwrap();
    let vp8 = p.transceivers()[mine].kind;
    assert_eq!(vp8, MediaKind::Video);
    let prefs = vec![rtcpc::codec::Codec {
        name: "VP8".into(),
        clock_rate: 90000,
        channels: None,
        fmtp: String::new(),
        rtcp_fb: vec![],
    }];
    p.set_codec_preferences(mine, prefs).unwrap();
    let extra = p
        .add_transceiver(MediaKind::Audio, Default::default())
        .unwrap();
    p.stop_transceiver(extra).unwrap();
    let v1 = p.create_answer(AnswerOptions::default()).unwrap();
    p.set_local_description(SdpType::Rollback, "").unwrap();
    let t = p.transceivers();
    assert_eq!(
        t.len(),
        3,
        "the offer's audio transceiver has a track: kept"
    );
    assert!(
        t.iter().all(|t| t.mid.is_none()),
        "mids set by the offer go"
    );
    assert_eq!(t[mine].direction, Direction::RecvOnly);
    // The preference is kept, as the capability it names (with its rtcp-fb).
    let kept = t[mine].codec_preferences.as_ref().unwrap();
    assert_eq!((kept.len(), kept[0].name.as_str()), (1, "VP8"));
    assert!(kept[0].rtcp_fb.iter().any(|f| f == "nack pli"));
    assert_eq!(t[audio].track.as_deref(), Some("mic"));
    assert!(t[extra].stopped);
    // The same offer again: both kept transceivers take their m-lines back,
    // and the session version continues from before the rolled-back answer.
    p.set_remote_description(SdpType::Offer, CHROME).unwrap();
    assert_eq!(p.transceivers().len(), 3, "no new transceiver");
    let a = p.create_answer(AnswerOptions::default()).unwrap();
    let version = |s: &str| attr(s, "o=")[0].split(' ').nth(2).unwrap().to_string();
    assert_eq!(version(&a), version(&v1), "o= version restored by rollback");
    assert!(a.contains("a=msid:s mic"), "{a}");
    let video = a.split("\r\nm=").nth(2).unwrap();
    assert!(video.contains("a=recvonly"), "{video}");
    assert!(
        video.starts_with("video 9 UDP/TLS/RTP/SAVPF 96\r\n"),
        "{video}"
    );
}

/// Issue 12.4: an offer replacing a pending one undoes the first the same way.
#[test]
fn jsep_5_6_a_replacing_offer_keeps_the_application_changes() {
    let mut p = pc();
    p.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let audio = first_of_kind(&p, MediaKind::Audio);
    p.add_track(MediaKind::Audio, "mic", "s").unwrap();
    p.set_direction(audio, Direction::SendOnly).unwrap();
    p.set_remote_description(SdpType::Offer, CHROME).unwrap();
    assert_eq!(p.transceivers().len(), 2, "audio kept, video made anew");
    let a = p.create_answer(AnswerOptions::default()).unwrap();
    let first = a.split("\r\nm=").nth(1).unwrap();
    assert!(
        first.contains("a=sendonly") && first.contains("a=msid:s mic"),
        "{first}"
    );
}

/// Issue 12.3, W3C setLocalDescription: an answer or pranswer that is not
/// the last created one fails with InvalidModificationError naming the
/// line, so what is applied is what rtc_pc_negotiation reports.
#[test]
fn w3c_sld_refuses_an_edited_answer_or_pranswer() {
    let mut p = pc();
    p.add_track(MediaKind::Audio, "mic", "s").unwrap();
    p.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let a = p.create_answer(AnswerOptions::default()).unwrap();
    let edited = a.replacen("a=sendrecv", "a=recvonly", 1);
    let line = a.lines().position(|l| l == "a=sendrecv").unwrap() + 1;
    for t in [SdpType::Pranswer, SdpType::Answer] {
        let e = p.set_local_description(t, &edited).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidModification);
        assert!(
            e.message.contains(&format!(
                "line {line}: \"a=recvonly\" where createAnswer wrote \"a=sendrecv\""
            )),
            "{}",
            e.message
        );
        assert_eq!(p.signaling_state(), SignalingState::HaveRemoteOffer);
        assert!(p.local_description().is_none());
    }
    let without_opus: String = a
        .lines()
        .filter(|l| !l.contains(":111 "))
        .map(|l| format!("{l}\r\n"))
        .collect();
    let e = p
        .set_local_description(SdpType::Answer, &without_opus)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidModification);
    p.set_local_description(SdpType::Pranswer, &a).unwrap();
    assert_eq!(p.signaling_state(), SignalingState::HaveLocalPranswer);
    p.set_local_description(SdpType::Answer, &a).unwrap();
    let n = p.negotiated().unwrap();
    let applied = &p.current_local_description().unwrap().sdp;
    assert_eq!(applied, &a);
    let directions: Vec<&str> = applied
        .lines()
        .filter(|l| {
            matches!(
                *l,
                "a=sendrecv" | "a=sendonly" | "a=recvonly" | "a=inactive"
            )
        })
        .collect();
    let rtp: Vec<String> = n
        .sections
        .iter()
        .filter(|s| s.media != "application")
        .map(|s| format!("a={}", s.direction))
        .collect();
    assert_eq!(directions, rtp);
    assert!(n.sections[0]
        .codecs
        .iter()
        .any(|c| &*c.codec.name == "opus"));
    assert_eq!(
        p.transceivers()[0].current_direction,
        Some(Direction::SendRecv)
    );
}
