//! The catalogue of bad input (issue 4): each case gets its own error kind,
//! DOMException name and a message naming the problem and the line, and the
//! connection is exactly as it was before the call.

use rtcpc::{
    AnswerOptions, Configuration, ErrorKind, MediaKind, PeerConnection, SdpType, SignalingState,
};

const FP: &str = "sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";

/// A small valid offer; comments give line numbers the cases refer to.
fn base() -> String {
    [
        "v=0",                               // 1
        "o=- 1 2 IN IP4 127.0.0.1",          // 2
        "s=-",                               // 3
        "t=0 0",                             // 4
        "a=group:BUNDLE 0 1",                // 5
        "a=msid-semantic: WMS",              // 6
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 0", // 7
        "c=IN IP4 0.0.0.0",                  // 8
        "a=ice-ufrag:abcd",                  // 9
        "a=ice-pwd:0123456789abcdefghijkl",  // 10
        &format!("a=fingerprint:{FP}"),      // 11
        "a=setup:actpass",                   // 12
        "a=mid:0",                           // 13
        "a=sendrecv",                        // 14
        "a=rtcp-mux",                        // 15
        "a=rtpmap:111 opus/48000/2",         // 16
        "m=video 9 UDP/TLS/RTP/SAVPF 96 97", // 17
        "c=IN IP4 0.0.0.0",                  // 18
        "a=ice-ufrag:abcd",                  // 19
        "a=ice-pwd:0123456789abcdefghijkl",  // 20
        &format!("a=fingerprint:{FP}"),      // 21
        "a=setup:actpass",                   // 22
        "a=mid:1",                           // 23
        "a=sendrecv",                        // 24
        "a=rtcp-mux",                        // 25
        "a=rtpmap:96 VP8/90000",             // 26
        "a=rtpmap:97 rtx/90000",             // 27
        "a=fmtp:97 apt=96",                  // 28
    ]
    .iter()
    .map(|l| format!("{l}\r\n"))
    .collect()
}

/// `base()` with line `n` (1-based) replaced by `with` (None removes it).
fn edit(n: usize, with: Option<&str>) -> String {
    base()
        .split_inclusive("\r\n")
        .enumerate()
        .filter_map(|(i, l)| {
            if i + 1 == n {
                with.map(|w| format!("{w}\r\n"))
            } else {
                Some(l.to_string())
            }
        })
        .collect()
}

/// `sdp` without its BUNDLE group (line 5 becomes a harmless line, so the
/// numbering stays): each m-section then needs its own ICE and DTLS lines.
fn unbundled(sdp: String) -> String {
    sdp.replace("a=group:BUNDLE 0 1\r\n", "a=ice-options:trickle\r\n")
}

/// Accepted, as RFC 8843 7 lets a bundled m-section take the tagged one's
/// transport attributes.
fn accepted(sdp: &str) {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    pc.set_remote_description(SdpType::Offer, sdp).unwrap();
}

/// Everything a failed call must leave alone.
fn snapshot(pc: &PeerConnection) -> String {
    format!(
        "{:?} {:?} {:?} {:?}",
        pc.signaling_state(),
        pc.remote_description().map(|d| d.sdp.clone()),
        pc.local_description().map(|d| d.sdp.clone()),
        pc.transceivers()
            .iter()
            .map(|t| (t.mid.clone(), t.kind, t.direction, t.stopped))
            .collect::<Vec<_>>()
    )
}

/// Each case on a fresh connection and on one mid-negotiation.
fn refused(sdp: &str, kind: ErrorKind, name: &str, needles: &[&str]) {
    let mut fresh = PeerConnection::new(Configuration::default()).unwrap();
    fresh.add_track(MediaKind::Audio, "mic", "s").unwrap();
    let mut busy = PeerConnection::new(Configuration::default()).unwrap();
    busy.set_remote_description(SdpType::Offer, &base())
        .unwrap();
    busy.create_answer(AnswerOptions::default()).unwrap();
    for pc in [&mut fresh, &mut busy] {
        let before = snapshot(pc);
        let e = pc.set_remote_description(SdpType::Offer, sdp).unwrap_err();
        assert_eq!(e.kind, kind, "{e}");
        assert_eq!(e.kind.dom_name(), name);
        // W3C RTCError: a syntax error's sdpLineNumber is the line its
        // message names; no other error has one.
        let named = e
            .message
            .strip_prefix("line ")
            .and_then(|m| m.split(':').next()?.parse::<usize>().ok());
        match kind {
            Syntax => {
                assert_eq!(e.sdp_line, named, "{e}");
                assert_eq!(kind.error_detail(), Some("sdp-syntax-error"));
            }
            _ => assert_eq!((e.sdp_line, kind.error_detail()), (None, None), "{e}"),
        }
        for n in needles {
            assert!(e.message.contains(n), "message {:?} lacks {n:?}", e.message);
        }
        assert_eq!(
            snapshot(pc),
            before,
            "the failed call changed the connection"
        );
    }
    // The connection still works afterwards.
    busy.set_local_description(SdpType::Answer, "").unwrap();
    assert_eq!(busy.signaling_state(), SignalingState::Stable);
}

