//! RTCPeerConnection as the W3C specifies it (issue 21): setLocalDescription
//! with no description, rollback, the last created offer and answer, errors
//! where the spec puts them. One test per rule, named after it.

use rtcpc::offer::OfferOptions;
use rtcpc::{AnswerOptions, ErrorKind, MediaKind, PeerConnection, SdpType, SignalingState};

mod common;
use common::{attr, exchange, pc, CHROME};

/// W3C 4.4.3.2 setLocalDescription: with no description, an offer in
/// stable (made now), then the answer in have-remote-offer (made now).
#[test]
fn w3c_parameterless_set_local_description_creates_what_it_applies() {
    let (mut a, mut b) = (pc(), pc());
    a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    a.set_local_description_implicit().unwrap();
    assert_eq!(a.signaling_state(), SignalingState::HaveLocalOffer);
    let offer = a.pending_local_description().unwrap().sdp.clone();
    assert_eq!(attr(&offer, "a=mid:"), ["0"]);
    b.set_remote_description(SdpType::Offer, &offer).unwrap();
    b.set_local_description_implicit().unwrap();
    assert_eq!(b.signaling_state(), SignalingState::Stable);
    let answer = b.current_local_description().unwrap().sdp.clone();
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    assert_eq!(a.signaling_state(), SignalingState::Stable);
    // A type and no sdp: the same (W3C: sdp defaults to "").
    let mut c = pc();
    c.set_remote_description(SdpType::Offer, CHROME).unwrap();
    c.set_local_description(SdpType::Answer, "").unwrap();
    assert_eq!(c.signaling_state(), SignalingState::Stable);
    // An answer where there is no offer to answer.
    let e = pc().set_local_description(SdpType::Answer, "").unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidState, "{e}");
}

/// W3C: "" means [[LastCreatedOffer]] / [[LastCreatedAnswer]] while they
/// are set: the offer or answer created before, not a new one.
#[test]
fn w3c_parameterless_set_local_description_uses_the_last_created_one() {
    let mut a = pc();
    a.add_track(MediaKind::Video, "cam", "s").unwrap();
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    a.set_local_description_implicit().unwrap();
    assert_eq!(a.pending_local_description().unwrap().sdp, offer);
    let mut b = pc();
    b.set_remote_description(SdpType::Offer, &offer).unwrap();
    let answer = b.create_answer(AnswerOptions::default()).unwrap();
    b.set_local_description_implicit().unwrap();
    assert_eq!(b.current_local_description().unwrap().sdp, answer);
}

/// W3C "set the session description": a rollback in have-local-offer or
/// have-remote-offer, by either call (JSEP 5.7: the same effect); in stable
/// and the pranswer states InvalidStateError. (Current spec and Chromium;
/// an older WPT title wants SLD(rollback) refused in have-remote-offer, the
/// spec text and WPT RTCRtpTransceiver-stopping do not.)
#[test]
fn w3c_rollback_is_taken_in_have_local_offer_and_have_remote_offer_only() {
    for local in [true, false] {
        let roll = |p: &mut PeerConnection| match local {
            true => p.set_local_description(SdpType::Rollback, ""),
            false => p.set_remote_description(SdpType::Rollback, ""),
        };
        let mut a = pc();
        assert_eq!(roll(&mut a).unwrap_err().kind, ErrorKind::InvalidState);
        a.add_track(MediaKind::Audio, "mic", "s").unwrap();
        a.set_local_description_implicit().unwrap();
        roll(&mut a).unwrap();
        assert_eq!(a.signaling_state(), SignalingState::Stable);
        let mut b = pc();
        b.set_remote_description(SdpType::Offer, CHROME).unwrap();
        roll(&mut b).unwrap();
        assert_eq!(b.signaling_state(), SignalingState::Stable);
        assert!(b.transceivers().is_empty());
        b.set_remote_description(SdpType::Offer, CHROME).unwrap();
        b.set_local_description(SdpType::Pranswer, "").unwrap();
        let e = roll(&mut b).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidState, "{e}");
        assert_eq!(b.signaling_state(), SignalingState::HaveLocalPranswer);
    }
}

