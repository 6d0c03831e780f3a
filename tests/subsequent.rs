//! Subsequent exchanges (issue 20): re-offers built from what was
//! negotiated, glare without duplicate mids, and remote answers taken as
//! Chromium takes them. One test per rule, named after it.

use rtcpc::offer::OfferOptions;
use rtcpc::{AnswerOptions, Direction, ErrorKind, MediaKind, PeerConnection};
use rtcpc::{SdpType, SignalingState, TransceiverInit};

mod common;
use common::{answered, attr, exchange, negotiate, pc, CHROME};

const MEDIASOUP: &str = include_str!(
    "data/corpus/offers/gen-mediasoup-client-3.24.1__remote-reoffer-icelite-audio-video-probator-datachannel.sdp"
);
const SAFARI_H264_FIRST: &str = include_str!(
    "data/corpus/offers/kvs-webrtc-sdk-c__safari-mac-recvonly-video-h264-first-datachannel.sdp"
);

/// Audio, video and data channels.
fn offerer() -> PeerConnection {
    let mut a = pc();
    a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    a.add_track(MediaKind::Video, "cam", "s").unwrap();
    a.request_data_channels().unwrap();
    a
}

/// A sendonly transceiver of stream "s", sending the simulcast `rids`.
fn sendonly(rids: &[&str]) -> TransceiverInit {
    TransceiverInit {
        direction: Direction::SendOnly,
        stream_ids: vec!["s".into()],
        send_rids: rids.iter().map(|r| r.to_string()).collect(),
    }
}

/// The m-sections of `sdp`, each from its m= line.
fn sections(sdp: &str) -> Vec<&str> {
    sdp.split("\r\nm=").skip(1).collect()
}

/// Every (mid, payload type, codec) of `sdp`; the codec as "name/rate[/ch]"
/// lowercased, an rtx with its apt.
fn payload_types(sdp: &str) -> Vec<(String, u8, String)> {
    let mut out = Vec::new();
    for s in sections(sdp) {
        let mid = attr(s, "a=mid:").first().map_or("", |m| *m).to_string();
        for map in attr(s, "a=rtpmap:") {
            let (pt, codec) = map.split_once(' ').unwrap();
            let mut codec = codec.to_ascii_lowercase();
            if codec.starts_with("rtx/") {
                let apt = attr(s, &format!("a=fmtp:{pt} apt="));
                codec = format!("{codec} apt={}", apt.first().unwrap_or(&"?"));
            }
            out.push((mid.clone(), pt.parse().unwrap(), codec));
        }
    }
    out
}

/// Panics where `later` gives a payload type another codec than `earlier`
/// gave it in any m-line.
fn assert_payload_types_keep_their_codecs(earlier: &[&str], later: &str) {
    let before: Vec<_> = earlier.iter().flat_map(|d| payload_types(d)).collect();
    for (mid, pt, codec) in payload_types(later) {
        for (m, p, c) in &before {
            assert!(
                *p != pt || *c == codec,
                "payload type {pt} is {codec} in m-line {mid} but was {c} in m-line {m}:\n{later}"
            );
        }
    }
}

/// `sdp` without the lines for which `drop` is true.
fn without(sdp: &str, drop: impl Fn(&str) -> bool) -> String {
    sdp.split("\r\n")
        .filter(|l| !l.is_empty() && !drop(l))
        .map(|l| format!("{l}\r\n"))
        .collect()
}

/// B applies A's offer and answers it as is, with no new tracks: the answer,
/// which A has not applied.
fn answer_of(b: &mut PeerConnection, offer: &str) -> String {
    b.set_remote_description(SdpType::Offer, offer).unwrap();
    let answer = b.create_answer(AnswerOptions::default()).unwrap();
    b.set_local_description(SdpType::Answer, &answer).unwrap();
    answer
}

/// A offers (`options`) and applies its offer; B answers it as is: the
/// answer, which A has not applied.
fn offered_with(a: &mut PeerConnection, b: &mut PeerConnection, options: OfferOptions) -> String {
    let offer = a.create_offer(options).unwrap();
    a.set_local_description(SdpType::Offer, "").unwrap();
    answer_of(b, &offer)
}

/// `offered_with` the default options.
fn offered(a: &mut PeerConnection, b: &mut PeerConnection) -> String {
    offered_with(a, b, OfferOptions::default())
}