use ErrorKind::*;

#[test]
fn base_offer_is_valid() {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    pc.set_remote_description(SdpType::Offer, &base()).unwrap();
}

#[test]
fn empty_garbage_and_oversized() {
    refused("", Syntax, "OperationError", &["empty SDP"]);
    refused("  \r\n\r\n", Syntax, "OperationError", &["empty SDP"]);
    let garbage: String = (0..1_000_000u32)
        .map(|i| char::from(b'!' + (i % 90) as u8))
        .collect();
    refused(&garbage, Syntax, "OperationError", &["line 1:"]);
    let big = format!("{}{}", base(), "a=x-padding:0123456789\r\n".repeat(450_000));
    assert!(big.len() > 10_000_000);
    refused(
        &big,
        Operation,
        "OperationError",
        &["over the limit of 2097152 bytes"],
    );
    refused(
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\0\r\nt=0 0\r\n",
        Syntax,
        "OperationError",
        &["line 3", "NUL"],
    );
}

#[test]
fn missing_session_lines() {
    refused(&edit(1, None), Syntax, "OperationError", &["line 1:", "v="]);
    refused(&edit(2, None), Syntax, "OperationError", &["line 2:", "o="]);
    refused(&edit(3, None), Syntax, "OperationError", &["line 3:", "s="]);
    refused(&edit(4, None), Syntax, "OperationError", &["no t= line"]);
    refused(
        &edit(2, Some("o=garbage")),
        Syntax,
        "OperationError",
        &["line 2:"],
    );
}

#[test]
fn mids_and_bundle() {
    refused(
        &edit(23, Some("a=mid:0")),
        InvalidAccess,
        "InvalidAccessError",
        &["line 23:", "duplicate mid '0'"],
    );
    refused(
        &edit(5, Some("a=group:BUNDLE 0 1 7")),
        InvalidAccess,
        "InvalidAccessError",
        &["line 5:", "mid '7'"],
    );
    let bundle_only_outside = edit(5, Some("a=group:BUNDLE 0"))
        .replace("m=video 9 ", "m=video 0 ")
        .replace("a=mid:1\r\n", "a=mid:1\r\na=bundle-only\r\n");
    refused(
        &bundle_only_outside,
        InvalidAccess,
        "InvalidAccessError",
        &["line 17:", "bundle-only but in no BUNDLE group"],
    );
}

#[test]
fn ice_credentials() {
    refused(
        &edit(9, None),
        InvalidAccess,
        "InvalidAccessError",
        &["line 7:", "no a=ice-ufrag"],
    );
    accepted(&edit(20, None));
    refused(
        &unbundled(edit(20, None)),
        InvalidAccess,
        "InvalidAccessError",
        &["line 17:", "no a=ice-pwd"],
    );
    refused(
        &edit(9, Some("a=ice-ufrag:abc")),
        InvalidAccess,
        "InvalidAccessError",
        &["line 9:", "4 to 256"],
    );
    refused(
        &edit(19, Some("a=ice-ufrag:ab-cd")),
        InvalidAccess,
        "InvalidAccessError",
        &["line 19:", "'-'"],
    );
    refused(
        &edit(10, Some("a=ice-pwd:tooshort")),
        InvalidAccess,
        "InvalidAccessError",
        &["line 10:", "22 to 256"],
    );
}

#[test]
fn dtls_fingerprint_and_setup() {
    accepted(&edit(21, None));
    refused(
        &unbundled(edit(21, None)),
        InvalidAccess,
        "InvalidAccessError",
        &["line 17:", "no a=fingerprint"],
    );
    refused(
        &edit(11, Some("a=fingerprint:sha-256 ZZ:11")),
        Syntax,
        "OperationError",
        &["line 11:"],
    );
    refused(
        &edit(11, Some("a=fingerprint:sha-256 AA:BB")),
        Syntax,
        "OperationError",
        &["line 11:", "32 bytes"],
    );
    refused(
        &edit(11, Some("a=fingerprint:md5 AA:BB")),
        InvalidAccess,
        "InvalidAccessError",
        &["line 11:", "unsupported hash function"],
    );
    refused(
        &edit(12, Some("a=setup:holdconn")),
        InvalidAccess,
        "InvalidAccessError",
        &["line 12:", "holdconn"],
    );
    refused(
        &edit(12, Some("a=setup:sideways")),
        Syntax,
        "OperationError",
        &["line 12:"],
    );
}

/// RFC 5761 4 (and WPT protocol/rtp-payloadtypes): under rtcp-mux, payload
/// types 64-95 would be taken for RTCP: InvalidAccessError. Without
/// rtcp-mux they are only dynamic payload types.
#[test]
fn rfc5761_4_payload_types_64_to_95_with_rtcp_mux() {
    let pt72 = |b: String| {
        b.replace("SAVPF 96 97\r\n", "SAVPF 72 97\r\n")
            .replace("a=rtpmap:96 ", "a=rtpmap:72 ")
            .replace("apt=96", "apt=72")
    };
    refused(
        &pt72(base()),
        InvalidAccess,
        "InvalidAccessError",
        &["line 17:", "payload type 72", "RFC 5761"],
    );
    accepted(&pt72(unbundled(edit(25, None))));
}

