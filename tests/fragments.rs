//! Trickle ICE and ICE restarts by fragment after an exchange (RFC 8840
//! 4.4 and 9, RFC 9725 4.3: WHIP and WHEP PATCH bodies), as real clients
//! write them: the remote description, our own and the snapshot all say
//! the credentials and candidates in use.

use rtcpc::{ErrorKind, MediaKind, PeerConnection, SdpType};

mod common;
use common::{attr, exchange, negotiate, pc, send_on_every_transceiver, CHROME};

const HOST: &str = "candidate:1 1 UDP 2015363327 192.0.2.10 48111 typ host";

/// rtcpc answered Chromium's offer (as a WHIP endpoint answers a publisher).
fn endpoint() -> PeerConnection {
    let mut p = pc();
    p.set_remote_description(SdpType::Offer, CHROME).unwrap();
    send_on_every_transceiver(&mut p);
    let answer = p.create_answer(Default::default()).unwrap();
    p.set_local_description(SdpType::Answer, &answer).unwrap();
    p
}

fn remote_ufrag() -> String {
    attr(CHROME, "a=ice-ufrag:")[0].to_string()
}

fn remote_pwd() -> String {
    attr(CHROME, "a=ice-pwd:")[0].to_string()
}

/// simple-whip-client's trickle PATCH: session-level credentials (the
/// current ones) and `m=audio 9 RTP/AVP 0` anchoring the mid.
#[test]
fn rfc8840_a_trickle_fragment_adds_candidates() {
    let mut p = endpoint();
    let frag = format!(
        "a=ice-ufrag:{}\r\na=ice-pwd:{}\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na={HOST}\r\na=end-of-candidates\r\n",
        remote_ufrag(),
        remote_pwd()
    );
    let done = p.apply_ice_fragment(&frag).unwrap();
    assert!(!done.restarted && done.candidates == 1 && done.end_of_candidates);
    let remote = p.remote_description().unwrap().sdp.clone();
    assert!(remote.contains(&format!("a={HOST}\r\n")), "{remote}");
    let s = &p.negotiated().unwrap().sections[0];
    assert!(s.remote_candidates.iter().any(|c| c == HOST));
    assert!(s.remote_end_of_candidates);
    assert_eq!(p.ice_generation(), 0);
}

/// whip-whep-js's restart PATCH: new credentials and nothing else. The
/// remote credentials are replaced and its candidates dropped; ours are
/// new; the reply fragment says them, with our m= line and mid; the
/// descriptions' text says what the snapshot says.
#[test]
fn rfc9725_4_3_3_a_restart_fragment_replaces_both_sides_credentials() {
    let mut p = endpoint();
    let before = p.negotiated().unwrap().sections[0]
        .local
        .ice
        .clone()
        .unwrap();
    let done = p
        .apply_ice_fragment("a=ice-ufrag:ysXw\r\na=ice-pwd:vw5LmwG4y/e6dPP/zAP9Gp5k\r\n")
        .unwrap();
    assert!(done.restarted);
    assert_eq!(p.ice_generation(), 1);
    let n = p.negotiated().unwrap();
    assert_eq!(n.ice_generation, 1);
    for s in n.sections.iter().filter(|s| s.accepted) {
        assert_eq!(s.remote_ice_ufrag.as_deref(), Some("ysXw"));
        assert!(s.remote_candidates.is_empty());
        let ours = s.local.ice.as_ref().unwrap();
        assert_ne!(ours, &before);
    }
    let ours = n.sections[0].local.ice.clone().unwrap();
    let local = p.local_description().unwrap().sdp.clone();
    assert_eq!(attr(&local, "a=ice-ufrag:"), vec![ours.ufrag.as_str(); 3]);
    let remote = p.remote_description().unwrap().sdp.clone();
    assert!(attr(&remote, "a=candidate:").is_empty(), "{remote}");
    assert!(attr(&remote, "a=ice-ufrag:").iter().all(|u| *u == "ysXw"));
    let reply = p.local_ice_fragment().unwrap();
    assert!(reply.contains(&format!(
        "a=ice-ufrag:{}\r\na=ice-pwd:{}\r\n",
        ours.ufrag, ours.pwd
    )));
    assert!(
        reply.contains("\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 ") || reply.contains("\r\nm=audio ")
    );
    assert!(reply.contains("a=mid:0\r\n") && reply.contains("a=ice-options:trickle\r\n"));
    // The same credentials again are a trickle, not another restart.
    let again = format!("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=ice-ufrag:ysXw\r\na=ice-pwd:vw5LmwG4y/e6dPP/zAP9Gp5k\r\na={HOST}\r\n");
    let done = p.apply_ice_fragment(&again).unwrap();
    assert!(!done.restarted && done.candidates == 1);
    assert_eq!(p.ice_generation(), 1);
}