/// A refuses `bad` as an answer (InvalidAccessError naming `why`), stays
/// in have-local-offer, then takes `good`.
fn assert_refused_then_taken(a: &mut PeerConnection, bad: &str, why: &str, good: &str) {
    let e = a.set_remote_description(SdpType::Answer, bad).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidAccess, "{}", e.message);
    assert!(e.message.contains(why), "{why}: {}", e.message);
    assert_eq!(a.signaling_state(), SignalingState::HaveLocalOffer);
    a.set_remote_description(SdpType::Answer, good).unwrap();
}

fn assert_unique_mids(sdp: &str) {
    let mids = attr(sdp, "a=mid:");
    let mut sorted = mids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), mids.len(), "mids {mids:?}:\n{sdp}");
}

/// (1) RFC 8843 9.1: a mid names one m-line for the connection's life.
/// After glare (our offer rolled back by the peer's) the data m-line of the
/// next offer must not take a mid the peer's m-lines have.
#[test]
fn rfc8843_a_mid_is_never_given_twice_after_glare() {
    let (mut a, mut b) = (pc(), pc());
    a.add_track(MediaKind::Audio, "mic", "a").unwrap();
    a.request_data_channels().unwrap();
    a.create_offer(OfferOptions::default()).unwrap();
    a.set_local_description(SdpType::Offer, "").unwrap();
    b.add_track(MediaKind::Audio, "b-mic", "b").unwrap();
    b.add_track(MediaKind::Video, "b-cam", "b").unwrap();
    let theirs = b.create_offer(OfferOptions::default()).unwrap();
    b.set_local_description(SdpType::Offer, "").unwrap();
    a.set_remote_description(SdpType::Offer, &theirs).unwrap();
    let answer = a.create_answer(AnswerOptions::default()).unwrap();
    a.set_local_description(SdpType::Answer, &answer).unwrap();
    b.set_remote_description(SdpType::Answer, &answer).unwrap();
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    assert_unique_mids(&offer);
    assert_eq!(sections(&offer).len(), 3, "{offer}");
    answered(&mut a, &mut b, &offer);
    assert!(!a.negotiation_needed());
}

/// (2) JSEP 5.2.2: an answer rejected our data m-line; the next offer
/// offers data again in that m-line, not in a second one beside it.
#[test]
fn jsep_5_2_2_a_rejected_data_m_line_is_offered_again_in_place() {
    let (mut a, mut b) = (offerer(), pc());
    let answer = offered(&mut a, &mut b)
        .replace("m=application 9 ", "m=application 0 ")
        .replace("a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 1");
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    assert!(a.negotiation_needed(), "data channels are not negotiated");
    let again = a.create_offer(OfferOptions::default()).unwrap();
    assert_unique_mids(&again);
    let media: Vec<&str> = sections(&again)
        .iter()
        .map(|s| s.split(' ').next().unwrap())
        .collect();
    assert_eq!(media, ["audio", "video", "application"], "{again}");
    assert!(again.contains("m=application 9 "), "{again}");
    answered(&mut a, &mut b, &again);
    let n = a.negotiated().unwrap();
    assert!(n.sections[2].accepted && n.sections[2].sctp_port.is_some());
    assert!(!a.negotiation_needed());
}

/// (3) RFC 3264 8.3.2: a payload type keeps its codec for the session in
/// every m-line, also after answering an SFU offer that numbers each m-line
/// differently (mediasoup: VP8 101 with rtx 102 in one, VP8 127 in another).
#[test]
fn rfc3264_8_3_2_a_payload_type_keeps_its_codec_in_every_m_line() {
    let mut c = pc();
    let answer = negotiate(&mut c, MEDIASOUP);
    let offer = c.create_offer(OfferOptions::default()).unwrap();
    assert_payload_types_keep_their_codecs(&[MEDIASOUP, &answer], &offer);
    assert_unique_mids(&offer);
    // Offering to ourselves: the same holds through a second exchange.
    let mut b = pc();
    c.set_local_description(SdpType::Offer, "").unwrap();
    let answer2 = answer_of(&mut b, &offer);
    c.set_remote_description(SdpType::Answer, &answer2).unwrap();
    let third = c.create_offer(OfferOptions::default()).unwrap();
    assert_payload_types_keep_their_codecs(&[MEDIASOUP, &answer, &offer, &answer2], &third);
}

