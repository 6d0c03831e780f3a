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