/// W3C: a rollback does not clear [[LastCreatedAnswer]]: roll back, apply
/// the same offer again, and the answer created before applies.
#[test]
fn w3c_last_created_answer_survives_a_rollback() {
    let mut b = pc();
    b.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let answer = b.create_answer(AnswerOptions::default()).unwrap();
    b.set_local_description(SdpType::Rollback, "").unwrap();
    b.set_remote_description(SdpType::Offer, CHROME).unwrap();
    b.set_local_description(SdpType::Answer, &answer).unwrap();
    assert_eq!(b.current_local_description().unwrap().sdp, answer);
    // For another offer it is not the last created answer.
    let mut c = pc();
    c.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let answer = c.create_answer(AnswerOptions::default()).unwrap();
    c.set_local_description(SdpType::Rollback, "").unwrap();
    let other = CHROME.replace("a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 1 2\r\na=x-other");
    c.set_remote_description(SdpType::Offer, &other).unwrap();
    let e = c
        .set_local_description(SdpType::Answer, &answer)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidModification, "{e}");
}

/// W3C setLocalDescription: a description this connection did not create
/// is InvalidModificationError (offer and answer alike).
#[test]
fn w3c_a_description_not_created_here_is_invalid_modification() {
    let mut a = pc();
    let e = a.set_local_description(SdpType::Offer, CHROME).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidModification, "{e}");
    let mut b = pc();
    b.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let e = b
        .set_local_description(SdpType::Answer, CHROME)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidModification, "{e}");
    assert_eq!(b.signaling_state(), SignalingState::HaveRemoteOffer);
}

/// W3C RTCError: SDP that does not parse is an RTCError (its name
/// "OperationError") with errorDetail "sdp-syntax-error" and the line;
/// the state is checked first (WPT: invalid SDP in stable as an answer is
/// InvalidStateError).
#[test]
fn w3c_rtc_error_sdp_syntax_error_with_its_line() {
    let mut a = pc();
    let broken = CHROME.replacen("\r\ns=-\r\n", "\r\ns\r\n", 1);
    let e = a
        .set_remote_description(SdpType::Offer, &broken)
        .unwrap_err();
    assert_eq!(e.kind.dom_name(), "OperationError");
    assert_eq!(e.kind.error_detail(), Some("sdp-syntax-error"));
    assert_eq!(e.sdp_line, Some(3), "{e}");
    let e = a
        .set_remote_description(SdpType::Answer, "invalid")
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidState, "{e}");
}

/// W3C "set the session description" (current spec, and Chromium): a
/// remote answer rejecting an offered m-section stops its transceiver, which
/// is then gone from getTransceivers(); a transceiver only stop()ped before
/// it was ever negotiated is stopping, its currentDirection null.
#[test]
fn w3c_a_rejected_m_section_stops_its_transceiver_and_a_stopping_one_has_no_current_direction() {
    let (mut a, mut b) = (pc(), pc());
    a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    a.add_track(MediaKind::Video, "cam", "s").unwrap();
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    a.set_local_description(SdpType::Offer, "").unwrap();
    b.set_remote_description(SdpType::Offer, &offer).unwrap();
    b.stop_transceiver(1).unwrap();
    let answer = b.create_answer(AnswerOptions::default()).unwrap();
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    assert_eq!(a.transceivers().len(), 1, "the video transceiver is gone");
    assert_eq!(a.transceivers()[0].kind, MediaKind::Audio);
    let mut c = pc();
    c.add_track(MediaKind::Audio, "mic", "s").unwrap();
    c.stop_transceiver(0).unwrap();
    let t = &c.transceivers()[0];
    assert!(t.stopped && !t.stop_done && t.current_direction.is_none());
    c.close();
    assert!(c.transceivers()[0].stop_done);
}

/// `sdp`'s m-section `i`, from its m= line.
fn m_section(sdp: &str, i: usize) -> String {
    sdp.split("\r\nm=").nth(i + 1).unwrap().to_string()
}