/// (4) JSEP 5.2.2 (as libwebrtc): a re-offer lists the codecs the m-line
/// negotiated first, in the negotiated order: after answering Safari's
/// H.264-first offer, H.264 leads the re-offer.
#[test]
fn jsep_5_2_2_the_negotiated_codecs_lead_a_re_offer() {
    let mut c = pc();
    c.set_remote_description(SdpType::Offer, SAFARI_H264_FIRST)
        .unwrap();
    c.add_track(MediaKind::Video, "cam", "s").unwrap();
    let answer = c.create_answer(AnswerOptions::default()).unwrap();
    c.set_local_description(SdpType::Answer, &answer).unwrap();
    let offer = c.create_offer(OfferOptions::default()).unwrap();
    for (a, o) in sections(&answer).iter().zip(sections(&offer)) {
        let fmts = |s: &str| -> Vec<String> {
            s.split("\r\n")
                .next()
                .unwrap()
                .split(' ')
                .skip(3)
                .map(String::from)
                .collect()
        };
        let (negotiated, offered) = (fmts(a), fmts(o));
        if a.starts_with("application") {
            continue;
        }
        assert_eq!(
            offered[..negotiated.len()],
            negotiated[..],
            "m-line {o}\nanswered {a}"
        );
    }
    let first_video = attr(&offer, "m=video ")[0].split(' ').nth(2).unwrap();
    let h264 = attr(&offer, &format!("a=rtpmap:{first_video} "));
    assert_eq!(h264, ["H264/90000"], "{offer}");
}

/// (5) JSEP 5.2.2: a re-offer keeps every format the m-line negotiated,
/// with its payload type, rtpmap and fmtp: Chromium's rtx for RED included.
#[test]
fn jsep_5_2_2_a_re_offer_keeps_every_negotiated_format() {
    let mut c = pc();
    c.set_remote_description(SdpType::Offer, CHROME).unwrap();
    c.add_track(MediaKind::Audio, "mic", "s").unwrap();
    c.add_track(MediaKind::Video, "cam", "s").unwrap();
    let answer = c.create_answer(AnswerOptions::default()).unwrap();
    c.set_local_description(SdpType::Answer, &answer).unwrap();
    let offer = c.create_offer(OfferOptions::default()).unwrap();
    for (a, o) in sections(&answer).iter().zip(sections(&offer)) {
        for prefix in ["a=rtpmap:", "a=fmtp:"] {
            for line in attr(a, prefix) {
                assert!(
                    attr(o, prefix).contains(&line),
                    "{prefix}{line} is gone from m-line {o}"
                );
            }
        }
    }
    let red_rtx = attr(&answer, "a=rtpmap:")
        .iter()
        .filter(|l| l.ends_with(" red/90000"))
        .count();
    assert_eq!(red_rtx, 1, "the answer keeps video red");
}

/// (7) W3C setLocalDescription: an offer created before an exchange the
/// peer started no longer represents the connection: its text is
/// InvalidModificationError, and "" creates a fresh offer.
#[test]
fn w3c_last_created_offer_is_forgotten_when_the_connection_changes() {
    let (mut a, mut b) = (offerer(), pc());
    let stale = a.create_offer(OfferOptions::default()).unwrap();
    b.add_track(MediaKind::Audio, "b-mic", "b").unwrap();
    let theirs = b.create_offer(OfferOptions::default()).unwrap();
    b.set_local_description(SdpType::Offer, "").unwrap();
    negotiate(&mut a, &theirs);
    let answer = a.current_local_description().unwrap().sdp.clone();
    b.set_remote_description(SdpType::Answer, &answer).unwrap();
    let e = a.set_local_description(SdpType::Offer, &stale).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidModification, "{}", e.message);
    assert_eq!(a.signaling_state(), SignalingState::Stable);
    a.set_local_description(SdpType::Offer, "").unwrap();
    let fresh = a.pending_local_description().unwrap().sdp.clone();
    assert_ne!(fresh, stale);
    assert_unique_mids(&fresh);
    assert_eq!(attr(&fresh, "a=mid:")[0], attr(&theirs, "a=mid:")[0]);
    let answer = answer_of(&mut b, &fresh);
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
}