#[test]
fn codecs_and_payload_types() {
    refused(
        &edit(7, Some("m=audio 9 UDP/TLS/RTP/SAVPF")),
        Syntax,
        "OperationError",
        &["line 7:", "4 tokens"],
    );
    refused(
        &edit(7, Some("m=audio 9 UDP/TLS/RTP/SAVPF 111 200")),
        InvalidAccess,
        "InvalidAccessError",
        &["line 7:", "payload type 200 is outside 0-127"],
    );
    refused(
        &edit(16, Some("a=rtpmap:300 opus/48000/2")),
        Syntax,
        "OperationError",
        &["line 16:"],
    );
    refused(
        &edit(16, Some("a=rtpmap:112 opus/48000/2")),
        InvalidAccess,
        "InvalidAccessError",
        &["line 16:", "payload type 112 is not listed"],
    );
    refused(
        &edit(28, Some("a=fmtp:98 apt=96")),
        InvalidAccess,
        "InvalidAccessError",
        &["line 28:", "payload type 98 is not listed"],
    );
    refused(
        &edit(28, Some("a=fmtp:97 apt=120")),
        InvalidAccess,
        "InvalidAccessError",
        &["line 28:", "repairs payload type 120"],
    );
}

#[test]
fn extmaps_rids_and_simulcast() {
    let twice = edit(24, Some("a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\r\na=extmap:3 urn:ietf:params:rtp-hdrext:toffset\r\na=sendrecv"));
    refused(
        &twice,
        InvalidAccess,
        "InvalidAccessError",
        &["line 25:", "extmap id 3 is used twice"],
    );
    let undeclared = edit(
        24,
        Some("a=sendrecv\r\na=rid:h send\r\na=simulcast:send h;q"),
    );
    refused(
        &undeclared,
        InvalidAccess,
        "InvalidAccessError",
        &["line 26:", "rid 'q'"],
    );
    let dup = edit(24, Some("a=sendrecv\r\na=rid:h send\r\na=rid:h send"));
    refused(
        &dup,
        InvalidAccess,
        "InvalidAccessError",
        &["line 26:", "rid 'h' is declared twice"],
    );
}

#[test]
fn non_webrtc_profiles() {
    let avp = "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=call\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
    refused(
        avp,
        InvalidAccess,
        "InvalidAccessError",
        &["not a WebRTC offer", "line 6"],
    );
    let sdes = base().replace("UDP/TLS/RTP/SAVPF", "RTP/SAVP").replace(
        &format!("a=fingerprint:{FP}\r\n"),
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n",
    );
    refused(
        &sdes,
        InvalidAccess,
        "InvalidAccessError",
        &["line 7:", "no a=fingerprint"],
    );
}

#[test]
fn wrong_types_and_states() {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    for t in [SdpType::Answer, SdpType::Pranswer, SdpType::Rollback] {
        let e = pc.set_remote_description(t, &base()).unwrap_err();
        assert_eq!(
            (e.kind, e.kind.dom_name()),
            (InvalidState, "InvalidStateError"),
            "{t:?}"
        );
    }
    assert_eq!(
        pc.create_answer(AnswerOptions::default()).unwrap_err().kind,
        InvalidState
    );
    assert_eq!(
        pc.set_local_description(SdpType::Answer, "")
            .unwrap_err()
            .kind,
        InvalidState
    );
    // W3C: an offer this connection did not create.
    assert_eq!(
        pc.set_local_description(SdpType::Offer, &base())
            .unwrap_err()
            .kind,
        InvalidModification
    );
    assert_eq!(pc.signaling_state(), SignalingState::Stable);
    // JSEP 5.6 lets a new remote offer replace a pending one (no glare on the
    // answering side): the second offer wins and the first one's state is gone.
    pc.set_remote_description(SdpType::Offer, &base()).unwrap();
    let audio_only: String = base()
        .split("m=video")
        .next()
        .unwrap()
        .replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0");
    pc.set_remote_description(SdpType::Offer, &audio_only)
        .unwrap();
    assert_eq!(pc.transceivers().len(), 1);
    // An answer that is not ours is refused as a modification.
    pc.create_answer(AnswerOptions::default()).unwrap();
    let e = pc
        .set_local_description(SdpType::Answer, &base())
        .unwrap_err();
    assert_eq!(e.kind, InvalidModification);
    pc.close();
    for e in [
        pc.set_remote_description(SdpType::Offer, &base())
            .unwrap_err(),
        pc.set_local_description(SdpType::Answer, "").unwrap_err(),
        pc.create_answer(AnswerOptions::default()).unwrap_err(),
        pc.add_track(MediaKind::Video, "v", "s").unwrap_err(),
        pc.add_ice_candidate("", Some("0"), None).unwrap_err(),
    ] {
        assert_eq!(
            (e.kind, e.kind.dom_name()),
            (InvalidState, "InvalidStateError")
        );
        assert!(e.message.contains("closed"), "{}", e.message);
    }
}