/// JSEP 5.2.1, RFC 8830 2 (WPT msid-generate): one a=msid per stream of the
/// sender; a sending sender without a stream has "a=msid:- <id>"; generated
/// ids are token characters (no '/').
#[test]
fn jsep_5_2_1_one_msid_per_stream_and_a_dash_without_one() {
    let mut a = pc();
    a.add_track_with_streams(MediaKind::Audio, "mic", &["s1", "s2", "s1"])
        .unwrap();
    a.add_track_with_streams(MediaKind::Video, "cam", &[])
        .unwrap();
    a.add_transceiver(MediaKind::Video, Default::default())
        .unwrap();
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    assert_eq!(attr(&m_section(&offer, 0), "a=msid:"), ["s1 mic", "s2 mic"]);
    assert_eq!(attr(&m_section(&offer, 1), "a=msid:"), ["- cam"]);
    let third = m_section(&offer, 2);
    let generated = attr(&third, "a=msid:");
    assert_eq!(generated.len(), 1, "{offer}");
    let id = generated[0].strip_prefix("- ").unwrap();
    assert!(
        id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'),
        "{id}"
    );
    for bad in ["", "a b", "x/y", &"x".repeat(65)] {
        let e = a
            .add_track_with_streams(MediaKind::Audio, "t2", &[bad])
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad:?}: {e}");
    }
}

/// W3C removeTrack: the sender has no track, its direction loses send,
/// negotiation is needed; the re-offer is recvonly and keeps a=msid (the
/// sender has sent: JSEP 5.2.2).
#[test]
fn w3c_remove_track_takes_send_away() {
    let (mut a, mut b) = (pc(), pc());
    let i = a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    common::exchange(&mut a, &mut b);
    assert!(!a.negotiation_needed());
    a.remove_track(i).unwrap();
    let t = &a.transceivers()[i];
    assert!(t.track.is_none() && t.direction == rtcpc::Direction::RecvOnly);
    assert!(a.negotiation_needed());
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    assert_eq!(attr(&offer, "a=recvonly").len(), 1, "{offer}");
    assert_eq!(attr(&offer, "a=msid:"), ["s mic"]);
    a.remove_track(i).unwrap(); // no track: nothing to do
    assert_eq!(
        a.remove_track(9).unwrap_err().kind,
        ErrorKind::InvalidAccess
    );
}

/// W3C replaceTrack: another track without renegotiation (a=msid keeps the
/// sender's id); a track of another kind is a TypeError; a stopped
/// transceiver InvalidStateError.
#[test]
fn w3c_replace_track_needs_no_negotiation() {
    let (mut a, mut b) = (pc(), pc());
    let i = a.add_track(MediaKind::Video, "cam", "s").unwrap();
    common::exchange(&mut a, &mut b);
    a.replace_track(i, MediaKind::Video, Some("screen"))
        .unwrap();
    assert!(!a.negotiation_needed());
    assert_eq!(a.transceivers()[i].track.as_deref(), Some("screen"));
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    assert_eq!(attr(&offer, "a=msid:"), ["s cam"]);
    let e = a
        .replace_track(i, MediaKind::Audio, Some("mic"))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
    a.replace_track(i, MediaKind::Video, None).unwrap();
    a.stop_transceiver(i).unwrap();
    let e = a
        .replace_track(i, MediaKind::Video, Some("cam"))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidState, "{e}");
}

/// W3C RTCRtpSender.setStreams (4.7.3): other streams need negotiation;
/// the next offer names them, one a=msid each.
#[test]
fn w3c_set_streams_changes_the_msid_lines() {
    let (mut a, mut b) = (pc(), pc());
    let i = a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    common::exchange(&mut a, &mut b);
    a.set_streams(i, &["s"]).unwrap();
    assert!(!a.negotiation_needed(), "the same streams");
    a.set_streams(i, &["x", "y"]).unwrap();
    assert!(a.negotiation_needed());
    let offer = common::exchange(&mut a, &mut b);
    assert_eq!(attr(&offer, "a=msid:"), ["x mic", "y mic"]);
    assert!(!a.negotiation_needed());
    let n = b.negotiated().unwrap();
    assert_eq!(n.sections[0].remote_msids.len(), 2);
}