/// (8) JSEP 5.2.2: a second createOffer in have-local-offer lays out its
/// m-lines from the pending local offer: a recycled m-line stays where the
/// first offer put it.
#[test]
fn jsep_5_2_2_an_offer_in_have_local_offer_keeps_the_pending_layout() {
    let (mut a, mut b) = (offerer(), pc());
    exchange(&mut a, &mut b);
    a.stop_transceiver(0).unwrap();
    exchange(&mut a, &mut b);
    a.add_track(MediaKind::Audio, "mic2", "s").unwrap();
    let first = a.create_offer(OfferOptions::default()).unwrap();
    a.set_local_description(SdpType::Offer, "").unwrap();
    let second = a.create_offer(OfferOptions::default()).unwrap();
    assert_eq!(attr(&second, "a=mid:"), attr(&first, "a=mid:"), "{second}");
    answered(&mut a, &mut b, &second);
    assert!(a.negotiated().unwrap().sections.iter().all(|s| s.accepted));
}

/// (9) JSEP 5.2.1: a transceiver stopped before it was ever negotiated has
/// no m-line.
#[test]
fn jsep_5_2_1_a_transceiver_stopped_before_negotiation_gets_no_m_line() {
    let mut a = pc();
    a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    let video = a.add_track(MediaKind::Video, "cam", "s").unwrap();
    a.stop_transceiver(video).unwrap();
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    assert_eq!(sections(&offer).len(), 1, "{offer}");
    assert!(offer.contains("m=audio 9 "));
    let mut b = pc();
    answered(&mut a, &mut b, &offer);
    assert!(a.negotiated().unwrap().sections[0].accepted);
}

/// (11) W3C 4.7.3: setDirection to the direction the current exchange
/// already gives (the answer's, reversed) needs no negotiation.
#[test]
fn w3c_4_7_3_set_direction_to_the_negotiated_direction_needs_no_negotiation() {
    let (mut a, mut b) = (pc(), pc());
    a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    exchange(&mut a, &mut b); // b has no track: it answers recvonly
    assert_eq!(
        a.transceivers()[0].current_direction,
        Some(Direction::SendOnly)
    );
    assert!(!a.negotiation_needed());
    a.set_direction(0, Direction::SendOnly).unwrap();
    assert!(!a.negotiation_needed());
    a.set_direction(0, Direction::RecvOnly).unwrap();
    assert!(a.negotiation_needed());
}

/// (12) W3C webrtc-pc legacy offerToReceiveAudio: true adds a recvonly
/// transceiver when none of the kind receives; a sendonly one stays so.
#[test]
fn w3c_legacy_offer_to_receive_adds_a_recvonly_transceiver() {
    let mut a = pc();
    a.add_transceiver(MediaKind::Audio, sendonly(&[])).unwrap();
    let opts = OfferOptions {
        offer_to_receive_audio: Some(true),
        ..Default::default()
    };
    let offer = a.create_offer(opts).unwrap();
    let dirs: Vec<Direction> = a.transceivers().iter().map(|t| t.direction).collect();
    assert_eq!(dirs, [Direction::SendOnly, Direction::RecvOnly]);
    assert_eq!(attr(&offer, "a=sendonly").len(), 1, "{offer}");
    assert_eq!(attr(&offer, "a=recvonly").len(), 1, "{offer}");
    // A receiving one already there: nothing is added.
    let mut c = pc();
    c.add_track(MediaKind::Audio, "mic", "s").unwrap();
    c.create_offer(opts).unwrap();
    assert_eq!(c.transceivers().len(), 1);
}

/// (13) RFC 8839 5.1, RFC 8843 7.2: a local candidate given for a mid goes
/// in that m-line while it has a transport of its own, else in the m-line
/// owning the transport it is bundled on.
#[test]
fn rfc8839_a_local_candidate_goes_in_its_m_line() {
    let cand = "candidate:1 1 udp 2122260223 198.51.100.10 50000 typ host";
    let mut a = offerer();
    a.add_local_candidate(cand, Some("1")).unwrap();
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    let s = sections(&offer);
    assert!(attr(s[0], "a=candidate:").is_empty(), "{offer}");
    assert_eq!(attr(s[1], "a=candidate:").len(), 1, "{offer}");
    // max-bundle: m-line 1 is bundle-only, the candidate is the first one's.
    let mut config = rtcpc::Configuration::default();
    config.bundle_policy = rtcpc::config::BundlePolicy::MaxBundle;
    let mut m = PeerConnection::new(config).unwrap();
    m.add_track(MediaKind::Audio, "mic", "s").unwrap();
    m.add_track(MediaKind::Video, "cam", "s").unwrap();
    m.add_local_candidate(cand, Some("1")).unwrap();
    let offer = m.create_offer(OfferOptions::default()).unwrap();
    let s = sections(&offer);
    assert_eq!(attr(s[0], "a=candidate:").len(), 1, "{offer}");
    assert!(attr(s[1], "a=candidate:").is_empty(), "{offer}");
}

