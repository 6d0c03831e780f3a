//! Helpers shared by the Rust test files (`mod common;` in each).
#![allow(dead_code)]

use rtcpc::{AnswerOptions, Configuration, MediaKind, PeerConnection, SdpType};

/// The Chromium 156 offer shipped with the project: audio, video, data.
pub const CHROME: &str = include_str!("../data/chrome-156-audio-video-data.sdp");

/// A connection with the default configuration.
pub fn pc() -> PeerConnection {
    PeerConnection::new(Configuration::default()).unwrap()
}

/// The values of every line of `sdp` that starts with `prefix`.
pub fn attr<'a>(sdp: &'a str, prefix: &str) -> Vec<&'a str> {
    sdp.lines().filter_map(|l| l.strip_prefix(prefix)).collect()
}

/// setRemoteDescription(offer), createAnswer, setLocalDescription: the answer.
pub fn negotiate(pc: &mut PeerConnection, offer: &str) -> String {
    pc.set_remote_description(SdpType::Offer, offer).unwrap();
    let a = pc.create_answer(AnswerOptions::default()).unwrap();
    pc.set_local_description(SdpType::Answer, &a).unwrap();
    a
}

/// Attaches a track to every transceiver (those a remote offer made).
pub fn send_on_every_transceiver(pc: &mut PeerConnection) {
    let kinds: Vec<MediaKind> = pc.transceivers().iter().map(|t| t.kind).collect();
    for (i, k) in kinds.into_iter().enumerate() {
        pc.add_track(k, &format!("t{i}"), "s").unwrap();
    }
}

/// m-section `index` of `sdp`, from its m= line (without "m=").
pub fn section(sdp: &str, index: usize) -> String {
    sdp.split("\r\nm=").nth(index + 1).unwrap().to_string()
}

/// The index of the first transceiver of `kind`.
pub fn first_of_kind(pc: &PeerConnection, kind: MediaKind) -> usize {
    pc.transceivers()
        .iter()
        .position(|t| t.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} transceiver"))
}

/// A applies `offer` (the one it created last), B answers it with no new
/// tracks, A applies the answer: the answer.
pub fn answered(a: &mut PeerConnection, b: &mut PeerConnection, offer: &str) -> String {
    a.set_local_description(SdpType::Offer, "").unwrap();
    b.set_remote_description(SdpType::Offer, offer).unwrap();
    let answer = b.create_answer(AnswerOptions::default()).unwrap();
    b.set_local_description(SdpType::Answer, &answer).unwrap();
    a.set_remote_description(SdpType::Answer, &answer).unwrap();
    answer
}

/// A offers, B answers, A applies the answer: the offer.
pub fn exchange(a: &mut PeerConnection, b: &mut PeerConnection) -> String {
    let offer = a
        .create_offer(rtcpc::offer::OfferOptions::default())
        .unwrap();
    answered(a, b, &offer);
    offer
}