/// W3C addTransceiver sendEncodings: a RID is 1-16 letters and digits, as
/// Chromium and the WPT take it (RFC 8851 allows more): else TypeError.
#[test]
fn w3c_rids_are_1_to_16_alphanumerics() {
    let mut a = pc();
    for bad in ["a-b", "a_b", "", "x234567890123456z"] {
        let init = rtcpc::TransceiverInit {
            send_rids: vec![bad.into()],
            ..Default::default()
        };
        let e = a.add_transceiver(MediaKind::Video, init).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad:?}: {e}");
    }
    let init = rtcpc::TransceiverInit {
        send_rids: vec!["x234567890123456".into()],
        ..Default::default()
    };
    a.add_transceiver(MediaKind::Video, init).unwrap();
}

/// JSEP 5.3.1 (WPT protocol/unknown-mediatypes, as Chromium): an offer
/// whose only m-section has a media type rtcpc does not know is answered,
/// that m-section with port 0, not refused.
#[test]
fn jsep_5_3_1_an_unknown_media_type_is_answered_with_port_0() {
    let mut a = pc();
    a.add_transceiver(MediaKind::Audio, Default::default())
        .unwrap();
    let offer = a
        .create_offer(OfferOptions::default())
        .unwrap()
        .replace("m=audio ", "m=unicorns ");
    let mut b = pc();
    b.set_remote_description(SdpType::Offer, &offer).unwrap();
    let answer = b.create_answer(AnswerOptions::default()).unwrap();
    assert_eq!(answer.split("\r\nm=").count(), 2, "{answer}");
    assert!(m_section(&answer, 0).starts_with("unicorns 0 "), "{answer}");
    b.set_local_description(SdpType::Answer, &answer).unwrap();
}

/// W3C setCodecPreferences: each codec must match a capability exactly
/// (mimeType, clockRate, channels, sdpFmtpLine; the fmtp's parameters in any
/// order), else InvalidModificationError.
#[test]
fn w3c_set_codec_preferences_compares_the_fmtp_line() {
    let mut a = pc();
    let i = a.add_track(MediaKind::Video, "cam", "s").unwrap();
    let h264 = |fmtp: &str| rtcpc::codec::Codec::new("H264", 90000, None, fmtp, &[]);
    let reordered = "profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1";
    a.set_codec_preferences(i, vec![h264(reordered)]).unwrap();
    let other_level = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e020";
    let e = a
        .set_codec_preferences(i, vec![h264(other_level)])
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidModification, "{e}");
    let e = a.set_codec_preferences(i, vec![h264("")]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidModification, "{e}");
}

/// JSEP 5.3.1, RFC 8853 5.3 (WPT protocol/simulcast-answer): an offer that
/// asks to receive simulcast (a=rid:... recv, a=simulcast:recv) answered by
/// a sending transceiver gets a=rid:... send and a=simulcast:send, no SSRCs
/// (layers go by RID), and the snapshot lists the layers to send.
#[test]
fn rfc8853_an_offer_receiving_simulcast_is_answered_sending_it() {
    // An SFU's offer to a publisher: recvonly video, three layers.
    let mut sfu = pc();
    let init = rtcpc::TransceiverInit {
        direction: rtcpc::Direction::SendOnly,
        stream_ids: vec!["s".into()],
        send_rids: vec!["h".into(), "m".into(), "l".into()],
    };
    sfu.add_transceiver(MediaKind::Video, init).unwrap();
    let sending = sfu.create_offer(OfferOptions::default()).unwrap();
    let offer = sending
        .replace("a=sendonly", "a=recvonly")
        .replace(" send\r\n", " recv\r\n")
        .replace("a=simulcast:send ", "a=simulcast:recv ");
    let mut publisher = pc();
    publisher
        .set_remote_description(SdpType::Offer, &offer)
        .unwrap();
    publisher.add_track(MediaKind::Video, "cam", "p").unwrap();
    let answer = publisher.create_answer(AnswerOptions::default()).unwrap();
    assert_eq!(
        attr(&answer, "a=rid:"),
        ["h send", "m send", "l send"],
        "{answer}"
    );
    assert_eq!(attr(&answer, "a=simulcast:"), ["send h;m;l"]);
    assert!(attr(&answer, "a=ssrc:").is_empty(), "{answer}");
    publisher
        .set_local_description(SdpType::Answer, &answer)
        .unwrap();
    let s = &publisher.negotiated().unwrap().sections[0];
    let layers: Vec<&str> = s
        .send_simulcast_layers
        .iter()
        .flatten()
        .map(|(r, _)| r.as_str())
        .collect();
    assert_eq!(layers, ["h", "m", "l"]);
    assert!(s.simulcast_layers.is_empty());
}