/// (14) W3C rtcpMuxPolicy "require" (JSEP 5.8): an answer without
/// a=rtcp-mux is refused, as Chromium refuses it, and changes nothing.
#[test]
fn jsep_5_8_rtcp_mux_policy_require_refuses_an_answer_without_rtcp_mux() {
    let (mut a, mut b) = (offerer(), pc());
    let answer = offered(&mut a, &mut b);
    let no_mux = without(&answer, |l| l == "a=rtcp-mux");
    assert_refused_then_taken(&mut a, &no_mux, "rtcp-mux", &answer);
}

/// (15) RFC 9143 7.3.2: a subsequent answer cannot move an m-line out of
/// the BUNDLE group the session established (Chromium refuses it).
#[test]
fn rfc9143_7_3_2_a_subsequent_answer_keeps_the_bundle_group() {
    let (mut a, mut b) = (offerer(), pc());
    exchange(&mut a, &mut b);
    let answer = offered(&mut a, &mut b);
    let moved = answer.replace("a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 2");
    assert_refused_then_taken(&mut a, &moved, "established BUNDLE group", &answer);
}

/// `sdp` with every a=ice-ufrag and a=ice-pwd value replaced.
fn with_credentials(sdp: &str, ufrag: &str, pwd: &str) -> String {
    sdp.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| match l {
            l if l.starts_with("a=ice-ufrag:") => format!("a=ice-ufrag:{ufrag}\r\n"),
            l if l.starts_with("a=ice-pwd:") => format!("a=ice-pwd:{pwd}\r\n"),
            l => format!("{l}\r\n"),
        })
        .collect()
}

/// (16) JSEP 5.8 as Chromium: an answer bringing new ICE credentials to an
/// offer that did not restart ICE is the peer restarting; the snapshot and
/// the report say so, so the host restarts its ICE agent.
#[test]
fn jsep_5_8_new_credentials_in_an_answer_are_the_peer_restarting_ice() {
    let (mut a, mut b) = (offerer(), pc());
    exchange(&mut a, &mut b);
    let answer = with_credentials(
        &offered(&mut a, &mut b),
        "newUfrag1",
        "aNewIcePasswordOf22chr",
    );
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    for s in &a.negotiated().unwrap().sections {
        assert!(s.ice_restarted && s.remote_ice_restarted, "{s:?}");
        assert!(!s.local_ice_restarted, "{s:?}");
        assert_eq!(s.remote_ice_ufrag.as_deref(), Some("newUfrag1"));
    }
    let report = a.negotiation_report().unwrap();
    assert!(report.contains("\"remote_ice_restarted\":true"), "{report}");
}

/// (17) RFC 8853 5.3, RFC 8852: a=simulcast:recv without the rtp-stream-id
/// extension negotiated cannot tell layers apart: one layer, tolerated.
/// (Checked in the browsers: Chromium 156 refuses such an answer, "negotiates
/// simulcast but does not negotiate the RID RTP header extension"; Firefox
/// ESR takes it. One stream works, so rtcpc takes it and says so.)
#[test]
fn rfc8853_simulcast_without_the_rid_extension_falls_back_to_one_layer() {
    let (mut a, mut b) = (pc(), pc());
    a.add_transceiver(MediaKind::Video, sendonly(&["h", "m", "l"]))
        .unwrap();
    let answer = offered(&mut a, &mut b);
    assert_eq!(attr(&answer, "a=simulcast:"), ["recv h;m;l"]);
    let no_rid = without(&answer, |l| l.contains("rtp-stream-id"));
    a.set_remote_description(SdpType::Answer, &no_rid).unwrap();
    let s = &a.negotiated().unwrap().sections[0];
    assert!(s.simulcast_fallback, "{s:?}");
    assert!(s.simulcast_layers.is_empty() && s.rids.is_empty(), "{s:?}");
}