/// RFC 8840: a candidate of another ICE generation (its ufrag is not the
/// transport's) is discarded; the rest of the fragment is applied.
#[test]
fn rfc8840_a_candidate_of_another_generation_is_discarded() {
    let mut p = endpoint();
    let frag = format!(
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na={HOST} ufrag OTHR\r\na={HOST}\r\n"
    );
    let done = p.apply_ice_fragment(&frag).unwrap();
    assert_eq!((done.candidates, done.discarded), (1, 1));
}

#[test]
fn rfc9725_4_3_fragments_refused_with_their_reason() {
    let mut fresh = pc();
    let e = fresh.apply_ice_fragment(&format!("m=audio 9 RTP/AVP 0\r\na=mid:0\r\na={HOST}\r\n"));
    assert_eq!(e.unwrap_err().kind, ErrorKind::InvalidState);
    let mut p = endpoint();
    let before = p.remote_description().unwrap().sdp.clone();
    let e = p
        .apply_ice_fragment(&format!("m=audio 9 RTP/AVP 0\r\na=mid:7\r\na={HOST}\r\n"))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Operation);
    let e = p
        .apply_ice_fragment("m=audio 9 RTP/AVP 0\r\na=candidate:x\r\n")
        .unwrap_err();
    assert_eq!((e.kind, e.sdp_line), (ErrorKind::Syntax, Some(2)));
    assert_eq!(
        p.remote_description().unwrap().sdp,
        before,
        "a failed call changes nothing"
    );
    assert!(p.local_ice_fragment().is_ok());
    assert_eq!(
        fresh.local_ice_fragment().unwrap_err().kind,
        ErrorKind::InvalidState
    );
}

/// A WHIP client restarts: its fragment carries new credentials; the
/// endpoint's reply completes it; both sides' snapshots agree, once each
/// side's generation moved by one; a later offer keeps the new credentials.
#[test]
fn rfc9725_4_3_3_both_sides_of_a_restart_by_fragment() {
    let (mut client, mut server) = (pc(), pc());
    client.add_track(MediaKind::Video, "cam", "s").unwrap();
    exchange(&mut client, &mut server);
    let request = client.restart_ice_by_fragment().unwrap();
    assert!(server.apply_ice_fragment(&request).unwrap().restarted);
    let reply = server.local_ice_fragment().unwrap();
    assert!(client.apply_ice_fragment(&reply).unwrap().restarted);
    let (c, s) = (client.negotiated().unwrap(), server.negotiated().unwrap());
    let (cs, ss) = (&c.sections[0], &s.sections[0]);
    assert_eq!(
        cs.local.ice.as_ref().map(|i| &i.ufrag),
        ss.remote_ice_ufrag.as_ref()
    );
    assert_eq!(
        ss.local.ice.as_ref().map(|i| &i.ufrag),
        cs.remote_ice_ufrag.as_ref()
    );
    assert_eq!((client.ice_generation(), server.ice_generation()), (1, 1));
    let ufrag = cs.local.ice.clone().unwrap().ufrag;
    let offer = client
        .create_offer(rtcpc::offer::OfferOptions::default())
        .unwrap();
    assert_eq!(attr(&offer, "a=ice-ufrag:")[0], ufrag);
    // The server answers that re-offer with its new credentials too.
    let answer = negotiate(&mut server, &offer);
    assert_eq!(
        attr(&answer, "a=ice-ufrag:")[0],
        ss.local.ice.as_ref().unwrap().ufrag
    );
}

/// RFC 9725 4.2: a WHIP endpoint refuses an offer it cannot take whole
/// (422) rather than answering m-lines with port 0; rtcpc says which
/// m-lines and why, in the report and by `unanswered`.
#[test]
fn rfc9725_4_2_what_an_answer_does_not_take_is_said() {
    let p = endpoint();
    assert!(p.unanswered().is_empty());
    assert!(p
        .negotiation_report()
        .unwrap()
        .contains("\"answered_whole\":true"));
    // A publisher offering only a codec rtcpc does not have for video.
    let video_start = CHROME.find("m=video").unwrap();
    let (head, video) = CHROME.split_at(video_start);
    let pts = video
        .lines()
        .next()
        .unwrap()
        .split(' ')
        .skip(3)
        .collect::<Vec<_>>()
        .join(" ");
    let only_h265 = video
        .replacen(&pts, "49", 1)
        .lines()
        .filter(|l| {
            !l.starts_with("a=rtpmap:") && !l.starts_with("a=fmtp:") && !l.starts_with("a=rtcp-fb:")
        })
        .map(|l| match l {
            "a=rtcp-mux" => "a=rtcp-mux\r\na=rtpmap:49 H265/90000".to_string(),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\r\n");
    let offer = format!("{head}{only_h265}\r\n");
    let mut q = pc();
    q.set_remote_description(SdpType::Offer, &offer).unwrap();
    q.create_answer(Default::default()).unwrap();
    let why = q.unanswered();
    assert_eq!(why.len(), 1, "{why:?}");
    assert!(
        why[0].starts_with(
            "m-line 1 (video, mid 1): no codec in common: 49: no local video codec H265/90000"
        ),
        "{why:?}"
    );
    assert!(q
        .negotiation_report()
        .unwrap()
        .contains("\"answered_whole\":false"));
}