/// W3C getConfiguration / setConfiguration (4.4.1.6): what may change takes
/// effect in the next description; the bundle policy, the certificate, ICE
/// lite and the peer identity are InvalidModificationError; closed is
/// InvalidStateError.
#[test]
fn w3c_set_configuration_changes_what_may_change() {
    let mut a = pc();
    a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    let mut c = a.configuration().clone();
    c.local_candidates.push(
        rtcpc::config::LocalCandidate::parse(
            "candidate:1 1 udp 2122260223 198.51.100.10 50000 typ host",
            None,
        )
        .unwrap(),
    );
    a.set_configuration(c).unwrap();
    let offer = a.create_offer(OfferOptions::default()).unwrap();
    assert_eq!(attr(&offer, "a=candidate:").len(), 1, "{offer}");
    for change in [
        |c: &mut rtcpc::Configuration| c.bundle_policy = rtcpc::config::BundlePolicy::MaxBundle,
        |c: &mut rtcpc::Configuration| c.ice_lite = true,
        |c: &mut rtcpc::Configuration| c.peer_identity = Some("x@example.org".into()),
        |c: &mut rtcpc::Configuration| {
            c.certificate = Some(rtcpc::dtls::Certificate::generate().unwrap())
        },
    ] {
        let mut c = a.configuration().clone();
        change(&mut c);
        let e = a.set_configuration(c).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidModification, "{e}");
    }
    // Its own certificate again, or none: unchanged.
    let mut same = a.configuration().clone();
    same.certificate = Some(a.certificate().clone());
    a.set_configuration(same).unwrap();
    a.close();
    let e = a
        .set_configuration(rtcpc::Configuration::default())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidState);
}

/// W3C addIceCandidate: a usernameFragment must be the m-section's ice-ufrag
/// in the pending or current remote description, else OperationError.
#[test]
fn w3c_add_ice_candidate_checks_the_username_fragment() {
    let mut b = pc();
    b.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let ufrag = attr(CHROME, "a=ice-ufrag:")[0];
    let cand = "candidate:1 1 udp 2122260223 198.51.100.20 50000 typ host";
    b.add_ice_candidate_with_ufrag(cand, Some("0"), None, Some(ufrag))
        .unwrap();
    let e = b
        .add_ice_candidate_with_ufrag(cand, Some("0"), None, Some("nosuch"))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Operation, "{e}");
    // The current one, while a restarting offer is pending, still counts.
    let answer = b.create_answer(AnswerOptions::default()).unwrap();
    b.set_local_description(SdpType::Answer, &answer).unwrap();
    let restarted = CHROME.replace(ufrag, "newUfrag");
    b.set_remote_description(SdpType::Offer, &restarted)
        .unwrap();
    b.add_ice_candidate_with_ufrag(cand, Some("0"), None, Some(ufrag))
        .unwrap();
    b.add_ice_candidate_with_ufrag(cand, Some("0"), None, Some("newUfrag"))
        .unwrap();
}

use rtcpc::signaling::Event;