/// (18) W3C 4.4.1.6: a remote pranswer sets currentDirection, as an answer does.
#[test]
fn w3c_a_remote_pranswer_sets_current_direction() {
    let (mut a, mut b) = (offerer(), pc());
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    a.set_local_description(SdpType::Offer, "").unwrap();
    let answer = answer_of(&mut b, &offer);
    a.set_remote_description(SdpType::Pranswer, &answer)
        .unwrap();
    for t in a.transceivers() {
        assert_eq!(t.current_direction, Some(Direction::SendOnly), "{t:?}");
    }
}

/// (19) Tolerated as Chromium tolerates it (Pion 3.1.56 answers a sendonly
/// offer a=sendrecv): the answer's direction is clamped to what was
/// offered, and the log and the report say what was tolerated.
#[test]
fn rfc3264_6_1_an_answer_direction_beyond_the_offer_is_clamped() {
    let (mut a, mut b) = (pc(), pc());
    a.add_transceiver(MediaKind::Video, sendonly(&[])).unwrap();
    let answer = offered(&mut a, &mut b);
    assert_eq!(attr(&answer, "a=recvonly").len(), 1);
    let pion = answer.replace("a=recvonly", "a=sendrecv");
    a.set_remote_description(SdpType::Answer, &pion).unwrap();
    assert_eq!(
        a.transceivers()[0].current_direction,
        Some(Direction::SendOnly)
    );
    let s = &a.negotiated().unwrap().sections[0];
    assert_eq!(s.direction, Direction::SendOnly);
    assert_eq!(s.tolerated.len(), 1, "{s:?}");
    assert!(s.tolerated[0].contains("sendrecv"), "{:?}", s.tolerated);
    let report = a.negotiation_report().unwrap();
    assert!(report.contains("\"tolerated\":[\""), "{report}");
}

/// (20) As libwebrtc: an answer to our ICE-restart offer that keeps the
/// peer's old credentials (aiortc 1.16, webrtcbin 1.22) is taken; only our
/// side restarted, and the snapshot says so.
#[test]
fn jsep_5_4_an_ice_restart_answered_with_old_credentials_restarts_our_side_only() {
    let (mut a, mut b) = (offerer(), pc());
    exchange(&mut a, &mut b);
    let before = a.negotiated().unwrap().sections[0].clone();
    let restart = OfferOptions {
        ice_restart: true,
        ..Default::default()
    };
    let answer = with_credentials(
        &offered_with(&mut a, &mut b, restart),
        before.remote_ice_ufrag.as_deref().unwrap(),
        before.remote_ice_pwd.as_deref().unwrap(),
    );
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    let s = &a.negotiated().unwrap().sections[0];
    assert!(s.ice_restarted && s.local_ice_restarted && !s.remote_ice_restarted);
    assert_ne!(s.local.ice, before.local.ice);
    assert_eq!(s.remote_ice_ufrag, before.remote_ice_ufrag);
}

/// (6) RFC 3264 position matching, as Chromium fills in missing mids: an
/// offer without a=mid (a SIP gateway's) is answered with the mids rtcpc
/// gave its m-lines, and every later offer keeps all m-lines with them.
#[test]
fn rfc3264_an_offer_without_mids_keeps_its_m_lines_in_later_offers() {
    let gateway = include_str!("data/corpus/offers/sdp-transform__icelite-savpf-gateway.sdp");
    let offer = format!("{gateway}m=text 5002 RTP/AVP 98\r\na=rtpmap:98 t140/1000\r\n");
    let mut c = pc();
    c.set_remote_description(SdpType::Offer, &offer).unwrap();
    c.add_track(MediaKind::Audio, "mic", "s").unwrap();
    let answer = c.create_answer(AnswerOptions::default()).unwrap();
    c.set_local_description(SdpType::Answer, &answer).unwrap();
    assert_eq!(attr(&answer, "a=mid:"), ["0", "1"], "{answer}");
    assert!(answer.contains("m=text 0 RTP/AVP 98\r\n"), "{answer}");
    let restart = OfferOptions {
        ice_restart: true,
        ..Default::default()
    };
    let again = c.create_offer(restart).unwrap();
    assert!(!again.contains('#'), "{again}");
    assert_eq!(attr(&again, "a=mid:"), ["0", "1"], "{again}");
    let s = sections(&again);
    assert_eq!(s.len(), 2, "{again}");
    assert!(
        s[0].starts_with("audio 9 RTP/SAVPF ") || s[0].starts_with("audio 9 "),
        "{again}"
    );
    assert!(s[1].starts_with("text 0 RTP/AVP 98\r\n"), "{again}");
    let n = c.negotiated().unwrap();
    assert_eq!(n.sections[0].mid.as_deref(), Some("0"));
    // The gateway answers our re-offer without a=mid: matched by position.
    c.set_local_description(SdpType::Offer, "").unwrap();
    let theirs = without(&answer_of(&mut pc(), &again), |l| {
        l.starts_with("a=mid:") || l.starts_with("a=group:")
    });
    c.set_remote_description(SdpType::Answer, &theirs).unwrap();
    assert!(c.negotiated().unwrap().sections[0].accepted);
}

