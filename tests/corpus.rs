//! Every offer of the corpus (tests/data/corpus, copied from ../shared/corpus):
//! a WebRTC offer is answered with one m-section per offered m-section, same
//! order and mids, and the answer parses back; a non-WebRTC offer is refused
//! with a clear error or has every m-section rejected.

use rtcpc::{AnswerOptions, Configuration, PeerConnection, SdpType};
use std::path::PathBuf;

fn corpus() -> Vec<(String, bool, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    manifest
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("offers/"))
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let text = std::fs::read_to_string(dir.join(cols[0])).unwrap();
            (cols[0].to_string(), cols[5] == "yes", text)
        })
        .collect()
}

/// WebRTC offers a careful answerer must refuse, with the reason.
const REFUSED: &[(&str, &str)] = &[
    // Munged by its source: the BUNDLE group lists mids that are not there.
    (
        "kvs-webrtc-sdk-c__chrome-mac-recvonly-bundle-group-lists-missing-mids",
        "BUNDLE group names mid",
    ),
    // A Pion offer with no ICE credentials at all.
    (
        "sipsorcery-tests__pion-2020-datachannel-setup-active-no-ice-creds",
        "no a=ice-ufrag",
    ),
];

fn mids(sdp: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for l in sdp.lines() {
        if let Some(m) = l.strip_prefix("m=") {
            out.push((m.split(' ').next().unwrap().to_string(), None));
        } else if let Some(mid) = l.strip_prefix("a=mid:") {
            if let Some(last) = out.last_mut() {
                last.1 = Some(mid.trim().to_string());
            }
        }
    }
    out
}

#[test]
fn every_corpus_offer_is_answered_or_refused_clearly() {
    let offers = corpus();
    assert!(offers.len() >= 70, "corpus has {} offers", offers.len());
    let (mut answered, mut refused) = (0, 0);
    for (name, webrtc, text) in offers {
        let mut pc = PeerConnection::new(Configuration::default()).unwrap();
        let expected_refusal = REFUSED.iter().find(|(n, _)| name.contains(n));
        match pc.set_remote_description(SdpType::Offer, &text) {
            Err(e) => {
                refused += 1;
                assert!(!e.message.is_empty());
                if webrtc {
                    let (_, why) = expected_refusal
                        .unwrap_or_else(|| panic!("{name}: WebRTC offer refused: {e}"));
                    assert!(e.message.contains(why), "{name}: {e}");
                }
                // The refusal changed nothing.
                assert_eq!(pc.signaling_state(), rtcpc::SignalingState::Stable);
                assert!(pc.remote_description().is_none());
            }
            Ok(()) => {
                assert!(
                    expected_refusal.is_none(),
                    "{name} should have been refused"
                );
                let answer = pc
                    .create_answer(AnswerOptions::default())
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                // The answer parses back, with webrtc-sdp's own parser too.
                rtcpc::parse_description(&answer)
                    .unwrap_or_else(|e| panic!("{name}: {e}\n{answer}"));
                webrtc_sdp::parse_sdp(&answer, false)
                    .unwrap_or_else(|e| panic!("{name}: {e}\n{answer}"));
                // Where the offer gives no a=mid, the answer writes the one
                // rtcpc gave the m-line (as Chromium and Firefox do).
                let (o, a) = (mids(&text), mids(&answer));
                let given: Vec<_> = o
                    .iter()
                    .zip(&a)
                    .map(|((kind, mid), (_, answered))| {
                        (kind.clone(), mid.clone().or(answered.clone()))
                    })
                    .collect();
                assert_eq!(given, a, "{name}: m-line order, kinds or mids differ");
                assert!(a.iter().all(|(_, m)| m.is_some()), "{name}: {answer}");
                let mut unique: Vec<_> = a.iter().map(|(_, m)| m.clone()).collect();
                unique.sort();
                unique.dedup();
                assert_eq!(unique.len(), a.len(), "{name}: {answer}");
                if !webrtc {
                    for l in answer.lines().filter(|l| l.starts_with("m=")) {
                        assert!(
                            l.split(' ').nth(1) == Some("0"),
                            "{name}: non-WebRTC m-line accepted: {l}"
                        );
                    }
                }
                pc.set_local_description(SdpType::Answer, "").unwrap();
                answered += 1;
            }
        }
    }
    eprintln!("answered {answered}, refused {refused}");
}