/// W3C "set the session description": signalingstatechange for each
/// change; a remote offer in have-local-offer fires it twice (the implicit
/// rollback to stable, then have-remote-offer).
#[test]
fn w3c_signalingstatechange_fires_for_both_transitions_of_an_implicit_rollback() {
    let mut a = pc();
    a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    a.set_local_description_implicit().unwrap();
    let states = |e: Vec<Event>| -> Vec<SignalingState> {
        e.into_iter()
            .filter_map(|e| match e {
                Event::SignalingStateChange(s) => Some(s),
                _ => None,
            })
            .collect()
    };
    assert_eq!(states(a.take_events()), [SignalingState::HaveLocalOffer]);
    a.set_remote_description(SdpType::Offer, CHROME).unwrap();
    assert_eq!(
        states(a.take_events()),
        [SignalingState::Stable, SignalingState::HaveRemoteOffer]
    );
    a.set_local_description_implicit().unwrap();
    assert_eq!(states(a.take_events()), [SignalingState::Stable]);
    // A failed call fires nothing.
    assert!(a.set_remote_description(SdpType::Answer, CHROME).is_err());
    assert!(a.take_events().is_empty());
}

/// W3C "process the addition / removal of a remote track": a track event
/// when a remote description starts the receiver receiving, with the
/// peer's a=msid streams; its removal when the peer stops sending, and
/// when the offer that brought it is rolled back.
#[test]
fn w3c_remote_tracks_are_added_and_removed() {
    let mut b = pc();
    b.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let events = b.take_events();
    // W3C setRemoteDescription: signalingstatechange, then the track events.
    assert_eq!(
        events[0],
        Event::SignalingStateChange(SignalingState::HaveRemoteOffer)
    );
    let tracks: Vec<Event> = events
        .into_iter()
        .filter(|e| matches!(e, Event::Track { .. }))
        .collect();
    assert_eq!(tracks.len(), 2, "{tracks:?}");
    let stream = attr(CHROME, "a=msid:")[0].split(' ').next().unwrap();
    match &tracks[1] {
        Event::Track {
            transceiver,
            mid,
            stream_ids,
            track_id,
        } => {
            assert_eq!((*transceiver, mid.as_str()), (1, "1"));
            assert_eq!(stream_ids, &[stream.to_string()]);
            assert!(track_id.is_some());
        }
        e => panic!("{e:?}"),
    }
    b.set_local_description(SdpType::Answer, "").unwrap();
    // The peer stops sending video: its track goes.
    let quiet = {
        let (head, video) = CHROME.split_at(CHROME.find("m=video").unwrap());
        let (video, rest) = video.split_at(video.find("m=application").unwrap());
        format!("{head}{}{rest}", video.replace("a=sendrecv", "a=recvonly"))
    };
    b.take_events();
    b.set_remote_description(SdpType::Offer, &quiet).unwrap();
    assert_eq!(
        b.take_events(),
        [
            Event::SignalingStateChange(SignalingState::HaveRemoteOffer),
            Event::TrackRemoved {
                transceiver: 1,
                mid: "1".into()
            }
        ]
    );
    // A track a rolled-back offer brought goes with it.
    b.set_remote_description(SdpType::Rollback, "").unwrap();
    let mut c = pc();
    c.set_remote_description(SdpType::Offer, CHROME).unwrap();
    c.take_events();
    c.set_remote_description(SdpType::Rollback, "").unwrap();
    let gone = c
        .take_events()
        .into_iter()
        .filter(|e| matches!(e, Event::TrackRemoved { .. }))
        .count();
    assert_eq!(gone, 2);
}