/// (10) JSEP 5.2.2: a=msid (and the SSRCs) stay in a re-offer once the
/// sender has sent, whatever the direction now (Chromium: "has ever been
/// used to send"); a transceiver that never sent states none.
#[test]
fn jsep_5_2_2_a_sender_that_has_sent_keeps_its_msid() {
    let (mut a, mut b) = (pc(), pc());
    a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    let init = TransceiverInit {
        direction: Direction::RecvOnly,
        ..Default::default()
    };
    a.add_transceiver(MediaKind::Video, init).unwrap();
    exchange(&mut a, &mut b);
    a.set_direction(0, Direction::RecvOnly).unwrap();
    let again = a.create_offer(OfferOptions::default()).unwrap();
    let s = sections(&again);
    assert!(attr(s[0], "a=recvonly").len() == 1, "{again}");
    assert_eq!(attr(s[0], "a=msid:"), ["s mic"], "{again}");
    assert!(!attr(s[0], "a=ssrc:").is_empty(), "{again}");
    assert!(attr(s[1], "a=msid:").is_empty(), "{again}");
}

/// (21) JSEP 5.2.2 as libwebrtc writes it: a stopped transceiver's m-line
/// keeps its ICE, DTLS and codec lines with port 0 (aiortc, webrtcbin and
/// werift refuse it without), has no msid, SSRCs or candidates, and is out
/// of the BUNDLE group.
#[test]
fn jsep_5_2_2_a_port_0_m_line_keeps_its_transport_and_codec_lines() {
    let (mut a, mut b) = (offerer(), pc());
    a.add_local_candidate(
        "candidate:1 1 udp 2122260223 198.51.100.10 50000 typ host",
        None,
    )
    .unwrap();
    exchange(&mut a, &mut b);
    a.stop_transceiver(0).unwrap();
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    let s = sections(&offer)[0];
    assert!(s.starts_with("audio 0 UDP/TLS/RTP/SAVPF "), "{s}");
    for line in [
        "a=ice-ufrag:",
        "a=ice-pwd:",
        "a=fingerprint:sha-256 ",
        "a=setup:",
        "a=mid:0",
        "a=inactive",
        "a=rtcp-mux",
        "a=rtpmap:",
    ] {
        assert!(!attr(s, line).is_empty(), "{line} missing:\n{s}");
    }
    for line in ["a=msid:", "a=ssrc:", "a=candidate:"] {
        assert!(attr(s, line).is_empty(), "{line} present:\n{s}");
    }
    assert_eq!(attr(&offer, "a=group:"), ["BUNDLE 1 2"]);
    assert!(
        !attr(sections(&offer)[1], "a=candidate:").is_empty(),
        "{offer}"
    );
    a.set_local_description(SdpType::Offer, "").unwrap();
    let answer = answer_of(&mut b, &offer);
    // As webrtcbin 1.22 and werift 0.24 answer it: the stopped m-line with
    // port 9, its mid still in the BUNDLE group. Taken as rejected, and said.
    let native = answer
        .replace(
            "m=audio 0 UDP/TLS/RTP/SAVPF 0",
            "m=audio 9 UDP/TLS/RTP/SAVPF 0",
        )
        .replace("a=group:BUNDLE 1 2", "a=group:BUNDLE 1 2 0");
    assert_ne!(native, answer);
    a.set_remote_description(SdpType::Answer, &native).unwrap();
    let n = a.negotiated().unwrap();
    let s = &n.sections[0];
    assert!(!s.accepted && !s.bundled && s.codecs.is_empty(), "{s:?}");
    assert_eq!(s.tolerated.len(), 2, "{:?}", s.tolerated);
    assert_eq!(n.bundle_groups, [["1", "2"]]);
}
