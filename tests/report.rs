//! The negotiation report (issue 9): one entry per offered m-line, every
//! offered payload type and extension with a reason when refused, and the
//! accepted ones exactly those of the answer.

use rtcpc::{AnswerOptions, Configuration, MediaKind, PeerConnection, SdpType};
use serde_json::Value;

mod common;
use common::CHROME;

fn answer_and_report(offer: &str, opts: AnswerOptions, tracks: bool) -> (String, Value) {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    assert!(
        pc.negotiation_report().is_none(),
        "no report before an answer"
    );
    pc.set_remote_description(SdpType::Offer, offer).unwrap();
    if tracks {
        let kinds: Vec<MediaKind> = pc.transceivers().iter().map(|t| t.kind).collect();
        for (i, k) in kinds.into_iter().enumerate() {
            pc.add_track(k, &format!("t{i}"), "s").unwrap();
        }
    }
    let a = pc.create_answer(opts).unwrap();
    let r: Value = serde_json::from_str(&pc.negotiation_report().unwrap()).unwrap();
    (a, r)
}

/// Payload types and extmap ids per answer m-section; None when rejected.
fn answer_ids(answer: &str) -> Vec<Option<(Vec<u64>, Vec<u64>)>> {
    let mut out: Vec<Option<(Vec<u64>, Vec<u64>)>> = Vec::new();
    for l in answer.lines() {
        if let Some(m) = l.strip_prefix("m=") {
            let t: Vec<&str> = m.split(' ').collect();
            out.push((t[1] != "0").then(|| {
                (
                    t[3..].iter().filter_map(|p| p.parse().ok()).collect(),
                    vec![],
                )
            }));
        } else if let Some(e) = l.strip_prefix("a=extmap:") {
            if let Some(Some((_, ids))) = out.last_mut() {
                ids.push(e.split([' ', '/']).next().unwrap().parse().unwrap());
            }
        }
    }
    out
}

/// The invariants every report keeps with its answer.
fn check_against_answer(answer: &str, report: &Value) {
    let ids = answer_ids(answer);
    let lines = report["m_lines"].as_array().unwrap();
    assert_eq!(lines.len(), ids.len());
    for (m, ids) in lines.iter().zip(ids) {
        assert_eq!(m["accepted"].as_bool().unwrap(), ids.is_some(), "{m}");
        if m["kind"] == "application" {
            continue;
        }
        let accepted = |key: &str, field: &str| -> Vec<u64> {
            m[key]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["accepted"] == true)
                .map(|c| c[field].as_u64().unwrap())
                .collect()
        };
        for list in ["codecs", "extensions"] {
            for c in m[list].as_array().unwrap() {
                assert_eq!(
                    c["accepted"] == true,
                    c["reason"].is_null(),
                    "every refusal has a reason: {c}"
                );
            }
        }
        match ids {
            Some((pts, exts)) => {
                assert_eq!(accepted("codecs", "pt"), pts, "{}", m["mid"]);
                let mut a = accepted("extensions", "id");
                let mut e = exts;
                a.sort();
                e.sort();
                assert_eq!(a, e);
                assert!(m["reason"].is_null());
            }
            None => {
                assert!(accepted("codecs", "pt").is_empty());
                assert!(m["reason"].is_string());
            }
        }
    }
    let setup = answer
        .lines()
        .find_map(|l| l.strip_prefix("a=setup:"))
        .unwrap();
    assert_eq!(
        report["dtls_role"],
        if setup == "active" {
            "client"
        } else {
            "server"
        }
    );
}

#[test]
fn report_matches_the_chrome_answer() {
    let (a, r) = answer_and_report(CHROME, AnswerOptions::default(), true);
    check_against_answer(&a, &r);
    let m = &r["m_lines"];
    assert_eq!(m[0]["kind"], "audio");
    assert_eq!(m[0]["direction"]["answered"], "sendrecv");
    assert_eq!(m[0]["direction"]["local"], "sendrecv");
    assert_eq!(m[1]["bundle"], "bundled");
    assert_eq!(m[2]["kind"], "application");
    // Every offered payload type appears.
    let offered_video = CHROME
        .lines()
        .find(|l| l.starts_with("m=video"))
        .unwrap()
        .split(' ')
        .count()
        - 3;
    assert_eq!(m[1]["codecs"].as_array().unwrap().len(), offered_video);
}

#[test]
fn report_reasons() {
    // Unknown media, unsupported protocol, an H.264 profile the local side
    // lacks, an extension of the other kind, CN without VAD.
    let offer = format!(
        "{CHROME}m=text 9 UDP/TLS/RTP/SAVPF 98\r\nc=IN IP4 0.0.0.0\r\na=mid:t\r\n\
m=video 9 UDP/TLS/RTP/SAVPF 100\r\nc=IN IP4 0.0.0.0\r\na=mid:h\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdefghijkl\r\n\
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=rtpmap:100 H264/90000\r\n\
a=fmtp:100 profile-level-id=640c34;packetization-mode=0\r\n"
    )
    .replacen("a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 1 2 h", 1);
    let fp = CHROME
        .lines()
        .find(|l| l.starts_with("a=fingerprint:"))
        .unwrap();
    let offer = format!("{offer}{fp}\r\n");
    let (a, r) = answer_and_report(
        &offer,
        AnswerOptions {
            voice_activity_detection: false,
        },
        true,
    );
    check_against_answer(&a, &r);
    let m = r["m_lines"].as_array().unwrap();
    assert_eq!(m[3]["reason"], "unknown media type text");
    let h = &m[4];
    assert_eq!(h["accepted"], false);
    assert!(
        h["reason"]
            .as_str()
            .unwrap()
            .starts_with("no codec in common"),
        "{h}"
    );
    assert!(
        h["codecs"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("640c34"),
        "{h}"
    );
    assert_eq!(h["extensions"][0]["accepted"], false);
    let cn = m[0]["codecs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "CN")
        .unwrap();
    assert_eq!(
        cn["reason"],
        "CN dropped because voice activity detection is off"
    );
    let rtx_refused = m[1]["codecs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "rtx" && c["accepted"] == false);
    if let Some(rtx) = rtx_refused {
        assert!(rtx["reason"].as_str().unwrap().contains("refused"), "{rtx}");
    }
}

#[test]
fn extension_of_the_other_kind_is_named() {
    let offer = CHROME.replacen(
        "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset",
        "a=extmap:14 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
        1,
    );
    assert_ne!(offer, CHROME);
    let (a, r) = answer_and_report(&offer, AnswerOptions::default(), false);
    check_against_answer(&a, &r);
    let e = r["m_lines"][1]["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == 14)
        .unwrap()
        .clone();
    assert_eq!(e["accepted"], false);
    assert_eq!(
        e["reason"],
        "not allowed for this media kind: a audio-only extension in a video m-line"
    );
}

#[test]
fn every_corpus_offer_has_a_consistent_report() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus/offers");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        let mut pc = PeerConnection::new(Configuration::default()).unwrap();
        if pc.set_remote_description(SdpType::Offer, &text).is_err() {
            continue;
        }
        let a = pc.create_answer(AnswerOptions::default()).unwrap();
        let r: Value = serde_json::from_str(&pc.negotiation_report().unwrap()).unwrap();
        check_against_answer(&a, &r);
        n += 1;
    }
    assert!(n >= 55, "{n}");
}