/// W3C "set the associated remote streams": a re-offer whose a=msid puts
/// the track in a stream it was not in fires track again with the new
/// streams (Chromium and Firefox do, after the peer's setStreams); leaving
/// a stream alone fires nothing.
#[test]
fn w3c_track_joining_a_stream_fires_track_again() {
    let mut b = pc();
    b.set_remote_description(SdpType::Offer, CHROME).unwrap();
    b.set_local_description(SdpType::Answer, "").unwrap();
    b.take_events();
    let stream = attr(CHROME, "a=msid:")[0]
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let moved = CHROME.replacen(&format!("a=msid:{stream} "), "a=msid:other ", 1);
    b.set_remote_description(SdpType::Offer, &moved).unwrap();
    let tracks: Vec<Event> = b
        .take_events()
        .into_iter()
        .filter(|e| !matches!(e, Event::SignalingStateChange(_)))
        .collect();
    match &tracks[..] {
        [Event::Track {
            mid, stream_ids, ..
        }] => assert_eq!(
            (mid.as_str(), &stream_ids[..]),
            ("0", &["other".to_string()][..])
        ),
        e => panic!("{e:?}"),
    }
    b.set_local_description(SdpType::Answer, "").unwrap();
    // The same streams again: nothing to tell.
    b.set_remote_description(SdpType::Offer, &moved).unwrap();
    assert!(b
        .take_events()
        .iter()
        .all(|e| matches!(e, Event::SignalingStateChange(_))));
}

/// W3C restartIce: nothing before a local description; then the next
/// offer restarts ICE, and negotiation stays needed until an applied
/// answer leaves the credentials of the time ([[LocalIceCredentialsToReplace]]):
/// the peer's offer that does not restart does not end it.
#[test]
fn w3c_restart_ice_makes_the_next_offer_restart() {
    let (mut a, mut b) = (pc(), pc());
    a.restart_ice();
    assert!(!a.negotiation_needed());
    a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    let first = exchange(&mut a, &mut b);
    a.take_negotiation_needed_event();
    a.restart_ice();
    assert!(a.negotiation_needed() && a.take_negotiation_needed_event());
    // The peer offers first, without a restart: a's answer keeps its ufrag.
    let theirs = exchange(&mut b, &mut a);
    assert!(!theirs.is_empty());
    assert!(
        a.negotiation_needed(),
        "the old credentials are still in use"
    );
    assert!(a.take_negotiation_needed_event());
    let again = a.create_offer(OfferOptions::default()).unwrap();
    assert_ne!(attr(&again, "a=ice-ufrag:"), attr(&first, "a=ice-ufrag:"));
    common::answered(&mut a, &mut b, &again);
    assert!(!a.negotiation_needed());
    let n = a.negotiated().unwrap();
    assert!(n.sections[0].local_ice_restarted);
    // Later offers keep the new credentials.
    let later = a.create_offer(OfferOptions::default()).unwrap();
    assert_eq!(attr(&later, "a=ice-ufrag:"), attr(&again, "a=ice-ufrag:"));
}

/// W3C setLocalDescription: "" (or no description) names the last created
/// offer or answer only while it still represents the connection; after
/// a change (here addTrack) one is created now. The old text itself is
/// still taken (it equals [[LastCreatedOffer]]).
#[test]
fn w3c_the_last_created_description_is_used_while_it_represents_the_connection() {
    let mut a = pc();
    a.add_track(MediaKind::Audio, "mic", "s").unwrap();
    let old = a.create_offer(OfferOptions::default()).unwrap();
    a.add_track(MediaKind::Video, "cam", "s").unwrap();
    a.set_local_description(SdpType::Offer, "").unwrap();
    let applied = a.local_description().unwrap().sdp.clone();
    assert_eq!(attr(&applied, "m=").len(), 2, "{applied}");
    let mut c = pc();
    c.add_track(MediaKind::Audio, "mic", "s").unwrap();
    let stale = c.create_offer(OfferOptions::default()).unwrap();
    c.add_track(MediaKind::Video, "cam", "s").unwrap();
    c.set_local_description(SdpType::Offer, &stale).unwrap();
    assert_eq!(attr(&old, "m=").len(), 1);
    // The answerer: a track attached after createAnswer is in the answer applied.
    let mut b = pc();
    b.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let silent = b.create_answer(AnswerOptions::default()).unwrap();
    assert!(attr(&silent, "a=msid:").is_empty());
    b.add_track(MediaKind::Audio, "mic", "s").unwrap();
    b.set_local_description_implicit().unwrap();
    let applied = b.local_description().unwrap().sdp.clone();
    assert_eq!(attr(&applied, "a=msid:").len(), 1, "{applied}");
}
